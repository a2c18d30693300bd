"""Leichte Sprache linter: Markdown body → findings (line, German message), as tables."""

import pytest

from briefing.easy_language import Finding, lint

NB = "\u00a0"
LONG = "Die Regierung von Sachsen hat am Dienstag in Dresden einen neuen Plan für die Arbeit mit den Nachbarn beschlossen."
SPLIT = "teilen Sie ihn in kürzere Sätze"
EXPLAIN = "erklären Sie die Zahl im selben oder im nächsten Satz, zum Beispiel mit »Das bedeutet: …«"
DIVIDE = "gliedern Sie es mit Bindestrich oder Mediopunkt"
ACRONYM = "erklären Sie beim ersten Vorkommen in einem eigenen Satz, wofür sie steht"
BRACKET = "schreiben Sie den Inhalt als eigenen Satz"

CLEAN = """\
# Sachsen und seine Nachbarn

Die Staats·regierung von Sachsen hat einen Plan gemacht.
Der Plan ist für die Zusammen·arbeit mit anderen Ländern.
Am 29. Oktober 2025 hat die Regierung den Plan beschlossen.
Ab dem 1. Januar 2026 gilt der Plan.[^1]

Das steht in dem Plan:

- Sachsen hilft **Firmen**.
- Sachsen sucht Fach·kräfte
- Sachsen arbeitet mit Polen und Tschechien zusammen.

Mehr dazu lesen Sie auf der [Internet·seite](https://www.sachsen.de/plan;neu).
Sie können auch eine E-Mail schreiben: presse@sk.sachsen.de
Oder Sie rufen an: 0351 564-12345.

[^1]: Das steht in der Presse·mitteilung vom 29.10.2025.

<!-- Hinweis (intern); bitte z. B. prüfen -->
"""


def test_clean_text_has_no_findings():
    assert lint(CLEAN) == []


def test_findings_are_frozen_dataclasses():
    assert lint("Das ist der Plan (neu).", first_line=3) == [Finding(3, f"Klammer »(neu)«: {BRACKET}")]


SENTENCES = [
    (LONG, [(1, f"Satz mit 19 Wörtern (höchstens 15): »Die Regierung von Sachsen hat am …« – {SPLIT}")]),
    ("Die Regierung von Sachsen hat am Dienstag in Dresden einen Plan für die Arbeit gemacht.", []),
    ("Die Regierung von Sachsen hat am Dienstag in Dresden einen neuen Plan für die Arbeit gemacht.",
     [(1, f"Satz mit 16 Wörtern (höchstens 15): »Die Regierung von Sachsen hat am …« – {SPLIT}")]),
    # A compound with hyphen or middle dot is one word.
    ("Die Fach·kräfte aus Polen und Tschechien schreiben uns eine E-Mail an die Staats·kanzlei in Dresden und Leipzig.",
     [(1, f"Satz mit 17 Wörtern (höchstens 15): »Die Fach·kräfte aus Polen und Tschechien …« – {SPLIT}")]),
    # Dates and ordinals do not end a sentence: split there, neither half would be too long.
    ("Am 29. Oktober 2025 hat die Regierung von Sachsen in Dresden einen Plan für die Arbeit beschlossen.",
     [(1, f"Satz mit 17 Wörtern (höchstens 15): »Am 29. Oktober 2025 hat die …« – {SPLIT}")]),
    # Nor does »z. B.« (which is a finding of its own).
    ("Viele Menschen aus anderen Ländern, z. B. aus Polen, arbeiten hier in Sachsen in Firmen und in Schulen.",
     [(1, f"Satz mit 18 Wörtern (höchstens 15): »Viele Menschen aus anderen Ländern, z. …« – {SPLIT}"),
      (1, "Abkürzung »z. B.«: schreiben Sie das Wort aus (»zum Beispiel«)")]),
    # A sentence spanning two lines is reported at its first line; a word in it at its own.
    ("Das ist gut.\nDie Regierung von Sachsen hat am Dienstag in Dresden\neinen neuen Plan (neu) für die Arbeit mit den Nachbarn beschlossen.",
     [(2, f"Satz mit 20 Wörtern (höchstens 15): »Die Regierung von Sachsen hat am …« – {SPLIT}"),
      (3, f"Klammer »(neu)«: {BRACKET}")]),
    # Two short sentences on one line are two sentences.
    ("Die Regierung von Sachsen hat einen Plan. Der Plan ist für die Arbeit mit den Nachbarn.", []),
]

ABBREVIATIONS = [
    ("Das gilt z. B. hier.", [(1, "Abkürzung »z. B.«: schreiben Sie das Wort aus (»zum Beispiel«)")]),
    ("Das gilt z.B. hier.", [(1, "Abkürzung »z.B.«: schreiben Sie das Wort aus (»zum Beispiel«)")]),
    (f"Das gilt z.{NB}B. hier.", [(1, "Abkürzung »z. B.«: schreiben Sie das Wort aus (»zum Beispiel«)")]),
    ("Z. B. hier.", [(1, "Abkürzung »Z. B.«: schreiben Sie das Wort aus (»Zum Beispiel«)")]),
    ("Äpfel, Birnen usw. sind gesund.", [(1, "Abkürzung »usw.«: schreiben Sie das Wort aus (»und so weiter«)")]),
    ("Es kostet ca. 20 Euro.", [(1, "Abkürzung »ca.«: schreiben Sie das Wort aus (»ungefähr«)")]),
    ("Die Sitzung leitet Dr. Müller.", [(1, "Abkürzung »Dr.«: schreiben Sie das Wort aus (»Doktor«)")]),
    ("Das ist die Mitteilung Nr. 1234.", [(1, "Abkürzung »Nr.«: schreiben Sie das Wort aus (»Nummer«)")]),
    ("Das heißt, d. h. und u. a. sind schwer.",
     [(1, "Abkürzung »d. h.«: schreiben Sie das Wort aus (»das heißt«)"),
      (1, "Abkürzung »u. a.«: schreiben Sie das Wort aus (»unter anderem«)")]),
    ("Unterschrift i. A. Müller.", [(1, "Abkürzung »i. A.«: schreiben Sie das Wort aus")]),
    ("Die EU hilft.\nDie EU hilft sehr.", [(1, f"Abkürzung »EU«: {ACRONYM}")]),
    ("Viele KMUs bekommen EU-Geld.", [(1, f"Abkürzung »KMU«: {ACRONYM}"), (1, f"Abkürzung »EU«: {ACRONYM}")]),
    ("Der Kreis Bautzen hilft SACHSEN.", []),
]

NUMBERS = [
    ("In Sachsen sind 12 % der Menschen arm.", [(1, f"Prozentzahl »12 %«: {EXPLAIN}")]),
    (f"In Sachsen sind 12{NB}% der Menschen arm.", [(1, f"Prozentzahl »12 %«: {EXPLAIN}")]),
    ("In Sachsen sind 12 Prozent der Menschen arm.", [(1, f"Prozentzahl »12 Prozent«: {EXPLAIN}")]),
    ("Es kamen 3.772 Menschen.", [(1, f"Große Zahl »3.772«: {EXPLAIN}")]),
    ("Es kamen 10 000 Menschen.", [(1, f"Große Zahl »10 000«: {EXPLAIN}")]),
    ("Es kamen 1000 Menschen.", [(1, f"Große Zahl »1000«: {EXPLAIN}")]),
    ("Das kostet 1,5 Millionen Euro.", [(1, f"Große Zahl »1,5 Millionen«: {EXPLAIN}")]),
    ("Das kostet viel.\nEs kamen 3.772 Menschen.", [(2, f"Große Zahl »3.772«: {EXPLAIN}")]),
    # Explained in the same or in the next sentence.
    ("Es kamen ungefähr 4.000 Menschen.", []),
    ("Es kamen 3.772 Menschen.\nDas sind sehr viele Menschen.", []),
    ("In Sachsen sind 50 % der Menschen Frauen.\nDas ist die Hälfte.", []),
    # Not large, or not an amount at all.
    ("Es kamen 999 Menschen.", []),
    ("Der Plan gilt bis 2030.", []),
    ("Der Plan gilt für 2024–2026.", []),
    ("Im Jahr 2500 gibt es Sachsen noch.", []),
    ("Am 29.10.2025 um 14:30 Uhr geht es los.", []),
    ("Rufen Sie an: +49 351 564-12345.", []),
    ("Die Adresse ist Archivstraße 1 in 01097 Dresden.", []),
]

LONG_WORDS = [
    ("Das ist die Zusammenarbeit.", [(1, f"Langes Wort »Zusammenarbeit«: {DIVIDE} (zum Beispiel »Zusammen·arbeit«)")]),
    ("Die Staatsregierung hilft.", [(1, f"Langes Wort »Staatsregierung«: {DIVIDE} (zum Beispiel »Staats·regierung«)")]),
    ("Der Ministerpräsident spricht.", [(1, f"Langes Wort »Ministerpräsident«: {DIVIDE} (zum Beispiel »Minister·präsident«)")]),
    ("Die Pressemitteilung ist fertig.", [(1, f"Langes Wort »Pressemitteilung«: {DIVIDE} (zum Beispiel »Presse·mitteilung«)")]),
    ("Die Weltgesundheitsorganisation hilft.",
     [(1, f"Langes Wort »Weltgesundheitsorganisation«: {DIVIDE} (zum Beispiel »Welt·gesundheits·organisation«)")]),
    ("Es gibt Informationen.", []),
    ("Die Zusammen·arbeit und die Staats-Regierung.", []),
    ("Die Internationale Strategie und die Absolventinnen.", []),
    ("Die WELTGESUNDHEIT ist wichtig.", []),
    ("Die Wissenschafts- und Forschungs·arbeit.", []),
]

PUNCTUATION = [
    ("Das ist der Plan (neu).", [(1, f"Klammer »(neu)«: {BRACKET}")]),
    ("Das ist der Plan [neu].", [(1, f"Klammer »[neu]«: {BRACKET}")]),
    ("Das ist (a) und (b).", [(1, f"Klammer »(a)«: {BRACKET}"), (1, f"Klammer »(b)«: {BRACKET}")]),
    ("Die Regierung (also die Minister und der Chef) hilft.",
     [(1, f"Klammer »(also die Minister und der Chef)«: {BRACKET}")]),
    ("Die Regierung (also alle Minister und ihr Chef zusammen) hilft.",
     [(1, f"Klammer »(also alle Minister und ihr Chef …«: {BRACKET}")]),
    ("Sachsen hilft; Polen hilft auch.", [(1, "Semikolon nach »hilft«: machen Sie daraus zwei Sätze")]),
]

MARKDOWN = [
    ("Lesen Sie [hier](https://www.sachsen.de/a;b) weiter.", []),
    ("Lesen Sie [hier][plan] weiter.\n\n[plan]: https://www.sachsen.de/(plan)", []),
    ("![Ein Bild (Foto); groß](bild.png)\n\nDas ist gut.", []),
    ("Das ist gut.[^1]\n\n[^1]: Das steht im Plan.", []),
    ("Das ist gut.[^quelle]\n\n[^quelle]: Das steht im Plan vom\n    29. Oktober 2025.", []),
    ("- Sachsen hilft\n- Polen hilft\n1. Tschechien hilft\n2) Sachsen hilft", []),
    ("Das ist **sehr** wichtig und *neu* und __gut__.", []),
    ("Schreiben Sie `z. B. (x); 12345 Zusammenarbeit`.", []),
    ("```\nz. B. (x); 12345 Zusammenarbeit\n```\nDas ist gut.", []),
    ("Das ist gut.\n\n    z. B. (x); 12345\n", []),
    ("<!-- z. B.\n(x); -->\nDas ist gut.", []),
    ("> Das ist ein Zitat.", []),
    ("Die Adresse ist www.sachsen.de.", []),
    ("Das ist gut.\n\n---\n\nDas ist auch gut.", []),
    ("| Punkt | Angabe |\n|---|---|\n| Beschluss | Kabinett |", []),
    # Headings and list items end at the line end: joined, each pair would be one long sentence.
    ("## Der Plan für die Arbeit\nDie Regierung von Sachsen hat am Dienstag in Dresden einen Plan gemacht.", []),
    ("- Sachsen hilft den Firmen in der Stadt und auf dem Land\n- Sachsen hilft den Schulen in der Stadt und auf dem Land", []),
    # A list item may go on on an indented line.
    ("- Sachsen hilft den Firmen\n  in der Stadt (neu).", [(2, f"Klammer »(neu)«: {BRACKET}")]),
    ("## Der Plan (neu)", [(1, f"Klammer »(neu)«: {BRACKET}")]),
]

ORDER = [
    # By line, then by rule: length, abbreviation, number, long word, punctuation.
    ("Sachsen hilft; die Staatsregierung hilft z. B. der EU mit 12 %.\nDas ist gut (sehr).",
     [(1, "Abkürzung »z. B.«: schreiben Sie das Wort aus (»zum Beispiel«)"),
      (1, f"Abkürzung »EU«: {ACRONYM}"),
      (1, f"Prozentzahl »12 %«: {EXPLAIN}"),
      (1, f"Langes Wort »Staatsregierung«: {DIVIDE} (zum Beispiel »Staats·regierung«)"),
      (1, "Semikolon nach »hilft«: machen Sie daraus zwei Sätze"),
      (2, f"Klammer »(sehr)«: {BRACKET}")]),
]


@pytest.mark.parametrize(("body", "expected"),
                         SENTENCES + ABBREVIATIONS + NUMBERS + LONG_WORDS + PUNCTUATION + MARKDOWN + ORDER)
def test_lint(body, expected):
    assert [(finding.line, finding.message) for finding in lint(body)] == expected


@pytest.mark.parametrize(("body", "first_line", "expected"), [
    ("Das ist gut (sehr).", 1, [1]),
    ("Das ist gut (sehr).", 12, [12]),
    ("Das ist gut.\n\nDas ist der Plan (neu).", 7, [9]),
    (f"Das ist gut.\n{LONG}", 20, [21]),
    ("```\nz. B.\n```\n<!--\n(x)\n-->\n# Plan (neu)", 5, [11]),
])
def test_lines_count_from_first_line(body, first_line, expected):
    assert [finding.line for finding in lint(body, first_line)] == expected


@pytest.mark.parametrize(("body", "fragment"), [
    ("Das kostet 2 Mrd. Euro.", "Abkürzung »Mrd.«"),
    ("Das kostet 2 Mrd. Euro.", "Große Zahl »2 Mrd.«"),
    ("Wir machen eine Veranstaltungsreihe.", "zum Beispiel »"),
    ("Die Bundesregierung hilft.", "»Bundes·regierung«"),
    ("Die Krankenversicherung hilft.", "»Kranken·versicherung«"),
    ("Der Hochschulabschluss hilft.", "»Hochschul·abschluss«"),
])
def test_message_mentions(body, fragment):
    assert any(fragment in finding.message for finding in lint(body))
