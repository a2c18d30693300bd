"""What the benchmark scripts share: a briefing process, timed, with its peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

BRIEFING = [sys.executable, "-m", "briefing.cli"]


def run(args: list[str]) -> tuple[float, int, str]:
    """Run a command; wall seconds, peak RSS (MB) of the largest process in its tree, stdout.
    wait4 reports the child's own peak or that of a worker it reaped, whichever is larger."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        began = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - began
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(args)} failed:\n{err.read()}")
        return seconds, usage.ru_maxrss // 1024, out.read()
