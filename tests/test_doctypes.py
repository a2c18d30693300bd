"""One row in the document-type table is a new type: a fixture type, with its templates,
goes through every output (PDF, press kit, web page, e-mail, bundle, archive, feed, JSON),
the README field table, `check`, `status` and `liste`, and its Leichte-Sprache edition."""

from __future__ import annotations

import email
import io
import json
import zipfile
from email import policy

import pytest
from pypdf import PdfReader

from briefing.build import build, check
from briefing.doctypes import DOCTYPES, DocType, register, unregister
from briefing.schema import field_table

from .conftest import approve, make_project

#: A fixture type: an invitation that heads its own package, like a release.
INVITATION = DocType(
    "einladung", "Einladung", "Einladung",
    required=("titel", "datum", "ort"),
    optional=("untertitel", "nummer", "herausgeber", "kontakt", "sprache", "schlagwörter",
              "entwurf", "original", "fassung", "leichte-sprache", "sperrfrist"),
    page_template="einladung.html.j2",
    body_template="partials/einladung-body.html.j2",
    heads_package=True)

TEMPLATES = {
    "templates/einladung.html.j2": """\
        {% extends "base.html.j2" %}
        {% block document %}
        {% include "partials/einladung-body.html.j2" %}
        {% endblock %}
        """,
    "templates/partials/einladung-body.html.j2": """\
        <div class="doc-line">
          <p class="doc-label">{{ doc.label }}</p>
          <p class="doc-date">{{ doc.place }}, {{ doc.date | numeric_date }}</p>
        </div>
        <h1>{{ doc.title }}</h1>
        <div class="body">
        {{ body }}
        </div>
        """,
}
CONTENT = {
    "content/einladung.md": """\
        ---
        typ: einladung
        titel: Einladung zum Sommerfest der Staatskanzlei
        datum: 2025-10-29
        ort: Dresden
        ---

        Dresden (29. Oktober 2025) – Die Staatskanzlei lädt ein: Ansprache um 18 Uhr.
        """,
    "content/einladung.ls.md": """\
        ---
        typ: einladung
        titel: Einladung zum Fest
        original: einladung
        leichte-sprache: true
        ---

        Die Staats·kanzlei macht ein Fest.
        """,
}


@pytest.fixture
def invitation(tmp_path):
    register(INVITATION)
    try:
        yield make_project(tmp_path, {**TEMPLATES, **CONTENT})
    finally:
        unregister(INVITATION.name)


def test_a_new_type_goes_through_every_output(invitation):
    approve(invitation)
    report = build(invitation, channels=True)
    assert report.errors == [], [str(p) for p in report.errors]
    out = invitation / "output"
    text = " ".join(PdfReader(out / "einladung.pdf").pages[0].extract_text().split())
    assert "EINLADUNG" in text and "Einladung zum Sommerfest der Staatskanzlei" in text
    assert "Die Staatskanzlei lädt ein" in text
    kit = " ".join(p.extract_text() for p in PdfReader(out / "einladung-pressemappe.pdf").pages)
    assert "Sommerfest" in kit
    page = (out / "web" / "einladung" / "einladung.html").read_text(encoding="utf-8")
    assert "Die Staatskanzlei lädt ein" in page
    mail = email.message_from_bytes((out / "e-mail" / "einladung.eml").read_bytes(),
                                    policy=policy.default)
    assert mail["Subject"] == "Einladung zum Sommerfest der Staatskanzlei"
    with zipfile.ZipFile(io.BytesIO((out / "pakete" / "einladung.zip").read_bytes())) as bundle:
        assert "einladung.pdf" in bundle.namelist()
    assert "einladung/index.html" in (out / "web" / "index.html").read_text(encoding="utf-8")
    assert "einladung/index.html" in (out / "web" / "feed.atom").read_text(encoding="utf-8")
    exported = json.loads((out / "web" / "pressemitteilungen.json").read_text(encoding="utf-8"))
    (entry,) = exported["pressemitteilungen"]
    assert entry["kennung"] == "einladung"
    assert [v["leichte_sprache"] for v in entry["fassungen"]] == [False, True]
    # The Leichte-Sprache edition uses the type's own body template.
    easy = " ".join(PdfReader(out / "einladung.ls.pdf").pages[0].extract_text().split())
    assert "Die Staats·kanzlei macht ein Fest." in easy and "EINLADUNG" in easy


def test_a_new_type_is_a_column_of_the_field_table_and_known_to_check(invitation):
    header = field_table().splitlines()[0]
    assert header == ("| Feld | Pressemitteilung | Hintergrund | Terminhinweis | Sprechzettel | "
                      "Fragen und Antworten | Einladung | Bedeutung | Beispiel |")
    assert "`pressemitteilung`, `hintergrund`, `terminhinweis`, `sprechzettel`, " \
           "`fragen-antworten` oder `einladung`" in field_table()
    report = check(invitation)
    assert report.errors == []
    (invitation / "content" / "falsch.md").write_text(
        "---\ntyp: einladung\ntitel: X\ndatum: 2025-10-29\nort: Dresden\npriorität: a\n---\n\nX\n",
        encoding="utf-8")
    assert [p.message for p in check(invitation).errors] == [
        "Feld »priorität« gibt es nur bei Hintergrundinformation; löschen Sie es"]


def test_status_and_liste_know_a_new_type(invitation, capsys):
    from briefing.cli import main

    assert build(invitation, channels=True).errors == []
    assert main(["liste", "--root", str(invitation)]) == 0
    out = capsys.readouterr().out
    assert "Einladung zum Sommerfest der Staatskanzlei" in out


def test_the_table_is_restored():
    assert "einladung" not in DOCTYPES
