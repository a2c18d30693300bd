"""Headings in the body: the title is the only level 1, and no level is skipped.

Checked on the parsed tree, so `#` headings and underlined ones (`===`, `---`) count alike;
each message points at the line of the heading text. The body starts on line 8 of the file.
"""

from __future__ import annotations

import pytest

from briefing.build import check

from .conftest import RELEASE

LEVEL_1 = ("Überschrift der Ebene 1 (»#« oder mit »===« unterstrichen): der Titel kommt aus "
           "»titel«; beginnen Sie Abschnitte mit »##«")


def jump(previous: int, level: int) -> str:
    return (f"Überschrift springt von Ebene {previous} auf {level}; verwenden Sie "
            f"»{'#' * (previous + 1)}«")


CASES = [
    pytest.param("Einleitung.\n\n# Groß\n\nText.\n", [
        f"10: {LEVEL_1}",
    ], id="raute-ebene-1"),
    pytest.param("Einleitung.\n\nGroß\n====\n\nText.\n", [
        f"10: {LEVEL_1}",
    ], id="unterstrichen-ebene-1"),
    pytest.param("Einleitung.\n\nAbschnitt\n---------\n\n#### Zu tief\n\nText.\n", [
        f"13: {jump(2, 4)}",
    ], id="unterstrichen-ebene-2-dann-4"),
    pytest.param("## Abschnitt\n\n#### Zu tief\n", [
        f"10: {jump(2, 4)}",
    ], id="raute-ebene-2-dann-4"),
    pytest.param("Einleitung.\n\n### Zu tief\n", [
        f"10: {jump(1, 3)}",
    ], id="erste-ueberschrift-ebene-3"),
    pytest.param("## Abschnitt ##\n\n#### Zu tief ####\n", [
        f"10: {jump(2, 4)}",
    ], id="schliessende-rauten"),
    pytest.param("## Eins\n\n### Zwei\n\n## Drei\n\n### Vier\n", [
    ], id="ordentlich"),
    pytest.param("Einleitung.\n\n    # kein Titel\n\nText.\n", [
    ], id="eingerueckter-code"),
    pytest.param("Einleitung.\n\n```\n# kein Titel\n```\n\nText.\n", [
    ], id="codeblock-mit-backticks"),
    pytest.param("Die Region wächst.\n\n## Region\n\n#### Region\n", [
        f"12: {jump(2, 4)}",
    ], id="gleicher-text-zweimal"),
    pytest.param("## Abschnitt\n\n#### *Betont* weiter\n", [
        f"10: {jump(2, 4)}",
    ], id="ueberschrift-mit-betonung"),
]


@pytest.mark.parametrize(("body", "expected"), CASES)
def test_headings(body, expected, project):
    text = RELEASE.replace("Dresden (29. Oktober 2025) – Ein kurzer Text.\n", body)
    assert text != RELEASE
    root = project({"content/pm.md": text})
    assert [str(p) for p in check(root).problems] == [f"content/pm.md:{m}" for m in expected]
