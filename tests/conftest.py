"""Shared fixtures: throw-away projects built from the real templates and configuration."""

from __future__ import annotations

import functools
import shutil
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: A copy of ../shared/seed/…: the source text the release must reproduce word for word.
SEED = REPO / "tests" / "data" / "pressemitteilung-2025-10-29-internationale-strategie.txt"
#: The seed content (release, five briefings, hyphenation list) as the tests' own fixture:
#: the suite never reads the live content/, which staff change.
SEED_CONTENT = REPO / "tests" / "data" / "seed"

RELEASE = """\
---
typ: pressemitteilung
titel: Testmitteilung
datum: 2025-10-29
ort: Dresden
---

Dresden (29. Oktober 2025) – Ein kurzer Text.
"""


@pytest.fixture(autouse=True, scope="session")
def _own_cache_folder(tmp_path_factory):
    """The suite's caches (documents, compiled templates of hundreds of throw-away
    projects) in a folder of its own, not the user's."""
    import os

    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


#: Files a build keeps in output/ besides the PDFs.
BOOKKEEPING = [".briefing-manifest", ".briefing.lock"]


def make_project(root: Path, files: dict[str, str] | None = None, content: bool = False) -> Path:
    """A project in `root` with the repo's templates and briefing.toml; `files` are written
    relative to `root` (dedented); `content=True` adds the seed content (tests/data/seed)."""
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy(REPO / "briefing.toml", root / "briefing.toml")
    if content:
        shutil.copytree(SEED_CONTENT, root / "content")
    (root / "content").mkdir(exist_ok=True)
    for name, text in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


#: Who approves in tests (the four-eyes principle needs someone other than the author).
APPROVER = "Bernd Prüfer"


def damage(path: Path, how: str) -> None:
    """A file a build wrote, damaged by hand: »gelöscht« (deleted) or »überschrieben«
    (overwritten in place: same inode, same size, only the times say so); anything else
    leaves it as it is."""
    if how == "gelöscht":
        path.unlink()
    elif how == "überschrieben":
        data = path.read_bytes()
        with open(path, "r+b") as file:
            file.write(data[:-8] + b"%%kaputt")


def approve(root: Path, *names: str, by: str = APPROVER) -> None:
    """Approve content files (all that can be, without `names`) as `briefing freigeben`
    does: a release goes on the public web only approved."""
    from briefing.lifecycle import approve as record
    from briefing.project import load_project

    project = load_project(root)
    for document in project.documents:
        if (not names or document.display_path in names or document.slug in names) \
                and not document.draft:
            record(project.config, document, by)


@pytest.fixture
def project(tmp_path: Path):
    def factory(files: dict[str, str] | None = None, content: bool = False) -> Path:
        return make_project(tmp_path, files, content)

    return factory


@pytest.fixture(autouse=True)
def audit_every_pdf(request, tmp_path):
    """Every PDF a test builds into an output/ folder passes the PDF/UA + PDF/A audit
    (`briefing prüfen-pdf`); a test that makes a non-conforming PDF on purpose says so
    with @pytest.mark.kein_audit."""
    yield
    if request.node.get_closest_marker("kein_audit"):
        return
    from briefing.audit import audit

    for pdf in sorted(tmp_path.glob("**/output/*.pdf")):
        problems = [str(p) for p in audit(pdf, pdf.name)]
        assert problems == [], problems


def _fixed(moment):
    """The time of a fixed clock (`clock`)."""
    return moment


@pytest.fixture
def clock(monkeypatch):
    """Set the one clock: `clock("2025-10-29 08:00")` (UTC)."""
    import datetime as dt

    import briefing.clock

    def set_to(moment: str) -> None:
        fixed = dt.datetime.fromisoformat(moment).replace(tzinfo=dt.UTC)
        # (A function that can be pickled: a build in parts hands it to each part's
        # process, parts.py.)
        monkeypatch.setattr(briefing.clock, "now", functools.partial(_fixed, fixed))

    set_to("2025-10-28 12:00")
    return set_to


@pytest.fixture
def reads(monkeypatch):
    """The content files parsed (not taken from the document cache), in order."""
    import briefing.project
    import briefing.reader

    seen: list[str] = []
    original = briefing.reader.read_source

    def counting(path, display_path):
        seen.append(display_path)
        return original(path, display_path)

    monkeypatch.setattr(briefing.project, "read_source", counting)
    return seen


@pytest.fixture
def counted(monkeypatch):
    """How often a build read the manifest."""
    import briefing.incremental

    reads = []
    load = briefing.incremental.Manifest.load.__func__

    def counting(cls, path):
        reads.append(path)
        return load(cls, path)

    monkeypatch.setattr(briefing.incremental.Manifest, "load", classmethod(counting))
    return reads


def as_in_a_terminal() -> None:
    """`preexec_fn` of a child process the test sends Ctrl-C: SIGINT as a terminal gives
    it. A test run started as a background job of a shell (`make test &`) ignores SIGINT,
    every process it starts inherits that, and Python then installs no handler."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
