"""`briefing vorschau` end to end: a real server process on a free port of 127.0.0.1, real
file edits, the very PDF the build would write, and a real browser where one is installed."""

from __future__ import annotations

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

from .conftest import RELEASE

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
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
    assert first["dokumente"] == [{"datei": "content/pm.md", "seiten": 1, "probleme": []}]
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
