"""The working loop's speed: preview latency, `status` and `liste` on the real content and
on 1,000 content files. Used by bench/run.py; `python bench/loop.py` runs only this part."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "tests" / "data" / "seed"
BRIEFING = [sys.executable, "-m", "briefing.cli"]
EDITS = 20


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read()


def _start_preview(root: Path, name: str) -> tuple[subprocess.Popen, str]:
    """A preview process of content/`name` on a free port, and its address."""
    process = subprocess.Popen([*BRIEFING, "vorschau", f"content/{name}", "--port", "0",
                                "--ohne-browser", "--root", str(root)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return process, process.stdout.readline().split()[1]


def preview_latency(root: Path, name: str, edits: int = EDITS) -> tuple[float, list[float]]:
    """Seconds to the first view, and from each save to the new page being served."""
    began = time.perf_counter()
    process, url = _start_preview(root, name)
    try:
        while True:
            state = json.loads(_get(url + "stand"))
            if state["dokumente"] and state["dokumente"][0]["seiten"]:
                break
            time.sleep(0.01)
        _get(url + "seite/0/0.jpg")
        first = time.perf_counter() - began
        path = root / "content" / name
        text = path.read_text(encoding="utf-8")
        times = []
        for i in range(edits):
            before = json.loads(_get(url + "stand"))["stand"]
            path.write_text(text + f"\nEin geänderter Absatz {i}.\n", encoding="utf-8")
            saved = time.perf_counter()
            while json.loads(_get(url + "stand"))["stand"] == before:
                time.sleep(0.005)
            _get(url + "seite/0/0.jpg")
            times.append(time.perf_counter() - saved)
            time.sleep(0.3)
        path.write_text(text, encoding="utf-8")
        return first, times
    finally:
        process.terminate()
        process.wait(timeout=10)


def preview_in_browser(root: Path, name: str, edits: int = EDITS
                       ) -> tuple[float, list[float]] | None:
    """As a person sees it, in Debian's chromium (already running, as a person's browser
    is): seconds from starting the preview to the first page image loaded, and from each
    save to the new version shown (its page images loaded). None when chromium or
    Playwright is missing."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if executable is None:
        return None
    process = None
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable,
                                        args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto("about:blank")
            began = time.perf_counter()
            process, url = _start_preview(root, name)
            page.goto(url)
            page.wait_for_function("() => document.images.length > 0 && [...document.images]"
                                   ".every(i => i.complete && i.naturalWidth > 0)",
                                   timeout=60_000)
            first = time.perf_counter() - began
            time.sleep(0.5)  # the finished PDF of the first view follows its pages
            path = root / "content" / name
            text = path.read_text(encoding="utf-8")
            times = []
            for i in range(edits):
                shown = page.evaluate("() => document.body.dataset.stand")
                path.write_text(text + f"\nEin geänderter Absatz {i}.\n", encoding="utf-8")
                saved = time.time() * 1000
                # The page notes when it showed a new version (its images loaded), in the
                # same clock: no polling interval in the figure.
                page.wait_for_function("shown => document.body.dataset.stand !== shown",
                                       arg=shown, polling=5, timeout=30_000)
                times.append((float(page.evaluate("() => document.body.dataset.gezeigt"))
                              - saved) / 1000)
                time.sleep(0.3)
            path.write_text(text, encoding="utf-8")
            browser.close()
        return first, times
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)


def thousand_files(folder: Path) -> Path:
    """A project with 1,000 content files (releases and briefings) that look built: each
    has a PDF and a manifest entry as a build would record them."""
    sys.path.insert(0, str(REPO / "src"))
    from briefing.incremental import Entry, Staleness, digest
    from briefing.paths import Paths

    shutil.copytree(REPO / "templates", folder / "templates")
    shutil.copy(REPO / "briefing.toml", folder / "briefing.toml")
    (folder / "content").mkdir(parents=True)
    (folder / "output").mkdir()
    shutil.copy(SEED / "silbentrennung.txt", folder / "content")
    release = (SEED / "2025-10-29-pressemitteilung-internationale-strategie.md").read_text(
        encoding="utf-8")
    briefings = sorted(SEED.glob("*-hintergrund-*.md"))
    pdf = b"%PDF-1.7 bench\n"
    staleness = Staleness(Paths(folder))
    for n in range(1000 // 6 + 1):
        stem = f"2025-{n % 12 + 1:02}-{n % 28 + 1:02}-pressemitteilung-{n:03}"
        files = {stem: release}
        for index, path in enumerate(briefings):
            files[f"{stem}-hintergrund-{index}"] = path.read_text(encoding="utf-8").replace(
                "2025-10-29-pressemitteilung-internationale-strategie", stem)
        for name, text in files.items():
            (folder / "content" / f"{name}.md").write_text(text, encoding="utf-8")
            (folder / "output" / f"{name}.pdf").write_bytes(pdf)
            source = f"content/{name}.md"
            rel = [] if name == stem else [f"content/{stem}.md"]
            templates = ["base.html.j2", "partials/contact.html.j2"]
            staleness.record(Entry("pdf", source,
                                   staleness.inputs([source], rel, templates, []),
                                   {f"{name}.pdf": [digest(pdf), len(pdf)]}, 1, [source],
                                   [], [], rel, templates))
    staleness.save([], set(), set(), True)
    return folder


def timed(args: list[str], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def measure(temp: Path, real: Path, row) -> None:
    """Rows for bench/RESULTS.md: `real` is a built copy of the real content."""
    for name, label, target in [
            (next(p.name for p in (real / "content").glob("*-hintergrund-2-*.md")),
             "a 2-page briefing", "≤ 400 ms median"),
            (next(p.name for p in sorted((real / "content").glob("*-pressemitteilung-*.md"))
                  if p.name.count(".") == 1),
             "the 1-page release", "≤ 250 ms median")]:
        first, times = preview_latency(real, name)
        times.sort()
        row(f"preview of {label}: save → new page served ({len(times)} edits)",
            f"median {statistics.median(times) * 1000:.0f} ms, "
            f"90th pct {times[int(0.9 * len(times)) - 1] * 1000:.0f} ms", target)
        row(f"preview of {label}: first view after start", f"{first:.2f} s", "≤ 2 s")
        seen = preview_in_browser(real, name)
        if seen is not None:
            first, times = seen
            times.sort()
            row(f"preview of {label} in chromium: save → new page shown ({len(times)} edits)",
                f"median {statistics.median(times) * 1000:.0f} ms, "
                f"90th pct {times[int(0.9 * len(times)) - 1] * 1000:.0f} ms",
                "≤ 250 ms median" if "briefing" in label else "≤ 150 ms median")
            row(f"preview of {label} in chromium: first page image", f"{first:.2f} s",
                "≤ 1.2 s")
    row("status, real content", f"{timed([*BRIEFING, 'status', '--root', str(real)]):.2f} s",
        "≤ 0.3 s")
    row("liste, real content", f"{timed([*BRIEFING, 'liste', '--root', str(real)]):.2f} s",
        "≤ 0.3 s")
    big = thousand_files(temp / "tausend")
    row("status, 1,000 content files",
        f"{timed([*BRIEFING, 'status', '--root', str(big)], 3):.2f} s", "< 1 s")
    row("liste, 1,000 content files",
        f"{timed([*BRIEFING, 'liste', '--root', str(big)], 3):.2f} s", "< 1 s")


if __name__ == "__main__":
    import tempfile

    sys.path.insert(0, str(Path(__file__).parent))
    from run import new_project

    def show(what: str, value: str, target: str = "") -> None:
        print(f"{what:<66} {value:<34} {target}", flush=True)

    with tempfile.TemporaryDirectory() as temp:
        real = new_project(Path(temp) / "real")
        subprocess.run([*BRIEFING, "build", "--root", str(real)], check=True,
                       capture_output=True)
        measure(Path(temp), real, show)
