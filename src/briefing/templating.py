"""Document → complete HTML page, through the Jinja templates in `templates/`.

Templates are strict (`StrictUndefined`) and autoescaped; front-matter values reach them as
plain text, set with the same German typography as the body, and are escaped like any
text. Content is never evaluated as a template: the body arrives as finished HTML from
`markup`, marked safe only there. Templates are input too: an error in one is reported as
`templates/DATEI:ZEILE: …` for the documents that use it, never as a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    pass_context,
    select_autoescape,
)
from markupsafe import Markup

from . import formatting
from .errors import Problem
from .i18n import gettext, translations
from .markup import render_body
from .model import BRIEFING, RELEASE, Contact, Document, Publisher, QuoteStyle
from .paths import Paths
from .typography import NBSP, quote_style_for, typeset


def _with_locale(function):
    """A Jinja filter that takes the document's locale from the template context."""

    @pass_context
    def filter_(context, value, *args, **kwargs):
        return function(value, context["locale"], *args, **kwargs)

    filter_.__name__ = function.__name__
    return filter_


FILTERS = {
    name: _with_locale(getattr(formatting, name))
    for name in ("long_date", "numeric_date", "time", "date_time", "embargo", "number",
                 "currency", "percent", "compact_amount", "join_list")
}


def plain(text: str) -> str:
    """Metadata text: no-break spaces become plain ones (PDF viewers show them as such)."""
    return str(text).replace(NBSP, " ")


def make_environment(templates_dir: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir),
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
    return env


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


def typeset_document(document: Document, style: QuoteStyle) -> Document:
    """The document with every front-matter text that reaches the page typeset like the
    body: quotes, dashes, ellipses, no-break spaces."""

    def t(text: str | None) -> str | None:
        return typeset(text, style, document.language) if text else text

    def contact(c: Contact | None) -> Contact | None:
        return c and replace(c, office=t(c.office), name=t(c.name), address=t(c.address))

    return replace(
        document, title=t(document.title), subtitle=t(document.subtitle),
        place=t(document.place),
        embargo=document.embargo and replace(document.embargo, text=t(document.embargo.text)),
        publisher=Publisher(t(document.publisher.name), t(document.publisher.address)),
        contact=contact(document.contact),
        priorities=tuple(replace(p, title=t(p.title)) for p in document.priorities),
        priority=document.priority and replace(document.priority,
                                               title=t(document.priority.title)),
        release=document.release and typeset_document(document.release, style),
    )


#: The document part of each type's page, shared by its PDF, the press kit and the web.
BODY_TEMPLATES = {RELEASE: "partials/release-body.html.j2",
                  BRIEFING: "partials/briefing-body.html.j2"}


@dataclass
class Page:
    """A document as one HTML page, or the problems that stop it."""

    html: str | None = None
    problems: list[Problem] = field(default_factory=list)
    images: list[Path] = field(default_factory=list)


def compose(document: Document, template: str, env: Environment, paths: Paths,
            quotes: QuoteStyle) -> Page:
    """Markdown body and front matter → the page `template` makes of them."""
    body = render_body(document, quotes, paths.content_dir)
    page = Page(problems=body.problems, images=body.images)
    if any(p.is_error for p in body.problems):
        return page
    style = quote_style_for(document.language, quotes)
    shown = typeset_document(document, style)
    page.html = render(env, template, paths, page.problems, document.language,
                       doc=shown, body=Markup(body.html),
                       locale=document.babel_locale, quotes=style, subject=subject_of(shown),
                       keywords=keywords_of(shown))
    return page


def render(env: Environment, template: str, paths: Paths, problems: list[Problem],
           language: str, **context) -> str | None:
    """The template rendered with `context`, its fixed texts in `language`; or None with
    its error added to `problems`."""
    env.install_gettext_translations(translations(language), newstyle=True)
    try:
        return env.get_template(template).render(language=language, **context)
    except TEMPLATE_FAULTS as exc:
        problems.append(template_problem(exc, paths))
        return None


#: What a template can get wrong: Jinja's own errors, and Python's from an expression or a
#: filter call in it (`doc.title + 1`, `1 // 0`, `doc.date | number`). They point into the
#: template, so they are the template's problems, with its line, not briefing's bugs.
TEMPLATE_FAULTS = (TemplateError, TypeError, ValueError, ArithmeticError, LookupError,
                   AttributeError, RecursionError)


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
