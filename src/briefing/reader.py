"""Content file → raw front matter (with the line of every field) + Markdown body (with
its internal notes, the HTML comments, taken out: notes.py).

Only this stage reads content files. It accepts what editors produce (UTF-8 BOM, Windows
line endings) and rejects what would silently go wrong later (other encodings, NUL bytes,
huge files, broken YAML), always naming the line in the file, not in the YAML block.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, Problem
from .files import cause_of
from .notes import Note, Unclosed, split_notes

#: Larger files are refused before parsing: a press text is a few kB.
MAX_FILE_BYTES = 1_000_000

_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")


@dataclass(frozen=True)
class SourceFile:
    path: Path
    display_path: str
    meta: dict[str, Any]
    #: Line in the file of each field; nested fields as `kontakt.telefon`.
    lines: dict[str, int]
    #: The Markdown body, internal notes (HTML comments) taken out (notes.py).
    body: str
    body_line: int
    notes: tuple[Note, ...] = ()


class _Loader(yaml.SafeLoader):
    """YAML without its surprises: every scalar arrives as the text typed. YAML 1.1 would
    read `10:30` as the base-60 number 630, `0012` as 10 (octal), `on` and `ja` as
    booleans, `1e3` as 1000.0 and `2025-10-29` as a date; the schema parses each field
    itself, in German, from what staff wrote."""


_Loader.yaml_implicit_resolvers = {}


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same YAML rules with PyYAML's C parser where it has one: for lists of many
    files (`briefing liste`) that need the values, not the lines."""


_FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def front_matter_texts(source: SourceFile) -> Iterator[tuple[int, str]]:
    """(line, text) of every value in the front matter, nested ones (`kontakt.telefon`,
    `prioritäten.grenzregion`, list items) with their own line."""

    def walk(name: str, value: Any, line: int):
        if isinstance(value, dict):
            for key, item in value.items():
                sub = f"{name}.{key}"
                yield from walk(sub, item, source.lines.get(sub, line))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                sub = f"{name}[{index}]"
                yield from walk(sub, item, source.lines.get(sub, line))
        elif value is not None:
            yield line, str(value)

    for name, value in source.meta.items():
        yield from walk(str(name), value, source.lines.get(str(name), 1))


def read_meta(path: Path) -> dict[str, Any] | None:
    """Only the front matter of a content file, quickly; None when it cannot be read
    (`check` says why)."""
    try:
        with open(path, encoding="utf-8-sig") as file:
            if not _FENCE.match(file.readline()):
                return None
            lines = []
            for line in file:
                if _FENCE.match(line):
                    data = yaml.load("".join(lines), Loader=_FastLoader)
                    return data if isinstance(data, dict) else None
                lines.append(line)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return None

#: PyYAML's problem texts (matched from the start), in German for staff.
_YAML_PROBLEMS = [
    ("mapping values are not allowed here",
     "Doppelpunkt an unerwarteter Stelle; steht ein Wert mit »:« ohne Anführungszeichen? "
     'Setzen Sie ihn in "…"'),
    ("could not find expected ':'", "hier fehlt der Doppelpunkt nach dem Feldnamen"),
    ("found character '\\t' that cannot start any token",
     "Tabulator gefunden; rücken Sie mit Leerzeichen ein"),
    ("found character", "der Wert beginnt mit einem Zeichen, das in YAML eine besondere "
     "Bedeutung hat (wie @, `, % oder |); setzen Sie den ganzen Wert in \"…\""),
    ("did not find expected key",
     "Einrückung passt nicht, oder ein Wert beginnt mit einem Anführungszeichen und geht "
     "danach weiter; Felder müssen bündig untereinander stehen, und ein Wert wie "
     "»\"Sachsen\" ist weltoffen« gehört ganz in einfache Anführungszeichen: "
     "'\"Sachsen\" ist weltoffen'"),
    ("expected <block end>, but found '<scalar>'",
     "ein Wert beginnt mit einem Anführungszeichen und geht danach weiter; setzen Sie den "
     "ganzen Wert in einfache Anführungszeichen: titel: '\"Sachsen\" ist weltoffen'"),
    ("expected <block end>, but found '<block sequence start>'",
     "Listeneintrag »-« an unerwarteter Stelle; prüfen Sie die Einrückung"),
    ("expected <block end>", "Einrückung passt nicht; Felder müssen bündig untereinander "
     "stehen"),
    ("found unexpected end of stream", "Anführungszeichen oder Klammer wird nicht geschlossen"),
    ("found unknown escape character", "unbekanntes Zeichen nach »\\« in einem Wert in "
     "doppelten Anführungszeichen; nehmen Sie einfache Anführungszeichen"),
    ("did not find expected node content", "Wert fehlt oder ist unvollständig"),
    ("expected ',' or ']'", "eckige Klammer einer Liste wird nicht richtig "
     "geschlossen; trennen Sie die Einträge mit Kommas: [Sachsen, Strategie]"),
    ("expected ',' or '}'", "geschweifte Klammer wird nicht richtig geschlossen"),
    ("found undefined alias", "unbekannter Verweis mit »*«; setzen Sie den Wert in \"…\""),
    ("found duplicate anchor", "»&« an unerwarteter Stelle; setzen Sie den Wert in \"…\""),
]
_YAML_UNKNOWN = ("Zeichen an unerwarteter Stelle; prüfen Sie Doppelpunkte, Anführungszeichen "
                 "und Einrückung, und setzen Sie Werte mit Sonderzeichen in \"…\"")


def read_source(path: Path, display_path: str) -> SourceFile:
    """Read one content file. Raises `ContentError` with every problem that stops it."""

    def fail(line: int | None, message: str) -> ContentError:
        return ContentError([Problem(display_path, line, message)])

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise fail(None, f"Datei ist zu groß ({_grouped(size)} Bytes, erlaubt sind "
                             f"{_grouped(MAX_FILE_BYTES)}); teilen Sie den Text auf")
        raw = path.read_bytes()
    except OSError as exc:  # permissions, or the file vanished since it was listed
        raise ContentError([Problem(display_path, None, f"kann nicht gelesen werden: "
                                    f"{cause_of(exc)}", fault=True)]) from None
    text = _decode(raw, fail)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise fail(line, "Datei enthält ein NUL-Zeichen (Binärdaten?); speichern Sie sie als Text")

    lines = text.split("\n")
    if not _FENCE.match(lines[0]) or lines[0].startswith("..."):
        raise fail(
            1,
            "Front Matter fehlt: die Datei muss mit einer Zeile »---« beginnen, "
            "gefolgt von den Feldern und einer weiteren Zeile »---«",
        )
    end = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)
    if end is None:
        raise fail(1, "Front Matter wird nicht geschlossen: es fehlt die zweite Zeile »---«")

    yaml_text = "\n".join(lines[1:end])
    meta, field_lines = _parse_yaml(yaml_text, 2, display_path, fail)
    try:
        body, notes = split_notes("\n".join(lines[end + 1 :]), end + 2)
    except Unclosed as exc:
        raise fail(exc.line, "Kommentar »<!--« wird nicht geschlossen: es fehlt »-->«, und "
                             "der ganze Text danach fiele weg; schließen Sie den Kommentar "
                             "mit »-->«") from None
    return SourceFile(path, display_path, meta, field_lines, body, end + 2, notes)


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _decode(raw: bytes, fail) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise fail(
            line,
            f"Datei ist nicht UTF-8-kodiert (Byte 0x{raw[exc.start]:02X} in Spalte {column}); "
            "speichern Sie sie im Editor als »UTF-8«",
        ) from None


def _parse_yaml(
    text: str, first_line: int, display_path: str, fail
) -> tuple[dict[str, Any], dict[str, int]]:
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else None
        problem = (exc.problem or "").strip()
        german = next((text for start, text in _YAML_PROBLEMS if problem.startswith(start)),
                      _YAML_UNKNOWN)
        raise fail(line, f"Front Matter ist kein gültiges YAML: {german}") from None
    except yaml.YAMLError:
        raise fail(first_line, f"Front Matter ist kein gültiges YAML: {_YAML_UNKNOWN}") from None

    if node is None:
        raise fail(first_line - 1, "Front Matter ist leer: tragen Sie mindestens »typ«, »titel« "
                   "und »datum« ein")
    if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
        raise fail(
            first_line + node.start_mark.line,
            "Front Matter muss aus Feldern der Form »name: wert« bestehen",
        )
    field_lines: dict[str, int] = {}
    duplicates = _collect_lines(node, "", first_line, field_lines)
    problems = [Problem(display_path, line, f"Feld »{name}« steht doppelt; löschen Sie eines")
                for name, line in duplicates]
    problems += _cut_comments(node, text, first_line, display_path)
    if problems:
        raise ContentError(problems)
    return data, field_lines


def _cut_comments(node: yaml.Node, text: str, first_line: int,
                  display_path: str) -> list[Problem]:
    """A ` #` after an unquoted value starts a YAML comment: the rest of the line would be
    lost without a word (`titel: Netz #Wasserstoff` is »Netz«). Never silently."""
    lines = text.split("\n")
    problems = []
    for scalar in _scalars(node):
        if scalar.style is not None:  # quoted or block scalars keep their #
            continue
        end = scalar.end_mark
        rest = lines[end.line][end.column:] if end.line < len(lines) else ""
        if re.match(r"\s+#", rest):
            problems.append(Problem(display_path, first_line + end.line, (
                f"Text ab »{rest.strip()}« gilt als Kommentar und fiele weg; setzen Sie den "
                f"ganzen Wert in Anführungszeichen: \"{scalar.value}{rest.rstrip()}\"")))
    return problems


def _scalars(node: yaml.Node):
    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.MappingNode):
        for _key, value in node.value:
            yield from _scalars(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item)


def _collect_lines(
    node: yaml.MappingNode, prefix: str, first_line: int, out: dict[str, int]
) -> list[tuple[str, int]]:
    """Record where each key stands; return keys that occur twice (YAML would keep the last)."""
    duplicates = []
    for key_node, value_node in node.value:
        name = prefix + str(key_node.value)
        line = first_line + key_node.start_mark.line
        if name in out:
            duplicates.append((name, line))
        out[name] = line
        if isinstance(value_node, yaml.MappingNode):
            duplicates += _collect_lines(value_node, name + ".", first_line, out)
        elif isinstance(value_node, yaml.SequenceNode):
            for index, item in enumerate(value_node.value):
                out[f"{name}[{index}]"] = first_line + item.start_mark.line
    return duplicates
