"""German typography as a Python-Markdown extension.

A `Treeprocessor` walks the text of each block in reading order — skipping `code`, `pre`,
`kbd` and `samp` — and applies, in this order:
1. quotation marks in the house style, decided by context, so »…« typed straight (`"…"`),
   pasted from Word (`„…“`) or from English (`“…”`) all come out the same; `'` between
   letters is an apostrophe (’), not a closing quote;
2. dashes and dots: ` - `, ` -- `, ` — ` → ` – `; `...` → `…`;
3. no-break spaces where German typesetting forbids a break (`29. Oktober`, `z. B.`,
   `Nr. 12`, `§ 5`, `12 %`, `14:00 Uhr`, `10 €`, `1,5 Mio. Euro`).
A backslash keeps a character as typed (`\\"`): Markdown's own escapes run after us.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from .model import QUOTE_STYLES, Document, QuoteStyle, evolve

NBSP = "\u00a0"
#: Quote styles for languages other than German, which uses the project's setting.
LANGUAGE_QUOTES = {
    "pl": QuoteStyle("„", "”", "«", "»"),
    "cs": QuoteStyle("„", "“", "‚", "‘"),
    "en": QuoteStyle("“", "”", "‘", "’"),
    "hsb": QuoteStyle("„", "“", "‚", "‘"),
}
_SKIP = {"code", "pre", "kbd", "samp"}
_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "blockquote", "dt", "dd",
           "figcaption", "caption"}
_DOUBLE = '"„“”»«'
_SINGLE = "'‚‘’›‹"
_OPENING_CONTEXT = set(" \t\n\u00a0([{–—-/")

MONTHS = ("Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|"
          "Jan\\.|Feb\\.|Mär\\.|Apr\\.|Jun\\.|Jul\\.|Aug\\.|Sep\\.|Sept\\.|Okt\\.|Nov\\.|Dez\\.")
_NO_BREAK_RULES = [
    # 29. Oktober
    (re.compile(rf"\b(\d{{1,2}}\.) (?=(?:{MONTHS}))"), rf"\1{NBSP}"),
    # z. B., d. h., u. a., i. d. R., o. Ä.
    (re.compile(r"(?<![\w.])([A-Za-zÄÖÜäöü]\.) (?=[A-Za-zÄÖÜäöü]\.)"), rf"\1{NBSP}"),
    # Nr. 12, § 5, §§ 3–5, Abs. 2, Art. 3, S. 12
    (re.compile(r"(?<!\w)(Nr\.|Nrn\.|§§?|Abs\.|Art\.|S\.|Bd\.|Kap\.|Ziff\.|Anl\.) (?=\d)"),
     rf"\1{NBSP}"),
    # 10 €, 14:00 Uhr, 5 Mio. Euro (percent: `_PERCENT`, by language)
    (re.compile(r"(\d) (?=(?:Euro|Prozent|Uhr|Millionen|Milliarden|km|kg|ha)\b|Mio\.|Mrd\.|€)"),
     rf"\1{NBSP}"),
    (re.compile(r"\b(Mio\.|Mrd\.|Millionen|Milliarden) (?=Euro\b|€)"), rf"\1{NBSP}"),
]
_DASHES = [
    (re.compile(r"(?<=\s)(?:-{1,3}|—)(?=\s)"), "–"),
    (re.compile(r"\.\.\."), "…"),
]


#: Rules of one language beyond the common ones: in Polish, Czech and Upper Sorbian a
#: one-letter word (»w«, »z«, »a«, »v«, »k«) never ends a line; it stays with the next.
_ONE_LETTER = (re.compile(r"(?<![\w\u00a0])([AaIiOoUuWwZzKkSsVv]) (?=\w)"), rf"\1{NBSP}")
LANGUAGE_RULES = {"pl": [_ONE_LETTER], "cs": [_ONE_LETTER], "sk": [_ONE_LETTER],
                  "hsb": [_ONE_LETTER]}
#: 12 % in German, Czech, Upper Sorbian; 12% in English, Polish, Italian, Dutch (as CLDR
#: writes percent in each language; a test holds this to Babel's percent formats).
PERCENT_WITHOUT_SPACE = frozenset({"en", "pl", "it", "nl"})
_PERCENT = (re.compile(r"(\d)(?: ?)(%|‰)"), rf"\1{NBSP}\2")
_PERCENT_CLOSE = (re.compile(r"(\d)[ \u00a0]?(%|‰)"), r"\1\2")


def quote_style_for(language: str, house_style: QuoteStyle) -> QuoteStyle:
    return LANGUAGE_QUOTES.get(language.split("-")[0], house_style)


@dataclass
class QuoteState:
    """What the text so far has opened; carried across the text pieces of one block."""

    style: QuoteStyle
    previous: str = " "
    inner_open: bool = False
    #: Open double quotes; one typed inside another becomes an inner quote (›…‹).
    doubles: list[bool] = field(default_factory=list)


def set_quotes(text: str, state: QuoteState) -> str:
    out = []
    for index, char in enumerate(text):
        following = text[index + 1] if index + 1 < len(text) else ""
        opening = state.previous in _OPENING_CONTEXT or state.previous in (
            state.style.open, state.style.inner_open)
        if char in _DOUBLE:
            if opening:
                inner = bool(state.doubles)
                state.doubles.append(inner)
                char = state.style.inner_open if inner else state.style.open
            else:
                inner = state.doubles.pop() if state.doubles else False
                char = state.style.inner_close if inner else state.style.close
        elif char in _SINGLE:
            if state.previous.isalnum() and following.isalpha():
                char = "’"
            elif opening and following and not following.isspace():
                char = state.style.inner_open
                state.inner_open = True
            elif state.inner_open:
                char = state.style.inner_close
                state.inner_open = False
            else:
                char = "’"
        out.append(char)
        state.previous = char
    return "".join(out)


def set_spacing(text: str, language: str = "de") -> str:
    primary = language.split("-")[0].lower()
    rules = LANGUAGE_RULES.get(primary, [])
    percent = _PERCENT_CLOSE if primary in PERCENT_WITHOUT_SPACE else _PERCENT
    for pattern, replacement in [*_DASHES, *_NO_BREAK_RULES, percent, *rules]:
        text = pattern.sub(replacement, text)
    return text


def typeset(text: str, style: QuoteStyle = QUOTE_STYLES["»…«"], language: str = "de") -> str:
    """The whole treatment for one piece of plain text (used by tests and templates)."""
    return set_spacing(set_quotes(text, QuoteState(style)), language)


def typeset_documents(documents: list[Document], house_style: QuoteStyle,
                      typeset=typeset) -> list[Document]:
    """Every document with every front-matter text any output shows typeset like the
    body (quotes, dashes, ellipses, no-break spaces), in its own language; the release or
    original a document points to is the typeset one too. Done once, when the project is
    loaded: the PDF, the web page, the e-mail subject and the feed all show the same."""
    done: dict[str, Document] = {}

    def one(document: Document) -> Document:
        if document.display_path in done:
            return done[document.display_path]
        style = quote_style_for(document.language, house_style)

        def t(text: str | None) -> str | None:
            return typeset(text, style, document.language) if text else text

        def texts(value, *names: str):
            """`value` with its fields `names` typeset: the same object when that changes
            none (most publishers, contacts and titles of a large archive)."""
            if not value:
                return value
            changed = {n: new for n in names
                       if (new := t(old := getattr(value, n))) is not old and new != old}
            return evolve(value, **changed) if changed else value

        document_fields = texts(document, "title", "subtitle", "place")
        changes = {
            "embargo": texts(document.embargo, "text"),
            "publisher": texts(document.publisher, "name", "address"),
            "contact": texts(document.contact, "office", "name", "address"),
            "priorities": tuple(texts(p, "title") for p in document.priorities),
            "priority": texts(document.priority, "title"),
            "release": document.release and one(document.release),
            "original": document.original and one(document.original),
            "corrections": tuple(texts(c, "text") for c in document.corrections),
            "withdrawn": texts(document.withdrawn, "reason")}
        changes = {name: value for name, value in changes.items()
                   if not _same(value, getattr(document, name))}
        result = evolve(document_fields, **changes) if changes else document_fields
        done[document.display_path] = result
        return result

    return [one(d) for d in documents]


def _same(new, old) -> bool:
    if isinstance(new, tuple):
        return len(new) == len(old) and all(a is b for a, b in zip(new, old, strict=True))
    return new is old


class TypographyTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown, style: QuoteStyle, language: str):
        super().__init__(md)
        self.style, self.language = style, language

    def run(self, root: ET.Element) -> None:
        for block in root.iter():
            if block.tag in _BLOCKS:
                self._block(block)

    def _block(self, block: ET.Element) -> None:
        state = QuoteState(self.style)
        # Quotes need the reading order across inline elements (»**fett**«), spacing rules
        # only look at one piece at a time. Nested blocks (a list in a list item) get
        # their own pass, so they are skipped here.
        pieces = list(_text_pieces(block))
        for owner, attr in pieces:
            setattr(owner, attr, set_quotes(getattr(owner, attr), state))
        for owner, attr in pieces:
            setattr(owner, attr, set_spacing(getattr(owner, attr), self.language))


def _text_pieces(element: ET.Element):
    """(element, 'text'|'tail') in reading order, not entering code or nested blocks."""
    if element.text and element.tag not in _SKIP:
        yield element, "text"
    for child in element:
        if child.tag not in _SKIP and child.tag not in _BLOCKS:
            yield from _text_pieces(child)
        if child.tail:
            yield child, "tail"


class TypographyExtension(Extension):
    def __init__(self, style: QuoteStyle, language: str = "de", **kwargs):
        self.style, self.language = style, language
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # After inline parsing (20) so emphasis and links exist; before unescape (0) so a
        # backslash-escaped quote stays straight.
        md.treeprocessors.register(TypographyTreeprocessor(md, self.style, self.language),
                                   "typography", 5)
        # `\"` and `\'` keep a straight mark (Markdown does not escape them by default).
        md.ESCAPED_CHARS = [*md.ESCAPED_CHARS, '"', "'"]
