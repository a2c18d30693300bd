"""Markdown body → safe HTML fragment, with German typography and print footnotes.

Content is not trusted code. Raw HTML in Markdown is not passed through: it is shown as
the text staff typed (`<b>` appears as »<b>«), so no script, iframe, object, attachment
link or event handler can reach the PDF. Links may point to `http(s):`, `mailto:`, `tel:`
and footnotes only; images must be files inside `content/` and need alt text.
"""

from __future__ import annotations

import copy
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from markdown import Extension, Markdown
from markdown.extensions.footnotes import NBSP_PLACEHOLDER
from markdown.treeprocessors import Treeprocessor

from . import dialect
from .errors import Problem, Severity
from .i18n import gettext
from .model import Document, QuoteStyle
from .typography import TypographyExtension, quote_style_for

_LINK_SCHEMES = {"http", "https", "mailto", "tel"}
#: Beyond these a document is not a press text but a way to stall the batch.
MAX_TABLE_ROWS = 1000
MAX_LIST_DEPTH = 8
_HEADINGS = {f"h{level}" for level in range(1, 7)}
_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_TABLE_RULE = re.compile(r"^ {0,3}\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_ATX = re.compile(r"^ {0,3}#{1,6}([ \t]|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_OR_QUOTE = re.compile(r"^ {0,3}([-*+>]|\d+[.)])\s")


@dataclass
class Body:
    """A document's body, made once, in its two forms: for print (each note at its call,
    where WeasyPrint floats it to the page foot) and for the web and e-mail (the notes as
    a list at the end, with links both ways)."""

    html: str
    problems: list[Problem] = field(default_factory=list)
    images: list[Path] = field(default_factory=list)
    web: str = ""
    #: Each image shown, in order, with its alt text and credit (the e-mail attaches them).
    figures: list[Figure] = field(default_factory=list)


@dataclass(frozen=True)
class Figure:
    """An image of the body: its file, what it shows (alt text), its credit (»Foto: …«;
    empty when missing, which is a warning)."""

    path: Path
    alt: str
    credit: str


class _Report:
    """Collects problems of one body; finds the line of a snippet in the Markdown."""

    def __init__(self, document: Document):
        self.document = document
        self.problems: list[Problem] = []

    def add(self, snippet: str, message: str, severity: Severity = Severity.ERROR) -> None:
        self.problems.append(Problem(self.document.display_path, self.line_of(snippet),
                                     message, severity))

    def at(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.document.display_path, line, message))

    def table_lines(self) -> list[int]:
        """The header line of each Markdown table, in order (the line above `|---|`)."""
        lines = self.document.body.split("\n")
        return [self.document.body_line + offset - 1 for offset, line in enumerate(lines)
                if offset and _TABLE_RULE.match(line) and "|" in lines[offset - 1]]

    def heading_lines(self) -> list[int]:
        """The lines of the headings in the Markdown, in order: `#` lines and lines
        underlined with `===`/`---`, outside fenced and indented code."""
        lines = self.document.body.split("\n")
        found, fence, previous = [], None, ""
        for offset, line in enumerate(lines):
            marker = _FENCE.match(line)
            if fence:
                fence = None if marker and marker[1][0] == fence[0] and \
                    len(marker[1]) >= len(fence) else fence
            elif marker:
                fence = marker[1]
            elif _ATX.match(line):
                found.append(offset)
            elif _UNDERLINE.match(line) and previous.strip() and not _ATX.match(previous) \
                    and not _LIST_OR_QUOTE.match(previous) and (
                        line.strip()[0] == "=" or (offset - 1) not in found):
                found.append(offset - 1)
            previous = "" if fence else line
        return [self.document.body_line + offset for offset in found]

    def line_of(self, snippet: str) -> int:
        for offset, line in enumerate(self.document.body.split("\n")):
            if snippet and snippet in line:
                return self.document.body_line + offset
        return self.document.body_line


class SafetyTreeprocessor(Treeprocessor):
    """Links and images that staff may use; footnotes moved to where WeasyPrint floats
    them to the page foot (`float: footnote` needs the note's text at the call)."""

    def __init__(self, md: Markdown, report: _Report, content_dir: Path, images: list[Path]):
        super().__init__(md)
        self.report, self.content_dir, self.images = report, content_dir, images
        self.figures: list[Figure] = []
        #: The web form of the tree (notes at the end); `_WebForm` finishes it.
        self.web_root: ET.Element | None = None

    def run(self, root: ET.Element) -> None:
        parents = {child: parent for parent in root.iter() for child in parent}
        self._mark_lines(root)
        for element in list(root.iter()):
            if element.tag == "a":
                self._link(element)
            elif element.tag == "img":
                self._image(element, parents)
            elif element.tag == "table":
                rows = sum(1 for _ in element.iter("tr"))
                if rows > MAX_TABLE_ROWS:
                    self.report.add("|", f"Tabelle mit {rows} Zeilen ist zu lang (höchstens "
                                         f"{MAX_TABLE_ROWS}); teilen Sie sie auf")
            elif element.tag == "th":  # Markdown tables have header cells only on top
                element.set("scope", "col")
            elif element.tag in ("ul", "ol") and _depth(element, parents) == MAX_LIST_DEPTH + 1:
                first_item = "".join(element.itertext()).strip().split("\n")[0]
                self.report.add(first_item, f"Listen sind mehr als {MAX_LIST_DEPTH} Ebenen tief "
                                    "verschachtelt; vereinfachen Sie die Gliederung")
        self._headings(root)
        self._number_headings(root)
        self._leftovers(root, parents)
        self.web_root = copy.deepcopy(root)
        self._footnotes(self.web_root, {c: p for p in self.web_root.iter() for c in p}, True)
        self._footnotes(root, parents, False)

    def _leftovers(self, root: ET.Element, parents: dict) -> None:
        """What did not become what it looks like: marked text (refused), footnote calls
        without their note, raw syntax left over (dialect.py)."""
        for mark in list(root.iter("mark")):
            text = "".join(mark.itertext())
            self.report.add(f"=={text}", f"»=={text}==« wird nicht markiert gedruckt: "
                            "Markieren gibt es in Pressetexten nicht (auf Papier ohne Farbe "
                            "unsichtbar, für Screenreader meist stumm); für Wichtiges nehmen "
                            "Sie **fett**, für Hinweise an Kolleginnen und Kollegen einen "
                            "Kommentar <!-- … -->", Severity.WARNING)
            _unwrap(mark, parents)
        for snippet, message, error in dialect.leftovers(root):
            self.report.add(snippet, message, Severity.ERROR if error else Severity.WARNING)

    def _mark_lines(self, root: ET.Element) -> None:
        """`data-zeile` on what can be too wide for the page (tables, code, images), so the
        PDF stage can name the line when something does not fit."""
        tables = list(root.iter("table"))
        lines = self.report.table_lines()
        if len(lines) != len(tables):
            lines = [self.report.line_of("".join(t.itertext()).strip().split("\n")[0])
                     for t in tables]
        for table, line in zip(tables, lines, strict=True):
            table.set("data-zeile", str(line))
        for element in root.iter():
            if element.tag == "pre":
                first = "".join(element.itertext()).strip().split("\n")[0]
                element.set("data-zeile", str(self.report.line_of(first)))
            elif element.tag == "img":
                element.set("data-zeile", str(self.report.line_of(element.get("src", ""))))

    def _headings(self, root: ET.Element) -> None:
        """Sections start at level 2 (the title is the only level 1) and skip no level.
        Checked on the tree, so `#` and underlined (`===`, `---`) headings count alike."""
        previous = 1
        headings = [e for e in root.iter() if e.tag in _HEADINGS]
        lines = self.report.heading_lines()
        if len(lines) != len(headings):  # a heading the scan cannot see: find it by text
            lines = [self.report.line_of("".join(e.itertext()).strip()) for e in headings]
        for element, line in zip(headings, lines, strict=True):
            level = int(element.tag[1])
            if level == 1:
                self.report.at(line, "Überschrift der Ebene 1 (»#« oder mit »===« "
                                      "unterstrichen): der Titel kommt aus »titel«; beginnen "
                                      "Sie Abschnitte mit »##«")
            elif level > previous + 1:
                self.report.at(line, f"Überschrift springt von Ebene {previous} auf {level}; "
                                      f"verwenden Sie »{'#' * (previous + 1)}«")
            previous = level

    def _number_headings(self, root: ET.Element) -> None:
        """A type that numbers its sections (speaking notes: »1.«, Q&A: »Frage 1:«) gets
        the number as text of each `##` heading, in the document's language: a screen
        reader reads it, the PDF's bookmarks show it (generated CSS content would be
        German everywhere)."""
        document = self.report.document
        label = document.type.numbered
        if not label:
            return
        for number, heading in enumerate((e for e in root.iter("h2")), start=1):
            span = ET.Element("span", {"class": "heading-number"})
            span.text = gettext(document.language, label, number=number)
            span.tail = f" {heading.text or ''}"
            heading.text = None
            heading.insert(0, span)

    def _link(self, element: ET.Element) -> None:
        href = element.get("href", "")
        if href.startswith("#"):
            return
        scheme = urlsplit(href).scheme.lower()
        if scheme not in _LINK_SCHEMES:
            self.report.add(href, f"Link-Ziel »{href}« ist nicht erlaubt; erlaubt sind "
                                  "Adressen mit https://, http://, mailto: und tel:")
            element.attrib.pop("href", None)
            element.tag = "span"

    def _image(self, element: ET.Element, parents: dict) -> None:
        src, alt = element.get("src", ""), (element.get("alt") or "").strip()
        if not alt:
            self.report.add(src or "![", f"Bild »{src}« hat keinen Alternativtext; schreiben Sie "
                            "ihn in die eckigen Klammern: ![Beschreibung](datei.png)")
        target = _inside(self.report.document.source.parent, src, self.content_dir)
        if target is None:
            self.report.add(src, f"Bild »{src}« muss eine Datei im Ordner content/ sein "
                                 "(relativer Pfad, keine Webadresse)")
        elif not target.is_file():
            self.report.add(src, f"Bild »{src}« gibt es nicht; prüfen Sie den Dateinamen")
        elif not _decodable(target):
            self.report.add(src, f"Bild »{src}« ist keine lesbare Bilddatei (beschädigt oder "
                                 "ein anderes Format als der Name sagt); speichern Sie es "
                                 "erneut als PNG, JPEG oder SVG")
        else:
            element.set("src", target.as_uri())
            self.images.append(target)
            self.figures.append(Figure(target, alt, self._credit(element, parents, src)))
            return
        parents[element].remove(element)

    def _credit(self, element: ET.Element, parents: dict, src: str) -> str:
        """The image's credit (its Markdown title, »Foto: Name / Agentur«) shown with it: an
        image alone in its paragraph becomes a figure with the credit as its caption."""
        credit = " ".join((element.attrib.pop("title", None) or "").split())
        if not credit:
            self.report.add(src, (
                f"Bild »{src}« hat keinen Bildnachweis; ohne ihn wird es nicht veröffentlicht. "
                f'Schreiben Sie ihn dahinter: ![Beschreibung]({src} "Foto: Name / Agentur")'),
                Severity.WARNING)
            return credit
        parent = parents[element]
        alone = parent.tag == "p" and len(parent) == 1 and not (parent.text or "").strip() \
            and not (element.tail or "").strip()
        if alone:
            parent.tag = "figure"
            caption = ET.SubElement(parent, "figcaption", {"class": "credit"})
            caption.text = credit
            return credit
        span = ET.Element("span", {"class": "credit"})
        span.text, span.tail, element.tail = credit, element.tail, " "
        parent.insert(list(parent).index(element) + 1, span)
        return credit

    def _footnotes(self, root: ET.Element, parents: dict, web: bool) -> None:
        container = next((e for e in root.iter("div") if e.get("class") == "footnote"), None)
        if container is None:
            return
        notes = {item.get("id"): item for item in container.iter("li")}
        numbers: dict[str, int] = {}  # note id → its number, in the order of first calls
        web_notes: list[ET.Element] = []
        for sup in list(root.iter("sup")):
            link = sup.find("a")
            if link is None or "footnote-ref" not in (link.get("class") or ""):
                continue
            note_id = link.get("href", "").lstrip("#")
            note = notes.get(note_id)
            if note is None:
                continue
            if note_id in numbers:  # cited again: a call pointing to the first note
                number = str(numbers[note_id])
                sup.attrib.clear()
                sup.set("class", "footnote-again")
                link.attrib.clear()
                link.set("href", f"#note-{number}")
                link.text = number
                continue
            numbers[note_id] = number = len(numbers) + 1
            # The call is a link of its own (not WeasyPrint's ::footnote-call), so the PDF
            # links it to its note and a screen reader can follow it.
            sup.attrib.clear()
            sup.set("class", "footnote-call")
            link.attrib.clear()
            link.set("href", f"#note-{number}")
            link.text = str(number)
            if web:  # a list at the end, each note linking back to its first call
                link.set("id", f"call-{number}")
                span = ET.Element("li", {"id": f"note-{number}"})
            else:
                span = ET.Element("span", {"class": "footnote", "id": f"note-{number}"})
            for paragraph in note:
                for backref in paragraph.findall("a"):
                    if "footnote-backref" in (backref.get("class") or ""):
                        paragraph.remove(backref)
                for piece in paragraph.iter():
                    for attr in ("text", "tail"):
                        value = getattr(piece, attr)
                        if value:
                            setattr(piece, attr, value.replace(NBSP_PLACEHOLDER, ""))
                _append_inline(span, paragraph)
            if web:
                if len(span):
                    span[-1].tail = f"{span[-1].tail or ''} "
                else:
                    span.text = f"{span.text or ''} "
                back = ET.SubElement(span, "a", {"href": f"#call-{number}",
                                                 "class": "footnote-back"})
                back.text = gettext(self.report.document.language,
                                    "zurück zum Text (Fußnote %(number)s)", number=number)
                web_notes.append(span)
                continue
            span.tail, sup.tail = sup.tail, None
            parent = parents[sup]
            parent.insert(list(parent).index(sup) + 1, span)
        parents[container].remove(container)
        if not web:
            for note_id in notes.keys() - numbers.keys():
                label = note_id.split(":", 1)[-1]
                self.report.add(f"[^{label}]:", f"Fußnote »[^{label}]« wird im Text nie "
                                "aufgerufen: setzen Sie »[^" + label + "]« an die Stelle, "
                                "zu der sie gehört, oder löschen Sie die Fußnote")
        if web and web_notes:
            section = ET.SubElement(root, "section", {"class": "footnotes",
                                                      "aria-labelledby": "fussnoten"})
            ET.SubElement(section, "h2", {"id": "fussnoten"}).text = gettext(
                self.report.document.language, "Fußnoten")
            ET.SubElement(section, "ol").extend(web_notes)


class _WebForm(Treeprocessor):
    """Last: the web form of the tree gets what the print form got after the safety pass
    (typography, unescaping), so both forms come from one parse."""

    def __init__(self, md: Markdown, safety: SafetyTreeprocessor):
        super().__init__(md)
        self.safety = safety

    def run(self, root: ET.Element) -> None:
        web_root = self.safety.web_root
        for name in ("typography", "unescape"):
            if name in self.md.treeprocessors and web_root is not None:
                self.md.treeprocessors[name].run(web_root)
        language = self.safety.report.document.language
        said = gettext(language, "gestrichen")
        # A deletion is read out as one: in the PDF its structure element says so
        # (conformance.py), on the web and in the e-mail a hidden text does.
        for deleted in root.iter("del"):
            deleted.set("data-vorlesen", f"[{said}: {''.join(deleted.itertext())}]")
        for deleted in web_root.iter("del") if web_root is not None else ():
            start = ET.Element("span", {"class": "visually-hidden"})
            start.text = f"[{said}: "
            start.tail, deleted.text = deleted.text, None
            deleted.insert(0, start)
            end = ET.SubElement(deleted, "span", {"class": "visually-hidden"})
            end.text = "]"


class _SafetyExtension(Extension):
    def __init__(self, report: _Report, content_dir: Path, images: list[Path]):
        super().__init__()
        self.args = report, content_dir, images
        self.safety: SafetyTreeprocessor | None = None

    def extendMarkdown(self, md: Markdown) -> None:
        # Raw HTML becomes text: no block or inline HTML is recognised at all.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # Indented text is text (pasted from Word), not code: code is fenced with ```.
        md.parser.blockprocessors.deregister("code")
        dialect.register(md)
        # After footnotes (50, 15) and inline parsing (20), before typography (5).
        self.safety = SafetyTreeprocessor(md, *self.args)
        md.treeprocessors.register(self.safety, "safety", 7)
        md.treeprocessors.register(_WebForm(md, self.safety), "web-form", -1)


def _serialize(md: Markdown, root: ET.Element) -> str:
    """A finished tree as `Markdown.convert` turns it into text: the same serializer, the
    top-level tag stripped, the same postprocessors."""
    output = md.serializer(root)
    start, end = f"<{md.doc_tag}>", f"</{md.doc_tag}>"
    output = output[output.index(start) + len(start):output.rindex(end)].strip() \
        if start in output else ""
    for postprocessor in md.postprocessors:
        output = postprocessor.run(output)
    return output.strip()


def render_body(document: Document, quotes: QuoteStyle, content_dir: Path) -> Body:
    """The body in both forms (`Body`), from one parse."""
    report = _Report(document)
    images: list[Path] = []
    safety = _SafetyExtension(report, content_dir, images)
    md = Markdown(
        extensions=[
            "tables",
            "sane_lists",
            "fenced_code",
            "footnotes",
            # ~~deletion~~ and H~2~O; ==marked== is found to be refused (_leftovers).
            "pymdownx.tilde",
            "pymdownx.mark",
            # Leichte Sprache: one sentence per line, kept as the author wrote it.
            *(["nl2br"] if document.easy else []),
            safety,
            TypographyExtension(quote_style_for(document.language, quotes), document.language),
        ],
        extension_configs={"footnotes": {"BACKLINK_TEXT": ""},
                           "pymdownx.tilde": {"smart_delete": True, "subscript": True}},
        output_format="html",
    )
    try:
        html = md.convert(document.body)
        web_root = safety.safety.web_root if safety.safety else None
        web = _serialize(md, web_root) if web_root is not None else html
    except RecursionError:
        report.add("", "Der Text ist zu tief verschachtelt (Listen oder Zitate in Listen); "
                       "vereinfachen Sie die Gliederung")
        html = web = ""
    figures = safety.safety.figures if safety.safety else []
    return Body(html, report.problems, images, web, figures)


def _decodable(path: Path) -> bool:
    """The image can be drawn: an SVG that parses as XML, or a raster image Pillow (which
    WeasyPrint uses) can decode completely."""
    from PIL import Image

    try:
        if path.suffix.lower() == ".svg":
            ET.parse(path)
            return True
        with Image.open(path) as image:
            image.load()
        return True
    # What Pillow's decoders and the XML parser raise for a file that is not a whole image.
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error,
            ET.ParseError, Image.DecompressionBombError):
        return False


def _unwrap(element: ET.Element, parents: dict) -> None:
    """Replace an element by its content (text and children)."""
    parent = parents[element]
    index = list(parent).index(element)
    previous = parent[index - 1] if index else None
    parent.remove(element)

    def add(text: str | None) -> None:
        if not text:
            return
        if previous is None:
            parent.text = (parent.text or "") + text
        else:
            previous.tail = (previous.tail or "") + text

    add(element.text)
    for offset, child in enumerate(list(element)):
        tail, child.tail = child.tail, None
        parent.insert(index + offset, child)
        parents[child] = parent
        previous = child
        add(tail)
    add(element.tail)


def _depth(element: ET.Element, parents: dict) -> int:
    """How many lists contain this one, itself included."""
    depth = 0
    while element is not None:
        depth += element.tag in ("ul", "ol")
        element = parents.get(element)
    return depth


def _inside(base: Path, src: str, root: Path) -> Path | None:
    """`src` resolved against `base`, if it is a relative path that stays inside `root`."""
    parts = urlsplit(src)
    if not src or parts.scheme or parts.netloc or src.startswith("/"):
        return None
    target = (base / parts.path).resolve()
    return target if target.is_relative_to(root.resolve()) else None


def _append_inline(target: ET.Element, source: ET.Element) -> None:
    """Append `source`'s text and children to `target`; paragraphs are joined by a space."""
    text = source.text or ""
    if len(target):
        target[-1].tail = f"{target[-1].tail or ''} {text}"
    else:
        target.text = f"{target.text} {text}" if target.text else text
    target.extend(source)
    # No trailing space before the note ends (it stood before the removed back-link).
    if len(target):
        target[-1].tail = (target[-1].tail or "").rstrip() or None
    else:
        target.text = target.text.rstrip()
