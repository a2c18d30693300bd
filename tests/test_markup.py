"""Markdown body → HTML: typography never inside code, footnotes at their call, safe links."""

import datetime as dt
from pathlib import Path

import pytest

from briefing.doctypes import RELEASE
from briefing.markup import render_body
from briefing.model import QUOTE_STYLES, Document, Publisher

NB = "\u00a0"


def html_of(body: str) -> str:
    document = Document(source=Path("/p/content/x.md"), display_path="content/x.md",
                        kind=RELEASE.name, title="T", date=dt.date(2025, 10, 29), language="de-DE",
                        publisher=Publisher("P"), contact=None, body=body, body_line=5)
    return render_body(document, QUOTE_STYLES["»…«"], Path("/p/content")).html


@pytest.mark.parametrize(("body", "expected"), [
    ('Ein "Zitat" und `"Code" z. B. ...`', "<p>Ein »Zitat« und <code>\"Code\" z. B. ...</code></p>"),
    # Indented text is text (pasted from Word), not code: code is fenced.
    ('    "eingerückt" - z. B.', f'<p>»eingerückt« – z.{NB}B.</p>'),
    ('```\n"umzäunt" - z. B.\n```', '<pre><code>&quot;umzäunt&quot; - z. B.\n</code></pre>'),
    ('"**fett**"', "<p>»<strong>fett</strong>«</p>"),
    ('Ein \\"gerades\\" Zeichen', 'Ein "gerades" Zeichen'),
    ("Text[^1] weiter.\n\n[^1]: Quelle, 29. Oktober 2025.",
     f'<p>Text<sup class="footnote-call"><a href="#note-1">1</a></sup>'
     f'<span class="footnote" id="note-1">Quelle, 29.{NB}Oktober 2025.</span> weiter.</p>'),
    ("<b>fett</b> & <script>x</script>", "<p>&lt;b&gt;fett&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;</p>"),
    ("[Link](https://example.org)", '<a href="https://example.org">Link</a>'),
    ("[Böse](javascript:alert(1))", "<span>Böse</span>"),
    ("| A | B |\n|---|---|\n| 1 | 2 |", "<td>1</td>"),
    ("Text.\n\n| A | B |\n|---|---|\n| 1 | 2 |", '<table data-zeile="7">'),
])
def test_markup(body, expected):
    assert expected in html_of(body)
