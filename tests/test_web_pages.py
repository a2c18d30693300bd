"""The web pages work wherever a reader opens them: every link and stylesheet resolves
relative to its page — on the site, in the review copies, in the unpacked ZIP, under a
sub-path of a server — and in a real browser the stylesheet and the shipped Open Sans
apply, nothing scrolls sideways at 320 px and axe-core finds nothing (WCAG 2.0–2.2 A/AA
and best practice) at 1280, 375 and 320 px."""

from __future__ import annotations

import functools
import http.server
import re
import threading
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from briefing.build import build

from .conftest import approve, make_project

SLUG = "2025-10-29-pressemitteilung-internationale-strategie"
TABLE = "2025-10-29-hintergrund-2-aussenwirtschaft"
_REFERENCE = re.compile(r'\b(?:href|src)="([^"#]+)')


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    """The seed release published, and the same release held back (a draft)."""
    root = make_project(tmp_path_factory.mktemp("seiten"), content=True)
    approve(root)
    report = build(root, channels=True)
    assert report.exit_code() == 0, [str(p) for p in report.problems]
    held = make_project(tmp_path_factory.mktemp("gesperrt"), content=True)
    release = held / "content" / f"{SLUG}.md"
    release.write_text(release.read_text(encoding="utf-8").replace(
        "---\n", "---\nentwurf: true\n", 1), encoding="utf-8")
    assert build(held, channels=True).exit_code() == 0
    return root, held


def dead_links(folder: Path) -> list[str]:
    """Every local href/src of every page under `folder` that names no file."""
    dead = []
    for page in sorted(folder.rglob("*.html")):
        for target in _REFERENCE.findall(page.read_text(encoding="utf-8")):
            if urlsplit(target).scheme:
                continue
            if not (page.parent / unquote(target)).resolve().is_file():
                dead.append(f"{page.relative_to(folder)}: {target}")
    return dead


def unpacked(zip_file: Path, into: Path) -> Path:
    with zipfile.ZipFile(zip_file) as archive:
        archive.extractall(into)
    return into


def test_every_link_of_the_site_resolves(seed):
    root, _ = seed
    site = root / "output" / "web"
    assert dead_links(site) == []
    page = (site / SLUG / f"{SLUG}.html").read_text(encoding="utf-8")
    assert 'href="../briefing.css"' in page and 'href="../index.html"' in page
    assert (site / "fonts" / "OpenSans-Regular.woff2").read_bytes()[:4] == b"wOF2"
    assert "fonts/OpenSans-Regular.woff2" in (site / "briefing.css").read_text(encoding="utf-8")


def test_every_link_of_the_review_copies_and_of_the_zip_resolves(seed, tmp_path):
    root, held = seed
    review = held / "output" / "gesperrt"
    assert (review / SLUG / "index.html").is_file()
    assert not (held / "output" / "web" / SLUG).exists()
    assert dead_links(review) == []
    for project in (root, held):
        folder = unpacked(project / "output" / "pakete" / f"{SLUG}.zip", tmp_path / project.name)
        assert {"briefing.css", "index.html", "fonts/OpenSans-Bold.woff2"} <= \
            {str(p.relative_to(folder)) for p in folder.rglob("*")}
        assert dead_links(folder) == []


class _SubPath(http.server.SimpleHTTPRequestHandler):
    """Serves output/web/ under /presse/, as a press office's server would."""

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if not path.startswith("/presse/"):
            return str(Path(self.directory) / "nicht-da")
        return super().translate_path(path.removeprefix("/presse"))

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def served(seed):
    root, _ = seed
    handler = functools.partial(_SubPath, directory=str(root / "output" / "web"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def looks_right(found: dict, where: str) -> None:
    from .browser import format_violations

    assert found["styled"], f"{where}: Stylesheet nicht angewandt"
    assert any(face.startswith("Open Sans") for face in found["faces"]), \
        f"{where}: Open Sans nicht geladen ({found['faces']}, {found['font']})"
    assert found["scrollWidth"] <= found["clientWidth"], \
        f"{where}: scrollt seitwärts ({found['scrollWidth']} > {found['clientWidth']} px; " \
        f"{found['wide']})"
    if "violations" in found:
        assert found["violations"] == [], f"{where}: {format_violations(found['violations'])}"


@pytest.mark.langsam
def test_pages_in_a_browser_at_every_width(seed):
    from .browser import WIDTHS, Browser

    site = seed[0] / "output" / "web"
    pages = [site / "index.html", site / SLUG / "index.html", site / SLUG / f"{SLUG}.html",
             site / SLUG / f"{TABLE}.html"]
    with Browser() as browser:
        for page in pages:
            for width in WIDTHS:
                looks_right(browser.look(page.as_uri(), width),
                            f"{page.relative_to(site)} bei {width} px")


@pytest.mark.langsam
def test_pages_from_the_zip_the_review_copy_and_a_sub_path(seed, served, tmp_path):
    from .browser import Browser

    root, held = seed
    folder = unpacked(root / "output" / "pakete" / f"{SLUG}.zip", tmp_path / "zip")
    review = held / "output" / "gesperrt" / SLUG
    with Browser(allowed=served) as browser:
        for where, url in [
                ("ZIP", (folder / "index.html").as_uri()),
                ("ZIP", (folder / f"{TABLE}.html").as_uri()),
                ("gesperrt", (review / f"{SLUG}.html").as_uri()),
                ("/presse/", f"{served}/presse/index.html"),
                ("/presse/", f"{served}/presse/{SLUG}/{SLUG}.html")]:
            looks_right(browser.look(url, 320, axe=False), f"{where}: {url}")
