"""The accessibility check of HTML pages (tests/browser.py) works, and can fail: axe-core in
Debian's chromium finds each planted WCAG 2.1 A/AA defect, exactly that one, and the page
under test reaches nothing but local files."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from .browser import axe_violations, format_violations

# Real processes, a real browser: in the full suite, not in `make test-schnell`.
pytestmark = pytest.mark.langsam

GOOD = """\
<!DOCTYPE html>
<html lang="de">
<head>
  <meta charset="utf-8">
  <title>Pressemitteilung – Testseite</title>
</head>
<body>
  <main>
    <h1>Internationale Strategie beschlossen</h1>
    <p>Dresden (29. Oktober 2025) – Ein kurzer Text.</p>
    <table>
      <caption>Termine</caption>
      <tr><th scope="col">Datum</th><th scope="col">Ort</th></tr>
      <tr><td>29. Oktober 2025</td><td>Dresden</td></tr>
    </table>
    {extra}
  </main>
</body>
</html>
"""

#: A defect planted in the good page → the one rule that must catch it, and where.
DEFECTS = [
    ('<img src="logo.png">', "image-alt", ["img"]),
    ('<p style="color: #aaa; background: #fff">Kaum lesbar.</p>', "color-contrast", ["p:nth-child(4)"]),
    ('<a href="mehr.html"></a>', "link-name", ["a"]),
]


def page(tmp_path: Path, html: str) -> Path:
    path = tmp_path / "seite.html"
    path.write_text(html, encoding="utf-8")
    return path


def ids(violations: list[dict]) -> list[str]:
    return sorted(v["id"] for v in violations)


def test_a_good_page_has_no_violations(tmp_path):
    violations = axe_violations(page(tmp_path, GOOD.replace("{extra}", "")))
    assert violations == [], format_violations(violations)


@pytest.mark.parametrize(("extra", "rule", "targets"), DEFECTS, ids=[d[1] for d in DEFECTS])
def test_each_defect_is_found_alone(tmp_path, extra, rule, targets):
    violations = axe_violations(page(tmp_path, GOOD.replace("{extra}", extra)))
    assert [(v["id"], v["targets"]) for v in violations] == [(rule, targets)], \
        format_violations(violations)


def test_a_bad_page_fails_every_planted_rule(tmp_path):
    bad = (GOOD.replace('<html lang="de">', "<html>")
           .replace("{extra}", "\n".join(extra for extra, _rule, _targets in DEFECTS)))
    violations = axe_violations(page(tmp_path, bad))
    assert ids(violations) == ["color-contrast", "html-has-lang", "image-alt", "link-name"], \
        format_violations(violations)
    assert all(v["impact"] in {"minor", "moderate", "serious", "critical"} and v["help"]
               for v in violations)


def test_the_page_reaches_nothing_but_local_files(tmp_path):
    """A local server stands in for the internet: a page that asks it for a stylesheet, a
    script, an image and a fetch() gets checked all the same, and the server hears nothing."""
    heard = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            heard.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        extra = (f'<link rel="stylesheet" href="{url}/stil.css">'
                 f'<script src="{url}/skript.js"></script>'
                 f'<img src="{url}/bild.png" alt="Bild">'
                 f'<script>fetch("{url}/abruf").catch(() => {{}});</script>')
        (tmp_path / "lokal.css").write_text("p { margin: 0; }", encoding="utf-8")
        local = '<link rel="stylesheet" href="lokal.css">'
        violations = axe_violations(page(tmp_path, GOOD.replace("{extra}", local + extra)))
    finally:
        server.shutdown()
        server.server_close()
    assert violations == [], format_violations(violations)
    assert heard == []


def test_violations_read_as_one_block_each():
    violations = [
        {"id": "image-alt", "impact": "critical",
         "help": "Images must have alternative text", "targets": ["img", "#logo"]},
        {"id": "html-has-lang", "impact": "serious",
         "help": "<html> element must have a lang attribute", "targets": ["html"]},
    ]
    assert format_violations(violations) == (
        "image-alt (critical): Images must have alternative text\n"
        "    img\n"
        "    #logo\n"
        "html-has-lang (serious): <html> element must have a lang attribute\n"
        "    html")
    assert format_violations([]) == "keine Verstöße"
