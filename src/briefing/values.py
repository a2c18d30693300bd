"""Raw YAML or TOML value → typed value, or a `FieldError` that says in German what is wrong.

Shared by the front-matter schema (`schema.py`) and the project settings (`config.py`):
a date, a language or a contact is checked the same way wherever staff write it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global, parse_locale

from .clock import BERLIN
from .doctypes import DOCTYPES
from .formatting import normalize_phone
from .i18n import N_
from .model import Contact, Correction, Embargo, Withdrawal


class FieldError(ValueError):
    """A value is wrong; the message says how, in German, without the field name.
    `subfield` names the nested key (as in `kontakt.telefon`) so the line is exact."""

    def __init__(self, message: str, subfield: str | None = None):
        super().__init__(message)
        self.subfield = subfield


EMPTY = "ist leer; tragen Sie einen Wert ein oder löschen Sie das Feld"


def parse_text(value: Any) -> str:
    if value is None:
        raise FieldError(EMPTY)
    if isinstance(value, (bool, list, dict)):
        raise FieldError(f"muss ein Text sein, nicht {describe(value)}")
    text = " ".join(str(value).split())
    if not text:
        raise FieldError(EMPTY)
    return text


def parse_web_address(value: Any) -> str:
    """A web address (a livestream): https:// or http://, nothing else."""
    text = parse_text(value)
    if not re.fullmatch(r"https?://[^\s/]+\.[^\s/]+(/\S*)?", text):
        raise FieldError(f"»{text}« ist keine Webadresse; schreiben Sie sie mit https://, "
                         "z. B. https://www.example.de/live")
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


def parse_time(value: Any) -> dt.time:
    text = parse_text(value)
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
    return Embargo(at=parse_moment(text))


def parse_moment(value: Any) -> dt.datetime:
    """`2025-10-29 14:00` (Berlin time) or an ISO time with offset."""
    text = parse_text(value)
    match = re.fullmatch(
        r"(\S+)[ T](\d{1,2}[:.]\d{2})(?::(\d{2}))?(?: Uhr)?\s*(Z|[+-]\d{2}:?\d{2})?", text)
    if not match:
        raise FieldError(
            f"»{text}« ist kein Zeitpunkt; schreiben Sie JJJJ-MM-TT HH:MM, z. B. 2025-10-29 14:00"
        )
    day, clock, offset = parse_date(match[1]), parse_time(match[2]), match[4]
    at = dt.datetime.combine(day, clock.replace(second=int(match[3] or 0)))
    if offset:
        tz = dt.UTC if offset == "Z" else dt.datetime.strptime(
            offset.replace(":", ""), "%z").tzinfo
        return at.replace(tzinfo=tz).astimezone(BERLIN)
    return at.replace(tzinfo=BERLIN)


def parse_corrections(value: Any) -> tuple[Correction, ...]:
    """`JJJJ-MM-TT: was korrigiert wurde`, one per line; newest first."""
    if not isinstance(value, dict) or not value:
        raise FieldError("muss je Zeile eine Korrektur der Form »JJJJ-MM-TT: was korrigiert "
                         "wurde« haben, eingerückt unter »korrekturen:«")
    found = []
    for key, text in value.items():
        try:
            day = parse_date(key)
        except FieldError as exc:
            raise FieldError(f"Datum {exc}", str(key)) from None
        try:
            found.append(Correction(day, parse_text(text)))
        except FieldError as exc:
            raise FieldError(f"Korrektur vom {key} {exc}", str(key)) from None
    return tuple(sorted(found, key=lambda c: c.date, reverse=True))


def parse_withdrawal(value: Any) -> Withdrawal:
    """`datum` and `grund`, indented below `zurückgezogen:`."""
    if not isinstance(value, dict) or set(map(str, value)) != {"datum", "grund"}:
        raise FieldError("braucht die Unterfelder »datum« (JJJJ-MM-TT) und »grund« (wird "
                         "öffentlich gezeigt), eingerückt darunter")
    try:
        day = parse_date(value["datum"])
    except FieldError as exc:
        raise FieldError(f"Unterfeld »datum« {exc}", "datum") from None
    try:
        return Withdrawal(day, parse_text(value["grund"]))
    except FieldError as exc:
        raise FieldError(f"Unterfeld »grund« {exc}", "grund") from None


def parse_number(value: Any) -> str:
    text = parse_text(value)
    match = re.fullmatch(r"(?:Nr\.?\s*)?(\d+)\s*/\s*(\d{4})", text)
    if not match:
        raise FieldError(f"»{text}« ist keine Nummer der Form »Nr. 123/2025«")
    return f"{N_('Nr.')}\u00a0{int(match[1])}/{match[2]}"


def parse_language(value: Any) -> str:
    text = parse_text(value).replace("_", "-")
    try:
        locale = Locale.parse(text, sep="-")
    except (UnknownLocaleError, ValueError):
        raise FieldError(
            f"»{text}« ist keine bekannte Sprache; Beispiele: de-DE, pl-PL, cs-CZ") from None
    if not locale.territory:
        raise FieldError(f"»{text}« braucht eine Region, z. B. {_likely_language(locale)}")
    return f"{locale.language}-{locale.territory}"


#: Where CLDR's likely region is not the one a Saxon press office writes for: British
#: English, as the EU institutions write it (CLDR: en → en-US).
_REGION_FOR = {"en": "GB"}


def _likely_language(locale: Locale) -> str:
    """The language with the region it most likely means, for the example in a message:
    `en` → `en-GB`, `pl` → `pl-PL`, `hsb` → `hsb-DE` (CLDR's likely subtags)."""
    region = _REGION_FOR.get(locale.language)
    if region is None:
        likely = get_global("likely_subtags")
        tag = likely.get(f"{locale.language}_{locale.script}") or likely.get(locale.language)
        region = parse_locale(tag)[1] if tag else None
    return f"{locale.language}-{region or locale.language.upper()}"


def parse_keywords(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not value:
        raise FieldError("muss eine Liste von Stichwörtern sein, z. B. [Sachsen, Strategie]")
    return tuple(parse_text(item) for item in value)


#: What a yes/no field accepts (front matter arrives as text, see reader.py).
BOOLEANS = {"true": True, "false": False, "ja": True, "nein": False}


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in BOOLEANS:
        return BOOLEANS[value.strip().lower()]
    raise FieldError(f"muss true oder false sein, nicht {describe(value)}")


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


def parse_version(value: Any) -> str:
    """A version of a content file: the first 8 hex digits of its SHA-256."""
    text = parse_text(str(value) if isinstance(value, int) else value).lower()
    if not re.fullmatch(r"[0-9a-f]{8}", text):
        raise FieldError(f"»{text}« ist keine Fassung (8 Zeichen aus 0–9 und a–f, wie "
                         "`briefing check` sie nennt)")
    return text


def parse_kind(value: Any) -> str:
    text = parse_text(value).lower()
    if text not in DOCTYPES:
        raise FieldError(
            f"»{text}« ist kein bekannter Typ; erlaubt sind: {', '.join(DOCTYPES)}"
        )
    return text


def parse_phone(value: Any) -> str:
    text = parse_text(value)
    try:
        return normalize_phone(text)
    except ValueError:
        raise FieldError(
            f"»{text}« ist keine Telefonnummer; Form nach DIN 5008: +49 351 564-12345"
        ) from None


def parse_email(value: Any) -> str:
    text = parse_text(value)
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        raise FieldError(f"»{text}« ist keine E-Mail-Adresse")
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
             parse_phone),
    SubField("email", "email", "E-Mail-Adresse", parse_email),
    SubField("anschrift", "address", "Postanschrift in einer Zeile"),
)
CONTACT_NAMES = {f.name for f in CONTACT_FIELDS}


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


def suggest(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; meinten Sie »{close[0]}«?" if close else ""


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return "ja/nein"
    if isinstance(value, list):
        return "eine Liste"
    if isinstance(value, dict):
        return "eine Gruppe von Feldern"
    if value is None or value == "":
        return "leer"
    return f"»{value}«"
