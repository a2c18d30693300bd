"""Builds that are interrupted, killed or run twice at once lose nothing and leave nothing."""

from __future__ import annotations

import fcntl
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.incremental import Manifest

from .conftest import BOOKKEEPING, RELEASE, make_project

LONG = RELEASE.replace("Ein kurzer Text.", "Ein längerer Text mit vielen Wörtern. " * 400)


def start_build(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "briefing.cli", "build", "--root", str(root),
                             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


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
    manifest = Manifest.load(root / "output" / ".briefing-manifest.json")
    assert sorted(entry.output for entry in manifest.documents.values()) == written
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
