"""The life of a release with a fixed clock: what is public and what is held back, the
exact messages, approvals, numbers, corrections, withdrawal, whole-or-nothing and the log.
Nothing published can be lost."""

from __future__ import annotations

import datetime as dt
import email
import json
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from email import policy
from pathlib import Path

import pytest

import briefing.clock
import briefing.formatting
from briefing import lifecycle
from briefing.build import build
from briefing.cli import main

from .conftest import APPROVER, RELEASE, approve
from .test_web_pages import dead_links

ATOM = "{http://www.w3.org/2005/Atom}"
AUTHOR = "Anna Autorin"
#: The release of the tests: dated Wednesday 29 October 2025, written by Anna Autorin.
PM = RELEASE.replace("ort: Dresden\n", f"ort: Dresden\nautor: {AUTHOR}\n")
EMBARGOED = PM.replace("ort: Dresden\n", "ort: Dresden\nsperrfrist: 2025-10-29 14:00\n")
WITH_BRIEFING = PM.replace("ort: Dresden\n", "ort: Dresden\nprioritäten:\n  eins: Erste\n")
BRIEFING = """\
---
typ: hintergrund
titel: Hintergrund
datum: 2025-10-29
pressemitteilung: pm
priorität: eins
---

## Abschnitt

Text.
"""


def public(root: Path) -> list[str]:
    """The files of the public site (relative to output/web/), site-wide ones left out."""
    web = root / "output" / "web"
    return sorted(str(p.relative_to(web)) for p in web.rglob("*")
                  if p.is_file() and p.parent not in (web, web / "fonts", web / "archiv"))


def listed(root: Path) -> tuple[list[str], list[str], list[str]]:
    """What the archive, the feed and the JSON export list (release folder names)."""
    web = root / "output" / "web"
    archive = (web / "index.html").read_text(encoding="utf-8")
    feed = ET.parse(web / "feed.atom").getroot()
    exported = json.loads((web / "pressemitteilungen.json").read_text(encoding="utf-8"))
    in_feed = [e.find(f"{ATOM}link[@rel='alternate']").get("href").split("/")[0]
               for e in feed.findall(f"{ATOM}entry")]
    in_archive = sorted({line.split('href="')[1].split("/")[0]
                         for line in archive.splitlines() if '/index.html"' in line})
    return in_archive, in_feed, [e["kennung"] for e in exported["pressemitteilungen"]]


def notes(report, path: str = "content/pm.md") -> list[str]:
    return [str(p) for p in report.problems if p.path == path]


# --- the table: state → what is public ----------------------------------------------------

SCENARIOS = [
    # (name, content, approve?, clock, on the web?, in gesperrt/?, message)
    ("draft", PM.replace("ort: Dresden\n", "ort: Dresden\nentwurf: true\n"), False,
     "2025-10-30 12:00", False, True,
     "content/pm.md: Hinweis: Entwurf (content/pm.md): Webseite, Archiv und Feed enthalten "
     "diese Pressemitteilung nicht (Vorschau in output/gesperrt/pm/), bis »entwurf: true« "
     "entfernt ist"),
    ("not approved", PM, False, "2025-10-30 12:00", False, True,
     "content/pm.md: Hinweis: wird nicht veröffentlicht: noch nicht freigegeben ist "
     "content/pm.md (freigeben mit »make freigeben DATEI=\"…\" NAME=\"…\"«, von einer anderen "
     "Person als der Autorin oder dem Autor) (Vorschau in output/gesperrt/pm/)"),
    ("approved, before its day", PM, True, "2025-10-28 22:59", False, True,
     "content/pm.md: Hinweis: Veröffentlichung am Mittwoch, 29. Oktober 2025, 00:00 Uhr: "
     "Webseite, Archiv und Feed enthalten diese Pressemitteilung noch nicht (Vorschau in "
     "output/gesperrt/pm/); sie erscheint dort mit dem ersten Lauf danach (»make "
     "veroeffentlichen«, oder wartend: »briefing veröffentlichen --warten«)"),
    ("approved, on its day", PM, True, "2025-10-28 23:00", True, False, None),
    ("approved, embargo running", EMBARGOED, True, "2025-10-29 12:59", False, True,
     "content/pm.md: Hinweis: Sperrfrist bis Mittwoch, 29. Oktober 2025, 14:00 Uhr: "
     "Webseite, Archiv und Feed enthalten diese Pressemitteilung noch nicht (Vorschau in "
     "output/gesperrt/pm/); sie erscheint dort mit dem ersten Lauf danach (»make "
     "veroeffentlichen«, oder wartend: »briefing veröffentlichen --warten«)"),
    ("approved, embargo passed", EMBARGOED, True, "2025-10-29 13:00", True, False, None),
    ("embargo a month before its date", PM.replace(
        "ort: Dresden\n", "ort: Dresden\nsperrfrist: 2025-09-29 09:30\n"), True,
     "2025-10-30 12:00", False, True,
     "content/pm.md:6: Warnung: Sperrfrist liegt mehr als einen Tag vor dem Datum der "
     "Mitteilung und wäre schon vorbei, bevor es sie gibt; prüfen Sie »sperrfrist« und "
     "»datum« (bis dahin wird die Mitteilung nicht veröffentlicht)"),
    ("publication time set", PM.replace(
        "ort: Dresden\n", "ort: Dresden\nveröffentlichung: 2025-10-29 11:00\n"), True,
     "2025-10-29 09:59", False, True,
     "content/pm.md: Hinweis: Veröffentlichung am Mittwoch, 29. Oktober 2025, 11:00 Uhr: "
     "Webseite, Archiv und Feed enthalten diese Pressemitteilung noch nicht (Vorschau in "
     "output/gesperrt/pm/); sie erscheint dort mit dem ersten Lauf danach (»make "
     "veroeffentlichen«, oder wartend: »briefing veröffentlichen --warten«)"),
]


@pytest.mark.parametrize(("name", "content", "approved", "now", "on_web", "held", "message"),
                         SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_what_is_public_when(project, clock, name, content, approved, now, on_web, held,
                             message):
    root = project({"content/pm.md": content})
    if approved:
        approve(root)
    clock(now)
    report = build(root, channels=True)
    out = root / "output"
    assert (public(root) != []) == on_web
    assert (out / "gesperrt" / "pm" / "pm.html").is_file() == held
    assert listed(root) == ((["pm"], ["pm"], ["pm"]) if on_web else ([], [], []))
    assert notes(report) == ([message] if message else [])
    mail = email.message_from_bytes((out / "e-mail" / "pm.eml").read_bytes(),
                                    policy=policy.default)
    draft = not approved or "entwurf: true" in content
    assert mail["Subject"].startswith("ENTWURF: ") == draft
    assert (out / "e-mail" / "pm.txt").read_text(encoding="utf-8").startswith(
        "ENTWURF – nicht versenden") == draft


def test_the_author_cannot_approve(project, capsys):
    root = project({"content/pm.md": PM})
    assert main(["freigeben", "content/pm.md", "--name", AUTHOR, "--root", str(root)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"briefing: freigeben: {AUTHOR} hat content/pm.md laut »autor« geschrieben; nach dem "
        "Vier-Augen-Prinzip gibt eine andere Person frei")
    approve(root, by=AUTHOR)  # written by hand into freigaben/: still refused
    report = build(root, channels=True)
    assert public(root) == []
    assert notes(report) == [
        f"content/pm.md: Hinweis: wird nicht veröffentlicht: content/pm.md wurde von "
        f"{AUTHOR} freigegeben, die oder der es laut »autor« geschrieben hat; nach dem "
        "Vier-Augen-Prinzip gibt eine andere Person frei (Vorschau in output/gesperrt/pm/)"]


def test_a_change_after_approval_voids_it_and_names_the_lines(project, clock):
    root = project({"content/pm.md": PM})
    approve(root)
    text = (root / "content" / "pm.md").read_text(encoding="utf-8")
    (root / "content" / "pm.md").write_text(text.replace("Ein kurzer Text.",
                                                         "Ein geänderter Text."),
                                            encoding="utf-8")
    clock("2025-10-30 12:00")
    report = build(root, channels=True)
    assert public(root) == []
    (message,) = notes(report)
    assert "content/pm.md geändert in Zeile 9 seit der Freigabe durch Bernd Prüfer" in message


def test_a_final_build_refuses_the_unapproved_and_leaves_no_file_under_a_final_name(
        project, clock):
    root = project({"content/pm.md": PM})
    clock("2025-10-30 12:00")
    assert build(root, channels=True).exit_code() == 0  # files for review
    out = root / "output"
    assert (out / "pm-pressemappe.pdf").is_file() and (out / "pakete" / "pm.zip").is_file()
    report = build(root, channels=True, final=True)
    assert report.exit_code() == 1
    assert not (out / "pm-pressemappe.pdf").exists()
    assert not (out / "e-mail").exists() and not (out / "pakete").exists()


def test_numbers_at_first_publication_never_twice(project, clock):
    second = PM.replace("Testmitteilung", "Zweite Mitteilung")
    root = project({"content/pm.md": PM, "content/pm2.md": second,
                    "content/pm.en.md": PM.replace("typ: pressemitteilung\n",
                                                   "typ: pressemitteilung\noriginal: pm\n")
                    .replace("datum: 2025-10-29\n", "").replace("ort: Dresden\n", "")
                    .replace("Dresden (29. Oktober 2025) – Ein kurzer Text.",
                             "A short text.") + "sprache: en-GB\n"})
    # The edition's front matter: language after the fence is no front matter; fix it.
    edition = root / "content" / "pm.en.md"
    text = edition.read_text(encoding="utf-8").replace("sprache: en-GB\n", "")
    edition.write_text(text.replace("original: pm\n", "original: pm\nsprache: en-GB\n"),
                       encoding="utf-8")
    approve(root)
    clock("2025-10-30 12:00")
    report = build(root, channels=True)
    assert report.errors == [], [str(p) for p in report.problems]
    log = [json.loads(line) for line in (root / "protokoll" / "protokoll.jsonl")
           .read_text(encoding="utf-8").splitlines()]
    numbers = {e["datei"]: e["nummer"] for e in log}
    assert numbers == {"content/pm.md": "Nr.\u00a01/2025", "content/pm2.md": "Nr.\u00a02/2025",
                       "content/pm.en.md": "No.\u00a01/2025"}
    assert sorted(report.published) == [
        ("output/web/pm.en/", "No. 1/2025, fällig seit 29.10.2025 00:00 Uhr"),
        ("output/web/pm/", "Nr. 1/2025, fällig seit 29.10.2025 00:00 Uhr"),
        ("output/web/pm2/", "Nr. 2/2025, fällig seit 29.10.2025 00:00 Uhr")]
    from pypdf import PdfReader

    assert "Nr.\u00a02/2025" in PdfReader(root / "output" / "pm2.pdf").pages[0].extract_text()
    # Again: nothing new, no number given twice.
    assert build(root, channels=True, force=True).errors == []
    assert len((root / "protokoll" / "protokoll.jsonl").read_text().splitlines()) == 3


def test_whole_or_nothing_a_missing_briefing_keeps_the_published_package(project, clock):
    root = project({"content/pm.md": WITH_BRIEFING, "content/b.md": BRIEFING})
    approve(root)
    clock("2025-10-30 12:00")
    assert build(root, channels=True).errors == []
    out = root / "output"
    before = {p: p.read_bytes() for p in (out / "web" / "pm").rglob("*")}
    kit = (out / "pm-pressemappe.pdf").read_bytes()
    (root / "content" / "b.md").unlink()
    report = build(root, channels=True)
    assert {p: p.read_bytes() for p in (out / "web" / "pm").rglob("*")} == before
    assert (out / "pm-pressemappe.pdf").read_bytes() == kit
    assert "content/pm.md: Hinweis: Pressemappe, Webseiten, E-Mail und Paket nicht erneuert, " \
        "weil Priorität »eins« keine Hintergrundinformation hat; die veröffentlichte Fassung " \
        "bleibt, wie sie ist" in notes(report)


#: An English edition of content/pm.md (without its `fassung`).
EDITION = "---\ntyp: pressemitteilung\ntitel: Test release\nsprache: en-GB\noriginal: pm\n" \
    "---\n\nA short text.\n"


def test_whole_or_nothing_an_unapproved_translation_holds_back_the_family(project, clock):
    root = project({"content/pm.md": PM, "content/pm.en.md": EDITION})
    approve(root, "content/pm.md")
    clock("2025-10-30 12:00")
    build(root, channels=True)
    assert public(root) == []
    approve(root, "content/pm.en.md")
    build(root, channels=True)
    assert {p.split("/")[0] for p in public(root)} == {"pm", "pm.en"}


def _translated(root: Path) -> str:
    """An English edition of content/pm.md as it is now."""
    from briefing.editions import version_of
    from briefing.project import load_project

    version = version_of(next(d for d in load_project(root).documents if d.slug == "pm"))
    edition = EDITION.replace("original: pm\n", f"original: pm\nfassung: {version}\n")
    (root / "content" / "pm.en.md").write_text(edition, encoding="utf-8")
    return edition


def test_a_change_of_state_leaves_the_translation_current(project, clock):
    root = project({"content/pm.md": PM.replace("autor:", "entwurf: true\nautor:")})
    _translated(root)
    (root / "content" / "pm.md").write_text(PM, encoding="utf-8")  # no longer a draft
    approve(root)
    clock("2025-10-30 12:00")
    report = build(root, channels=True)
    assert report.errors == [] and report.warnings == []
    assert {p.split("/")[0] for p in public(root)} == {"pm", "pm.en"}


def test_an_outdated_translation_waits_unless_it_says_it_is_of_an_earlier_version(
        project, clock):
    """The original's text changed after the translation: the original goes out, the
    translation waits and says why — unless it says it renders the earlier version; then
    it goes out, and its PDF and page say so."""
    root = project({"content/pm.md": PM})
    edition = _translated(root)
    (root / "content" / "pm.md").write_text(PM.replace("Ein kurzer Text.", "Ein neuer Text."),
                                            encoding="utf-8")
    approve(root)
    clock("2025-10-30 12:00")
    report = build(root, channels=True)
    assert {p.split("/")[0] for p in public(root)} == {"pm"}
    assert notes(report, "content/pm.en.md")[1].startswith(
        "content/pm.en.md: Hinweis: Übersetzung veraltet (content/pm.en.md): sie wird nicht "
        "mit dem Original veröffentlicht")
    (root / "content" / "pm.en.md").write_text(edition.replace(
        "---\n\n", "frühere-fassung: true\n---\n\n"), encoding="utf-8")
    approve(root, "content/pm.en.md")
    report = build(root, channels=True)
    assert {p.split("/")[0] for p in public(root)} == {"pm", "pm.en"}
    said = "Translation of an earlier version; the original of 29\u00a0October\u00a02025 is " \
        "authoritative."
    page = (root / "output" / "web" / "pm.en" / "pm.en.html").read_text(encoding="utf-8")
    assert said in page
    from .pdftext import structure_text

    assert said.replace("\u00a0", " ") in structure_text(root / "output" / "pm.en.pdf") \
        .replace("\u00a0", " ")
    # The e-mail text says it too (the text file is the mail's text part).
    text = (root / "output" / "e-mail" / "pm.en.txt").read_text(encoding="utf-8")
    assert "Translation of an earlier version; the original of 29 October 2025 is\n" \
        "authoritative." in text.replace("\u00a0", " ")


def test_a_draft_translation_waits_on_its_own(project, clock):
    edition = EDITION.replace("original: pm\n", "original: pm\nentwurf: true\n")
    root = project({"content/pm.md": PM, "content/pm.en.md": edition})
    approve(root)
    clock("2025-10-30 12:00")
    build(root, channels=True)
    assert {p.split("/")[0] for p in public(root)} == {"pm"}
    assert (root / "output" / "gesperrt" / "pm.en" / "pm.en.html").is_file()


CORRECTION = "korrekturen:\n  2025-10-31: \"Richtig ist: ein neuer Text.\"\n"


def test_a_correction_keeps_the_earlier_version_and_says_so_everywhere(project, clock):
    root = project({"content/pm.md": PM})
    approve(root)
    clock("2025-10-30 12:00")
    assert build(root, channels=True).errors == []
    out = root / "output"
    first = (out / "web" / "pm" / "pm.html").read_bytes()
    feed_before = ET.parse(out / "web" / "feed.atom").getroot()
    path = root / "content" / "pm.md"
    changed = path.read_text(encoding="utf-8").replace("Ein kurzer Text.", "Ein neuer Text.")
    path.write_text(changed, encoding="utf-8")
    approve(root)
    # Changed without a correction entry: refused, the published version stays.
    report = build(root, channels=True)
    assert report.exit_code() == 1
    assert notes(report) == [
        "content/pm.md: ist veröffentlicht, und content/pm.md wurde seither geändert; eine "
        "Änderung geht nur als Korrektur hinaus: tragen Sie unter »korrekturen:« das Datum und "
        "was korrigiert wurde ein (»2025-10-30: Richtig ist …«) und lassen Sie neu freigeben. "
        "Bis dahin bleibt die veröffentlichte Fassung"]
    assert (out / "web" / "pm" / "pm.html").read_bytes() == first
    path.write_text(changed.replace("autor:", CORRECTION + "autor:"), encoding="utf-8")
    approve(root)
    clock("2025-10-31 12:00")
    report = build(root, channels=True)
    assert report.errors == [], [str(p) for p in report.problems]
    assert report.published == [("output/web/pm/", "Nr. 1/2025, Korrektur vom 31.10.2025; die "
                                 "frühere Fassung bleibt unter output/web/pm--fassung-1/")]
    assert (out / "web" / "pm--fassung-1" / "pm.html").read_bytes() == first
    page = (out / "web" / "pm" / "pm.html").read_text(encoding="utf-8")
    assert "Korrigierte Fassung vom 31.\u00a0Oktober\u00a02025:</strong> Richtig ist: ein neuer " \
        "Text." in page
    index = (out / "web" / "pm" / "index.html").read_text(encoding="utf-8")
    assert 'href="../pm--fassung-1/index.html"' in index
    assert dead_links(out / "web") == []  # the earlier version's links hold where it is
    from pypdf import PdfReader

    pdf = " ".join(PdfReader(out / "web" / "pm" / "pm.pdf").pages[0].extract_text().split())
    assert "Korrigierte Fassung vom 31. Oktober 2025: Richtig ist: ein neuer Text." in pdf
    feed = ET.parse(out / "web" / "feed.atom").getroot()
    entry, old = feed.find(f"{ATOM}entry"), feed_before.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}updated").text == "2025-10-30T23:00:00Z" != \
        old.find(f"{ATOM}updated").text
    assert entry.find(f"{ATOM}summary").text.startswith(
        "Korrigierte Fassung vom 31. Oktober 2025: Richtig ist: ein neuer Text.")
    mail = email.message_from_bytes((out / "e-mail" / "pm.eml").read_bytes(),
                                    policy=policy.default)
    assert mail["Subject"] == "KORREKTUR: Testmitteilung"
    actions = [json.loads(line)["aktion"] for line in
               (root / "protokoll" / "protokoll.jsonl").read_text().splitlines()]
    assert actions == ["veröffentlicht", "korrigiert"]


def test_withdrawal_leaves_a_notice_where_it_was(project, clock):
    root = project({"content/pm.md": WITH_BRIEFING, "content/b.md": BRIEFING})
    approve(root)
    clock("2025-10-30 12:00")
    assert build(root, channels=True).errors == []
    path = root / "content" / "pm.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "autor:", "zurückgezogen:\n  datum: 2025-11-02\n  grund: Die Veranstaltung wurde "
        "abgesagt.\nautor:"), encoding="utf-8")
    clock("2025-11-02 12:00")
    report = build(root, channels=True)
    assert report.errors == [], [str(p) for p in report.problems]
    out = root / "output"
    assert public(root) == ["pm/b.html", "pm/index.html", "pm/pm.html"]
    # Each page names what it is: the briefing was withdrawn with its release.
    notice = (out / "web" / "pm" / "b.html").read_text(encoding="utf-8")
    assert "Diese Hintergrundinformation wurde am 2.\u00a0November\u00a02025 zurückgezogen." \
        in notice
    assert "Die Veranstaltung wurde abgesagt." in notice
    assert "Diese Pressemitteilung wurde am 2.\u00a0November\u00a02025 zurückgezogen." in \
        (out / "web" / "pm" / "pm.html").read_text(encoding="utf-8")
    assert not (out / "pm-pressemappe.pdf").exists() and not (out / "pakete" / "pm.zip").exists()
    archive = (out / "web" / "index.html").read_text(encoding="utf-8")
    assert "zurückgezogen am 2.\u00a0November\u00a02025" in archive
    feed = ET.parse(out / "web" / "feed.atom").getroot()
    assert feed.find(f"{ATOM}entry/{ATOM}summary").text.startswith(
        "Diese Pressemitteilung wurde am 2. November 2025 zurückgezogen.")
    exported = json.loads((out / "web" / "pressemitteilungen.json").read_text())
    (entry,) = exported["pressemitteilungen"]
    assert entry["zurueckgezogen"] == {"datum": "2025-11-02",
                                       "grund": "Die Veranstaltung wurde abgesagt."}
    assert entry["nummer"] == "Nr.\u00a01/2025" and entry["pdf"] == []
    mail = email.message_from_bytes((out / "e-mail" / "pm.eml").read_bytes(),
                                    policy=policy.default)
    assert mail["Subject"] == "ZURÜCKGEZOGEN: Testmitteilung"
    assert list(mail.iter_attachments()) == []
    assert [json.loads(line)["aktion"] for line in
            (root / "protokoll" / "protokoll.jsonl").read_text().splitlines()] == [
        "veröffentlicht", "zurückgezogen"]


def test_deleting_a_published_release_is_refused_and_loses_nothing(project, clock):
    root = project({"content/pm.md": PM})
    approve(root)
    clock("2025-10-30 12:00")
    assert build(root, channels=True).errors == []
    out = root / "output"
    before = {p: p.read_bytes() for p in (out / "web" / "pm").rglob("*")}
    (root / "content" / "pm.md").unlink()
    report = build(root, channels=True)
    assert report.exit_code() == 1
    assert notes(report) == [
        "content/pm.md: ist veröffentlicht (Nr. 1/2025) und kann nicht gelöscht werden: "
        "stellen Sie die Datei wieder her (z. B. »git checkout -- content/pm.md«) und ziehen Sie "
        "die Mitteilung zurück: »zurückgezogen:« mit »datum« und »grund« eintragen; ihre "
        "Dateien bleiben, wie sie sind"]
    assert {p: p.read_bytes() for p in (out / "web" / "pm").rglob("*")} == before
    assert listed(root) == (["pm"], ["pm"], ["pm"])


MERGED = "; eine Markierung aus dem Zusammenführen zweier Fassungen (git): behalten Sie die " \
    "Zeilen beider Seiten und löschen Sie nur die Zeilen mit <<<<<<<, ======= und >>>>>>>"
BY_HAND = "; das Protokoll hält fest, was wann veröffentlicht wurde, und wird nur von " \
    "briefing geschrieben: stellen Sie die Zeile aus der Versionsverwaltung wieder her " \
    "(»git diff protokoll/protokoll.jsonl« zeigt, was sich geändert hat)"


@pytest.mark.parametrize("damage, message", [
    (lambda lines: ["<<<<<<< HEAD", *lines, "=======", *lines, ">>>>>>> andere"],
     ":1: diese Zeile des Veröffentlichungsprotokolls ist kein Eintrag, wie briefing ihn "
     "schreibt: »<<<<<<< HEAD«; 2 weitere Zeilen ebenso" + MERGED),
    (lambda lines: [*lines, lines[0][:30]],
     ":2: diese Zeile des Veröffentlichungsprotokolls ist kein Eintrag, wie briefing ihn "
     "schreibt: »{\"aktion\": \"veröffentlicht\", \"«" + BY_HAND),
    (lambda lines: [lines[0].replace('"aktion": "', '"aktion": "x, "')],
     ":1: diese Zeile des Veröffentlichungsprotokolls ist kein gültiger Eintrag (fehlerhaft "
     "ab Spalte 17): »{\"aktion\": \"x, \"veröffentlicht\", \"datei\"…«" + BY_HAND),
    (lambda lines: [lines[0].replace('"zeit"', '"Zeit"')],
     ":1: diese Zeile des Veröffentlichungsprotokolls ist kein vollständiger Eintrag "
     "(»aktion«, »datei« und »zeit« gehören zu jedem): »{\"aktion\": \"veröffentlicht\", "
     "\"datei\": \"c…«" + BY_HAND),
], ids=["merge", "cut-short", "by-hand", "field-renamed"])
@pytest.mark.parametrize("part", [None, 5])
def test_a_damaged_publication_log_stops_every_command_with_one_message(
        project, clock, capsys, monkeypatch, damage, message, part):
    """The log says what was published when: a damaged line (a merge of two branches, a
    line cut short, a hand edit) is named with its line and how to mend it, once, by
    every command that reads the log; nothing is built or published meanwhile. (`part`:
    the log read in parts this small.)"""
    if part:
        monkeypatch.setattr(lifecycle._LogLines, "PART", part)
    root = project({"content/pm.md": PM})
    approve(root)
    clock("2025-10-30 12:00")
    assert build(root, channels=True).errors == []
    log = root / "protokoll" / "protokoll.jsonl"
    lines = log.read_text(encoding="utf-8").splitlines()
    log.write_text("\n".join(damage(lines)) + "\n", encoding="utf-8")
    (root / "content" / "pm.md").write_text(PM.replace("Ein kurzer Text.", "Ein neuer."),
                                             encoding="utf-8")
    out = root / "output"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    for command in (["build", "--alle"], ["check"], ["liste"], ["build", "--final"]):
        assert main([*command, "--root", str(root)]) == 1
        captured = capsys.readouterr()
        assert captured.err.splitlines() == [
            f"protokoll/protokoll.jsonl{message}; bis dahin wird nichts gebaut oder "
            "veröffentlicht"], command
        assert "Traceback" not in captured.out
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["build", "--alle", "--root", str(root)]) == 0


def test_the_publication_log_is_followed_by_its_lines(project, clock):
    """A build that publishes appends to the log, and extends its fingerprint by those
    lines without reading the rest (10 MB at 5,000 releases); the fingerprint is that
    of the whole file. A copy of the log (a project restored) is the same log; a line
    changed (a merge, a hand edit) is a change: then every unit is looked at."""
    import shutil

    from briefing.files import stat_key
    from briefing.incremental import Manifest, Staleness, log_chain
    from briefing.paths import Paths

    root = project({"content/pm.md": PM, "content/zwei.md": PM.replace("titel:", "titel: Zweite")})
    approve(root)
    clock("2025-10-30 12:00")
    log = root / "protokoll" / "protokoll.jsonl"

    def recorded() -> list:
        return Manifest.load(root / "output" / ".briefing-manifest").log

    def changed() -> set[str] | None:
        staleness = Staleness(Paths(root))
        staleness.project()
        return staleness.changed_files(outputs=False)

    assert build(root, channels=True).errors == []
    assert recorded() == [stat_key(log), log_chain(log)] and log_chain(log)
    first = log_chain(log)
    (root / "content" / "pm.md").write_text(PM.replace("titel:", "korrekturen:\n  "
                                                       "2025-10-30: Ein Wort.\ntitel:")
                                             .replace("Ein kurzer Text.", "Ein Text."),
                                             encoding="utf-8")
    approve(root)
    assert build(root, channels=True).errors == []
    assert len(log.read_text(encoding="utf-8").splitlines()) == 3  # corrected: appended
    assert recorded() == [stat_key(log), log_chain(log)] and log_chain(log) != first
    assert changed() == set()
    shutil.copy(log, root / "kopie")
    (root / "kopie").replace(log)  # the same lines, another file
    assert changed() == set()
    text = log.read_text(encoding="utf-8")
    log.write_text(text.replace('"aktion": "korrigiert"', '"aktion": "korrigierT"'),
                   encoding="utf-8")
    assert changed() is None


def test_check_reads_every_line_of_the_publication_log(project, clock, capsys):
    """A build reads the lines of the releases it makes; `check` (in CI) reads them all:
    a line of another release damaged by hand is found before that release is built."""
    root = project({"content/pm.md": PM})
    approve(root)
    clock("2025-10-30 12:00")
    assert build(root, channels=True).errors == []
    log = root / "protokoll" / "protokoll.jsonl"
    other = json.dumps({"aktion": "veröffentlicht", "datei": "content/alt.md",
                        "zeitpunkt": "2025-01-02"}, ensure_ascii=False)
    log.write_text(log.read_text(encoding="utf-8") + other + "\n", encoding="utf-8")
    assert main(["liste", "--root", str(root)]) == 0
    capsys.readouterr()
    assert main(["check", "--root", str(root)]) == 1
    assert capsys.readouterr().err.startswith(
        "protokoll/protokoll.jsonl:2: diese Zeile des Veröffentlichungsprotokolls ist kein "
        "vollständiger Eintrag (»aktion«, »datei« und »zeit« gehören zu jedem): ")


def test_a_failed_publication_leaves_the_published_package_byte_identical(project, clock,
                                                                           monkeypatch):
    import errno
    import os

    import briefing.staging

    root = project({"content/pm.md": PM})
    approve(root)
    clock("2025-10-30 12:00")
    assert build(root, channels=True).errors == []
    out = root / "output"
    files = sorted(p for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))
    before = {p: p.read_bytes() for p in files}
    path = root / "content" / "pm.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Ein kurzer Text.", "Neu.")
                    .replace("autor:", CORRECTION + "autor:"), encoding="utf-8")
    approve(root)
    original = briefing.staging.write_all_atomically

    def full_disk(files):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(next(iter(files))))

    monkeypatch.setattr(briefing.staging, "write_all_atomically", full_disk)
    report = build(root, channels=True)
    assert report.exit_code() == 3
    for path_, data in before.items():
        if path_.suffix == ".pdf" and path_.parent == out:
            continue  # the staff's own copies of the documents are made again
        assert path_.read_bytes() == data, path_
    assert len((root / "protokoll" / "protokoll.jsonl").read_text().splitlines()) == 1
    monkeypatch.setattr(briefing.staging, "write_all_atomically", original)
    assert build(root, channels=True).errors == []
    assert len((root / "protokoll" / "protokoll.jsonl").read_text().splitlines()) == 2


def test_protokoll_and_vergleich(project, clock, capsys):
    root = project({"content/pm.md": PM})
    approve(root)
    clock("2025-10-30 12:00")
    build(root, channels=True)
    assert main(["protokoll", "--root", str(root)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("2025-10-30 13:00  veröffentlicht  Nr. 1/2025    content/pm.md  "
                           f"freigegeben von {APPROVER}; ")
    path = root / "content" / "pm.md"
    path.write_text(path.read_text(encoding="utf-8").replace("kurzer", "langer"),
                    encoding="utf-8")
    assert main(["vergleich", "content/pm.md", "--root", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "content/pm.md: Änderungen seit der Freigabe"
    assert "Ein [-kurzer-]{+langer+} Text." in "\n".join(out)
    page = (root / "output" / "vergleich" / "pm.html").read_text(encoding="utf-8")
    assert "<del>kurzer</del><ins>langer</ins>" in page


@pytest.mark.langsam
def test_waiting_publishes_when_the_embargo_ends(project):
    """`briefing veröffentlichen --warten`, with the machine's own clock: an embargo two
    seconds ahead is published without anyone typing make."""
    soon = dt.datetime.now(briefing.clock.BERLIN) + dt.timedelta(seconds=2)
    text = PM.replace("2025-10-29", soon.date().isoformat()).replace(
        "(29. Oktober 2025)", f"({briefing.formatting.german_long_date(soon.date())})")
    text = text.replace("ort: Dresden\n", f"ort: Dresden\nsperrfrist: {soon:%Y-%m-%d %H:%M:%S}\n")
    root = project({"content/pm.md": text})
    approve(root)
    # -X faulthandler: should it not end when told to, SIGABRT prints where it hangs.
    process = subprocess.Popen(
        [sys.executable, "-X", "faulthandler", "-m", "briefing.cli", "veröffentlichen",
         "--warten", "--root", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        import selectors

        waiting = selectors.DefaultSelector()
        waiting.register(process.stdout, selectors.EVENT_READ)
        # What it waits for (the embargo; not if the machine was slower than two
        # seconds), then the publication.
        assert waiting.select(timeout=30), "nothing said within 30 s"
        line = process.stdout.readline()
        if "content/pm.md: Sperrfrist bis" in line:
            assert waiting.select(timeout=30), "nothing published within 30 s"
            line = process.stdout.readline()
        assert "veröffentlicht: output/web/pm/" in line and "Sperrfrist" in line, line
        assert (root / "output" / "web" / "pm" / "pm.html").is_file()
    finally:
        process.terminate()  # like `kill`: it ends, reading both pipes to the end
        try:
            _, errors = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)
            _, errors = process.communicate()
            pytest.fail(f"did not end within 30 s of SIGTERM:\n{errors}")
    assert process.returncode == 130, errors
    assert errors.rstrip().endswith("briefing: abgebrochen"), errors


def test_a_withdrawn_release_keeps_no_earlier_version_online(project, clock):
    root = project({"content/pm.md": PM})
    approve(root)
    clock("2025-10-30 12:00")
    build(root, channels=True)
    path = root / "content" / "pm.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Ein kurzer Text.", "Ein neuer "
                    "Text.").replace("autor:", CORRECTION + "autor:"), encoding="utf-8")
    approve(root)
    clock("2025-10-31 12:00")
    build(root, channels=True)
    assert (root / "output" / "web" / "pm--fassung-1" / "pm.html").is_file()
    path.write_text(path.read_text(encoding="utf-8").replace(
        "autor:", "zurückgezogen:\n  datum: 2025-11-02\n  grund: Abgesagt.\nautor:"),
        encoding="utf-8")
    clock("2025-11-02 12:00")
    assert build(root, channels=True).errors == []
    assert public(root) == ["pm/index.html", "pm/pm.html"]  # the notice only


def test_correcting_the_original_leaves_its_published_translation_online(project, clock):
    root = project({"content/pm.md": PM})
    _translated(root)
    approve(root)
    clock("2025-10-30 12:00")
    build(root, channels=True)
    assert {p.split("/")[0] for p in public(root)} == {"pm", "pm.en"}
    path = root / "content" / "pm.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Ein kurzer Text.", "Ein neuer "
                    "Text.").replace("autor:", CORRECTION + "autor:"), encoding="utf-8")
    approve(root, "content/pm.md")
    clock("2025-10-31 12:00")
    report = build(root, channels=True)
    assert report.errors == []
    assert {p.split("/")[0] for p in public(root)} >= {"pm", "pm.en"}
    assert "Übersetzung veraltet" in " ".join(str(p) for p in report.problems)
