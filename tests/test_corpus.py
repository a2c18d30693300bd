"""The corpus of bad and hostile inputs in tests/corpus.

Each file, checked alone, gives exactly its listed messages and exit code. The hostile ones
(raw HTML, template code, file and network URLs) build a PDF that shows them as text,
embeds no file, contains nothing from outside the project, and was made without any
network access: every URL WeasyPrint asked for is recorded at the fetcher, and opening a
socket fails the test. A few cases are generated here instead of stored (a file over the
size limit, a 1001-row table, a symlink, two files writing the same PDF).
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.cli import main

from .conftest import make_project

CORPUS = Path(__file__).parent / "corpus"
HEAD = "---\ntyp: pressemitteilung\ntitel: Test\ndatum: 2025-10-29\nort: Dresden\n---\n\n"

EXPECTED = {
    '01-ohne-front-matter.md': (1, [
        '1: Front Matter fehlt: die Datei muss mit einer Zeile »---« beginnen, gefolgt von den Feldern und einer weiteren Zeile »---«',
    ]),
    '02-front-matter-offen.md': (1, [
        '1: Front Matter wird nicht geschlossen: es fehlt die zweite Zeile »---«',
    ]),
    '03-yaml-doppelpunkt.md': (1, [
        '6: Front Matter ist kein gültiges YAML: Doppelpunkt an unerwarteter Stelle; steht ein Wert mit »:« ohne Anführungszeichen? Setzen Sie ihn in "…"',
    ]),
    '04-yaml-tabulator.md': (1, [
        '4: Front Matter ist kein gültiges YAML: Tabulator gefunden; rücken Sie mit Leerzeichen ein',
    ]),
    '05-yaml-liste.md': (1, [
        '2: Front Matter muss aus Feldern der Form »name: wert« bestehen',
    ]),
    '06-front-matter-leer.md': (1, [
        '1: Front Matter ist leer: tragen Sie mindestens »typ«, »titel« und »datum« ein',
    ]),
    '07-unbekanntes-feld.md': (1, [
        '6: Feld »title« ist unbekannt; meinten Sie »titel«?',
    ]),
    '08-pflichtfeld-fehlt.md': (1, [
        '1: Pflichtfeld »datum« fehlt (Datum der Mitteilung, bei Hintergrundinformationen der Stand (JJJJ-MM-TT)), z. B. »datum: 2025-10-29«',
    ]),
    '09-falscher-typ.md': (1, [
        '6: Feld »untertitel« muss ein Text sein, nicht eine Liste',
    ]),
    '10-leerer-wert.md': (1, [
        '6: Feld »untertitel« ist leer; tragen Sie einen Wert ein oder löschen Sie das Feld',
    ]),
    '11-datum-30-februar.md': (1, [
        '4: Feld »datum« »2025-02-30« ist kein gültiges Datum (diesen Tag gibt es nicht)',
    ]),
    '12-uhrzeit-25-uhr.md': (1, [
        '6: Feld »sperrfrist« »25:00« ist keine gültige Uhrzeit (00:00 bis 23:59)',
    ]),
    '13-sperrfrist-vor-datum.md': (0, [
        '6: Warnung: Sperrfrist liegt mehr als einen Tag vor dem Datum der Mitteilung und wäre schon vorbei, bevor es sie gibt; prüfen Sie »sperrfrist« und »datum« (bis dahin wird die Mitteilung nicht veröffentlicht)',
    ]),
    # Berlin time is the default for a Saxon press office: no note.
    '14-sperrfrist-ohne-zeitzone.md': (0, []),
    '15-unbekannter-typ.md': (1, [
        '2: Feld »typ« »rede« ist kein bekannter Typ; erlaubt sind: pressemitteilung, hintergrund, '
        'terminhinweis, sprechzettel, fragen-antworten',
    ]),
    '16-unbekannte-sprache.md': (1, [
        '6: Feld »sprache« »xx-YY« ist keine bekannte Sprache; Beispiele: de-DE, pl-PL, cs-CZ',
    ]),
    '17-unbekannte-pressemitteilung.md': (1, [
        '5: Pressemitteilung »gibt-es-nicht« gibt es nicht in content/',
    ]),
    '18-feld-doppelt.md': (1, [
        '6: Feld »titel« steht doppelt; löschen Sie eines',
    ]),
    '19-nummer-falsch.md': (1, [
        '6: Feld »nummer« »zwölf« ist keine Nummer der Form »Nr. 123/2025«',
    ]),
    '20-telefon-falsch.md': (1, [
        '7: Feld »kontakt« Unterfeld »telefon« »0351 / Pressestelle« ist keine Telefonnummer; Form nach DIN 5008: +49 351 564-12345',
    ]),
    '21-kontakt-unterfeld.md': (1, [
        '7: Feld »kontakt« Unterfeld »fon« ist unbekannt; meinten Sie »telefon«?',
    ]),
    '22-feld-nur-pressemitteilung.md': (1, [
        '5: Feld »ort« gibt es nur bei Pressemitteilung, Terminhinweis und Sprechzettel; '
        'löschen Sie es',
    ]),
    '23-latin1.md': (1, [
        '3: Datei ist nicht UTF-8-kodiert (Byte 0xDF in Spalte 12); speichern Sie sie im Editor als »UTF-8«',
    ]),
    '24-nul-byte.md': (1, [
        '7: Datei enthält ein NUL-Zeichen (Binärdaten?); speichern Sie sie als Text',
    ]),
    '25-bom-crlf.md': (0, [
    ]),
    '27-leerer-text.md': (1, [
        '7: Der Text fehlt: unter dem zweiten »---« steht nichts',
    ]),
    '28-ueberschrift-ebene-1.md': (1, [
        '8: Überschrift der Ebene 1 (»#« oder mit »===« unterstrichen): der Titel kommt aus »titel«; beginnen Sie Abschnitte mit »##«',
    ]),
    '29-ueberschrift-sprung.md': (1, [
        '10: Überschrift springt von Ebene 2 auf 4; verwenden Sie »###«',
    ]),
    '30-bild-fehlt.md': (1, [
        '8: Bild »karte.png« gibt es nicht; prüfen Sie den Dateinamen',
    ]),
    '31-bild-ohne-alt.md': (1, [
        '8: Bild »karte.png« gibt es nicht; prüfen Sie den Dateinamen',
        '8: Bild »karte.png« hat keinen Alternativtext; schreiben Sie ihn in die eckigen Klammern: ![Beschreibung](datei.png)',
    ]),
    '32-bild-ausserhalb.md': (1, [
        '8: Bild »../../../../etc/passwd« muss eine Datei im Ordner content/ sein (relativer Pfad, keine Webadresse)',
    ]),
    '33-bild-aus-dem-netz.md': (1, [
        '8: Bild »https://example.org/logo.png« muss eine Datei im Ordner content/ sein (relativer Pfad, keine Webadresse)',
    ]),
    '34-javascript-link.md': (1, [
        '8: Link-Ziel »javascript:alert(document.cookie)« ist nicht erlaubt; erlaubt sind Adressen mit https://, http://, mailto: und tel:',
    ]),
    '35-file-link.md': (1, [
        '8: Link-Ziel »file:///etc/hostname« ist nicht erlaubt; erlaubt sind Adressen mit https://, http://, mailto: und tel:',
    ]),
    '36-platzhalter-todo.md': (1, [
        '8: Platzhalter »TODO« ist noch im Text; ersetzen Sie ihn oder markieren Sie das Dokument mit »entwurf: true«',
    ]),
    '37-platzhalter-auslassung.md': (1, [
        '8: Platzhalter »[…]« ist noch im Text; ersetzen Sie ihn oder markieren Sie das Dokument mit »entwurf: true«',
    ]),
    '38-platzhalter-vorlage.md': (1, [
        '8: Platzhalter »{{« ist noch im Text; ersetzen Sie ihn oder markieren Sie das Dokument mit »entwurf: true«',
    ]),
    '40-liste-zu-tief.md': (1, [
        '16: Listen sind mehr als 8 Ebenen tief verschachtelt; vereinfachen Sie die Gliederung',
    ]),
    '41-entwurf-final.md': (0, [
    ]),
    '42-html-script.md': (0, [
        '8: Warnung: HTML »<script>« wird nicht ausgewertet und erscheint als Text: nehmen Sie Markdown (**fett**, [Link](https://…)) oder schreiben Sie es in `…`',
        '10: Warnung: HTML »<b onclick="alert(1)" onmouseover="alert(2)">« wird nicht ausgewertet und erscheint als Text: nehmen Sie Markdown (**fett**, [Link](https://…)) oder schreiben Sie es in `…`',
    ]),
    '43-html-anhang.md': (0, [
        '8: Warnung: HTML »<link rel="attachment" href="file:///etc/hostname">« wird nicht ausgewertet und erscheint als Text: nehmen Sie Markdown (**fett**, [Link](https://…)) oder schreiben Sie es in `…`',
        '9: Warnung: HTML »<a rel="attachment" href="file:///etc/passwd">« wird nicht ausgewertet und erscheint als Text: nehmen Sie Markdown (**fett**, [Link](https://…)) oder schreiben Sie es in `…`',
    ]),
    '44-html-iframe-object-embed.md': (0, [
        '8: Warnung: HTML »<iframe src="https://example.org">« wird nicht ausgewertet und erscheint als Text: nehmen Sie Markdown (**fett**, [Link](https://…)) oder schreiben Sie es in `…`',
        '9: Warnung: HTML »<object data="file:///etc/hostname">« wird nicht ausgewertet und erscheint als Text: nehmen Sie Markdown (**fett**, [Link](https://…)) oder schreiben Sie es in `…`',
        '10: Warnung: HTML »<embed src="file:///etc/hostname">« wird nicht ausgewertet und erscheint als Text: nehmen Sie Markdown (**fett**, [Link](https://…)) oder schreiben Sie es in `…`',
    ]),
    '45-html-bild-und-stil.md': (0, [
        '8: Warnung: HTML »<img src="file:///etc/hostname" alt="x">« wird nicht ausgewertet und erscheint als Text: nehmen Sie Markdown (**fett**, [Link](https://…)) oder schreiben Sie es in `…`',
        '9: Warnung: HTML »<style>« wird nicht ausgewertet und erscheint als Text: nehmen Sie Markdown (**fett**, [Link](https://…)) oder schreiben Sie es in `…`',
        '10: Warnung: HTML »<div style="background: url(https://example.org/y.png)">« wird nicht ausgewertet und erscheint als Text: nehmen Sie Markdown (**fett**, [Link](https://…)) oder schreiben Sie es in `…`',
    ]),
    '46-front-matter-html.md': (0, [
    ]),
    '47-vorlagencode-im-entwurf.md': (0, [
    ]),
    '48-markdown-referenzbild.md': (1, [
        '10: Bild »file:///etc/hostname« muss eine Datei im Ordner content/ sein (relativer Pfad, keine Webadresse)',
    ]),
    '49-autolink-datei.md': (1, [
        '8: Link-Ziel »file:///etc/hostname« ist nicht erlaubt; erlaubt sind Adressen mit https://, http://, mailto: und tel:',
    ]),
}

GENERATED = {
    "26-zu-gross.md": (HEAD + "Text. " * 200_000, 1, [
        "Datei ist zu groß (1.200.074 Bytes, erlaubt sind 1.000.000); teilen Sie den Text auf"]),
    "39-tabelle-zu-lang.md": (HEAD + "| A | B |\n|---|---|\n" + "| 1 | 2 |\n" * 1001, 1, [
        "8: Tabelle mit 1002 Zeilen ist zu lang (höchstens 1000); teilen Sie sie auf"]),
}
HOSTILE = ["42-html-script.md", "43-html-anhang.md", "44-html-iframe-object-embed.md",
           "45-html-bild-und-stil.md", "46-front-matter-html.md",
           "47-vorlagencode-im-entwurf.md"]


def run(root: Path, capsys, *args: str) -> tuple[int, list[str]]:
    code = main([*args, "--root", str(root)])
    return code, capsys.readouterr().err.splitlines()


def test_corpus_is_complete():
    stored = sorted(p.name for p in CORPUS.glob("*.md"))
    assert stored == sorted(EXPECTED)
    assert len(stored) + len(GENERATED) + 2 >= 40  # + symlink and output collision


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name, tmp_path, capsys):
    root = make_project(tmp_path)
    shutil.copy(CORPUS / name, root / "content" / name)
    code, lines = run(root, capsys, "check")
    expected_code, messages = EXPECTED[name]
    assert lines == [f"content/{name}:{message}" for message in messages]
    assert code == expected_code


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_case(name, tmp_path, capsys):
    text, expected_code, messages = GENERATED[name]
    root = make_project(tmp_path, {f"content/{name}": text})
    code, lines = run(root, capsys, "check")
    assert lines == [f"content/{name}:{m}" if m[0].isdigit() else f"content/{name}: {m}"
                     for m in messages]
    assert code == expected_code


def test_draft_refused_for_publication(tmp_path, capsys):
    name = "41-entwurf-final.md"
    root = make_project(tmp_path)
    shutil.copy(CORPUS / name, root / "content" / name)
    code, lines = run(root, capsys, "build", "--final")
    assert code == 1
    assert lines == [
        f"content/{name}:6: Dokument ist als Entwurf markiert; für die Veröffentlichung "
        "»entwurf: true« entfernen",
        f"content/{name}:9: Platzhalter »TODO« ist noch im Text; ersetzen Sie ihn",
    ]
    assert not (root / "output" / "41-entwurf-final.pdf").exists()
    assert main(["build", "--root", str(root)]) == 0  # not for publication: a draft PDF
    pages = PdfReader(root / "output" / "41-entwurf-final.pdf").pages
    assert all("ENTWURF" in page.extract_text() for page in pages)


def test_symlink_and_output_collision(tmp_path, capsys):
    outside = tmp_path / "draussen.md"
    outside.write_text(HEAD + "Text.\n", encoding="utf-8")
    root = make_project(tmp_path / "projekt", {"content/a/gleich.md": HEAD + "A.\n",
                                               "content/b/gleich.md": HEAD + "B.\n"})
    (root / "content" / "verweis.md").symlink_to(outside)
    code, lines = run(root, capsys, "check")
    assert code == 1
    assert lines == [
        "content/b/gleich.md:1: schreibt dieselbe Datei output/gleich.pdf wie "
        "content/a/gleich.md; benennen Sie eine der Dateien um",
        "content/verweis.md: verweist auf eine Datei außerhalb von content/; kopieren Sie "
        "die Datei stattdessen hierher",
    ]


@pytest.fixture
def no_network(monkeypatch):
    """Fail on any socket; record every URL the fetcher is asked for."""
    from briefing.pdf import ProjectFetcher

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    asked: list[str] = []
    original = ProjectFetcher.fetch

    def recording(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(ProjectFetcher, "fetch", recording)
    return asked


def secrets() -> list[str]:
    """Text from outside the project that must never reach a PDF."""
    found = []
    for path in (Path("/etc/hostname"), Path("/etc/passwd")):
        if path.is_file():
            first = path.read_text(errors="replace").strip().splitlines()
            if first and len(first[0]) >= 4:
                found.append(first[0])
    return found


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_reaches_nothing(name, tmp_path, capsys, no_network):
    root = make_project(tmp_path)
    shutil.copy(CORPUS / name, root / "content" / name)
    code, lines = run(root, capsys, "build", "--jobs", "1")
    # Warned about (HTML shown as text), and built: nothing of it reaches the machine.
    assert (code, lines) == (0, [f"content/{name}:{m}" for m in EXPECTED[name][1]])
    pdf = root / "output" / name.replace(".md", ".pdf")
    reader = PdfReader(pdf)
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    assert "/AF" not in reader.trailer["/Root"]
    text = "\n".join(page.extract_text() for page in reader.pages)
    data = pdf.read_bytes()
    for secret in secrets():
        assert secret not in text and secret.encode() not in data
    templates = (root / "templates").resolve().as_uri()
    assert no_network and all(url.startswith(templates) for url in no_network), no_network


def test_hostile_text_is_shown_as_typed(tmp_path, capsys, no_network):
    root = make_project(tmp_path)
    for name in ("42-html-script.md", "46-front-matter-html.md", "47-vorlagencode-im-entwurf.md"):
        shutil.copy(CORPUS / name, root / "content" / name)
    assert run(root, capsys, "build", "--jobs", "1")[0] == 0

    def text(name: str) -> str:
        reader = PdfReader(root / "output" / name)
        return " ".join(" ".join(p.extract_text() for p in reader.pages).split())

    shown = text("42-html-script.pdf")
    assert "<script>fetch(" in shown and "+ document.cookie)</script>" in shown
    assert '<b onclick="alert(1)"' in shown.replace("»", '"').replace("«", '"')
    assert "<script>alert(1)</script><img src=file:///etc/" in text("46-front-matter-html.pdf")
    # Markdown's own emphasis applies (__init__ → bold init), Jinja does not.
    assert "{{ self.init.globals }} {% include" in text("47-vorlagencode-im-entwurf.pdf")
