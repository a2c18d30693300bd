"""Faults of the machine, not the content: a German line naming the path and the cause,
exit code 3, no traceback, and nothing lost: earlier PDFs and the manifest stay as they
were, no temporary file is left, and the next build after the fault does only what is
still needed.

Faults are injected where they really happen: a small tmpfs mounted over output/ where the
test may mount one (root), otherwise the operating-system call raises the real `OSError`.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.cli import main

from .conftest import BOOKKEEPING, RELEASE

FULL = "der Datenträger ist voll; schaffen Sie Platz und bauen Sie erneut"
READ_ONLY = "der Datenträger ist schreibgeschützt (nur lesbar eingebunden)"
DENIED = "keine Berechtigung; prüfen Sie die Rechte der Datei oder des Ordners"
GONE = "die Datei oder der Ordner fehlt (gelöscht oder umbenannt?)"


def run(root: Path, capsys, *args: str) -> tuple[int, str, list[str]]:
    code = main([*args, "--root", str(root)])
    out, err = capsys.readouterr()
    return code, out, err.strip().splitlines()


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file in output/ (PDFs and the manifest) with its bytes."""
    return {p.name: p.read_bytes() for p in sorted((root / "output").iterdir())
            if p.name != ".briefing.lock"}


def oserror(code: int, path: str = "x"):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code), path)
    return fail


@pytest.fixture
def built(project, capsys):
    """Two documents built once; then `a.md` is changed, so the next build must write it."""
    root = project({"content/a.md": RELEASE, "content/b.md": RELEASE})
    assert run(root, capsys, "build")[0] == 0
    (root / "content" / "a.md").write_text(RELEASE.replace("Ein kurzer", "Ein neuer"),
                                           encoding="utf-8")
    return root


class FullDisk:
    """A connection to the manifest's database that refuses every change as SQLite does
    when the disk is full (SQLite writes with its own calls, not Python's)."""

    def __init__(self, connection):
        self.connection = connection

    def execute(self, sql, *args):
        if sql.startswith("BEGIN"):
            raise sqlite3.OperationalError("database or disk is full")
        return self.connection.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.connection, name)


def test_disk_full_while_writing_a_pdf(built, capsys, monkeypatch):
    import briefing.files
    import briefing.store

    before = snapshot(built)
    monkeypatch.setattr(briefing.files.os, "fsync", oserror(errno.ENOSPC))
    connect = briefing.store.connect
    monkeypatch.setattr(briefing.store, "connect", lambda path: FullDisk(connect(path)))
    code, out, err = run(built, capsys, "build")
    assert code == 3
    # The PDF, and then the manifest: the old one of each stays.
    assert len(err) == 2
    assert err[0].startswith("output/a.pdf: kann nicht geschrieben werden (")
    assert err[0].endswith(f" kB): {FULL}; die bisherige Datei bleibt unverändert")
    assert err[1] == (f"output/.briefing-manifest: kann nicht gespeichert werden: {FULL}; "
                      "die alte Fassung bleibt, der nächste Lauf setzt die betroffenen "
                      "Dokumente erneut")
    assert "FEHLER    content/a.md: kein PDF erzeugt; output/a.pdf ist veraltet" in out
    assert "Traceback" not in out
    assert snapshot(built) == before
    assert sorted(p.name for p in (built / "output").iterdir()) == [*BOOKKEEPING, "a.pdf", "b.pdf"]

    monkeypatch.undo()  # space again: only the document that is still out of date is made
    code, out, _ = run(built, capsys, "build")
    assert code == 0
    assert "Fertig: 1 PDF erstellt, 0 fehlgeschlagen, 1 unverändert;" in out


def test_a_pdf_the_disk_refused_is_made_by_the_next_build(built, capsys, monkeypatch):
    """The manifest is saved, but the build does not count as complete: the next one,
    with nothing changed, writes the refused PDF instead of answering »nichts geändert«."""
    import briefing.run

    write = briefing.run.write_atomically

    def refuse_a(target, data, *args):
        if target.name == "a.pdf":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        return write(target, data, *args)

    monkeypatch.setattr(briefing.run, "write_atomically", refuse_a)
    assert run(built, capsys, "build")[0] == 3
    monkeypatch.undo()
    code, out, _ = run(built, capsys, "build")
    assert code == 0
    assert "Fertig: 1 PDF erstellt, 0 fehlgeschlagen, 1 unverändert;" in out


def test_manifest_that_cannot_be_saved_keeps_the_old_one(built, capsys, monkeypatch):
    from briefing.incremental import Manifest

    manifest = built / "output" / ".briefing-manifest"
    old = manifest.read_bytes()
    monkeypatch.setattr(Manifest, "save", oserror(errno.ENOSPC, str(manifest)))
    code, _, err = run(built, capsys, "build")
    assert code == 3
    assert err == [f"output/.briefing-manifest: kann nicht gespeichert werden: {FULL}; die "
                   "alte Fassung bleibt, der nächste Lauf setzt die betroffenen Dokumente erneut"]
    assert manifest.read_bytes() == old
    monkeypatch.undo()
    code, out, _ = run(built, capsys, "build")
    assert code == 0  # recovers: the PDF written without a record is made once more
    assert "Fertig: 1 PDF erstellt, 0 fehlgeschlagen, 1 unverändert;" in out


@pytest.mark.parametrize(("code_", "cause"), [(errno.EROFS, READ_ONLY), (errno.EACCES, DENIED)])
def test_output_that_cannot_be_written_stops_before_rendering(built, capsys, monkeypatch,
                                                               code_, cause):
    import briefing.files
    import briefing.pdf

    before = snapshot(built)
    monkeypatch.setattr(briefing.files.tempfile, "TemporaryFile", oserror(code_))
    monkeypatch.setattr(briefing.pdf, "produce", None)  # rendering must not start
    code, out, err = run(built, capsys, "build")
    assert code == 3
    assert err == [f"briefing: output/: kann nicht beschrieben werden: {cause}"]
    assert out == ""
    assert snapshot(built) == before


def test_output_replaced_by_a_file(project, capsys):
    root = project({"content/a.md": RELEASE})
    (root / "output").write_text("keine Ablage", encoding="utf-8")
    code, _, err = run(root, capsys, "build")
    assert code == 3
    assert err == ["briefing: output/: kann nicht beschrieben werden: dort liegt eine Datei "
                   "statt eines Ordners"]


@pytest.mark.parametrize(("code_", "cause"), [(errno.EACCES, DENIED), (errno.ENOENT, GONE)])
@pytest.mark.parametrize("command", ["check", "build"])
def test_unreadable_content_file_is_a_problem_of_that_file(project, capsys, monkeypatch,
                                                          command, code_, cause):
    root = project({"content/a.md": RELEASE, "content/b.md": RELEASE})
    real = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "b.md":  # unreadable, or gone since it was listed
            raise OSError(code_, os.strerror(code_), str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code, out, err = run(root, capsys, command)
    assert code == 3
    assert err == [f"content/b.md: kann nicht gelesen werden: {cause}"]
    if command == "build":
        assert "erstellt  output/a.pdf" in out
        assert "FEHLER    content/b.md: kein PDF erzeugt" in out


def test_missing_stylesheet(built, capsys):
    before = snapshot(built)
    (built / "templates" / "print.css").unlink()
    code, _, err = run(built, capsys, "build")
    assert code == 3
    assert err == [f"briefing: templates/print.css: kann nicht gelesen werden: {GONE}"]
    assert snapshot(built) == before


def test_missing_font_fails_every_page_with_one_message(built, capsys):
    before = snapshot(built)
    (built / "templates" / "fonts" / "OpenSans-Bold.ttf").unlink()
    code, out, err = run(built, capsys, "build", "--force")
    assert code == 3
    assert "templates/print.css: verwendet templates/fonts/OpenSans-Bold.ttf, aber die Datei " \
           "fehlt oder ist nicht lesbar; stellen Sie sie wieder her" in err
    assert sum("OpenSans-Bold.ttf" in line for line in err) == 1
    assert "Fertig: 0 PDF erstellt, 2 fehlgeschlagen (2 PDF veraltet)," in out
    after = snapshot(built)
    assert after["a.pdf"] == before["a.pdf"] and after["b.pdf"] == before["b.pdf"]


def test_lock_of_a_process_that_died_does_not_block(project, capsys):
    root = project({"content/a.md": RELEASE})
    (root / "output").mkdir()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, sys, time\n"
        f"f = open({str(root / 'output' / '.briefing.lock')!r}, 'a')\n"
        "fcntl.flock(f, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(60)\n")],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    with open(root / "output" / ".briefing.lock") as lock:  # free again
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(lock, fcntl.LOCK_UN)
    code, out, _ = run(root, capsys, "build")
    assert code == 0 and "erstellt  output/a.pdf" in out


def test_builds_leave_nothing_in_the_temporary_folder(project, tmp_path):
    """WeasyPrint writes the fonts of every process that sets pages into a folder of the
    system's temporary folder and never removed it when a process ended: 2 MB per build,
    until the disk was full. A folder of a process that was killed is removed by the next
    process that sets pages, once it is an hour old."""
    root = project({"content/a.md": RELEASE, "content/b.md": RELEASE, "content/c.md": RELEASE})
    temp = tmp_path / "temp"
    temp.mkdir()
    killed = temp / "briefing-schriften-999999999-x1"  # no process has this number
    (killed / "sub").mkdir(parents=True)
    os.utime(killed, (0, 0))
    recent = temp / "briefing-schriften-999999998-x2"  # perhaps another machine's, in use
    recent.mkdir()
    foreign = temp / "weasyprint-x3"
    foreign.mkdir()
    environment = {**os.environ, "TMPDIR": str(temp)}
    # Six pages in a pool of processes; two on the setting process, which the build
    # kills when done; six in this process.
    for args, made in ((["--jobs", "2"], 6), ([], 2), (["--jobs", "1", "--force"], 6)):
        if not args:
            (root / "content" / "a.md").write_text(RELEASE + "Noch ein Satz.\n",
                                                   encoding="utf-8")
        result = subprocess.run([sys.executable, "-m", "briefing.cli", "build", "--alle",
                                 "--root", str(root), *args],
                                capture_output=True, text=True, env=environment)
        assert result.returncode == 0, result.stderr
        assert f"Fertig: {made} PDF erstellt" in result.stdout
        assert sorted(p.name for p in temp.iterdir()) == [
            "briefing-schriften-999999998-x2", "weasyprint-x3"]


def _mount_tmpfs(target: Path, size: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    target.mkdir(exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)],
                            capture_output=True)
    return result.returncode == 0


@pytest.fixture
def small_output(project, capsys):
    """A project whose output/ is a real 200 kB file system (root only)."""
    root = project({"content/a.md": RELEASE})
    if not _mount_tmpfs(root / "output", "200k"):
        pytest.skip("kein tmpfs einhängbar (braucht root); die Fehler sind oben nachgestellt")
    yield root
    subprocess.run(["umount", "-l", str(root / "output")], check=False)


def test_real_full_disk(small_output, capsys):
    root = small_output
    first = run(root, capsys, "build")
    assert first[0] == 0, first
    before = snapshot(root)
    filler = root / "output" / "fueller.bin"
    with open(filler, "wb", buffering=0) as file, pytest.raises(OSError) as full:
        while True:  # fill the file system to the last block
            file.write(b"\0" * 4096)
    assert full.value.errno == errno.ENOSPC
    (root / "content" / "a.md").write_text(RELEASE.replace("Ein kurzer", "Ein neuer"),
                                           encoding="utf-8")
    code, _, err = run(root, capsys, "build")
    assert code == 3
    assert any(line.startswith("output/a.pdf: kann nicht geschrieben werden (")
               and FULL in line for line in err), err
    assert snapshot(root)["a.pdf"] == before["a.pdf"]
    assert not list((root / "output").glob(".*.tmp"))
    filler.unlink()
    code, out, _ = run(root, capsys, "build")
    assert code == 0 and "Fertig: 1 PDF erstellt" in out


def test_real_read_only_output(small_output, capsys):
    root = small_output
    first = run(root, capsys, "build")
    assert first[0] == 0, first
    before = snapshot(root)
    subprocess.run(["mount", "-o", "remount,ro", str(root / "output")], check=True)
    try:
        (root / "content" / "a.md").write_text(RELEASE.replace("Ein kurzer", "Ein neuer"),
                                               encoding="utf-8")
        code, _, err = run(root, capsys, "build")
        assert code == 3
        assert err == [f"briefing: output/: kann nicht beschrieben werden: {READ_ONLY}"]
        assert snapshot(root) == before
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(root / "output")], check=True)
