"""Internal documents — speaking notes, Q&A, anything with `intern: true` — go to
output/intern/ only, marked on every page, and never reach a public output: not the web
pages, archive, feed, JSON export, e-mail, public press kit or bundle, not even when their
release is published. A public document that points to an internal one is an error."""

from __future__ import annotations

import contextlib
import re
import zipfile
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.build import build, check

from .conftest import RELEASE, approve, make_project
from .pdftext import structure_text

#: One sentence per internal document, found nowhere outside output/intern/.
SECRETS = {
    "content/rede.md": "Geheimsatz Sprechzettel Rotkehlchen",
    "content/fragen.md": "Geheimsatz Fragen Zaunkönig",
    "content/vermerk.md": "Geheimsatz interne Mitteilung Eisvogel",
    "content/hg.md": "Geheimsatz interne Hintergrundinformation Pirol",
}
SPEECH = f"""\
---
typ: sprechzettel
titel: Rede zur Strategie
datum: 2025-10-29
redner: Ministerpräsident
anlass: Pressekonferenz
pressemitteilung: pm
---

## Begrüßung

Sehr geehrte Damen und Herren. {SECRETS["content/rede.md"]}.

## Die Strategie

Sachsen ist weltoffen.
"""
QUESTIONS = f"""\
---
typ: fragen-antworten
titel: Fragen zur Strategie
datum: 2025-10-29
pressemitteilung: pm
---

## Was kostet die Strategie?

{SECRETS["content/fragen.md"]}.

## Wann kommt die Evaluierung?

Im ersten Halbjahr 2026.
"""
INTERNAL_RELEASE = RELEASE.replace("titel: Testmitteilung", "titel: Vermerk\nintern: true") \
    .replace("Ein kurzer Text.", SECRETS["content/vermerk.md"] + ".")
RELEASE_WITH_PRIORITY = RELEASE.replace("ort: Dresden\n", "ort: Dresden\nprioritäten:\n"
                                        "  eins: Erste\n  zwei: Zweite\n")
PUBLIC_BRIEFING = """\
---
typ: hintergrund
titel: Öffentlich
datum: 2025-10-29
pressemitteilung: pm
priorität: eins
---

Öffentlicher Text.
"""
INTERNAL_BRIEFING = PUBLIC_BRIEFING.replace("priorität: eins", "priorität: zwei\nintern: true") \
    .replace("Öffentlicher Text.", SECRETS["content/hg.md"] + ".")


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("intern"), {
        "content/pm.md": RELEASE, "content/rede.md": SPEECH, "content/fragen.md": QUESTIONS,
        "content/vermerk.md": INTERNAL_RELEASE})
    approve(root)
    report = build(root, channels=True)
    assert report.errors == [], [str(p) for p in report.problems]
    assert (root / "output" / "web" / "pm" / "index.html").is_file()  # pm is public
    return root


def texts(path: Path) -> str:
    """What a file holds, as a scanner would read it: PDF text and every stream
    decompressed, ZIP members unpacked, everything else as it is."""
    data = path.read_bytes()
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace")
                             for n in archive.namelist()) + "\n".join(
                _pdf_text(archive.read(n)) for n in archive.namelist() if n.endswith(".pdf"))
    if path.suffix == ".pdf":
        return _pdf_text(data)
    return data.decode("utf-8", "replace")


def _pdf_text(data: bytes) -> str:
    import io

    found = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        with contextlib.suppress(zlib.error):  # not every stream is compressed
            found.append(zlib.decompress(stream).decode("latin-1"))
    return "\n".join(found)


def test_internal_documents_reach_no_public_output(published):
    out = published / "output"
    public = [p for p in out.rglob("*") if p.is_file() and "intern" not in p.relative_to(out).parts
              and not p.name.startswith(".")]
    assert len(public) > 10
    for path in public:
        shown = texts(path)
        for source, secret in SECRETS.items():
            if source != "content/hg.md":
                assert secret not in shown, f"{secret} in {path.relative_to(out)}"
    internal = {p.relative_to(out / "intern").as_posix() for p in (out / "intern").iterdir()}
    assert internal == {"rede.pdf", "fragen.pdf", "vermerk.pdf", "vermerk-pressemappe.pdf",
                        "pm-pressemappe-intern.pdf"}
    for name, secret in [("rede.pdf", SECRETS["content/rede.md"]),
                         ("pm-pressemappe-intern.pdf", SECRETS["content/fragen.md"])]:
        assert secret in " ".join(texts(out / "intern" / name).split())
    # Not in the archive, the feed, the JSON, not even by name.
    for shared in ("index.html", "feed.atom", "pressemitteilungen.json"):
        shown = (out / "web" / shared).read_text(encoding="utf-8")
        assert "vermerk" not in shown and "rede" not in shown and "fragen" not in shown


def test_every_page_of_an_internal_document_is_marked(published):
    for name in ("rede.pdf", "fragen.pdf", "vermerk.pdf", "pm-pressemappe-intern.pdf"):
        reader = PdfReader(published / "output" / "intern" / name)
        for page in reader.pages:
            assert "NUR FÜR DEN INTERNEN GEBRAUCH" in page.extract_text(), name
        assert reader.metadata.subject.startswith("Nur für den internen Gebrauch – ")
        assert "Nur für den internen Gebrauch" in reader.metadata["/Keywords"]
    public = PdfReader(published / "output" / "pm.pdf")
    assert "INTERN" not in public.pages[0].extract_text()


def test_speaking_notes_and_questions_read_as_such(published):
    speech = " ".join(texts(published / "output" / "intern" / "rede.pdf").split())
    assert "SPRECHZETTEL" in speech and "Redner" in speech and "Ministerpräsident" in speech
    assert "Es gilt das gesprochene Wort." in speech
    assert "1. Begrüßung" in speech and "2. Die Strategie" in speech
    questions = " ".join(texts(published / "output" / "intern" / "fragen.pdf").split())
    assert "Frage 1: Was kostet die Strategie?" in questions
    assert "Frage 2: Wann kommt die Evaluierung?" in questions
    # A screen reader reads the numbers too: they are text of the headings.
    said = structure_text(published / "output" / "intern" / "fragen.pdf")
    assert "Frage 1: Was kostet die Strategie?Geheimsatz" in said
    assert "2. Die StrategieSachsen ist weltoffen." in \
        structure_text(published / "output" / "intern" / "rede.pdf")


def test_questions_in_another_language_are_numbered_in_it(tmp_path):
    english = QUESTIONS.replace("datum: 2025-10-29", "datum: 2025-10-29\nsprache: en-GB") \
        .replace("Was kostet die Strategie?", "What does the strategy cost?") \
        .replace("titel: Fragen zur Strategie", "titel: Questions on the strategy")
    root = make_project(tmp_path, {"content/pm.md": RELEASE, "content/fragen.md": english})
    assert build(root).errors == []
    said = structure_text(root / "output" / "intern" / "fragen.pdf")
    assert "QUESTIONS AND ANSWERS" in said
    assert "Question 1: What does the strategy cost?" in said
    assert "Question 2: Wann kommt die Evaluierung?" in said and "Frage " not in said


def test_speaking_notes_and_questions_name_the_number_as_their_release_s(published):
    """The release was numbered when it was published; its speaking notes and Q&A show that
    number as the release's, never as one of their own (footer, header, kit)."""
    number = "Nr.\u00a01/2025"
    speech = structure_text(published / "output" / "intern" / "rede.pdf")
    assert f"Pressemitteilung»Testmitteilung« ({number})" in speech
    questions = structure_text(published / "output" / "intern" / "fragen.pdf")
    assert f"Zur Pressemitteilung {number} vom 29.\u00a0Oktober\u00a02025: »Testmitteilung«" \
        in questions
    for name in ("rede.pdf", "fragen.pdf", "pm-pressemappe-intern.pdf"):
        shown = " ".join(texts(published / "output" / "intern" / name).split())
        assert "Sprechzettel Nr." not in shown and "Antworten Nr." not in shown, name
    footers = " ".join(texts(published / "output" / "intern" / "rede.pdf").split())
    assert "Sächsische Staatskanzlei · Sprechzettel vom 29.10.2025" in footers


@pytest.mark.parametrize(("field", "value"), [("nummer", "Nr. 5/2025"),
                                              ("leichte-sprache", "true")])
def test_speaking_notes_have_no_number_or_leichte_sprache_of_their_own(tmp_path, field, value):
    root = make_project(tmp_path, {"content/pm.md": RELEASE, "content/rede.md": SPEECH.replace(
        "redner:", f"{field}: {value}\nredner:")})
    assert [str(p) for p in check(root).errors] == [
        f"content/rede.md:5: Feld »{field}« gibt es nur bei Pressemitteilung, "
        "Hintergrundinformation und Terminhinweis; löschen Sie es"]


def test_neu_refuses_leichte_sprache_of_an_internal_document(tmp_path, capsys):
    from briefing.cli import main

    root = make_project(tmp_path, {"content/pm.md": RELEASE, "content/fragen.md": QUESTIONS})
    assert main(["neu", "--leichte-sprache", "content/fragen.md", "--root", str(root)]) == 2
    assert capsys.readouterr().err.strip().endswith(
        "neu: content/fragen.md (Fragen und Antworten) ist nur für den internen Gebrauch; "
        "eine Fassung in Leichter Sprache gibt es nur von Pressemitteilung, "
        "Hintergrundinformation und Terminhinweis")
    assert not (root / "content" / "fragen.ls.md").exists()


def test_the_office_sets_its_own_marking(tmp_path):
    root = make_project(tmp_path, {"content/pm.md": RELEASE, "content/rede.md": SPEECH})
    with (root / "briefing.toml").open("a", encoding="utf-8") as config:
        config.write('\n[intern]\nvermerk = "VS – Nur für den Dienstgebrauch"\n')
    assert build(root).errors == []
    reader = PdfReader(root / "output" / "intern" / "rede.pdf")
    assert "VS – NUR FÜR DEN DIENSTGEBRAUCH" in reader.pages[0].extract_text()


@pytest.mark.parametrize(("files", "expected"), [
    ({"content/pm.md": RELEASE_WITH_PRIORITY.replace("titel: Testmitteilung",
                                                      "titel: T\nintern: true"),
      "content/hg.md": PUBLIC_BRIEFING},
     "content/hg.md:5: ist öffentlich, verweist aber auf content/pm.md, das nur für den "
     "internen Gebrauch ist; tragen Sie hier »intern: true« ein oder nehmen Sie den Verweis "
     "heraus"),
    ({"content/pm.md": RELEASE.replace("titel: Testmitteilung", "titel: T\nintern: true"),
      "content/pm.en.md": "---\ntyp: pressemitteilung\ntitel: T\nsprache: en-GB\n"
                          "original: pm\n---\n\nText.\n"},
     "content/pm.en.md:5: ist öffentlich, verweist aber auf content/pm.md, das nur für den "
     "internen Gebrauch ist; tragen Sie hier »intern: true« ein oder nehmen Sie den Verweis "
     "heraus"),
    ({"content/pm.md": RELEASE, "content/rede.md": SPEECH.replace("pressemitteilung: pm",
                                                                  "pressemitteilung: pn")},
     "content/rede.md:7: Pressemitteilung »pn« gibt es nicht in content/"),
])
def test_a_public_document_may_not_point_to_an_internal_one(tmp_path, files, expected):
    root = make_project(tmp_path, files)
    assert expected in [str(p) for p in check(root).problems]


def test_an_internal_briefing_stays_out_of_its_public_release(tmp_path):
    root = make_project(tmp_path, {"content/pm.md": RELEASE_WITH_PRIORITY,
                                   "content/eins.md": PUBLIC_BRIEFING,
                                   "content/hg.md": INTERNAL_BRIEFING})
    approve(root)
    build(root, channels=True)
    out = root / "output"
    assert (out / "intern" / "hg.pdf").is_file() and not (out / "hg.pdf").exists()
    kit = " ".join(texts(out / "pm-pressemappe.pdf").split()) \
        if (out / "pm-pressemappe.pdf").exists() else ""
    assert SECRETS["content/hg.md"] not in kit
    for path in out.rglob("*"):
        if path.is_file() and "intern" not in path.relative_to(out).parts:
            assert SECRETS["content/hg.md"] not in texts(path), path


def test_an_internal_translation_is_neither_linked_nor_in_the_way(tmp_path):
    """A public release with an internal (unapproved) translation: the release goes out
    alone; its page does not name the translation."""
    edition = ("---\ntyp: pressemitteilung\ntitel: T\nsprache: en-GB\noriginal: pm\n"
               f"intern: true\n---\n\n{SECRETS['content/vermerk.md']}.\n")
    root = make_project(tmp_path, {"content/pm.md": RELEASE, "content/pm.en.md": edition})
    approve(root, "content/pm.md")
    assert build(root, channels=True).errors == []
    out = root / "output"
    page = (out / "web" / "pm" / "pm.html").read_text(encoding="utf-8")
    assert "pm.en" not in page and "hreflang" not in page
    assert (out / "intern" / "pm.en.pdf").is_file() and not (out / "web" / "pm.en").exists()


def test_an_internal_briefing_claims_no_priority_and_a_refusal_carries_on(tmp_path):
    # A public briefing for the priority of an internal one is no duplicate.
    root = make_project(tmp_path / "a", {
        "content/pm.md": RELEASE_WITH_PRIORITY, "content/eins.md": PUBLIC_BRIEFING,
        "content/zwei.md": PUBLIC_BRIEFING.replace("priorität: eins", "priorität: zwei"),
        "content/hg.md": INTERNAL_BRIEFING})
    assert [p for p in check(root).problems if p.is_error] == []
    # The translation of a briefing refused for pointing to an internal release waits too.
    root = make_project(tmp_path / "b", {
        "content/pm.md": RELEASE_WITH_PRIORITY.replace("titel: Testmitteilung",
                                                        "titel: T\nintern: true"),
        "content/eins.md": PUBLIC_BRIEFING,
        "content/pm.en.md": "---\ntyp: pressemitteilung\ntitel: T\nsprache: en-GB\n"
                            "original: pm\n---\n\nText.\n",
        "content/eins.en.md": "---\ntyp: hintergrund\ntitel: Public\nsprache: en-GB\n"
                              "original: eins\n---\n\nText.\n"})
    report = build(root)
    assert not [p.name for p in (root / "output").glob("*.pdf")]
    shown = [str(p) for p in report.problems]
    assert any(m.startswith("content/eins.en.md: Hinweis: wird nicht gesetzt, solange content/")
               for m in shown), shown


def test_a_release_stays_listed_when_its_internal_documents_go(tmp_path):
    """Deleting a published release's speaking notes removes its internal press kit, not the
    release's entry in the site's lists: the next time the shared pages are made (here
    for another release) the release is still on the start page, in the feed and in the
    JSON export."""
    root = make_project(tmp_path, {"content/pm.md": RELEASE, "content/rede.md": SPEECH})
    approve(root)
    assert build(root, channels=True).exit_code() == 0
    (root / "content" / "rede.md").unlink()
    report = build(root, channels=True)
    assert report.exit_code() == 0 and not list((root / "output").rglob("rede*"))
    (root / "content" / "neu.md").write_text(RELEASE.replace("Testmitteilung", "Neue"),
                                             encoding="utf-8")
    approve(root, "content/neu.md")
    assert build(root, channels=True).exit_code() == 0
    web = root / "output" / "web"
    for name in ("index.html", "feed.atom", "pressemitteilungen.json"):
        text = (web / name).read_text(encoding="utf-8")
        assert "pm/index.html" in text and "neu/index.html" in text, name
