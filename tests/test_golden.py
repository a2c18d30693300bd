"""Golden files for the HTML stage: each seed document's page, exactly as the templates make it.

A change to the templates, the typography or the Markdown rendering shows up here as a
diff of the HTML, before anyone has to compare PDFs. When the change is intended, rewrite
the files with `make golden` (`BRIEFING_UPDATE_GOLDEN=1 .venv/bin/python -m pytest
tests/test_golden.py`) and review the diff in git.

The pages are rendered in a throw-away project; they must not contain its path, so the
files are the same on every machine.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from briefing.project import load_project
from briefing.templating import compose, make_environment

from .conftest import SEED_CONTENT, make_project

GOLDEN = Path(__file__).parent / "golden"
SLUGS = sorted(path.stem for path in SEED_CONTENT.glob("*.md"))
UPDATE = os.environ.get("BRIEFING_UPDATE_GOLDEN") == "1"
HOW_TO_UPDATE = ("If the change is intended, rewrite the golden files with `make golden` "
                 "(BRIEFING_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py) "
                 "and review the diff in git.")
MAX_DIFF_LINES = 60


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The project root and each seed document's page HTML, by slug."""
    root = make_project(tmp_path_factory.mktemp("golden"), content=True)
    project = load_project(root)
    assert [str(p) for p in project.problems] == []
    config = project.config
    env = make_environment(config.templates_dir)
    pages = {}
    for document in project.documents:
        page = compose(document, env, config)
        assert [str(p) for p in page.problems] == [], document.display_path
        pages[document.slug] = page.html
    return root, pages


def golden_path(slug: str) -> Path:
    return GOLDEN / f"{slug}.html"


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")  # exactly: no newline translation


def short_diff(expected: str, actual: str, name: str) -> str:
    lines = list(difflib.unified_diff(expected.splitlines(keepends=True),
                                      actual.splitlines(keepends=True),
                                      fromfile=name, tofile="rendered"))
    shown = "".join(line if line.endswith("\n") else line + "\n"
                    for line in lines[:MAX_DIFF_LINES])
    if len(lines) > MAX_DIFF_LINES:
        shown += f"… ({len(lines) - MAX_DIFF_LINES} more diff lines)\n"
    return shown


def test_one_golden_file_per_seed_document(rendered):
    _root, pages = rendered
    assert sorted(pages) == SLUGS
    stored = sorted(path.stem for path in GOLDEN.glob("*.html"))
    if UPDATE:
        for slug in set(stored) - set(SLUGS):
            golden_path(slug).unlink()
        return
    assert stored == SLUGS, f"golden files and seed documents differ. {HOW_TO_UPDATE}"


@pytest.mark.parametrize("slug", SLUGS)
def test_page_html_matches_golden_file(slug, rendered):
    root, pages = rendered
    html = pages[slug]
    for form in {str(root), str(root.resolve()), root.resolve().as_uri()}:
        assert form not in html, f"the page contains the project's path {form}"
    path = golden_path(slug)
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(html.encode("utf-8"))
        return
    name = f"tests/golden/{slug}.html"
    if not path.exists():
        pytest.fail(f"{name} is missing. {HOW_TO_UPDATE}", pytrace=False)
    expected = read(path)
    if html != expected:
        pytest.fail(f"{name} differs from the page HTML rendered now. {HOW_TO_UPDATE}\n\n"
                    f"{short_diff(expected, html, name)}", pytrace=False)
