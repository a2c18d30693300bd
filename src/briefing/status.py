"""`briefing status` and `briefing liste`: what a build would do, and the releases so far.

Both answer without rendering, without WeasyPrint and without reading any Markdown body:
`status` compares file digests with the manifest (`incremental.Staleness`), `liste` reads
only front matter. So they stay fast with a thousand content files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import clock
from .doctypes import DOCTYPES
from .errors import UsageError
from .incremental import REASONS, Staleness
from .paths import Paths
from .reader import read_meta

#: The states a content file or output file can be in, in the order they are listed.
STATES = ("fehlerhaft", "veraltet", "neu", "verwaist", "aktuell")


@dataclass(frozen=True)
class State:
    state: str
    #: The content file, or the output file for an orphan.
    path: str
    why: str = ""


def content_files(paths: Paths) -> list[str]:
    if not paths.content_dir.is_dir():
        return []
    return sorted(paths.show(p) for p in paths.content_dir.rglob("*.md"))


def project_status(paths: Paths) -> list[State]:
    """The state of every content file and of every file briefing wrote."""
    staleness = Staleness(paths)
    manifest = staleness.manifest
    sources = content_files(paths)
    entries: dict[str, list] = {}
    for entry in manifest.units.values():
        # A document's PDF and a release's press kit: made from content files alone. The
        # other outputs follow from them and the state of the release.
        if entry.output in ("pdf", "kit"):
            entries.setdefault(entry.source, []).append(entry)
    errors: dict[str, int] = {}
    for problem in manifest.stored_problems():
        errors[problem.path] = errors.get(problem.path, 0) + problem.is_error
    states = []
    for source in sources:
        failed = manifest.failed.get(source)
        if failed is not None and failed == staleness.digests.file(paths.root / source):
            states.append(State("fehlerhaft", source, f"beim letzten Lauf "
                                f"{errors.get(source, 0)} Fehler; Einzelheiten: make check"))
        elif source not in entries:
            states.append(State("neu", source, REASONS["new"]))
        else:
            reasons = [staleness.recorded_reason(e) for e in entries[source]]
            changed = next((r for r in reasons if r), None)
            outputs = ", ".join(f"output/{name}" for e in entries[source] for name in e.files)
            states.append(State("veraltet", source, f"{outputs}: {REASONS[changed]}")
                          if changed else State("aktuell", source, outputs))
    present = set(sources)
    for entry in manifest.units.values():
        if entry.source and entry.source not in present:
            states += [State("verwaist", f"output/{name}", f"{entry.source} gibt es nicht "
                             "mehr; der nächste Lauf entfernt es") for name in entry.files]
    return sorted(states, key=lambda s: (STATES.index(s.state), s.path))


def run_status(root: Path, args) -> int:
    states = project_status(Paths(root))
    for state in states:
        print(f"{state.state:<11} {state.path}" + (f"  ({state.why})" if state.why else ""))
    counts = ", ".join(f"{sum(1 for s in states if s.state == name)} {name}"
                       for name in STATES if any(s.state == name for s in states))
    print(f"Zusammenfassung: {counts or 'keine Inhaltsdateien'}")
    return 0


# --- the list of releases ------------------------------------------------------------------

@dataclass(frozen=True)
class Release:
    source: str
    date: dt.date | None
    number: str
    title: str
    embargo: str
    draft: bool
    briefings: int
    pdfs: str


def releases(paths: Paths, month: str | None = None,
             now: dt.datetime | None = None) -> list[Release]:
    """Every release (of `month`, JJJJ-MM), newest first, from its front matter."""
    from .schema import inherited
    from .values import FieldError, parse_bool, parse_date, parse_embargo

    now = now or clock.now()
    # What an edition's list row takes from its original (the inheritance table).
    from_original = [row.field for row in inherited("from_original")
                     if row.field in ("datum", "nummer", "sperrfrist")]
    states = {s.path: s.state for s in project_status(paths)}
    metas = {source: read_meta(paths.root / source) or {} for source in states
             if source.endswith(".md")}
    found = []
    for source, meta in metas.items():
        kind = DOCTYPES.get(str(meta.get("typ", "")).lower())
        if kind is None or not kind.heads_package:
            continue
        stem = Path(source).stem
        family = [source] + [s for s, m in metas.items() if m.get("pressemitteilung") == stem]
        original = meta.get("original")
        if original:  # an edition: date, number and embargo are its original's
            mark = stem.rsplit(".", 1)[-1]
            taken = metas.get(f"content/{original}.md", {})
            meta = {**{k: taken[k] for k in from_original if k in taken}, **meta}
            family = [source] + [s for s, m in metas.items() if s.endswith(f".{mark}.md")
                                 and metas.get(f"content/{m.get('original')}.md", {}).get(
                                     "pressemitteilung") == original]
        try:
            date = parse_date(meta.get("datum"))
        except FieldError:
            date = None
        if month and (date is None or date.strftime("%Y-%m") != month):
            continue
        pending = [states.get(s) for s in family if states.get(s) != "aktuell"]
        found.append(Release(
            source, date, str(meta.get("nummer") or "–"), " ".join(str(meta.get("titel")).split()),
            _embargo(meta.get("sperrfrist"), now, parse_embargo, FieldError),
            _flag(meta.get("entwurf"), parse_bool, FieldError), len(family) - 1,
            "aktuell" if not pending else f"{len(pending)} nicht aktuell"))
    return sorted(found, key=lambda r: (r.date or dt.date.min, r.source), reverse=True)


def _flag(value, parse, error) -> bool:
    try:
        return value is not None and parse(value)
    except error:
        return False


def _embargo(value, now: dt.datetime, parse, error) -> str:
    if value is None:
        return "keine"
    try:
        embargo = parse(value)
    except error:
        return "fehlerhaft"
    if embargo.at is None:
        return embargo.text
    when = embargo.at.strftime("%d.%m.%Y %H:%M")
    return f"{when} ({'abgelaufen' if embargo.at <= now else 'läuft noch'})"


def run_list(root: Path, args) -> int:
    month = args.monat
    if month and not (len(month) == 7 and month[4] == "-" and month.replace("-", "").isdigit()):
        raise UsageError(f"liste: »{month}« ist kein Monat; schreiben Sie JJJJ-MM, z. B. 2025-10")
    found = releases(Paths(root), month)
    if not found:
        print("Keine Pressemitteilungen" + (f" im {month}" if month else "") + ".")
        return 0
    print(f"{'Datum':<10}  {'Nummer':<13}  {'Stand':<9}  {'Sperrfrist':<30}  "
          f"{'Hintergr.':<9}  {'PDF':<16}  Titel")
    for r in found:
        date = r.date.isoformat() if r.date else "?"
        title = r.title if len(r.title) <= 60 else r.title[:59] + "…"
        print(f"{date:<10}  {r.number.replace(chr(160), ' '):<13}  "
              f"{'Entwurf' if r.draft else 'endgültig':<9}  {r.embargo:<30}  {r.briefings:<9}  "
              f"{r.pdfs:<16}  {title}")
    return 0
