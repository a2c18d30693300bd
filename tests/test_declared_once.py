"""Decisions made once: front matter arrives as typed, is typeset once for every output,
inherited by one table; a bug in briefing is a bug; every output is one row of the table."""

from __future__ import annotations

import email
import json
import re
import xml.etree.ElementTree as ET
from email import policy
from pathlib import Path

import pytest
from pypdf import PdfReader

import briefing.formatting
from briefing.build import build, check
from briefing.cli import main
from briefing.project import load_project

from .conftest import RELEASE, approve

HEAD = "---\ntyp: pressemitteilung\ntitel: Test\nort: Dresden\ndatum: 2025-10-29\n"
BODY = "---\n\nDresden (29. Oktober 2025) – Text.\n"


# --- every scalar arrives as the text typed ------------------------------------------------

@pytest.mark.parametrize("typed", ["10:30", "14:00", "0012", "ja", "on", "1e3", "2025-10-29",
                                   "0x1F", "1_000", "no", "null", "~", ".inf", "+12"])
def test_a_text_field_keeps_what_was_typed(project, typed):
    root = project({"content/pm.md": f"{HEAD}untertitel: {typed}\n{BODY}"})
    (document,) = load_project(root).documents
    assert document.subtitle == typed


@pytest.mark.parametrize(("typed", "draft"), [("true", True), ("false", False),
                                              ("ja", True), ("nein", False)])
def test_a_yes_no_field_takes_true_false_ja_nein(project, typed, draft):
    root = project({"content/pm.md": f"{HEAD}entwurf: {typed}\n{BODY}"})
    (document,) = load_project(root).documents
    assert document.draft is draft


@pytest.mark.parametrize(("front", "expected"), [
    ("entwurf: on\n", "content/pm.md:6: Feld »entwurf« muss true oder false sein, nicht »on«"),
    ("entwurf: 1\n", "content/pm.md:6: Feld »entwurf« muss true oder false sein, nicht »1«"),
    ("sperrfrist: 14:00\n",
     "content/pm.md:6: Feld »sperrfrist« »14:00« ist kein Zeitpunkt; schreiben Sie "
     "JJJJ-MM-TT HH:MM, z. B. 2025-10-29 14:00"),
    ("fassung: 1e3\n", "content/pm.md:6: Feld »fassung« »1e3« ist keine Fassung (8 Zeichen "
     "aus 0–9 und a–f, wie `briefing check` sie nennt)"),
])
def test_a_value_that_is_not_what_the_field_needs_is_named_as_typed(project, front, expected):
    root = project({"content/pm.md": HEAD + front + BODY})
    assert [str(p) for p in check(root).errors] == [expected]


def test_a_number_keeps_its_digits(project):
    root = project({"content/pm.md": f"{HEAD}nummer: Nr. 0012/2025\n{BODY}"})
    (document,) = load_project(root).documents
    assert document.number == "Nr.\u00a012/2025"


# --- typography once, for every output -----------------------------------------------------

TITLE = 'Sachsen "weltoffen" - z. B. mit Polen'
SHOWN = "Sachsen »weltoffen« – z.\u00a0B. mit Polen"


def test_every_output_shows_the_title_typeset_the_same(project):
    root = project({"content/pm.md": RELEASE.replace("titel: Testmitteilung",
                                                     f"titel: '{TITLE}'")})
    approve(root)
    assert build(root, channels=True).errors == []
    out = root / "output"
    plain = SHOWN.replace("\u00a0", " ")
    assert PdfReader(out / "pm.pdf").metadata.title == plain
    page = (out / "web" / "pm" / "pm.html").read_text(encoding="utf-8")
    assert f"<h1>{SHOWN}</h1>" in page
    mail = email.message_from_bytes((out / "e-mail" / "pm.eml").read_bytes(),
                                    policy=policy.default)
    assert mail["Subject"] == plain
    text = (out / "e-mail" / "pm.txt").read_text(encoding="utf-8")
    assert SHOWN in text
    feed = ET.parse(out / "web" / "feed.atom").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.find(f"{atom}entry/{atom}title").text == plain
    exported = json.loads((out / "web" / "pressemitteilungen.json").read_text(encoding="utf-8"))
    assert exported["pressemitteilungen"][0]["titel"] == SHOWN


# --- one inheritance table ---------------------------------------------------------------

BRIEFING = """\
---
typ: hintergrund
titel: Hintergrund
datum: 2025-10-29
pressemitteilung: pm
priorität: eins
{own}---

## Abschnitt

Text.
"""
WITH_PUBLISHER = RELEASE.replace(
    "ort: Dresden\n", "ort: Dresden\nherausgeber: Sächsisches Staatsministerium für "
    "Wirtschaft\nnummer: Nr. 7/2025\nprioritäten:\n  eins: Erste\n")


@pytest.mark.parametrize(("own", "publisher", "number"), [
    ("", "Sächsisches Staatsministerium für Wirtschaft", "Nr.\u00a07/2025"),
    ("herausgeber: Sächsische Staatskanzlei\nnummer: Nr. 8/2025\n",
     "Sächsische Staatskanzlei", "Nr.\u00a08/2025"),
])
def test_a_briefing_takes_over_what_it_does_not_name(project, own, publisher, number):
    root = project({"content/pm.md": WITH_PUBLISHER,
                    "content/b.md": BRIEFING.format(own=own)})
    project_ = load_project(root)
    briefing_ = next(d for d in project_.documents if d.slug == "b")
    assert (briefing_.publisher.name, briefing_.number) == (publisher, number)


def test_the_press_kit_and_its_briefings_name_the_same_publisher(project):
    root = project({"content/pm.md": WITH_PUBLISHER, "content/b.md": BRIEFING.format(own="")})
    assert build(root, channels=True).errors == []
    kit = PdfReader(root / "output" / "pm-pressemappe.pdf")
    text = " ".join(page.extract_text() for page in kit.pages)
    assert "Sächsische Staatskanzlei" not in text  # the project default is not used
    assert text.count("Staatsministerium für Wirtschaft") >= 3


# --- a bug in briefing is a bug -----------------------------------------------------------

def _planted_bug(value, locale):
    return {}["ein Fehler im Code von briefing"]


def test_a_bug_in_a_filter_is_a_bug_not_a_template_problem(project, capsys, monkeypatch,
                                                             tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = project({"content/pm.md": RELEASE})
    monkeypatch.setattr(briefing.formatting, "numeric_date", _planted_bug)
    assert main(["build", "--root", str(root)]) == 4
    err = capsys.readouterr().err.strip().splitlines()
    (line,) = err
    assert line.startswith("content/pm.md: Interner Fehler in briefing (KeyError: ")
    assert "das ist ein Fehler des Programms, nicht Ihres Inhalts" in line
    assert "templates/" not in line
    report = Path(re.search(r"Bericht: (\S+)", line)[1])
    text = report.read_text(encoding="utf-8")
    assert "Traceback" in text and "_planted_bug" in text and "weasyprint==70.0" in text


def test_a_filter_given_the_wrong_thing_is_the_templates_problem(project, capsys):
    root = project({"content/pm.md": RELEASE})
    footer = root / "templates" / "partials" / "footer.html.j2"
    footer.write_text(footer.read_text(encoding="utf-8").replace(
        "doc.date | numeric_date", "doc.title | numeric_date"), encoding="utf-8")
    assert main(["check", "--root", str(root)]) == 1
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("templates/partials/footer.html.j2:2: Vorlage kann nicht verwendet "
                           "werden (Jinja meldet: Filter »numeric_date« braucht ein Datum, ")
    assert line.endswith("korrigieren Sie die Vorlage")


def test_a_bug_outside_any_document_gives_exit_code_4(project, capsys, monkeypatch,
                                                      tmp_path):
    import briefing.project

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = project({"content/pm.md": RELEASE})

    def broken(*args, **kwargs):
        raise AttributeError("geplant")

    monkeypatch.setattr(briefing.project, "load_project", broken)
    assert main(["check", "--root", str(root)]) == 4
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("briefing: Interner Fehler in briefing (AttributeError: geplant)")
    assert Path(re.search(r"Bericht: (\S+)", line)[1]).is_file()


# --- the JSON export ----------------------------------------------------------------------

def test_json_export_lists_public_releases_with_their_files(project, monkeypatch):
    import datetime as dt

    import briefing.clock

    # a is due (the start of its day has passed), b's embargo has not.
    monkeypatch.setattr(briefing.clock, "now",
                        lambda: dt.datetime(2025, 10, 29, 8, 0, tzinfo=dt.UTC))
    embargoed = RELEASE.replace("ort: Dresden\n", "ort: Dresden\nsperrfrist: 2025-10-29 10:00\n")
    draft = RELEASE.replace("ort: Dresden\n", "ort: Dresden\nentwurf: true\n")
    public = RELEASE.replace("ort: Dresden\n", "ort: Dresden\nnummer: Nr. 12/2025\n"
                             "untertitel: Mit \"Zitat\"\n")
    root = project({"content/a.md": public, "content/b.md": embargoed, "content/c.md": draft})
    approve(root)
    assert build(root, channels=True).errors == []
    out = root / "output"
    data = json.loads((out / "web" / "pressemitteilungen.json").read_text(encoding="utf-8"))
    assert [e["kennung"] for e in data["pressemitteilungen"]] == ["a"]
    (entry,) = data["pressemitteilungen"]
    assert entry["nummer"] == "Nr.\u00a012/2025"  # typed: kept, not counted
    assert entry["datum"] == "2025-10-29"
    assert entry["veroeffentlicht"] == "2025-10-29T00:00:00+01:00"
    assert entry["untertitel"] == "Mit »Zitat«"
    assert entry["vorspann"] == "Dresden (29.\u00a0Oktober 2025) – Ein kurzer Text."
    assert entry["fassungen"] == [{"sprache": "de-DE", "leichte_sprache": False,
                                   "titel": "Testmitteilung", "seite": "a/index.html"}]
    (pdf,) = entry["pdf"]
    import hashlib

    data_ = (out / "web" / "a" / "a.pdf").read_bytes()
    assert (pdf["adresse"], pdf["bytes"], pdf["sha256"]) == (
        "a/a.pdf", len(data_), hashlib.sha256(data_).hexdigest())
    assert data_ == (out / "a.pdf").read_bytes()


# --- the output table ---------------------------------------------------------------------

def test_every_output_is_a_row_with_a_module_that_makes_it():
    from briefing.doctypes import ALL_OUTPUTS
    from briefing.outputs import OUTPUTS

    assert [o.name for o in OUTPUTS if not o.internal] == list(ALL_OUTPUTS)
    for output in OUTPUTS:
        module = output.load()
        assert callable(module.make) and callable(module.templates), output.name
        assert set(output.needs) <= {o.name for o in OUTPUTS[:OUTPUTS.index(output)]}


def test_no_module_imports_a_higher_floor():
    """outputs/ never imports the build: the table's modules and the runner are apart."""
    source = Path(__file__).resolve().parents[1] / "src" / "briefing"
    from briefing.outputs import OUTPUTS

    for output in OUTPUTS:
        text = (source / f"{output.module.split('.')[-1]}.py").read_text(encoding="utf-8")
        assert not re.search(r"from \.(build|run|report|incremental|cli|preview) import", text)


def test_a_change_remakes_what_it_touches(project):
    """A change to the archive's template rewrites the archive only; a change to a release
    rewrites its package and the site's lists, nothing of the other release."""
    root = project({"content/a.md": RELEASE, "content/b.md": RELEASE.replace(
        "Testmitteilung", "Zweite Mitteilung")})
    assert build(root, channels=True).errors == []
    archive = root / "templates" / "web" / "archiv.html.j2"
    archive.write_text(archive.read_text(encoding="utf-8").replace(
        "<h1>", "<h1 class=\"archiv\">"), encoding="utf-8")  # changes only the archive
    report = build(root, channels=True)
    assert report.channel_written == ["output/web/index.html"]
    assert report.count("built") == 0
    (root / "content" / "a.md").write_text(RELEASE.replace("Ein kurzer Text.",
                                                           "Ein neuer Text."), encoding="utf-8")
    report = build(root, channels=True)
    assert sorted(o.output.name for o in report.outcomes if not o.unchanged) == [
        "a-pressemappe.pdf", "a.pdf"]
    # Not approved: its package is a review copy in gesperrt/, and the site lists nothing.
    assert sorted(report.channel_written) == [
        "output/e-mail/a.eml", "output/e-mail/a.txt", "output/gesperrt/a/a-pressemappe.pdf",
        "output/gesperrt/a/a.html", "output/gesperrt/a/a.pdf", "output/pakete/a.zip"]


def test_check_makes_every_output_in_memory_and_writes_nothing(project):
    root = project({"content/pm.md": RELEASE})
    assert check(root).problems == []
    assert not (root / "output").exists()
