"""The output `kit`: a package → the press kit's HTML, one document with a cover, a table
of contents and every document as on its own PDF (the same body templates); the engine
sets it as one PDF."""

from __future__ import annotations

import re

from markupsafe import Markup

from .model import INTERNAL_FOLDER
from .outputs import Made
from .packages import Package
from .templating import keywords_of, marked, render, subject_of
from .typography import quote_style_for

TEMPLATE = "pressemappe.html.j2"
SUFFIX = "-pressemappe.pdf"

_NOTE_LINKS = re.compile(r'(id="|href="#)(note-\d+)')


def file_name(package: Package) -> str:
    """The kit's file; an internal release's in output/intern/."""
    folder = f"{INTERNAL_FOLDER}/" if package.release.internal else ""
    return f"{folder}{package.slug}{SUFFIX}"


def templates(package: Package, context) -> list[str]:
    return [TEMPLATE, *sorted({d.type.body_template for d in package.documents})]


def files(package: Package) -> list[str]:
    return [file_name(package)]


def make(package: Package, context) -> Made:
    """The press kit of a release and its briefings, in priority order."""
    return kit(package, package.documents, context)


def kit(package: Package, documents: list, context, internal: bool = False) -> Made:
    """The kit of `documents` (the package's, or with its internal documents too)."""
    made = Made()
    parts = []
    for number, document in enumerate(documents, start=1):
        body = context.body(document)
        made.images += body.images
        if any(p.is_error for p in body.problems):  # reported with the document's own PDF
            return made
        anchor = f"teil-{number}"
        # Each document numbers its notes from 1: keep their anchors apart.
        html = _NOTE_LINKS.sub(rf"\1{anchor}-\2", body.html)
        parts.append({"doc": document, "body": Markup(html), "anchor": anchor,
                      "template": document.type.body_template})
    release = package.release
    mark = context.config.internal_mark if internal or release.internal else None
    html = render(context.env, TEMPLATE, context.config, made.problems, release.language,
                  doc=release, parts=parts, locale=release.babel_locale,
                  quotes=quote_style_for(release.language, context.config.quotes),
                  subject=marked(subject_of(release), mark),
                  keywords=keywords_of(release) + ([mark] if mark else []),
                  draft=any(d.draft for d in documents), internal_mark=mark)
    if html is not None:
        made.page = (release.display_path, html)
    return made
