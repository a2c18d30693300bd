"""HTML → PDF with WeasyPrint, safely and reproducibly.

- Every resource goes through `ProjectFetcher`: only `file:` URLs inside the allowed folders
  and `data:` URLs; no network, no redirects, nothing else on disk. It is given to `HTML`,
  to the `CSS` and so to everything they load.
- WeasyPrint reports missing images, fonts or unsupported CSS only as log records; they are
  captured per document and returned as problems.
- PDF/UA-1 (tagged, `/Lang`, title shown), a deterministic `/ID`, dates from the content:
  the same input gives the same bytes.
- Problems come back as `Problem`s of the document; nothing is written here (the build
  writes atomically, see `files.py`). Worker processes come from `pool.py`.
"""

from __future__ import annotations

import os
import resource
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from .compat import quick_library_lookup

with quick_library_lookup():  # (the first import of WeasyPrint: its C libraries)
    import weasyprint
from weasyprint.text.fonts import FontConfiguration

from . import bugs, conformance, overflow, pool
from .engine import ProjectFetcher, captured_log, engine_problems, refusals
from .errors import Problem, Severity
from .files import temp_folder
from .fonts import confine
from .hyphenation import install_exceptions
from .paths import display_path
from .setting import STYLESHEET, Produced, Settings, _lost

K = TypeVar("K")


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


class Renderer:
    """One per process: fonts and the stylesheet are loaded once and shared by every page."""

    def __init__(self, settings: Settings):
        self.base_url = settings.templates_dir.resolve().as_uri() + "/"
        self.fetcher = ProjectFetcher(list(settings.allowed))
        confine(settings.templates_dir / "fonts")
        self.font_config = FontConfiguration()
        # WeasyPrint writes each @font-face font into a temporary folder of its own and
        # removes it when the configuration is collected, which the end of a process never
        # does (2 MB left behind by every build): the folder is ours, removed at the end.
        self.font_config._folder = temp_folder("schriften")
        stylesheet = settings.templates_dir / STYLESHEET
        shown = display_path(stylesheet, settings.root)
        with captured_log() as records:
            self.stylesheet = weasyprint.CSS(string=settings.stylesheet,
                                             base_url=self.base_url, url_fetcher=self.fetcher,
                                             font_config=self.font_config)
        #: Part of every page's result: an error here (a missing font) fails every page, and
        #: the build reports it once.
        self.setup_problems = engine_problems(shown, records) + refusals(shown, self.fetcher)
        #: A fault of the stylesheet (a missing font) is reported once, for the stylesheet,
        #: not again for every page it spoils.
        self.known = {p.message for p in self.setup_problems}

    def layout(self, display: str, html: str):
        """The laid-out document, and what of it does not fit the page. A table that is
        too wide gets a second, tighter layout before it counts as not fitting."""
        document = self._lay_out(html)
        sticking_out = overflow.find(document)
        fits: dict[int, str] = {}
        for fit in overflow.FITS:
            tables = {o.line for o in sticking_out if o.tag == "table" and o.line is not None}
            if not tables:
                break
            fits |= dict.fromkeys(tables, fit)
            document = self._lay_out(overflow.refit(html, fits))
            sticking_out = overflow.find(document)
        return document, _fit_problems(display, fits, sticking_out)

    def _lay_out(self, html: str):
        return weasyprint.HTML(string=html, base_url=self.base_url,
                               url_fetcher=self.fetcher).render(
            stylesheets=[self.stylesheet], font_config=self.font_config)

    def render(self, display: str, html: str,
               shown: Callable[[Produced], None] | None = None) -> Produced:
        """The PDF in memory, with what WeasyPrint logged and what the fetcher refused, as
        problems of `display`. Never raises for one document: a budget or a bug is
        reported in the result. `shown` (the preview) first gets the pages as soon as
        they are laid out, in a plain PDF for the eyes: the PDF/A and PDF/UA structure
        (`conformance.write`) is made after, while they are shown."""
        self.fetcher.refused, self.fetcher.missing = [], []
        began = time.perf_counter()
        result = Produced(worker=os.getpid())
        result.problems = list(self.setup_problems)
        timer = threading.current_thread() is threading.main_thread()
        if timer:
            previous = signal.signal(signal.SIGALRM, _time_up)
            signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT_SECONDS)
        try:
            with memory_limit(), captured_log() as records:
                document, fit = self.layout(display, html)
                if not any(p.is_error for p in fit):
                    if shown is not None and not any(p.is_error for p in result.problems):
                        shown(Produced(document.write_pdf(), len(document.pages),
                                       [*result.problems, *fit], os.getpid()))
                    result.data = conformance.write(document)
            result.pages = len(document.pages)
            result.problems += fit
            result.problems += [p for p in engine_problems(display, records)
                                if p.message not in self.known]
        except _TimeUp:
            result.problems.append(Problem(display, None, (
                f"Setzen dauert länger als {TIME_LIMIT_SECONDS} s und wurde abgebrochen; ist "
                "der Text oder eine Tabelle außergewöhnlich lang?")))
        except MemoryError:
            result.problems.append(Problem(display, None, (
                f"Setzen braucht mehr als {MEMORY_LIMIT_BYTES // 2**20} MB Speicher und wurde "
                "abgebrochen; ist der Text außergewöhnlich lang?")))
        except Exception as exc:  # a bug: its report file is named, the others go on
            result.problems.append(bugs.problem(display, exc, "Setzen (pdf.Renderer.render)"))
        finally:
            if timer:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
        result.problems += [p for p in refusals(display, self.fetcher)
                            if p.message not in self.known]
        result.peak_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result.seconds = time.perf_counter() - began
        return result


def _fit_problems(display: str, fits: dict[int, str],
                  remaining: list[overflow.Overflow]) -> list[Problem]:
    """What did not fit the page, and which tables were set smaller to fit."""
    how = {"eng": "in kleinerer Schrift", "eng quer": "in kleinerer Schrift auf einer Seite "
           "im Querformat"}
    problems = [Problem(display, line, f"Tabelle ist breit und wird {how[fit]} gesetzt, damit "
                        "sie auf die Seite passt", Severity.NOTE)
                for line, fit in sorted(fits.items())
                if line not in {o.line for o in remaining}]
    for item in remaining:
        size = _cm(max(item.right, item.bottom))
        if item.tag == "table":
            message = (f"Tabelle ist zu breit für die Seite: auch in kleinerer Schrift im "
                       f"Querformat ragt sie {size} über den Rand; teilen Sie sie auf oder "
                       "verringern Sie die Zahl der Spalten")
        elif item.tag == "img":
            message = (f"Bild ist zu groß für die Seite und würde um {size} abgeschnitten; "
                       "verkleinern Sie es")
        elif item.tag == "pre":
            message = f"Codeblock ragt {size} über den Rand der Seite; kürzen Sie die Zeilen"
        else:
            message = (f"Inhalt ragt {size} über den Rand der Seite und würde abgeschnitten: "
                       f"»{item.text}«; kürzen oder teilen Sie ihn")
        problems.append(Problem(display, item.line, message))
    return problems


def _cm(value: float) -> str:
    return f"{value:.1f} cm".replace(".", ",")





# --- the stage: pages in, PDFs out, in this process or in warm workers ---------------------

_renderer: Renderer | None = None


def start_renderer(settings: Settings) -> None:
    """Set up this process: hyphenation exceptions, fonts, stylesheet."""
    global _renderer
    install_exceptions(settings.hyphenation, set(settings.languages))
    _renderer = Renderer(settings)


def warm_up(languages: Iterable[str]) -> None:
    """A small page per language, set and thrown away, so that a long-lived worker's first
    real page comes sooner: the fonts shaped, the hyphenation dictionaries loaded, the
    stylesheet matched once (measured: the preview's first page 148 → 103 ms)."""
    for language in sorted(languages):
        _renderer.render("", f'<html lang="{language}"><body><h1>Überschrift</h1>'
                         '<p>Ein Absatz zum Warmlaufen mit Silbentrennung.</p></body></html>')


def render_page(page: tuple[str, str],
                shown: Callable[[Produced], None] | None = None) -> Produced:
    display, html = page
    return _renderer.render(display, html, shown)


def produce(pages: Iterable[tuple[K, tuple[str, str]]], settings: Settings,
            workers: int) -> Iterator[tuple[K, Produced]]:
    """Render each (key, (display path, HTML)); yield (key, result) as they finish (the
    workers, forked, start with the engine imported here; `setting.produce_clean` is the
    way of a large project)."""
    return pool.run(pages, workers, start_renderer, (settings,), render_page, _lost)


