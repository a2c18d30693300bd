"""Document + body HTML → complete HTML page, through the Jinja templates in `templates/`.

Templates are strict (`StrictUndefined`) and autoescaped; front-matter values reach them as
plain text and are escaped like any text. Content is never evaluated as a template: the
body arrives as finished HTML from `markup`, marked safe only there.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    meta,
    pass_context,
    select_autoescape,
)
from markupsafe import Markup

from . import formatting
from .model import BRIEFING, RELEASE, Document

#: Template file for each document type.
TEMPLATES = {RELEASE: "pressemitteilung.html.j2", BRIEFING: "hintergrund.html.j2"}


def _with_locale(function):
    """A Jinja filter that takes the document's locale from the template context."""

    @pass_context
    def filter_(context, value, *args, **kwargs):
        return function(value, context["locale"], *args, **kwargs)

    filter_.__name__ = function.__name__
    return filter_


FILTERS = {
    name: _with_locale(getattr(formatting, name))
    for name in ("long_date", "numeric_date", "time", "date_time", "number", "currency",
                 "percent", "compact_amount", "join_list")
}


def make_environment(templates_dir: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        undefined=StrictUndefined,
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    return env


def templates_used(env: Environment, kind: str) -> set[str]:
    """Every template file a document type renders with: its own, what it extends and
    includes, recursively. A change to one of them rebuilds exactly these documents."""
    seen: set[str] = set()
    todo = [TEMPLATES[kind]]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        source = env.loader.get_source(env, name)[0]
        todo += [n for n in meta.find_referenced_templates(env.parse(source)) if n]
    return seen


def subject_of(document: Document) -> str:
    """The PDF's subject line (metadata: plain spaces, no typesetting)."""
    if document.subtitle:
        return document.subtitle
    if document.priority:
        return f"{document.label} zu Priorität {document.priority.number}: " \
               f"{document.priority.title}"
    day = formatting.long_date(document.date, document.babel_locale).replace("\u00a0", " ")
    return f"{document.label} vom {day}"


def keywords_of(document: Document) -> list[str]:
    if document.keywords:
        return list(document.keywords)
    words = [document.label, document.publisher.name]
    if document.priority:
        words.append(document.priority.title)
    words += [priority.title for priority in document.priorities]
    return words


def render_page(env: Environment, document: Document, body_html: str) -> str:
    template = env.get_template(TEMPLATES[document.kind])
    return template.render(
        doc=document,
        body=Markup(body_html),
        locale=document.babel_locale,
        subject=subject_of(document),
        keywords=keywords_of(document),
    )
