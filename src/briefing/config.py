"""Project configuration: `briefing.toml` at the project root, declared once here.

The project root is the folder holding `briefing.toml`; content, templates and output
live beside it. Every value is checked before any work starts.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ContentError, Problem
from .model import QUOTE_STYLES, Contact, Publisher, QuoteStyle
from .project import CONFIG_NAME, Paths
from .schema import Defaults, FieldError, parse_contact, parse_language, parse_text

#: key → one line of doc; the README lists these.
OPTIONS = {
    "sprache": "Sprache der Dokumente, wenn eines keine `sprache` nennt (Standard `de-DE`)",
    "zitate": "Anführungszeichen: `»…«` (Standard, sächsischer Stil) oder `„…“`",
    "herausgeber.name": "Herausgeber für Briefkopf, Fußzeile und PDF-Autor",
    "herausgeber.anschrift": "Anschrift des Herausgebers im Briefkopf (optional)",
    "kontakt": "Pressekontakt, wenn ein Dokument keinen nennt; Unterfelder wie im Front Matter",
}


@dataclass(frozen=True)
class Config(Paths):
    defaults: Defaults
    quotes: QuoteStyle


def load_config(root: Path) -> Config:
    path = root / CONFIG_NAME
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise ContentError([Problem(CONFIG_NAME, int(match[1]) if match else None,
                                    f"kein gültiges TOML ({exc})")]) from None

    problems: list[Problem] = []

    def get(key: str, parse, default: Any = None) -> Any:
        section, _, name = key.rpartition(".")
        table = data.get(section, {}) if section else data
        if name not in table:
            return default
        try:
            return parse(table[name])
        except FieldError as exc:
            problems.append(Problem(CONFIG_NAME, _line_of(text, name), f"»{key}« {exc}"))
            return default

    for key in data:
        if key not in {k.split(".")[0] for k in OPTIONS}:
            problems.append(Problem(CONFIG_NAME, _line_of(text, key), f"»{key}« ist unbekannt; "
                                    f"erlaubt sind: {', '.join(OPTIONS)}"))
    language = get("sprache", parse_language, "de-DE")
    quotes = get("zitate", _parse_quotes, QUOTE_STYLES["»…«"])
    name = get("herausgeber.name", parse_text)
    if name is None:
        problems.append(Problem(CONFIG_NAME, None, "»herausgeber.name« fehlt; z. B. "
                                "[herausgeber] name = \"Sächsische Staatskanzlei\""))
    address = get("herausgeber.anschrift", parse_text)
    contact: Contact | None = get("kontakt", parse_contact) if "kontakt" in data else None
    if problems:
        raise ContentError(problems)
    return Config(root, Defaults(language, Publisher(name, address), contact), quotes)


def _parse_quotes(value: Any) -> QuoteStyle:
    text = parse_text(value)
    if text not in QUOTE_STYLES:
        raise FieldError(f"»{text}« ist kein bekannter Stil; erlaubt: {', '.join(QUOTE_STYLES)}")
    return QUOTE_STYLES[text]


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*\[?\"?{re.escape(key)}\"?\]?\s*(=|$)", line):
            return number
    return None
