"""`briefing vorschau` end to end: a real server process on a free port of 127.0.0.1, real
file edits, the very PDF the build would write, and a real browser where one is installed."""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from pypdf import PdfReader

from .conftest import RELEASE, as_in_a_terminal

TIMEOUT = 30


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read()


def state(url: str) -> dict:
    return json.loads(get(url + "stand"))


def pdf_text(url: str) -> str:
    return PdfReader(io.BytesIO(get(url + "pdf/0.pdf"))).pages[0].extract_text()


def wait_for(url: str, condition, previous: int) -> dict:
    """The first state newer than `previous` that meets `condition`."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        current = state(url)
        if current["stand"] != previous and condition(current):
            return current
        time.sleep(0.05)
    raise AssertionError(f"keine neue Fassung nach {TIMEOUT} s: {state(url)}")


@pytest.fixture
def preview(project):
    """A running preview of content/pm.md; yields (root, url, process)."""
    root = project({"content/pm.md": RELEASE, "content/anderes.md": RELEASE})
    process = subprocess.Popen(
        [sys.executable, "-m", "briefing.cli", "vorschau", "content/pm.md", "--port", "0",
         "--ohne-browser", "--root", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=as_in_a_terminal)
    try:
        first = process.stdout.readline()
        assert first.startswith("Vorschau: http://127.0.0.1:"), first + process.stderr.read()
        url = first.split()[1]
        assert process.stdout.readline().startswith("Erste Fassung gesetzt in ")
        yield root, url, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.mark.langsam  # a preview process of its own
def test_preview_follows_edits_and_shows_problems(preview):
    root, url, process = preview
    page = get(url).decode()
    assert '<html lang="de">' in page and "content/pm.md" in page
    assert "content/anderes.md" not in page  # only the file asked for
    first = state(url)
    assert first["dokumente"] == [{"datei": "content/pm.md", "seiten": 1, "probleme": [],
                                   "zugehörige": []}]
    assert "Ein kurzer Text." in pdf_text(url)
    assert get(url + "seite/0/0.jpg")[:2] == b"\xff\xd8"

    content = root / "content" / "pm.md"
    content.write_text(RELEASE.replace("Ein kurzer Text.", "Ein neuer Text."), encoding="utf-8")
    second = wait_for(url, lambda s: True, first["stand"])
    assert "Ein neuer Text." in pdf_text(url)

    # A mistake: its message appears, the last good rendering stays.
    content.write_text(RELEASE.replace("datum: 2025-10-29", "datum: 2025-10-32"),
                       encoding="utf-8")
    broken = wait_for(url, lambda s: s["dokumente"][0]["probleme"], second["stand"])
    assert broken["dokumente"][0]["probleme"] == [
        "content/pm.md:4: Feld »datum« »2025-10-32« ist kein gültiges Datum (diesen Tag gibt "
        "es nicht)"]
    assert "Ein neuer Text." in pdf_text(url)
    assert "ist kein gültiges Datum" in get(url).decode()

    content.write_text(RELEASE.replace("Ein kurzer Text.", "Wieder gut."), encoding="utf-8")
    fixed = wait_for(url, lambda s: not s["dokumente"][0]["probleme"], broken["stand"])
    assert fixed["dokumente"][0]["seiten"] == 1
    assert "Wieder gut." in pdf_text(url)

    # A template change sets it again too; output/ stays untouched.
    partial = root / "templates" / "partials" / "footer.html.j2"
    partial.write_text(partial.read_text(encoding="utf-8").replace(" · ", " | "),
                       encoding="utf-8")
    wait_for(url, lambda s: True, fixed["stand"])
    assert "Sächsische Staatskanzlei | Pressemitteilung" in pdf_text(url)
    assert not (root / "output").exists()
    assert process.poll() is None  # still serving

    # Deleted while shown: the page says so (a name mistyped at the start is an error).
    content.unlink()
    gone = wait_for(url, lambda s: s["hinweise"], state(url)["stand"])
    assert gone["hinweise"] == ["content/pm.md: gibt es nicht (mehr) in content/"]
    assert gone["dokumente"] == []
    assert process.poll() is None


@pytest.mark.langsam  # a preview process of its own
def test_preview_ends_cleanly(preview):
    _root, url, process = preview
    assert state(url)["stand"] >= 1
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0
    assert "Vorschau beendet." in process.stderr.read()
    with pytest.raises(OSError):
        get(url)


def test_preview_listens_on_loopback_only():
    from briefing.preview import Preview
    from briefing.preview_http import serve

    server = serve(Preview(Path(".")), 0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


@pytest.mark.langsam  # a preview process of its own
def test_preview_answers_only_requests_for_this_machine(preview):
    _root, url, _process = preview
    request = urllib.request.Request(url + "stand", headers={"Host": "boese.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
    for path in ("pdf/7.pdf", "seite/0/9.jpg", "seite/x/0.jpg", "../briefing.toml",
                 "content/pm.md"):
        with pytest.raises(urllib.error.HTTPError) as missing:
            get(url + path)
        assert missing.value.code == 404


@pytest.mark.langsam  # a preview process of its own
def test_settings_and_stylesheet_changes_and_saves_by_rename(preview):
    root, url, process = preview
    first = state(url)
    # An editor that saves by writing a new file and renaming it over the old one.
    content = root / "content" / "pm.md"
    temporary = root / "content" / ".pm.md.swp"
    temporary.write_text(RELEASE.replace("Ein kurzer Text.", "Umbenannt gespeichert."),
                         encoding="utf-8")
    os.replace(temporary, content)
    second = wait_for(url, lambda s: True, first["stand"])
    assert "Umbenannt gespeichert." in pdf_text(url)

    config = root / "briefing.toml"
    good = config.read_text(encoding="utf-8")
    config.write_text(good.replace('name = "Sächsische Staatskanzlei"',
                                   'name = "Staatskanzlei Test"'), encoding="utf-8")
    third = wait_for(url, lambda s: True, second["stand"])
    assert "Staatskanzlei Test" in pdf_text(url)

    config.write_text(good + "\nfarbe = 1\n", encoding="utf-8")  # a mistake in the settings
    broken = wait_for(url, lambda s: s["hinweise"], third["stand"])
    assert broken["hinweise"][0].startswith("briefing.toml:")
    config.write_text(good, encoding="utf-8")
    fixed = wait_for(url, lambda s: not s["hinweise"], broken["stand"])
    assert "Sächsische Staatskanzlei" in pdf_text(url)

    css = root / "templates" / "print.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nh1 { font-size: 30pt; }\n",
                   encoding="utf-8")
    wait_for(url, lambda s: True, fixed["stand"])
    assert process.poll() is None


def _browser():
    """Debian's chromium driven by Playwright, or a skip that says what to install."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("chromium fehlt: sudo apt-get install chromium (make test installiert ihn, "
                    "wo es darf)")
    playwright = pytest.importorskip("playwright.sync_api")
    return playwright, executable


@pytest.mark.langsam  # a preview process of its own
def test_preview_in_a_real_browser(preview):
    playwright, executable = _browser()
    root, url, _process = preview
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable,
                                    args=["--no-sandbox"] if os.geteuid() == 0 else [])
        try:
            page = browser.new_page()
            asked: list[str] = []
            page.on("request", lambda request: asked.append(request.url))
            page.goto(url)
            image = page.locator("img").first
            assert image.get_attribute("alt") == "Testmitteilung, Seite 1 von 1"
            before = image.get_attribute("src")
            assert page.evaluate("img => img.naturalWidth", image.element_handle()) > 500
            (root / "content" / "pm.md").write_text(
                RELEASE.replace("titel: Testmitteilung", "titel: Neue Überschrift"),
                encoding="utf-8")
            page.wait_for_function(
                "before => document.querySelector('img')?.getAttribute('src') !== before",
                arg=before, timeout=TIMEOUT * 1000)
            assert page.locator("img").first.get_attribute("alt") == \
                "Neue Überschrift, Seite 1 von 1"
            # Told by push, not by asking: one event stream for the page's life, no
            # polling, no reload (the page itself is not asked for again).
            page.wait_for_timeout(1000)
            assert not [a for a in asked if "/stand" in a]
            assert len([a for a in asked if "/ereignisse" in a]) == 1
            assert [a for a in asked if a.rstrip("/") == url.rstrip("/")] == [url]
            # The tabs: the web page in place of the page images; kept after a new setting.
            page.click("button[data-form=web]")
            assert page.locator("iframe").is_visible() and page.locator("img").first.is_hidden()
            frame = page.frame_locator("iframe")
            assert frame.locator("h1").inner_text() == "Neue Überschrift"
            (root / "content" / "pm.md").write_text(
                RELEASE.replace("titel: Testmitteilung", "titel: Noch eine Überschrift"),
                encoding="utf-8")
            page.wait_for_function("() => document.querySelector('img')?.alt.startsWith('Noch')",
                                   timeout=TIMEOUT * 1000)
            assert page.locator("iframe").is_visible()
            assert frame.locator("h1").inner_text() == "Noch eine Überschrift"
        finally:
            browser.close()


def test_the_page_says_it_is_setting_and_keeps_errors_warnings_and_notes_apart():
    import threading
    from types import SimpleNamespace

    from briefing.preview_http import page

    waiting = SimpleNamespace(lock=threading.Lock(), views={}, notes=[], version=0,
                              ready=False)
    assert '<p class="setting" role="status">wird gesetzt …</p>' in page(waiting)
    waiting.ready = True
    assert "Keine Dokumente." in page(waiting)
    view = SimpleNamespace(source="content/pm.md", pages=0, title="T", at="", seconds=0,
                           problems=["content/pm.md:3: Hinweis: Sperrfrist ohne Zeitzone",
                                     "content/pm.md:2: Titel fehlt",
                                     "content/pm.md:9: Warnung: Titel ist lang"])
    shown = page(SimpleNamespace(lock=threading.Lock(), views={"content/pm.md": view},
                                 notes=[], version=1, ready=True))
    assert shown.index("<h3>Fehler</h3>") < shown.index("Titel fehlt") < \
        shown.index("<h3>Warnungen</h3>") < shown.index("Titel ist lang") < \
        shown.index("<h3>Hinweise</h3>") < shown.index("Sperrfrist ohne Zeitzone")
    assert '<p class="problem warnung">content/pm.md:9: Warnung: Titel ist lang</p>' in shown


def test_the_preview_shows_the_web_page_and_the_e_mail_too(preview):
    _root, url, _process = preview
    shown = get(url).decode()
    for form in ("pdf", "web", "mail"):
        assert f'<button type="button" data-form="{form}">' in shown
    page = get(url + "web/0.html").decode()
    assert "<h1>Testmitteilung</h1>" in page and "Ein kurzer Text." in page
    assert '<link rel="stylesheet" href="/web.css">' in page
    assert b".site-header" in get(url + "web.css")
    mail = shown.split('<pre class="mail">', 1)[1].split("</pre>", 1)[0]
    assert mail.startswith("Testmitteilung\n\nPRESSEMITTEILUNG · Sächsische Staatskanzlei\n")
    assert "Dresden (29.\u00a0Oktober 2025) – Ein kurzer Text." in mail


def test_the_pages_are_shown_before_the_pdf_is_finished(project):
    """The warm worker sends the laid-out pages first and finishes the PDF/A + UA
    structure while they are shown; the finished PDF has the same pages."""
    from briefing.markup import render_body
    from briefing.project import load_project
    from briefing.setting import Worker, settings_for
    from briefing.templating import compose, make_environment

    root = project({"content/pm.md": RELEASE})
    loaded = load_project(root)
    document = loaded.documents[0]
    config = loaded.config
    page = compose(document, make_environment(config.templates_dir), config,
                   render_body(document, config.quotes, config.content_dir))
    worker = Worker()
    try:
        settings = settings_for(loaded, loaded.documents)
        worker.setup(settings)
        worker.setup(settings)  # again before a rendering (settings saved twice)
        early: list = []
        finished = worker.render((document.display_path, page.html), early.append)

        def broken(produced):
            raise ValueError("Fehler beim Zeigen")

        # A fault while the pages are shown is raised once the worker has answered:
        # the next rendering is its own, not one behind.
        with pytest.raises(ValueError, match="Zeigen"):
            worker.render((document.display_path, page.html), broken)
        again = worker.render((document.display_path, page.html.replace(
            "Testmitteilung", "Nochmal")))
    finally:
        worker.close()
    assert "Nochmal" in PdfReader(io.BytesIO(again.data)).pages[0].extract_text()
    assert [e.pages for e in early] == [finished.pages] == [1]
    assert early[0].ok and finished.ok
    shown, final = PdfReader(io.BytesIO(early[0].data)), PdfReader(io.BytesIO(finished.data))
    assert "Testmitteilung" in shown.pages[0].extract_text()
    assert shown.pages[0].extract_text() == final.pages[0].extract_text()
    # The structure for screen readers (PDF/UA) comes with the finished PDF.
    assert "/StructTreeRoot" not in shown.trailer["/Root"]
    assert "/StructTreeRoot" in final.trailer["/Root"]


#: A release with a translation that was made from its text as it is now.
TRANSLATION = """\
---
typ: pressemitteilung
titel: Test release
sprache: en-GB
original: pm
fassung: {version}
---

Dresden (29 October 2025) – A short text.
"""


def _with_translation(project) -> Path:
    from briefing.editions import version_of
    from briefing.project import load_project

    root = project({"content/pm.md": RELEASE, "content/anderes.md": RELEASE})
    (original,) = [d for d in load_project(root).documents if d.slug == "pm"]
    (root / "content" / "pm.en.md").write_text(
        TRANSLATION.format(version=version_of(original)), encoding="utf-8")
    return root


def test_one_document_shown_shows_its_editions_problems_under_their_file(project,
                                                                         monkeypatch):
    """Saving the original makes its translation out of date: `check` says so for the
    translation's file, and so does the page that shows only the original, under that file.
    The time it was set is Berlin time."""
    import datetime as dt

    from briefing import clock
    from briefing.preview import Preview
    from briefing.preview_http import page, state

    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2025, 10, 29, 20, 31, 50,
                                                          tzinfo=dt.UTC))
    root = _with_translation(project)
    original = root / "content" / "pm.md"
    preview = Preview(root, "content/pm.md")
    try:
        assert preview.refresh() == 1
        (view,) = preview.views.values()
        assert (view.problems, view.related) == ([], {})
        assert view.at == "21:31:50"  # CET: UTC + 1

        original.write_text(RELEASE.replace("Ein kurzer Text.", "Ein neuer Text."),
                            encoding="utf-8")
        assert preview.refresh() == 1
        assert view.problems == []
        (stale,) = view.related.pop("content/pm.en.md")
        assert stale.startswith("content/pm.en.md:6: Warnung: Übersetzung veraltet")
        assert view.related == {}  # not the other release
        view.related["content/pm.en.md"] = [stale]
        assert state(preview)["dokumente"][0]["zugehörige"] == [
            {"datei": "content/pm.en.md", "probleme": [stale]}]
        shown = page(preview)
        assert shown.index("<h2>content/pm.md</h2>") < \
            shown.index("<h3>Dazugehörige Datei: content/pm.en.md</h3>") < \
            shown.index("<h4>Warnungen</h4>") < shown.index("Übersetzung veraltet") < \
            shown.index("<img")

        # The original broken: the translation waits for it, and says so under its file.
        original.write_text(RELEASE.replace("datum: 2025-10-29", "datum: 2025-10-32"),
                            encoding="utf-8")
        assert preview.refresh() == 0
        assert view.problems == ["content/pm.md:4: Feld »datum« »2025-10-32« ist kein "
                                 "gültiges Datum (diesen Tag gibt es nicht)"]
        assert list(view.related) == ["content/pm.en.md"]
        assert "content/pm.md" in view.related["content/pm.en.md"][0]
    finally:
        preview.close()


def test_with_every_document_shown_each_shows_its_own_problems(project):
    from briefing.preview import Preview

    root = _with_translation(project)
    (root / "content" / "pm.md").write_text(
        RELEASE.replace("Ein kurzer Text.", "Ein neuer Text."), encoding="utf-8")
    preview = Preview(root)
    try:
        preview.refresh()
        views = preview.views
        assert sorted(views) == ["content/anderes.md", "content/pm.en.md", "content/pm.md"]
        assert all(v.related == {} for v in views.values())
        (stale,) = views["content/pm.en.md"].problems
        assert stale.startswith("content/pm.en.md:6: Warnung: Übersetzung veraltet")
        assert views["content/pm.md"].problems == []
    finally:
        preview.close()


@pytest.mark.parametrize(("utc", "berlin"), [
    ((2025, 10, 29, 20, 31, 50), "21:31:50"),  # winter time
    ((2025, 7, 1, 19, 31, 50), "21:31:50"),  # summer time
    ((2025, 3, 30, 0, 59, 59), "01:59:59"),  # the hour before the clocks go forward
    ((2025, 3, 30, 1, 0, 0), "03:00:00"),
])
def test_the_time_it_was_set_is_berlin_time(monkeypatch, utc, berlin):
    import datetime as dt

    from briefing import clock
    from briefing.preview import clock_time

    monkeypatch.setattr(clock, "now", lambda: dt.datetime(*utc, tzinfo=dt.UTC))
    assert clock_time() == berlin


@pytest.mark.parametrize(("name", "expected"), [
    ("content/2025-10-29-pressemitteilung-stratgie.md",
     "content/2025-10-29-pressemitteilung-stratgie.md gibt es nicht; meinten Sie "
     "»content/2025-10-29-pressemitteilung-strategie.md«?"),
    # Named inside content/: the suggestion is named so too.
    ("2025-10-29-pressemitteilung-strategi.md",
     "2025-10-29-pressemitteilung-strategi.md gibt es nicht; meinten Sie "
     "»2025-10-29-pressemitteilung-strategie.md«?"),
    ("content/ganz-etwas-anderes.md",
     "content/ganz-etwas-anderes.md gibt es nicht; alle Inhaltsdateien zeigt »briefing "
     "status«"),
    ("briefing.toml", "briefing.toml ist keine Inhaltsdatei unter content/ (*.md)"),
    ("content", "content ist keine Inhaltsdatei unter content/ (*.md)"),
])
def test_a_file_that_is_not_there_stops_the_preview_before_it_starts(
        project, monkeypatch, capsys, name, expected):
    import multiprocessing

    from briefing.cli import main

    root = project({"content/2025-10-29-pressemitteilung-strategie.md": RELEASE,
                    "content/2025-10-29-hintergrund-1-grenzregion.md": RELEASE})
    monkeypatch.chdir(root)
    assert main(["vorschau", name, "--ohne-browser", "--port", "0"]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"briefing: vorschau: {expected}\n")
    assert not multiprocessing.active_children()  # no worker started


def test_the_server_speaks_german():
    import socket
    import threading

    from briefing.errors import UsageError
    from briefing.preview import Preview
    from briefing.preview_http import serve

    server = serve(Preview(Path(".")), 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    url = f"http://127.0.0.1:{port}/"
    try:
        for request, code, text in [
            (urllib.request.Request(url + "gibt-es-nicht"), 404, "Nicht gefunden"),
            (urllib.request.Request(url, headers={"Host": "boese.example"}), 403,
             "Nicht erlaubt"),
            (urllib.request.Request(url, data=b"x", method="POST"), 501,
             "Diese Art Anfrage beantwortet die Vorschau nicht (nur GET)"),
        ]:
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(request, timeout=10)
            assert (answer.value.code, answer.value.read().decode()) == (code, text)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(b"GET / zu viel HTTP/1.1\r\n\r\n")
            reply = raw.makefile("rb").read().decode()
        assert reply.startswith("HTTP/") and reply.endswith("\r\n\r\nUngültige Anfrage")
        # Its port taken: said in German, the preview does not start.
        with pytest.raises(UsageError) as taken:
            serve(Preview(Path(".")), port)
        assert str(taken.value) == (
            f"vorschau: Port {port} ist nicht frei (ein anderes Programm nutzt ihn schon, "
            "vielleicht eine andere Vorschau); nehmen Sie einen anderen mit --port")
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("number", "cause"), [
    (errno.EADDRINUSE, "ein anderes Programm nutzt ihn schon, vielleicht eine andere Vorschau"),
    (errno.EACCES, "keine Berechtigung; Ports unter 1024 darf nur der Systemverwalter öffnen"),
    (errno.EADDRNOTAVAIL, "die Adresse 127.0.0.1 gibt es auf diesem Rechner nicht"),
    (errno.EMFILE, "zu viele offene Dateien"),
    (errno.ENOBUFS, "Fehler ENOBUFS des Betriebssystems"),
])
def test_why_a_port_cannot_be_used_is_german(number, cause):
    from briefing.preview_http import _port_cause

    assert _port_cause(OSError(number, os.strerror(number))) == cause
