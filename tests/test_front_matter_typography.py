"""Front-matter texts get the body's typography: on the page and in the PDF metadata.

Staff type `"…"`, ` - ` and `...` in the title as anywhere else; the PDF shows »…« (or „…“
with `zitate = "„…“"`), – and …, and so do the document properties a viewer shows.
"""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from briefing.build import build

from .conftest import RELEASE
from .test_build import BRIEFING, RELEASE_WITH_PRIORITIES

TYPED = RELEASE.replace(
    "titel: Testmitteilung",
    "titel: 'Sachsen \"weltoffen\" - ein Test...'\n"
    "untertitel: 'Ein \"kleiner\" Untertitel - mit Strich...'")


def set_quotes(root, style: str) -> None:
    config = root / "briefing.toml"
    text = config.read_text(encoding="utf-8")
    assert 'zitate = "»…«"' in text
    config.write_text(text.replace('zitate = "»…«"', f'zitate = "{style}"'), encoding="utf-8")


@pytest.mark.parametrize(("style", "title", "subtitle"), [
    ("»…«", "Sachsen »weltoffen« – ein Test…", "Ein »kleiner« Untertitel – mit Strich…"),
    ("„…“", "Sachsen „weltoffen“ – ein Test…", "Ein „kleiner“ Untertitel – mit Strich…"),
], ids=["saechsisch", "deutsch"])
def test_title_and_subtitle_are_typeset(style, title, subtitle, project):
    root = project({"content/pm.md": TYPED})
    set_quotes(root, style)
    report = build(root)
    assert report.exit_code() == 0, [str(p) for p in report.problems]
    reader = PdfReader(root / "output" / "pm.pdf")
    lines = reader.pages[0].extract_text().splitlines()
    assert title in lines
    assert subtitle in lines
    assert reader.metadata.title == title
    assert reader.metadata.subject == subtitle


@pytest.mark.parametrize(("style", "expected"), [
    ("»…«", "»Das ›Wort‹ gilt«"),
    ("„…“", "„Das ‚Wort‘ gilt“"),
], ids=["saechsisch", "deutsch"])
def test_quoted_release_title_in_briefing_line_nests(style, expected, project):
    root = project({
        "content/pm.md": RELEASE_WITH_PRIORITIES.replace(
            "titel: Testmitteilung", "titel: 'Das \"Wort\" gilt'"),
        "content/b1.md": BRIEFING.format(key="eins"),
        "content/b2.md": BRIEFING.format(key="zwei"),
    })
    set_quotes(root, style)
    report = build(root)
    assert report.exit_code() == 0, [str(p) for p in report.problems]
    text = PdfReader(root / "output" / "b1.pdf").pages[0].extract_text()
    assert f"Zur Pressemitteilung vom 29.\xa0Oktober\xa02025: {expected}" in text.splitlines()
