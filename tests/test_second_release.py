"""The second release: what a new member of the press office writes, and their everyday
mistakes. Each mistake gives its own message, once, and loses nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.build import build, check
from briefing.cli import main

from .conftest import RELEASE, SEED_CONTENT

SECOND = """\
---
typ: pressemitteilung
titel: Sachsen und Tschechien vereinbaren Wasserstoff-Kooperation
datum: 2026-11-25
ort: Dresden
nummer: Nr. 412/2026
sperrfrist: 2026-11-25 18:00
kontakt:
  stelle: Pressestelle der Staatskanzlei
  name: Erika Muster
  telefon: (0351) 564-10200
  email: presse@example.org
prioritäten:
  netz: Ein gemeinsames Wasserstoffnetz
  forschung: Gemeinsame Forschung
  fachkräfte: Fachkräfte für Wasserstoff
---

Dresden (25. November 2026) – Ein Text über Wasserstoff.
"""

BRIEF = """\
---
typ: hintergrund
titel: Hintergrund {key}
datum: 2026-11-25
pressemitteilung: 2026-11-25-pressemitteilung-wasserstoff
priorität: {key}
---

## Abschnitt

Text zu {key}.
"""

SECOND_FILES = {
    "content/2026-11-25-pressemitteilung-wasserstoff.md": SECOND,
    **{f"content/2026-11-25-hintergrund-{key}.md": BRIEF.format(key=key)
       for key in ("netz", "forschung", "fachkräfte")},
}


def run(root: Path, capsys, *args: str) -> tuple[int, str, list[str]]:
    code = main([*args, "--root", str(root)])
    out, err = capsys.readouterr()
    return code, out, err.strip().splitlines()


def text(pdf: Path, page: int = 0) -> str:
    """A page's text as a reader searches it (no-break spaces as spaces)."""
    return PdfReader(pdf).pages[page].extract_text().replace("\u00a0", " ")


@pytest.fixture(scope="module")
def second(tmp_path_factory) -> Path:
    """The seed content plus a second release with three briefings, built once."""
    from .conftest import make_project

    root = make_project(tmp_path_factory.mktemp("zweite"), SECOND_FILES, content=True)
    report = build(root)
    assert [str(p) for p in report.problems] == []
    assert report.exit_code() == 0
    return root


def test_second_release_builds_on_the_first_try(second):
    names = sorted(p.name for p in (second / "output").glob("*.pdf"))
    assert len(names) == 10
    release = text(second / "output" / "2026-11-25-pressemitteilung-wasserstoff.pdf")
    assert "Nr. 412/2026" in release
    assert "Sperrfrist: Mittwoch, 25. November 2026, 18:00 Uhr" in release
    assert "Telefon: 0351 564-10200" in release
    assert "Erika Muster" in release


@pytest.mark.parametrize("key", ["netz", "forschung", "fachkräfte"])
def test_every_briefing_of_an_embargoed_release_carries_the_embargo(second, key):
    pdf = second / "output" / f"2026-11-25-hintergrund-{key}.pdf"
    first = text(pdf)
    # The band on the first page and the running header.
    assert first.count("Sperrfrist: Mittwoch, 25. November 2026, 18:00 Uhr") == 2
    reader = PdfReader(pdf)
    assert reader.metadata.subject.startswith(
        "Sperrfrist: Mittwoch, 25. November 2026, 18:00 Uhr – Hintergrundinformation")
    # Inherited from the release: its contact and its number.
    assert "Erika Muster" in first and "Telefon: 0351 564-10200" in first
    assert "Hintergrundinformation Nr. 412/2026 vom 25.11.2026" in first


def test_running_header_on_every_page(project):
    long_body = "\n\n".join(f"Absatz {i}: " + "Ein Satz mit einigen Wörtern. " * 20
                            for i in range(12))
    root = project({"content/pm.md": RELEASE.replace(
        "ort: Dresden\n", "ort: Dresden\nsperrfrist: 2025-10-29 14:00\n").replace(
        "Ein kurzer Text.", long_body)})
    assert build(root).exit_code() == 0
    reader = PdfReader(root / "output" / "pm.pdf")
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert "Sperrfrist: Mittwoch, 29. Oktober 2025, 14:00 Uhr" in \
            page.extract_text().replace("\u00a0", " ")


def test_seed_release_without_embargo_shows_none(second):
    pdf = second / "output" / "2025-10-29-hintergrund-1-grenzregion.pdf"
    assert "Sperrfrist" not in text(pdf)


def test_briefing_with_its_own_contact_keeps_it(project):
    files = dict(SECOND_FILES)
    files["content/2026-11-25-hintergrund-netz.md"] = BRIEF.format(key="netz").replace(
        "priorität: netz\n", "priorität: netz\nkontakt:\n  name: Max Beispiel\n")
    root = project(files)
    assert build(root).exit_code() == 0
    own = text(root / "output" / "2026-11-25-hintergrund-netz.pdf")
    assert "Max Beispiel" in own and "Erika Muster" not in own
    assert "Erika Muster" in text(root / "output" / "2026-11-25-hintergrund-forschung.pdf")


# --- embargo rules -------------------------------------------------------------------------

@pytest.mark.parametrize(("embargo", "expected"), [
    ("2025-10-29 14:00", []),                 # same day: normal
    ("2025-10-30 10:00", ["content/pm.md:5: Warnung: Sperrfrist liegt nach dem Tag der "
                          "Mitteilung (»datum«): sie erschiene unter einem früheren Datum, als "
                          "sie veröffentlicht wird; prüfen Sie »sperrfrist« und »datum« (bis "
                          "dahin wird die Mitteilung nicht veröffentlicht)"]),
    ("2025-10-28 18:00", []),                 # the evening before: allowed
    ("2025-10-29 14:00+01:00", []),
    ("Redebeginn", []),
    ("2025-10-27 10:00", ["content/pm.md:5: Warnung: Sperrfrist liegt mehr als einen Tag vor "
                          "dem Datum der Mitteilung und wäre schon vorbei, bevor es sie gibt; "
                          "prüfen Sie »sperrfrist« und »datum« (bis dahin wird die Mitteilung "
                          "nicht veröffentlicht)"]),
])
def test_embargo_rules(project, embargo, expected):
    root = project({"content/pm.md": RELEASE.replace(
        "datum: 2025-10-29\n", f"datum: 2025-10-29\nsperrfrist: {embargo}\n")})
    assert [str(p) for p in check(root).problems] == expected


@pytest.mark.parametrize("today", [dt.datetime(2025, 10, 29, 12, 0, tzinfo=dt.UTC),
                                   dt.datetime(2028, 1, 1, tzinfo=dt.UTC)])
def test_final_build_accepts_an_embargo_before_or_after_now(project, monkeypatch, capsys,
                                                            today):
    """Whether the embargo has passed decides when the release is published, not whether
    its files may be made (the old »darf sofort veröffentlicht werden« misled)."""
    import briefing.clock

    monkeypatch.setattr(briefing.clock, "now", lambda: today)
    root = project({"content/pm.md": RELEASE.replace(
        "datum: 2025-10-29\n", "datum: 2025-10-29\nsperrfrist: 2025-10-29 14:00\n")})
    code, _, err = run(root, capsys, "build", "--final")
    assert (code, err) == (0, [])


# --- one mistake, one message --------------------------------------------------------------

@pytest.mark.parametrize(("mistake", "edit", "expected"), [
    ("misspelled field", lambda t: t.replace("ort: Dresden", "ordt: Dresden"), [
        "content/2026-11-25-pressemitteilung-wasserstoff.md:1: Pflichtfeld »ort« fehlt (Ort für "
        "Kopf und Ortsmarke), z. B. »ort: Dresden«",
        "content/2026-11-25-pressemitteilung-wasserstoff.md:5: Feld »ordt« ist unbekannt; "
        "meinten Sie »ort«?"]),
    ("impossible date", lambda t: t.replace("datum: 2026-11-25", "datum: 2026-11-31"), [
        "content/2026-11-25-pressemitteilung-wasserstoff.md:4: Feld »datum« »2026-11-31« ist "
        "kein gültiges Datum (diesen Tag gibt es nicht)"]),
    ("Latin-1 file", lambda t: t.encode("latin-1", "replace"), [
        "content/2026-11-25-pressemitteilung-wasserstoff.md:13: Datei ist nicht UTF-8-kodiert "
        "(Byte 0xE4 in Spalte 8); speichern Sie sie im Editor als »UTF-8«"]),
])
def test_a_broken_release_gives_its_own_errors_first(project, capsys, mistake, edit, expected):
    root = project(SECOND_FILES)
    path = root / "content" / "2026-11-25-pressemitteilung-wasserstoff.md"
    changed = edit(path.read_text(encoding="utf-8"))
    if isinstance(changed, bytes):
        path.write_bytes(changed)
    else:
        path.write_text(changed, encoding="utf-8")
    code, _, err = run(root, capsys, "check")
    assert code == 1
    briefings = ", ".join(f"content/2026-11-25-hintergrund-{k}.md"
                          for k in ("fachkräfte", "forschung", "netz"))
    assert err == [*expected,
                   "content/2026-11-25-pressemitteilung-wasserstoff.md: Hinweis: solange diese "
                   "Pressemitteilung Fehler hat, werden auch ihre Hintergrundinformationen "
                   f"nicht gesetzt ({briefings})"]


@pytest.mark.parametrize(("front", "expected"), [
    ("titel: Sachsen baut das Netz #Wasserstoff\n",
     "3: Text ab »#Wasserstoff« gilt als Kommentar und fiele weg; setzen Sie den ganzen Wert "
     "in Anführungszeichen: \"Sachsen baut das Netz #Wasserstoff\""),
    ("titel: Test # noch offen\n",
     "3: Text ab »# noch offen« gilt als Kommentar und fiele weg; setzen Sie den ganzen Wert "
     "in Anführungszeichen: \"Test # noch offen\""),
    ('titel: "Sachsen" ist weltoffen\n',
     "3: Front Matter ist kein gültiges YAML: ein Wert beginnt mit einem Anführungszeichen und "
     "geht danach weiter; setzen Sie den ganzen Wert in einfache Anführungszeichen: titel: "
     "'\"Sachsen\" ist weltoffen'"),
    ("titel: @Sachsen\n",
     "3: Front Matter ist kein gültiges YAML: der Wert beginnt mit einem Zeichen, das in YAML "
     "eine besondere Bedeutung hat (wie @, `, % oder |); setzen Sie den ganzen Wert in \"…\""),
    ("titel: Test\nschlagwörter: [Sachsen, Netz\n",
     "5: Front Matter ist kein gültiges YAML: eckige Klammer einer Liste wird nicht richtig "
     "geschlossen; trennen Sie die Einträge mit Kommas: [Sachsen, Strategie]"),
    ("titel: Test\ntelefon: 0351 564-10200\n",
     "4: Feld »telefon« gehört in den Pressekontakt: schreiben Sie »kontakt:« in eine eigene "
     "Zeile und darunter, eingerückt, »  telefon: …«"),
])
def test_front_matter_mistakes(project, front, expected):
    head = "---\ntyp: pressemitteilung\n" + front + "datum: 2025-10-29\nort: Dresden\n---\n\n"
    root = project({"content/pm.md": head + "Dresden (29. Oktober 2025) – Text.\n"})
    assert [str(p) for p in check(root).problems] == [f"content/pm.md:{expected}"]


@pytest.mark.parametrize(("body", "expected"), [
    ("Dresden (29. Oktober 2025) – Text.", []),
    ("Dresden (29.10.2025) – Text.", []),
    ("Text ohne Ortsmarke (mit Klammer) – und Strich.", []),
    ("Dresden (25. Oktober 2025) – Text.",
     ["content/pm.md:8: Ortsmarke »Dresden (25. Oktober 2025)« passt nicht zu »ort: Dresden« "
      "und »datum: 2025-10-29«; schreiben Sie »Dresden (29. Oktober 2025) –« oder korrigieren "
      "Sie »ort« oder »datum«"]),
    ("Leipzig (29. Oktober 2025) – Text.",
     ["content/pm.md:8: Ortsmarke »Leipzig (29. Oktober 2025)« passt nicht zu »ort: Dresden« "
      "und »datum: 2025-10-29«; schreiben Sie »Dresden (29. Oktober 2025) –« oder korrigieren "
      "Sie »ort« oder »datum«"]),
])
def test_hand_typed_dateline_must_agree(project, body, expected):
    root = project({"content/pm.md": RELEASE.replace(
        "Dresden (29. Oktober 2025) – Ein kurzer Text.", body)})
    assert [str(p) for p in check(root).problems] == expected


@pytest.mark.parametrize("name", ["mitteilung.markdown", "mitteilung.md.txt", "MITTEILUNG.MD",
                                  "notiz.txt", "unter/ordner.Md"])
def test_files_that_look_like_content_are_named(project, name):
    root = project({"content/pm.md": RELEASE, f"content/{name}": RELEASE})
    assert [str(p) for p in check(root).problems] == [
        f"content/{name}: Warnung: wird nicht gelesen: nur Dateien mit der Endung ».md« (klein "
        "geschrieben) sind Inhalt; benennen Sie die Datei um, wenn sie ein Dokument ist"]


def test_hyphenation_list_is_not_a_stray_file(project):
    root = project({"content/pm.md": RELEASE, "content/silbentrennung.txt": "Wort\n"})
    assert [str(p) for p in check(root).problems] == []


def test_broken_image_is_found_by_check(project):
    root = project({"content/pm.md": RELEASE.replace(
        "Ein kurzer Text.", "Ein Text.\n\n![Ein Foto](foto.png)\n")})
    (root / "content" / "foto.png").write_bytes(b"\x89PNG\r\n\x1a\nkaputt")
    assert [str(p) for p in check(root).problems] == [
        "content/pm.md:10: Bild »foto.png« ist keine lesbare Bilddatei (beschädigt oder ein "
        "anderes Format als der Name sagt); speichern Sie es erneut als PNG, JPEG oder SVG"]


def test_good_image_passes(project):
    from PIL import Image

    root = project({"content/pm.md": RELEASE.replace(
        "Ein kurzer Text.", "Ein Text.\n\n![Ein rotes Quadrat](foto.png \"Foto: Anna Bild / "
        "Agentur\")\n")})
    Image.new("RGB", (20, 20), "red").save(root / "content" / "foto.png")
    assert [str(p) for p in check(root).problems] == []


# --- nothing lost, nothing misleading ------------------------------------------------------

def test_final_build_removes_the_pdf_of_a_refused_draft(project, capsys):
    root = project({"content/pm.md": RELEASE.replace("ort: Dresden\n",
                                                     "ort: Dresden\nentwurf: true\n")})
    assert run(root, capsys, "build")[0] == 0
    assert (root / "output" / "pm.pdf").exists()  # the ENTWURF version
    code, out, err = run(root, capsys, "build", "--final")
    assert code == 1
    assert err == ["content/pm.md:6: Dokument ist als Entwurf markiert; für die "
                   "Veröffentlichung »entwurf: true« entfernen"]
    assert ("FEHLER    content/pm.md: kein PDF erzeugt; das PDF eines früheren Laufs "
            "(output/pm.pdf) wurde entfernt") in out
    assert not (root / "output" / "pm.pdf").exists()


def test_failed_document_keeps_its_pdf_and_is_listed_as_out_of_date(project, capsys):
    root = project({"content/pm.md": RELEASE, "content/zwei.md": RELEASE})
    assert run(root, capsys, "build")[0] == 0
    before = (root / "output" / "zwei.pdf").read_bytes()
    (root / "content" / "zwei.md").write_text(RELEASE.replace("datum: 2025-10-29",
                                                              "datum: 2025-10-32"))
    code, out, _ = run(root, capsys, "build")
    assert code == 1
    assert ("FEHLER    content/zwei.md: kein PDF erzeugt; output/zwei.pdf ist veraltet (vom "
            "letzten erfolgreichen Lauf)") in out
    assert "Fertig: 0 PDF erstellt, 1 fehlgeschlagen (1 PDF veraltet), 1 unverändert;" in out
    assert (root / "output" / "zwei.pdf").read_bytes() == before


def test_file_named_without_content_folder(project, capsys, monkeypatch):
    root = project({"content/pm.md": RELEASE, "content/zwei.md": RELEASE})
    monkeypatch.chdir(root)
    code, out, _ = run(root, capsys, "build", "zwei.md")
    assert code == 0
    assert "erstellt  output/zwei.pdf" in out
    assert not (root / "output" / "pm.pdf").exists()


# --- where staff look ----------------------------------------------------------------------

def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == "briefing 0.1.0"


@pytest.mark.parametrize(("args", "expected"), [
    (["bauen"], "briefing: Fehler: BEFEHL: unbekannt: 'bauen' (möglich sind: 'build', "
                "'check', 'doctor', 'neu', 'umbenennen', 'vorschau', 'status', 'liste', 'prüfen-pdf', "
                "'freigeben', 'vergleich', 'protokoll', 'veröffentlichen')"),
    (["build", "--jobs"], "briefing: Fehler: -j/--jobs: hier fehlt ein Wert"),
    (["check", "--schnell"], "briefing: Fehler: unbekannte Angaben: --schnell"),
])
def test_usage_errors_are_german(capsys, args, expected):
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("Aufruf: briefing")
    assert err[-1] == expected


def test_suite_does_not_depend_on_live_content():
    """The seed fixture is the tests' own: a copy that staff edits never reach."""
    assert sorted(p.name for p in SEED_CONTENT.glob("*.md")) == [
        "2025-10-29-hintergrund-1-grenzregion.md", "2025-10-29-hintergrund-2-aussenwirtschaft.md",
        "2025-10-29-hintergrund-3-fachkraefte.md", "2025-10-29-hintergrund-4-investitionsstandort.md",
        "2025-10-29-hintergrund-5-innovation-wissenschaft-kultur.md",
        "2025-10-29-pressemitteilung-internationale-strategie.md"]
    needle = "REPO / " + '"content"'
    for source in Path(__file__).parent.glob("*.py"):
        assert needle not in source.read_text(encoding="utf-8"), source.name


def test_nested_values_name_their_own_line(project):
    front = ("kontakt:\n  stelle: Pressestelle\n  name: TODO\nprioritäten:\n  eins: Erste\n"
             "  zwei: Zweite 湖\n")
    root = project({"content/pm.md": RELEASE.replace("ort: Dresden\n", "ort: Dresden\n" + front),
                    "content/b1.md": BRIEF.format(key="eins").replace(
                        "2026-11-25-pressemitteilung-wasserstoff", "pm").replace(
                        "2026-11-25", "2025-10-29"),
                    "content/b2.md": BRIEF.format(key="zwei").replace(
                        "2026-11-25-pressemitteilung-wasserstoff", "pm").replace(
                        "2026-11-25", "2025-10-29")})
    problems = [str(p) for p in check(root).problems]
    assert "content/pm.md:8: Platzhalter »TODO« ist noch im Text; ersetzen Sie ihn oder " \
           "markieren Sie das Dokument mit »entwurf: true«" in problems
    assert any(p.startswith("content/pm.md:11: Warnung: Zeichen ohne Schrift im Projekt: »湖«")
               for p in problems), problems
