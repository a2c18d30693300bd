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
    failures += _structure(catalog, reader) + _links(reader) + _fonts(reader)
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
    """Matterhorn 28-004/28-011: a link is in the structure tree (a `Link` element holds
    its annotation) and says in words where it leads (`/Contents`)."""
    failures = []
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            if "/StructParent" not in annotation:
                failures.append(f"Seite {number}: Link gehört zu keinem Link-Strukturelement")
            if not str(annotation.get("/Contents", "")).strip():
                failures.append(f"Seite {number}: Link ohne Beschreibung (/Contents)")
    return list(dict.fromkeys(failures))


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
