"""An archive of many releases: what one correction costs at 100, 1,000 and 5,000 releases.

Used by bench/run.py; `python bench/archive.py [N …]` runs only this part (default
`BENCH_ARCHIV`, else 100 1000 5000). The archive is generated in a temporary folder (or,
with `BENCH_ARCHIV_ORDNER`, kept in that folder between runs: the cold build of 5,000
releases takes minutes), never in content/ or the repository: one-page releases over ten
years, all approved and public. For each size it prints the cold build, a no-op build,
one correction (a new `korrekturen` entry, approved again, then `build --alle`),
`status` and `liste`, peak memory and the size of the shared pages, and the growth per
release against the smallest size.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BRIEFING, run  # noqa: E402 (bench/ is not a package)

SIZES = (100, 1000, 5000)
#: The releases span ten years, newest last.
FIRST_DAY, DAYS = dt.date(2016, 1, 4), 3650
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
          "September", "Oktober", "November", "Dezember")


def release(index: int, count: int) -> tuple[str, str]:
    """File name and text of the generated release `index` of `count`."""
    day = FIRST_DAY + dt.timedelta(days=index * DAYS // count)
    name = f"{day.isoformat()}-pressemitteilung-{index:05}.md"
    text = (f"---\ntyp: pressemitteilung\ntitel: Mitteilung {index} aus dem Archiv\n"
            f"datum: {day.isoformat()}\nort: Dresden\n---\n\n"
            f"Dresden ({day.day}. {MONTHS[day.month - 1]} {day.year}) – Der Freistaat "
            f"berichtet über Vorhaben {index}. Ein zweiter Satz ergänzt die Meldung.\n\n"
            "Ein weiterer Absatz beschreibt die Hintergründe in wenigen Worten.\n")
    return name, text


def archive(folder: Path, count: int) -> Path:
    """A project with `count` approved releases (made once per folder)."""
    root = folder / f"archiv-{count}"
    if (root / "content").is_dir() and \
            len(list((root / "content").glob("*.md"))) == count:
        # Kept from an earlier run: with this version's templates and settings.
        shutil.rmtree(root / "templates")
        shutil.copytree(REPO / "templates", root / "templates")
        shutil.copy(REPO / "briefing.toml", root / "briefing.toml")
        return root
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy(REPO / "briefing.toml", root / "briefing.toml")
    (root / "content").mkdir()
    for index in range(count):
        name, text = release(index, count)
        (root / "content" / name).write_text(text, encoding="utf-8")
    approve_all(root)
    return root


def approve_all(root: Path, *names: str) -> None:
    sys.path.insert(0, str(REPO / "src"))
    from briefing.lifecycle import approve
    from briefing.project import load_project

    project = load_project(root)
    for document in project.documents:
        if not names or document.display_path in names:
            approve(project.config, document, "Bernd Prüfer")


def correct(root: Path, count: int, round_: int) -> str:
    """Correct a release from the middle of the archive that has no correction yet (one
    entry in `korrekturen`), and approve it again: every round, and every run on a kept
    archive, makes the same change (a release corrected again and again would grow)."""
    corrected = {json.loads(line)["datei"] for log in (root / "protokoll").glob("*.jsonl")
                 for line in log.read_text(encoding="utf-8").splitlines()
                 if '"korrekturen": 0' not in line}
    index = next(i for i in [*range(count // 2, count), *range(count // 2)]
                 if f"content/{release(i, count)[0]}" not in corrected)
    name, text = release(index, count)
    path = root / "content" / name
    fix = f"  {dt.date.today() - dt.timedelta(days=1)}: Korrektur im zweiten Satz.\n"
    path.write_text(text.replace("ort: Dresden\n", f"ort: Dresden\nkorrekturen:\n{fix}")
                    .replace("zweiter Satz", f"zweiter, {round_ + 1}. korrigierter Satz"),
                    encoding="utf-8")
    approve_all(root, f"content/{name}")
    return f"content/{name}"


def shared_size(root: Path) -> str:
    web = root / "output" / "web"
    pages = [web / "index.html", web / "feed.atom", web / "pressemitteilungen.json"]
    largest = max((p.stat().st_size for p in web.rglob("*.html")
                   if p.parent.name == "archiv"), default=0)
    return ", ".join(f"{p.name} {p.stat().st_size // 1024} KiB" for p in pages
                     if p.exists()) + f", largest archive page {largest // 1024} KiB"


def measure(folder: Path, sizes, row) -> None:
    results = {}
    for count in sizes:
        root = archive(folder, count)
        cold, cold_rss, _ = run([*BRIEFING, "build", "--alle", "--root", str(root)])
        # The first no-op after a build that wrote reads the manifest (and leaves the
        # quick file); the next ones read the quick file.
        first_noop = run([*BRIEFING, "build", "--alle", "--root", str(root)])[0]
        noop = min(run([*BRIEFING, "build", "--alle", "--root", str(root)])[0]
                   for _ in range(3))
        changes, rss = [], 0
        for round_ in range(3):
            correct(root, count, round_)
            wall, peak, _ = run([*BRIEFING, "build", "--alle", "--root", str(root)])
            changes.append(wall)
            rss = max(rss, peak)
        change = sorted(changes)[1]
        # The first of each, and the best of 3 (this machine's speed varies). (The first
        # `status` is the first to read the front matter after the builds.)
        status, listing = ([run([*BRIEFING, command, "--root", str(root)])[0]
                            for _ in range(3)] for command in ("status", "liste"))
        results[count] = change
        row(f"archive of {count} releases: cold build --alle (a fresh one: "
            f"{'yes' if cold > 5 else 'no, kept'})",
            f"{cold:.1f} s = {cold / count * 1000:.0f} ms/release, peak RSS {cold_rss} MB",
            "linear")
        row(f"  {count}: one correction, build --alle (median of 3)",
            f"{change:.2f} s, peak RSS {rss} MB", "≤ 1.5 s at 5,000")
        row(f"  {count}: no-op build --alle (best of 3; the first after a build)",
            f"{noop:.2f} s ({first_noop:.2f} s)", "≤ 0.3 s")
        row(f"  {count}: status / liste (best of 3; the first)",
            f"{min(status):.2f} s / {min(listing):.2f} s ({status[0]:.2f} s / "
            f"{listing[0]:.2f} s)", "≤ 1 s")
        row(f"  {count}: shared pages", shared_size(root), "small, flat")
    smallest = min(results)
    for count, change in results.items():
        if count != smallest:
            growth = (change - results[smallest]) / (count - smallest) * 1000
            row(f"  one correction at {count} vs {smallest}",
                f"{change / results[smallest]:.2f}×, {growth:.3f} ms per release",
                "≤ 1.3×")
    # The same, with the sizes in turns: the medians above were taken minutes apart, and
    # this machine's speed varies by a third from hour to hour.
    turns: dict[int, list[float]] = {count: [] for count in results}
    for round_ in range(3, 8):
        for count in (list(results) if round_ % 2 else list(reversed(results))):
            root = folder / f"archiv-{count}"
            correct(root, count, round_)
            turns[count].append(run([*BRIEFING, "build", "--alle", "--root", str(root)])[0])
    medians = {count: statistics.median(walls) for count, walls in turns.items()}
    for count, change in medians.items():
        if count != smallest:
            row(f"  one correction at {count} vs {smallest}, in turns (median of 5)",
                f"{change / medians[smallest]:.2f}× ({change:.2f} s vs "
                f"{medians[smallest]:.2f} s)", "≤ 1.3×")


def sizes() -> list[int]:
    return [int(n) for n in os.environ.get("BENCH_ARCHIV", "").split()] or list(SIZES)


def main() -> None:
    chosen = [int(n) for n in sys.argv[1:]] or sizes()

    def row(what: str, value: str, target: str = "") -> None:
        print(f"{what:<62} {value:<48} {target}", flush=True)

    kept = os.environ.get("BENCH_ARCHIV_ORDNER")
    if kept:
        measure(Path(kept), chosen, row)
        return
    with tempfile.TemporaryDirectory() as temp:
        began = time.perf_counter()
        measure(Path(temp), chosen, row)
        print(f"({time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()
