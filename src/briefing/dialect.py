"""The Markdown staff write, as they mean it: what Python-Markdown reads differently from
the editors and CommonMark staff know, made to mean what they meant; and what is left
over as raw syntax after conversion, named with its line.

Read as staff mean it (a preprocessor, after fenced code is set aside):
- nested lists indented by two to four spaces (CommonMark: an item belongs to the one
  whose text it reaches), ordered and unordered mixed; Python-Markdown wants four spaces a
  level (Python-Markdown/markdown#3, »wontfix«), mdx_truly_sane_lists two, and it loses a
  list's start number and flattens four-space nesting, so it does not fit here;
- a list right after a line of text (»Folgende Punkte:« then »- eins«) is a list;
- bullets typed by hand or pasted from Word (`•`, `◦`, `▪`, `‣`, `●`) are list items;
- a backslash at the end of a line is a line break, like two spaces;
- `[Wörter]{lang=en}` are words in another language (as in Pandoc).
Deletions (`~~…~~`) and subscripts (`H~2~O`) come from PyMdown Extensions (`pymdownx.tilde`).

Left over (`leftovers`, on the finished tree, outside code): footnote calls without their
note and notes never called (errors: a reader would see »[^2]« or lose a note), and
Markdown or HTML that did not become what it looks like (warnings).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from markdown import Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor

#: A list item's marker: bullets (also typed by hand) and numbers.
_ITEM = re.compile(r"^(?P<indent> *)(?P<marker>[-*+•◦▪‣●]|\d{1,9}\.)(?P<gap>[ \t]+|$)")
_HAND_BULLETS = "•◦▪‣●"


class StaffListsPreprocessor(Preprocessor):
    """Lists as CommonMark reads them, re-indented for Python-Markdown (four spaces a
    level); hand-typed bullets; line breaks by backslash."""

    def run(self, lines: list[str]) -> list[str]:
        return list(_lists(line[:-1] + "  " if _hard_break(line) else line for line in lines))


def _hard_break(line: str) -> bool:
    return line.endswith("\\") and not line.endswith("\\\\")


def _lists(lines) -> Iterator[str]:
    #: Per open list item, innermost last: from which column on a line belongs to it
    #: (its text's column as CommonMark has it, or two spaces in from its marker, as
    #: staff indent).
    reaches: list[int] = []
    previous = ""
    in_paragraph = False  # the last line was a paragraph of its own inside an item
    for line in lines:
        expanded = line.expandtabs(4)
        if not expanded.strip():
            yield line
            previous = ""
            continue
        item = _ITEM.match(expanded)
        indent = len(expanded) - len(expanded.lstrip(" "))
        if item and (reaches or not previous or _may_interrupt(item)):
            if (previous and not reaches) or in_paragraph:
                yield ""  # a list may follow a line of text without a blank line
            while reaches and indent < reaches[-1]:
                reaches.pop()
            gap = len(item["gap"])
            text = indent + len(item["marker"]) + (gap if 0 < gap <= 4 else 1)
            reaches.append(min(text, indent + 2))
            marker = "-" if item["marker"] in _HAND_BULLETS else item["marker"]
            yield "    " * (len(reaches) - 1) + marker + " " + expanded[item.end():]
            in_paragraph = False
        elif reaches and previous:
            yield line  # the item's text goes on
        elif reaches and indent >= reaches[0]:
            # A paragraph of an item: of the innermost one it reaches.
            yield "    " * sum(1 for reach in reaches if indent >= reach) + \
                expanded.lstrip(" ")
            in_paragraph = True
        else:
            reaches, in_paragraph = [], False
            yield line
        previous = line


def _may_interrupt(item: re.Match) -> bool:
    """A list may start right after a line of text with a bullet or »1.« (CommonMark):
    »2025. Das Jahr …« in the middle of a paragraph stays text."""
    marker = item["marker"]
    return not marker[0].isdigit() or marker == "1."


# --- what is left over ------------------------------------------------------------------

_SKIP = {"code", "pre", "kbd", "samp"}
#: (pattern, message, is an error) for text left over as raw syntax.
LEFTOVERS = [
    (re.compile(r"\[\^([^\]\s]+)\]"),
     "Fußnote »[^{0}]« hat keinen Text: schreiben Sie am Ende eine Zeile »[^{0}]: …«, oder "
     "löschen Sie den Aufruf", True),
    (re.compile(r"~~"), "»~~« ist übrig geblieben: eine Streichung braucht »~~« davor und "
     "danach, ohne Leerzeichen innen (~~alt~~)", False),
    (re.compile(r"\*\*|__"), "»{0}« ist übrig geblieben: Fettes braucht »**« davor und "
     "danach, ohne Leerzeichen innen (**wichtig**)", False),
    (re.compile(r"(?<!\w)==|==(?!\w)"), "»==« ist übrig geblieben: Markieren gibt es in "
     "Pressetexten nicht", False),
    (re.compile(r"\[([^\]^][^\]]*)\](?:\s*[\[(])?"),
     "»[{0}]« sieht aus wie ein Link ohne Adresse: schreiben Sie [Text](https://…), oder "
     "\\[…\\] für eckige Klammern im Text", False),
    (re.compile(r"^\s*\|.*\|.*$", re.M),
     "Tabellenzeile ist keine Tabelle geworden: unter der Kopfzeile fehlt die Trennzeile "
     "»|---|---|«", False),
    # Opening tags only: the closing one belongs to the same mistake.
    (re.compile(r"<[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"),
     "HTML »{0}« wird nicht ausgewertet und erscheint als Text: nehmen Sie Markdown "
     "(**fett**, [Link](https://…)) oder schreiben Sie es in `…`", False),
]


def texts(root: ET.Element) -> Iterator[str]:
    """The text of the tree outside code, piece by piece."""
    def walk(element: ET.Element) -> Iterator[str]:
        if element.tag in _SKIP:
            return
        if element.text:
            yield element.text
        for child in element:
            yield from walk(child)
            if child.tail:
                yield child.tail

    yield from walk(root)


#: Python-Markdown's placeholders for what it set aside start with this character.
_STASH = "\x02"


def leftovers(root: ET.Element) -> Iterator[tuple[str, str, bool]]:
    """(snippet to find the line by, message, is an error) for each leftover, once each."""
    for text in texts(root):
        seen: set[str] = set()
        for pattern, message, error in LEFTOVERS:
            for match in pattern.finditer(text):
                snippet = match[0].strip()
                if snippet in seen or _STASH in snippet or message in seen:
                    continue
                seen.add(snippet)
                if "{0}" not in message:  # one message of its kind per paragraph
                    seen.add(message)
                detail = match[1] if match.groups() and match[1] is not None else snippet
                yield snippet, message.format(detail), error


class LanguageSpan(InlineProcessor):
    """`[Leitlinien für die Internationale Zusammenarbeit]{lang=de}`: words in another
    language than the document's (as Pandoc writes it), so that a screen reader speaks
    them in their language (WCAG 3.1.2); `<span lang>` on the web, /Lang in the PDF."""

    PATTERN = r"\[([^\[\]]+)\]\{\s*lang=[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)[\"']?\s*\}"

    def handleMatch(self, m: re.Match, data: str):
        span = ET.Element("span", {"lang": m[2]})
        span.text = m[1]
        return span, m.start(0), m.end(0)


def register(md: Markdown) -> None:
    md.preprocessors.register(StaffListsPreprocessor(md), "staff-lists", 20)
    # Before links and references (170, 160): the brackets are the span's.
    md.inlinePatterns.register(LanguageSpan(LanguageSpan.PATTERN, md), "language-span", 175)
