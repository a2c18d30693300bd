"""Nothing lost on the page: what does not fit the page or the fonts is made to fit or
named, never silently cut off or drawn with a font from the machine."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.build import build
from briefing.cli import main

from .conftest import RELEASE

HEAD = "---\ntyp: pressemitteilung\ntitel: Haushalt\ndatum: 2025-10-29\nort: Dresden\n---\n\n"
CHARS = ("»湖« (U+6E56 CJK UNIFIED IDEOGRAPH-6E56), »北« (U+5317 CJK UNIFIED IDEOGRAPH-5317)")
NO_FONT = ("Zeichen ohne Schrift im Projekt: {}; sie erschienen als leere Kästchen. Ersetzen Sie "
           "sie, oder legen Sie eine Schrift mit diesen Zeichen in templates/fonts/ (siehe "
           "README, »Schriften«)")


def table(columns: int, rows: int = 3) -> str:
    head = "| Landkreis | " + " | ".join(str(2000 + i) for i in range(columns - 1)) + " |\n"
    rule = "|" + "---|" * columns + "\n"
    body = "".join(f"| Kreis {r} | " + " | ".join(f"{1_234_567 + i:,} €".replace(",", ".")
                                                   for i in range(columns - 1)) + " |\n"
                   for r in range(rows))
    return head + rule + body


def run(root: Path, capsys, *args: str) -> tuple[int, list[str]]:
    code = main([*args, "--root", str(root)])
    return code, capsys.readouterr().err.strip().splitlines()


def fonts(pdf: Path) -> set[str]:
    """The fonts a PDF embeds, without their subset prefix."""
    names = set()
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def page_sizes(pdf: Path) -> list[str]:
    return ["quer" if page.mediabox.width > page.mediabox.height else "hoch"
            for page in PdfReader(pdf).pages]


@pytest.mark.parametrize(("columns", "expected", "sizes"), [
    (6, [], ["hoch"]),
    (12, ["content/pm.md:10: Hinweis: Tabelle ist breit und wird in kleinerer Schrift auf einer "
          "Seite im Querformat gesetzt, damit sie auf die Seite passt"], ["hoch", "quer"]),
    (18, ["content/pm.md:10: Hinweis: Tabelle ist breit und wird in kleinerer Schrift auf einer "
          "Seite im Querformat gesetzt, damit sie auf die Seite passt"], ["hoch", "quer"]),
])
def test_wide_tables_are_made_to_fit(project, capsys, columns, expected, sizes):
    root = project({"content/pm.md": HEAD + "Text davor.\n\n" + table(columns) + "\nDanach.\n"})
    code, err = run(root, capsys, "build")
    assert (code, err) == (0, expected)
    pdf = root / "output" / "pm.pdf"
    assert page_sizes(pdf) == sizes
    content = text(pdf).replace("\u00a0", " ")
    for i in range(columns - 1):  # every column is on the paper
        assert str(2000 + i) in content
        assert f"{1_234_567 + i:,} €".replace(",", ".") in content


def test_a_table_that_cannot_fit_is_an_error_with_its_line(project, capsys):
    root = project({"content/pm.md": HEAD + "Text davor.\n\n" + table(40) + "\nDanach.\n"})
    code, err = run(root, capsys, "build")
    assert code == 1
    (message,) = err
    assert message.startswith("content/pm.md:10: Tabelle ist zu breit für die Seite: auch in "
                              "kleinerer Schrift im Querformat ragt sie ")
    assert message.endswith(" cm über den Rand; teilen Sie sie auf oder verringern Sie die Zahl "
                            "der Spalten")
    assert not (root / "output" / "pm.pdf").exists()


def test_the_line_is_that_of_the_wide_table(project, capsys):
    small = "| A | B |\n|---|---|\n| 1 | 2 |\n"
    root = project({"content/pm.md": HEAD + "Text.\n\n" + small + "\nMehr.\n\n" + table(40)})
    _, err = run(root, capsys, "build")
    assert [line.split(": ", 1)[0] for line in err] == ["content/pm.md:16"]


@pytest.mark.parametrize("body", [
    "Siehe https://www.medienservice.sachsen.de/medien/news/1234567/eine-sehr-lange-adresse-"
    "die-nicht-passt-und-noch-weiter-geht-bis-zum-ende-und-darueber-hinaus.",
    "Ein " + "Donaudampfschifffahrtsgesellschaftskapitän" * 4 + " ohne Leerzeichen.",
    "Code: `ein_sehr_langer_bezeichner_ohne_leerzeichen_der_nicht_umbrechen_will_und_weiter`.",
    "```\n" + "x = 'eine sehr lange Zeile in einem Codeblock' + " * 5 + "\n```",
])
def test_long_unbreakable_strings_break_instead_of_running_off(project, capsys, body):
    root = project({"content/pm.md": HEAD + body + "\n"})
    code, err = run(root, capsys, "build")
    assert (code, err) == (0, [])
    # Nothing is cut: every word is there (broken across lines, maybe with a hyphen).
    joined = "".join(text(root / "output" / "pm.pdf").split()).replace("-", "")
    for word in body.replace("`", "").split():
        assert word.strip(".").replace("-", "") in joined


@pytest.mark.parametrize("size", [(3000, 200), (120, 4000), (2000, 2000)])
def test_wide_and_tall_images_are_scaled_to_the_page(project, capsys, size):
    from PIL import Image

    root = project({"content/pm.md": HEAD + "Text.\n\n![Ein großes Bild](bild.png \"Foto: Test\")\n"})
    Image.new("RGB", size, "#1f4e79").save(root / "content" / "bild.png")
    code, err = run(root, capsys, "build")
    assert (code, err) == (0, [])


@pytest.mark.parametrize(("body", "expected"), [
    ("Partnerprovinz Hubei (湖北).", [NO_FONT.format(CHARS)]),
    ("Ein Gruß 😀 aus dem Chat.",
     [NO_FONT.format("»😀« (U+1F600 GRINNING FACE)")]),
    ("Gruß: مرحبا",
     [NO_FONT.format("»م« (U+0645 ARABIC LETTER MEEM), »ر« (U+0631 ARABIC LETTER REH), "
                     "»ح« (U+062D ARABIC LETTER HAH), »ب« (U+0628 ARABIC LETTER BEH), "
                     "»ا« (U+0627 ARABIC LETTER ALEF)")]),
    # Covered by Open Sans: the languages of the region, combining marks, invisible marks.
    ("Wrocław, Ústí nad Labem, Budyšin, Київ, Αθήνα.", []),
    ("Cafe\u0301 und Zero\u200bwidth und Soft\u00adhyphen und ️.", []),
])
def test_characters_without_a_font(project, capsys, body, expected):
    root = project({"content/pm.md": HEAD + body + "\n"})
    code, err = run(root, capsys, "build")
    assert err == [f"content/pm.md:8: Warnung: {m}" for m in expected]
    assert code == 0
    # Only the project's font, never one of the machine's.
    assert fonts(root / "output" / "pm.pdf") <= {"Open-Sans", "Open-Sans-Bold",
                                                  "Open-Sans-Semi-Bold", "Open-Sans-Italic"}
    if expected:  # for publication it is an error, and there is no PDF
        code, err = run(root, capsys, "build", "--final")
        assert code == 1
        assert f"content/pm.md:8: {expected[0]}" in err
        assert not (root / "output" / "pm.pdf").exists()


def test_missing_character_in_the_title_names_its_line(project):
    from briefing.build import check

    root = project({"content/pm.md": HEAD.replace("titel: Haushalt", "titel: Hubei 湖北")
                    + "Text.\n"})
    assert [str(p) for p in check(root).problems] == [
        f"content/pm.md:3: Warnung: {NO_FONT.format(CHARS)}"]


def _font_with(path: Path, chars: str) -> None:
    """A tiny font whose glyphs are squares, for the characters given."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    pen = TTGlyphPen(None)
    pen.moveTo((100, 0))
    pen.lineTo((100, 700))
    pen.lineTo((800, 700))
    pen.lineTo((800, 0))
    pen.closePath()
    square = pen.glyph()
    names = [".notdef"] + [f"uni{ord(c):04X}" for c in chars]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in chars})
    builder.setupGlyf(dict.fromkeys(names, square))
    builder.setupHorizontalMetrics({name: (1000, 100) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Testschrift", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.save(str(path))


def test_a_font_added_to_templates_fonts_draws_the_missing_characters(project, capsys):
    root = project({"content/pm.md": HEAD + "Partnerprovinz Hubei (湖北).\n"})
    _font_with(root / "templates" / "fonts" / "Testschrift.ttf", "湖北")
    code, err = run(root, capsys, "build", "--final")
    assert (code, err) == (0, [])
    pdf = root / "output" / "pm.pdf"
    assert "Testschrift" in fonts(pdf)
    assert "湖北" in text(pdf)


@pytest.mark.parametrize(("message", "level", "expected"), [
    (".notdef glyph rendered for Unicode string unsupported by fonts: \"湖\" (U+6E56)",
     logging.WARNING, None),
    ("Font-face 'Open Sans' cannot be loaded", logging.WARNING,
     "Warnung: Schrift »Open Sans« kann nicht geladen werden; prüfen Sie die @font-face-Regel "
     "in print.css und die Schriftdatei in templates/fonts/"),
    ("Ignored `colr: red` at 12:3, unknown property.", logging.WARNING,
     "Warnung: CSS-Anweisung »colr: red« (Zeile 12, Spalte 3) wird übergangen (unknown "
     "property)"),
    ("Failed to load image at 'file:///x/bild.png': cannot identify image", logging.ERROR,
     "Bild file:///x/bild.png kann nicht geladen werden (cannot identify image)"),
    ("Something new", logging.WARNING,
     "Warnung: Das Setzprogramm (WeasyPrint) meldet: Something new"),
])
def test_engine_messages_are_german(message, level, expected):
    from briefing.pdf import engine_problems

    record = logging.LogRecord("weasyprint", level, "x", 1, message, None, None)
    problems = [str(p).split(": ", 1)[1] for p in engine_problems("content/pm.md", [record])]
    assert problems == ([expected] if expected else [])


def test_seed_document_has_nothing_sticking_out(project):
    root = project(content=True)
    report = build(root)
    assert [str(p) for p in report.problems] == []


def test_release_fixture_still_one_page(project):
    root = project({"content/pm.md": RELEASE})
    assert build(root).exit_code() == 0
    assert page_sizes(root / "output" / "pm.pdf") == ["hoch"]


@pytest.mark.parametrize(("body", "expected"), [
    # The paragraph ends inside the text area; only its bottom margin reaches past the
    # foot of the page, where it is dropped: nothing is cut off (a release with many
    # corrections put its lead there and failed).
    ('<p>Ein Absatz am Fuß der Seite.</p>', []),
    ('<p style="height: 45mm">Zu hoch.</p>', [("p", False, 1.5)]),
    ('<p style="white-space: nowrap">' + "Sehr langes Wort " * 20 + "</p>", [("p", True, 0.0)]),
])
def test_only_ink_past_the_text_area_counts_as_not_fitting(body, expected):
    import weasyprint

    from briefing import overflow

    css = ("@page { size: 100mm 50mm; margin: 10mm } body { margin: 0 } "
           "p { margin: 0 0 20mm; height: 25mm; font-size: 10pt }")
    document = weasyprint.HTML(string=f"<html><style>{css}</style><body>{body}</body></html>"
                               ).render()
    assert [(o.tag, o.right > 0, round(o.bottom, 1))
            for o in overflow.find(document)] == expected
