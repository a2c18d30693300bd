"""A build's report (report.py): two builds run one after the other for one command (a
correction, then the files found changed by hand meanwhile) give one report."""

from __future__ import annotations

from pathlib import Path

from briefing.errors import Problem, Severity
from briefing.report import Outcome, Report


def test_a_report_merged_with_the_one_before_says_what_both_made():
    warning = Problem("content/a.md", 3, "Warnung", Severity.WARNING)
    other = Problem("content/b.md", 1, "noch eine", Severity.WARNING)
    first = Report([warning], outcomes=[
        Outcome("content/a.md", Path("a.pdf"), 1),                  # made by the first
        Outcome("content/a.md", Path("a-pressemappe.pdf"), 2, kit=True),
        Outcome("content/b.md", Path("b.pdf"), 1, unchanged=True),
        Outcome("content/c.md", Path("c.pdf"), 1, unchanged=True),
    ], removed=[("x.pdf", "Inhaltsdatei gelöscht")], channel_written=["web/a/index.html"])
    first.peak_rss_kb = {1: 100, 2: 50}
    second = Report([other, warning], outcomes=[
        Outcome("content/a.md", Path("a.pdf"), 1, unchanged=True),  # made by the first
        Outcome("content/a.md", Path("a-pressemappe.pdf"), 2, unchanged=True, kit=True),
        Outcome("content/b.md", Path("b.pdf"), 1, unchanged=True),
        Outcome("content/c.md", Path("c.pdf"), 1),                  # made by the second
    ], channel_written=["web/c/index.html"])
    second.peak_rss_kb = {2: 70, 3: 40}
    merged = second.merged(first)
    assert [(o.display_path, o.kit, o.unchanged) for o in merged.outcomes] == [
        ("content/a.md", False, False), ("content/a.md", True, False),
        ("content/b.md", False, True), ("content/c.md", False, False)]
    assert (merged.count("built"), merged.count("unchanged")) == (3, 1)
    assert merged.problems == [warning, other]  # each once, in order
    assert merged.removed == [("x.pdf", "Inhaltsdatei gelöscht")]
    assert merged.channel_written == ["web/a/index.html", "web/c/index.html"]
    assert merged.peak_rss_kb == {1: 100, 2: 70, 3: 40}
