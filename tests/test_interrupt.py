"""Builds that are interrupted, killed or run twice at once lose nothing and leave nothing."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.build import build
from briefing.cli import main
from briefing.incremental import Manifest

from .conftest import BOOKKEEPING, RELEASE, as_in_a_terminal, make_project

# Real processes, a real browser: in the full suite, not in `make test-schnell`.
pytestmark = pytest.mark.langsam

LONG = RELEASE.replace("Ein kurzer Text.", "Ein längerer Text mit vielen Wörtern. " * 400)


def start_build(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "briefing.cli", "build", "--root", str(root),
                             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=as_in_a_terminal)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_terminated_build_leaves_no_stray_files(tmp_path, jobs):
    root = make_project(tmp_path, {f"content/dok-{i:02}.md": LONG for i in range(12)})
    build = start_build(root, "--jobs", jobs)
    assert build.stdout.readline().startswith("erstellt  ")  # at least one PDF is done
    build.send_signal(signal.SIGTERM)
    _, err = build.communicate(timeout=120)
    assert build.returncode == 130
    assert err.strip().endswith("briefing: abgebrochen")

    output = root / "output"
    written = sorted(p.name for p in output.glob("*.pdf"))
    assert 1 <= len(written) < 12
    assert sorted(p.name for p in output.iterdir() if p.name.startswith(".")) == BOOKKEEPING
    for name in written:
        assert len(PdfReader(output / name).pages) >= 1  # complete, not truncated
    manifest = Manifest.load(root / "output" / ".briefing-manifest")
    assert sorted(manifest.file_names()) == written
    assert manifest.project is None  # an interrupted build vouches for nothing

    again = start_build(root)
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0
    assert f"Fertig: {12 - len(written)} PDF erstellt, 0 fehlgeschlagen, {len(written)} " \
           "unverändert;" in out


def test_leftovers_of_a_killed_build_are_removed(tmp_path):
    root = make_project(tmp_path, {"content/a.md": RELEASE})
    (root / "output").mkdir()
    stale = root / "output" / ".a.pdf.x1y2z3.tmp"
    stale.write_bytes(b"%PDF-1.7 abgeschnitten")
    assert subprocess.run([sys.executable, "-m", "briefing.cli", "build", "--root", str(root)],
                          capture_output=True).returncode == 0
    assert not stale.exists()


def test_second_build_waits_for_the_first(tmp_path):
    root = make_project(tmp_path, {"content/a.md": RELEASE})
    (root / "output").mkdir()
    with open(root / "output" / ".briefing.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a running build would
        build = start_build(root)
        assert build.stderr.readline().strip() == (
            "Ein anderer briefing-Lauf schreibt gerade nach output/; warte, bis er fertig ist …")
        assert build.poll() is None  # still waiting
        assert not (root / "output" / "a.pdf").exists()
    out, _ = build.communicate(timeout=120)
    assert build.returncode == 0
    assert "erstellt  output/a.pdf" in out


def test_time_budget(project, monkeypatch, capsys):
    import briefing.pdf

    monkeypatch.setattr(briefing.pdf, "TIME_LIMIT_SECONDS", 0.001)
    root = project({"content/a.md": RELEASE})
    code = main(["build", "--jobs", "1", "--root", str(root)])
    assert code == 1
    assert capsys.readouterr().err.strip() == (
        "content/a.md: Setzen dauert länger als 0.001 s und wurde abgebrochen; ist der Text "
        "oder eine Tabelle außergewöhnlich lang?")
    assert not (root / "output" / "a.pdf").exists()


def test_memory_budget_caps_the_rendering_process(monkeypatch):
    import briefing.pdf

    monkeypatch.setattr(briefing.pdf, "MEMORY_LIMIT_BYTES", 20 * 2**20)
    with briefing.pdf.memory_limit(), pytest.raises(MemoryError):
        bytearray(200 * 2**20)
    bytearray(200 * 2**20)  # the limit is lifted again afterwards


def _fragile(page: tuple[str, str]):
    """A worker task that dies on one document, as if the kernel had killed it."""
    import os

    import briefing.pdf

    if "ABSTURZ" in page[1]:
        os._exit(9)
    return briefing.pdf._renderer.render(*page)


def test_a_dying_worker_does_not_crash_the_build(project, monkeypatch, capsys):
    import briefing.pdf

    monkeypatch.setattr(briefing.pdf, "render_page", _fragile)
    root = project({"content/a.md": RELEASE,
                    "content/b.md": RELEASE.replace("Ein kurzer Text.", "ABSTURZ")})
    code = main(["build", "--jobs", "2", "--root", str(root)])
    out, err = capsys.readouterr()
    assert code == 1
    assert ("content/b.md: Der Setzprozess wurde beendet, bevor dieses Dokument fertig war "
            "(zu wenig Speicher?); bitte erneut bauen") in err
    assert "Fertig: " in out  # the build reports instead of crashing
    assert sorted(p.name for p in (root / "output").iterdir() if p.name.startswith(".")) \
        == BOOKKEEPING


def _square(n: int) -> int:
    """A worker task: n², or the worker dies at 3 (as if the kernel had killed it)."""
    if n == DIES:
        os._exit(9)
    time.sleep(0.01)
    return n * n


DIES = -1


def _numbers(drawn: list[int], count: int):
    for n in range(count):
        drawn.append(n)
        yield n, n


def test_the_pool_takes_tasks_as_its_workers_have_room(monkeypatch):
    """Thousands of pages are not all made first and held in memory: the next is made as
    a worker has room. A worker that dies loses its task and those still to come, each
    reported, none twice."""
    from briefing import pool

    drawn: list[int] = []
    when_first = []
    results = {}
    for key, result in pool.run(_numbers(drawn, 60), 2, int, (), _square, lambda n: "lost"):
        when_first.append(len(drawn))
        assert key not in results
        results[key] = result
    assert results == {n: n * n for n in range(60)}
    assert when_first[0] <= 2 * pool.IN_FLIGHT + 2 < 60

    monkeypatch.setattr(sys.modules[__name__], "DIES", 3)
    results = {}
    for key, result in pool.run(_numbers([], 60), 2, int, (), _square, lambda n: "lost"):
        assert key not in results
        results[key] = result
    assert sorted(results) == list(range(60))
    assert results[3] == "lost"
    assert all(result in (n * n, "lost") for n, result in results.items())


def test_an_interrupted_full_re_render_goes_on_where_it_stopped(tmp_path):
    """`build --force` (a new corporate design for every document) stopped halfway: the
    next plain build sets only what the forced run had not reached."""
    root = make_project(tmp_path, {f"content/dok-{i:02}.md": LONG for i in range(8)})
    assert main(["build", "--root", str(root), "--jobs", "1"]) == 0
    first = {p.name: p.stat().st_mtime_ns for p in (root / "output").glob("*.pdf")}
    forced = start_build(root, "--force", "--jobs", "1")
    assert forced.stdout.readline().startswith("erstellt  ")
    forced.send_signal(signal.SIGTERM)
    assert forced.wait(timeout=120) == 130
    redone = [n for n, t in first.items()
              if (root / "output" / n).stat().st_mtime_ns != t]
    assert 1 <= len(redone) < 8
    status = subprocess.run([sys.executable, "-m", "briefing.cli", "status", "--root",
                             str(root)], capture_output=True, text=True).stdout
    assert status.count("Neubau erzwungen") == 8 - len(redone)
    again = start_build(root, "--jobs", "1")
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0
    assert f"Fertig: {8 - len(redone)} PDF erstellt, 0 fehlgeschlagen, {len(redone)} " \
           "unverändert;" in out



@pytest.mark.parametrize(("every", "made_again"), [(0.0, 3), (3600.0, 6)])
def test_a_killed_long_build_goes_on_from_what_it_last_saved(tmp_path, monkeypatch, every,
                                                             made_again):
    """A long build saves what it made so far now and then (`run.CHECKPOINT_SECONDS`), as
    an interrupted one does on its way out: killed (a power cut, no way out), the next
    build makes only what that run had not saved; without a save, everything."""
    import briefing.run

    root = make_project(tmp_path, {f"content/dok-{i:02}.md": RELEASE for i in range(6)})
    monkeypatch.setattr(briefing.run, "CHECKPOINT_SECONDS", every)

    class Killed(BaseException):
        pass

    made: list = []

    def on_outcome(outcome) -> None:
        made.append(outcome)
        if len(made) == 4:  # (before the fourth is saved)
            raise Killed

    real_save = briefing.run.Run.save

    def save(self, complete: bool) -> bool:
        if sys.exc_info()[0] is not Killed:  # (killed: nothing is saved on the way out)
            return real_save(self, complete)
        return False

    monkeypatch.setattr(briefing.run.Run, "save", save)
    with pytest.raises(Killed):
        build(root, on_outcome=on_outcome, jobs=1)
    monkeypatch.undo()
    report = build(root, jobs=1)
    assert report.exit_code() == 0
    assert len(report.outcomes) == 6
    assert sum(not o.unchanged for o in report.outcomes) == made_again


WITHOUT_ENGINE = """
import sys
from pathlib import Path
from briefing.build import build
report = build(Path(sys.argv[1]), warm=True)
assert report.exit_code() == 0, [str(p) for p in report.problems]
print("weasyprint" in sys.modules)
"""


def no_process_left(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize(("documents", "engine_here"), [(1, False), (6, True)])
def test_a_small_build_sets_its_pages_in_the_process_it_started_first(
        tmp_path, documents, engine_here):
    """`build(warm=True)` (the command line's): a process forked before the project is read
    imports the engine meanwhile and sets the pages of a small build (a correction), so
    the build itself never imports it; a larger one uses the pool as before. Every PDF
    is made either way, and no process is left behind."""
    root = make_project(tmp_path, {f"content/dok-{i}.md": RELEASE.replace(
        "Ein kurzer Text.", f"Text Nummer {i}.") for i in range(documents)})
    process = subprocess.Popen([sys.executable, "-c", WITHOUT_ENGINE, str(root)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, preexec_fn=as_in_a_terminal)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert out.strip() == str(engine_here)
    for i in range(documents):
        text = PdfReader(root / "output" / f"dok-{i}.pdf").pages[0].extract_text()
        assert f"Text Nummer {i}." in text
    assert no_process_left(process.pid)  # the setting process ended with the build


def test_ctrl_c_while_the_setting_process_starts(tmp_path):
    """Ctrl-C reaches every process of the terminal's group, the setting process too: one
    German line, no traceback of either process, nothing left running or written."""
    root = make_project(tmp_path, {"content/a.md": LONG})
    build = subprocess.Popen([sys.executable, "-m", "briefing.cli", "build", "--root",
                              str(root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True, preexec_fn=as_in_a_terminal)
    children = Path(f"/proc/{build.pid}/task/{build.pid}/children")
    while build.poll() is None and not children.read_text().split():
        time.sleep(0.01)  # until the build has forked its setting process
    os.killpg(build.pid, signal.SIGINT)
    _, err = build.communicate(timeout=60)
    assert build.returncode == 130
    assert err.strip() == "briefing: abgebrochen"
    assert no_process_left(build.pid)
    assert not (root / "output" / "a.pdf").exists()


CHECKED_BESIDE = """
import sys
from pathlib import Path
import briefing.incremental as incremental
from briefing.build import build
checks = []
original = incremental.Staleness.not_intact
def counted(self):
    checks.append(1)  # in this process only: the setting process has its own list
    return original(self)
incremental.Staleness.not_intact = counted
report = build(Path(sys.argv[1]), channels=True, warm=True)
assert report.exit_code() == 0, [str(p) for p in report.problems]
print(len(checks), *sorted(o.output.name for o in report.outcomes if o.ok and not o.unchanged))
"""


def test_the_setting_process_checks_the_files_written(tmp_path):
    """A build of what changed has the setting process check every file the manifest
    lists, on its own core: the build process does not, and a PDF damaged in place is
    still made again, beside the release that was edited."""
    root = make_project(tmp_path, {f"content/dok-{i}.md": RELEASE for i in range(3)})
    assert build(root, channels=True).exit_code() == 0
    damaged = root / "output" / "dok-2.pdf"
    good = damaged.read_bytes()
    with open(damaged, "r+b") as file:  # as `cp` over it does: same inode, same size
        file.write(good[:-8] + b"%%kaputt")
    (root / "content" / "dok-0.md").write_text(
        RELEASE.replace("Ein kurzer Text.", "Ein geänderter Text."), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", CHECKED_BESIDE, str(root)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "dok-0-pressemappe.pdf", "dok-0.pdf", "dok-2.pdf"]
    assert damaged.read_bytes() == good


def test_a_setup_that_fails_in_the_setting_process_is_raised_in_the_build(monkeypatch):
    """The engine's import or setup failing in the setting process is raised where the
    build asks for a page, as itself (a fault of the machine stays one), not reported as
    a page lost for want of memory."""
    import briefing.pdf
    from briefing.errors import MachineError
    from briefing.setting import Settings, Worker

    def broken(settings):
        raise MachineError("templates/fonts: kann nicht gelesen werden")

    monkeypatch.setattr(briefing.pdf, "start_renderer", broken)
    worker = Worker()
    try:
        worker.setup(Settings(Path("."), Path("."), (), {}, frozenset({"de-DE"}), ""))
        with pytest.raises(MachineError, match="templates/fonts: kann nicht gelesen werden"):
            worker.render(("content/a.md", "<html><body><p>Text</p></body></html>"))
    finally:
        worker.stop()
    assert not worker.process.is_alive()


IN_PARTS = """
import sys
import briefing.build
from briefing.cli import main
briefing.build.PART_FILES = 2
sys.argv = ["briefing", *sys.argv[1:]]
sys.exit(main())
"""


def start_in_parts(root: Path) -> subprocess.Popen:
    """`briefing build --alle` of an archive made two content files a part (parts.py)."""
    return subprocess.Popen([sys.executable, "-c", IN_PARTS, "build", "--alle", "--jobs", "1",
                             "--root", str(root)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=as_in_a_terminal)


def part_process(build: subprocess.Popen) -> int:
    """The process of the part the build is making now."""
    children = Path(f"/proc/{build.pid}/task/{build.pid}/children")
    while build.poll() is None:
        for pid in children.read_text().split():
            with contextlib.suppress(OSError):
                if b"briefing.parts" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return int(pid)
        time.sleep(0.01)
    raise AssertionError("the build ended before a part's process was found")


def test_a_build_in_parts_stopped_or_a_part_killed_goes_on_where_it_stopped(tmp_path):
    """A build of everything in an archive of thousands makes a part at a time, each in a
    process of its own. `kill` (or Ctrl-C) stops it as it stops any build: exit 130, one
    German line, no process left, what was made recorded and nothing half-written. A
    part's process killed (out of memory) stops it with a German line. Each time the next
    build makes only what is left."""
    root = make_project(tmp_path, {f"content/dok-{i:02}.md": LONG for i in range(8)})
    output = root / "output"

    def pdfs() -> dict[str, int]:
        return {p.name: p.stat().st_mtime_ns for p in output.glob("*.pdf")}

    build = start_in_parts(root)
    assert build.stdout.readline().startswith("erstellt  ")
    build.send_signal(signal.SIGTERM)
    _, err = build.communicate(timeout=120)
    assert (build.returncode, err.strip()) == (130, "briefing: abgebrochen")
    assert no_process_left(build.pid)
    stopped = pdfs()
    assert 1 <= len(stopped) < 16  # (a release and its press kit each)
    manifest = Manifest.load(output / ".briefing-manifest")
    assert sorted(n for n in manifest.file_names() if "/" not in n and n.endswith(".pdf")) \
        == sorted(stopped)
    assert manifest.project is None  # an interrupted build vouches for nothing
    assert not [p for p in output.rglob("*") if p.name.endswith(".tmp")]

    build = start_in_parts(root)
    assert build.stdout.readline().startswith("erstellt  ")
    os.kill(part_process(build), signal.SIGKILL)
    _, err = build.communicate(timeout=120)
    assert (build.returncode, err.strip()) == (3, (
        "briefing: Der Prozess eines Teils des Builds wurde beendet (Signal 9; zu wenig "
        "Speicher?). Was er bis dahin gespeichert hat, bleibt: starten Sie den Build "
        "erneut, er setzt dort fort"))
    assert no_process_left(build.pid)
    killed = pdfs()
    assert all(killed[name] == made for name, made in stopped.items())  # not made again

    build = start_in_parts(root)
    out, err = build.communicate(timeout=300)
    assert build.returncode == 0, err
    done = pdfs()
    assert len(done) == 16
    made = [name for name, when in done.items() if killed.get(name) != when]
    assert f"Fertig: {len(made)} PDF erstellt, 0 fehlgeschlagen, {16 - len(made)} " \
           "unverändert;" in out
    for name in done:
        assert len(PdfReader(output / name).pages) >= 1
