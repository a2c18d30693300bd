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
from .cache import front_matters
from .doctypes import DOCTYPES
from .errors import ContentError, UsageError
from .incremental import REASONS, Staleness
from .outputs import OUTPUTS_BY_NAME, SITE
from .paths import LEADS_OUT, Paths, content_entries
from .quick import outputs_checked
from .reader import read_meta

#: A release's life: when a build publishes it; not approved; waiting for the approval of
#: other files of its family; out.
DUE = "freigegeben, fällig"
NOT_APPROVED = "nicht freigegeben"
WAITS_FOR = "wartet auf Freigabe von"
PUBLISHED_STATES = ("veröffentlicht", "korrigiert")
#: The states a content file or output file can be in, in the order they are listed.
STATES = ("fehlerhaft", "veraltet", "neu", "verwaist", "aktuell")


@dataclass(frozen=True)
class State:
    state: str
    #: The content file, or the output file for an orphan.
    path: str
    why: str = ""


def content_files(paths: Paths) -> tuple[list[str], set[str]]:
    """The content files as the project reads them (without a Path per file), and those
    of them that are symbolic links to a file outside content/: not read (nor by a build)."""
    shown, inside = paths.show(paths.content_dir), paths.content_dir.resolve()
    found, leading_out = [], set()
    for inner, _, link in content_entries(paths.content_dir):
        if inner.endswith(".md"):
            found.append(f"{shown}/{inner}")
            if link and not (paths.content_dir / inner).resolve().is_relative_to(inside):
                leading_out.add(found[-1])
    return sorted(found), leading_out


def project_status(paths: Paths) -> list[State]:
    """The state of every content file and of every file briefing wrote."""
    staleness = Staleness(paths)
    manifest = staleness.manifest
    sources, leading_out = content_files(paths)
    entries: dict[str, list] = {}
    # A document's PDF and a release's press kit: made from content files alone. The
    # other outputs follow from them and the state of the release.
    for row in manifest.rows(("pdf", "kit")):
        entries.setdefault(row.source, []).append(row)
    errors: dict[str, int] = {}
    for problem in manifest.stored_problems():
        errors[problem.path] = errors.get(problem.path, 0) + problem.is_error
    # After a complete build, what did not change since is current without working it
    # out unit by unit (thousands of releases). The files written are checked against
    # the quick file when it is of this manifest (45,000 records read at once at 5,000
    # releases, not one by one).
    touched = staleness.changed_files(outputs_checked(paths))
    # Only the units of what changed are looked at one by one.
    looked_at = None if touched is None else manifest.using(touched) | touched
    states = []
    for source in sources:
        failed = manifest.failed.get(source)
        if source in leading_out:
            states.append(State("fehlerhaft", source, LEADS_OUT))
        elif failed is not None and failed == staleness.digests.file(paths.root / source):
            states.append(State("fehlerhaft", source, f"beim letzten Lauf "
                                f"{errors.get(source, 0)} Fehler; Einzelheiten: make check"))
        elif source not in entries:
            states.append(State("neu", source, REASONS["new"]))
        else:
            reasons = [None if looked_at is not None and source not in looked_at else
                       staleness.recorded_reason(entry) if (entry := manifest.units.get(
                           row.key)) is not None else "new" for row in entries[source]]
            changed = next((r for r in reasons if r), None)
            outputs = ", ".join(f"output/{name}" for row in entries[source]
                                for name in row.names)
            states.append(State("veraltet", source, f"{outputs}: {REASONS[changed]}")
                          if changed else State("aktuell", source, outputs))
    present = set(sources)
    # (A site-wide page is made of no one file.) Only if some content file is gone.
    gone = any(source and source not in present for source in manifest.sources())
    for row in manifest.rows(o.name for o in OUTPUTS_BY_NAME.values()
                             if o.scope != SITE and gone):
        if row.source and row.source not in present:
            states += [State("verwaist", f"output/{name}", f"{row.source} gibt es nicht "
                             "mehr; der nächste Lauf entfernt es") for name in row.names]
    return sorted(states, key=lambda s: (STATES.index(s.state), s.path))


def run_status(root: Path, args) -> int:
    states = project_status(Paths(root))
    for state in states:
        print(f"{state.state:<11} {state.path}" + (f"  ({state.why})" if state.why else ""))
    counts = ", ".join(f"{sum(1 for s in states if s.state == name)} {name}"
                       for name in STATES if any(s.state == name for s in states))
    print(f"Zusammenfassung: {counts or 'keine Inhaltsdateien'}")
    # What a build would publish, and what it holds back (and until when).
    waiting = [r for r in releases(Paths(root), states=states)
               if r.state not in (*PUBLISHED_STATES, "intern (nie veröffentlicht)")]
    wide = max([28, *(len(r.state) for r in waiting)])
    for release in waiting:
        print(f"Veröffentlichung: {release.state:<{wide}} {release.source}")
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
    language: str = ""
    #: Original, Übersetzung or Leichte Sprache.
    edition: str = ""
    #: Where it is in its life: Entwurf, nicht freigegeben, freigegeben, gesperrt bis …,
    #: veröffentlicht, korrigiert, zurückgezogen.
    state: str = ""


def releases(paths: Paths, month: str | None = None, now: dt.datetime | None = None,
             states: list[State] | None = None) -> list[Release]:
    """Every release (of `month`, JJJJ-MM), newest first, from its front matter, the
    approvals and the publication log (`states`: `project_status`, when at hand)."""
    from .lifecycle import Register
    from .schema import inherited
    from .values import FieldError, parse_date, parse_embargo

    now = now or clock.now()
    # What an edition's list row takes from its original (the inheritance table).
    from_original = [row.field for row in inherited("from_original")
                     if row.field in ("datum", "nummer", "sperrfrist", "veröffentlichung",
                                      "zurückgezogen", "korrekturen")]
    found_states = project_status(paths) if states is None else states
    # (Not of a link out of content/: its front matter is not the project's to show.)
    metas = front_matters(paths.root, [s.path for s in found_states if s.path.endswith(".md")
                                       and s.why != LEADS_OUT], read_meta)
    state_of = {s.path: s.state for s in found_states}
    register = Register(paths)
    default_language = _default_language(paths)
    # Each release's briefings (internal documents about it are not part of it), and an
    # edition's: the editions of its original's briefings with its mark (by index: with
    # thousands of releases, a scan per release would be quadratic).
    briefings: dict[str, list[str]] = {}
    edition_briefings: dict[tuple[str, str], list[str]] = {}
    for s, m in metas.items():
        kind = DOCTYPES.get(str(m.get("typ", "")).lower())
        if kind is not None and kind.part_of and m.get("pressemitteilung"):
            briefings.setdefault(str(m["pressemitteilung"]), []).append(s)
        if m.get("original") and kind is not None and kind.part_of:
            of = metas.get(f"content/{m['original']}.md", {}).get("pressemitteilung")
            if of:
                mark = Path(s).stem.rsplit(".", 1)[-1]
                edition_briefings.setdefault((mark, str(of)), []).append(s)
    found = []
    for source, meta in metas.items():
        kind = DOCTYPES.get(str(meta.get("typ", "")).lower())
        if kind is None or not kind.heads_package:
            continue
        stem = Path(source).stem
        family = [source, *briefings.get(stem, [])]
        original = meta.get("original")
        if original:  # an edition: date, number and embargo are its original's
            mark = stem.rsplit(".", 1)[-1]
            taken = metas.get(f"content/{original}.md", {})
            meta = {**{k: taken[k] for k in from_original if k in taken}, **meta}
            family = [source, *edition_briefings.get((mark, str(original)), [])]
        try:
            date = parse_date(meta.get("datum"))
        except FieldError:
            date = None
        if month and (date is None or date.strftime("%Y-%m") != month):
            continue
        pending = [state_of.get(s) for s in family if state_of.get(s) != "aktuell"]
        number = meta.get("nummer") or register.number_of((original and
                                                          f"content/{original}.md") or source)
        language = str(meta.get("sprache") or default_language)
        edition = "Leichte Sprache" if _flag(meta.get("leichte-sprache")) else \
            "Übersetzung" if original else "Original"
        found.append(Release(
            source, date, str(number or "–"), " ".join(str(meta.get("titel")).split()),
            _embargo(meta.get("sperrfrist"), now, parse_embargo, FieldError),
            _flag(meta.get("entwurf")), len(family) - 1,
            "aktuell" if not pending else f"{len(pending)} nicht aktuell",
            language, edition, _life(source, meta, family, metas, date, register, now)))
    return _as_families(paths, found, metas, register)


def _as_families(paths: Paths, found: list[Release], metas: dict, register
                 ) -> list[Release]:
    """Each release's life as its family's (publication.py): an original goes out with
    every edition that is neither a draft nor out of date, so one of them not approved
    holds it (also while it waits for its time); an edition goes out with its original,
    and an out-of-date one waits whatever else it lacks. Originals first, then their
    editions, newest family first."""
    from dataclasses import replace

    rows = {r.source: r for r in found}
    of = {r.source: f"content/{metas[r.source]['original']}.md" for r in found
          if metas[r.source].get("original")}
    outdated = {edition: _outdated(paths, edition, original, metas)
                for edition, original in of.items()
                if rows[edition].state not in PUBLISHED_STATES}

    def approved(state: str) -> bool:  # approved, and due or waiting for its time
        return state == DUE or state.startswith("gesperrt")

    blocking: dict[str, list[str]] = {}
    for edition, original in of.items():
        state = rows[edition].state
        if not outdated.get(edition) and (state == NOT_APPROVED or
                                          state.startswith(WAITS_FOR)):
            blocking.setdefault(original, []).append(
                edition if state == NOT_APPROVED else state.removeprefix(WAITS_FOR).strip())
    for original, lacking in blocking.items():
        head = rows.get(original)
        if head is not None and approved(head.state) and not register.published(original):
            rows[original] = replace(head, state=f"{WAITS_FOR} {', '.join(lacking)}")
    for edition, original in of.items():
        row, head = rows[edition], rows.get(original)
        if outdated.get(edition) and (approved(row.state) or row.state == NOT_APPROVED):
            label = "Fassung in Leichter Sprache" if row.edition == "Leichte Sprache" else \
                row.edition
            rows[edition] = replace(row, state=f"zurückgehalten: {label} veraltet")
        elif approved(row.state) and head is not None and not approved(head.state) \
                and not register.published(original):
            rows[edition] = replace(row, state=head.state if head.state.startswith(WAITS_FOR)
                                    else f"wartet auf Original ({head.state})")
    in_order = sorted(rows.values(), key=lambda r: r.source)  # (editions by name)
    return sorted(in_order, key=lambda r: (r.date or dt.date.min, of.get(r.source, r.source),
                                           r.source not in of), reverse=True)


def _outdated(paths: Paths, edition: str, original: str, metas: dict) -> bool:
    """The edition is out of date (as editions.py decides) and does not say it renders
    the earlier version (one without `fassung` is not held)."""
    from . import editions
    from .reader import read_source

    meta = metas.get(edition, {})
    if not meta.get("fassung") or _flag(meta.get("frühere-fassung")) or \
            not (paths.root / original).resolve().is_relative_to(paths.content_dir.resolve()):
        return False  # (an original outside content/ is not read: `check` names it)
    try:
        read = read_source(paths.root / original, original)
    except (ContentError, OSError):
        return False  # (check names what is wrong with the original)
    return editions.match(str(meta["fassung"]), read.meta, read.body, paths.root / original,
                          meta) is None


def _default_language(paths: Paths) -> str:
    import tomllib

    try:
        return str(tomllib.loads(paths.config_file.read_text(encoding="utf-8"))
                   .get("sprache", "de-DE"))
    except (OSError, ValueError):
        return "de-DE"


def _life(source: str, meta: dict, family: list[str], metas: dict, date, register,
          now: dt.datetime) -> str:
    """Where a release is in its life (lifecycle.py), from front matter and register."""
    from .clock import start_of
    from .values import FieldError, parse_embargo, parse_moment

    if _flag(meta.get("intern")):
        return "intern (nie veröffentlicht)"
    if any(_flag(metas.get(s, {}).get("entwurf")) for s in family):
        return "Entwurf"
    last = register.last(source)
    if meta.get("zurückgezogen") is not None:
        return "zurückgezogen" if last else "zurückgezogen (nie veröffentlicht)"
    if last and last["aktion"] != "zurückgezogen":
        return "korrigiert" if last["aktion"] == "korrigiert" else "veröffentlicht"
    lacking = [s for s in family
               if not register.approved_as_is(Path(s).stem, metas.get(s, {}).get("autor"))]
    if lacking:  # (its briefings named when it is itself approved)
        return NOT_APPROVED if source in lacking else f"{WAITS_FOR} {', '.join(lacking)}"
    try:
        when = parse_moment(meta["veröffentlichung"]) if meta.get("veröffentlichung") else \
            parse_embargo(meta["sperrfrist"]).at if meta.get("sperrfrist") else \
            start_of(date) if date else None
    except FieldError:
        return "freigegeben"
    if when is None:
        return f"gesperrt ({meta.get('sperrfrist')})"
    if when > now:
        return f"gesperrt bis {when.astimezone(clock.BERLIN):%d.%m.%Y %H:%M}"
    return DUE


def _flag(value) -> bool:
    from .values import FieldError, parse_bool

    try:
        return value is not None and parse_bool(value)
    except FieldError:
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
    if month and not (len(month) == 7 and month[4] == "-" and month.replace("-", "").isdigit()
                      and 1 <= int(month[5:]) <= 12):
        raise UsageError(f"liste: »{month}« ist kein Monat; schreiben Sie JJJJ-MM, z. B. 2025-10")
    found = releases(Paths(root), month)
    if not found:
        print("Keine Pressemitteilungen" + (f" im {month}" if month else "") + ".")
        return 0
    wide = max([28, *(len(r.state) for r in found)])  # the columns after it stay aligned
    print(f"{'Datum':<10}  {'Nummer':<13}  {'Sprache':<7}  {'Fassung':<15}  "
          f"{'Stand':<{wide}}  {'Sperrfrist':<30}  {'Hintergr.':<9}  {'PDF':<16}  Titel")
    for r in found:
        date = r.date.isoformat() if r.date else "?"
        title = r.title if len(r.title) <= 60 else r.title[:59] + "…"
        print(f"{date:<10}  {r.number.replace(chr(160), ' '):<13}  {r.language:<7}  "
              f"{r.edition:<15}  {r.state:<{wide}}  {r.embargo:<30}  {r.briefings:<9}  "
              f"{r.pdfs:<16}  {title}")
    return 0
