"""Front matter: valid values become the model, every mistake gives its exact German line."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from briefing.build import check
from briefing.project import load_project

HEAD = "---\ntyp: pressemitteilung\ntitel: Test\nort: Dresden\n"


def problems_for(project, text: str, name: str = "content/test.md") -> list[str]:
    root = project({name: text})
    return [str(p) for p in check(root).problems]


@pytest.mark.parametrize(("front", "expected"), [
    ("datum: 2025-02-30\n",
     "content/test.md:5: Feld »datum« »2025-02-30« ist kein gültiges Datum (diesen Tag gibt es nicht)"),
    ("datum: 29.10.25\n",
     "content/test.md:5: Feld »datum« »29.10.25« ist kein Datum; schreiben Sie es als JJJJ-MM-TT, z. B. 2025-10-29"),
    ("datum: 2025-10-29\nsperrfrist: 2025-10-29 25:00\n",
     "content/test.md:6: Feld »sperrfrist« »25:00« ist keine gültige Uhrzeit (00:00 bis 23:59)"),
    ("datum: 2025-10-29\nsperrfrist: 2025-10-27 10:00\n",
     "content/test.md:6: Warnung: Sperrfrist liegt mehr als einen Tag vor dem Datum der Mitteilung und wäre schon vorbei, bevor es sie gibt; prüfen Sie »sperrfrist« und »datum« (bis dahin wird die Mitteilung nicht veröffentlicht)"),
    ("datum: 2025-10-29\ntitle: Falsch\n",
     "content/test.md:6: Feld »title« ist unbekannt; meinten Sie »titel«?"),
    ("datum: 2025-10-29\nprioritaet: x\n",
     "content/test.md:6: Feld »prioritaet« ist unbekannt; meinten Sie »priorität«?"),
    ("datum: 2025-10-29\npriorität: x\n",
     "content/test.md:6: Feld »priorität« gibt es nur bei Hintergrundinformation; löschen Sie es"),
    ("datum: 2025-10-29\nnummer: zwölf\n",
     "content/test.md:6: Feld »nummer« »zwölf« ist keine Nummer der Form »Nr. 123/2025«"),
    ("datum: 2025-10-29\nsprache: xx-YY\n",
     "content/test.md:6: Feld »sprache« »xx-YY« ist keine bekannte Sprache; Beispiele: de-DE, pl-PL, cs-CZ"),
    ("datum: 2025-10-29\nuntertitel:\n",
     "content/test.md:6: Feld »untertitel« ist leer; tragen Sie einen Wert ein oder löschen Sie das Feld"),
    ("datum: 2025-10-29\nuntertitel: [a, b]\n",
     "content/test.md:6: Feld »untertitel« muss ein Text sein, nicht eine Liste"),
    ("datum: 2025-10-29\nkontakt:\n  telefon: (0351) abc\n",
     "content/test.md:7: Feld »kontakt« Unterfeld »telefon« »(0351) abc« ist keine Telefonnummer; Form nach DIN 5008: +49 351 564-12345"),
    ("datum: 2025-10-29\nkontakt:\n  fon: 0351 1234\n",
     "content/test.md:7: Feld »kontakt« Unterfeld »fon« ist unbekannt; meinten Sie »telefon«?"),
    ("datum: 2025-10-29\ntitel: Zweimal\n",
     "content/test.md:6: Feld »titel« steht doppelt; löschen Sie eines"),
    ("datum: 2025-10-29\nuntertitel: a: b\n",
     "content/test.md:6: Front Matter ist kein gültiges YAML: Doppelpunkt an unerwarteter Stelle; steht ein Wert mit »:« ohne Anführungszeichen? Setzen Sie ihn in \"…\""),
])
def test_field_errors(project, front, expected):
    assert expected in problems_for(project, HEAD + front + "---\n\nText.\n")


@pytest.mark.parametrize(("text", "expected"), [
    ("Nur Text ohne Kopf.\n",
     "content/test.md:1: Front Matter fehlt: die Datei muss mit einer Zeile »---« beginnen, gefolgt von den Feldern und einer weiteren Zeile »---«"),
    ("---\ntyp: pressemitteilung\n",
     "content/test.md:1: Front Matter wird nicht geschlossen: es fehlt die zweite Zeile »---«"),
    ("---\n- a\n- b\n---\nText\n",
     "content/test.md:2: Front Matter muss aus Feldern der Form »name: wert« bestehen"),
    ("---\ntitel: x\ndatum: 2025-10-29\n---\nText\n",
     "content/test.md:1: Pflichtfeld »typ« fehlt; tragen Sie »typ: pressemitteilung«, »typ: hintergrund«, »typ: terminhinweis«, »typ: sprechzettel« oder »typ: fragen-antworten« ein"),
    ("---\ntyp: rede\n---\nText\n",
     "content/test.md:2: Feld »typ« »rede« ist kein bekannter Typ; erlaubt sind: pressemitteilung, hintergrund, terminhinweis, sprechzettel, fragen-antworten"),
    ("---\ntyp: pressemitteilung\ntitel: x\nort: Dresden\n---\nText\n",
     "content/test.md:1: Pflichtfeld »datum« fehlt (Datum der Mitteilung, bei Hintergrundinformationen der Stand (JJJJ-MM-TT)), z. B. »datum: 2025-10-29«"),
    (HEAD + "datum: 2025-10-29\n---\n\n",
     "content/test.md:7: Der Text fehlt: unter dem zweiten »---« steht nichts"),
    (HEAD + "datum: 2025-10-29\n---\n\n# Titel im Text\n",
     "content/test.md:8: Überschrift der Ebene 1 (»#« oder mit »===« unterstrichen): der Titel kommt aus »titel«; beginnen Sie Abschnitte mit »##«"),
    (HEAD + "datum: 2025-10-29\n---\n\n## A\n\n#### B\n",
     "content/test.md:10: Überschrift springt von Ebene 2 auf 4; verwenden Sie »###«"),
    (HEAD + "datum: 2025-10-29\n---\n\nSiehe [hier](javascript:alert(1)).\n",
     "content/test.md:8: Link-Ziel »javascript:alert(1)« ist nicht erlaubt; erlaubt sind Adressen mit https://, http://, mailto: und tel:"),
    (HEAD + "datum: 2025-10-29\n---\n\n![Karte](../../etc/passwd)\n",
     "content/test.md:8: Bild »../../etc/passwd« muss eine Datei im Ordner content/ sein (relativer Pfad, keine Webadresse)"),
    (HEAD + "datum: 2025-10-29\n---\n\n![](bild.png)\n",
     "content/test.md:8: Bild »bild.png« hat keinen Alternativtext; schreiben Sie ihn in die eckigen Klammern: ![Beschreibung](datei.png)"),
])
def test_file_errors(project, text, expected):
    problems = problems_for(project, text)
    assert expected in problems
    assert len(problems) == len(set(problems))  # nothing reported twice


def test_bytes_errors(project, tmp_path):
    root = project()
    (root / "content" / "latin1.md").write_bytes(HEAD.encode() + "titel: Stra\xdfe\n".encode("latin-1"))
    (root / "content" / "nul.md").write_bytes(HEAD.encode() + b"datum: 2025-10-29\n---\nA\x00B\n")
    problems = [str(p) for p in check(root).problems]
    assert ("content/latin1.md:5: Datei ist nicht UTF-8-kodiert (Byte 0xDF in Spalte 12); "
            "speichern Sie sie im Editor als »UTF-8«") in problems
    assert ("content/nul.md:7: Datei enthält ein NUL-Zeichen (Binärdaten?); speichern Sie sie "
            "als Text") in problems


def test_bom_and_windows_line_endings_are_accepted(project):
    text = "\ufeff" + (HEAD + "datum: 2025-10-29\n---\n\nText.\n").replace("\n", "\r\n")
    root = project()
    (root / "content" / "win.md").write_bytes(text.encode("utf-8"))
    assert check(root).problems == []


def test_valid_release_becomes_the_model(project):
    root = project({"content/pm.md": """\
        ---
        typ: pressemitteilung
        titel: "Titel: mit Doppelpunkt"
        untertitel: Unterzeile
        datum: 29.10.2025
        ort: Dresden
        nummer: 123/2025
        sperrfrist: 2025-10-29 14:00
        sprache: de_DE
        schlagwörter: Sachsen, Strategie
        kontakt:
          stelle: Pressestelle
          telefon: (0351) 564-12345
          email: presse@example.org
        ---

        Text.
        """})
    project_ = load_project(root)
    assert [str(p) for p in project_.problems] == []
    (doc,) = project_.documents
    assert doc.title == "Titel: mit Doppelpunkt"
    assert doc.date == dt.date(2025, 10, 29)
    assert doc.number == "Nr.\u00a0123/2025"
    assert doc.embargo.at == dt.datetime(2025, 10, 29, 14, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert doc.language == "de-DE"
    assert doc.keywords == ("Sachsen", "Strategie")
    assert doc.contact.phone == "0351 564-12345"
    assert doc.publisher.name == "Sächsische Staatskanzlei"  # from briefing.toml
    assert doc.output_name == "pm.pdf"


def test_free_text_embargo(project):
    root = project({"content/pm.md": HEAD + "datum: 2025-10-29\nsperrfrist: Redebeginn\n---\nText\n"})
    (doc,) = load_project(root).documents
    assert doc.embargo.text == "Redebeginn" and doc.embargo.at is None
