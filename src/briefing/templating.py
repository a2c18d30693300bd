"""Document → complete HTML page, through the Jinja templates in `templates/`.

Templates are strict (`StrictUndefined`) and autoescaped; front-matter values reach them as
plain text, set with the same German typography as the body, and are escaped like any
text. Content is never evaluated as a template: the body arrives as finished HTML from
`markup`, marked safe only there. Templates are input too: an error in one is reported as
`templates/DATEI:ZEILE: …` for the documents that use it, never as a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import jinja2
import jinja2.bccache
import markupsafe
from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateRuntimeError,
    TemplateSyntaxError,
    UndefinedError,
    pass_context,
    select_autoescape,
)
from markupsafe import Markup

from . import formatting
from .cache import KEEP_DAYS
from .errors import Problem
from .files import cache_dir
from .i18n import gettext, translations
from .markup import Body, render_body
from .model import Document, Embargo
from .paths import Paths
from .typography import NBSP, quote_style_for, typeset

_NUMBER = (int, float, Decimal)
#: What each locale filter takes, in German for the message when a template gives it
#: something else: that is the template's mistake, not a bug (see `render`).
FILTER_INPUTS = {
    "long_date": (dt.date, "ein Datum"), "numeric_date": (dt.date, "ein Datum"),
    "time": ((dt.time, dt.datetime), "eine Uhrzeit"), "date_time": (dt.datetime, "einen Zeitpunkt"),
    "embargo": (Embargo, "eine Sperrfrist"), "number": (_NUMBER, "eine Zahl"),
    "currency": (_NUMBER, "eine Zahl"), "percent": (_NUMBER, "eine Zahl"),
    "compact_amount": (_NUMBER, "eine Zahl"), "join_list": ((list, tuple), "eine Liste"),
    "event_time": (dt.datetime, "einen Zeitpunkt"),
}


def _with_locale(name: str):
    """A Jinja filter that takes the document's locale from the template context and checks
    what the template gives it."""
    expected, described = FILTER_INPUTS[name]

    @pass_context
    def filter_(context, value, *args, **kwargs):
        if not isinstance(value, expected) or isinstance(value, bool):
            raise TemplateRuntimeError(f"Filter »{name}« braucht {described}, nicht "
                                       f"{type(value).__name__} »{value}«")
        return getattr(formatting, name)(value, context["locale"], *args, **kwargs)

    filter_.__name__ = name
    return filter_


FILTERS = {name: _with_locale(name) for name in FILTER_INPUTS}


def plain(text: str) -> str:
    """Metadata text: no-break spaces become plain ones (PDF viewers show them as such)."""
    return str(text).replace(NBSP, " ")


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled once and kept in the user's cache folder (Jinja finds them by
    name and file, and compiles a template anew when its source changed; the file names
    carry this module's and Jinja's version, which decide how a template compiles): each
    build and the preview's first page would otherwise compile every template again (70
    ms here). A cache: whatever goes wrong with it, the template is compiled as without."""

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # cut short, or not what Jinja wrote
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _compiled_templates() -> _CompiledTemplates | None:
    """The cache in a folder of this user's only (it holds code that is run), with files
    older than 30 days removed (of projects gone, of templates changed, of a run killed
    while writing); None when there is no such folder."""
    import stat
    import time

    folder = cache_dir() / "vorlagen"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        found = folder.stat()
        if found.st_uid != os.getuid() or found.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return None
        oldest = time.time() - KEEP_DAYS * 86400
        for path in folder.glob("__jinja2_*"):
            if path.stat().st_mtime < oldest:
                path.unlink()
    except OSError:
        return None
    return _CompiledTemplates(str(folder),
                              pattern=f"__jinja2_{_compiler_version()}_%s.cache")


@functools.cache
def _compiler_version() -> str:
    """What decides how a template compiles: this module (the environment's options) and
    Jinja's version; read once per process."""
    import hashlib

    return hashlib.sha256(Path(__file__).read_bytes() +
                          jinja2.__version__.encode()).hexdigest()[:12]


def make_environment(templates_dir: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        bytecode_cache=_compiled_templates(),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    env.filters["plain"] = plain
    env.filters["quoted"] = quoted
    env.filters["lang_attr"] = lang_attr
    return env


@pass_context
def lang_attr(context, value) -> Markup:
    """` lang="de"` for a value written in another language than the page (a publisher or
    contact taken over from the German original on an English page; WCAG 3.1.2)."""
    language = getattr(value, "language", None)
    if not language or language.split("-")[0].lower() == \
            str(context["language"]).split("-")[0].lower():
        return Markup("")
    return Markup(' lang="{}"').format(language)


@pass_context
def quoted(context, text: str) -> str:
    """`text` in quotation marks of the document's style; quotes inside become inner ones
    (»Das ›Wort‹ gilt«), so a typeset title can be quoted again."""
    return typeset(f'"{text}"', context["quotes"], context["language"])


def subject_of(document: Document) -> str:
    """The PDF's subject line; an embargo comes first, so no one misses it."""
    language, locale = document.language, document.babel_locale
    if document.subtitle:
        subject = document.subtitle
    elif document.priority:
        subject = gettext(language, "%(document)s zu Priorität %(number)s: %(title)s",
                          document=document.label, number=document.priority.number,
                          title=document.priority.title)
    else:
        subject = gettext(language, "%(document)s vom %(date)s", document=document.label,
                          date=formatting.long_date(document.date, locale))
    if document.embargo:
        return f"{gettext(language, 'Sperrfrist')}: " \
               f"{formatting.embargo(document.embargo, locale)} – {subject}"
    return subject


def keywords_of(document: Document) -> list[str]:
    if document.keywords:
        return list(document.keywords)
    words = [document.label, document.publisher.name]
    if document.priority:
        words.append(document.priority.title)
    words += [priority.title for priority in document.priorities]
    return words


@dataclass
class Page:
    """A document as one HTML page, or the problems that stop it."""

    html: str | None = None
    problems: list[Problem] = field(default_factory=list)
    images: list[Path] = field(default_factory=list)


def compose(document: Document, env: Environment, config, body: Body | None = None) -> Page:
    """Markdown body and front matter → the document's own page (its PDF). `body`: the
    body made earlier in this build (it is made once per build)."""
    body = body or render_body(document, config.quotes, config.content_dir)
    page = Page(problems=list(body.problems), images=list(body.images))
    mark = config.internal_mark if document.internal else None
    if any(p.is_error for p in body.problems):
        return page
    page.html = render(env, document.page_template, config, page.problems, document.language,
                       doc=document, body=Markup(body.html),
                       body_template=document.type.body_template,
                       locale=document.babel_locale,
                       quotes=quote_style_for(document.language, config.quotes),
                       subject=marked(subject_of(document), mark),
                       keywords=keywords_of(document) + ([mark] if mark else []),
                       internal_mark=mark)
    return page


def marked(subject: str, mark: str | None) -> str:
    """An internal document's PDF subject starts with the office's marking."""
    return f"{mark} – {subject}" if mark else subject


def render(env: Environment, template: str, paths: Paths, problems: list[Problem],
           language: str, **context) -> str | None:
    """The template rendered with `context`, its fixed texts in `language`; or None with
    its error added to `problems`."""
    env.install_gettext_translations(translations(language), newstyle=True)
    try:
        return env.get_template(template).render(language=language, **context)
    except Exception as exc:
        if not raised_in_template(exc):
            raise  # briefing's own code failed: a bug, with its traceback
        problems.append(template_problem(exc, paths))
        return None


#: The template engine: Jinja and the escaping it uses.
_ENGINE = (str(Path(jinja2.__file__).parent), str(Path(markupsafe.__file__).parent))


def raised_in_template(exc: BaseException) -> bool:
    """The error is the template's: Jinja's own (syntax, undefined, a filter given the
    wrong thing), or Python's raised by an expression in the template (`doc.title + 1`,
    `1 // 0`, an include cycle). An error raised in briefing's code — a filter, a model
    property — is a bug, even when a template called it."""
    if isinstance(exc, TemplateError):
        return True
    frame, innermost = exc.__traceback__, None
    while frame is not None:
        innermost = frame.tb_frame.f_code.co_filename
        frame = frame.tb_next
    return innermost is not None and (innermost.endswith(".j2")
                                      or innermost.startswith(_ENGINE))


def template_problem(exc: Exception, paths: Paths) -> Problem:
    """A template error as staff see it: the template file, its line, what is wrong."""
    name, line = _where(exc)
    shown = paths.show(paths.templates_dir / name) if name else "templates/"
    if isinstance(exc, TemplateNotFound):
        what = f"Vorlage »{exc.name}« gibt es nicht in templates/"
    elif isinstance(exc, TemplateSyntaxError):
        what = f"Vorlage ist fehlerhaft (Jinja meldet: {exc.message})"
    elif isinstance(exc, UndefinedError):
        what = f"Vorlage verwendet {_undefined(exc.message or '')}, das es nicht gibt"
    elif isinstance(exc, TemplateError):
        what = f"Vorlage kann nicht verwendet werden (Jinja meldet: {exc})"
    else:
        what = f"Vorlage kann nicht ausgewertet werden ({type(exc).__name__}: {exc})"
    return Problem(shown, line, f"{what}; korrigieren Sie die Vorlage")


def _undefined(message: str) -> str:
    """Jinja's `'X object' has no attribute 'y'` / `'y' is undefined`, as »y«."""
    match = re.search(r"has no attribute '([^']+)'", message) or \
        re.fullmatch(r"'([^']+)' is undefined", message)
    return f"»{match[1]}«" if match else f"etwas ({message})"


def _where(exc: Exception) -> tuple[str | None, int | None]:
    """The template and line of an error: from a syntax error itself, or from the last
    template frame of the traceback Jinja rewrites to point into the template."""
    if isinstance(exc, TemplateSyntaxError):
        return exc.name, exc.lineno
    frame, found = exc.__traceback__, (None, None)
    while frame is not None:
        filename = frame.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = (filename, frame.tb_lineno)
        frame = frame.tb_next
    return found
