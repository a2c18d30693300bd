import pytest

from briefing.model import QUOTE_STYLES
from briefing.typography import typeset

NB = "\u00a0"

GUILLEMETS = [
    ('Er sagte: "Ja."', "Er sagte: »Ja.«"),
    ('"Das ist "wichtig"", sagte sie.', "»Das ist ›wichtig‹«, sagte sie."),
    ("Sie sagte: \"Das ist 'gut'.\"", "Sie sagte: »Das ist ›gut‹.«"),
    ("Wie geht's?", "Wie geht’s?"),
    ("„Aus Word“ eingefügt", "»Aus Word« eingefügt"),
    ("“English” quotes", "»English« quotes"),
    ("(\"in Klammern\")", "(»in Klammern«)"),
    ("Text - mit Strich", "Text – mit Strich"),
    ("Text -- mit Strich", "Text – mit Strich"),
    ("Text — Geviertstrich", "Text – Geviertstrich"),
    ("und so weiter...", "und so weiter…"),
    ("Innovations-, Wissenschafts- und Kulturstandort", "Innovations-, Wissenschafts- und Kulturstandort"),
    ("Telefon 0351 564-12345", "Telefon 0351 564-12345"),
    ("am 29. Oktober 2025", f"am 29.{NB}Oktober 2025"),
    ("am 3. Okt. 2025", f"am 3.{NB}Okt. 2025"),
    ("z. B. hier", f"z.{NB}B. hier"),
    ("d. h. dort", f"d.{NB}h. dort"),
    ("i. d. R. so", f"i.{NB}d.{NB}R. so"),
    ("Nr. 12", f"Nr.{NB}12"),
    ("§ 5 Abs. 2", f"§{NB}5 Abs.{NB}2"),
    ("12 %", f"12{NB}%"),
    ("12%", f"12{NB}%"),
    ("um 14:00 Uhr", f"um 14:00{NB}Uhr"),
    ("10 €", f"10{NB}€"),
    ("1,5 Mio. Euro", f"1,5{NB}Mio.{NB}Euro"),
    ("im Jahr 2026", "im Jahr 2026"),
]


@pytest.mark.parametrize(("text", "expected"), GUILLEMETS)
def test_typeset_guillemets(text, expected):
    assert typeset(text, QUOTE_STYLES["»…«"]) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ('Er sagte: "Ja."', "Er sagte: „Ja.“"),
    ("\"Das ist 'gut'.\"", "„Das ist ‚gut‘.“"),
    ("»Guillemets« werden angepasst", "„Guillemets“ werden angepasst"),
])
def test_typeset_german_quotes(text, expected):
    assert typeset(text, QUOTE_STYLES["„…“"]) == expected


@pytest.mark.parametrize(("language", "text", "expected"), [
    # Polish, Czech, Upper Sorbian: a one-letter word never ends a line.
    ("pl-PL", "współpraca z Polską i Czechami", "współpraca z\u00a0Polską i\u00a0Czechami"),
    ("cs-CZ", "spolupráce s Polskem a k tomu", "spolupráce s\u00a0Polskem a\u00a0k\u00a0tomu"),
    ("hsb-DE", "dźěło w regionje z Pólskej", "dźěło w\u00a0regionje z\u00a0Pólskej"),
    # German and English have no such rule.
    ("de-DE", "Stufe a und b", "Stufe a und b"),
    ("en-GB", "a plan for a region", "a plan for a region"),
])
def test_no_break_rules_of_the_language(language, text, expected):
    from briefing.typography import QUOTE_STYLES

    assert typeset(text, QUOTE_STYLES["»…«"], language) == expected
