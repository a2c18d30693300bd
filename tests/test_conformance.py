"""Every PDF is PDF/A-2u and PDF/UA-1 at once: the identification a validator reads first
(one XMP packet with pdfaid and pdfuaid and the extension schema, the sRGB OutputIntent,
language, title shown, tab order by structure), on every seed document."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader

from briefing.build import build

from .conftest import make_project

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
def test_pdf_a_2u_and_pdf_ua_1(seed_pdfs, index):
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
    assert described[f"{PDFAID}conformance"] == "U"
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
