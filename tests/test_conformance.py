"""Every PDF is PDF/A-2a and PDF/UA-1 at once: the identification a validator reads first
(one XMP packet with pdfaid and pdfuaid and the extension schema, the sRGB OutputIntent,
language, title shown, tab order by structure), on every seed document."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from briefing.build import build

from .conftest import make_project
from .pdftext import unicode_maps

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
PDFUAID = "{http://www.aiim.org/pdfua/ns/id/}"
SCHEMA = "{http://www.aiim.org/pdfa/ns/schema#}"


@pytest.fixture(scope="module")
def seed_pdfs(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("konform"), content=True)
    assert build(root).exit_code() == 0
    return sorted((root / "output").glob("*.pdf"))


def test_six_seed_documents(seed_pdfs):
    assert len(seed_pdfs) == 6


@pytest.mark.parametrize("index", range(6))
def test_pdf_a_2a_and_pdf_ua_1(seed_pdfs, index):
    reader = PdfReader(seed_pdfs[index])
    assert reader.pdf_header == "%PDF-1.7"
    catalog = reader.trailer["/Root"]
    packet = catalog["/Metadata"].get_object().get_data().decode()
    assert packet.count("<rdf:RDF") == 1
    rdf = ET.fromstring(packet[packet.index("<x:xmpmeta"):packet.rindex("</x:xmpmeta>") + 12])
    described = {}
    for description in rdf.iter(f"{RDF}Description"):
        described.update(description.attrib)
    assert described[f"{PDFAID}part"] == "2"
    assert described[f"{PDFAID}conformance"] == "A"
    assert described[f"{PDFUAID}part"] == "1"
    prefixes = [e.text for e in rdf.iter(f"{SCHEMA}prefix")]
    assert prefixes == ["pdfuaid"]  # PDF/A admits only described properties

    (intent,) = catalog["/OutputIntents"]
    assert intent["/S"] == "/GTS_PDFA1"
    assert "sRGB" in intent["/OutputConditionIdentifier"]
    assert catalog["/Lang"] == "de-DE"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert all(page["/Tabs"] == "/S" for page in reader.pages)


def test_the_mark_is_described_by_the_publisher(seed_pdfs):
    catalog = PdfReader(seed_pdfs[0]).trailer["/Root"]
    figures = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, dict):
            if node.get("/S") == "/Figure":
                figures.append(str(node.get("/Alt")))
            kids = node.get("/K", [])
            for kid in kids if isinstance(kids, list) else [kids]:
                walk(kid)

    walk(catalog["/StructTreeRoot"])
    assert figures == ["Sächsische Staatskanzlei"]


def _claimed(reader) -> set[tuple[int, int]]:
    """(page object number, MCID) of every marked content the structure tree claims."""
    claimed = set()
    todo = [reader.trailer["/Root"]["/StructTreeRoot"].get_object()]
    while todo:
        element = todo.pop()
        kids = element.raw_get("/K") if "/K" in element else []
        kids = kids.get_object() if isinstance(kids, IndirectObject) else kids
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, IndirectObject):
                todo.append(kid.get_object())
            elif isinstance(kid, int):
                claimed.add((element.raw_get("/Pg").idnum, int(kid)))
            elif isinstance(kid, dict) and "/MCID" in kid:  # marked content on another page
                claimed.add((kid.raw_get("/Pg").idnum, int(kid["/MCID"])))
    return claimed


def _marked(reader):
    """(page object number, tag, properties) of every marked-content sequence."""
    from pypdf.generic import ContentStream

    for page in reader.pages:
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"BDC":
                yield page.indirect_reference.idnum, operands[0], operands[1]


@pytest.mark.parametrize("index", range(6))
def test_all_content_is_in_the_tree_or_an_artifact(seed_pdfs, index):
    reader = PdfReader(seed_pdfs[index])
    claimed = _claimed(reader)
    pagination = 0
    for page, tag, properties in _marked(reader):
        if tag == "/Artifact":
            pagination += properties.get("/Type") == "/Pagination"
        elif "/MCID" not in properties:  # an automatic hyphen inside a claimed line
            assert properties["/ActualText"] == ""
        else:
            assert (page, properties["/MCID"]) in claimed, (tag, properties)
    # The running footer and the page number on every page.
    assert pagination == 2 * len(reader.pages)


def test_table_headers_have_a_scope(seed_pdfs):
    reader = PdfReader(seed_pdfs[0])  # a briefing with a table
    scopes = []
    todo = [reader.trailer["/Root"]["/StructTreeRoot"].get_object()]
    while todo:
        element = todo.pop()
        if element.get("/S") == "/TH":
            scopes.append(element["/A"]["/Scope"])
        kids = element.raw_get("/K") if "/K" in element else []
        todo += [k.get_object() for k in (kids if isinstance(kids, list) else [kids])
                 if isinstance(k, IndirectObject)]
    assert scopes == ["/Column", "/Column"]


def screen_reader_text(path) -> str:
    """The tagged text of a PDF as a screen reader gets it: marked content in order, each
    glyph through its font's ToUnicode map, /ActualText instead of what it covers, nothing
    of artifacts, and no separator added between pieces (PDF readers add none either)."""

    from pypdf.generic import ContentStream

    reader = PdfReader(path)
    out = []
    for page in reader.pages:
        maps = unicode_maps(page)
        font, stack = None, []
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                font = operands[0]
            elif operator in (b"BDC", b"BMC"):
                properties = operands[1] if len(operands) > 1 else {}
                actual = properties.get("/ActualText") if hasattr(properties, "get") else None
                stack.append((operands[0], actual))
                if actual is not None:
                    out.append(str(actual))
            elif operator == b"EMC" and stack:
                stack.pop()
            elif operator == b"TJ":
                if any(tag == "/Artifact" or actual is not None for tag, actual in stack):
                    continue
                for item in operands[0]:
                    if isinstance(item, bytes) or hasattr(item, "original_bytes"):
                        raw = item.original_bytes if hasattr(item, "original_bytes") else item
                        hexed = raw.hex().upper()
                        out += [maps[font].get(hexed[i:i + 4], "") for i in range(0, len(hexed), 4)]
    return "".join(out)


@pytest.mark.parametrize("width", ["30mm", "34mm", "40mm", "47mm", "55mm"])
def test_words_at_line_ends_reach_the_screen_reader_intact(tmp_path, width):
    from .conftest import RELEASE

    text = ("Die Zusammenarbeit mit Polen und Tschechien soll künftig besser werden. "
            "Innovations-, Wissenschafts- und Kulturstandort sowie Wasserstoff-Kooperation "
            "im Investitionsstandort. Die Staatskanzlei stellt die Strategie gemeinsam mit "
            "dem Ministerium vor, die Umsetzung beginnt im ersten Halbjahr 2026.")
    # Line ends also fall inside, before and after inline elements (bold, a link).
    markdown = text.replace("die Strategie gemeinsam", "**die Strategie gemeinsam**").replace(
        "im ersten Halbjahr", "[im ersten Halbjahr](https://example.org/halbjahr)")
    root = make_project(tmp_path, {"content/pm.md": RELEASE.replace(
        "Ein kurzer Text.", markdown)})
    css = root / "templates" / "print.css"
    css.write_text(css.read_text(encoding="utf-8") + f"\n.body p {{ width: {width}; }}\n",
                   encoding="utf-8")
    assert build(root).exit_code() == 0
    read = screen_reader_text(root / "output" / "pm.pdf")
    assert text in read
    assert read.count("-") == read.count("-", 0) and "Tsche-chien" not in read


def _elements(reader) -> list[tuple[list[str], dict]]:
    """(path of structure types, element) of every structure element, in tree order."""
    found = []

    def walk(element, path):
        element = element.get_object()
        if not isinstance(element, dict) or "/S" not in element:
            return
        found.append(([*path, element["/S"]], element))
        kids = element.raw_get("/K") if "/K" in element else []
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, IndirectObject):
                walk(kid, [*path, element["/S"]])

    for kid in reader.trailer["/Root"]["/StructTreeRoot"]["/K"]:
        walk(kid, [])
    return found


@pytest.mark.parametrize("index", range(6))
def test_one_structure_element_per_html_element_across_pages(seed_pdfs, index):
    reader = PdfReader(seed_pdfs[index])
    elements = _elements(reader)
    assert sum(1 for path, _ in elements if path[-1] == "/Part") == 1  # <main>, once
    notes = [element for path, element in elements if path[-1] == "/Note"]
    ids = [str(note["/ID"]) for note in notes]
    expected = 0 if "pressemitteilung" in seed_pdfs[index].name else 1
    assert ids == [f"fussnote-{n}" for n in range(1, expected + 1)]
    # Both calls to the note (the seed briefings cite it twice) cite it.
    assert sum(1 for path, _ in elements if path[-1] == "/Reference") == 2 * expected


def test_a_footnote_call_links_to_its_note(tmp_path):
    from .conftest import RELEASE

    body = ("Ein Satz mit Note.[^a] Ein zweiter Satz.[^b] Und wieder die erste.[^a]\n\n"
            "[^a]: Die erste Notiz.\n[^b]: Die zweite Notiz.\n")
    root = make_project(tmp_path, {"content/pm.md": RELEASE.replace("Ein kurzer Text.", body)})
    assert build(root).exit_code() == 0
    reader = PdfReader(root / "output" / "pm.pdf")
    elements = _elements(reader)
    notes = [e for path, e in elements if path[-1] == "/Note"]
    assert [str(n["/ID"]) for n in notes] == ["fussnote-1", "fussnote-2"]
    # Each note starts with its number as a label.
    for note in notes:
        label = note["/K"][0].get_object()
        assert label["/S"] == "/Lbl"
    # Three calls, each a Reference holding a Link whose annotation leads to the note.
    references = [e for path, e in elements if path[-1] == "/Reference"]
    assert len(references) == 3
    targets = []
    for reference in references:
        (link,) = [k.get_object() for k in reference["/K"]]
        assert link["/S"] == "/Link"
        annotation = next(k.get_object()["/Obj"].get_object() for k in link["/K"]
                          if not isinstance(k, int) and k.get_object().get("/Type") == "/OBJR")
        targets.append((str(annotation["/Dest"]), str(annotation["/Contents"])))
        rect = [float(v) for v in annotation["/Rect"]]
        assert rect[3] > rect[1]  # a clickable area, not a line
    assert targets == [("note-1", "Fußnote 1"), ("note-2", "Fußnote 2"),
                       ("note-1", "Fußnote 1")]
    # The destinations lie in the notes at the foot of the page.
    names = reader.named_destinations
    assert {"note-1", "note-2"} <= set(names)
    assert float(names["note-1"]["/Top"]) < 200
    read = screen_reader_text(root / "output" / "pm.pdf")
    assert "Ein Satz mit Note.1 Ein zweiter Satz.2 Und wieder die erste.1" in read


def test_a_paragraph_across_a_page_break_is_one_element(tmp_path):
    from .conftest import RELEASE

    long = " ".join(["Ein Satz, der sich wiederholt, bis der Absatz die Seite füllt."] * 90)
    root = make_project(tmp_path, {"content/pm.md": RELEASE.replace("Ein kurzer Text.", long)})
    assert build(root).exit_code() == 0
    reader = PdfReader(root / "output" / "pm.pdf")
    assert len(reader.pages) >= 2
    paragraphs = [e for path, e in _elements(reader) if path[-1] == "/P"
                  and "/Part" in path]
    # Label and date of the document line, and the one body paragraph across both pages.
    assert len(paragraphs) == 3
    assert screen_reader_text(root / "output" / "pm.pdf").count(long) == 1
