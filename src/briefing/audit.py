"""`briefing prüfen-pdf`: the machine-checkable PDF/UA-1 and PDF/A-2 points, for any PDF.

Checks what a validator reads first and what a screen reader meets: the identification
(one XMP packet with pdfaid, pdfuaid and its extension schema, the OutputIntent), language,
title shown, tagging, tab order, every piece of content either in the structure tree or an
artifact, alternative text of figures, `/Scope` of table headers, `/ID` of notes,
links in the structure with a description, fonts embedded with a Unicode map. What needs
a human (reading order, quality of alt text, colour contrast) is not checked;
certification uses veraPDF or PAC 2024.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import Problem


def audit(path: Path, shown: str) -> list[Problem]:
    """Every failed check of the PDF at `path`, as problems of `shown`."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        catalog = reader.trailer["/Root"]
    except (OSError, PdfReadError, KeyError) as exc:
        return [Problem(shown, None, f"ist keine lesbare PDF-Datei ({exc})")]
    failures = _identification(catalog) + _document(catalog, reader)
    failures += _structure(catalog, reader) + _links(reader) + _fonts(reader) + _notdef(reader)
    return [Problem(shown, None, message) for message in failures]


def _identification(catalog) -> list[str]:
    failures = []
    packet = catalog["/Metadata"].get_object().get_data().decode("utf-8", "replace") \
        if "/Metadata" in catalog else ""
    if packet.count("<rdf:RDF") != 1:
        failures.append(f"XMP-Metadaten: {packet.count('<rdf:RDF')} rdf:RDF-Blöcke statt "
                        "genau einem")
    if 'pdfaid:part="2"' not in packet and "<pdfaid:part>2<" not in packet:
        failures.append("Kennung PDF/A-2 fehlt (pdfaid:part=2)")
    elif 'pdfaid:conformance="A"' not in packet and "<pdfaid:conformance>A<" not in packet:
        failures.append("Stufe A von PDF/A-2 fehlt (pdfaid:conformance=A): die Datei ist "
                        "getaggt und in Unicode, sie kann es sagen")
    if 'pdfuaid:part="1"' not in packet and "<pdfuaid:part>1<" not in packet:
        failures.append("Kennung PDF/UA-1 fehlt (pdfuaid:part=1)")
    elif "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" not in packet:
        failures.append("pdfuaid ohne Erweiterungsschema (PDF/A erlaubt nur beschriebene "
                        "Eigenschaften)")
    if not catalog.get("/OutputIntents"):
        failures.append("OutputIntent (Farbprofil) fehlt")
    return failures


def _document(catalog, reader) -> list[str]:
    failures = []
    if not str(catalog.get("/Lang", "")).strip():
        failures.append("Sprache des Dokuments (/Lang) fehlt")
    if not (catalog.get("/ViewerPreferences") or {}).get("/DisplayDocTitle"):
        failures.append("Titel wird nicht als Fenstertitel angezeigt (DisplayDocTitle)")
    if not (reader.metadata and reader.metadata.title):
        failures.append("Titel fehlt in den Metadaten")
    if not (catalog.get("/MarkInfo") or {}).get("/Marked") or "/StructTreeRoot" not in catalog:
        failures.append("nicht getaggt: keine Struktur für Screenreader")
    for number, page in enumerate(reader.pages, start=1):
        if page.get("/Tabs") != "/S":
            failures.append(f"Seite {number}: Tab-Reihenfolge folgt nicht der Struktur "
                            "(/Tabs /S fehlt)")
    return failures


def _structure(catalog, reader) -> list[str]:
    from pypdf.generic import ContentStream, IndirectObject

    if "/StructTreeRoot" not in catalog:
        return []
    failures, claimed = [], set()
    todo = [catalog["/StructTreeRoot"].get_object()]
    while todo:
        element = todo.pop()
        kind = element.get("/S")
        if kind == "/Figure" and not str(element.get("/Alt", "")).strip():
            failures.append("Bild ohne Alternativtext (Figure ohne /Alt)")
        if kind == "/TH" and "/Scope" not in (element.get("/A") or {}):
            failures.append("Tabellenkopf ohne /Scope")
        if kind == "/Note" and not str(element.get("/ID", "")).strip():
            failures.append("Fußnote (Note) ohne /ID")
        kids = element.raw_get("/K") if "/K" in element else []
        kids = kids.get_object() if isinstance(kids, IndirectObject) else kids
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, IndirectObject):
                todo.append(kid.get_object())
            elif isinstance(kid, int) and "/Pg" in element:
                claimed.add((element.raw_get("/Pg").idnum, int(kid)))
            elif isinstance(kid, dict) and "/MCID" in kid:
                claimed.add((kid.raw_get("/Pg").idnum, int(kid["/MCID"])))
    for number, page in enumerate(reader.pages, start=1):
        loose = 0
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"BDC" and operands[0] != "/Artifact" and "/MCID" in operands[1] \
                    and (page.indirect_reference.idnum, operands[1]["/MCID"]) not in claimed:
                loose += 1
        if loose:
            failures.append(f"Seite {number}: {loose} Inhaltsstücke gehören zu keinem "
                            "Strukturelement und sind kein Artefakt (Kopf-/Fußzeile?)")
    return list(dict.fromkeys(failures))


def _links(reader) -> list[str]:
    """Matterhorn 28-004/28-011 and veraPDF 7.18.5-1: a link is in the structure tree, held
    by a `Link` element (not a `Span`, not a `Link` inside another), and says in words
    where it leads (`/Contents`, not an anchor's name)."""
    failures = []
    owners = _parent_tree(reader)
    anchors = _anchor_names(reader)
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            if "/StructParent" not in annotation:
                failures.append(f"Seite {number}: Link gehört zu keinem Link-Strukturelement")
            else:
                element = owners.get(int(annotation["/StructParent"]))
                tag = element.get("/S") if element is not None else None
                parent = element.get("/P") if element is not None else None
                if tag != "/Link":
                    failures.append(f"Seite {number}: Link steht unter »{tag}« statt unter "
                                    "einem Link-Strukturelement")
                elif parent is not None and parent.get_object().get("/S") == "/Link":
                    failures.append(f"Seite {number}: Link steht in einem anderen Link")
            described = str(annotation.get("/Contents", "")).strip()
            if not described:
                failures.append(f"Seite {number}: Link ohne Beschreibung (/Contents)")
            elif described in anchors:
                failures.append(f"Seite {number}: Link beschrieben mit dem Namen seines Ziels "
                                f"(»{described}«) statt mit Worten")
    return list(dict.fromkeys(failures))


def _parent_tree(reader) -> dict:
    """StructParent number → the structure element it belongs to."""
    root = reader.trailer["/Root"].get("/StructTreeRoot")
    found: dict = {}
    if root is None:
        return found
    todo = [root.get_object().get("/ParentTree")]
    while todo:
        node = todo.pop()
        if node is None:
            continue
        node = node.get_object()
        nums = node.get("/Nums") or []
        for index in range(0, len(nums) - 1, 2):
            value = nums[index + 1]
            if hasattr(value, "get_object") and isinstance(value.get_object(), dict):
                found[int(nums[index])] = value.get_object()
        todo += list(node.get("/Kids") or [])
    return found


def _anchor_names(reader) -> set[str]:
    names = reader.trailer["/Root"].get("/Names")
    dests = names.get_object().get("/Dests") if names else None
    found: set[str] = set()
    todo = [dests] if dests is not None else []
    while todo:
        node = todo.pop().get_object()
        found |= {str(n) for n in (node.get("/Names") or [])[::2]}
        todo += list(node.get("/Kids") or [])
    return found


_TEXT_OPS = re.compile(rb"/([^\s/\[\]<>()]+)\s+[\d.]+\s+Tf|\[((?:[^\]\\]|\\.)*)\]\s*TJ")


def _notdef(reader) -> list[str]:
    """veraPDF 7.21.4.1/7.21.8-1 (PDF/UA), 6.2.11.4.1 (PDF/A): every glyph a text shows is in
    its embedded font, and none is .notdef (glyph 0): a character the font does not have
    prints as an empty box."""
    failures = []
    for number, page in enumerate(reader.pages, start=1):
        fonts = (page.get("/Resources") or {}).get("/Font", {})
        glyphs = {name.lstrip("/").encode(): _glyph_count(font.get_object())
                  for name, font in fonts.items()}
        font = None
        for match in _TEXT_OPS.finditer(page.get_contents().get_data()):
            if match[1] is not None:
                font = match[1]
                continue
            count = glyphs.get(font)
            codes = [int(code[i:i + 4], 16) for code in re.findall(rb"<([0-9A-Fa-f]*)>",
                                                                     match[2])
                     for i in range(0, len(code), 4)]
            if count is not None and any(code == 0 or code >= count for code in codes):
                failures.append(f"Seite {number}: Text mit einem Zeichen, das die Schrift "
                                "nicht hat (.notdef, ein leeres Kästchen)")
                break
    return failures


def _glyph_count(font) -> int | None:
    """How many glyphs the embedded program of a composite font (Identity) has."""
    import io

    from fontTools.ttLib import TTFont, TTLibError

    if font.get("/Subtype") != "/Type0":
        return None
    descendant = font["/DescendantFonts"][0].get_object()
    program = descendant.get("/FontDescriptor", {}).get_object().get("/FontFile2")
    if program is None or descendant.get("/CIDToGIDMap", "/Identity") != "/Identity":
        return None
    try:
        return TTFont(io.BytesIO(program.get_object().get_data()), lazy=True)["maxp"].numGlyphs
    except (TTLibError, OSError, KeyError, AssertionError, ValueError):
        return None


def _fonts(reader) -> list[str]:
    failures = []
    for page in reader.pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            font = font.get_object()
            name = str(font.get("/BaseFont", "?")).split("+")[-1]
            descendants = font.get("/DescendantFonts") or [font]
            descriptor = descendants[0].get_object().get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2",
                                                           "/FontFile3"))
            if not embedded:
                failures.append(f"Schrift {name} ist nicht eingebettet")
            if "/ToUnicode" not in font:
                failures.append(f"Schrift {name} ohne ToUnicode (Text nicht vorlesbar)")
    return list(dict.fromkeys(failures))


def run(root: Path, args) -> int:
    from .paths import Paths

    paths, failed = Paths(root), 0
    for name in args.pdf:
        path = Path(name)
        shown = paths.show(path)
        if not path.is_file():
            print(f"{shown}: gibt es nicht")
            failed += 1
            continue
        problems = audit(path, shown)
        for problem in problems:
            print(problem)
        if problems:
            failed += 1
        else:
            print(f"{shown}: in Ordnung (PDF/A-2 und PDF/UA-1: alle maschinell prüfbaren "
                  "Punkte; Lesereihenfolge, Alternativtexte und Kontrast prüft ein Mensch)")
    return 1 if failed else 0
