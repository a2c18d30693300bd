"""Mistakes in briefing.toml: each is one German line naming the file and line, exit code 1.

And the one setting that changes what the page shows: `zitate`.
"""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from briefing.build import build
from briefing.cli import main

from .conftest import RELEASE
from .test_build import BRIEFING, RELEASE_WITH_PRIORITIES

CONFIG = """\
sprache = "de-DE"
zitate = "»…«"

[herausgeber]
name = "Sächsische Staatskanzlei"

[kontakt]
stelle = "Pressestelle der Sächsischen Staatskanzlei"
"""
TOML = ("ist kein gültiges TOML (Spalte {c}); Texte stehen in Anführungszeichen (name = "
        '"Sächsische Staatskanzlei"), jeder Schlüssel hat ein »=«, Abschnitte stehen in '
        "eckigen Klammern ([kontakt])")
ALLOWED = "erlaubt sind: sprache, zitate, herausgeber.name, herausgeber.anschrift, web.adresse, web.neueste, e-mail.absender, e-mail.antwort_an, intern.vermerk, kontakt"


CASES = [
    pytest.param('farbe = "rot"\n' + CONFIG, [
        f"briefing.toml:1: »farbe« ist unbekannt; {ALLOWED}",
    ], id="unbekannter-schluessel"),
    pytest.param(CONFIG.replace("zitate =", "zitat ="), [
        f"briefing.toml:2: »zitat« ist unbekannt; {ALLOWED}",
    ], id="vertippter-schluessel"),
    pytest.param(CONFIG + '\n[ausgabe]\nordner = "pdf"\n', [
        f"briefing.toml:10: »ausgabe« ist unbekannt; {ALLOWED}",
    ], id="unbekannter-abschnitt"),
    pytest.param(CONFIG.replace('name = "Sä', 'adresse = "Archivstraße 1"\nname = "Sä'), [
        f"briefing.toml:5: »herausgeber.adresse« ist unbekannt; {ALLOWED}",
    ], id="unbekannt-in-herausgeber"),
    pytest.param(CONFIG + '\n[e-mail]\nabsender = "Pressestelle presse at sachsen"\n', [
        "briefing.toml:11: »e-mail.absender« »Pressestelle presse at sachsen« ist keine "
        "E-Mail-Adresse; schreiben Sie sie wie »Pressestelle <presse@example.de>« oder "
        "»presse@example.de«",
    ], id="absender-keine-adresse"),
    pytest.param(CONFIG.replace('name = "Sächsische Staatskanzlei"\n', ""), [
        'briefing.toml: »herausgeber.name« fehlt; z. B. [herausgeber] name = '
        '"Sächsische Staatskanzlei"',
    ], id="herausgeber-name-fehlt"),
    pytest.param('sprache = "de-DE"\n', [
        'briefing.toml: »herausgeber.name« fehlt; z. B. [herausgeber] name = '
        '"Sächsische Staatskanzlei"',
    ], id="herausgeber-fehlt"),
    pytest.param(CONFIG.replace('name = "Sächsische Staatskanzlei"', 'name = ""'), [
        "briefing.toml:5: »herausgeber.name« ist leer; tragen Sie einen Wert ein oder löschen "
        "Sie das Feld",
    ], id="herausgeber-name-leer"),
    pytest.param(CONFIG.replace('name = "Sä', 'anschrift = ["Archivstraße 1"]\nname = "Sä'), [
        "briefing.toml:5: »herausgeber.anschrift« muss ein Text sein, nicht eine Liste",
    ], id="anschrift-liste"),
    pytest.param(CONFIG.replace('"de-DE"', '"xx-YY"'), [
        "briefing.toml:1: »sprache« »xx-YY« ist keine bekannte Sprache; Beispiele: de-DE, "
        "pl-PL, cs-CZ",
    ], id="sprache-unbekannt"),
    pytest.param(CONFIG.replace('"»…«"', '"<<…>>"'), [
        "briefing.toml:2: »zitate« »<<…>>« ist kein bekannter Stil; erlaubt: »…«, „…“",
    ], id="zitate-unbekannt"),
    pytest.param(CONFIG.replace('"»…«"', '["»", "«"]'), [
        "briefing.toml:2: »zitate« muss ein Text sein, nicht eine Liste",
    ], id="zitate-liste"),
    pytest.param(CONFIG + 'fon = "0351 564-0"\n', [
        "briefing.toml:9: »kontakt« Unterfeld »fon« ist unbekannt; meinten Sie »telefon«?",
    ], id="kontakt-unterfeld-unbekannt"),
    pytest.param(CONFIG + 'telefon = "0351 / Pressestelle"\n', [
        "briefing.toml:9: »kontakt« Unterfeld »telefon« »0351 / Pressestelle« ist keine "
        "Telefonnummer; Form nach DIN 5008: +49 351 564-12345",
    ], id="kontakt-telefon"),
    pytest.param(CONFIG + 'email = "keine-adresse"\n', [
        "briefing.toml:9: »kontakt« Unterfeld »email« »keine-adresse« ist keine "
        "E-Mail-Adresse",
    ], id="kontakt-email"),
    pytest.param('kontakt = "Pressestelle"\n' + CONFIG.split("[kontakt]")[0], [
        "briefing.toml:1: »kontakt« muss Unterfelder haben: stelle, name, telefon, email, "
        "anschrift",
    ], id="kontakt-kein-abschnitt"),
    pytest.param(CONFIG.replace('sprache = "de-DE"', "sprache = de-DE"), [
        f"briefing.toml:1: {TOML.format(c=11)}",
    ], id="toml-ohne-anfuehrungszeichen"),
    pytest.param(CONFIG + 'email = "presse@sk.sachsen.de\n', [
        f"briefing.toml:9: {TOML.format(c=30)}",
    ], id="toml-string-offen"),
    pytest.param(CONFIG + 'stelle = "noch eine"\n', [
        f"briefing.toml:9: {TOML.format(c=21)}",
    ], id="toml-schluessel-doppelt"),
    pytest.param('herausgeber = "Sächsische Staatskanzlei"\n', [
        "briefing.toml:1: »herausgeber« muss ein Abschnitt [herausgeber] sein, mit den "
        'Schlüsseln darunter, z. B. [herausgeber] und in der nächsten Zeile name = "…"',
    ], id="herausgeber-kein-abschnitt"),
    pytest.param(CONFIG + 'name = ["Erika Mustermann"]\n', [
        "briefing.toml:9: »kontakt« Unterfeld »name« muss ein Text sein, nicht eine Liste",
    ], id="kontakt-name-zeile"),
    pytest.param(CONFIG + '[web]\nneueste = 0\n', [
        "briefing.toml:10: »web.neueste« »0« ist keine Anzahl von 1 bis 1000; schreiben Sie "
        "z. B. 50",
    ], id="neueste-null"),
    pytest.param(CONFIG + '[web]\nneueste = "viele"\n', [
        "briefing.toml:10: »web.neueste« »viele« ist keine Anzahl von 1 bis 1000; schreiben "
        "Sie z. B. 50",
    ], id="neueste-text"),
    pytest.param(CONFIG.replace('name = "Sä', 'sprache = "pl-PL"\nname = "Sä'), [
        f"briefing.toml:5: »herausgeber.sprache« ist unbekannt; {ALLOWED}",
    ], id="unbekannt-in-herausgeber-zeile"),
]


@pytest.mark.parametrize(("toml", "expected"), CASES)
def test_config_error(toml, expected, project, capsys):
    root = project({"content/pm.md": RELEASE})
    (root / "briefing.toml").write_text(toml, encoding="utf-8")
    code = main(["check", "--root", str(root)])
    assert capsys.readouterr().err.splitlines() == expected
    assert code == 1


def with_quotes(root, style: str) -> None:
    config = root / "briefing.toml"
    text = config.read_text(encoding="utf-8")
    assert 'zitate = "»…«"' in text
    config.write_text(text.replace('zitate = "»…«"', f'zitate = "{style}"'), encoding="utf-8")


def test_configured_quotes_in_release(project):
    root = project({"content/pm.md": RELEASE.replace(
        "Ein kurzer Text.", 'Sie sagte: "Sachsen ist \'sehr\' weltoffen."')})
    with_quotes(root, "„…“")
    report = build(root)
    assert report.exit_code() == 0, [str(p) for p in report.problems]
    text = PdfReader(root / "output" / "pm.pdf").pages[0].extract_text()
    assert "Sie sagte: „Sachsen ist ‚sehr‘ weltoffen.“" in text
    assert "»" not in text and "«" not in text


def test_configured_quotes_in_briefing_line(project):
    root = project({"content/pm.md": RELEASE_WITH_PRIORITIES,
                    "content/b1.md": BRIEFING.format(key="eins"),
                    "content/b2.md": BRIEFING.format(key="zwei")})
    with_quotes(root, "„…“")
    report = build(root)
    assert report.exit_code() == 0, [str(p) for p in report.problems]
    text = PdfReader(root / "output" / "b1.pdf").pages[0].extract_text()
    assert "Zur Pressemitteilung vom 29.\xa0Oktober\xa02025: „Testmitteilung“" in text.splitlines()
    assert "»" not in text and "«" not in text
