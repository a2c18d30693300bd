"""HTML → PDF with WeasyPrint, safely and reproducibly.

- Every resource goes through `ProjectFetcher`: only `file:` URLs inside the allowed folders
  and `data:` URLs; no network, no redirects, nothing else on disk. It is given to `HTML`,
  to the `CSS` and so to everything they load.
- WeasyPrint reports missing images, fonts or unsupported CSS only as log records; they are
  captured per document and returned as problems.
- PDF/UA-1 (tagged, `/Lang`, title shown), a deterministic `/ID`, dates from the content:
  the same input gives the same bytes.
- The PDF is written to a temporary file beside the target and renamed into place, so a
  failed or interrupted run never leaves a truncated PDF or replaces a good one.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse


class ProjectFetcher(URLFetcher):
    """Loads only project files (and `data:` URLs); remembers everything it refused."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = [root.resolve() for root in roots]
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        self.refused.append(url)
        raise ValueError(f"Zugriff verweigert: {url}")


@dataclass
class Rendered:
    data: bytes
    pages: int
    log: list[logging.LogRecord] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


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


class Renderer:
    """One per batch: fonts and the stylesheet are loaded once and shared by every page."""

    def __init__(self, templates_dir: Path, allowed: list[Path]):
        self.base_url = templates_dir.resolve().as_uri() + "/"
        self.fetcher = ProjectFetcher(allowed)
        self.font_config = FontConfiguration()
        self.stylesheet = weasyprint.CSS(
            filename=str(templates_dir / "print.css"),
            url_fetcher=self.fetcher,
            font_config=self.font_config,
        )

    def render(self, html: str) -> Rendered:
        """The PDF in memory, with what WeasyPrint logged and what the fetcher refused."""
        self.fetcher.refused = []
        with captured_log() as records:
            document = weasyprint.HTML(
                string=html, base_url=self.base_url, url_fetcher=self.fetcher
            ).render(stylesheets=[self.stylesheet], font_config=self.font_config)
            data = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=True)
        return Rendered(data, len(document.pages), records, self.fetcher.refused)


def write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                         dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
