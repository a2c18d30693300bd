"""Front-matter schema, declared once: every field with its parser, the model attribute it
fills, where it applies and a line of doc. `validate` turns a `SourceFile` into a `Document`
or reports every problem at once.

The README's field table is generated from `FIELDS` (see `field_table`), so the two agree.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from . import clock
from .doctypes import DOCTYPES, doctype
from .errors import Problem, Severity
from .formatting import german_long_date
from .model import Contact, Document, Priority, Publisher
from .reader import SourceFile, front_matter_texts
from .values import (
    CONTACT_NAMES,
    FieldError,
    parse_bool,
    parse_contact,
    parse_corrections,
    parse_date,
    parse_embargo,
    parse_keywords,
    parse_kind,
    parse_language,
    parse_moment,
    parse_number,
    parse_priorities,
    parse_slug,
    parse_text,
    parse_version,
    parse_web_address,
    parse_withdrawal,
    suggest,
)


@dataclass(frozen=True)
class Defaults:
    """Project-wide values from briefing.toml that a document may leave out."""

    language: str
    publisher: Publisher
    contact: Contact | None


@dataclass(frozen=True)
class Field:
    name: str
    parse: Callable[[Any], Any]
    #: The `Document` attribute the value fills.
    attr: str
    doc: str
    example: str
    #: Parsed value → model value, where the two differ (with the source for line numbers).
    to_model: Callable[[Any, SourceFile], Any] | None = None
    #: The value when the field is left out, from the project's defaults.
    fallback: Callable[[Defaults], Any] | None = None


def _priorities(value: dict[str, str], source: SourceFile) -> tuple[Priority, ...]:
    return tuple(Priority(key, title, number, len(value),
                          source.lines.get(f"prioritäten.{key}", 1))
                 for number, (key, title) in enumerate(value.items(), start=1))


FIELDS = (
    Field("typ", parse_kind, "kind", "Art des Dokuments: {types}", "pressemitteilung"),
    Field("titel", parse_text, "title",
          "Überschrift", "Kabinett beschließt …"),
    Field("untertitel", parse_text, "subtitle",
          "Unterzeile unter der Überschrift",
          "…"),
    Field("datum", parse_date, "date",
          "Datum der Mitteilung, bei Hintergrundinformationen der Stand (JJJJ-MM-TT)",
          "2025-10-29"),
    Field("ort", parse_text, "place",
          "Ort für Kopf und Ortsmarke",
          "Dresden"),
    Field("nummer", parse_number, "number",
          "Nummer der Mitteilung; eine Hintergrundinformation ohne Angabe hat die ihrer "
          "Pressemitteilung; Sprechzettel und Fragen und Antworten haben keine eigene (sie "
          "nennen die ihrer Pressemitteilung als deren Nummer)", "Nr. 123/2025"),
    Field("sperrfrist", parse_embargo, "embargo",
          "Sperrfrist: Zeitpunkt (JJJJ-MM-TT HH:MM, ohne Zeitzone Berliner Zeit) oder Text; "
          "gilt auch für die Hintergrundinformationen der Mitteilung", "2025-10-29 14:00"),
    Field("herausgeber", parse_text, "publisher",
          "Herausgeber; ohne Angabe bei Hintergrundinformationen der ihrer "
          "Pressemitteilung, sonst der aus `briefing.toml`", "Sächsische Staatskanzlei",
          to_model=lambda name, _: Publisher(name), fallback=lambda d: d.publisher),
    Field("kontakt", parse_contact, "contact",
          "Pressekontakt mit den Unterfeldern `stelle`, `name`, `telefon`, `email`, "
          "`anschrift`; ohne Angabe bei Hintergrundinformationen der ihrer Pressemitteilung, "
          "sonst der aus `briefing.toml`", "telefon: 0351 564-12345",
          fallback=lambda d: d.contact),
    Field("sprache", parse_language, "language",
          "Sprache und Region; ohne Angabe die aus `briefing.toml`", "de-DE",
          fallback=lambda d: d.language),
    Field("schlagwörter", parse_keywords, "keywords",
          "Stichwörter für die PDF-Metadaten", "[Sachsen, Strategie]"),
    Field("prioritäten", parse_priorities, "priorities",
          "Schwerpunkte der Mitteilung, je Zeile `kennung: Titel`; jeder braucht eine "
          "Hintergrundinformation", "grenzregion: Grenzregion", to_model=_priorities),
    Field("entwurf", parse_bool, "draft",
          "`true`: ENTWURF auf jeder Seite, Platzhalter erlaubt; `make final` lehnt ab",
          "true"),
    Field("pressemitteilung", parse_slug, "release_ref",
          "Dateiname der zugehörigen Pressemitteilung (ohne `.md`)",
          "2025-10-29-pressemitteilung-internationale-strategie"),
    Field("priorität", parse_slug, "priority_ref",
          "Kennung der Priorität aus `prioritäten` der Pressemitteilung", "grenzregion"),
    Field("original", parse_slug, "original_ref",
          "nur bei Übersetzungen und Leichter Sprache: Dateiname des Originals (ohne `.md`); "
          "Datum, Nummer, Sperrfrist, Prioritäten und Zuordnung kommen von dort",
          "2025-10-29-pressemitteilung-internationale-strategie"),
    Field("fassung", parse_version, "version_ref",
          "nur bei Übersetzungen: die Fassung des Originals, aus der übersetzt wurde "
          "(`briefing check` nennt sie)", "3f2a9c1e"),
    Field("frühere-fassung", parse_bool, "earlier_version",
          "nur bei Übersetzungen: `true`, wenn sie bewusst eine frühere Fassung des Originals "
          "wiedergibt; sie wird dann trotzdem veröffentlicht, und PDF und Webseite sagen es",
          "true"),
    Field("leichte-sprache", parse_bool, "easy",
          "`true`: Fassung in Leichter Sprache (eigene Vorlage, Regeln werden geprüft)",
          "true"),
    Field("beginn", parse_moment, "starts",
          "Terminhinweis: wann der Termin beginnt (JJJJ-MM-TT HH:MM, Berliner Zeit)",
          "2025-11-14 10:00"),
    Field("ende", parse_moment, "ends",
          "Terminhinweis: wann er endet (optional)", "2025-11-14 11:30"),
    Field("adresse", parse_text, "address",
          "Terminhinweis: Anschrift des Ortes", "Archivstraße 1, 01097 Dresden"),
    Field("akkreditierung", parse_text, "accreditation",
          "Terminhinweis: bis wann und wo sich Medien anmelden",
          "bis 13. November, 12 Uhr, an presse@sk.sachsen.de"),
    Field("fototermin", parse_text, "photo_call",
          "Terminhinweis: Gelegenheit für Fotos (wann, wo)", "ab 9:45 Uhr vor dem Eingang"),
    Field("livestream", parse_web_address, "livestream",
          "Terminhinweis: Adresse des Livestreams", "https://www.example.de/live"),
    Field("redner", parse_text, "speaker",
          "Sprechzettel: wer spricht (mit Funktion)", "Ministerpräsident Michael Kretschmer"),
    Field("anlass", parse_text, "occasion",
          "Sprechzettel: Anlass der Rede", "Pressekonferenz nach der Kabinettssitzung"),
    Field("intern", parse_bool, "internal_flag",
          "`true`: nur für den internen Gebrauch — nur in `output/intern/`, auf jeder Seite "
          "gekennzeichnet, nie auf der Website, im Feed, in E-Mail, Pressemappe oder Paket",
          "true"),
    Field("autor", parse_text, "author",
          "wer den Text geschrieben hat; diese Person darf ihn nicht freigeben "
          "(Vier-Augen-Prinzip)", "Anna Beispiel"),
    Field("veröffentlichung", parse_moment, "publish_at",
          "wann die Mitteilung auf die Website kommt (JJJJ-MM-TT HH:MM, Berliner Zeit); ohne "
          "Angabe mit Ablauf der Sperrfrist, sonst zu Beginn des Tages »datum«",
          "2025-10-29 10:00"),
    Field("korrekturen", parse_corrections, "corrections",
          "nach der Veröffentlichung, je Zeile `JJJJ-MM-TT: was korrigiert wurde`; jede "
          "Änderung einer veröffentlichten Mitteilung braucht einen neuen Eintrag",
          "2025-10-30: Richtig ist: 1,2 Mio. Euro", to_model=lambda value, source: tuple(
              replace(c, line=source.lines.get(f"korrekturen.{c.date.isoformat()}", 0))
              for c in value)),
    Field("zurückgezogen", parse_withdrawal, "withdrawn",
          "zieht eine veröffentlichte Mitteilung zurück: Unterfelder `datum` und `grund` "
          "(der Grund erscheint öffentlich an ihrer Stelle)", "datum: 2025-10-31"),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
FIELDS_BY_ATTR = {f.attr: f for f in FIELDS}

#: How a value is taken over: always (the document must not name it itself), or unless
#: the document names its own.
ALWAYS, UNLESS_OWN = "immer", "ohne eigene Angabe"


@dataclass(frozen=True)
class Inherit:
    """One field a document takes over from another: a briefing from the release it belongs
    to (`from_package`), a translation or Leichte-Sprache edition from its original
    (`from_original`)."""

    field: str
    from_package: str | None
    from_original: str | None

    @property
    def attr(self) -> str:
        return FIELDS_BY_NAME[self.field].attr


#: The one inheritance table: `project` and `editions` apply it, `status` and `liste` read
#: front matter by it, the README shows it.
INHERITANCE = (
    Inherit("datum", None, ALWAYS),
    Inherit("nummer", UNLESS_OWN, ALWAYS),
    Inherit("sperrfrist", ALWAYS, ALWAYS),
    Inherit("herausgeber", UNLESS_OWN, UNLESS_OWN),
    Inherit("kontakt", UNLESS_OWN, UNLESS_OWN),
    Inherit("ort", None, UNLESS_OWN),
    Inherit("prioritäten", None, UNLESS_OWN),
    Inherit("pressemitteilung", None, ALWAYS),
    Inherit("priorität", None, ALWAYS),
    Inherit("veröffentlichung", None, ALWAYS),
    Inherit("korrekturen", ALWAYS, UNLESS_OWN),
    Inherit("zurückgezogen", ALWAYS, UNLESS_OWN),
    # A media advisory's event is the same in every language; the details may be
    # translated.
    Inherit("beginn", None, ALWAYS),
    Inherit("ende", None, ALWAYS),
    Inherit("adresse", None, UNLESS_OWN),
    Inherit("akkreditierung", None, UNLESS_OWN),
    Inherit("fototermin", None, UNLESS_OWN),
    Inherit("livestream", None, ALWAYS),
)


def inherited(relation: str, mode: str | None = None) -> tuple[Inherit, ...]:
    """The rows of one relation (`from_package` or `from_original`), of one mode or both."""
    return tuple(row for row in INHERITANCE if getattr(row, relation)
                 and (mode is None or getattr(row, relation) == mode))


def take_over(document: Document, source: Document, relation: str) -> dict[str, Any]:
    """The model values `document` takes from `source` (its release or its original), by
    the inheritance table: always, or where it names none of its own."""
    return {row.attr: getattr(source, row.attr) for row in inherited(relation)
            if getattr(row, relation) == ALWAYS or row.field not in document.lines}

#: Longer headlines are a warning (they fail only with --strict).
MAX_TITLE = 120
#: Marks of unfinished text: allowed in drafts only.
PLACEHOLDERS = re.compile(r"\bTODO\b|\bXXX\b|\[…\]|\[\.\.\.\]|\{\{|\{%")


class _Problems(list):
    """The problems of one source, each pointing at the line of its field."""

    def __init__(self, source: SourceFile):
        super().__init__()
        self.source = source

    def add(self, name: str | None, message: str, severity: Severity = Severity.ERROR) -> None:
        lines = self.source.lines
        line = (lines.get(name) or lines.get(name.split(".")[0])) if name else None
        self.append(Problem(self.source.display_path, line or 1, message, severity))

    @property
    def failed(self) -> bool:
        return any(p.is_error for p in self)


def validate(
    source: SourceFile, defaults: Defaults, final: bool = False,
) -> tuple[Document | None, list[Problem]]:
    """Check a source against the schema; return the document, or None and why not.
    `final`: a build for publication, which refuses drafts and placeholders."""
    problems = _Problems(source)
    kind = _kind(source, problems)
    values = _parse_fields(source, kind, problems)
    _check_rules(source, values, final, problems)
    if kind is None or problems.failed:
        return None, list(problems)
    return _document(source, values, defaults), list(problems)


def _kind(source: SourceFile, problems: _Problems) -> str | None:
    """The type comes first: it decides which fields apply."""
    if "typ" not in source.meta:
        problems.add(None, "Pflichtfeld »typ« fehlt; tragen Sie "
                           f"{_alternatives([f'»typ: {name}«' for name in DOCTYPES])} ein")
        return None
    try:
        return parse_kind(source.meta["typ"])
    except FieldError as exc:
        problems.add("typ", f"Feld »typ« {exc}")
        return None


def _parse_fields(source: SourceFile, kind: str | None, problems: _Problems) -> dict[str, Any]:
    values: dict[str, Any] = {"typ": kind}
    for name, raw in source.meta.items():
        name = str(name)
        if name == "typ":
            continue
        spec = FIELDS_BY_NAME.get(name)
        if spec is None and name in CONTACT_NAMES:
            problems.add(name, f"Feld »{name}« gehört in den Pressekontakt: schreiben Sie "
                               f"»kontakt:« in eine eigene Zeile und darunter, eingerückt, "
                               f"»  {name}: …«")
        elif spec is None:
            problems.add(name, f"Feld »{name}« ist unbekannt{suggest(name, FIELDS_BY_NAME)}")
        elif kind and name not in doctype(kind).fields():
            having = [t.label for t in DOCTYPES.values() if name in t.fields()]
            listed = " und ".join(", ".join(having).rsplit(", ", 1))
            problems.add(name, f"Feld »{name}« gibt es nur bei {listed}; "
                               "löschen Sie es")
        else:
            try:
                values[name] = spec.parse(raw)
            except FieldError as exc:
                where = f"{name}.{exc.subfield}" if exc.subfield else name
                problems.add(where, f"Feld »{name}« {exc}")
                values[name] = None
    translation = "original" in source.meta
    if translation:
        for row in inherited("from_original", ALWAYS):
            if row.field in source.meta:
                problems.add(row.field, f"Feld »{row.field}« kommt bei einer Übersetzung vom "
                                        "Original; löschen Sie es hier")
    from_original = {row.field for row in inherited("from_original")}
    for name in doctype(kind).required if kind else ():
        if translation and name in from_original:
            continue
        if name not in source.meta:
            spec = FIELDS_BY_NAME[name]
            problems.add(None, f"Pflichtfeld »{name}« fehlt ({spec.doc.split(';')[0]}), "
                               f"z. B. »{name}: {spec.example}«")
    return values


def _alternatives(items: list[str]) -> str:
    """`a, b oder c`."""
    return " oder ".join(", ".join(items).rsplit(", ", 1))


def _check_rules(source: SourceFile, values: dict[str, Any], final: bool,
                 problems: _Problems) -> None:
    """Rules across fields and the body: headline length, embargo, drafts, placeholders."""
    title = values.get("titel")
    if title and len(title) > MAX_TITLE:
        problems.add("titel", f"Titel ist {len(title)} Zeichen lang; Überschriften über "
                              f"{MAX_TITLE} Zeichen lesen sich schlecht, kürzen Sie ihn oder "
                              "nutzen Sie »untertitel«", Severity.WARNING)
    _check_embargo(values, final, problems)
    _check_times(values, final, problems)
    draft = bool(values.get("entwurf"))
    if final and draft:
        problems.add("entwurf", "Dokument ist als Entwurf markiert; für die Veröffentlichung "
                                "»entwurf: true« entfernen")
    if not draft or final:
        for line, token in _placeholders(source):
            problems.append(Problem(
                source.display_path, line,
                f"Platzhalter »{token}« ist noch im Text; ersetzen Sie ihn"
                + ("" if draft else " oder markieren Sie das Dokument mit »entwurf: true«")))
    if "original" not in values:  # a translation's dateline is in its own language
        _check_dateline(source, values, problems)
    if not source.body.strip():
        problems.append(Problem(source.display_path, source.body_line,
                                "Der Text fehlt: unter dem zweiten »---« steht nichts"))
    for note in source.notes:
        problems.append(Problem(source.display_path, note.line, (
            f"Interner Vermerk in Zeile {note.line}: vor der Veröffentlichung entfernen "
            f"(»{note.short()}«)") if final else (
            f"Interner Vermerk (erscheint in keiner Ausgabe): »{note.short()}«"),
            Severity.ERROR if final else Severity.NOTE))


def _check_times(values: dict[str, Any], final: bool, problems: _Problems) -> None:
    """A media advisory ends after it begins; for publication it has not begun yet."""
    starts, ends = values.get("beginn"), values.get("ende")
    if starts and ends and ends <= starts:
        problems.add("ende", f"»ende« ({ends:%d.%m.%Y %H:%M}) liegt nicht nach »beginn« "
                             f"({starts:%d.%m.%Y %H:%M}); prüfen Sie beide Zeiten")
    if starts and final and starts < clock.now() and not values.get("zurückgezogen") \
            and not values.get("korrekturen"):
        problems.add("beginn", f"Der Termin hat schon begonnen ({starts:%d.%m.%Y %H:%M}); "
                               "ein Terminhinweis lädt zu einem kommenden Termin ein – prüfen "
                               "Sie »beginn«")


def _check_embargo(values: dict[str, Any], final: bool, problems: _Problems) -> None:
    """An embargo on the release date is normal (the release goes out to journalists
    before it). One more than a day before the date would be over before the release
    exists, one after the date's day would have it published under an earlier date: a
    typo in one of the two. For a publication build both are errors."""
    embargo, date = values.get("sperrfrist"), values.get("datum")
    if not (embargo and embargo.at and date):
        return
    severity = Severity.ERROR if final else Severity.WARNING
    day = embargo.at.astimezone(clock.BERLIN).date()
    if day < date - dt.timedelta(days=1):
        problems.add("sperrfrist", "Sperrfrist liegt mehr als einen Tag vor dem Datum der "
                                   "Mitteilung und wäre schon vorbei, bevor es sie gibt; prüfen "
                                   "Sie »sperrfrist« und »datum« (bis dahin wird die Mitteilung "
                                   "nicht veröffentlicht)", severity)
    elif day > date:
        problems.add("sperrfrist", "Sperrfrist liegt nach dem Tag der Mitteilung (»datum«): "
                                   "sie erschiene unter einem früheren Datum, als sie "
                                   "veröffentlicht wird; prüfen Sie »sperrfrist« und »datum« "
                                   "(bis dahin wird die Mitteilung nicht veröffentlicht)",
                     severity)


#: A dateline typed by hand at the start of a release: `Dresden (29. Oktober 2025) –`.
DATELINE = re.compile(r"(?P<place>[^\s(][^(\n]{0,40}?)\s*"
                      r"\((?P<date>\d{1,2}\.[\s\u00a0]*(?:\w+|\d{1,2}\.)[\s\u00a0]*\d{4})\)"
                      r"\s*[–—-]")


def _check_dateline(source: SourceFile, values: dict[str, Any], problems: _Problems) -> None:
    """A hand-typed dateline must say what `ort` and `datum` say."""
    place, date = values.get("ort"), values.get("datum")
    match = DATELINE.match(source.body.lstrip())
    if not (match and place and date):
        return
    typed = match["date"].replace("\u00a0", " ").strip()
    expected = german_long_date(date)
    if " ".join(match["place"].split()) != place or typed not in (
            expected, date.strftime("%d.%m.%Y"), f"{date.day}.{date.month}.{date.year}"):
        lines = source.body.split("\n")
        first = next(i for i, text in enumerate(lines) if text.strip())
        problems.append(Problem(source.display_path, source.body_line + first, (
            f"Ortsmarke »{match[0].rstrip(' –—-')}« passt nicht zu »ort: {place}« und "
            f"»datum: {date.isoformat()}«; schreiben Sie »{place} ({expected}) –« oder "
            "korrigieren Sie »ort« oder »datum«")))


def _document(source: SourceFile, values: dict[str, Any], defaults: Defaults) -> Document:
    """The model, filled from the field table."""
    attrs: dict[str, Any] = {}
    for spec in FIELDS:
        if spec.name in values:
            value = values[spec.name]
            attrs[spec.attr] = spec.to_model(value, source) if spec.to_model else value
        elif spec.fallback:
            attrs[spec.attr] = spec.fallback(defaults)
    attrs.setdefault("date", None)  # a translation's comes from its original
    # What the front matter names is written in the document's language.
    for attr in ("publisher", "contact"):
        if FIELDS_BY_ATTR[attr].name in values and attrs.get(attr) is not None:
            attrs[attr] = replace(attrs[attr], language=attrs.get("language"))
    return Document(source=source.path, display_path=source.display_path, body=source.body,
                    body_line=source.body_line, lines=source.lines, notes=source.notes,
                    **attrs)


def _placeholders(source: SourceFile) -> list[tuple[int, str]]:
    """(line, placeholder) in front-matter text values and in the body."""
    found = []
    for line, text in front_matter_texts(source):
        found += [(line, match[0]) for match in PLACEHOLDERS.finditer(text)]
    for offset, line in enumerate(source.body.split("\n")):
        found += [(source.body_line + offset, m[0]) for m in PLACEHOLDERS.finditer(line)]
    return found


def field_table() -> str:
    """The Markdown table of fields for the README: a column per document type."""
    types = list(DOCTYPES.values())
    rows = [f"| Feld | {' | '.join(t.column for t in types)} | Bedeutung | Beispiel |",
            "|---|" + "---|" * len(types) + "---|---|"]
    names = " oder ".join(", ".join(f"`{t.name}`" for t in types).rsplit(", ", 1))
    for f in FIELDS:
        cells = ["Pflicht" if f.name in ("typ", *t.required) else
                 ("optional" if f.name in t.optional else "–") for t in types]
        doc = f.doc.format(types=names)
        rows.append(f"| `{f.name}` | {' | '.join(cells)} | {doc} | `{f.example}` |")
    return "\n".join(rows)


def inheritance_table() -> str:
    """The Markdown table of what is taken over, for the README."""
    rows = ["| Feld | Hintergrundinformation von ihrer Pressemitteilung | Übersetzung und "
            "Leichte Sprache vom Original |", "|---|---|---|"]
    for row in INHERITANCE:
        rows.append(f"| `{row.field}` | {row.from_package or '–'} | "
                    f"{row.from_original or '–'} |")
    return "\n".join(rows)
