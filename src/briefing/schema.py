"""Front-matter schema, declared once: every field with its type, where it applies, a line of
doc. `validate` turns a `SourceFile` into a `Document` or reports every problem at once.

The README's field table is generated from `FIELDS` (see `field_table`), so the two agree.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError

from .errors import Problem, Severity
from .formatting import normalize_phone
from .model import BRIEFING, KIND_LABELS, RELEASE, Contact, Document, Embargo, Priority, Publisher
from .reader import SourceFile

BERLIN = ZoneInfo("Europe/Berlin")
BOTH = (RELEASE, BRIEFING)


class FieldError(ValueError):
    """A value is wrong; the message says how, in German, without the field name.
    `subfield` names the nested key (as in `kontakt.telefon`) so the line is exact."""

    def __init__(self, message: str, subfield: str | None = None):
        super().__init__(message)
        self.subfield = subfield


# --- value parsers: raw YAML value → Python value, or FieldError ---------------------------


def parse_text(value: Any) -> str:
    if value is None:
        raise FieldError("ist leer; tragen Sie einen Wert ein oder löschen Sie das Feld")
    if isinstance(value, (bool, list, dict)):
        raise FieldError(f"muss ein Text sein, nicht {_describe(value)}")
    text = " ".join(str(value).split())
    if not text:
        raise FieldError("ist leer; tragen Sie einen Wert ein oder löschen Sie das Feld")
    return text


def parse_date(value: Any) -> dt.date:
    text = parse_text(value)
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    german = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif german:
        day, month, year = (int(g) for g in german.groups())
    else:
        raise FieldError(
            f"»{text}« ist kein Datum; schreiben Sie es als JJJJ-MM-TT, z. B. 2025-10-29")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise FieldError(f"»{text}« ist kein gültiges Datum (diesen Tag gibt es nicht)") from None


def parse_time(text: str) -> dt.time:
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})(?: Uhr)?", text)
    if not match:
        raise FieldError(f"»{text}« ist keine Uhrzeit; schreiben Sie sie als HH:MM, z. B. 14:00")
    try:
        return dt.time(int(match[1]), int(match[2]))
    except ValueError:
        raise FieldError(f"»{text}« ist keine gültige Uhrzeit (00:00 bis 23:59)") from None


def parse_embargo(value: Any) -> Embargo:
    """`2025-10-29 14:00` (Berlin time), an ISO time with offset, or free text."""
    text = parse_text(value)
    if not text[0].isdigit():
        return Embargo(text=text)
    match = re.fullmatch(
        r"(\S+)[ T](\d{1,2}[:.]\d{2})(?::00)?(?: Uhr)?\s*(Z|[+-]\d{2}:?\d{2})?", text)
    if not match:
        raise FieldError(
            f"»{text}« ist kein Zeitpunkt; schreiben Sie JJJJ-MM-TT HH:MM, z. B. 2025-10-29 14:00"
        )
    day, clock, offset = parse_date(match[1]), parse_time(match[2]), match[3]
    at = dt.datetime.combine(day, clock)
    if offset:
        tz = dt.UTC if offset == "Z" else dt.datetime.strptime(
            offset.replace(":", ""), "%z").tzinfo
        return Embargo(at=at.replace(tzinfo=tz).astimezone(BERLIN))
    return Embargo(at=at.replace(tzinfo=BERLIN))


def parse_number(value: Any) -> str:
    text = parse_text(value)
    match = re.fullmatch(r"(?:Nr\.?\s*)?(\d+)\s*/\s*(\d{4})", text)
    if not match:
        raise FieldError(f"»{text}« ist keine Nummer der Form »Nr. 123/2025«")
    return f"Nr.\u00a0{int(match[1])}/{match[2]}"


def parse_language(value: Any) -> str:
    text = parse_text(value).replace("_", "-")
    try:
        locale = Locale.parse(text, sep="-")
    except (UnknownLocaleError, ValueError):
        raise FieldError(
            f"»{text}« ist keine bekannte Sprache; Beispiele: de-DE, pl-PL, cs-CZ") from None
    if not locale.territory:
        raise FieldError(f"»{text}« braucht eine Region, z. B. {locale.language}-"
                         f"{locale.language.upper()}")
    return f"{locale.language}-{locale.territory}"


def parse_keywords(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not value:
        raise FieldError("muss eine Liste von Stichwörtern sein, z. B. [Sachsen, Strategie]")
    return tuple(parse_text(item) for item in value)


def parse_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldError(f"muss true oder false sein, nicht {_describe(value)}")
    return value


def parse_priorities(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        raise FieldError(
            "muss eine Liste der Form »kennung: Titel« sein, eine Priorität je Zeile"
        )
    out = {}
    for key, title in value.items():
        key = str(key)
        if not re.fullmatch(r"[a-z0-9äöüß-]+", key):
            raise FieldError(
                f"Kennung »{key}« darf nur Kleinbuchstaben, Ziffern und »-« enthalten", key
            )
        try:
            out[key] = parse_text(title)
        except FieldError as exc:
            raise FieldError(f"Titel von »{key}« {exc}", key) from None
    return out


def parse_slug(value: Any) -> str:
    text = parse_text(value).removesuffix(".md")
    if not re.fullmatch(r"[A-Za-z0-9äöüÄÖÜß_-]+", text):
        raise FieldError(
            f"»{text}« ist kein Dateiname aus content/ (ohne ».md«, ohne Ordner)"
        )
    return text


def parse_kind(value: Any) -> str:
    text = parse_text(value).lower()
    if text not in KIND_LABELS:
        raise FieldError(
            f"»{text}« ist kein bekannter Typ; erlaubt sind: {', '.join(KIND_LABELS)}"
        )
    return text


@dataclass(frozen=True)
class SubField:
    name: str
    attr: str
    doc: str
    parse: Callable[[Any], Any] = parse_text


CONTACT_FIELDS = (
    SubField("stelle", "office", "Pressestelle, z. B. »Pressestelle der Staatskanzlei«"),
    SubField("name", "name", "Ansprechperson"),
    SubField("telefon", "phone", "Telefon, wird nach DIN 5008 gesetzt: +49 351 564-12345",
             lambda v: _phone(v)),
    SubField("email", "email", "E-Mail-Adresse", lambda v: _email(v)),
    SubField("anschrift", "address", "Postanschrift in einer Zeile"),
)


def _phone(value: Any) -> str:
    text = parse_text(value)
    try:
        return normalize_phone(text)
    except ValueError:
        raise FieldError(
            f"»{text}« ist keine Telefonnummer; Form nach DIN 5008: +49 351 564-12345"
        ) from None


def _email(value: Any) -> str:
    text = parse_text(value)
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        raise FieldError(f"»{text}« ist keine E-Mail-Adresse")
    return text


def parse_contact(value: Any) -> Contact:
    if not isinstance(value, dict):
        raise FieldError("muss Unterfelder haben: " + ", ".join(f.name for f in CONTACT_FIELDS))
    known = {f.name: f for f in CONTACT_FIELDS}
    values = {}
    for key, raw in value.items():
        sub = known.get(str(key))
        if sub is None:
            raise FieldError(f"Unterfeld »{key}« ist unbekannt{suggest(str(key), known)}", key)
        try:
            values[sub.attr] = sub.parse(raw)
        except FieldError as exc:
            raise FieldError(f"Unterfeld »{key}« {exc}", key) from None
    return Contact(**values)


# --- the schema ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    parse: Callable[[Any], Any]
    kinds: tuple[str, ...]
    required: tuple[str, ...]
    doc: str
    example: str


FIELDS = (
    Field("typ", parse_kind, BOTH, BOTH,
          "Art des Dokuments: `pressemitteilung` oder `hintergrund`", "pressemitteilung"),
    Field("titel", parse_text, BOTH, BOTH, "Überschrift", "Kabinett beschließt …"),
    Field("untertitel", parse_text, BOTH, (), "Unterzeile unter der Überschrift", "…"),
    Field("datum", parse_date, BOTH, BOTH,
          "Datum der Mitteilung, bei Hintergrundinformationen der Stand (JJJJ-MM-TT)",
          "2025-10-29"),
    Field("ort", parse_text, (RELEASE,), (RELEASE,), "Ort für Kopf und Ortsmarke", "Dresden"),
    Field("nummer", parse_number, (RELEASE,), (), "Nummer der Mitteilung", "Nr. 123/2025"),
    Field("sperrfrist", parse_embargo, (RELEASE,), (),
          "Sperrfrist: Zeitpunkt (JJJJ-MM-TT HH:MM, Berliner Zeit) oder Text",
          "2025-10-29 14:00"),
    Field("herausgeber", parse_text, BOTH, (),
          "Herausgeber; ohne Angabe der aus `briefing.toml`", "Sächsische Staatskanzlei"),
    Field("kontakt", parse_contact, BOTH, (),
          "Pressekontakt mit `stelle`, `name`, `telefon`, `email`, `anschrift`; "
          "ohne Angabe der aus `briefing.toml`", "telefon: 0351 564-12345"),
    Field("sprache", parse_language, BOTH, (),
          "Sprache und Region; ohne Angabe die aus `briefing.toml`", "de-DE"),
    Field("schlagwörter", parse_keywords, BOTH, (), "Stichwörter für die PDF-Metadaten",
          "[Sachsen, Strategie]"),
    Field("prioritäten", parse_priorities, (RELEASE,), (),
          "Schwerpunkte der Mitteilung, je Zeile `kennung: Titel`; jeder braucht eine "
          "Hintergrundinformation", "grenzregion: Grenzregion"),
    Field("entwurf", parse_bool, BOTH, (),
          "`true`: ENTWURF auf jeder Seite, Platzhalter erlaubt; `make final` lehnt ab",
          "true"),
    Field("pressemitteilung", parse_slug, (BRIEFING,), (BRIEFING,),
          "Dateiname der zugehörigen Pressemitteilung (ohne `.md`)",
          "2025-10-29-pressemitteilung-internationale-strategie"),
    Field("priorität", parse_slug, (BRIEFING,), (BRIEFING,),
          "Kennung der Priorität aus `prioritäten` der Pressemitteilung", "grenzregion"),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}


@dataclass(frozen=True)
class Defaults:
    """Project-wide values from briefing.toml that a document may leave out."""

    language: str
    publisher: Publisher
    contact: Contact | None


#: Longer headlines are a warning (they fail only with --strict).
MAX_TITLE = 120
#: Marks of unfinished text: allowed in drafts only.
PLACEHOLDERS = re.compile(r"\bTODO\b|\bXXX\b|\[…\]|\[\.\.\.\]|\{\{|\{%")


def validate(
    source: SourceFile, defaults: Defaults, final: bool = False,
) -> tuple[Document | None, list[Problem]]:
    """Check a source against the schema; return the document, or None and why not.
    `final`: a build for publication, which refuses drafts and placeholders."""
    problems: list[Problem] = []

    def report(name: str | None, message: str, severity: Severity = Severity.ERROR) -> None:
        line = source.lines.get(name) or source.lines.get(name.split(".")[0]) if name else None
        problems.append(Problem(source.display_path, line or 1, message, severity))

    meta = source.meta
    kind = None
    if "typ" not in meta:
        report(None, "Pflichtfeld »typ« fehlt; tragen Sie »typ: pressemitteilung« oder "
                     "»typ: hintergrund« ein")
    else:
        try:
            kind = parse_kind(meta["typ"])
        except FieldError as exc:
            report("typ", f"Feld »typ« {exc}")

    values: dict[str, Any] = {}
    for name, raw in meta.items():
        name = str(name)
        if name == "typ":  # checked above: it decides which fields apply
            continue
        spec = FIELDS_BY_NAME.get(name)
        if spec is None:
            report(name, f"Feld »{name}« ist unbekannt{suggest(name, FIELDS_BY_NAME)}")
            continue
        if kind and kind not in spec.kinds:
            only = " und ".join(KIND_LABELS[k] for k in spec.kinds)
            report(name, f"Feld »{name}« gibt es nur bei {only}; löschen Sie es")
            continue
        try:
            values[name] = spec.parse(raw)
        except FieldError as exc:
            report(f"{name}.{exc.subfield}" if exc.subfield else name, f"Feld »{name}« {exc}")
            values[name] = None
    if kind:
        for spec in FIELDS:
            if kind in spec.required and spec.name not in meta:
                report(None, f"Pflichtfeld »{spec.name}« fehlt ({spec.doc.split(';')[0]}), "
                             f"z. B. »{spec.name}: {spec.example}«")

    title = values.get("titel")
    if title and len(title) > MAX_TITLE:
        report("titel", f"Titel ist {len(title)} Zeichen lang; Überschriften über {MAX_TITLE} "
                        "Zeichen lesen sich schlecht, kürzen Sie ihn oder nutzen Sie "
                        "»untertitel«", Severity.WARNING)
    embargo, date = values.get("sperrfrist"), values.get("datum")
    if embargo and embargo.at and date and embargo.at.date() > date:
        report("sperrfrist", "Feld »sperrfrist« liegt nach dem Datum der Mitteilung; "
                             "prüfen Sie »sperrfrist« und »datum«")
    raw_embargo = str(meta.get("sperrfrist", ""))
    if embargo and embargo.at and not re.search(r"(Z|[+-]\d{2}:?\d{2})$", raw_embargo):
        report("sperrfrist", "Sperrfrist ohne Zeitzone gilt als Berliner Zeit "
                             f"({embargo.at.strftime('%H:%M %Z')})", Severity.NOTE)
    draft = bool(values.get("entwurf"))
    if final and draft:
        report("entwurf", "Dokument ist als Entwurf markiert; für die Veröffentlichung "
                          "»entwurf: true« entfernen")
    if not draft or final:
        for line, token in _placeholders(source):
            problems.append(Problem(
                source.display_path, line,
                f"Platzhalter »{token}« ist noch im Text; ersetzen Sie ihn"
                + ("" if draft else " oder markieren Sie das Dokument mit »entwurf: true«")))
    if not source.body.strip():
        problems.append(Problem(source.display_path, source.body_line,
                                "Der Text fehlt: unter dem zweiten »---« steht nichts"))

    if kind is None or any(p.is_error for p in problems):
        return None, problems
    priorities = tuple(
        Priority(key, title, number, len(values["prioritäten"]),
                 source.lines.get(f"prioritäten.{key}", 1))
        for number, (key, title) in enumerate(values.get("prioritäten", {}).items(), start=1)
    )
    document = Document(
        source=source.path,
        display_path=source.display_path,
        kind=kind,
        title=values["titel"],
        subtitle=values.get("untertitel"),
        date=values["datum"],
        place=values.get("ort"),
        number=values.get("nummer"),
        embargo=values.get("sperrfrist"),
        language=values.get("sprache") or defaults.language,
        publisher=Publisher(values["herausgeber"]) if "herausgeber" in values
        else defaults.publisher,
        contact=values.get("kontakt") or defaults.contact,
        keywords=values.get("schlagwörter", ()),
        priorities=priorities,
        release_ref=values.get("pressemitteilung"),
        priority_ref=values.get("priorität"),
        body=source.body,
        body_line=source.body_line,
        lines=source.lines,
        draft=draft,
    )
    return document, problems


def _placeholders(source: SourceFile) -> list[tuple[int, str]]:
    """(line, placeholder) in front-matter text values and in the body."""
    found = []
    for name, value in source.meta.items():
        for match in PLACEHOLDERS.finditer(str(value)):
            found.append((source.lines.get(str(name), 1), match[0]))
    for offset, line in enumerate(source.body.split("\n")):
        found += [(source.body_line + offset, m[0]) for m in PLACEHOLDERS.finditer(line)]
    return found


def field_table() -> str:
    """The Markdown table of fields for the README."""
    rows = ["| Feld | Pressemitteilung | Hintergrund | Bedeutung | Beispiel |",
            "|---|---|---|---|---|"]
    for f in FIELDS:
        cells = [
            "Pflicht" if k in f.required else ("optional" if k in f.kinds else "–")
            for k in (RELEASE, BRIEFING)
        ]
        rows.append(f"| `{f.name}` | {cells[0]} | {cells[1]} | {f.doc} | `{f.example}` |")
    return "\n".join(rows)


def suggest(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; meinten Sie »{close[0]}«?" if close else ""


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "ja/nein"
    if isinstance(value, list):
        return "eine Liste"
    if isinstance(value, dict):
        return "eine Gruppe von Feldern"
    if value is None:
        return "leer"
    return f"»{value}«"
