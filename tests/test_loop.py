"""The press officer's working loop: neu → vorschau → check → make final, plus status and
liste. Each against projects in known states."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefing.build import build, check
from briefing.cli import main
from briefing.scaffold import _DANGLING as DANGLING

from .conftest import RELEASE
from .test_build import BRIEFING, RELEASE_WITH_PRIORITIES


def run(root: Path, capsys, *args: str) -> tuple[int, list[str], list[str]]:
    code = main([*args, "--root", str(root)])
    out, err = capsys.readouterr()
    return code, out.strip().splitlines(), err.strip().splitlines()


@pytest.fixture
def fixed_day(monkeypatch):
    import briefing.clock

    # One clock for every module: noon in Berlin on 25 November 2026.
    monkeypatch.setattr(briefing.clock, "now",
                        lambda: dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC))


# --- neu -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("title", "expected"), [
    ("Sachsen und Tschechien vereinbaren Wasserstoff-Kooperation",
     "sachsen-und-tschechien-vereinbaren-wasserstoff-kooperation"),
    ("Größere Förderung für Straßen in Görlitz", "groessere-foerderung-fuer-strassen-in-goerlitz"),
    ("ÄÖÜ äöü ß", "aeoeue-aeoeue-ss"),
    ("Sachsen: »weltoffen« – 2026!", "sachsen-weltoffen-2026"),
    ("Ústí nad Labem und Wrocław", "usti-nad-labem-und-wroclaw"),
    ("Ein sehr langer Titel, der viel länger ist als jeder vernünftige Dateiname sein sollte",
     "ein-sehr-langer-titel-der-viel-laenger-ist"),
    ("…", "ohne-titel"),
    # cut between words, never after a word that leaves it dangling
    ("Freistaat fördert Schnelles Internet für Dörfer und Gemeinden in ländlichen Räumen",
     "freistaat-foerdert-schnelles-internet-fuer-doerfer"),
    ("Kabinett beschließt Förderprogramm zur Stärkung der Innenstädte in den Landkreisen",
     "kabinett-beschliesst-foerderprogramm-zur-staerkung"),
    ("Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstaltsgebäude",
     "donaudampfschifffahrtsgesellschaftskapitaenswitwenrentenvers"),
    # the cut falls right after a preposition, conjunction or contracted form
    ("Staatsregierung beschließt neues Förderprogramm gegen Fachkräftemangel in der Lausitz",
     "staatsregierung-beschliesst-neues-foerderprogramm"),
    ("Ministerin eröffnet neue Radwegverbindung zwischen Erzgebirge und Vogtland",
     "ministerin-eroeffnet-neue-radwegverbindung"),
    ("Kultusministerium stellt Lehrkräfte für Oberschulen durch Seiteneinstieg ein",
     "kultusministerium-stellt-lehrkraefte-fuer-oberschulen"),
    ("Landesregierung verlängert Hilfen für Sportvereine bis Jahresende 2027",
     "landesregierung-verlaengert-hilfen-fuer-sportvereine"),
    ("Ministerpräsident besucht das Gründerzentrum beim Innovationstag in Görlitz",
     "ministerpraesident-besucht-das-gruenderzentrum"),
    ("Umweltministerin informiert Landwirte über Förderung ins Gewässerschutzprogramm",
     "umweltministerin-informiert-landwirte-ueber-foerderung"),
    ("Sachsen fördert Ganztagsangebote an Grundschulen seit Schuljahresbeginn",
     "sachsen-foerdert-ganztagsangebote-an-grundschulen"),
    ("Sachsen fördert Ganztagsangebote an Grundschulen ohne Antragsformulare",
     "sachsen-foerdert-ganztagsangebote-an-grundschulen"),
    ("Freistaat unterstützt Kommunen und Landkreise wegen gestiegener Energiepreise",
     "freistaat-unterstuetzt-kommunen-und-landkreise"),
    ("Wirtschaftsministerium startet die neue Beratung fürs Handwerk in Ostsachsen",
     "wirtschaftsministerium-startet-die-neue-beratung"),
    ("Staatsminister spricht mit Bürgerinnen und Bürgern am Infostand zum Strukturwandel",
     "staatsminister-spricht-mit-buergerinnen-und-buergern"),
    # several small words in a row: »… sowie zur«, »… unter der«, »… mit dem«
    ("Staatskanzlei lädt zum Bürgerdialog im Landtag sowie zur Fotoausstellung ein",
     "staatskanzlei-laedt-zum-buergerdialog-im-landtag"),
    ("Landtag berät Gesetzentwurf zur Digitalisierung der Schulen unter der Leitung",
     "landtag-beraet-gesetzentwurf-zur-digitalisierung-der-schulen"),
    ("Staatsministerin trifft Vertreterinnen der Wirtschaft mit dem Ziel einer Einigung",
     "staatsministerin-trifft-vertreterinnen-der-wirtschaft"),
    # a title that fits keeps every word, also a small one at its end
    ("Mitmachen statt zuschauen, aber wie", "mitmachen-statt-zuschauen-aber-wie"),
])
def test_slug(title, expected):
    from briefing.scaffold import slug

    assert slug(title) == expected


@pytest.mark.parametrize("word", sorted(DANGLING))
def test_a_cut_name_never_ends_on_a_small_word(word):
    from briefing.scaffold import MAX_SLUG, slug

    # The cut falls right after »… {word} der«: both go, however long the word.
    filler = "z" * (MAX_SLUG - len(f"sachsen-foerdert--{word}-der"))
    assert slug(f"Sachsen fördert {filler} {word} der Lausitz") == f"sachsen-foerdert-{filler}"


def test_new_release_is_a_draft_that_check_accepts(project, capsys, fixed_day):
    root = project()
    code, out, _ = run(root, capsys, "neu", "Sachsen: Wasserstoff für die Grenzregion")
    assert code == 0
    name = "content/2026-11-25-pressemitteilung-sachsen-wasserstoff-fuer-die-grenzregion.md"
    assert out[0] == f"angelegt  {name}"
    text = (root / name).read_text(encoding="utf-8")
    assert "titel: 'Sachsen: Wasserstoff für die Grenzregion'\n" in text
    assert "datum: 2026-11-25\n" in text and "entwurf: true\n" in text
    assert "TODO (25. November 2026) – " in text
    assert [str(p) for p in check(root).problems] == []
    # For publication every TODO must go.
    final = [str(p) for p in check(root, final=True).problems]
    lines = text.split("\n")
    draft, place = lines.index("entwurf: true") + 1, lines.index("ort: TODO") + 1
    assert f"{name}:{draft}: Dokument ist als Entwurf markiert; für die Veröffentlichung " \
           "»entwurf: true« entfernen" in final
    assert f"{name}:{place}: Platzhalter »TODO« ist noch im Text; ersetzen Sie ihn" in final


def test_new_release_on_its_own_date(project, capsys, fixed_day):
    root = project()
    code, out, _ = run(root, capsys, "neu", "--datum", "2026-12-14", "Sachsen und Tschechien")
    assert code == 0
    name = "content/2026-12-14-pressemitteilung-sachsen-und-tschechien.md"
    assert out[0] == f"angelegt  {name}"
    text = (root / name).read_text(encoding="utf-8")
    assert "datum: 2026-12-14\n" in text and "TODO (14. Dezember 2026) – " in text
    assert run(root, capsys, "neu", "--datum", " 2026-12-15 ", "Test")[1][0] == \
        "angelegt  content/2026-12-15-pressemitteilung-test.md"


@pytest.mark.parametrize(("day", "message"), [
    # Python's date.fromisoformat takes these too; staff get the one form
    ("20261217", "»20261217« ist kein Datum der Form JJJJ-MM-TT; schreiben Sie z. B. "
                 "--datum 2026-12-17"),
    ("2026-W51-3", "»2026-W51-3« ist kein Datum der Form JJJJ-MM-TT; schreiben Sie z. B. "
                   "--datum 2026-12-16"),
    # what staff may type instead, with the date they mean as the example
    ("14.12.2026", "»14.12.2026« ist kein Datum der Form JJJJ-MM-TT; schreiben Sie z. B. "
                   "--datum 2026-12-14"),
    ("2026-12-1", "»2026-12-1« ist kein Datum der Form JJJJ-MM-TT; schreiben Sie z. B. "
                  "--datum 2026-12-01"),
    ("Dezember", "»Dezember« ist kein Datum der Form JJJJ-MM-TT; schreiben Sie z. B. "
                 "--datum 2025-11-14"),
    ("", "»« ist kein Datum der Form JJJJ-MM-TT; schreiben Sie z. B. --datum 2025-11-14"),
    ("2026-02-30", "»2026-02-30«: diesen Tag gibt es nicht; schreiben Sie das Datum als "
                   "JJJJ-MM-TT, z. B. --datum 2025-11-14"),
])
def test_new_takes_a_date_only_as_jjjj_mm_tt(project, capsys, fixed_day, day, message):
    root = project()
    before = sorted((root / "content").iterdir())
    code, out, err = run(root, capsys, "neu", "--datum", day, "Test")
    assert (code, out, err) == (2, [], [f"briefing: neu: {message}"])
    assert sorted((root / "content").iterdir()) == before


def test_new_never_overwrites(project, capsys, fixed_day):
    root = project()
    assert run(root, capsys, "neu", "Test")[0] == 0
    name = "content/2026-11-25-pressemitteilung-test.md"
    code, _, err = run(root, capsys, "neu", " Test ")
    assert code == 2
    assert err == [f"briefing: neu: {name} gibt es schon, mit diesem Titel; es wird nichts "
                   "überschrieben. Bearbeiten Sie diese Datei, oder geben Sie für eine weitere "
                   'Mitteilung einen anderen Titel an (briefing neu "…")']
    (root / name).write_text("bearbeitet", encoding="utf-8")
    code, _, err = run(root, capsys, "neu", "Test")
    assert code == 2
    assert err[0].startswith(f"briefing: neu: {name} gibt es schon, ohne lesbaren »titel:«; "
                             "es wird nichts überschrieben.")
    assert (root / name).read_text(encoding="utf-8") == "bearbeitet"


def test_a_title_whose_name_is_taken_gets_a_name_of_its_own(project, capsys):
    root = project()
    content = root / "content"
    start = "Staatsregierung beschließt neues Förderprogramm gegen"
    name = "2026-12-15-pressemitteilung-staatsregierung-beschliesst-neues-foerderprogramm"

    def new(title: str) -> tuple[int, list[str], list[str]]:
        return run(root, capsys, "neu", "--datum", "2026-12-15", f"{start} {title}")

    assert new("Fachkräftemangel in der Lausitz")[1][0] == f"angelegt  content/{name}.md"
    first = (content / f"{name}.md").read_bytes()
    # Another title, the same short name: the words that tell the two apart are added.
    code, out, _ = new("Wohnungsnot in der Lausitz")
    assert code == 0
    assert out[:2] == [
        f"angelegt  content/{name}-gegen-wohnungsnot.md",
        f"Hinweis: content/{name}.md gibt es schon, mit einem anderen Titel; der neue Entwurf "
        "hat darum einen eigenen Namen, überschrieben wurde nichts. Einen anderen Namen gibt "
        f"»briefing umbenennen content/{name}-gegen-wohnungsnot.md NEU«."]
    assert f"titel: {start} Wohnungsnot in der Lausitz\n" in \
        (content / f"{name}-gegen-wohnungsnot.md").read_text(encoding="utf-8")
    assert new("Wohnungsnot in Leipzig")[1][0] == \
        f"angelegt  content/{name}-gegen-wohnungsnot-in-leipzig.md"
    # Titles apart only in case and punctuation: a number.
    assert new("WOHNUNGSNOT in Leipzig!")[1][0] == f"angelegt  content/{name}-2.md"
    # The same title again is the same draft.
    code, _, err = new("Wohnungsnot in der Lausitz")
    assert code == 2
    assert err[0].startswith(f"briefing: neu: content/{name}-gegen-wohnungsnot.md gibt es "
                             "schon, mit diesem Titel; es wird nichts überschrieben.")
    assert (content / f"{name}.md").read_bytes() == first
    assert [str(p) for p in check(root).problems if p.is_error] == []
    # Speaking notes cannot be renamed, so the note stops before the hint.
    run(root, capsys, "neu", "--typ", "sprechzettel", "--datum", "2026-12-15", "Rede")
    code, out, _ = run(root, capsys, "neu", "--typ", "sprechzettel", "--datum", "2026-12-15",
                       "Rede!")
    assert out[:2] == ["angelegt  content/2026-12-15-sprechzettel-rede-2.md",
                       "Hinweis: content/2026-12-15-sprechzettel-rede.md gibt es schon, mit "
                       "einem anderen Titel; der neue Entwurf hat darum einen eigenen Namen, "
                       "überschrieben wurde nichts."]


def test_under_make_the_hints_name_its_variables(project, capsys, fixed_day, monkeypatch):
    makefile = (Path(__file__).parents[1] / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nneu:", 1)[1].split("\n")[1]
    assert recipe.startswith("\tBRIEFING_AUFRUF=make $(BRIEFING) neu ")
    monkeypatch.setenv("BRIEFING_AUFRUF", "make")
    root = project()
    assert run(root, capsys, "neu", "")[2] == [
        'briefing: neu: geben Sie einen Titel an, z. B. make neu TITEL="Sachsen und Tschechien '
        'vereinbaren …"']
    assert run(root, capsys, "neu", "--datum", "20261217", "Test")[2] == [
        "briefing: neu: »20261217« ist kein Datum der Form JJJJ-MM-TT; schreiben Sie z. B. "
        "DATUM=2026-12-17"]
    assert run(root, capsys, "neu", "Test")[0] == 0
    assert run(root, capsys, "neu", "Test")[2][0].endswith(
        'geben Sie für eine weitere Mitteilung einen anderen Titel an (make neu TITEL="…")')
    assert run(root, capsys, "neu", "Test!")[1][1].endswith(
        "Einen anderen Namen gibt »make umbenennen "
        "ALT=content/2026-11-25-pressemitteilung-test-2.md NEU=…«.")


def test_new_briefings_for_the_missing_priorities(project, capsys):
    root = project({"content/pm.md": RELEASE_WITH_PRIORITIES,
                    "content/b1.md": BRIEFING.format(key="eins")})
    code, out, _ = run(root, capsys, "neu", "--hintergruende", "content/pm.md")
    assert code == 0
    assert out[0] == "angelegt  content/2025-10-29-hintergrund-2-zwei.md"
    created = (root / "content" / "2025-10-29-hintergrund-2-zwei.md").read_text(encoding="utf-8")
    assert "titel: Zweite\n" in created
    assert "pressemitteilung: pm\npriorität: zwei\n" in created
    assert [str(p) for p in check(root).problems] == []
    assert run(root, capsys, "neu", "--hintergruende", "pm.md")[1] == [
        "Jede Priorität hat schon ihre Hintergrundinformation."]


def test_new_briefings_need_a_release_with_priorities(project, capsys):
    root = project({"content/pm.md": RELEASE})
    code, _, err = run(root, capsys, "neu", "--hintergruende", "content/pm.md")
    assert code == 2
    assert err == ["briefing: neu: content/pm.md hat keine »prioritäten«; tragen Sie sie "
                   "zuerst ein"]


# --- status --------------------------------------------------------------------------------

def test_status_names_every_state_and_why(project, capsys):
    root = project({"content/a.md": RELEASE, "content/b.md": RELEASE, "content/c.md": RELEASE,
                    "content/d.md": RELEASE, "content/weg.md": RELEASE})
    assert build(root).exit_code() == 0
    (root / "content" / "b.md").write_text(RELEASE + "\nMehr.\n", encoding="utf-8")
    (root / "content" / "weg.md").unlink()
    (root / "content" / "neu.md").write_text(RELEASE, encoding="utf-8")
    (root / "content" / "d.md").write_text(RELEASE.replace("titel: Testmitteilung\n", ""),
                                           encoding="utf-8")
    build(root, [root / "content" / "d.md"])  # d fails; the others are not touched
    code, out, _ = run(root, capsys, "status")
    assert code == 0
    assert out == [
        "fehlerhaft  content/d.md  (beim letzten Lauf 1 Fehler; Einzelheiten: make check)",
        "veraltet    content/b.md  (output/b.pdf: Inhaltsdatei geändert)",
        "neu         content/neu.md  (noch nicht erstellt)",
        "verwaist    output/weg.pdf  (content/weg.md gibt es nicht mehr; der nächste Lauf "
        "entfernt es)",
        "aktuell     content/a.md  (output/a.pdf)",
        "aktuell     content/c.md  (output/c.pdf)",
        "Zusammenfassung: 1 fehlerhaft, 1 veraltet, 1 neu, 1 verwaist, 2 aktuell",
        *[f"Veröffentlichung: nicht freigegeben            content/{name}.md"
          for name in ("neu", "d", "c", "b", "a")],
    ]


@pytest.mark.parametrize(("change", "reason"), [
    ("templates/partials/contact.html.j2", "Vorlage geändert"),
    ("templates/print.css", "Stil, Schrift oder Bildmarke in templates/ geändert"),
    ("briefing.toml", "briefing.toml geändert"),
])
def test_status_says_which_input_changed(project, capsys, change, reason):
    root = project({"content/a.md": RELEASE})
    assert build(root).exit_code() == 0
    path = root / change
    path.write_text(path.read_text(encoding="utf-8") + "\n# geändert\n"
                    if change.endswith(".toml") else path.read_text(encoding="utf-8") + "\n",
                    encoding="utf-8")
    assert run(root, capsys, "status")[1][0] == f"veraltet    content/a.md  (output/a.pdf: {reason})"


def test_status_does_not_import_weasyprint(project):
    import subprocess
    import sys

    root = project({"content/a.md": RELEASE})
    probe = ("import sys; from briefing.cli import main; main(['status', '--root', "
             f"{str(root)!r}]); print('weasyprint' in sys.modules, 'markdown' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == "False False"


# --- liste ---------------------------------------------------------------------------------

def test_list_of_releases(project, capsys, monkeypatch):
    import briefing.clock

    embargoed = RELEASE_WITH_PRIORITIES.replace(
        "ort: Dresden\n", "ort: Dresden\nnummer: Nr. 7/2025\nsperrfrist: 2025-10-29 14:00\n")
    november = RELEASE.replace("2025-10-29", "2025-11-03").replace(
        "Dresden (29. Oktober 2025)", "Dresden (3. November 2025)").replace(
        "ort: Dresden\n", "ort: Dresden\nentwurf: true\nsperrfrist: 2025-11-04 10:00\n")
    root = project({"content/pm.md": embargoed, "content/b1.md": BRIEFING.format(key="eins"),
                    "content/b2.md": BRIEFING.format(key="zwei"),
                    "content/nov.md": november})
    assert build(root).exit_code() == 0
    (root / "content" / "b2.md").write_text(BRIEFING.format(key="zwei") + "\nMehr.\n",
                                            encoding="utf-8")
    fixed = dt.datetime(2025, 11, 3, 12, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(briefing.clock, "now", lambda: fixed)
    code, out, _ = run(root, capsys, "liste")
    assert code == 0
    assert out == [
        "Datum       Nummer         Sprache  Fassung          Stand                         "
        "Sperrfrist                      Hintergr.  PDF               Titel",
        "2025-11-03  –              de-DE    Original         Entwurf                       "
        "04.11.2025 10:00 (läuft noch)   0          aktuell           Testmitteilung",
        "2025-10-29  Nr. 7/2025     de-DE    Original         nicht freigegeben             "
        "29.10.2025 14:00 (abgelaufen)   2          1 nicht aktuell   Testmitteilung",
    ]
    assert run(root, capsys, "liste", "--monat", "2025-10")[1][1:] == out[2:]
    assert run(root, capsys, "liste", "--monat", "2024-01")[1] == [
        "Keine Pressemitteilungen im 2024-01."]
    code, _, err = run(root, capsys, "liste", "--monat", "Oktober")
    assert code == 2
    assert err == ["briefing: liste: »Oktober« ist kein Monat; schreiben Sie JJJJ-MM, "
                   "z. B. 2025-10"]


def test_new_briefings_without_a_file_says_what_to_give(project, capsys):
    root = project({"content/pm.md": RELEASE})
    code, _, err = run(root, capsys, "neu", "--hintergruende", "")
    assert code == 2
    assert err == ["briefing: neu: nennen Sie die Pressemitteilung, z. B. make hintergruende "
                   "DATEI=content/2025-10-29-pressemitteilung-….md"]


def test_new_in_a_folder_that_cannot_be_written(project, capsys, monkeypatch, fixed_day):
    import builtins
    import errno
    import os

    root = project()
    real = builtins.open

    def read_only(file, mode="r", *args, **kwargs):
        if "x" in mode:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(file))
        return real(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", read_only)
    code, _, err = run(root, capsys, "neu", "Test")
    assert code == 3
    assert err == ["briefing: content/2026-11-25-pressemitteilung-test.md: kann nicht angelegt "
                   "werden: der Datenträger ist schreibgeschützt (nur lesbar eingebunden)"]


EDITION = "---\ntyp: pressemitteilung\ntitel: Test release\nsprache: en-GB\noriginal: pm\n---\n\n" \
    "A short text.\n"


def renaming_project(project):
    root = project({"content/pm.md": RELEASE_WITH_PRIORITIES,
                    "content/b1.md": BRIEFING.format(key="eins"),
                    "content/b2.md": BRIEFING.format(key="zwei").replace(
                        "pressemitteilung: pm", "pressemitteilung: 'pm'  # die Mitteilung"),
                    "content/pm.en.md": EDITION})
    from .conftest import approve

    approve(root)
    return root


def test_a_release_is_renamed_with_everything_that_belongs_to_it(project, capsys,
                                                                  monkeypatch):
    import briefing.clock

    # The day before the release: approved, built, not yet published.
    monkeypatch.setattr(briefing.clock, "now",
                        lambda: dt.datetime(2025, 10, 28, 12, 0, tzinfo=dt.UTC))
    root = renaming_project(project)
    assert build(root, channels=True).errors == []
    assert (root / "output" / "pm.pdf").is_file()
    before = {p.name for p in (root / "content").iterdir()}
    code, out, err = run(root, capsys, "umbenennen", "content/pm.md", "neu-name")
    assert (code, err) == (0, [])
    assert sorted(out[:-1]) == [
        "angepasst  content/b1.md", "angepasst  content/b2.md",
        "umbenannt  content/pm.en.md → content/neu-name.en.md",
        "umbenannt  content/pm.md → content/neu-name.md",
        "umbenannt  freigaben/pm.en.md → freigaben/neu-name.en.md",
        "umbenannt  freigaben/pm.en.toml → freigaben/neu-name.en.toml",
        "umbenannt  freigaben/pm.md → freigaben/neu-name.md",
        "umbenannt  freigaben/pm.toml → freigaben/neu-name.toml"]
    content = root / "content"
    assert {p.name for p in content.iterdir()} == \
        before - {"pm.md", "pm.en.md"} | {"neu-name.md", "neu-name.en.md"}
    assert "pressemitteilung: neu-name\n" in (content / "b1.md").read_text(encoding="utf-8")
    assert "pressemitteilung: 'neu-name'  # die Mitteilung\n" in \
        (content / "b2.md").read_text(encoding="utf-8")
    assert "original: neu-name\n" in (content / "neu-name.en.md").read_text(encoding="utf-8")
    assert (root / "freigaben" / "neu-name.toml").is_file()
    assert not (root / "freigaben" / "pm.toml").exists()
    assert [str(p) for p in check(root).problems if p.is_error] == []
    # The next build: the outputs under the new names, the old ones gone.
    build(root, channels=True)
    out_dir = root / "output"
    assert (out_dir / "neu-name.pdf").is_file() and (out_dir / "neu-name.en.pdf").is_file()
    assert not (out_dir / "pm.pdf").exists() and not (out_dir / "pm.en.pdf").exists()


@pytest.mark.parametrize(("args", "expected"), [
    (("content/pm.md", "b1"), "briefing: umbenennen: content/b1.md gibt es schon; es wird "
                              "nichts überschrieben"),
    (("content/pm.md", "Neuer Name"), "briefing: umbenennen: »Neuer Name« taugt nicht als "
     "Dateiname; erlaubt sind Kleinbuchstaben, Ziffern und Bindestriche, z. B. "
     "2025-11-14-pressemitteilung-grenzregion"),
    (("content/b1.md", "x"), "briefing: umbenennen: content/b1.md ist keine "
     "Pressemitteilung im Original; umbenannt wird die Pressemitteilung, ihre Fassungen "
     "folgen ihr"),
    (("fehlt", "x"), "briefing: umbenennen: fehlt.md ist kein fehlerfreies Dokument in "
                     "content/"),
])
def test_renaming_refuses_and_changes_nothing(project, capsys, args, expected):
    root = renaming_project(project)
    files = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    code, _, err = run(root, capsys, "umbenennen", *args)
    assert (code, err) == (2, [expected])
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == files


def test_a_published_release_keeps_its_name(project, capsys):
    root = renaming_project(project)
    assert build(root, channels=True).errors == []
    assert (root / "output" / "web" / "pm" / "index.html").is_file()
    code, _, err = run(root, capsys, "umbenennen", "pm", "neu")
    assert code == 2
    assert err == ["briefing: umbenennen: content/pm.md ist veröffentlicht; ihre Adresse "
                   "steht im Netz und im Protokoll und bleibt. Ändern Sie den Titel, nicht "
                   "den Dateinamen"]


def test_a_renaming_that_fails_halfway_leaves_everything_as_it_was(project, capsys,
                                                                   monkeypatch):
    root = renaming_project(project)
    files = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    real = Path.unlink

    def unlink(self, missing_ok=False):
        if self.name == "pm.md":
            raise PermissionError(13, "Keine Berechtigung")
        return real(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    code, _, err = run(root, capsys, "umbenennen", "pm", "neu-name")
    assert code != 0
    assert err[-1].endswith("es wurde nichts umbenannt")
    monkeypatch.setattr(Path, "unlink", real)
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == files


@pytest.mark.parametrize("kind", ["terminhinweis", "sprechzettel", "fragen-antworten"])
def test_new_drafts_of_the_other_types(project, capsys, fixed_day, kind):
    root = project()
    code, out, _ = run(root, capsys, "neu", "--typ", kind, "Zur Strategie")
    assert code == 0
    name = f"content/2026-11-25-{kind}-zur-strategie.md"
    assert out[0] == f"angelegt  {name}"
    assert f"typ: {kind}\n" in (root / name).read_text(encoding="utf-8")
    assert [str(p) for p in check(root).problems] == []


def test_renaming_takes_along_files_with_errors_and_windows_line_ends(project, capsys):
    root = renaming_project(project)
    broken = BRIEFING.format(key="eins").replace("datum: 2025-10-29", "datum: 2025-13-01")
    (root / "content" / "b1.md").write_bytes(broken.replace("\n", "\r\n").encode())
    code, _, err = run(root, capsys, "umbenennen", "pm", "neu-name")
    assert (code, err) == (0, [])
    assert b"pressemitteilung: neu-name\r\n" in (root / "content" / "b1.md").read_bytes()
