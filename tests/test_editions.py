"""Editions: translations linked to their original (pl, cs, hsb, en) and the Leichte-Sprache
edition — labels, dates, times, numbers and quotes of the language, no German label left,
the staleness warning, the linking rules, and the catalogs complete."""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.build import build, check
from briefing.editions import version_of
from briefing.project import load_project

from .conftest import approve, make_project

EDITIONS = Path(__file__).parent / "data" / "editions"
ORIGINAL = """\
---
typ: pressemitteilung
titel: Kabinett beschließt Internationale Strategie
datum: 2025-10-29
ort: Dresden
nummer: 12/2025
sperrfrist: 2025-10-29 18:00
prioritäten:
  grenzregion: Grenzregion
kontakt:
  telefon: 0351 564-0
---

{body}
"""
BRIEFING = """\
---
typ: hintergrund
titel: Die Grenzregion
datum: 2025-10-29
pressemitteilung: pm
priorität: grenzregion
---

Die Zusammenarbeit mit Polen und Tschechien.
"""
#: The German labels that must not remain in a translation's PDF.
GERMAN = ("Pressemitteilung", "PRESSEMITTEILUNG", "Seite", "Sperrfrist", "Pressekontakt",
          "Priorität", "Stand:", "vom", "Nr.")


def fixture(language: str) -> tuple[str, str]:
    """(title, body) of a test text in `language` (tests/data/editions/)."""
    text = (EDITIONS / f"{language}.md").read_text(encoding="utf-8")
    return re.search(r"titel: (.*?) -->", text)[1], text.split("-->", 1)[1].strip()


def translation(language: str, tag: str, kind: str = "pressemitteilung",
                original: str = "pm", extra: str = "") -> str:
    title, body = fixture(language) if kind == "pressemitteilung" else ("Region", "Text.")
    return (f"---\ntyp: {kind}\ntitel: {title}\nsprache: {tag}\noriginal: {original}\n{extra}"
            f"---\n\n{body}\n")


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    files = {"content/pm.md": ORIGINAL.format(body=fixture("de")[1]),
             "content/b1.md": BRIEFING}
    for language, tag in (("pl", "pl-PL"), ("cs", "cs-CZ"), ("hsb", "hsb-DE"), ("en", "en-GB")):
        files[f"content/pm.{language}.md"] = translation(language, tag)
    files["content/b1.pl.md"] = translation("pl", "pl-PL", "hintergrund", "b1")
    root = make_project(tmp_path_factory.mktemp("ausgaben"), files)
    originals = {d.slug: d for d in load_project(root).documents if d.original is None}
    for name in files:
        original = re.search(r"original: (\S+)", files[name])
        if original:  # the version it was translated from
            path = root / name
            path.write_text(path.read_text(encoding="utf-8").replace(
                "original: ", f"fassung: {version_of(originals[original[1]])}\noriginal: ", 1),
                encoding="utf-8")
    approve(root)
    report = build(root, channels=True)
    assert report.exit_code() == 0, [str(p) for p in report.problems]
    assert report.problems == []
    return root


LANGUAGES = {
    # language: (label, embargo line, page, quotes, contact, footer date)
    "pl": ("KOMUNIKAT PRASOWY nr 12/2025", "Embargo: środa, 29 października 2025, 18:00",
           "Strona 1 z 1", "„Strategię międzynarodową”", "Kontakt dla mediów",
           "z dnia 29.10.2025 r."),
    "cs": ("TISKOVÁ ZPRÁVA č. 12/2025", "Embargo: středa 29. října 2025, 18:00",
           "Strana 1 z 1", "„Mezinárodní strategii“", "Kontakt pro média", "ze dne 29. 10. 2025"),
    "en": ("PRESS RELEASE No. 12/2025", "Embargo: Wednesday, 29 October 2025, 18:00",
           "Page 1 of 1", "“International Strategy”", "Press contact", "of 29/10/2025"),
    "hsb": ("TŁÓČOWA ZDŹĚLENKA čo. 12/2025",
            "Embargo: srjeda, 29. oktobra 2025, 18:00 hodź.", "Strona 1 z 1",
            "„Mjezynarodnu strategiju“", "Tłóčowy kontakt", "wot 29.10.2025"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_translation_speaks_its_language(editions, language):
    label, embargo, page, quoted, contact, footer = LANGUAGES[language]
    path = editions / "output" / f"pm.{language}.pdf"
    text = " ".join(PdfReader(path).pages[0].extract_text().replace("\u00a0", " ").split())
    for expected in (label, embargo, page, quoted, contact, footer):
        assert expected in text, expected
    body = text.split("Sächsische Staatskanzlei", 1)[1]  # the publisher's name is German
    assert not [word for word in GERMAN if word in body]
    assert PdfReader(path).trailer["/Root"]["/Lang"] == {"pl": "pl-PL", "cs": "cs-CZ",
                                                          "hsb": "hsb-DE", "en": "en-GB"}[language]
    # Its web pages and e-mail speak the language too.
    out = editions / "output"
    for other in [*(out / "web" / f"pm.{language}").glob("*.html"),
                  out / "e-mail" / f"pm.{language}.txt"]:
        text = other.read_text(encoding="utf-8").split("Sächsische Staatskanzlei", 1)[1]
        assert not [w for w in (*GERMAN, "Zum Inhalt", "Übersicht", "Dokumente", "Webseite",
                                "Hintergrundinformation") if w in text], other.name
    page = (editions / "output" / "web" / f"pm.{language}" / f"pm.{language}.html")
    assert page.read_text(encoding="utf-8").startswith(
        f'<!DOCTYPE html>\n<html lang="{PdfReader(path).trailer["/Root"]["/Lang"]}">')


def test_the_language_versions_link_to_each_other(editions):
    """Each page names the same page in the release's other languages: `hreflang`
    alternates for search engines and a visible switch, each name in its own language."""
    web = editions / "output" / "web"

    def versions(page: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
        html = page.read_text(encoding="utf-8")
        alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)
        switch = re.findall(r'<li><a href="([^"]+)" hreflang="[^"]+" lang="([^"]+)">([^<]+)</a>',
                            html.split('<nav class="languages"')[1].split("</nav>")[0])
        for _, href in alternates:
            assert (page.parent / href).is_file(), href
        return alternates, switch

    alternates, switch = versions(web / "pm" / "pm.html")
    assert alternates == [("cs-CZ", "../pm.cs/pm.cs.html"), ("en-GB", "../pm.en/pm.en.html"),
                          ("hsb-DE", "../pm.hsb/pm.hsb.html"), ("pl-PL", "../pm.pl/pm.pl.html")]
    assert [name for _, _, name in switch] == ["Čeština", "English", "Hornjoserbšćina", "Polski"]
    alternates, switch = versions(web / "pm.en" / "index.html")
    assert ("de-DE", "../pm/index.html") in alternates
    assert ("../pm/index.html", "de-DE", "Deutsch") in switch
    assert 'aria-label="This page in other languages"' in (web / "pm.en" / "pm.en.html") \
        .read_text(encoding="utf-8")
    # The briefing and its Polish translation, and only they, link to each other.
    assert versions(web / "pm" / "b1.html")[0] == [("pl-PL", "../pm.pl/b1.pl.html")]
    assert versions(web / "pm.pl" / "b1.pl.html")[0] == [("de-DE", "../pm/b1.html")]


def test_a_translated_briefing_belongs_to_the_translated_release(editions):
    text = " ".join(PdfReader(editions / "output" / "b1.pl.pdf").pages[0].extract_text()
                    .replace("\u00a0", " ").split())
    assert "Priorytet 1 z 1" in text
    # It belongs to the Polish release (its label and title).
    assert "Dotyczy: Komunikat prasowy nr 12/2025 z dnia 29 października 2025 r. – " \
           "„Rząd przyjmuje strategię" in text
    # The Polish release lists its Polish briefing; the Czech one has none, and that is fine.
    kit = PdfReader(editions / "output" / "pm.pl-pressemappe.pdf").pages[0].extract_text()
    assert "Region" in kit
    index = (editions / "output" / "web" / "pm.pl" / "index.html").read_text(encoding="utf-8")
    assert "b1.pl.html" in index
    assert "b1" not in (editions / "output" / "web" / "pm.cs" / "index.html").read_text(
        encoding="utf-8").replace("pm.cs", "")


def test_the_translation_goes_stale_when_the_original_changes(tmp_path):
    root = make_project(tmp_path, {"content/pm.md": ORIGINAL.format(body=fixture("de")[1]),
                                   "content/b1.md": BRIEFING,
                                   "content/pm.pl.md": translation("pl", "pl-PL")})
    original = root / "content" / "pm.md"
    (message,) = [p for p in check(root).problems if p.path == "content/pm.pl.md"]
    version = version_of(next(d for d in load_project(root).documents if d.slug == "pm"))
    assert message.message.startswith(f"Fassung des Originals fehlt; tragen Sie »fassung: "
                                      f"{version}« ein")
    edition = root / "content" / "pm.pl.md"
    edition.write_text(edition.read_text(encoding="utf-8").replace(
        "original: pm", f"original: pm\nfassung: {version}"), encoding="utf-8")
    assert check(root).problems == []
    # State is not text: a draft mark, an author, an internal note leave it current.
    text = original.read_text(encoding="utf-8")
    original.write_text(text.replace("ort: Dresden\n", "ort: Dresden\nentwurf: true\n"
                                     "autor: Anna Autorin\n") + "\n<!-- intern -->\n",
                        encoding="utf-8")
    assert [p for p in check(root).problems if p.path == "content/pm.pl.md"] == []
    # Nor is what the translation takes over from the original (place, contact, …): it
    # changes there by itself.
    original.write_text(text.replace("0351 564-0", "0351 564-1234").replace(
        "ort: Dresden", "ort: Dresden\nherausgeber: Sächsische Staatskanzlei"),
        encoding="utf-8")
    assert [p for p in check(root).problems if p.path == "content/pm.pl.md"] == []
    original.write_text(text.replace("vorgesehen.", "geplant.") + "\nEin neuer Satz.\n",
                        encoding="utf-8")
    (stale,) = check(root).problems
    new = version_of(next(d for d in load_project(root).documents if d.slug == "pm"))
    assert stale.path == "content/pm.pl.md" and stale.line == 6
    assert stale.message == (
        f"Übersetzung veraltet: content/pm.md wurde geändert (jetzt Fassung {new}, übersetzt "
        f"aus {version}); geändert: … im ersten Halbjahr 2026 [-vorgesehen.-] {{+geplant. "
        f"Ein neuer Satz.+}}; gleichen Sie die Übersetzung an und tragen Sie dann »fassung: "
        f"{new}« ein")
    edition.write_text(edition.read_text(encoding="utf-8").replace(version, new),
                       encoding="utf-8")
    assert check(root).problems == []


def test_a_field_the_translation_gives_itself_is_part_of_its_version(tmp_path):
    """Priorities and contact given in the translation's own words: their change in the
    original makes it out of date, and the warning shows the fields as written, not as
    data."""
    root = make_project(tmp_path, {"content/pm.md": ORIGINAL.format(body=fixture("de")[1]),
                                   "content/b1.md": BRIEFING})
    original = next(d for d in load_project(root).documents if d.slug == "pm")
    version = version_of(original, {"kontakt", "prioritäten"})
    assert version != version_of(original)
    (root / "content" / "pm.pl.md").write_text(translation("pl", "pl-PL").replace(
        "original: pm", f"original: pm\nfassung: {version}\nkontakt:\n  telefon: +49 351 564-0"
        "\nprioritäten:\n  grenzregion: Region przygraniczny"), encoding="utf-8")
    assert check(root).problems == []
    path = root / "content" / "pm.md"
    path.write_text(path.read_text(encoding="utf-8").replace("0351 564-0", "0351 564-1234")
                    .replace("grenzregion: Grenzregion", "grenzregion: Die Grenzregion"),
                    encoding="utf-8")
    (stale,) = check(root).problems
    assert stale.message.startswith("Übersetzung veraltet: content/pm.md wurde geändert")
    assert "grenzregion: {+Die+} Grenzregion" in stale.message
    assert "telefon: 0351 [-564-0-] {+564-1234+}" in stale.message
    assert "{\"" not in stale.message


@pytest.mark.parametrize("form", ["every text field", "the whole file"])
def test_a_version_in_an_earlier_form_is_current_with_a_note(tmp_path, form):
    """What earlier versions wrote in `fassung` still counts, and check names the value
    in today's form; the translation goes out with its original."""
    root = make_project(tmp_path, {"content/pm.md": ORIGINAL.format(body=fixture("de")[1]),
                                   "content/b1.md": BRIEFING})
    original = next(d for d in load_project(root).documents if d.slug == "pm")
    if form == "the whole file":
        earlier = hashlib.sha256((root / "content" / "pm.md").read_bytes()).hexdigest()[:8]
    else:
        earlier = version_of(original, {"prioritäten", "ort", "kontakt", "herausgeber"})
    (root / "content" / "pm.pl.md").write_text(translation("pl", "pl-PL").replace(
        "original: pm", f"original: pm\nfassung: {earlier}"), encoding="utf-8")
    (note,) = check(root).problems
    assert str(note) == (
        f"content/pm.pl.md:6: Hinweis: »fassung« in der früheren Form; die Übersetzung ist "
        f"aktuell: tragen Sie »fassung: {version_of(original)}« ein, dann bleibt sie es "
        "auch, wenn sich am Original nur Angaben wie »entwurf« oder ein übernommener Kontakt "
        "ändern")
    assert not next(d for d in load_project(root).documents if d.slug == "pm.pl").outdated


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("pm.pl.md", translation("pl", "pl-PL", original="fehlt"),
     "content/pm.pl.md:5: Original »fehlt« gibt es nicht in content/"),
    ("pm.de.md", translation("pl", "de-DE"),
     "content/pm.de.md:4: Übersetzung in derselben Sprache wie das Original (de-DE); nennen "
     "Sie die Sprache, z. B. »sprache: en-GB«, oder für Leichte Sprache "
     "»leichte-sprache: true«"),
    ("polnisch.md", translation("pl", "pl-PL"),
     "content/polnisch.md: Der Dateiname einer Fassung trägt ihre Sprache: benennen Sie die "
     "Datei um in »pm.pl.md«"),
    ("pm.pl.md", translation("pl", "pl-PL", extra="datum: 2025-10-30\n"),
     "content/pm.pl.md:6: Feld »datum« kommt bei einer Übersetzung vom Original; löschen Sie "
     "es hier"),
    ("b1.pl.md", translation("pl", "pl-PL", "hintergrund", "pm"),
     "content/b1.pl.md:5: Original »pm« ist eine Pressemitteilung, dieses Dokument eine "
     "Hintergrundinformation; nennen Sie das Original desselben Typs"),
])
def test_linking_mistakes_are_one_clear_message(tmp_path, name, text, expected):
    root = make_project(tmp_path, {"content/pm.md": ORIGINAL.format(body=fixture("de")[1]),
                                   "content/b1.md": BRIEFING, f"content/{name}": text})
    errors = [str(p) for p in check(root).problems if p.is_error]
    assert errors == [expected]


def test_leichte_sprache_edition_is_checked_and_never_hyphenated(tmp_path):
    easy = ("---\ntyp: pressemitteilung\ntitel: Eine neue Strategie für Sachsen\n"
            "sprache: de-DE\nleichte-sprache: true\noriginal: pm\n---\n\n"
            + "\n".join(["Die Landes·regierung hat eine Zusammenarbeits·vereinbarung mit "
                         "Nachbar·ländern beschlossen."] * 12)
            + "\nDie Staatsregierung plant z. B. eine Evaluierung (im Jahr 2026); das ist neu.\n")
    root = make_project(tmp_path, {"content/pm.md": ORIGINAL.format(body=fixture("de")[1]),
                                   "content/b1.md": BRIEFING, "content/pm.ls.md": easy})
    report = build(root)
    warnings = [(p.line, p.message.split(":")[0]) for p in report.problems
                if p.path == "content/pm.ls.md" and p.is_warning]
    # The last line of the file (front matter 8 lines, a blank, 12 sentences).
    assert (21, "Abkürzung »z. B.«") in warnings
    assert any(line == 21 and what.startswith("Klammer") for line, what in warnings)
    assert any(line == 21 and what.startswith("Semikolon") for line, what in warnings)
    assert any(line == 21 and what.startswith("Langes Wort »Staatsregierung«")
               for line, what in warnings)
    reader = PdfReader(root / "output" / "pm.ls.pdf")
    lines = [line for page in reader.pages for line in page.extract_text().splitlines()]
    # One sentence per line as written, and no line ends in an automatic hyphen.
    assert sum(1 for line in lines if line.startswith("Die Landes·regierung")) == 12
    assert not [line for line in lines if re.search(r"\w-$", line)]
    assert reader.trailer["/Root"]["/Lang"] == "de-DE"


def test_leichte_sprache_is_named_in_every_output(tmp_path):
    easy = ("---\ntyp: pressemitteilung\ntitel: Eine neue Strategie für Sachsen\n"
            "sprache: de-DE\nleichte-sprache: true\noriginal: pm\n---\n\n"
            "Sachsen hat einen neuen Plan.\nDer Plan ist für die Arbeit mit anderen Ländern.\n")
    root = make_project(tmp_path, {"content/pm.md": ORIGINAL.format(body=fixture("de")[1]),
                                   "content/b1.md": BRIEFING, "content/pm.ls.md": easy})
    version = hashlib.sha256((root / "content" / "pm.md").read_bytes()).hexdigest()[:8]
    path = root / "content" / "pm.ls.md"
    path.write_text(easy.replace("original: pm", f"original: pm\nfassung: {version}"),
                    encoding="utf-8")
    approve(root)
    assert build(root, channels=True).errors == []
    out = root / "output"
    reader = PdfReader(out / "pm.ls.pdf")
    assert "PRESSEMITTEILUNG IN LEICHTER SPRACHE" in reader.pages[0].extract_text()
    assert reader.metadata.title == "Eine neue Strategie für Sachsen (Leichte Sprache)"
    assert "Pressemitteilung in Leichter Sprache vom 29. Oktober 2025" in reader.metadata.subject
    page = (out / "web" / "pm.ls" / "pm.ls.html").read_text(encoding="utf-8")
    assert "<title>Eine neue Strategie für Sachsen (Leichte Sprache) –" in page
    assert "Pressemitteilung in Leichter Sprache" in page
    archive = (out / "web" / "index.html").read_text(encoding="utf-8")
    assert "Eine neue Strategie für Sachsen</a> (Leichte Sprache)" in archive
    assert "<title>Eine neue Strategie für Sachsen (Leichte Sprache)</title>" in \
        (out / "web" / "feed.atom").read_text(encoding="utf-8")
    mail = email.message_from_bytes((out / "e-mail" / "pm.ls.eml").read_bytes(),
                                    policy=email.policy.default)
    assert mail["Subject"].endswith("Eine neue Strategie für Sachsen (Leichte Sprache)")
    # One sentence a line in the e-mail too.
    assert "Sachsen hat einen neuen Plan.\nDer Plan ist für die Arbeit mit anderen Ländern." \
        in (out / "e-mail" / "pm.ls.txt").read_text(encoding="utf-8")


def test_every_text_of_templates_and_code_is_in_every_catalog():
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    from briefing.i18n import LANGUAGES, catalog_path

    repo = Path(__file__).parent.parent
    method_map = [("src/briefing/**.py", "python"), ("templates/**.j2", "jinja2")]
    options = {"templates/**.j2": {"extensions": "jinja2.ext.i18n"}}
    texts = {message for _, _, message, _, _ in extract_from_dir(
        repo, method_map, options, keywords={"gettext": (2,), "N_": None, "_": None})}
    assert {"Pressekontakt", "Seite", "Sperrfrist", "Priorität %(number)s von %(total)s",
            "Pressemitteilung", "Fußnoten"} <= texts
    for language in LANGUAGES:
        with catalog_path(language).open("rb") as file:
            catalog = read_po(file)
        missing = sorted(t for t in texts if t not in catalog or
                         (language != "de" and not catalog[t].string))
        assert missing == [], f"{language}: {missing}"
        assert not [m.id for m in catalog if m.id and m.fuzzy]


def test_staff_create_a_translation_and_the_easy_edition_as_drafts(tmp_path, capsys):
    from briefing.cli import main

    root = make_project(tmp_path, {"content/pm.md": ORIGINAL.format(body=fixture("de")[1]),
                                   "content/b1.md": BRIEFING})
    assert main(["neu", "--uebersetzung", "content/b1.md", "--sprache", "pl-PL",
                 "--root", str(root)]) == 0
    assert main(["neu", "--leichte-sprache", "pm.md", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "angelegt  content/b1.pl.md" in out and "angelegt  content/pm.ls.md" in out
    polish = (root / "content" / "b1.pl.md").read_text(encoding="utf-8")
    version = version_of(next(d for d in load_project(root).documents if d.slug == "b1"))
    for line in ("typ: hintergrund", "sprache: pl-PL", "original: b1", f"fassung: {version}",
                 "entwurf: true", "Die Zusammenarbeit mit Polen und Tschechien."):
        assert line in polish
    assert "leichte-sprache: true" in (root / "content" / "pm.ls.md").read_text(
        encoding="utf-8")
    # Drafts: accepted by check (the Polish briefing without a Polish release too) ...
    assert [p for p in check(root).problems if p.is_error] == []
    # ... refused for publication until every TODO is translated.
    assert any(p.path == "content/b1.pl.md" and "TODO" in p.message
               for p in check(root, final=True).problems)
    # Nothing is overwritten.
    assert main(["neu", "--uebersetzung", "content/b1.md", "--sprache", "pl-PL",
                 "--root", str(root)]) == 2
    assert "content/b1.pl.md gibt es schon; es wird nichts überschrieben" in \
        capsys.readouterr().err


def test_status_and_liste_know_editions_and_channels(editions):
    import datetime as dt

    from briefing.paths import Paths
    from briefing.status import project_status, releases

    paths = Paths(editions)
    states = project_status(paths)
    assert {s.state for s in states} == {"aktuell"}, [(s.state, s.path, s.why) for s in states]
    found = {r.source: r for r in releases(paths)}
    polish = found["content/pm.pl.md"]
    assert polish.date == dt.date(2025, 10, 29)  # the original's
    assert polish.briefings == 1 and found["content/pm.cs.md"].briefings == 0


def translated(tmp_path: Path, body: str | None = None) -> tuple[Path, str]:
    """A project with the original (`body`), its briefing and a Polish translation of its
    version now; and that version."""
    root = make_project(tmp_path, {
        "content/pm.md": ORIGINAL.format(body=body or fixture("de")[1]),
        "content/b1.md": BRIEFING})
    version = version_of(next(d for d in load_project(root).documents if d.slug == "pm"))
    (root / "content" / "pm.pl.md").write_text(translation("pl", "pl-PL").replace(
        "original: pm", f"original: pm\nfassung: {version}"), encoding="utf-8")
    return root, version

def test_liste_and_status_say_why_an_edition_waits(tmp_path, capsys):
    """An approved translation does not go out while its original is a draft, nor while
    it is out of date: `liste` and `status` say so, as the build decides."""
    from briefing.cli import main
    from briefing.paths import Paths
    from briefing.status import releases

    root, _ = translated(tmp_path)
    original = root / "content" / "pm.md"
    text = original.read_text(encoding="utf-8")

    def lives() -> dict[str, str]:
        return {r.source: r.state for r in releases(Paths(root))}

    original.write_text(text.replace("ort: Dresden", "ort: Dresden\nentwurf: true"),
                        encoding="utf-8")
    approve(root)  # the translation and the briefing; the draft cannot be
    assert lives() == {"content/pm.md": "Entwurf",
                       "content/pm.pl.md": "wartet auf Original (Entwurf)"}
    original.write_text(text.replace("vorgesehen.", "geplant."), encoding="utf-8")
    approve(root, "content/pm.md", "content/b1.md")
    capsys.readouterr()
    main(["freigeben", "content/pm.pl.md", "--name", "Anna Beispiel", "--root", str(root)])
    assert "Hinweis: content/pm.pl.md: Übersetzung veraltet; sie wird erst veröffentlicht, " \
        "wenn sie angeglichen ist" in capsys.readouterr().out
    assert lives() == {"content/pm.md": "freigegeben, fällig",
                       "content/pm.pl.md": "zurückgehalten: Übersetzung veraltet"}
    capsys.readouterr()
    main(["veröffentlichen", "--root", str(root)])  # the original goes out, not the edition
    said = capsys.readouterr().out.splitlines()
    assert [line[18:].split(" (")[0] for line in said] == [
        "veröffentlicht: output/web/pm/", "Übersetzung veraltet"]
    held = ("Übersetzung veraltet (content/pm.pl.md): sie wird nicht "
            "mit dem Original veröffentlicht (Vorschau in output/gesperrt/pm.pl/), bis sie "
            "angeglichen ist und »fassung« stimmt, oder sie sagt mit »frühere-fassung: true«, "
            "dass sie eine frühere Fassung wiedergibt")
    assert said[1].endswith(held)
    assert lives() == {"content/pm.md": "veröffentlicht",
                       "content/pm.pl.md": "zurückgehalten: Übersetzung veraltet"}
    main(["veröffentlichen", "--root", str(root)])  # nothing new: it still says what waits
    said = capsys.readouterr().out.splitlines()
    assert [line[18:] for line in said[:-1]] == [held] and said[-1] == "Nichts veröffentlicht."
    main(["status", "--root", str(root)])
    assert "Veröffentlichung: zurückgehalten: Übersetzung veraltet content/pm.pl.md" in \
        capsys.readouterr().out
    edition = root / "content" / "pm.pl.md"
    edition.write_text(edition.read_text(encoding="utf-8").replace(
        "original: pm", "original: pm\nfrühere-fassung: true"), encoding="utf-8")
    approve(root, "content/pm.pl.md")
    assert lives()["content/pm.pl.md"] == "freigegeben, fällig"
    build(root, channels=True)
    assert lives()["content/pm.pl.md"] == "veröffentlicht"
    capsys.readouterr()
    assert main(["status", "--root", str(root)]) == 0  # nothing waits: no such line
    assert "Veröffentlichung:" not in capsys.readouterr().out


def test_vergleich_shows_every_change_to_the_original_since_the_translation(tmp_path,
                                                                            capsys):
    """The warning names three passages and how many more; `vergleich --seit fassung`
    shows them all, word by word, as the translator needs them."""
    from briefing.cli import main

    paragraphs = [f"Absatz {n} mit einigen Wörtern mehr." for n in range(1, 6)]
    body = fixture("de")[1] + "\n\n" + "\n\n".join(paragraphs)
    root, version = translated(tmp_path, body)
    original = root / "content" / "pm.md"
    text = original.read_text(encoding="utf-8")
    original.write_text(text.replace("mehr.", "mehr. Neu."), encoding="utf-8")
    (stale,) = check(root).problems
    assert stale.message.count("{+Neu.+}") == 3
    assert stale.message.endswith("und 2 weitere Stellen (alle: »make vergleich "
                                  "DATEI=content/pm.pl.md SEIT=fassung«); gleichen Sie die "
                                  f"Übersetzung an und tragen Sie dann »fassung: "
                                  f"{stale.message.split('jetzt Fassung ')[1][:8]}« ein")
    capsys.readouterr()
    assert main(["vergleich", "content/pm.pl.md", "--seit", "fassung", "--root",
                 str(root)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"content/pm.pl.md: Änderungen am Original content/pm.md seit "
                          f"Fassung {version}\n")
    assert out.count("{+ Neu.+}") == 5
    assert (root / "output" / "vergleich" / "pm.pl.html").is_file()
    assert main(["vergleich", "content/pm.md", "--seit", "fassung", "--root", str(root)]) == 2
    assert "ist keine Übersetzung" in capsys.readouterr().err


def test_an_edition_not_approved_holds_its_family(tmp_path, capsys):
    """An edition that is neither a draft nor out of date goes out with its original: one
    not approved holds them all, and every command names it."""
    from briefing.cli import main
    from briefing.paths import Paths
    from briefing.status import releases

    root, version = translated(tmp_path)
    (root / "content" / "pm.cs.md").write_text(translation("cs", "cs-CZ").replace(
        "original: pm", f"original: pm\nfassung: {version}"), encoding="utf-8")
    approve(root, "content/pm.md", "content/b1.md", "content/pm.pl.md")
    waits = "wartet auf Freigabe von content/pm.cs.md"
    found = releases(Paths(root))
    assert [(r.source, r.state) for r in found] == [  # the original first
        ("content/pm.md", waits), ("content/pm.cs.md", "nicht freigegeben"),
        ("content/pm.pl.md", waits)]
    capsys.readouterr()
    main(["veröffentlichen", "--root", str(root)])
    said = capsys.readouterr().out.splitlines()
    assert said[-1] == "Nichts veröffentlicht."
    approval = ("noch nicht freigegeben ist content/pm.cs.md (freigeben mit »make freigeben "
                "DATEI=\"…\" NAME=\"…\"«, von einer anderen Person als der Autorin oder dem "
                "Autor)")
    assert [line[18:] for line in said[:-1]] == [
        f"wird nicht veröffentlicht: {approval} (Vorschau in output/gesperrt/pm.cs/)",
        "content/pm.md: wird nicht veröffentlicht: sie geht nur zusammen mit den anderen "
        f"Fassungen hinaus, und {approval} (Vorschau in output/gesperrt/pm/)",
        "content/pm.pl.md: wird nicht veröffentlicht: sie geht nur zusammen mit den anderen "
        f"Fassungen hinaus, und {approval} (Vorschau in output/gesperrt/pm.pl/)"]
    assert not (root / "output" / "web" / "pm").exists()
    # Waiting for its time does not hide it; an edition out of date waits for that first;
    # a release approved whose briefing is not names it.
    release = root / "content" / "pm.md"
    text = release.read_text(encoding="utf-8")
    release.write_text(text.replace("ort: Dresden", "ort: Dresden\nveröffentlichung: "
                                    "2099-10-29 10:00"), encoding="utf-8")
    approve(root, "content/pm.md", "content/b1.md", "content/pm.pl.md")  # (they take it over)
    assert {r.source: r.state for r in releases(Paths(root))} == {
        "content/pm.md": waits, "content/pm.pl.md": waits,
        "content/pm.cs.md": "nicht freigegeben"}
    release.write_text(text.replace("vorgesehen.", "geplant."), encoding="utf-8")
    approve(root, "content/pm.md")
    assert {r.source: r.state for r in releases(Paths(root))} == {
        "content/pm.md": "wartet auf Freigabe von content/b1.md",  # (its release changed)
        "content/pm.pl.md": "zurückgehalten: Übersetzung veraltet",
        "content/pm.cs.md": "zurückgehalten: Übersetzung veraltet"}


def test_vergleich_shows_what_changed_in_a_text_taken_over(tmp_path, capsys):
    """A briefing approved with its release: the release changes and is approved again.
    The briefing must be approved again, and `vergleich` shows why: the release's words
    since the briefing's approval (not »unverändert«)."""
    from briefing.cli import main
    from briefing.publication import refusals_text

    root, _ = translated(tmp_path)
    approve(root)
    release = root / "content" / "pm.md"
    release.write_text(release.read_text(encoding="utf-8").replace(
        "vorgesehen.", "geplant."), encoding="utf-8")
    approve(root, "content/pm.md")
    project = load_project(root)
    briefing = next(d for d in project.documents if d.slug == "b1")
    why = refusals_text(project.register, [briefing])
    assert why.startswith("content/b1.md übernimmt aus content/pm.md, das geändert wurde seit "
                          "der Freigabe durch")
    capsys.readouterr()
    assert main(["vergleich", "content/b1.md", "--root", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["content/b1.md: selbst unverändert seit der Freigabe",
                       "Übernommen aus content/pm.md: Änderungen seitdem"]
    assert "[-vorgesehen.-]{+geplant.+}" in "\n".join(out)
    page = (root / "output" / "vergleich" / "b1.html").read_text(encoding="utf-8")
    assert "<h2>Übernommen aus content/pm.md</h2>" in page
    assert "<del>vorgesehen.</del><ins>geplant.</ins>" in page


def test_a_field_the_translation_names_later_leaves_it_current(tmp_path):
    """The translator adds `ort: Drezno` after translating: the original did not change,
    so the translation is current; check gives the value that covers the new field."""
    root, _ = translated(tmp_path)
    edition = root / "content" / "pm.pl.md"
    edition.write_text(edition.read_text(encoding="utf-8").replace(
        "original: pm", "original: pm\nort: Drezno"), encoding="utf-8")
    (note,) = check(root).problems
    original = next(d for d in load_project(root).documents if d.slug == "pm")
    assert str(note) == (
        "content/pm.pl.md:7: Hinweis: die Übersetzung ist aktuell und nennt jetzt eigene "
        f"Angaben (»ort«): tragen Sie »fassung: {version_of(original, {'ort'})}« ein, dann "
        "meldet »make check« auch, wenn sie sich im Original ändern")
    assert not next(d for d in load_project(root).documents if d.slug == "pm.pl").outdated


def test_changes_since_a_version_of_the_earlier_form_are_only_real_ones(tmp_path, capsys):
    """A `fassung` of the earlier form (every text field) covers fields the translation
    takes over: what changed since shows the body's change, not those fields as taken
    out."""
    from briefing.cli import main

    root, _ = translated(tmp_path)
    original = next(d for d in load_project(root).documents if d.slug == "pm")
    earlier = version_of(original, {"prioritäten", "ort", "kontakt", "herausgeber"})
    edition = root / "content" / "pm.pl.md"
    edition.write_text(re.sub(r"fassung: \w+", f"fassung: {earlier}", edition.read_text(
        encoding="utf-8")), encoding="utf-8")
    from briefing import editions

    (editions._store() / f"{earlier}.txt").unlink()  # as on a machine that never saw it
    assert [p.severity.value for p in check(root).problems] == ["Hinweis"]  # current
    path = root / "content" / "pm.md"
    path.write_text(path.read_text(encoding="utf-8").replace("vorgesehen.", "geplant."),
                    encoding="utf-8")
    (stale,) = check(root).problems
    assert "geändert: … im ersten Halbjahr 2026 [-vorgesehen.-] {+geplant.+};" in \
        stale.message
    capsys.readouterr()
    main(["vergleich", "content/pm.pl.md", "--seit", "fassung", "--root", str(root)])
    out = capsys.readouterr().out
    assert out.count("[-") == 1 and "[-vorgesehen.-]" in out


SPEECH = """\
---
typ: sprechzettel
titel: Rede zur Strategie
datum: 2025-10-29
redner: Ministerpräsident
---

Text.
"""
#: How `neu` names an original in its examples when none is given.
SOME_RELEASE = "content/2025-10-29-pressemitteilung-….md"


@pytest.mark.parametrize(("args", "make", "expected"), [
    # no original (`make uebersetzung` without DATEI=): what to give, in the words typed
    (("--uebersetzung", "", "--sprache", "en-GB"), False, "nennen Sie das Original, z. B. "
     f"briefing neu --uebersetzung {SOME_RELEASE} --sprache en-GB"),
    (("--uebersetzung", " ", "--sprache", ""), True, "nennen Sie das Original und die Sprache "
     f"der Übersetzung, z. B. make uebersetzung DATEI={SOME_RELEASE} SPRACHE=en-GB"),
    (("--leichte-sprache", ""), False,
     f"nennen Sie das Original, z. B. briefing neu --leichte-sprache {SOME_RELEASE}"),
    (("--leichte-sprache", ""), True,
     f"nennen Sie das Original, z. B. make leichte-sprache DATEI={SOME_RELEASE}"),
    # no language: the option (or variable), not the front-matter field
    (("--uebersetzung", "pm.md"), False,
     "nennen Sie die Sprache der Übersetzung, z. B. --sprache en-GB"),
    (("--uebersetzung", "pm.md", "--sprache", ""), True, "nennen Sie die Sprache der "
     "Übersetzung, z. B. make uebersetzung DATEI=content/pm.md SPRACHE=en-GB"),
    # a language without region: a region it is spoken in
    (("--uebersetzung", "pm.md", "--sprache", "en"), False,
     "Sprache »en« braucht eine Region, z. B. en-GB"),
    # the original's own language: refused up front with the advice check would give
    (("--uebersetzung", "pm.md", "--sprache", "de-DE"), False, "Übersetzung in derselben "
     "Sprache wie das Original (de-DE); nennen Sie eine andere Sprache, z. B. »--sprache "
     "en-GB«, oder für Leichte Sprache »briefing neu --leichte-sprache content/pm.md«"),
    (("--uebersetzung", "pm.md", "--sprache", "de_de"), True, "Übersetzung in derselben "
     "Sprache wie das Original (de-DE); nennen Sie eine andere Sprache, z. B. »SPRACHE=en-GB«, "
     "oder für Leichte Sprache »make leichte-sprache DATEI=content/pm.md«"),
    (("--uebersetzung", "rede.md", "--sprache", "de-DE"), False, "Übersetzung in derselben "
     "Sprache wie das Original (de-DE); nennen Sie eine andere Sprache, z. B. »--sprache "
     "en-GB«"),
    # an edition instead of its original: the original, and what is made from it
    (("--leichte-sprache", "pm.pl.md"), False, "content/pm.pl.md ist eine Übersetzung von "
     "content/pm.md; eine Fassung in Leichter Sprache wird aus dem Original angelegt: "
     "»briefing neu --leichte-sprache content/pm.md«"),
    (("--leichte-sprache", "content/pm.pl.md"), True, "content/pm.pl.md ist eine Übersetzung "
     "von content/pm.md; eine Fassung in Leichter Sprache wird aus dem Original angelegt: "
     "»make leichte-sprache DATEI=content/pm.md«"),
    (("--uebersetzung", "pm.ls.md", "--sprache", "cs-CZ"), False, "content/pm.ls.md ist die "
     "Fassung in Leichter Sprache von content/pm.md; eine Übersetzung wird aus dem Original "
     "angelegt: »briefing neu --uebersetzung content/pm.md --sprache …«"),
    (("--leichte-sprache", "briefing.toml"), False, "briefing.toml ist kein fehlerfreies "
     "Original in content/ (eine Fassung in Leichter Sprache wird aus dem Original angelegt)"),
])
def test_a_translation_that_cannot_be_made_says_what_to_give(tmp_path, capsys, monkeypatch,
                                                             args, make, expected):
    from briefing.cli import main

    if make:
        monkeypatch.setenv("BRIEFING_AUFRUF", "make")
    root = make_project(tmp_path, {
        "content/pm.md": ORIGINAL.format(body=fixture("de")[1]), "content/rede.md": SPEECH,
        "content/pm.pl.md": translation("pl", "pl-PL"),
        "content/pm.ls.md": translation("de", "de-DE", extra="leichte-sprache: true\n")})
    before = sorted(p.name for p in (root / "content").iterdir())
    assert main(["neu", *args, "--root", str(root)]) == 2
    assert capsys.readouterr().err.splitlines() == [f"briefing: neu: {expected}"]
    assert sorted(p.name for p in (root / "content").iterdir()) == before


def test_make_names_its_variables_in_the_hints_for_editions():
    makefile = (Path(__file__).parents[1] / "Makefile").read_text(encoding="utf-8")
    for target in ("uebersetzung", "leichte-sprache"):
        recipe = makefile.split(f"\n{target}:", 1)[1].split("\n")[1]
        assert recipe.startswith("\tBRIEFING_AUFRUF=make $(BRIEFING) neu "), target


@pytest.mark.parametrize(("given", "suggested"), [
    ("en", "en-GB"), ("EN", "en-GB"), ("pl", "pl-PL"), ("cs", "cs-CZ"), ("hsb", "hsb-DE"),
    ("dsb", "dsb-DE"), ("de", "de-DE"), ("fr", "fr-FR"), ("sr-Latn", "sr-RS"),
])
def test_a_language_without_region_gets_one_it_is_spoken_in(given, suggested):
    from briefing.values import FieldError, parse_language

    with pytest.raises(FieldError) as raised:
        parse_language(given)
    assert str(raised.value) == f"»{given}« braucht eine Region, z. B. {suggested}"
    assert parse_language(suggested) == suggested
