"""A body fragment (HTML) → blocks of plain text: paragraphs, headings, list items, quotes,
table rows, figures and pre-formatted text, footnote calls as [1] and the notes at the end. The
e-mail's text part and the site's lead paragraphs are made from these. A line break
(`<br>`, each sentence of Leichte Sprache) stays a newline; a table row's cells are
separated by `CELL`, a header row is kind `th`."""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: Between the cells of a table row (a `tr` or `th` block).
CELL = "\x1f"
_BREAK = "\x00"


class _Text(HTMLParser):
    BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "li", "tr", "pre", "figure"})

    def __init__(self, image: str | None = None):
        super().__init__(convert_charrefs=True)
        self.image = image
        self.blocks: list[tuple[str, str]] = []  # (kind, text)
        self.current: list[str] = []
        self.lists: list[list] = []  # per open list: [ordered, counter]
        self.quote = 0
        self.skip = 0
        self.call = False
        self.notes = False
        self.header_row = False  # the row's first cell is a <th>
        self.cells = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.skip or "footnote-back" in (attrs.get("class") or ""):
            self.skip += 1
            return
        if tag in ("ul", "ol"):
            self.flush("li" if self.lists else "p")  # a nested list: its item's text first
            self.lists.append([tag == "ol", 0])
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "section" and "footnotes" in (attrs.get("class") or ""):
            self.notes = True
        elif tag == "sup":
            self.call = True
            self.current.append("[")
        elif tag in ("td", "th"):
            if self.cells:
                self.current.append(CELL)
            else:
                self.header_row = tag == "th"
            self.cells += 1
        elif tag == "br":
            self.current.append(_BREAK)
        elif tag == "img" and self.image:
            self.current.append(f"[{self.image}: {attrs.get('alt') or ''}]")
        elif tag == "figcaption":
            self.current.append(" ")
        elif tag in self.BLOCKS:
            self.flush()

    def handle_endtag(self, tag):
        if self.skip:
            self.skip -= 1
            return
        if tag == "sup" and self.call:
            self.current.append("]")
            self.call = False
        elif tag in ("ul", "ol") and self.lists:
            self.flush()
            self.lists.pop()
        elif tag == "blockquote":
            self.flush()
            self.quote -= 1
        elif tag == "tr":
            self.flush("th" if self.header_row else "tr")
            self.cells = 0
        elif tag in self.BLOCKS:
            self.flush(tag)

    def handle_data(self, data):
        if not self.skip:
            self.current.append(data)

    def flush(self, tag: str = "p") -> None:
        text, self.current = "".join(self.current), []
        if tag in ("tr", "th"):
            text = CELL.join(re.sub(r"[ \t\r\n]+", " ", cell).strip()
                             for cell in text.split(CELL))
            if text.strip(CELL):
                self.blocks.append((tag, text))
            return
        if tag != "pre":
            text = re.sub(r"[ \t\r\n]+", " ", text)
            text = re.sub(f" ?{_BREAK} ?", "\n", text).strip()
        else:
            text = text.strip("\n")
        if not text:
            return
        if tag == "li" and self.lists:
            ordered = self.lists[-1]
            ordered[1] += 1
            marker = f"[{ordered[1]}] " if self.notes else \
                (f"{ordered[1]}. " if ordered[0] else "– ")
            depth = "  " * (len(self.lists) - 1)
            self.blocks.append(("li", depth + marker + text))
        else:
            self.blocks.append((tag, text))


def blocks(body_html: str, image: str | None = None) -> list[tuple[str, str]]:
    """(kind, text) of every block of the fragment, in reading order. `image`: how an
    image is named where it stood (`[Bild: its alt text]`, its credit after it); without,
    images are left out."""
    parser = _Text(image)
    parser.feed(body_html)
    parser.close()
    parser.flush()
    return parser.blocks


def lead(body_html: str) -> str:
    """The first paragraph as plain text (no-break spaces kept)."""
    return next((" ".join(text.split("\n")) for kind, text in blocks(body_html)
                 if kind == "p"), "")
