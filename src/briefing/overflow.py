"""After layout: does anything lie outside the text area of its page?

WeasyPrint lays out what does not fit as it is: a table wider than the page runs off its
right edge, an image taller than a page off its bottom, and the PDF shows only what is on
the paper. Nothing may be lost without a word, so every page of every document is checked
here, and what sticks out is named with the line of its Markdown (`data-zeile`, set by
`markup`). Tables get more chances first: a tighter, smaller setting, then that on a
landscape page of its own (`FITS`, `refit`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .compat import page_box

#: Boxes may end this far (CSS px) past the edge without losing anything visible.
TOLERANCE = 1.0
PX_PER_CM = 96 / 2.54
#: The ways print.css offers to fit a wide table, tried in this order: smaller and
#: tighter, then that on a landscape page of its own.
FITS = ("eng", "eng quer")


@dataclass(frozen=True)
class Overflow:
    tag: str
    line: int | None
    #: How far it sticks out, in cm, to the right and below.
    right: float
    bottom: float
    text: str


def find(document) -> list[Overflow]:
    """The outermost elements that stick out of their page's text area, each once."""
    found: dict[int, Overflow] = {}
    for page in document.pages:
        box = page_box(page)
        right = box.content_box_x() + box.width
        bottom = box.content_box_y() + box.height
        for child in box.children:
            if getattr(child, "element_tag", None) == "html":
                _walk(child, right, bottom, found)
    return list(found.values())


def _walk(box, right: float, bottom: float, found: dict[int, Overflow]) -> None:
    # The border box: a margin past the page's edge is not ink (a paragraph's bottom
    # margin at the foot of a page is simply dropped there).
    over_x = box.position_x + (box.margin_left or 0) + box.border_width() - right
    over_y = box.position_y + (box.margin_top or 0) + box.border_height() - bottom
    element = getattr(box, "element", None)
    if (over_x > TOLERANCE or over_y > TOLERANCE) and element is not None and \
            box.element_tag not in ("html", "body", "main") and _is_content(box):
        key = id(element)
        if key not in found:
            line = element.get("data-zeile")
            text = " ".join("".join(element.itertext()).split())
            found[key] = Overflow(box.element_tag, int(line) if line else None,
                                  max(over_x, 0) / PX_PER_CM, max(over_y, 0) / PX_PER_CM,
                                  text[:60])
        return  # its children are part of it
    for child in getattr(box, "children", []):
        _walk(child, right, bottom, found)


def _is_content(box) -> bool:
    """Running elements (header, footer) and footnotes live in the page margins."""
    classes = (box.element.get("class") or "").split()
    return not {"page-footer", "page-embargo", "footnote", "draft-mark", "page-internal",
                "internal-mark"} & set(classes)


def refit(html: str, fits: dict[int, str]) -> str:
    """The page with the table at each line given its class from `FITS`."""
    def mark(match: re.Match) -> str:
        line = int(match[1])
        return f'<table class="{fits[line]}" data-zeile="{line}"' if line in fits else match[0]

    return re.sub(r'<table data-zeile="(\d+)"', mark, html)
