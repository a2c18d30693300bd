"""One release, every channel: press kit, web pages, archive and feed, e-mail, bundle —
from the seed content, compared with the content and parsed back as a user's tools would."""

from __future__ import annotations

import datetime as dt
import email
import email.header
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from email import policy

import pytest
from pypdf import PdfReader

import briefing.clock
from briefing.build import build

from .conftest import RELEASE, approve, make_project

SLUG = "2025-10-29-pressemitteilung-internationale-strategie"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("kanaele"), content=True)
    approve(root)
    report = build(root, channels=True)
    assert report.exit_code() == 0, [str(p) for p in report.problems]
    return root


def sentences(root) -> list[str]:
    """The sentences of the seed release's body, as typeset (quotes, dashes)."""
    from briefing.markup import render_body
    from briefing.project import load_project

    project = load_project(root)
    (release,) = [d for d in project.documents if d.slug == SLUG]
    html = render_body(release, project.config.quotes, project.config.content_dir).html
    found = []
    for _, block in re.findall(r"<(p|li)>(.*?)</\1>", html, re.S):
        text = " ".join(re.sub(r"<[^>]+>", "", block).split())
        found += [s for s in re.split(r"(?<=[.!?«])\s+(?=[A-ZÄÖÜ»])", text) if len(s) > 20]
    assert len(found) > 10
    return found


def test_the_files_of_every_channel(seed):
    out = seed / "output"
    assert (out / f"{SLUG}-pressemappe.pdf").is_file()
    assert (out / "e-mail" / f"{SLUG}.txt").is_file() and (out / "e-mail" / f"{SLUG}.eml").is_file()
    assert (out / "pakete" / f"{SLUG}.zip").is_file()
    site = out / "web"
    assert {"index.html", "feed.atom", "briefing.css"} <= {p.name for p in site.iterdir()}
    pages = sorted(p.name for p in (site / SLUG).iterdir())
    assert len([p for p in pages if p.endswith(".html")]) == 7  # six documents + index
    assert len([p for p in pages if p.endswith(".pdf")]) == 7  # six PDFs + the kit
    assert not (out / "gesperrt" / SLUG).exists()


def test_press_kit_contents_match_where_documents_start(seed):
    reader = PdfReader(seed / "output" / f"{SLUG}-pressemappe.pdf")
    cover = reader.pages[0].extract_text()
    toc = cover.split("Inhalt", 1)[1].split("Pressekontakt", 1)[0]
    listed = [int(n) for n in re.findall(r"(\d+)[ \t]*(?:\n|$)", toc)]
    # Bookmarks: one per document (its title), its sections below it.
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert len(top) == 6
    assert all(isinstance(item, list) and item for item in reader.outline[2::2])
    starts = [reader.get_destination_page_number(item) + 1 for item in top]
    # The contents give each document's first page (target-counter), in priority order,
    # and that page begins the document: its label and its title.
    assert listed == starts
    for item, page in zip(top, starts, strict=True):
        text = reader.pages[page - 1].extract_text()
        assert " ".join(item.title.split()) in " ".join(text.split())
        assert "PRESSEMITTEILUNG" in text or "HINTERGRUNDINFORMATION" in text
    assert starts[0] == 2 and starts == sorted(starts)
    # Page numbers run through the kit.
    last = reader.pages[-1].extract_text()
    assert f"Seite {len(reader.pages)} von {len(reader.pages)}" in last


def test_every_sentence_of_the_release_is_in_the_mail_and_the_web_page(seed):
    out = seed / "output"
    text = (out / "e-mail" / f"{SLUG}.txt").read_text(encoding="utf-8")
    flat = " ".join(text.split())
    html = (out / "web" / SLUG / f"{SLUG}.html").read_text(encoding="utf-8")
    page = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    for sentence in sentences(seed):
        assert sentence in flat
        assert sentence in page
    assert all(len(line) <= 72 for line in text.splitlines() if " " in line.strip())
    assert "»" in text and "–" in text  # German typography kept


def test_eml_parses_back_with_its_parts_and_attachments(seed):
    out = seed / "output"
    message = email.message_from_bytes((out / "e-mail" / f"{SLUG}.eml").read_bytes(),
                                       policy=policy.default)
    assert message["Subject"] == "Kabinett beschließt Internationale Strategie des " \
                                 "Freistaates Sachsen"
    assert message["Date"].datetime.date() == dt.date(2025, 10, 29)
    assert message["X-Unsent"] == "1"
    body = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert body == (out / "e-mail" / f"{SLUG}.txt").read_text(encoding="utf-8")
    attachments = {a.get_filename(): a.get_content() for a in message.iter_attachments()}
    pdfs = {p.name: p.read_bytes() for p in out.glob("*.pdf") if "pressemappe" not in p.name}
    assert attachments == pdfs
    assert all(a.get_param("name") == a.get_filename() for a in message.iter_attachments())
    raw = (out / "e-mail" / f"{SLUG}.eml").read_bytes()
    assert raw.count(b"MIME-Version:") == 1
    assert message["Content-Language"] == "de-DE"
    assert re.fullmatch(rf"<[0-9a-f]{{32}}\.{SLUG}@briefing\.invalid>", message["Message-ID"])


def test_the_html_part_says_what_the_text_part_says(seed):
    """The same sentences, the same list of attached briefings, the contact; nothing of
    the web site (navigation, skip link, links to files the mail does not carry)."""
    out = seed / "output"
    message = email.message_from_bytes((out / "e-mail" / f"{SLUG}.eml").read_bytes(),
                                       policy=policy.default)
    html = message.get_body(("html",)).get_content()
    shown = " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"<(style|title)>.*?</\1>", "", html,
                                                    flags=re.S)).split())
    text = " ".join(message.get_body(("plain",)).get_content().split())
    for sentence in sentences(seed):
        assert sentence in text and sentence in shown, sentence
    for pdf in sorted(out.glob("2025-10-29-hintergrund-*.pdf")):
        assert pdf.name in text and pdf.name in shown
    assert "Hintergrundinformationen (als PDF im Anhang):" in shown
    assert "Pressekontakt Pressestelle der Sächsischen Staatskanzlei" in shown
    assert "<nav" not in html and 'class="skip"' not in html and "Zum Inhalt" not in html
    assert re.findall(r'(?:href|src)="(?!mailto:|https?:)[^"]*"', html) == []


def test_the_mail_carries_each_image_with_its_credit(tmp_path):
    """An image of the release comes with the mail (shown in the HTML part, listed with its
    credit); where it stood, the text part names it by its alt text, with its credit."""
    from PIL import Image

    root = make_project(tmp_path, {"content/pm.md": RELEASE.replace(
        "Ein kurzer Text.", 'Ein kurzer Text.\n\n![Ein rotes Quadrat](foto.png "Foto: Anna '
        'Bild / Agentur")\n\nDanach ein Absatz.')})
    Image.new("RGB", (40, 40), "red").save(root / "content" / "foto.png")
    approve(root)
    assert build(root, channels=True).problems == []
    out = root / "output" / "e-mail"
    text = (out / "pm.txt").read_text(encoding="utf-8")
    assert "Ein kurzer Text.\n\n[Bild: Ein rotes Quadrat] Foto: Anna Bild / Agentur\n\n" \
           "Danach ein Absatz.\n" in text
    assert "\nBilder (im Anhang):\n– foto.png: Ein rotes Quadrat (Foto: Anna Bild / " \
           "Agentur)\n" in text
    raw = (out / "pm.eml").read_bytes()
    assert b"file:" not in raw  # nothing of the machine that made it
    message = email.message_from_bytes(raw, policy=policy.default)
    (image,) = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert image.get_filename() == "foto.png"
    assert image.get_content() == (root / "content" / "foto.png").read_bytes()
    html = message.get_body(("html",)).get_content()
    cid = image["Content-ID"].strip("<>")
    assert f'<img alt="Ein rotes Quadrat" data-zeile="10" src="cid:{cid}"><figcaption ' \
           'class="credit">Foto: Anna Bild / Agentur</figcaption>' in html
    assert "<li>foto.png: Ein rotes Quadrat (Foto: Anna Bild / Agentur)</li>" in html
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == text


def test_feed_is_atom_with_one_entry_per_public_release(seed):
    feed = ET.parse(seed / "output" / "web" / "feed.atom").getroot()
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text.startswith("Kabinett beschließt")
    assert entry.find(f"{ATOM}id").text.startswith("urn:uuid:")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.find(f"{ATOM}updated").text)
    links = {link.get("rel"): link.get("href") for link in entry.findall(f"{ATOM}link")}
    assert links["alternate"] == f"{SLUG}/index.html"
    assert (seed / "output" / "web" / links["enclosure"]).is_file()
    # Relative to the feed, and said so; the lead paragraph, then the whole release.
    assert feed.get("{http://www.w3.org/XML/1998/namespace}base") == "./"
    assert entry.find(f"{ATOM}summary").text.startswith(
        "Dresden (29. Oktober 2025) – Der Freistaat Sachsen richtet seine internationale")
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert content.get("{http://www.w3.org/XML/1998/namespace}base") == f"{SLUG}/"
    shown = " ".join(re.sub(r"<[^>]+>", " ", content.text).split())
    for sentence in sentences(seed):
        assert sentence in shown, sentence


def test_bundle_holds_everything_with_checksums(seed):
    data = (seed / "output" / "pakete" / f"{SLUG}.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        sums = archive.read("SHA256SUMS").decode().splitlines()
        for line in sums:
            digest, name = line.split("  ", 1)
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest
        assert f"{SLUG}-pressemappe.pdf" in names and f"e-mail/{SLUG}.eml" in names
        assert {i.date_time for i in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}


def test_unchanged_build_writes_nothing_and_forced_build_is_byte_identical(seed):
    out = seed / "output"
    files = sorted(p for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))
    before = {p: p.read_bytes() for p in files}
    report = build(seed, channels=True)
    assert report.noop
    report = build(seed, channels=True, force=True)
    assert report.exit_code() == 0
    assert report.channel_written == []
    assert {p: p.read_bytes() for p in files} == before


EMBARGOED = RELEASE.replace("ort: Dresden\n", "ort: Dresden\nsperrfrist: 2025-10-29 14:00\n")


def test_embargo_holds_the_web_back_until_a_build_after_it(tmp_path, monkeypatch):
    root = make_project(tmp_path, {"content/pm.md": EMBARGOED})
    before = dt.datetime(2025, 10, 29, 12, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(briefing.clock, "now", lambda: before)
    approve(root)
    report = build(root, channels=True)
    assert report.exit_code() == 0, [str(p) for p in report.problems]
    out = root / "output"
    notes = [p.message for p in report.problems if p.path == "content/pm.md"]
    assert [" ".join(n.replace("\u00a0", " ").split()) for n in notes] == [
        "Sperrfrist bis Mittwoch, 29. Oktober 2025, 14:00 Uhr: Webseite, Archiv und Feed "
        "enthalten diese Pressemitteilung noch nicht (Vorschau in output/gesperrt/pm/); sie "
        "erscheint dort mit dem ersten Lauf danach (»make veroeffentlichen«, oder wartend: "
        "»briefing veröffentlichen --warten«)"]
    assert (out / "gesperrt" / "pm" / "pm.html").is_file()
    assert "Gesperrt:" in (out / "gesperrt" / "pm" / "pm.html").read_text(encoding="utf-8")
    assert not (out / "web" / "pm").exists()
    assert "pm/" not in (out / "web" / "feed.atom").read_text(encoding="utf-8")
    assert "pm/" not in (out / "web" / "index.html").read_text(encoding="utf-8")
    # The journalists' channels carry the embargo.
    mail = email.message_from_bytes((out / "e-mail" / "pm.eml").read_bytes(),
                                    policy=policy.default)
    assert mail["Subject"].startswith("SPERRFRIST Mittwoch, 29. Oktober 2025, 14:00 Uhr: ")
    text = (out / "e-mail" / "pm.txt").read_text(encoding="utf-8")
    assert text.replace("\u00a0", " ").startswith(
        "SPERRFRIST: Mittwoch, 29. Oktober 2025, 14:00 Uhr\n")
    # Nothing changed, but the embargo has passed: the next build publishes.
    monkeypatch.setattr(briefing.clock, "now",
                        lambda: dt.datetime(2025, 10, 29, 13, 1, tzinfo=dt.UTC))
    report = build(root, channels=True)
    assert not report.noop
    assert (out / "web" / "pm" / "pm.html").is_file()
    assert not (out / "gesperrt" / "pm").exists()
    assert "pm/index.html" in (out / "web" / "feed.atom").read_text(encoding="utf-8")
    assert build(root, channels=True).noop


@pytest.mark.langsam
def test_web_pages_have_no_wcag_violations(seed):
    from .browser import axe_violations, format_violations

    site = seed / "output" / "web"
    for page in [site / "index.html", site / SLUG / "index.html", site / SLUG / f"{SLUG}.html",
                 site / SLUG / "2025-10-29-hintergrund-1-grenzregion.html"]:
        violations = axe_violations(page)
        assert violations == [], f"{page.name}: {format_violations(violations)}"


def test_archive_by_year_and_month_and_feed_with_the_web_address(tmp_path):
    def release(day: str, title: str) -> str:
        y, m, d = day.split("-")
        months = {"09": "September", "10": "Oktober", "01": "Januar"}
        return RELEASE.replace("2025-10-29", day).replace("Testmitteilung", title).replace(
            "(29. Oktober 2025)", f"({int(d)}. {months[m]} {y})")

    root = make_project(tmp_path, {
        "content/a.md": release("2025-09-15", "Erste"),
        "content/b.md": release("2025-10-29", "Zweite"),
        "content/c.md": release("2026-01-07", "Dritte"),
    })
    config = root / "briefing.toml"
    config.write_text(config.read_text(encoding="utf-8")
                      + '\n[web]\nadresse = "https://presse.example.de/mitteilungen"\n',
                      encoding="utf-8")
    approve(root)
    assert build(root, channels=True).exit_code() == 0
    archive = (root / "output" / "web" / "index.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h[234][^>]*>([^<]+)</h[234]>", archive)
    assert headings == ["Die neuesten Pressemitteilungen", "2026", "Januar", "2025", "Oktober",
                        "September", "Archiv"]
    assert archive.index("Dritte") < archive.index("Zweite") < archive.index("Erste")
    assert re.findall(r'href="(archiv/[^"]+)">(\d+)</a> <span class="date">\(([^)]+)\)',
                      archive) == [("archiv/2026.html", "2026", "1 Pressemitteilung"),
                                   ("archiv/2025.html", "2025", "2 Pressemitteilungen")]
    year = (root / "output" / "web" / "archiv" / "2025.html").read_text(encoding="utf-8")
    assert re.findall(r"<h2[^>]*>([^<]+)</h2>", year) == ["Archiv", "Oktober", "September"]
    assert 'href="../b/index.html">Zweite' in year and "Dritte" not in year
    assert 'href="../briefing.css"' in year and 'href="2026.html">2026</a>' in year
    feed = ET.parse(root / "output" / "web" / "feed.atom").getroot()
    assert feed.get("{http://www.w3.org/XML/1998/namespace}base") == \
        "https://presse.example.de/mitteilungen/"
    ids = [e.find(f"{ATOM}id").text for e in feed.findall(f"{ATOM}entry")]
    assert ids == [f"https://presse.example.de/mitteilungen/{slug}/" for slug in "cba"]
    hrefs = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    assert hrefs and all(h.startswith("https://presse.example.de/mitteilungen/") for h in hrefs)
    assert feed.find(f"{ATOM}updated").text == "2026-01-06T23:00:00Z"  # midnight in Berlin


def test_a_failing_briefing_keeps_the_release_channels_as_they_were(tmp_path):
    from .test_build import BRIEFING, RELEASE_WITH_PRIORITIES

    root = make_project(tmp_path, {"content/pm.md": RELEASE_WITH_PRIORITIES,
                                   "content/b1.md": BRIEFING.format(key="eins"),
                                   "content/b2.md": BRIEFING.format(key="zwei")})
    assert build(root, channels=True).exit_code() == 0
    out = root / "output"
    channel_files = sorted(p for p in out.rglob("*") if (p.is_file() and "/" in
                           str(p.relative_to(out))) or p.name.endswith("-pressemappe.pdf"))
    before = {p: p.read_bytes() for p in channel_files}
    (root / "content" / "b2.md").write_text(BRIEFING.format(key="zwei").replace(
        "Text.", "Text. ![Karte](fehlt.png)"), encoding="utf-8")
    report = build(root, channels=True)
    assert report.exit_code() == 1
    assert [p.message for p in report.problems if p.path == "content/pm.md"] == [
        "Pressemappe, Webseiten, E-Mail und Paket nicht erneuert, weil content/b2.md kein "
        "aktuelles PDF hat; die Dateien des letzten erfolgreichen Laufs bleiben (veraltet)"]
    assert {p: p.read_bytes() for p in channel_files} == before
    (root / "content" / "b2.md").write_text(BRIEFING.format(key="zwei").replace(
        "Text.", "Neuer Text."), encoding="utf-8")
    report = build(root, channels=True)
    assert report.exit_code() == 0
    # Not approved: the review copy has it.
    assert "Neuer Text." in (out / "gesperrt" / "pm" / "b2.html").read_text(encoding="utf-8")


def test_check_finds_an_error_in_a_channel_template(tmp_path, capsys):
    from briefing.cli import main

    root = make_project(tmp_path, {"content/pm.md": RELEASE})
    page = root / "templates" / "web" / "mitteilung.html.j2"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "{{ entry.doc.title }}", "{{ entry.doc.titel }}"), encoding="utf-8")
    line = next(n for n, text in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
                if "entry.doc.titel" in text)
    assert main(["check", "--root", str(root)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"templates/web/mitteilung.html.j2:{line}: Vorlage verwendet »titel«, das es nicht "
        "gibt; korrigieren Sie die Vorlage"]


def test_a_channel_file_that_cannot_be_written_is_a_fault_of_the_machine(tmp_path):
    root = make_project(tmp_path, {"content/pm.md": RELEASE})
    (root / "output").mkdir()
    (root / "output" / "pakete").write_text("eine Datei, wo ein Ordner sein müsste")
    report = build(root, channels=True)
    assert report.exit_code() == 3
    (fault,) = [str(p) for p in report.problems if p.fault]
    assert fault.startswith("output/pakete: kann nicht geschrieben werden (")
    assert fault.endswith("die bisherigen Dateien dieser Pressemitteilung bleiben unverändert")
    assert (root / "output" / "pm.pdf").is_file()
    # Whole or nothing: no file of the package was written, not even its web pages.
    assert not (root / "output" / "gesperrt" / "pm").exists()
    assert not (root / "output" / "e-mail").exists()
    (root / "output" / "pakete").unlink()
    report = build(root, channels=True)
    assert report.exit_code() == 0
    assert "output/pakete/pm.zip" in report.channel_written
    assert "output/gesperrt/pm/index.html" in report.channel_written


def test_a_draft_never_goes_on_the_public_web(tmp_path):
    root = make_project(tmp_path, {"content/pm.md": RELEASE.replace(
        "ort: Dresden\n", "ort: Dresden\nentwurf: true\n")})
    report = build(root, channels=True)
    assert report.exit_code() == 0
    assert [p.message for p in report.problems if p.path == "content/pm.md"] == [
        "Entwurf (content/pm.md): Webseite, Archiv und Feed enthalten diese Pressemitteilung "
        "nicht (Vorschau in output/gesperrt/pm/), bis »entwurf: true« entfernt ist"]
    out = root / "output"
    assert (out / "gesperrt" / "pm" / "pm.html").is_file()
    assert not (out / "web" / "pm").exists()
    assert "pm/" not in (out / "web" / "feed.atom").read_text(encoding="utf-8")


def test_a_broken_kit_template_fails_the_kit_only(tmp_path, capsys):
    from briefing.cli import main

    root = make_project(tmp_path, {"content/pm.md": RELEASE})
    kit = root / "templates" / "pressemappe.html.j2"
    kit.write_text(kit.read_text(encoding="utf-8").replace(
        '<h1 class="kit-title">{{ doc.title }}</h1>',
        '<h1 class="kit-title">{{ doc.titel }}</h1>'), encoding="utf-8")
    assert main(["build", "--alle", "--root", str(root)]) == 1
    out, err = capsys.readouterr()
    assert "erstellt  output/pm.pdf" in out
    assert "FEHLER    content/pm.md: keine Pressemappe erzeugt" in out
    assert "veraltet" not in out
    assert err.splitlines()[0].startswith("templates/pressemappe.html.j2:")
    assert "Vorlage verwendet »titel«, das es nicht gibt" in err
    assert (root / "output" / "pm.pdf").is_file()
    assert not (root / "output" / "pm-pressemappe.pdf").exists()


SUBJECTS = {
    "lang.md": ("Freistaat fördert Schnelles Internet für Dörfer und Gemeinden im ländlichen "
                "Raum – Übergabe der Förderbescheide in Görlitz und Zittau", True),
    "umlaut.md": ("Ärger über Ölpreise: Übergangslösung für Ämter ab März", False),
    "kurz.md": ("Schnelles Internet für Dörfer", True),
    "ascii.md": ("Kabinett tagt in Dresden zu einer langen Liste von Themen der Landespolitik "
                 "und der Zusammenarbeit mit den Nachbarn", False),
}


def _perl_decode(value: str) -> str | None:
    """The header as Perl's Encode::MIME::Header reads it (another parser than Python's)."""
    import shutil
    import subprocess

    perl = shutil.which("perl")
    if perl is None:
        return None
    done = subprocess.run(
        [perl, "-MEncode", "-e", 'binmode STDOUT, ":utf8"; local $/; '
         'print Encode::decode("MIME-Header", <STDIN>)'],
        input=value.encode(), capture_output=True, check=False)
    return done.stdout.decode() if done.returncode == 0 else None


def test_subjects_read_back_exactly(tmp_path):
    """Embargo prefix, umlauts at any position, long titles: Python's parser (both APIs)
    and Perl's read the subject exactly as meant, no space lost or doubled; each line of
    the header within 78 columns."""
    files = {}
    for name, (title, embargo) in SUBJECTS.items():
        text = RELEASE.replace("Testmitteilung", f"\"{title}\"")
        if embargo:
            text = text.replace("ort: Dresden\n", "ort: Dresden\nsperrfrist: 2025-10-29 14:00\n")
        files[f"content/{name}"] = text
    root = make_project(tmp_path, files)
    approve(root)
    assert build(root, channels=True).errors == []
    for name, (title, embargo) in SUBJECTS.items():
        expected = ("SPERRFRIST Mittwoch, 29. Oktober 2025, 14:00 Uhr: " if embargo else "") \
            + title
        raw = (root / "output" / "e-mail" / name.replace(".md", ".eml")).read_bytes()
        head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
        folded = re.search(r"^Subject: (.*?)\r\n(?=\S)", head, re.S | re.M)[1]
        assert all(len(line) <= 78 for line in head.split("\r\n")), head
        message = email.message_from_bytes(raw, policy=policy.default)
        assert message["Subject"] == expected
        unfolded = re.sub(r"\r?\n(?=[ \t])", "", email.message_from_bytes(raw)["Subject"])
        assert str(email.header.make_header(email.header.decode_header(unfolded))) == expected
        perl = _perl_decode(folded)
        if perl is not None:
            assert perl == expected


def test_sender_and_reply_to_come_from_the_settings(tmp_path):
    root = make_project(tmp_path, {"content/pm.md": RELEASE})
    with (root / "briefing.toml").open("a", encoding="utf-8") as config:
        config.write('\n[e-mail]\nabsender = "Pressestelle der Staatskanzlei '
                     '<presse@sk.sachsen.example>"\nantwort_an = "presse@sk.sachsen.example"\n')
    approve(root)
    assert build(root, channels=True).errors == []
    message = email.message_from_bytes((root / "output" / "e-mail" / "pm.eml").read_bytes(),
                                       policy=policy.default)
    assert message["From"] == "Pressestelle der Staatskanzlei <presse@sk.sachsen.example>"
    assert message["Reply-To"] == "presse@sk.sachsen.example"
    assert message["Message-ID"].endswith(".pm@sk.sachsen.example>")


def _dated(day: str, title: str) -> str:
    y, m, d = day.split("-")
    months = {"09": "September", "10": "Oktober", "01": "Januar", "02": "Februar"}
    return RELEASE.replace("2025-10-29", day).replace("Testmitteilung", title).replace(
        "(29. Oktober 2025)", f"({int(d)}. {months[m]} {y})")


def _site(tmp_path, newest: int):
    root = make_project(tmp_path, {
        "content/a.md": _dated("2025-09-15", "Erste"),
        "content/b.md": _dated("2025-10-29", "Zweite"),
        "content/c.md": _dated("2026-01-07", "Dritte"),
    })
    config = root / "briefing.toml"
    config.write_text(config.read_text(encoding="utf-8") + f"\n[web]\nneueste = {newest}\n",
                      encoding="utf-8")
    approve(root)
    assert build(root, channels=True).exit_code() == 0
    return root


def test_the_newest_are_on_the_start_page_in_the_feed_and_json_the_rest_by_year(tmp_path):
    root = _site(tmp_path, newest=2)
    web = root / "output" / "web"
    start = (web / "index.html").read_text(encoding="utf-8")
    assert "Dritte" in start and "Zweite" in start and "Erste" not in start
    feed = ET.parse(web / "feed.atom").getroot()
    assert [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")] == \
        ["Dritte", "Zweite"]
    newest = json.loads((web / "pressemitteilungen.json").read_text(encoding="utf-8"))
    assert [e["kennung"] for e in newest["pressemitteilungen"]] == ["c", "b"]
    assert newest["archiv"] == [
        {"jahr": 2026, "anzahl": 1, "adresse": "pressemitteilungen-2026.json"},
        {"jahr": 2025, "anzahl": 2, "adresse": "pressemitteilungen-2025.json"}]
    year = json.loads((web / "pressemitteilungen-2025.json").read_text(encoding="utf-8"))
    assert year["jahr"] == 2025
    assert [e["kennung"] for e in year["pressemitteilungen"]] == ["b", "a"]
    assert "Erste" in (web / "archiv" / "2025.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("change, shared", [
    # A correction of an old release: its year, and the feed (it changed last).
    ("korrektur-a", {"archiv/2025.html", "pressemitteilungen-2025.json", "feed.atom"}),
    # A new release of 2026: its year and the newest; 2025 is not touched.
    ("neu-2026", {"archiv/2026.html", "pressemitteilungen-2026.json", "feed.atom",
                  "index.html", "pressemitteilungen.json"}),
])
def test_a_change_rewrites_the_shared_pages_that_list_it_and_no_others(tmp_path, change,
                                                                         shared):
    root = _site(tmp_path, newest=2)
    if change == "korrektur-a":
        path, slug = root / "content" / "a.md", "a"
        path.write_text(path.read_text(encoding="utf-8").replace(
            "ort: Dresden\n", "ort: Dresden\nkorrekturen:\n  2026-01-08: Ein Wort.\n")
            .replace("Ein kurzer", "Ein korrigierter"), encoding="utf-8")
    else:
        path, slug = root / "content" / "d.md", "d"
        path.write_text(_dated("2026-02-03", "Vierte"), encoding="utf-8")
    approve(root, f"content/{slug}.md")
    report = build(root, channels=True)
    assert report.exit_code() == 0
    written = [p.removeprefix("output/") for p in report.channel_written]
    site = {p.removeprefix("web/") for p in written
            if p.startswith("web/") and (p.count("/") == 1 or p.startswith("web/archiv/"))}
    assert site == shared
    own = [p for p in written if p.removeprefix("web/") not in site]
    assert own and all(re.match(rf"(web/{slug}(--fassung-1)?/|e-mail/{slug}\.|pakete/{slug}\.)",
                                p) for p in own), own


def test_a_long_year_is_paged_by_month(tmp_path, monkeypatch):
    import briefing.site

    monkeypatch.setattr(briefing.site, "MONTH_PAGES", 1)
    root = _site(tmp_path, newest=50)
    archive = root / "output" / "web" / "archiv"
    year = (archive / "2025.html").read_text(encoding="utf-8")
    assert re.findall(r'<li><a href="([^"]+)">([^<]+)</a> <span class="date">\(([^)]+)\)',
                      year) == [("2025-10.html", "Oktober 2025", "1 Pressemitteilung"),
                                ("2025-09.html", "September 2025", "1 Pressemitteilung")]
    month = (archive / "2025-09.html").read_text(encoding="utf-8")
    assert "<title>September 2025 – Archiv" in month
    assert 'href="../a/index.html">Erste</a>' in month and "Zweite" not in month
    # 2026 has one release: one page, no month pages.
    assert sorted(p.name for p in archive.iterdir()) == [
        "2025-09.html", "2025-10.html", "2025.html", "2026.html"]
    # The JSON export is paged the same way.
    web = root / "output" / "web"
    index = json.loads((web / "pressemitteilungen-2025.json").read_text(encoding="utf-8"))
    assert index["anzahl"] == 2 and index["monate"] == [
        {"monat": 10, "anzahl": 1, "adresse": "pressemitteilungen-2025-10.json"},
        {"monat": 9, "anzahl": 1, "adresse": "pressemitteilungen-2025-09.json"}]
    september = json.loads((web / "pressemitteilungen-2025-09.json").read_text(
        encoding="utf-8"))
    assert (september["jahr"], september["monat"]) == (2025, 9)
    assert [e["titel"] for e in september["pressemitteilungen"]] == ["Erste"]
    assert "monate" not in json.loads((web / "pressemitteilungen-2026.json").read_text(
        encoding="utf-8"))


def test_a_correction_in_a_long_year_remakes_its_month_only(tmp_path, monkeypatch):
    import briefing.site

    monkeypatch.setattr(briefing.site, "MONTH_PAGES", 1)
    root = _site(tmp_path, newest=50)
    web = root / "output" / "web"
    before = {p: p.stat().st_mtime_ns for p in web.rglob("*") if p.is_file()}
    path = root / "content" / "a.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "ort: Dresden\n", "ort: Dresden\nkorrekturen:\n  2026-01-08: Ein Wort.\n")
        .replace("Ein kurzer", "Ein korrigierter"), encoding="utf-8")
    approve(root, "content/a.md")
    assert build(root, channels=True).exit_code() == 0
    changed = {p.relative_to(web).as_posix() for p in before
               if p.stat().st_mtime_ns != before[p]}
    assert {"archiv/2025-09.html", "pressemitteilungen-2025-09.json"} <= changed
    assert not changed & {"archiv/2025.html", "archiv/2025-10.html",
                          "pressemitteilungen-2025.json", "pressemitteilungen-2025-10.json"}


def test_a_new_year_is_linked_from_every_year_page(tmp_path):
    root = make_project(tmp_path, {"content/a.md": _dated("2025-09-15", "Erste")})
    approve(root)
    assert build(root, channels=True).exit_code() == 0
    archive = root / "output" / "web" / "archiv"
    assert "2026.html" not in (archive / "2025.html").read_text(encoding="utf-8")
    (root / "content" / "c.md").write_text(_dated("2026-01-07", "Dritte"), encoding="utf-8")
    approve(root, "content/c.md")
    assert build(root, channels=True).exit_code() == 0
    assert 'href="2026.html">2026</a>' in (archive / "2025.html").read_text(encoding="utf-8")


def test_press_kits_set_before_their_documents_wait_on_disk_and_come_out_the_same(
        tmp_path, monkeypatch):
    """A full re-render sets every press kit before the documents; beyond a few, the kits
    wait in a temporary file, not in memory. They come out as they would from memory."""
    import briefing.run

    files = {f"content/pm{n}.md": RELEASE.replace("Testmitteilung", f"Mitteilung {n}")
             for n in range(3)}
    kept = make_project(tmp_path / "memory", files)
    spooled = make_project(tmp_path / "disk", files)
    assert build(kept, channels=True, jobs=2).exit_code() == 0
    monkeypatch.setattr(briefing.run._Waiting, "IN_MEMORY", 0)
    report = build(spooled, channels=True, jobs=2)
    assert report.exit_code() == 0
    assert not [p for p in report.problems if p.fault]
    for n in range(3):
        name = f"pm{n}-pressemappe.pdf"
        assert (spooled / "output" / name).read_bytes() == (kept / "output" / name).read_bytes()
        assert f"Mitteilung {n}" in PdfReader(spooled / "output" / name).pages[0].extract_text()


def test_a_press_kit_that_cannot_be_read_back_fails_alone_with_its_reason(
        tmp_path, monkeypatch):
    """A kit whose bytes waited in the temporary file and cannot be read back (a disk
    error) fails as a fault of the machine, with its reason; its documents' PDFs stand."""
    import briefing.run

    root = make_project(tmp_path, {"content/pm.md": RELEASE})
    monkeypatch.setattr(briefing.run._Waiting, "IN_MEMORY", 0)
    every = briefing.run._Waiting.__iter__

    def damaged(self):
        if self._file is not None:
            self._file.truncate(0)
        yield from every(self)

    monkeypatch.setattr(briefing.run._Waiting, "__iter__", damaged)
    report = build(root, channels=True, jobs=2)
    assert [p.message for p in report.problems if p.fault] == [
        "Pressemappe kann nicht aus der temporären Datei gelesen werden: "
        "Ein-/Ausgabefehler des Datenträgers; bitte erneut bauen"]
    assert (root / "output" / "pm.pdf").is_file()
    assert not (root / "output" / "pm-pressemappe.pdf").exists()
