"""Release and briefings → the press kit's HTML: one document with a cover, a table of
contents and every document as on its own PDF (the same body templates)."""

from __future__ import annotations

import re

from jinja2 import Environment
from markupsafe import Markup

from .markup import render_body
from .paths import Paths
from .templating import (
    BODY_TEMPLATES,
    Page,
    keywords_of,
    render,
    subject_of,
    typeset_document,
)
from .typography import quote_style_for

TEMPLATE = "pressemappe.html.j2"

_NOTE_LINKS = re.compile(r'(id="|href="#)(note-\d+)')


def compose_kit(documents: list, env: Environment, paths: Paths, quotes) -> Page:
    """The press kit of a release (`documents[0]`) and its briefings, in priority order."""
    page = Page()
    parts = []
    for number, document in enumerate(documents, start=1):
        body = render_body(document, quotes, paths.content_dir)
        page.images += body.images
        if any(p.is_error for p in body.problems):  # reported with the document's own PDF
            page.problems += body.problems
            return page
        anchor = f"teil-{number}"
        # Each document numbers its notes from 1: keep their anchors apart.
        html = _NOTE_LINKS.sub(rf"\1{anchor}-\2", body.html)
        style = quote_style_for(document.language, quotes)
        parts.append({"doc": typeset_document(document, style), "body": Markup(html),
                      "anchor": anchor,
                      "template": BODY_TEMPLATES[document.kind]})
    release = parts[0]["doc"]
    page.html = render(env, TEMPLATE, paths, page.problems, documents[0].language,
                       doc=release, parts=parts,
                       locale=documents[0].babel_locale,
                       quotes=quote_style_for(documents[0].language, quotes),
                       subject=subject_of(release), keywords=keywords_of(release),
                       draft=any(d.draft for d in documents))
    return page
