"""Build the real content (release + five briefings) and check the PDFs as a reader would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.build import build

from .conftest import BOOKKEEPING, SEED, make_project

RELEASE = "2025-10-29-pressemitteilung-internationale-strategie"
BRIEFINGS = [
    "2025-10-29-hintergrund-1-grenzregion",
    "2025-10-29-hintergrund-2-aussenwirtschaft",
    "2025-10-29-hintergrund-3-fachkraefte",
    "2025-10-29-hintergrund-4-investitionsstandort",
    "2025-10-29-hintergrund-5-innovation-wissenschaft-kultur",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("real"), content=True)
    report = build(root)
    assert [str(p) for p in report.problems] == []
    return root


def pdf(root: Path, name: str) -> PdfReader:
    return PdfReader(root / "output" / f"{name}.pdf")


def plain_text(reader: PdfReader) -> str:
    """The text a reader sees, with line-end hyphenation undone and spaces normalised."""
    text = "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")
    # A hyphen before »und«/»oder« is a real one (»Innovations-, Wissenschafts- und …«).
    text = re.sub(r"(?<=[a-zäöüß])-\n(?!(?:und|oder|sowie) )(?=[a-zäöüß])", "", text)
    return " ".join(text.split())


def seed_sentences() -> list[str]:
    """The seed's sentences and bullet points, its extraction artefacts (line breaks, runs
    of spaces) removed."""
    chunks = re.split(r"\n\s*\n|•", SEED.read_text(encoding="utf-8"))
    sentences = []
    for chunk in chunks:
        chunk = " ".join(chunk.split())
        sentences += [s for s in re.split(r"(?<=[.:!?«])\s+", chunk) if s]
    return sentences


def test_six_pdfs_with_readable_names(built):
    names = sorted(p.name for p in (built / "output").glob("*.pdf"))
    assert names == sorted(f"{n}.pdf" for n in [RELEASE, *BRIEFINGS])
    stray = [p.name for p in (built / "output").iterdir() if p.name.startswith(".")]
    assert sorted(stray) == BOOKKEEPING  # no temporary files left


def test_page_counts(built):
    assert len(pdf(built, RELEASE).pages) == 1
    for name in BRIEFINGS:
        assert len(pdf(built, name).pages) == 2, name


def test_release_has_every_sentence_of_the_seed(built):
    text = plain_text(pdf(built, RELEASE))
    sentences = seed_sentences()
    assert len(sentences) > 15
    missing = [s for s in sentences if s not in text]
    assert missing == []


def test_release_typography(built):
    text = plain_text(pdf(built, RELEASE))
    assert "Dresden (29. Oktober 2025) – Der Freistaat" in text
    assert "»Sachsen ist ein weltoffenes Land – wirtschaftlich stark" in text
    assert "gegenseitiges Verständnis zu fördern.«" in text
    assert "Seite 1 von 1" in text
    assert "Dresden, 29.10.2025" in text
    for priority in ["Grenzregion mit Polen und Tschechien", "Außenwirtschaftsbeziehungen",
                     "internationaler Fachkräfte", "attraktiver Investitionsstandort",
                     "Innovations-, Wissenschafts- und Kulturstandort"]:
        assert priority in text


@pytest.mark.parametrize(("number", "name"), list(enumerate(BRIEFINGS, start=1)))
def test_briefing_shows_priority_and_release(built, number, name):
    text = plain_text(pdf(built, name))
    assert f"Priorität {number} von 5" in text
    assert "»Kabinett beschließt Internationale Strategie des Freistaates Sachsen«" in text
    assert "Stand: 29.10.2025" in text
    assert "Evaluierung der bestehenden Regionalpartnerschaften" in text
    assert "Pressekontakt" in text
    assert re.search(r"Seite 2 von 2", text)


def test_metadata(built):
    reader = pdf(built, RELEASE)
    info = reader.metadata
    assert info.title == "Kabinett beschließt Internationale Strategie des Freistaates Sachsen"
    assert info.author == "Sächsische Staatskanzlei"
    assert info.subject == "Pressemitteilung vom 29. Oktober 2025"
    assert "Internationale Strategie" in info["/Keywords"]
    assert info["/CreationDate"].startswith("D:20251029")
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "de-DE"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    briefing = pdf(built, BRIEFINGS[0]).metadata
    assert briefing.subject.startswith("Hintergrundinformation zu Priorität 1: ")


@pytest.mark.parametrize("name", [RELEASE, *BRIEFINGS])
def test_tagged_pdf_ua(built, name):
    reader = pdf(built, name)
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    tree = catalog["/StructTreeRoot"].get_object()
    kinds = set()

    def walk(node, depth=0):
        node = node.get_object()
        if isinstance(node, dict) and "/S" in node:
            kinds.add(node["/S"])
        kids = node.get("/K", []) if isinstance(node, dict) else []
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                walk(kid, depth + 1)

    walk(tree)
    assert {"/H1", "/P", "/L", "/LI"} <= kinds
    metadata = catalog["/Metadata"].get_object().get_data().decode()
    assert "pdfuaid:part" in metadata or "<pdfuaid:part>1" in metadata
    if name != RELEASE:
        assert {"/H2", "/Table", "/TR", "/TH", "/TD"} <= kinds


@pytest.mark.parametrize("name", [RELEASE, *BRIEFINGS])
def test_fonts_embedded(built, name):
    fonts = {}
    for page in pdf(built, name).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[font["/BaseFont"]] = any(k in descriptor for k in ("/FontFile", "/FontFile2",
                                                                     "/FontFile3"))
            assert "/ToUnicode" in font
    assert fonts and all(fonts.values())
    assert all("Open-Sans" in name for name in fonts)


def test_builds_are_byte_identical(built, tmp_path):
    again = make_project(tmp_path, content=True)
    build(again)
    for name in [RELEASE, *BRIEFINGS]:
        first = (built / "output" / f"{name}.pdf").read_bytes()
        second = (again / "output" / f"{name}.pdf").read_bytes()
        assert first == second, name
