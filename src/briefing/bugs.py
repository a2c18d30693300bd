"""A bug in briefing's own code is a bug: one German line for staff, naming a report file
that holds the traceback and the versions, for whoever maintains briefing.

Only errors in briefing's code come here. Content, templates and configuration are input:
their mistakes are `Problem`s with file and line (templating.py decides what a template's
error is), and faults of the machine are `MachineError`s.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
import traceback
from pathlib import Path

from . import __version__
from .errors import Problem
from .files import cache_dir, write_atomically


def write_report(exc: BaseException, where: str = "") -> Path:
    """The traceback of `exc` and the versions, in a new file; its path."""
    from .incremental import library_versions

    text = (f"briefing {__version__}, Python {platform.python_version()}, "
            f"{platform.platform()}\n{' '.join(sys.argv)}\n{where}\n\n"
            + "".join(traceback.format_exception(exc))
            + "\nBibliotheken:\n" + "\n".join(library_versions()) + "\n")
    name = f"fehler-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}-{os.getpid()}.txt"
    path = cache_dir() / "fehlerberichte" / name
    try:
        write_atomically(path, text.encode())
    except OSError:  # no writable cache folder: the temporary folder
        path = Path(tempfile.gettempdir()) / f"briefing-{name}"
        path.write_text(text, encoding="utf-8")
    return path


def line(exc: BaseException, path: Path) -> str:
    """What staff read: that it is briefing's fault, and where the report is."""
    return (f"Interner Fehler in briefing ({type(exc).__name__}: {exc}); das ist ein Fehler "
            f"des Programms, nicht Ihres Inhalts. Bericht: {path} – bitte an die Betreuung "
            "von briefing senden")


def problem(display: str, exc: BaseException, where: str = "") -> Problem:
    """A bug met while working on `display`: reported, the other documents go on."""
    return Problem(display, None, line(exc, write_report(exc, where)), bug=True)
