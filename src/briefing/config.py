"""Project settings: `briefing.toml` at the project root, declared once as a table.

The project root is the folder holding `briefing.toml`; content, templates and output
live beside it. Every value is checked before any work starts, with the same parsers as
the front matter; the README's settings table is generated from `OPTIONS`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
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


def _parse_address(value: Any) -> str:
    text = parse_text(value)
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", text):
        raise FieldError(f"»{text}« ist keine Webadresse; schreiben Sie sie mit https://")
    return text if text.endswith("/") else f"{text}/"


def _parse_window(value: Any) -> int:
    """A count of entries (1 to 1,000), written as a number."""
    text = str(value).strip() if isinstance(value, (int, str)) and \
        not isinstance(value, bool) else ""
    if not text.isdigit() or not 1 <= int(text) <= 1000:
        raise FieldError(f"»{value}« ist keine Anzahl von 1 bis 1000; schreiben Sie z. B. 50")
    return int(text)


def _parse_mailbox(value: Any) -> str:
    """`Name <adresse@example.de>` or `adresse@example.de`, as a mail header writes it."""
    from email.headerregistry import HeaderRegistry

    text = parse_text(value)
    try:
        header = HeaderRegistry()("From", text)
        (address,) = header.addresses
        ok = address.domain and "." in address.domain and address.username and \
            not header.defects
    except (ValueError, IndexError, TypeError):
        ok = False
    if not ok:
        raise FieldError(f"»{text}« ist keine E-Mail-Adresse; schreiben Sie sie wie "
                         "»Pressestelle <presse@example.de>« oder »presse@example.de«")
    return text


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
    Option("web.adresse", _parse_address,
           "Adresse, unter der `output/web/` veröffentlicht wird, z. B. "
           "`https://www.example.de/presse/` (optional; macht die Links im Atom-Feed absolut)"),
    Option("web.neueste", _parse_window,
           "Wie viele der neuesten Pressemitteilungen der Atom-Feed, die Startseite und "
           "`pressemitteilungen.json` enthalten (Standard 50); ältere stehen im Archiv je Jahr "
           "(`archiv/JJJJ.html`, `pressemitteilungen-JJJJ.json`)", 50),
    Option("e-mail.absender", _parse_mailbox,
           "Absender der E-Mail-Entwürfe, z. B. `Pressestelle <presse@example.de>` (optional; "
           "sonst die E-Mail-Adresse des Pressekontakts)"),
    Option("e-mail.antwort_an", _parse_mailbox,
           "Adresse für Antworten (`Reply-To`) der E-Mail-Entwürfe (optional)"),
    Option("intern.vermerk", parse_text,
           "Kennzeichnung interner Dokumente (Sprechzettel, Fragen und Antworten, "
           "`intern: true`) auf jeder Seite, als Wasserzeichen und in den PDF-Metadaten",
           "Nur für den internen Gebrauch"),
    Option("kontakt", parse_contact,
           "Pressekontakt, wenn ein Dokument keinen nennt; Unterfelder wie im Front Matter "
           f"({', '.join(sorted(CONTACT_NAMES))})"),
)
OPTIONS_BY_KEY = {o.key: o for o in OPTIONS}


@dataclass(frozen=True)
class Config(Paths):
    defaults: Defaults
    quotes: QuoteStyle
    #: Where output/web/ is published (absolute feed links), if the office says so.
    web_address: str | None = None
    #: The e-mail drafts' `From` and `Reply-To`, if the office names them.
    mail_from: str | None = None
    mail_reply_to: str | None = None
    #: How internal documents are marked.
    internal_mark: str = "Nur für den internen Gebrauch"
    #: The feed, the start page and the JSON list hold the newest this many releases.
    newest: int = 50


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
        match = re.search(r"line (\d+), column (\d+)", str(exc))
        raise ContentError([Problem(CONFIG_NAME, int(match[1]) if match else None, (
            f"ist kein gültiges TOML{f' (Spalte {match[2]})' if match else ''}; Texte stehen "
            'in Anführungszeichen (name = "Sächsische Staatskanzlei"), jeder Schlüssel hat ein '
            "»=«, Abschnitte stehen in eckigen Klammern ([kontakt])"))]) from None
    problems: list[Problem] = []
    lines = _Lines(text)
    values = {option.key: _value(option, data, lines, problems) for option in OPTIONS}
    problems += _unknown_keys(data, lines)
    if problems:
        raise ContentError(sorted(problems, key=lambda p: (p.line or 0, p.message)))
    language = values["sprache"]
    publisher = Publisher(values["herausgeber.name"], values["herausgeber.anschrift"], language)
    contact = values["kontakt"] and replace(values["kontakt"], language=language)
    return Config(root, Defaults(language, publisher, contact),
                  values["zitate"], values["web.adresse"], values["e-mail.absender"],
                  values["e-mail.antwort_an"], values["intern.vermerk"], values["web.neueste"])


def _value(option: Option, data: dict, lines: _Lines, problems: list[Problem]) -> Any:
    section, _, name = option.key.rpartition(".")
    table = data.get(section, {}) if section else data
    if not isinstance(table, dict):
        problem = Problem(CONFIG_NAME, lines.find(section),
                          f"»{section}« muss ein Abschnitt [{section}] sein, mit den Schlüsseln "
                          "darunter, z. B. [herausgeber] und in der nächsten Zeile name = \"…\"")
        if problem not in problems:
            problems.append(problem)
        return option.default
    if name not in table:
        if option.required:
            problems.append(Problem(CONFIG_NAME, None,
                                    f"»{option.key}« fehlt; z. B. {option.example}"))
        return option.default
    if section and isinstance(table[name], dict):
        problems.append(Problem(CONFIG_NAME, lines.find(option.key),
                                f"»{option.key}« muss ein Text sein, kein Abschnitt"))
        return option.default
    try:
        return option.parse(table[name])
    except FieldError as exc:
        where = f"{option.key}.{exc.subfield}" if exc.subfield else option.key
        problems.append(Problem(CONFIG_NAME, lines.find(where), f"»{option.key}« {exc}"))
        return option.default


def _unknown_keys(data: dict, lines: _Lines) -> list[Problem]:
    allowed = {o.key for o in OPTIONS}
    sections = {key.split(".")[0] for key in allowed}
    problems = []
    for key, value in data.items():
        names = [f"{key}.{sub}" for sub in value] if isinstance(value, dict) and \
            key not in allowed and key in sections else [key]
        for name in names:
            if name in sections and name not in allowed:
                continue  # a section written as a value: reported by _value
            if name not in allowed and name.split(".")[0] not in allowed:
                problems.append(Problem(CONFIG_NAME, lines.find(name),
                                        f"»{name}« ist unbekannt; erlaubt sind: "
                                        f"{', '.join(OPTIONS_BY_KEY)}"))
    return problems


class _Lines:
    """The line of a dotted key (`kontakt.name`) in the TOML text, section by section."""

    def __init__(self, text: str):
        self.where: dict[str, int] = {}
        section = ""
        for number, line in enumerate(text.splitlines(), start=1):
            header = re.match(r"\s*\[\s*([^\]]+?)\s*\]", line)
            if header:
                section = header[1].strip('"')
                self.where.setdefault(section, number)
                continue
            key = re.match(r"\s*\"?([^\s=\"]+)\"?\s*=", line)
            if key:
                self.where.setdefault(f"{section}.{key[1]}" if section else key[1], number)

    def find(self, key: str) -> int | None:
        return self.where.get(key)


def settings_table() -> str:
    """The Markdown table of settings for the README."""
    rows = ["| Schlüssel | Bedeutung |", "|---|---|"]
    for option in OPTIONS:
        section, _, name = option.key.rpartition(".")
        key = f"`[{section}] {name}`" if section else (
            f"`[{name}]`" if option.parse is parse_contact else f"`{name}`")
        rows.append(f"| {key} | {option.doc} |")
    return "\n".join(rows)
