"""A real browser for tests: Debian's chromium driven by Playwright, and axe-core's WCAG 2.1
A/AA check of an HTML file in it.

Nothing is downloaded, neither by a test tool (never `playwright install`; chromium comes
from `scripts/setup.sh browser`, axe-core from the pinned dev dependency
axe-playwright-python) nor by the page: every request that is not file:// is aborted.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType

import pytest

#: The axe-core tags we hold pages to: WCAG 2.0 and 2.1, levels A and AA (as BITV 2.0 /
#: EN 301 549 ask). Best-practice rules (landmarks, region) are left out on purpose.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

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


def axe_violations(html_file: Path) -> list[dict]:
    """The WCAG 2.1 A/AA violations axe-core finds in `html_file`, rendered by headless
    chromium: each with `id`, `impact`, `help` and the `targets` (one CSS selector per
    offending element)."""
    playwright, executable = chromium()
    script = axe_script()
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(service_workers="block")
            context.route("**/*", _only_local_files)
            page = context.new_page()
            page.goto(Path(html_file).resolve().as_uri())
            page.add_script_tag(path=script)
            return page.evaluate(RUN_AXE, WCAG_TAGS)
        finally:
            browser.close()


def format_violations(violations: list[dict]) -> str:
    """One block per violation, for assertion messages."""
    if not violations:
        return "keine Verstöße"
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {target}" for target in v["targets"])
    return "\n".join(lines)


def _only_local_files(route) -> None:
    if route.request.url.startswith("file:"):
        route.continue_()
    else:
        route.abort()
