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
    # nor after a possessive or pronoun: »… beschließt in ihrer«
    ("Die Sächsische Staatsregierung beschließt in ihrer heutigen Sitzung ein neues Programm",
     "die-saechsische-staatsregierung-beschliesst"),
    ("Ministerin dankt den Ehrenamtlichen für ihren Hochwassereinsatz im Erzgebirge",
     "ministerin-dankt-den-ehrenamtlichen"),
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


# --- a content file that is not there ----------------------------------------------------

TYPO = "2025-10-29-pressemitteilung-stratgie"
MEANT = "2025-10-29-pressemitteilung-strategie"


@pytest.mark.parametrize("command", [
    ("freigeben", "{}", "--name", "Bernd Prüfer"),
    ("neu", "--uebersetzung", "{}", "--sprache", "en-GB"),
    ("neu", "--leichte-sprache", "{}"),
    ("neu", "--hintergruende", "{}"),
    ("vergleich", "{}"),
    ("umbenennen", "{}", "2025-10-29-pressemitteilung-neu"),
])
@pytest.mark.parametrize(("name", "message"), [
    # the nearest by file name, named as staff named theirs: with content/ or without
    (f"content/{TYPO}.md", f"content/{TYPO}.md gibt es nicht; meinten Sie "
     f"»content/{MEANT}.md«?"),
    (f"{TYPO}.md", f"{TYPO}.md gibt es nicht; meinten Sie »{MEANT}.md«?"),
])
def test_every_command_names_the_file_that_is_not_there_and_the_nearest(
        project, capsys, command, name, message):
    root = project({f"content/{MEANT}.md": RELEASE,
                    "content/2025-10-29-hintergrund-1-grenzregion.md": RELEASE})
    files = files_of(root)
    code, _, err = run(root, capsys, *(part.format(name) for part in command))
    assert (code, err) == (2, [f"briefing: {command[0]}: {message}"])
    assert files_of(root) == files


@pytest.mark.parametrize(("command", "message"), [
    # nothing close: where to look
    (("vergleich", "content/ganz-etwas-anderes.md"), "vergleich: content/ganz-etwas-anderes.md "
     "gibt es nicht; alle Inhaltsdateien zeigt »briefing status«"),
    (("freigeben", "content/ganz-etwas-anderes.md", "--name", "X"), "freigeben: "
     "content/ganz-etwas-anderes.md gibt es nicht; alle Inhaltsdateien zeigt »briefing status«"),
    # there, but no content file: as before
    (("vergleich", "content"), "vergleich: content: keine Inhaltsdatei unter content/"),
    (("freigeben", "briefing.toml", "--name", "X"),
     "freigeben: briefing.toml ist kein fehlerfreies Dokument in content/"),
    (("neu", "--uebersetzung", "briefing.toml", "--sprache", "en-GB"), "neu: briefing.toml ist "
     "kein fehlerfreies Original in content/ (eine Übersetzung wird aus dem Original angelegt)"),
    # there, with errors: the errors
    (("freigeben", "content/kaputt.md", "--name", "X"), "freigeben: content/kaputt.md ist kein "
     "fehlerfreies Dokument in content/; zuerst beheben:"),
    (("neu", "--hintergruende", "kaputt.md"), "neu: content/kaputt.md ist keine fehlerfreie "
     "Pressemitteilung in content/; zuerst beheben:"),
])
def test_a_name_that_is_there_or_near_nothing(project, capsys, command, message):
    root = project({f"content/{MEANT}.md": RELEASE,
                    "content/kaputt.md": RELEASE.replace("titel: Testmitteilung\n", "")})
    code, _, err = run(root, capsys, *command)
    assert (code, err[0]) == (2, f"briefing: {message}")
    assert err[1:] == (["content/kaputt.md:1: Pflichtfeld »titel« fehlt (Überschrift), z. B. "
                        "»titel: Kabinett beschließt …«"] if "kaputt" in message else [])


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
    for month in ("Oktober", "2025-13", "2025-00"):
        code, _, err = run(root, capsys, "liste", "--monat", month)
        assert code == 2
        assert err == [f"briefing: liste: »{month}« ist kein Monat; schreiben Sie JJJJ-MM, "
                       "z. B. 2025-10"]


@pytest.mark.parametrize("kept_from", [3, 4])
def test_a_build_that_read_many_files_keeps_their_front_matter_for_liste(
        project, capsys, monkeypatch, kept_from):
    """A build that read at least `FRONT_MATTERS_KEPT` content files anew (the first, or
    after a new version) leaves their front matter for `liste`, which then parses none of
    them (5,000 releases: 0.6 s); fewer it leaves to `liste`. What `liste` says is the
    same either way."""
    import briefing.cache
    import briefing.status

    monkeypatch.setattr(briefing.cache, "FRONT_MATTERS_KEPT", kept_from)
    root = project({"content/pm.md": RELEASE_WITH_PRIORITIES,
                    "content/b1.md": BRIEFING.format(key="eins"),
                    "content/b2.md": BRIEFING.format(key="zwei")})
    assert build(root).exit_code() == 0
    parsed = []
    real = briefing.status.read_meta
    monkeypatch.setattr(briefing.status, "read_meta", lambda path: parsed.append(path.name)
                        or real(path))
    out = run(root, capsys, "liste")[1]
    assert sorted(parsed) == ([] if kept_from == 3 else ["b1.md", "b2.md", "pm.md"])
    assert "Testmitteilung" in out[-1]
    briefing.cache._place(root).with_suffix(".metas.pickle").unlink()
    parsed.clear()
    assert run(root, capsys, "liste")[1] == out
    assert sorted(parsed) == ["b1.md", "b2.md", "pm.md"]


def test_status_and_liste_read_nothing_outside_content(project, capsys, tmp_path,
                                                        monkeypatch):
    """A content file that is a symbolic link to a file outside content/ is refused by a
    build, and `status` and `liste` do not read it either: `status` names it, `liste` does
    not show what it holds. Nor is an edition's original outside content/ read."""
    import briefing.reader

    outside = tmp_path.parent / f"{tmp_path.name}-draussen.md"
    outside.write_text(RELEASE.replace("Testmitteilung", "Geheim draussen"), encoding="utf-8")
    edition = RELEASE.replace("Testmitteilung", "Translated").replace(
        "typ: pressemitteilung\n", f"typ: pressemitteilung\nsprache: en-GB\nfassung: 0123abcd"
        f"\noriginal: ../../{outside.stem}\n")
    root = project({"content/pm.md": RELEASE, "content/pm.en.md": edition})
    (root / "content" / "link.md").symlink_to(outside)
    read = []
    real = briefing.reader.read_source
    monkeypatch.setattr(briefing.reader, "read_source",
                        lambda path, shown: read.append(path) or real(path, shown))
    out = run(root, capsys, "status")[1]
    assert "fehlerhaft  content/link.md  (verweist auf eine Datei außerhalb von content/; " \
           "kopieren Sie die Datei stattdessen hierher)" in out
    listing = run(root, capsys, "liste")[1]
    assert [line.split()[-1] for line in listing[1:]] == ["Testmitteilung", "Translated"]
    assert read == []


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


@pytest.mark.parametrize("kind", ["terminhinweis", "sprechzettel", "fragen-antworten"])
def test_new_drafts_of_the_other_types(project, capsys, fixed_day, kind):
    root = project()
    code, out, _ = run(root, capsys, "neu", "--typ", kind, "Zur Strategie")
    assert code == 0
    name = f"content/2026-11-25-{kind}-zur-strategie.md"
    assert out[0] == f"angelegt  {name}"
    assert f"typ: {kind}\n" in (root / name).read_text(encoding="utf-8")
    assert [str(p) for p in check(root).problems] == []


# --- umbenennen ----------------------------------------------------------------------------

EDITION = "---\ntyp: pressemitteilung\ntitel: Test release\nsprache: en-GB\noriginal: pm\n---\n\n" \
    "A short text.\n"
#: The name the renaming tests give the release (its `datum:` is 2025-10-29).
NEW = "2025-10-29-pressemitteilung-neu-name"
DAY = dt.date(2025, 10, 29)
TOO_LONG = "a" * 121


def renaming_project(project):
    root = project({"content/pm.md": RELEASE_WITH_PRIORITIES,
                    "content/b1.md": BRIEFING.format(key="eins"),
                    "content/b2.md": BRIEFING.format(key="zwei").replace(
                        "pressemitteilung: pm", "pressemitteilung: 'pm'  # die Mitteilung"),
                    "content/pm.en.md": EDITION})
    from .conftest import approve

    approve(root)
    return root


def files_of(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def day_before(monkeypatch):
    import briefing.clock

    # The day before the release: approved, built, not yet published.
    monkeypatch.setattr(briefing.clock, "now",
                        lambda: dt.datetime(2025, 10, 28, 12, 0, tzinfo=dt.UTC))


# The naming rule of `briefing neu`, which a new name follows: JJJJ-MM-TT-<typ>-<titel>.
@pytest.mark.parametrize(("name", "kind", "problem"), [
    (NEW, "pressemitteilung", None),
    ("2025-10-29-pressemitteilung-grenzregion-2", "pressemitteilung", None),
    ("2025-10-29-terminhinweis-pressekonferenz", "terminhinweis", None),
    ("2025-10-29-pressemitteilung-" + "a" * 120, "pressemitteilung", None),
    ("x", "pressemitteilung", "beginnt nicht mit dem Datum 2025-10-29 aus »datum:«: jede "
     "Datei ist nach ihrem Datum benannt"),
    ("pressemitteilung-2025-10-29-x", "pressemitteilung", "beginnt nicht mit dem Datum "
     "2025-10-29 aus »datum:«: jede Datei ist nach ihrem Datum benannt"),
    ("2026-01-01-pressemitteilung-y", "pressemitteilung", "trägt das Datum 2026-01-01, das "
     "Dokument aber »datum: 2025-10-29«: jede Datei ist nach ihrem Datum benannt (für einen "
     "anderen Tag zuerst »datum:« ändern)"),
    ("2025-10-29-strategie", "pressemitteilung",
     "nennt nach dem Datum nicht die Art »pressemitteilung«"),
    ("2025-10-29-pressemitteilung-x", "terminhinweis",
     "nennt nach dem Datum nicht die Art »terminhinweis«"),
    *[(name, "pressemitteilung", "nennt nach »2025-10-29-pressemitteilung-« keinen Titel")
      for name in ("2025-10-29-pressemitteilung", "2025-10-29-pressemitteilung-",
                   "2025-10-29-pressemitteilung--")],
    # letters that fit, hyphens that do not: the rule for hyphens, not for letters
    *[(name, "pressemitteilung", "hat zwei Bindestriche hintereinander: zwischen zwei "
       "Wörtern steht genau einer") for name in (
        "2025-10-29-pressemitteilung--neu", "2025-10-29--pressemitteilung-neu",
        "2025-10-29-pressemitteilung-neu--name")],
    ("2025-10-29-pressemitteilung-neu-", "pressemitteilung",
     "endet auf einen Bindestrich: nach dem letzten Wort steht keiner"),
    ("-2025-10-29-pressemitteilung-neu", "pressemitteilung",
     "beginnt mit einem Bindestrich: vorn steht das Datum 2025-10-29"),
    ("2025-10-29-pressemitteilung-" + TOO_LONG, "pressemitteilung",
     "ist zu lang: nach »2025-10-29-pressemitteilung-« höchstens 120 Zeichen"),
    *[(name, "pressemitteilung", "taugt nicht als Dateiname: erlaubt sind Kleinbuchstaben, "
       "Ziffern und Bindestriche") for name in (
        "Neuer Name", "2025-10-29-Pressemitteilung-x", "2025-10-29-pressemitteilung-x.en",
        "", "2025-10-29-pressemitteilung-größe", "2025-10-29-pressemitteilung-a_b")],
])
def test_naming_rule(name, kind, problem):
    from briefing.renaming import name_problem

    assert name_problem(name, DAY, kind) == problem


@pytest.mark.parametrize(("given", "suggested"), [
    ("x", "2025-10-29-pressemitteilung-x"),
    ("../evil", "2025-10-29-pressemitteilung-evil"),
    ("unterordner/x.md", "2025-10-29-pressemitteilung-x"),
    ("2026-01-01-pressemitteilung-y", "2025-10-29-pressemitteilung-y"),
    ("20260101-y", "2025-10-29-pressemitteilung-y"),
    ("2025-10-29-strategie", "2025-10-29-pressemitteilung-strategie"),
    ("-2025-10-29-pressemitteilung--neu-", "2025-10-29-pressemitteilung-neu"),
    ("Größere Förderung", "2025-10-29-pressemitteilung-groessere-foerderung"),
    # nothing left to go by: the title's words
    ("2025-10-29-pressemitteilung", "2025-10-29-pressemitteilung-testmitteilung"),
    ("..", "2025-10-29-pressemitteilung-testmitteilung"),
])
def test_a_refused_name_comes_with_one_that_follows_the_rule(given, suggested):
    from briefing.renaming import name_problem, suggested_name

    assert suggested_name(given, DAY, "pressemitteilung", "Testmitteilung") == suggested
    assert name_problem(suggested, DAY, "pressemitteilung") is None


def test_a_release_is_renamed_with_everything_that_belongs_to_it(project, capsys,
                                                                  day_before):
    root = renaming_project(project)
    assert build(root, channels=True).errors == []
    assert (root / "output" / "pm.pdf").is_file()
    before = {p.name for p in (root / "content").iterdir()}
    code, out, err = run(root, capsys, "umbenennen", "content/pm.md", NEW)
    assert (code, err) == (0, [])
    assert out == [
        "angepasst  content/b1.md", "angepasst  content/b2.md",
        f"umbenannt  content/pm.en.md → content/{NEW}.en.md",
        f"umbenannt  content/pm.md → content/{NEW}.md",
        "angepasst  freigaben/b1.toml", "angepasst  freigaben/b2.toml",
        f"umbenannt  freigaben/pm.en.md → freigaben/{NEW}.en.md",
        f"umbenannt  freigaben/pm.en.toml → freigaben/{NEW}.en.toml",
        f"umbenannt  freigaben/pm.md → freigaben/{NEW}.md",
        f"umbenannt  freigaben/pm.toml → freigaben/{NEW}.toml",
        f"Freigabe gilt weiter  content/{NEW}.md  (Text unverändert)",
        f"neu freigeben  content/{NEW}.en.md  (Verweis auf den neuen Namen geändert)",
        "neu freigeben  content/b1.md  (Verweis auf den neuen Namen geändert)",
        "neu freigeben  content/b2.md  (Verweis auf den neuen Namen geändert)",
        "Nächster Schritt: »make« setzt die Ausgaben unter den neuen Namen und entfernt die "
        "alten; was neu freizugeben ist, zeigt »make vergleich DATEI=…«, freigeben mit "
        "»make freigeben DATEI=… NAME=\"…\"«."]
    content = root / "content"
    assert {p.name for p in content.iterdir()} == \
        before - {"pm.md", "pm.en.md"} | {f"{NEW}.md", f"{NEW}.en.md"}
    assert f"pressemitteilung: {NEW}\n" in (content / "b1.md").read_text(encoding="utf-8")
    assert f"pressemitteilung: '{NEW}'  # die Mitteilung\n" in \
        (content / "b2.md").read_text(encoding="utf-8")
    assert f"original: {NEW}\n" in (content / f"{NEW}.en.md").read_text(encoding="utf-8")
    assert not (root / "freigaben" / "pm.toml").exists()
    assert [str(p) for p in check(root).problems if p.is_error] == []
    # The next build: the outputs under the new names, the old ones gone.
    build(root, channels=True)
    out_dir = root / "output"
    assert (out_dir / f"{NEW}.pdf").is_file() and (out_dir / f"{NEW}.en.pdf").is_file()
    assert not (out_dir / "pm.pdf").exists() and not (out_dir / "pm.en.pdf").exists()


def test_after_renaming_every_command_agrees_on_the_approvals(project, capsys, day_before,
                                                              monkeypatch):
    """The approval of an unchanged text stays valid under the new name; one whose text the
    renaming changed is void, and vergleich, status and the build (veröffentlichen) say so
    alike."""
    import briefing.clock
    from briefing.lifecycle import read_approval
    from briefing.project import load_project

    from .conftest import APPROVER, approve

    root = renaming_project(project)
    assert run(root, capsys, "umbenennen", "pm", NEW)[0] == 0
    loaded = load_project(root)
    documents = {d.display_path: d for d in loaded.documents}
    release = documents[f"content/{NEW}.md"]
    approval = read_approval(loaded.config, release)
    assert approval.source == f"content/{NEW}.md"
    assert list(approval.files) == [f"content/{NEW}.md"]
    assert loaded.register.refused(release) is None
    said = {}
    for name in ("content/b1.md", "content/b2.md", f"content/{NEW}.en.md"):
        said[name] = loaded.register.refusal(documents[name])
        assert said[name] == (
            f"geändert in Zeile 5 seit der Freigabe durch {APPROVER} am 28.10.2025 13:00; "
            f"prüfen lassen und neu freigeben (»make vergleich DATEI={name}« zeigt, was sich "
            "geändert hat)")
    text = (root / "freigaben" / f"{NEW}.toml").read_text(encoding="utf-8")
    assert f"# Umbenannt am 28.10.2025 (briefing umbenennen): content/pm.md → content/{NEW}.md; " \
           f"Fassung vorher " in text
    assert run(root, capsys, "vergleich", f"content/{NEW}.md")[1] == [
        f"content/{NEW}.md: unverändert seit der Freigabe."]
    out = run(root, capsys, "vergleich", "content/b1.md")[1]
    assert out[0] == "content/b1.md: Änderungen seit der Freigabe"
    assert f"pressemitteilung: [-pm-]{{+{NEW}+}}" in out
    status = [line for line in run(root, capsys, "status")[1] if NEW in line]
    assert any("Veröffentlichung: nicht freigegeben" in line for line in status)
    # The build's decision: held, and why, naming the same files.
    notes = sorted(str(p) for p in build(root, channels=True).problems
                   if "wird nicht veröffentlicht" in p.message)
    held = "Hinweis: wird nicht veröffentlicht:"
    assert notes == [
        f"content/{NEW}.en.md: {held} content/{NEW}.en.md {said[f'content/{NEW}.en.md']} "
        f"(Vorschau in output/gesperrt/{NEW}.en/)",
        f"content/{NEW}.md: {held} content/b1.md {said['content/b1.md']}; content/b2.md "
        f"{said['content/b2.md']} (Vorschau in output/gesperrt/{NEW}/)"]
    # Approving again what the renaming changed is enough.
    approve(root, "content/b1.md", "content/b2.md", f"content/{NEW}.en.md")
    status = [line for line in run(root, capsys, "status")[1] if NEW in line]
    assert any("Veröffentlichung: gesperrt bis 29.10.2025 00:00" in line for line in status)
    assert not any("nicht freigegeben" in line for line in status)
    # On its day it goes out on the approval it had under its old name.
    monkeypatch.setattr(briefing.clock, "now",
                        lambda: dt.datetime(2025, 10, 29, 8, 0, tzinfo=dt.UTC))
    assert build(root, channels=True).errors == []
    assert (root / "output" / "web" / NEW / "index.html").is_file()


def test_a_name_in_the_release_folder_is_taken_as_the_name(project, capsys):
    root = renaming_project(project)
    code, _, err = run(root, capsys, "umbenennen", "pm", f"content/{NEW}.md")
    assert (code, err) == (0, [])
    assert (root / "content" / f"{NEW}.md").is_file()


FOLDER = "nennt einen Ordner: NEU ist nur der neue Dateiname, die Datei bleibt in content/"
DATE = "beginnt nicht mit dem Datum 2025-10-29 aus »datum:«: jede Datei ist nach ihrem " \
    "Datum benannt"
NEEDS = "geben Sie die Pressemitteilung und ihren neuen Namen an, z. B. briefing umbenennen " \
    "content/2025-10-29-pressemitteilung-….md 2025-10-29-pressemitteilung-strategie"


@pytest.mark.parametrize(("args", "expected"), [
    # the new name: in the release's folder, by the rule, with one that would do
    (("content/pm.md", "../evil"), f"content/pm.md: »../evil« {FOLDER}; z. B. "
     "2025-10-29-pressemitteilung-evil"),
    (("content/pm.md", "unterordner/x"), f"content/pm.md: »unterordner/x« {FOLDER}; z. B. "
     "2025-10-29-pressemitteilung-x"),
    (("content/pm.md", "/tmp/2025-10-29-pressemitteilung-x"), "content/pm.md: "
     f"»/tmp/2025-10-29-pressemitteilung-x« {FOLDER}; z. B. 2025-10-29-pressemitteilung-x"),
    (("content/pm.md", "content/../x"), f"content/pm.md: »content/../x« {FOLDER}; z. B. "
     "2025-10-29-pressemitteilung-x"),
    (("content/pm.md", "x"), f"content/pm.md: »x« {DATE}; z. B. 2025-10-29-pressemitteilung-x"),
    (("content/pm.md", "2026-01-01-pressemitteilung-y"), "content/pm.md: "
     "»2026-01-01-pressemitteilung-y« trägt das Datum 2026-01-01, das Dokument aber "
     "»datum: 2025-10-29«: jede Datei ist nach ihrem Datum benannt (für einen anderen Tag "
     "zuerst »datum:« ändern); z. B. 2025-10-29-pressemitteilung-y"),
    (("content/pm.md", "Neuer Name"), "content/pm.md: »Neuer Name« taugt nicht als "
     "Dateiname: erlaubt sind Kleinbuchstaben, Ziffern und Bindestriche; z. B. "
     "2025-10-29-pressemitteilung-neuer-name"),
    (("pm", "pm"), f"content/pm.md: »pm« {DATE}; z. B. 2025-10-29-pressemitteilung-pm"),
    (("pm", "2025-10-29-pressemitteilung-"), "content/pm.md: »2025-10-29-pressemitteilung-« "
     "nennt nach »2025-10-29-pressemitteilung-« keinen Titel; z. B. "
     "2025-10-29-pressemitteilung-testmitteilung"),
    (("pm", "2025-10-29-pressemitteilung--neu"), "content/pm.md: "
     "»2025-10-29-pressemitteilung--neu« hat zwei Bindestriche hintereinander: zwischen zwei "
     "Wörtern steht genau einer; z. B. 2025-10-29-pressemitteilung-neu"),
    # the release: one that exists, an original
    (("content/b1.md", NEW), "content/b1.md ist keine Pressemitteilung im Original; "
     "umbenannt wird die Pressemitteilung, ihre Fassungen folgen ihr"),
    (("pm.en", NEW), "content/pm.en.md ist keine Pressemitteilung im Original; umbenannt "
     "wird die Pressemitteilung, ihre Fassungen folgen ihr"),
    (("fehlt", NEW), "content/fehlt.md gibt es nicht; die neuesten Pressemitteilungen: "
     "»content/pm.md«"),
    (("content/pmm.md", NEW), "content/pmm.md gibt es nicht; meinten Sie »content/pm.md«?"),
    (("pmm.md", NEW), "pmm.md gibt es nicht; meinten Sie »pm.md«?"),
    (("pmm", NEW), "content/pmm.md gibt es nicht; meinten Sie »content/pm.md«?"),
    (("briefing.toml", NEW), "briefing.toml liegt nicht in content/; umbenannt wird eine "
     "Pressemitteilung in content/"),
    # nothing given (`make umbenennen` without ALT= and NEU=)
    (("", ""), f"ALT und NEU fehlen: {NEEDS}"),
    (("content/pm.md", " "), f"NEU fehlt: {NEEDS}"),
])
def test_renaming_refuses_and_changes_nothing(project, capsys, args, expected):
    root = renaming_project(project)
    files = files_of(root)
    code, _, err = run(root, capsys, "umbenennen", *args)
    assert (code, err) == (2, [f"briefing: umbenennen: {expected}"])
    assert files_of(root) == files


def test_under_make_the_renaming_hints_name_its_variables(project, capsys, monkeypatch):
    root = renaming_project(project)
    monkeypatch.setenv("BRIEFING_AUFRUF", "make")
    assert run(root, capsys, "umbenennen", "", "")[2] == [
        "briefing: umbenennen: ALT und NEU fehlen: geben Sie die Pressemitteilung und ihren "
        "neuen Namen an, z. B. make umbenennen ALT=content/2025-10-29-pressemitteilung-….md "
        "NEU=2025-10-29-pressemitteilung-strategie"]


@pytest.mark.parametrize("taken", [f"content/{NEW}.md", f"freigaben/{NEW}.toml"])
def test_an_existing_file_is_never_overwritten(project, capsys, taken):
    root = renaming_project(project)
    (root / taken).write_text("schon da\n", encoding="utf-8")
    files = files_of(root)
    code, _, err = run(root, capsys, "umbenennen", "pm", NEW)
    assert (code, err) == (2, [f"briefing: umbenennen: {taken} gibt es schon; es wird nichts "
                               "überschrieben. Wählen Sie einen anderen neuen Namen"])
    assert files_of(root) == files


def test_a_published_release_keeps_its_name(project, capsys):
    root = renaming_project(project)
    assert build(root, channels=True).errors == []
    assert (root / "output" / "web" / "pm" / "index.html").is_file()
    code, _, err = run(root, capsys, "umbenennen", "pm", "neu")
    assert code == 2
    assert err == ["briefing: umbenennen: content/pm.md ist veröffentlicht; ihre Adresse "
                   "steht im Netz und im Protokoll und bleibt. Ändern Sie den Titel, nicht "
                   "den Dateinamen"]


def refusing_unlink(monkeypatch, name: str, error: BaseException):
    real = Path.unlink

    def unlink(self, missing_ok=False):
        if self.name == name and self.parent.name == "content":
            raise error
        return real(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    return real


def test_a_renaming_that_fails_halfway_leaves_everything_as_it_was(project, capsys,
                                                                   monkeypatch):
    root = renaming_project(project)
    files = files_of(root)
    real = refusing_unlink(monkeypatch, "pm.md", PermissionError(13, "Permission denied"))
    code, _, err = run(root, capsys, "umbenennen", "pm", NEW)
    assert (code, err) == (3, [
        "briefing: umbenennen: content/pm.md: kann nicht entfernt werden: keine Berechtigung; "
        "prüfen Sie die Rechte der Datei oder des Ordners; es wurde nichts umbenannt"])
    monkeypatch.setattr(Path, "unlink", real)
    assert files_of(root) == files


def test_a_renaming_stopped_by_ctrl_c_leaves_everything_as_it_was(project, capsys,
                                                                  monkeypatch):
    root = renaming_project(project)
    files = files_of(root)
    real = refusing_unlink(monkeypatch, "pm.md", KeyboardInterrupt())
    assert run(root, capsys, "umbenennen", "pm", NEW)[0] == 130
    monkeypatch.setattr(Path, "unlink", real)
    assert files_of(root) == files


def test_what_cannot_be_put_back_is_named(project, capsys, monkeypatch):
    import briefing.renaming

    root = renaming_project(project)
    refusing_unlink(monkeypatch, "pm.md", PermissionError(13, "Permission denied"))
    real = briefing.renaming.write_atomically

    def write(target, data):
        if target.name == "b1.md" and target.parent.name == "content" and \
                b"pressemitteilung: pm\n" in data:  # putting the old text back
            raise OSError(5, "Input/output error")
        return real(target, data)

    monkeypatch.setattr(briefing.renaming, "write_atomically", write)
    code, _, err = run(root, capsys, "umbenennen", "pm", NEW)
    assert (code, err) == (3, [
        "briefing: umbenennen: content/pm.md: kann nicht entfernt werden: keine Berechtigung; "
        "prüfen Sie die Rechte der Datei oder des Ordners; abgebrochen, aber nicht alles ließ "
        "sich zurücksetzen: content/b1.md bleibt geändert (Ein-/Ausgabefehler des "
        "Datenträgers). Bitte von Hand prüfen (»git status« zeigt, was anders ist)"])


def test_renaming_takes_along_files_with_errors_and_windows_line_ends(project, capsys):
    root = renaming_project(project)
    broken = BRIEFING.format(key="eins").replace("datum: 2025-10-29", "datum: 2025-13-01")
    (root / "content" / "b1.md").write_bytes(broken.replace("\n", "\r\n").encode())
    code, _, err = run(root, capsys, "umbenennen", "pm", NEW)
    assert (code, err) == (0, [])
    assert f"pressemitteilung: {NEW}\r\n".encode() in (root / "content" / "b1.md").read_bytes()


@pytest.mark.parametrize(("day", "when"), [("2062-12-14", "in der Zukunft"),
                                           ("2016-12-14", "zurück")])
def test_new_says_so_when_the_date_is_more_than_a_year_away(project, capsys, fixed_day, day,
                                                            when):
    """A year mistyped is not an error (an old release may be filed later), but staff
    are told, with how to start again."""
    root = project()
    code, out, _ = run(root, capsys, "neu", "--datum", day, "Test")
    name = f"content/{day}-pressemitteilung-test.md"
    assert code == 0 and out[0] == f"angelegt  {name}"
    year = day[:4]
    assert out[1] == (f"Hinweis: der 14. Dezember {year} liegt mehr als ein Jahr {when}; "
                      f"stimmt das Datum nicht, löschen Sie {name} und legen Sie den Entwurf "
                      "neu an, z. B. mit --datum 2026-11-25.")
    assert run(root, capsys, "neu", "--datum", "2027-11-25", "Nah")[1][1].startswith(
        "Nächste Schritte")
