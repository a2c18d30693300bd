"""Media advisories (Terminhinweis): their fields and messages, the PDF, the web page with
its calendar file, the e-mail with the event attached; the `.ics` read back with
`icalendar` as a calendar would."""

from __future__ import annotations

import datetime as dt
import email
from email import policy
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

import briefing.clock
from briefing import formatting
from briefing.audit import audit
from briefing.build import build, check

from .conftest import approve, make_project
from .pdftext import structure_text

ADVISORY = """\
---
typ: terminhinweis
titel: Ministerpräsident stellt Wasserstoff-Kooperation vor
datum: 2025-11-13
beginn: 2025-11-14 10:00
ende: 2025-11-14 11:30
ort: Dresden
adresse: Archivstraße 1, 01097 Dresden
akkreditierung: bis 13. November, 12 Uhr, an presse@example.de
fototermin: ab 9:45 Uhr vor dem Eingang
livestream: https://www.medienservice.example.de/live/wasserstoff-kooperation
---

Dresden (13. November 2025) – Der Ministerpräsident stellt die Kooperation vor.
"""
SLUG = "termin"


@pytest.fixture(scope="module")
def advisory(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("termin"), {f"content/{SLUG}.md": ADVISORY})
    with (root / "briefing.toml").open("a", encoding="utf-8") as config:
        config.write('\n[web]\nadresse = "https://presse.example.de/"\n')
    approve(root)
    now = briefing.clock.now
    briefing.clock.now = lambda: dt.datetime(2025, 11, 13, 12, 0, tzinfo=dt.UTC)
    try:
        report = build(root, channels=True)
    finally:
        briefing.clock.now = now
    assert report.errors == [] and report.warnings == [], [str(p) for p in report.problems]
    return root


def test_the_pdf_says_when_and_where_first(advisory):
    from .pdftext import structure_text

    # As a screen reader gets it: in the order of the structure tree (each term, then its
    # description, right after the title).
    text = structure_text(advisory / "output" / f"{SLUG}.pdf").replace("\u00a0", " ")
    assert "TERMINHINWEIS" in text
    assert "Wasserstoff-Kooperation vor" + "".join((
        "Wann", "Freitag, 14. November 2025, 10:00–11:30 Uhr",
        "Wo", "Dresden, Archivstraße 1, 01097 Dresden",
        "Akkreditierung", "bis 13. November, 12 Uhr, an presse@example.de",
        "Fototermin", "ab 9:45 Uhr vor dem Eingang",
        "Livestream", "https://www.medienservice.example.de/live/wasserstoff-kooperation")) in text


def test_the_calendar_file_reads_back(advisory):
    from icalendar import Calendar

    data = (advisory / "output" / "web" / SLUG / f"{SLUG}.ics").read_bytes()
    (event,) = Calendar.from_ical(data).walk("VEVENT")
    berlin = ZoneInfo("Europe/Berlin")
    assert event.decoded("dtstart") == dt.datetime(2025, 11, 14, 10, 0, tzinfo=berlin)
    assert event.decoded("dtend") == dt.datetime(2025, 11, 14, 11, 30, tzinfo=berlin)
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    assert str(event["summary"]) == "Ministerpräsident stellt Wasserstoff-Kooperation vor"
    assert str(event["location"]) == "Dresden, Archivstraße 1, 01097 Dresden"
    assert str(event["url"]) == f"https://presse.example.de/{SLUG}/{SLUG}.html"
    assert str(event["uid"]) == f"{SLUG}@presse.example.de"
    assert "Akkreditierung: bis 13. November, 12 Uhr" in str(event["description"])
    assert b"BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin" in data
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    # The same advisory, the same bytes.
    assert build(advisory, channels=True).noop


def test_the_page_links_the_calendar_file_and_the_mail_carries_it(advisory):
    page = (advisory / "output" / "web" / SLUG / f"{SLUG}.html").read_text(encoding="utf-8")
    assert f'<a href="{SLUG}.ics" type="text/calendar">Termin in den Kalender übernehmen ' \
           "(.ics)</a>" in page
    mail = email.message_from_bytes((advisory / "output" / "e-mail" / f"{SLUG}.eml")
                                    .read_bytes(), policy=policy.default)
    (ics,) = [a for a in mail.iter_attachments() if a.get_content_type() == "text/calendar"]
    assert ics.get_filename() == f"{SLUG}.ics"
    assert b"SUMMARY:Ministerpr" in ics.get_payload(decode=True)
    # The e-mail says when and where before the text, as the page does.
    text = (advisory / "output" / "e-mail" / f"{SLUG}.txt").read_text(encoding="utf-8")
    assert "Ministerpräsident stellt Wasserstoff-Kooperation vor\n" + "=" * 52 + "\n\n" \
        "Wann: Freitag,\u00a014.\u00a0November\u00a02025, 10:00–11:30\u00a0Uhr\n" \
        "Wo: Dresden, Archivstraße 1, 01097 Dresden\n" \
        "Akkreditierung: bis 13. November, 12 Uhr, an presse@example.de\n" \
        "Fototermin: ab 9:45 Uhr vor dem Eingang\n" \
        "Livestream:\n  https://www.medienservice.example.de/live/wasserstoff-kooperation\n\n" \
        "Dresden (13." in text
    html = mail.get_body(("html",)).get_content()
    assert "<dt>Wann</dt><dd>Freitag,\u00a014.\u00a0November\u00a02025, 10:00–11:30\u00a0Uhr" \
        "</dd>" in html


@pytest.mark.parametrize(("change", "expected"), [
    (("ende: 2025-11-14 11:30", "ende: 2025-11-14 09:30"),
     "content/termin.md:6: »ende« (14.11.2025 09:30) liegt nicht nach »beginn« (14.11.2025 "
     "10:00); prüfen Sie beide Zeiten"),
    (("livestream: https://www.medienservice.example.de/live/wasserstoff-kooperation",
      "livestream: im Internet"),
     "content/termin.md:11: Feld »livestream« »im Internet« ist keine Webadresse; schreiben "
     "Sie sie mit https://, z. B. https://www.example.de/live"),
    (("beginn: 2025-11-14 10:00\n", ""),
     "content/termin.md:1: Pflichtfeld »beginn« fehlt (Terminhinweis: wann der Termin "
     "beginnt (JJJJ-MM-TT HH:MM, Berliner Zeit)), z. B. »beginn: 2025-11-14 10:00«"),
])
def test_impossible_times_and_values_are_one_clear_message(tmp_path, change, expected):
    root = make_project(tmp_path, {"content/termin.md": ADVISORY.replace(*change)})
    assert [str(p) for p in check(root).problems] == [expected]


def test_a_publication_build_refuses_an_advisory_for_a_past_event(tmp_path):
    root = make_project(tmp_path, {"content/termin.md": ADVISORY})
    assert "content/termin.md:5: Der Termin hat schon begonnen (14.11.2025 10:00); ein " \
           "Terminhinweis lädt zu einem kommenden Termin ein – prüfen Sie »beginn«" in \
           [str(p) for p in check(root, final=True).problems]


@pytest.mark.langsam
def test_the_advisory_page_in_a_browser(advisory):
    import email
    from email import policy

    from .browser import WIDTHS, Browser, format_violations

    web = advisory / "output" / "web"
    # The e-mail's HTML part too: a long address must not make it scroll sideways.
    message = email.message_from_bytes((advisory / "output" / "e-mail" / f"{SLUG}.eml")
                                       .read_bytes(), policy=policy.default)
    mail = advisory / "mail.html"
    mail.write_text(message.get_body(("html",)).get_content(), encoding="utf-8")
    with Browser() as browser:
        for page in (web / SLUG / f"{SLUG}.html", web / "termine" / "2025-KW46.html",
                     web / "index.html", mail):
            for width in WIDTHS:
                found = browser.look(page.as_uri(), width)
                assert found["violations"] == [], format_violations(found["violations"])
                assert found["scrollWidth"] <= found["clientWidth"]


def test_the_weekly_preview_lists_the_week_s_advisories(advisory):
    out = advisory / "output"
    page = (out / "web" / "termine" / "2025-KW46.html").read_text(encoding="utf-8")
    assert "<h1>10.\u00a0November\u00a02025 – 16.\u00a0November\u00a02025 " \
           '<span class="doc-number">(KW 46)</span></h1>' in page
    assert f'<a href="../{SLUG}/index.html">Ministerpräsident stellt Wasserstoff-Kooperation ' \
           "vor</a>" in page
    assert f'<a href="../{SLUG}/{SLUG}.ics" type="text/calendar">' in page
    text = (out / "e-mail" / "terminvorschau-2025-KW46.txt").read_text(encoding="utf-8")
    assert text.startswith("TERMINVORSCHAU 10.\u00a0November\u00a02025 – 16.\u00a0November"
                           "\u00a02025 (KW 46) · Sächsische Staatskanzlei\n\n"
                           "Freitag,\u00a014.\u00a0November\u00a02025, 10:00–11:30\u00a0Uhr\n"
                           "Ministerpräsident stellt Wasserstoff-Kooperation vor\n"
                           "Dresden, Archivstraße 1, 01097 Dresden\n")
    assert f"https://presse.example.de/{SLUG}/index.html" in text
    archive = (out / "web" / "index.html").read_text(encoding="utf-8")
    assert '<a href="termine/2025-KW46.html">KW 46/2025</a>' in archive


def test_the_weekly_preview_pdf_is_linked_from_its_page_and_the_mail_text(advisory):
    out = advisory / "output"
    pdf = out / "web" / "termine" / "terminvorschau-2025-KW46.pdf"
    page = (out / "web" / "termine" / "2025-KW46.html").read_text(encoding="utf-8")
    size = formatting.file_size(pdf.stat().st_size, "de_DE")
    assert f'<a href="terminvorschau-2025-KW46.pdf">Terminvorschau als PDF ({size})</a>' in page
    text = (out / "e-mail" / "terminvorschau-2025-KW46.txt").read_text(encoding="utf-8")
    assert text.endswith(f"Terminvorschau als PDF ({size}):\n"
                         "https://presse.example.de/termine/terminvorschau-2025-KW46.pdf\n")
    reader = PdfReader(pdf)
    assert reader.metadata.title == "Terminvorschau KW 46/2025"
    # With the site's address, each advisory is linked to its page.
    links = [a["/A"]["/URI"] for a in (r.get_object() for r in reader.pages[0]["/Annots"])]
    assert f"https://presse.example.de/{SLUG}/index.html" in links
    assert audit(pdf, pdf.name) == []


def test_a_changed_advisory_changes_its_week(tmp_path, monkeypatch):
    root = make_project(tmp_path, {"content/a.md": ADVISORY,
                                   "content/b.md": ADVISORY.replace(
                                       "Wasserstoff-Kooperation", "Grenzregion").replace(
                                       "beginn: 2025-11-14 10:00", "beginn: 2025-11-13 15:00")
                                   .replace("ende: 2025-11-14 11:30", "ende: 2025-11-13 16:00"),
                                   "content/c.md": ADVISORY.replace(
                                       "Wasserstoff-Kooperation", "Kulturpreis").replace(
                                       "beginn: 2025-11-14 10:00", "beginn: 2025-11-20 10:00")
                                   .replace("ende: 2025-11-14 11:30", "ende: 2025-11-20 11:30")})
    approve(root)
    monkeypatch.setattr(briefing.clock, "now",
                        lambda: dt.datetime(2025, 11, 13, 12, 0, tzinfo=dt.UTC))
    build(root, channels=True)
    week = root / "output" / "web" / "termine" / "2025-KW46.html"
    page = week.read_text(encoding="utf-8")
    assert page.index("Grenzregion") < page.index("Wasserstoff")  # in the order they begin
    # The week's PDF: each advisory's title and time, in the order they begin, as a screen
    # reader reads it; the next week has its own.
    folder = root / "output" / "web" / "termine"
    pdf = folder / "terminvorschau-2025-KW46.pdf"
    said = structure_text(pdf).replace("\u00a0", " ")
    assert said.index("Grenzregion vorWannDonnerstag, 13. November 2025, 15:00–16:00 Uhr") \
        < said.index("Wasserstoff-Kooperation vorWannFreitag, 14. November 2025, "
                     "10:00–11:30 Uhr")
    assert "Kulturpreis" not in said
    assert "Kulturpreis" in structure_text(folder / "terminvorschau-2025-KW47.pdf")
    next_week = (folder / "terminvorschau-2025-KW47.pdf").read_bytes()
    path = root / "content" / "b.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "beginn: 2025-11-13 15:00", "beginn: 2025-11-14 15:00\nkorrekturen:\n  "
        "2025-11-13: Der Termin beginnt erst am 14. November um 15 Uhr.").replace(
        "ende: 2025-11-13 16:00", "ende: 2025-11-14 16:00"), encoding="utf-8")
    approve(root)
    report = build(root, channels=True)
    assert report.errors == [], [str(p) for p in report.problems]
    page = week.read_text(encoding="utf-8")
    assert page.index("Wasserstoff") < page.index("Grenzregion")
    assert "Freitag,\u00a014.\u00a0November\u00a02025, 15:00" in page
    said = structure_text(pdf).replace("\u00a0", " ")
    assert said.index("Wasserstoff-Kooperation vorWannFreitag, 14. November 2025, "
                      "10:00–11:30 Uhr") < said.index("Grenzregion vorWannFreitag, 14. November "
                                                      "2025, 15:00–16:00 Uhr")
    # Only the week that changed was set again.
    made = {o.display_path: o.unchanged for o in report.outcomes
            if o.display_path.startswith("output/web/termine/")}
    assert made == {"output/web/termine/terminvorschau-2025-KW46.pdf": False,
                    "output/web/termine/terminvorschau-2025-KW47.pdf": True}
    assert (folder / "terminvorschau-2025-KW47.pdf").read_bytes() == next_week
    # A week without public advisories has no preview any more.
    path = root / "content" / "c.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "livestream:", "zurückgezogen:\n  datum: 2025-11-13\n  grund: Entfällt.\nlivestream:"),
        encoding="utf-8")
    approve(root)
    report = build(root, channels=True)
    assert not (folder / "terminvorschau-2025-KW47.pdf").exists()
    assert ("output/web/termine/terminvorschau-2025-KW47.pdf", "nicht mehr erzeugt") in \
        report.removed


def test_a_withdrawn_advisory_cancels_the_event(tmp_path, monkeypatch):
    from icalendar import Calendar

    root = make_project(tmp_path, {"content/termin.md": ADVISORY.replace(
        "livestream:", "zurückgezogen:\n  datum: 2025-11-13\n  grund: Der Termin entfällt.\n"
        "livestream:")})
    approve(root)
    monkeypatch.setattr(briefing.clock, "now",
                        lambda: dt.datetime(2025, 11, 13, 12, 0, tzinfo=dt.UTC))
    build(root, channels=True)
    mail = email.message_from_bytes((root / "output" / "e-mail" / "termin.eml").read_bytes(),
                                    policy=policy.default)
    (ics,) = list(mail.iter_attachments())
    (event,) = Calendar.from_ical(ics.get_payload(decode=True)).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 1
    assert "Der Termin entfällt." in str(event["description"])
    assert "Kooperation vor." not in str(event["description"])
    # Every channel names it as what it is.
    notice = "Dieser Terminhinweis wurde am 13. November 2025 zurückgezogen."
    assert f"{notice} Grund: Der Termin entfällt." in str(event["description"])
    out = root / "output"
    for shown in ((out / "web" / "termin" / "termin.html").read_text(encoding="utf-8"),
                  (out / "e-mail" / "termin.txt").read_text(encoding="utf-8"),
                  mail.get_body(("html",)).get_content(),
                  (out / "web" / "feed.atom").read_text(encoding="utf-8")):
        shown = " ".join(shown.replace("\u00a0", " ").split())
        assert notice in shown and "Pressemitteilung wurde" not in shown


@pytest.mark.parametrize(("language", "release", "advisory"), [
    ("de", "Diese Pressemitteilung wurde am 13. November 2025 zurückgezogen.",
     "Dieser Terminhinweis wurde am 13. November 2025 zurückgezogen."),
    ("en-GB", "This press release was withdrawn on 13 November 2025.",
     "This media advisory was withdrawn on 13 November 2025."),
    ("pl-PL", "Ten komunikat prasowy został wycofany 13 listopada 2025.",
     "Ta zapowiedź wydarzenia została wycofana 13 listopada 2025."),
    ("cs-CZ", "Tato tisková zpráva byla stažena dne 13. listopadu 2025.",
     "Tato pozvánka pro média byla stažena dne 13. listopadu 2025."),
    ("hsb-DE", "Tuta tłóčowa zdźělenka bu 13. nowembra 2025 wróćo ćehnjena.",
     "Tuta terminowa pokazka bu 13. nowembra 2025 wróćo ćehnjena."),
])
def test_the_withdrawal_notice_names_the_type_in_every_language(language, release, advisory):
    from briefing.model import withdrawal_notice

    day = dt.date(2025, 11, 13)
    for kind, expected in (("pressemitteilung", release), ("terminhinweis", advisory)):
        assert withdrawal_notice(kind, language, day).replace("\u00a0", " ") == expected


def test_a_translated_advisory_takes_the_event_from_its_original(tmp_path):
    from briefing.project import load_project

    edition = ("---\ntyp: terminhinweis\ntitel: Minister presents hydrogen cooperation\n"
               "sprache: en-GB\noriginal: termin\n---\n\nDresden, 13 November 2025 – Text.\n")
    root = make_project(tmp_path, {"content/termin.md": ADVISORY,
                                   "content/termin.en.md": edition})
    documents = {d.slug: d for d in load_project(root).documents}
    assert documents["termin.en"].starts == documents["termin"].starts
    assert documents["termin.en"].ends == documents["termin"].ends
    assert documents["termin.en"].livestream == "https://www.medienservice.example.de/live/wasserstoff-kooperation"
    (root / "content" / "termin.en.md").write_text(edition.replace(
        "original: termin", "original: termin\nbeginn: 2025-11-14 09:00"), encoding="utf-8")
    assert "content/termin.en.md:6: Feld »beginn« kommt bei einer Übersetzung vom Original; " \
           "löschen Sie es hier" in [str(p) for p in check(root).problems]


EASY = """\
---
typ: terminhinweis
titel: Der Minister·präsident stellt eine Zusammen·arbeit vor
sprache: de-DE
leichte-sprache: true
original: termin
akkreditierung: Melden Sie sich bis Donnerstag um 12 Uhr an.
---

## Was passiert?

Der Minister·präsident stellt eine Zusammen·arbeit vor.
"""


def test_neu_drafts_an_advisory_in_leichte_sprache(tmp_path, capsys):
    from briefing.cli import main

    root = make_project(tmp_path, {"content/termin.md": ADVISORY})
    assert main(["neu", "--leichte-sprache", "content/termin.md", "--root", str(root)]) == 0
    assert "angelegt  content/termin.ls.md" in capsys.readouterr().out
    draft = (root / "content" / "termin.ls.md").read_text(encoding="utf-8")
    for part in ("leichte-sprache: true\n", "original: termin\n", "entwurf: true\n",
                 "## Was passiert?\n\nTODO: Was passiert bei dem Termin?\nTODO: Wer spricht?\n",
                 "## Wann ist der Termin?\n\nAm Freitag, 14. November 2025.\n"
                 "Der Termin beginnt um 10 Uhr.\nDer Termin endet um 11:30 Uhr.\n",
                 "## Wo ist der Termin?\n\nIn Dresden.\n"
                 "Die Adresse ist: Archivstraße 1, 01097 Dresden.\n",
                 "## Wer darf kommen?\n\nJournalistinnen und Journalisten dürfen kommen.\n",
                 "## Wie melden Sie sich an?\n\nTODO: Bis wann und wo melden Sie sich an?\n"
                 "<!-- Im Original: bis 13. November, 12 Uhr, an presse@example.de -->\n",
                 "## Können Sie den Termin im Internet sehen?\n\nJa.\n"
                 "Auf dieser Internet·seite:\nhttps://www.medienservice.example.de/live/wasserstoff-kooperation\n"):
        assert part in draft
    # A draft: check accepts it; a publication build refuses it until every TODO is done.
    assert check(root).errors == []
    assert any(p.path == "content/termin.ls.md" and "TODO" in p.message
               for p in check(root, final=True).errors)


def test_an_advisory_in_leichte_sprache_has_its_event_in_plain_words(tmp_path):
    from icalendar import Calendar

    root = make_project(tmp_path, {"content/termin.md": ADVISORY,
                                   "content/termin.ls.md": EASY})
    report = build(root, channels=True)
    assert report.errors == [], [str(p) for p in report.errors]
    out = root / "output"
    said = structure_text(out / "termin.ls.pdf").replace("\u00a0", " ")
    assert "TERMINHINWEIS IN LEICHTER SPRACHE" in said
    # When from the original, said with »von … bis«; the registration in its own words,
    # the photo call in the original's.
    assert "Wann?Freitag, 14. November 2025, von 10:00 Uhr bis 11:30 Uhr" \
           "Wo?Dresden, Archivstraße 1, 01097 Dresden" \
           "AnmeldungMelden Sie sich bis Donnerstag um 12 Uhr an." \
           "Fotosab 9:45 Uhr vor dem Eingang" \
           "Im Internethttps://www.medienservice.example.de/live/wasserstoff-kooperation" in said
    page = (out / "gesperrt" / "termin.ls" / "termin.ls.html").read_text(encoding="utf-8")
    assert "<dt>Anmeldung</dt><dd>Melden Sie sich bis Donnerstag um 12 Uhr an.</dd>" in page
    text = (out / "e-mail" / "termin.ls.txt").read_text(encoding="utf-8")
    assert "Wann? Freitag,\u00a014.\u00a0November\u00a02025, von 10:00\u00a0Uhr bis " \
           "11:30\u00a0Uhr\n" in text
    data = (out / "gesperrt" / "termin.ls" / "termin.ls.ics").read_bytes()
    (event,) = Calendar.from_ical(data).walk("VEVENT")
    assert event.decoded("dtstart") == dt.datetime(2025, 11, 14, 10, 0,
                                                   tzinfo=ZoneInfo("Europe/Berlin"))
