"""A real browser for tests: Debian's chromium driven by Playwright, axe-core's check of a
page in it (WCAG 2.0–2.2 A/AA with best practice), and what a reader sees: whether the
stylesheet and the web fonts applied, whether the page scrolls sideways.

Nothing is downloaded, neither by a test tool (never `playwright install`; chromium comes
from `scripts/setup.sh browser`, axe-core from the pinned dev dependency
axe-playwright-python) nor by the page: every request that is not file:// or to the
test's own server on 127.0.0.1 is aborted.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType

import pytest

#: The axe-core tags we hold pages to: WCAG 2.0, 2.1 and 2.2, levels A and AA (as BITV 2.0 /
#: EN 301 549 ask; 2.2 brings target-size), and axe's best practice (landmarks, one h1).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
#: The widths pages are checked at: a desktop, a common phone, WCAG 1.4.10's reflow width.
WIDTHS = (1280, 375, 320)

# The page is our own file and cannot reach the network, so the sandbox protects nothing
# here, while it fails as root and in many containers. The rest keeps chromium from
# phoning home (updates, sync, field trials) behind the route filter's back.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
]

# Runs in the page; returns plain data so a failing assertion shows what and where.
RUN_AXE = """async (tags) => {
    const results = await axe.run(document, {
        runOnly: {type: 'tag', values: tags},
        resultTypes: ['violations'],
    });
    return results.violations.map(violation => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        // A target is one selector per frame (an array again inside shadow DOM).
        targets: violation.nodes.map(node => node.target.flat(Infinity).join(' >>> ')),
    }));
}"""


def chromium() -> tuple[ModuleType, str]:
    """Playwright's sync API and Debian's chromium, or a skip that says what to install."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("chromium fehlt: sudo apt-get install chromium (make test installiert ihn, "
                    "wo es darf)")
    playwright = pytest.importorskip(
        "playwright.sync_api",
        reason="Playwright fehlt: make test installiert die Entwicklungsabhängigkeiten in .venv")
    return playwright, executable


def axe_script() -> Path:
    """axe.min.js as bundled by axe-playwright-python, or a skip that says what to install."""
    package = pytest.importorskip(
        "axe_playwright_python",
        reason="axe-core fehlt (Paket axe-playwright-python): make test installiert die "
               "Entwicklungsabhängigkeiten in .venv")
    return Path(package.__file__).with_name("axe.min.js")


# What a reader sees of the page: the stylesheet's rules in force, the web fonts loaded
# from their @font-face rules (not the machine's fonts), sideways scrolling.
LOOK = """async () => {
    await document.fonts.ready;
    const faces = [...document.fonts].filter(f => f.status === 'loaded')
        .map(f => `${f.family.replace(/"/g, '')} ${f.weight} ${f.style}`);
    const root = document.documentElement;
    return {
        // The stylesheet's own custom property, set only when it applied.
        styled: getComputedStyle(root).getPropertyValue('--accent').trim() !== '',
        font: getComputedStyle(document.body).fontFamily,
        faces: faces.sort(),
        scrollWidth: root.scrollWidth, clientWidth: root.clientWidth,
        wide: [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > root.clientWidth + 0.5)
            .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))
            .slice(0, 5),
    };
}"""


class Browser:
    """One headless chromium for several pages: `look(url, width)` opens a page at a
    viewport width and returns what a reader and axe-core find there."""

    def __init__(self, allowed: str = "") -> None:
        self.allowed = allowed  # a test server's origin, besides file://

    def __enter__(self) -> Browser:
        playwright, executable = chromium()
        self.script = axe_script()
        self._playwright = playwright.sync_playwright().start()
        self._browser = self._playwright.chromium.launch(executable_path=executable,
                                                         args=CHROMIUM_ARGS)
        self._context = self._browser.new_context(service_workers="block")
        self._context.route("**/*", self._route)
        return self

    def __exit__(self, *exc) -> None:
        self._browser.close()
        self._playwright.stop()

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith("file:") or (self.allowed and url.startswith(self.allowed)):
            route.continue_()
        else:
            route.abort()

    def look(self, url: str, width: int = 1280, axe: bool = True) -> dict:
        """`violations` (axe-core), whether the stylesheet applied (`styled`), the body's `font`, the web font
        `faces` loaded, `scrollWidth`/`clientWidth` of the page and the `wide` elements
        that stick out to the right."""
        page = self._context.new_page()
        try:
            page.set_viewport_size({"width": width, "height": 800})
            response = page.goto(url)
            assert response is None or response.ok, f"{url}: {response.status}"
            found = page.evaluate(LOOK)
            if axe:
                page.add_script_tag(path=self.script)
                found["violations"] = page.evaluate(RUN_AXE, WCAG_TAGS)
            return found
        finally:
            page.close()


def axe_violations(html_file: Path, width: int = 1280) -> list[dict]:
    """The violations axe-core finds in `html_file`, rendered by headless chromium: each
    with `id`, `impact`, `help` and the `targets` (one CSS selector per offending
    element)."""
    with Browser() as browser:
        return browser.look(Path(html_file).resolve().as_uri(), width)["violations"]


def format_violations(violations: list[dict]) -> str:
    """One block per violation, for assertion messages."""
    if not violations:
        return "keine Verstöße"
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {target}" for target in v["targets"])
    return "\n".join(lines)
