"""Footnotes cited twice: the note is printed once, the second call repeats its number.

WeasyPrint floats a note to the page foot from where it is called, so each note's text sits
at its first call. Every call is a superscript number linking to its note (`note-N`); a
later call to the same note repeats the number. Numbers follow the order of first calls.
"""

from __future__ import annotations

import re

from pypdf import PdfReader

from briefing.build import build
from briefing.project import load_project
from briefing.templating import compose, make_environment

from .conftest import RELEASE

BODY = (
    "Dresden (29. Oktober 2025) – Erstens[^q] wichtig. Zweitens[^r] auch. "
    "Drittens wieder[^q] wichtig.\n"
    "\n"
    "[^q]: Quelle Q: Staatskanzlei 2025.\n"
    "[^r]: Quelle R: Statistisches Landesamt.\n"
)
TEXT = RELEASE.replace("Dresden (29. Oktober 2025) – Ein kurzer Text.\n", BODY)


def test_note_cited_twice_is_printed_once(project):
    root = project({"content/pm.md": TEXT})
    report = build(root)
    assert report.exit_code() == 0, [str(p) for p in report.problems]
    text = PdfReader(root / "output" / "pm.pdf").pages[0].extract_text()
    assert text.count("Quelle Q: Staatskanzlei 2025.") == 1
    assert text.count("Quelle R: Statistisches Landesamt.") == 1
    # The calls: 1 and 2 at first use, 1 again at the second call of [^q].
    assert "Erstens1 wichtig. Zweitens2 auch. Drittens wieder1 wichtig." in text
    # The notes at the page foot, numbered in the order of their first call.
    notes = [line for line in text.splitlines() if re.match(r"\d\xa0Quelle", line)]
    assert notes == ["1\xa0Quelle Q: Staatskanzlei 2025.",
                     "2\xa0Quelle R: Statistisches Landesamt."]


def test_second_call_links_to_the_first_note(project):
    root = project({"content/pm.md": TEXT})
    loaded = load_project(root)
    assert loaded.problems == []
    config = loaded.config
    (document,) = loaded.documents
    page = compose(document, make_environment(config.templates_dir), config)
    assert page.problems == []
    html = page.html
    # Each first call is a link to its note, which follows it (WeasyPrint floats it).
    first = ('<sup class="footnote-call"><a href="#note-1">1</a></sup>'
             '<span class="footnote" id="note-1">Quelle Q: Staatskanzlei 2025.</span>')
    assert html.count(first) == 1
    assert html.count('<sup class="footnote-call"><a href="#note-2">2</a></sup>'
                      '<span class="footnote" id="note-2">Quelle R: Statistisches Landesamt.'
                      '</span>') == 1
    assert html.count("Quelle Q") == 1
    again = '<sup class="footnote-again"><a href="#note-1">1</a></sup>'
    assert html.count(again) == 1
    assert f"Drittens wieder{again} wichtig." in html
    assert html.index('id="note-1"') < html.index(again)
    # Python-Markdown's own list of notes and back-links is gone.
    assert 'class="footnote-ref"' not in html and "footnote-backref" not in html
    assert '<div class="footnote">' not in html
