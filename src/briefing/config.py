"""Project settings: `briefing.toml` at the project root, declared once as a table.

The project root is the folder holding `briefing.toml`; content, templates and output
live beside it. Every value is checked before any work starts, with the same parsers as
the front matter; the README's settings table is generated from `OPTIONS`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ContentError, MachineError, Problem
from .files import cause_of
from .model import QUOTE_STYLES, Publisher, QuoteStyle
from .paths import CONFIG_NAME, Paths
from .schema import Defaults
from .values import CONTACT_NAMES, FieldError, parse_contact, parse_language, parse_text


def _parse_quotes(value: Any) -> QuoteStyle:
    text = parse_text(value)
    if text not in QUOTE_STYLES:
        raise FieldError(f"»{text}« ist kein bekannter Stil; erlaubt: {', '.join(QUOTE_STYLES)}")
    return QUOTE_STYLES[text]


@dataclass(frozen=True)
class Option:
    #: `name` or `section.name`; a whole section (`kontakt`) is one option too.
    key: str
    parse: Callable[[Any], Any]
    doc: str
    default: Any = None
    #: Shown in the message when a required option is missing.
    example: str | None = None

    @property
    def required(self) -> bool:
        return self.example is not None


OPTIONS = (
    Option("sprache", parse_language,
           "Sprache der Dokumente, wenn eines keine `sprache` nennt (Standard `de-DE`)",
           "de-DE"),
    Option("zitate", _parse_quotes,
           "Anführungszeichen: `»…«` (Standard, sächsischer Stil) oder `„…“`",
           QUOTE_STYLES["»…«"]),
    Option("herausgeber.name", parse_text, "Herausgeber für Briefkopf, Fußzeile und PDF-Autor",
           example='[herausgeber] name = "Sächsische Staatskanzlei"'),
    Option("herausgeber.anschrift", parse_text, "Anschrift im Briefkopf (optional)"),
    Option("kontakt", parse_contact,
           "Pressekontakt, wenn ein Dokument keinen nennt; Unterfelder wie im Front Matter "
           f"({', '.join(sorted(CONTACT_NAMES))})"),
)
OPTIONS_BY_KEY = {o.key: o for o in OPTIONS}


@dataclass(frozen=True)
class Config(Paths):
    defaults: Defaults
    quotes: QuoteStyle


def load_config(root: Path) -> Config:
    """The checked settings; raises ContentError with every problem in briefing.toml."""
    try:
        text = (root / CONFIG_NAME).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContentError([Problem(CONFIG_NAME, None, "ist nicht UTF-8-kodiert; speichern "
                                    "Sie die Datei im Editor als »UTF-8«")]) from None
    except OSError as exc:
        raise MachineError(f"{CONFIG_NAME}: kann nicht gelesen werden: {cause_of(exc)}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise ContentError([Problem(CONFIG_NAME, int(match[1]) if match else None,
                                    f"kein gültiges TOML ({exc})")]) from None
    problems: list[Problem] = []
    values = {option.key: _value(option, data, text, problems) for option in OPTIONS}
    problems += _unknown_keys(data, text)
    if problems:
        raise ContentError(sorted(problems, key=lambda p: (p.line or 0, p.message)))
    publisher = Publisher(values["herausgeber.name"], values["herausgeber.anschrift"])
    return Config(root, Defaults(values["sprache"], publisher, values["kontakt"]),
                  values["zitate"])


def _value(option: Option, data: dict, text: str, problems: list[Problem]) -> Any:
    section, _, name = option.key.rpartition(".")
    table = data.get(section, {}) if section else data
    if not isinstance(table, dict):
        problems.append(Problem(CONFIG_NAME, _line_of(text, section),
                                f"»{section}« muss ein Abschnitt [{section}] sein"))
        return option.default
    if name not in table:
        if option.required:
            problems.append(Problem(CONFIG_NAME, None,
                                    f"»{option.key}« fehlt; z. B. {option.example}"))
        return option.default
    try:
        return option.parse(table[name])
    except FieldError as exc:
        problems.append(Problem(CONFIG_NAME, _line_of(text, exc.subfield or name),
                                f"»{option.key}« {exc}"))
        return option.default


def _unknown_keys(data: dict, text: str) -> list[Problem]:
    allowed = {o.key for o in OPTIONS}
    sections = {key.split(".")[0] for key in allowed}
    problems = []
    for key, value in data.items():
        names = [f"{key}.{sub}" for sub in value] if isinstance(value, dict) and \
            key not in allowed and key in sections else [key]
        for name in names:
            if name not in allowed and name.split(".")[0] not in allowed:
                problems.append(Problem(CONFIG_NAME, _line_of(text, name.split(".")[-1]),
                                        f"»{name}« ist unbekannt; erlaubt sind: "
                                        f"{', '.join(OPTIONS_BY_KEY)}"))
    return problems


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*\[?\"?{re.escape(key)}\"?\]?\s*(=|$)", line):
            return number
    return None


def settings_table() -> str:
    """The Markdown table of settings for the README."""
    rows = ["| Schlüssel | Bedeutung |", "|---|---|"]
    for option in OPTIONS:
        section, _, name = option.key.rpartition(".")
        key = f"`[{section}] {name}`" if section else (
            f"`[{name}]`" if option.parse is parse_contact else f"`{name}`")
        rows.append(f"| {key} | {option.doc} |")
    return "\n".join(rows)
