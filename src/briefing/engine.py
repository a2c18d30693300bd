"""What WeasyPrint may read and what it says: the restricted URL fetcher, its refusals, the
capture of WeasyPrint's log and its messages in German. Used by the PDF stage (`pdf.py`).

- Every resource goes through `ProjectFetcher`: only `file:` URLs inside the allowed folders
  and `data:` URLs; no network, no redirects, nothing else on disk.
- WeasyPrint reports missing images, fonts or unsupported CSS only as log records; they are
  captured per document and returned as problems, in German where the message is known.
"""

from __future__ import annotations

import logging
import mimetypes
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from .errors import Problem, Severity


class ProjectFetcher(URLFetcher):
    """Loads only project files (and `data:` URLs); remembers everything it refused."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = [root.resolve() for root in roots]
        self.refused: list[str] = []
        #: Allowed, but not there (or not readable): a project file went missing.
        self.missing: list[str] = []

    def fetch(self, url: str, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots):
                try:
                    data = path.read_bytes()
                except OSError:
                    shown = next(str(path.relative_to(root.parent)) for root in self.roots
                                 if path.is_relative_to(root))
                    self.missing.append(shown)
                    raise ValueError(f"Datei fehlt: {url}") from None
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, data, {"Content-Type": content_type})
        self.refused.append(url)
        raise ValueError(f"Zugriff verweigert: {url}")


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def captured_log():
    logger = logging.getLogger("weasyprint")
    handler = _Capture()
    logger.addHandler(handler)
    previous = logger.propagate
    logger.propagate = False
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


def refusals(display: str, fetcher: ProjectFetcher) -> list[Problem]:
    """What the fetcher refused or did not find, as problems of `display`."""
    problems = [Problem(display, None, f"Zugriff auf »{url}« verweigert: erlaubt sind nur "
                                       "Dateien in content/ und templates/")
                for url in fetcher.refused]
    problems += [Problem(display, None, f"verwendet {url}, aber die Datei fehlt oder ist nicht "
                                        "lesbar; stellen Sie sie wieder her", fault=True)
                 for url in fetcher.missing]
    fetcher.refused, fetcher.missing = [], []
    return problems


#: WeasyPrint's messages that reach staff, in German; None: reported elsewhere, better.
ENGINE_MESSAGES = [
    # Characters without a font: `fonts.missing_glyphs` names them with their line.
    (re.compile(r"\.notdef glyph rendered.*"), None),
    (re.compile(r"Font-face '(.+)' cannot be loaded"),
     r"Schrift »\1« kann nicht geladen werden; prüfen Sie die @font-face-Regel in print.css "
     r"und die Schriftdatei in templates/fonts/"),
    (re.compile(r"Ignored `(.+)` at (\d+):(\d+), (.+?)\.?"),
     r"CSS-Anweisung »\1« (Zeile \2, Spalte \3) wird übergangen (\4)"),
    (re.compile(r"Failed to load image at '?(.+?)'?: (.+)"),
     r"Bild \1 kann nicht geladen werden (\2)"),
    (re.compile(r"Failed to load stylesheet at (.+?) ?: (.+)"),
     r"Stylesheet \1 kann nicht geladen werden (\2)"),
    (re.compile(r"Anchor defined twice: (.+)"), r"Sprungmarke \1 ist doppelt vergeben"),
    (re.compile(r'Image "(.+)" has no required alt description'),
     r"Bild \1 hat keinen Alternativtext"),
]


def engine_problems(display: str, records: list[logging.LogRecord]) -> list[Problem]:
    """WeasyPrint's log records as problems, in German where the message is known: errors
    fail, warnings fail under --strict."""
    problems = []
    for record in records:
        message = record.getMessage()
        for pattern, german in ENGINE_MESSAGES:
            if match := pattern.fullmatch(message):
                message = match.expand(german) if german else None
                break
        else:
            message = f"Das Setzprogramm (WeasyPrint) meldet: {message}"
        if message:
            problems.append(Problem(display, None, message, Severity.ERROR
                                    if record.levelno >= logging.ERROR else Severity.WARNING))
    return problems
