"""Markdown as staff write it: what they mean reaches the reader, what would be printed as
raw syntax is named with its line, and an internal note (an HTML comment) reaches no output."""

from __future__ import annotations

import contextlib
import re
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.build import build, check
from briefing.markup import render_body
from briefing.project import load_project

from .conftest import RELEASE, approve

HEAD = "---\ntyp: pressemitteilung\ntitel: Test\ndatum: 2025-10-29\nort: Dresden\n---\n\n"
FIRST = HEAD.count("\n") + 1  # the body's first line in the file
NB = "\u00a0"


def rendered(project, body: str) -> tuple[str, list[str]]:
    """The print HTML of `body` as staff typed it, and the messages about it."""
    root = project({"content/pm.md": HEAD + body})
    loaded = load_project(root)
    (document,) = loaded.documents
    result = render_body(document, loaded.config.quotes, loaded.config.content_dir)
    problems = [str(p) for p in loaded.problems + result.problems]
    return result.html.replace("\n", ""), problems


CASES = [
    # nested lists, two to four spaces, ordered and unordered mixed
    ("1. eins\n   - verschachtelt\n2. zwei",
     "<ol><li>eins<ul><li>verschachtelt</li></ul></li><li>zwei</li></ol>"),
    ("- a\n  - b\n    - c\n- d",
     "<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li><li>d</li></ul>"),
    ("- a\n    - b\n- c", "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>"),
    ("1. eins\n  - zwei Leerzeichen\n2. zwei",
     "<ol><li>eins<ul><li>zwei Leerzeichen</li></ul></li><li>zwei</li></ol>"),
    ("- a\n - b", "<ul><li>a</li><li>b</li></ul>"),
    ("1. a\n   1. b\n      - c\n2. d",
     "<ol><li>a<ol><li>b<ul><li>c</li></ul></li></ol></li><li>d</li></ol>"),
    ("- a\n\n  weiter\n- b", "<ul><li><p>a</p><p>weiter</p></li><li><p>b</p></li></ul>"),
    ("- a\nweiter\n- b", "<ul><li>aweiter</li><li>b</li></ul>"),
    ("Folgende Punkte:\n- a\n- b",
     "<p>Folgende Punkte:</p><ul><li>a</li><li>b</li></ul>"),
    ("5. fünf\n6. sechs", '<ol start="5"><li>fünf</li><li>sechs</li></ol>'),
    ("Das war im Jahr\n2025. Danach.", "<p>Das war im Jahr2025. Danach.</p>"),
    # bullets typed by hand or pasted from Word
    ("• eins\n• zwei", "<ul><li>eins</li><li>zwei</li></ul>"),
    ("•\teins\n•\tzwei", "<ul><li>eins</li><li>zwei</li></ul>"),
    ("▪ eins\n● zwei", "<ul><li>eins</li><li>zwei</li></ul>"),
    # hard line breaks
    ("Zeile eins  \nZeile zwei", "<p>Zeile eins<br>Zeile zwei</p>"),
    ("Zeile eins\\\nZeile zwei", "<p>Zeile eins<br>Zeile zwei</p>"),
    # deletions, subscripts
    ("Das ist ~~alt~~ neu.",
     '<p>Das ist <del data-vorlesen="[gestrichen: alt]">alt</del> neu.</p>'),
    ("H~2~O und CO~2~", "<p>H<sub>2</sub>O und CO<sub>2</sub></p>"),
    ("rund ~5 Mio. Euro", f"<p>rund ~5{NB}Mio.{NB}Euro</p>"),
    # what Word users paste
    (f"Am 29.{NB}Oktober", f"<p>Am 29.{NB}Oktober</p>"),
    ("„Zitat“ und “quote”", "<p>»Zitat« und »quote«</p>"),
    ("\tEingerückt mit Tab", "<p>Eingerückt mit Tab</p>"),
    ("    Eingerückt wie in Word", "<p>Eingerückt wie in Word</p>"),
    ("Zeile\r\nmit Windows-Zeilenende", "<p>Zeilemit Windows-Zeilenende</p>"),
    # what stays as it is
    ("```\n- kein Listenpunkt\n<!-- kein Vermerk -->\n```",
     "<pre><code>- kein Listenpunkt&lt;!-- kein Vermerk --&gt;</code></pre>"),
    ("`<!-- Code -->` bleibt", "<p><code>&lt;!-- Code --&gt;</code> bleibt</p>"),
    ("**fett** und *kursiv*", "<p><strong>fett</strong> und <em>kursiv</em></p>"),
    ("\\[sic\\] bleibt", "<p>[sic] bleibt</p>"),
    # words in another language
    ("Die [International Strategy]{lang=en-GB} gilt.",
     '<p>Die <span lang="en-GB">International Strategy</span> gilt.</p>'),
    ("[Partnerství]{lang=cs} mit [Link](https://example.org)",
     '<p><span lang="cs">Partnerství</span> mit <a href="https://example.org">Link</a></p>'),
    # internal notes
    ("<!-- Intern: nicht veröffentlichen -->\n\nText.", "<p>Text.</p>"),
    ("Vor <!-- Intern --> nach.", "<p>Vor  nach.</p>"),
    ("Eins\n<!-- über\nzwei Zeilen -->\nZwei", "<p>Eins</p><p>Zwei</p>"),
]


@pytest.mark.parametrize(("body", "expected"), CASES, ids=[c[0][:30] for c in CASES])
def test_markdown_as_staff_write_it(project, body, expected):
    html, problems = rendered(project, body)
    assert html == expected
    assert not [p for p in problems if "Hinweis: Interner Vermerk" not in p], problems


def test_there_are_thirty_cases_or_more():
    assert len(CASES) + len(LEFTOVERS) >= 30


LEFTOVERS = [
    ("Text[^2] ohne Note.",
     f"content/pm.md:{FIRST}: Fußnote »[^2]« hat keinen Text: schreiben Sie am Ende eine Zeile "
     "»[^2]: …«, oder löschen Sie den Aufruf"),
    ("Text.\n\n[^9]: Nie aufgerufen.",
     f"content/pm.md:{FIRST + 2}: Fußnote »[^9]« wird im Text nie aufgerufen: setzen Sie »[^9]« "
     "an die Stelle, zu der sie gehört, oder löschen Sie die Fußnote"),
    ("Ein ==markierter== Text.",
     f"content/pm.md:{FIRST}: Warnung: »==markierter==« wird nicht markiert gedruckt: Markieren "
     "gibt es in Pressetexten nicht (auf Papier ohne Farbe unsichtbar, für Screenreader meist "
     "stumm); für Wichtiges nehmen Sie **fett**, für Hinweise an Kolleginnen und Kollegen "
     "einen Kommentar <!-- … -->"),
    ("Das ist ~~ offen.",
     f"content/pm.md:{FIRST}: Warnung: »~~« ist übrig geblieben: eine Streichung braucht »~~« "
     "davor und danach, ohne Leerzeichen innen (~~alt~~)"),
    ("Das ist ** offen.",
     f"content/pm.md:{FIRST}: Warnung: »**« ist übrig geblieben: Fettes braucht »**« davor und "
     "danach, ohne Leerzeichen innen (**wichtig**)"),
    ("Siehe [Bericht] dazu.",
     f"content/pm.md:{FIRST}: Warnung: »[Bericht]« sieht aus wie ein Link ohne Adresse: "
     "schreiben Sie [Text](https://…), oder \\[…\\] für eckige Klammern im Text"),
    ("| A | B |\n| 1 | 2 |",
     f"content/pm.md:{FIRST}: Warnung: Tabellenzeile ist keine Tabelle geworden: unter der "
     "Kopfzeile fehlt die Trennzeile »|---|---|«"),
    ("Text <b>fett</b>.",
     f"content/pm.md:{FIRST}: Warnung: HTML »<b>« wird nicht ausgewertet und erscheint als "
     "Text: nehmen Sie Markdown (**fett**, [Link](https://…)) oder schreiben Sie es in `…`"),
]


@pytest.mark.parametrize(("body", "expected"), LEFTOVERS, ids=[c[0][:20] for c in LEFTOVERS])
def test_what_would_be_printed_as_raw_syntax_is_named_with_its_line(project, body, expected):
    _, problems = rendered(project, body)
    assert problems == [expected]


def test_a_footnote_without_its_note_stops_the_document(project):
    root = project({"content/pm.md": RELEASE.replace("Ein kurzer Text.", "Kommunen[^2].")})
    report = build(root, channels=True)
    assert report.exit_code() == 1
    assert not (root / "output" / "pm.pdf").exists()


def test_an_unclosed_comment_is_an_error_and_nothing_vanishes(project):
    root = project({"content/pm.md": HEAD + "Text.\n\n<!-- Intern: offen\n\nWeiterer Text.\n"})
    assert [str(p) for p in check(root).problems] == [
        f"content/pm.md:{FIRST + 2}: Kommentar »<!--« wird nicht geschlossen: es fehlt »-->«, "
        "und der ganze Text danach fiele weg; schließen Sie den Kommentar mit »-->«"]


def test_check_lists_the_notes_and_a_publication_build_refuses_them(project):
    root = project({"content/pm.md": HEAD + "Text.\n\n<!-- Zahl mit dem Referat klären -->\n"})
    assert [str(p) for p in check(root).problems] == [
        f"content/pm.md:{FIRST + 2}: Hinweis: Interner Vermerk (erscheint in keiner Ausgabe): "
        "»Zahl mit dem Referat klären«"]
    assert [str(p) for p in check(root, final=True).problems] == [
        f"content/pm.md:{FIRST + 2}: Interner Vermerk in Zeile {FIRST + 2}: vor der "
        "Veröffentlichung entfernen (»Zahl mit dem Referat klären«)"]


SECRET = "Geheimvermerk Kiebitz 4711 nur für die Pressestelle"


def _everything(folder: Path) -> list[tuple[Path, bytes]]:
    """Every file briefing wrote, PDF streams decompressed, ZIP members unpacked."""
    import io
    import zipfile

    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found.append((path, data))
        if path.suffix == ".pdf":
            for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
                with contextlib.suppress(zlib.error):  # not every stream is compressed
                    found.append((path, zlib.decompress(stream)))
        if path.suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(data)) as bundle:
                found += [(path, bundle.read(name)) for name in bundle.namelist()]
    return found


def test_an_internal_note_reaches_no_output(project):
    body = (f"<!-- {SECRET} -->\n\nDresden (29. Oktober 2025) – Text mit "
            f"Vermerk <!-- {SECRET} --> mittendrin.\n\n- Punkt <!-- {SECRET} -->\n")
    root = project({
        "content/pm.md": RELEASE.replace("Dresden (29. Oktober 2025) – Ein kurzer Text.\n", body),
    })
    approve(root)
    report = build(root, channels=True)
    assert report.errors == [], [str(p) for p in report.errors]
    files = _everything(root / "output")
    names = {p.relative_to(root / "output").as_posix() for p, _ in files}
    assert {"pm.pdf", "pm-pressemappe.pdf", "web/pm/pm.html", "web/feed.atom",
            "web/pressemitteilungen.json", "e-mail/pm.eml", "pakete/pm.zip"} <= names
    for path, data in files:
        if path.name in (".briefing-manifest", ".briefing-quick"):
            continue  # the build's own records (its notes), not outputs
        for encoded in (SECRET.encode(), SECRET.encode("utf-16-be"), b"Kiebitz"):
            assert encoded not in data, path
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(root / "output" / "pm.pdf")
                             .pages).split())
    assert "Text mit Vermerk mittendrin." in text


def tagged(pdf: Path, key: str) -> list[tuple[str, str]]:
    """(structure type, value) of every structure element of `pdf` that has `key`."""
    def walk(element):
        element = element.get_object()
        if element.get(key) is not None:
            yield element["/S"], element[key]
        kids = element.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                yield from walk(kid)

    return list(walk(PdfReader(pdf).trailer["/Root"]["/StructTreeRoot"]))


def test_a_deletion_is_read_out_as_one_in_the_pdf_and_on_the_web(project):
    root = project({"content/pm.md": RELEASE.replace("Ein kurzer Text.",
                                                     "Das ist ~~alt~~ neu.")})
    approve(root)
    assert build(root, channels=True).errors == []
    assert tagged(root / "output" / "pm.pdf", "/ActualText") == [("/Span", "[gestrichen: alt]")]
    from .pdftext import structure_text

    assert "Das ist [gestrichen: alt] neu." in structure_text(root / "output" / "pm.pdf")
    page = (root / "output" / "web" / "pm" / "pm.html").read_text(encoding="utf-8")
    assert ('<del><span class="visually-hidden">[gestrichen: </span>alt'
            '<span class="visually-hidden">]</span></del>') in page
    mail = (root / "output" / "e-mail" / "pm.txt").read_text(encoding="utf-8")
    assert "Das ist [gestrichen: alt] neu." in mail


def test_words_in_another_language_are_spoken_in_it(project):
    root = project({"content/pm.md": RELEASE.replace(
        "Ein kurzer Text.", "Das Kabinett nennt sie [International Strategy]{lang=en-GB}.")})
    approve(root)
    assert build(root, channels=True).errors == []
    assert tagged(root / "output" / "pm.pdf", "/Lang") == [("/Span", "en-GB")]
    page = (root / "output" / "web" / "pm" / "pm.html").read_text(encoding="utf-8")
    assert 'sie <span lang="en-GB">International Strategy</span>.' in page
    mail = (root / "output" / "e-mail" / "pm.txt").read_text(encoding="utf-8")
    assert "Das Kabinett nennt sie International Strategy." in " ".join(mail.split())


def test_a_nested_list_is_a_list_in_a_list_for_a_screen_reader(project):
    from .pdftext import structure_text

    root = project({"content/pm.md": RELEASE.replace(
        "Ein kurzer Text.", "Ein kurzer Text.\n\n1. eins\n   - verschachtelt\n2. zwei")})
    assert build(root).errors == []
    reader = PdfReader(root / "output" / "pm.pdf")

    def tree(element):
        element = element.get_object()
        tag = element.get("/S")
        kids = element.get("/K")
        inner = [tree(kid) for kid in (kids if isinstance(kids, list) else [kids])
                 if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict)]
        inner = [i for i in inner if i]
        if tag in ("/L", "/LI"):
            return [tag, *inner]
        return inner[0] if len(inner) == 1 else inner

    assert tree(reader.trailer["/Root"]["/StructTreeRoot"]) == [
        "/L", ["/LI"], ["/L", ["/LI"]], ["/LI"]]
    said = structure_text(root / "output" / "pm.pdf")
    # In reading order: each label before its item's text, the nested item inside the first.
    assert "1. eins–\u00a0\u00a0verschachtelt2. zwei" in said


def test_an_image_carries_its_credit_and_is_not_published_without(project):
    from PIL import Image

    root = project({"content/pm.md": RELEASE.replace(
        "Ein kurzer Text.", 'Ein Text.\n\n![Ein rotes Quadrat](foto.png "Foto: Anna Bild / '
        'Agentur")\n')})
    Image.new("RGB", (40, 40), "red").save(root / "content" / "foto.png")
    approve(root)
    assert build(root, channels=True).problems == []
    page = (root / "output" / "web" / "pm" / "pm.html").read_text(encoding="utf-8")
    assert '<figure><img alt="Ein rotes Quadrat" data-zeile="10" src="bilder/foto.png">' \
        '<figcaption class="credit">Foto: Anna Bild / Agentur</figcaption></figure>' in page
    text = " ".join(PdfReader(root / "output" / "pm.pdf").pages[0].extract_text().split())
    assert "Foto: Anna Bild / Agentur" in text
    # Without a credit: a warning with its line, and the release waits.
    path = root / "content" / "pm.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        ' "Foto: Anna Bild / Agentur"', ""), encoding="utf-8")
    report = check(root)
    assert [str(p) for p in report.problems] == [
        'content/pm.md:10: Warnung: Bild »foto.png« hat keinen Bildnachweis; ohne ihn wird es '
        'nicht veröffentlicht. Schreiben Sie ihn dahinter: ![Beschreibung](foto.png "Foto: '
        'Name / Agentur")']
    report = build(root, channels=True)
    assert "content/pm.md ein Bild ohne Bildnachweis hat" in " ".join(
        str(p) for p in report.problems)
