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
import multiprocessing
import os
import resource
import signal
import tempfile
import threading
import time
import traceback
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .hyphenation import install_exceptions


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


#: Limits for one document, so that a pathological file fails with a clear error instead
#: of hanging the batch or eating the machine. Real press documents need < 1 s, < 200 MB.
TIME_LIMIT_SECONDS = 60
MEMORY_LIMIT_BYTES = 1536 * 1024 * 1024


class _TimeUp(Exception):
    pass


def _time_up(signum, frame):
    raise _TimeUp


@contextmanager
def memory_limit() -> Iterator[None]:
    """Cap this process's address space at what it uses now plus the per-document budget:
    a document that needs more gets a MemoryError, not the machine's memory."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    in_use = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize() \
        if Path("/proc/self/statm").exists() else 0
    limit = in_use + MEMORY_LIMIT_BYTES
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@dataclass
class Rendered:
    data: bytes
    pages: int
    #: WeasyPrint's log records as (level name, message): plain data, so workers can send it.
    log: list[tuple[str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    worker: int = 0
    peak_rss_kb: int = 0
    seconds: float = 0.0
    #: Why the document could not be rendered (a budget ran out); German, for staff.
    failure: str | None = None
    #: A bug's traceback: the document failed for a reason that is not the content's.
    crash: str | None = None
    #: What WeasyPrint logged while loading the stylesheet (first document of a renderer).
    setup_log: list[tuple[str, str]] = field(default_factory=list)


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
        with captured_log() as records:
            self.stylesheet = weasyprint.CSS(
                filename=str(templates_dir / "print.css"),
                url_fetcher=self.fetcher,
                font_config=self.font_config,
            )
        self.setup_log = [(r.levelname, r.getMessage()) for r in records]

    def render(self, html: str) -> Rendered:
        """The PDF in memory, with what WeasyPrint logged and what the fetcher refused.
        Never raises for one document: a budget or a bug is reported in the result."""
        self.fetcher.refused = []
        began = time.perf_counter()
        result = Rendered(b"", 0, worker=os.getpid())
        result.setup_log, self.setup_log = self.setup_log, []
        timer = threading.current_thread() is threading.main_thread()
        if timer:
            previous = signal.signal(signal.SIGALRM, _time_up)
            signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT_SECONDS)
        try:
            with captured_log() as records:
                document = weasyprint.HTML(
                    string=html, base_url=self.base_url, url_fetcher=self.fetcher
                ).render(stylesheets=[self.stylesheet], font_config=self.font_config)
                result.data = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=True)
            result.pages = len(document.pages)
            result.log = [(record.levelname, record.getMessage()) for record in records]
        except _TimeUp:
            result.failure = (f"Setzen dauert länger als {TIME_LIMIT_SECONDS} s und wurde "
                              "abgebrochen; ist der Text oder eine Tabelle außergewöhnlich lang?")
        except MemoryError:
            result.failure = (f"Setzen braucht mehr als {MEMORY_LIMIT_BYTES // 2**20} MB "
                              "Speicher und wurde abgebrochen; ist der Text außergewöhnlich lang?")
        except Exception:
            result.crash = traceback.format_exc()
        finally:
            if timer:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
        result.refused = list(self.fetcher.refused)
        result.peak_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result.seconds = time.perf_counter() - began
        return result


# --- a batch: in this process, or in a pool of warm worker processes ----------------------

_worker_renderer: Renderer | None = None


def _start_worker(templates_dir: Path, allowed: list[Path],
                  hyphenation: dict[str, list[int]], languages: set[str]) -> None:
    global _worker_renderer
    install_exceptions(hyphenation, languages)
    _worker_renderer = Renderer(templates_dir, allowed)
    memory_limit().__enter__()  # for the worker's whole life


def _render_in_worker(html: str) -> Rendered:
    return _worker_renderer.render(html)


def render_batch(
    pages: Iterable[str], jobs: int, templates_dir: Path, allowed: list[Path],
    hyphenation: dict[str, list[int]], languages: set[str],
) -> Iterator[tuple[int, Rendered]]:
    """Render each HTML page; yield (index, result) as they finish.

    With `jobs` > 1 a pool of processes renders; each worker sets up fonts, stylesheet and
    hyphenation once. Workers are forked where possible, so they inherit the imported
    WeasyPrint and the loaded hyphenation dictionary instead of paying for them again.
    `pages` may be a generator: each page goes to a worker as soon as it is made, so
    preparing the next page overlaps with rendering.
    """
    install_exceptions(hyphenation, languages)
    pages = iter(pages)
    first = list(islice(pages, 2))
    if jobs == 1 or len(first) < 2:
        renderer = Renderer(templates_dir, allowed)
        for index, html in enumerate(chain(first, pages)):
            with memory_limit():
                rendered = renderer.render(html)
            yield index, rendered
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context(method),
        initializer=_start_worker,
        initargs=(templates_dir, allowed, hyphenation, languages),
    ) as pool:
        futures = {pool.submit(_render_in_worker, html): index
                   for index, html in enumerate(chain(first, pages))}
        try:
            for future in as_completed(futures):
                try:
                    result = future.result()
                except BrokenProcessPool:  # a worker died (killed, out of memory, crash)
                    result = Rendered(b"", 0, failure=(
                        "Der Setzprozess wurde beendet, bevor dieses Dokument fertig war "
                        "(zu wenig Speicher?); bitte erneut bauen"))
                yield futures[future], result
        except BaseException:
            for future in futures:
                future.cancel()
            raise


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
