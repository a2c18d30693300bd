"""What the benchmark scripts share: a briefing process, timed, with its peak memory."""

from __future__ import annotations

import subprocess
import sys
import tempfile

BRIEFING = [sys.executable, "-m", "briefing.cli"]


#: Starts the command from a small process and writes its peak RSS (KiB) to the file named
#: first. A process forked from this one (the benchmark, large after generating an archive)
#: would count this one's memory as its own peak until it runs the command (Linux keeps the
#: high-water mark across exec): every figure would be at least this process's size.
_LAUNCHER = """
import os, sys, time
began = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as file:
    file.write(f"{usage.ru_maxrss} {time.perf_counter() - began}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run(args: list[str]) -> tuple[float, int, str]:
    """Run a command; wall seconds, peak RSS (MB) of the largest process in its tree, stdout.
    wait4 reports the child's own peak or that of a worker it reaped, whichever is larger
    (both taken in a small launcher: see `_LAUNCHER`)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.NamedTemporaryFile("r") as peak:
        process = subprocess.Popen([sys.executable, "-S", "-c", _LAUNCHER, peak.name, *args],
                                   stdout=out, stderr=err, text=True)
        process.wait()
        out.seek(0)
        err.seek(0)
        if process.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(args)} failed:\n{err.read()}")
        kib, seconds = peak.read().split()
        return float(seconds), int(kib) // 1024, out.read()
