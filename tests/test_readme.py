"""The README stays true: its field table, make targets and commands match the code."""

import re
from pathlib import Path

from briefing.cli import make_parser
from briefing.config import settings_table
from briefing.schema import field_table, inheritance_table

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_field_table_is_generated_from_the_schema():
    block = re.search(r"<!-- field-table:.*?-->\n(.*?)\n<!-- /field-table -->", README, re.S)
    assert block and block[1] == field_table()


def test_inheritance_table_is_generated_from_the_schema():
    block = re.search(r"<!-- inheritance-table:.*?-->\n(.*?)\n<!-- /inheritance-table -->",
                      README, re.S)
    assert block and block[1] == inheritance_table()


def test_every_make_target_is_documented():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = re.findall(r"^([a-z-]+):", makefile, re.M)
    assert targets
    for target in targets:
        assert f"`make {target}`" in README or f"`make {target} " in README or (
            target == "all" and "`make`" in README)


def test_every_command_is_documented():
    commands = make_parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"briefing {name}" in README


def test_settings_table_is_generated_from_the_options():
    block = re.search(r"<!-- settings-table:.*?-->\n(.*?)\n<!-- /settings-table -->", README, re.S)
    assert block and block[1] == settings_table()


def test_test_command_matches_ci():
    assert "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
