"""The output `pdf`: each document's own page, set as a PDF by the engine (`pdf.py`)."""

from __future__ import annotations

from .model import Document
from .outputs import Made
from .templating import compose


def templates(document: Document, context) -> list[str]:
    # The body template is named too: the Leichte-Sprache page includes it by name.
    return [document.page_template, document.type.body_template]


def files(document: Document) -> list[str]:
    return [document.output_name]


def make(document: Document, context) -> Made:
    page = compose(document, context.env, context.config, context.body(document))
    made = Made(problems=page.problems, images=page.images)
    if page.html is not None:
        made.page = (document.display_path, page.html)
    return made
