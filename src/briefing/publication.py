"""What a build does with each release's public package: publish it (first, again after a
formal change, or corrected), hold it for review, keep it as published, or withdraw it.

A release and its editions are one family and go out together, whole or not at all: every
document has its current PDF, every document is approved (a draft edition waits on its own),
the release's publication time has come. A published family changes again only as a
correction (a new entry in `korrekturen`), and is taken back only by `zurückgezogen`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from . import clock, formatting
from .editions import edition_label
from .errors import Problem, Severity
from .lifecycle import CORRECTED, PUBLISHED, WITHDRAWN, Register, publication_time
from .packages import HELD, PUBLIC, Package, State

#: What the build does with a package's outputs.
PUBLISH, REVIEW, KEEP, WITHDRAW = "veröffentlichen", "prüfen", "behalten", "zurückziehen"


@dataclass
class Decision:
    action: str
    state: State
    #: The log entry this run makes when the package's files are written (or None).
    log: str | None = None
    problems: list[Problem] = field(default_factory=list)


def changed_texts(register: Register, package: Package) -> list[str]:
    """The documents of a published package whose text is not the one published."""
    import hashlib

    last = register.last(package.key) or {}
    published = last.get("texte", {})
    changed = []
    for document in package.documents:
        current = hashlib.sha256(document.source.read_bytes()).hexdigest()[:16]
        if published.get(document.display_path) != current:
            changed.append(document.display_path)
    return changed


def candidates(found: list[list[Package]], register: Register,
               now: dt.datetime) -> list[Package]:
    """Originals that will be published for the first time in this run if all goes well:
    approved, due, never published, without a number of their own (they get one now)."""
    chosen = []
    for family in found:
        original = family[0]
        release = original.release
        when = publication_time(release)
        if release.withdrawn or register.number(release) or "nummer" in release.lines:
            continue
        members = _members(family, register)
        if any(register.refusal(d) for p in members for d in p.documents):
            continue
        if when is not None and when <= now:
            chosen.append(original)
    return sorted(chosen, key=lambda p: (publication_time(p.release), p.key))


def _members(family: list[Package], register: Register) -> list[Package]:
    """The packages that go out together: the original's, and every edition that is not a
    draft and not out of date (those follow later, on their own; an edition that says it
    renders an earlier version goes out with the rest, saying so). An edition already
    published stays one of them: only `zurückgezogen` takes it back."""
    original = family[0]
    return [original] + [p for p in family[1:] if register.published(p.key) or (
        not any(d.draft for d in p.documents) and not _outdated(p))]


def _outdated(package: Package) -> list[str]:
    return [d.display_path for d in package.documents
            if d.outdated and not d.earlier_version]


def decide(family: list[Package], register: Register, now: dt.datetime,
           missing: Callable[[Package], list[str]], final: bool) -> dict[str, Decision]:
    """The decision for every package of a family (the original's package first)."""
    original = family[0]
    release = original.release
    members = _members(family, register)
    decisions = {p.key: Decision(REVIEW, State("entwurf"), problems=[
        _outdated_note(p) if _outdated(p) and not any(d.draft for d in p.documents)
        else _draft_note(p)]) for p in family if p not in members}
    published = register.published(original.key)
    if release.withdrawn:
        for package in members:
            last = register.last(package.key)
            log = WITHDRAWN if last and last["aktion"] != WITHDRAWN else None
            decisions[package.key] = Decision(WITHDRAW, State("zurückgezogen"), log)
        return decisions
    lacking = [(p, why) for p in members if (why := missing(p))]
    refused = [(d, why) for p in members for d in p.documents if (why := register.refusal(d))]
    when = publication_time(release)
    if _embargo_typo(release) and not published:  # the schema says why (one message)
        for package in members:
            decisions[package.key] = Decision(REVIEW, State("gesperrt"))
        return decisions
    if lacking:
        for package in members:
            decisions[package.key] = Decision(KEEP, State("entwurf"))
        decisions[original.key].problems = [_kept_note(release, lacking, published)]
        return decisions
    if refused:
        if published:
            problem = _published_unapproved(original, members, register, final)
            for package in members:
                decisions[package.key] = Decision(KEEP, State("öffentlich"))
            decisions[original.key].problems = [problem]
            return decisions
        together = [d for p in members for d in p.documents]
        for package in members:
            decisions[package.key] = Decision(REVIEW, State("entwurf"), problems=[
                _refused_note(package, register, final, together)])
        return decisions
    if when is None or when > now:
        for package in members:
            decisions[package.key] = Decision(KEEP if published else REVIEW,
                                              State("öffentlich" if published else "gesperrt",
                                                    when))
        if not published:
            decisions[original.key].problems = [_held_note(original, when)]
        return decisions
    # A member never published (an edition that waited) joins as it is: no correction.
    changes = {p.key: changed_texts(register, p) for p in members
               if published and register.last(p.key)}
    corrected = published and any(changes.values())
    if corrected and len(release.corrections) <= (register.last(original.key) or {}).get(
            "korrekturen", 0):
        names = ", ".join(name for names in changes.values() for name in names)
        for package in members:
            decisions[package.key] = Decision(KEEP, State("öffentlich"))
        decisions[original.key].problems = [Problem(release.display_path, None, (
            f"ist veröffentlicht, und {names} wurde seither geändert; eine Änderung geht "
            "nur als Korrektur hinaus: tragen Sie unter »korrekturen:« das Datum und was "
            "korrigiert wurde ein (»2025-10-30: Richtig ist …«) und lassen Sie neu freigeben. "
            "Bis dahin bleibt die veröffentlichte Fassung"))]
        return decisions
    for package in members:
        was = register.last(package.key)
        if was is None or was["aktion"] == WITHDRAWN:
            log = PUBLISHED
        elif changes.get(package.key) or (corrected and package is not original):
            log = CORRECTED
        else:
            log = None  # a formal change (templates, settings): the same words again
        decisions[package.key] = Decision(PUBLISH, State("öffentlich"), log)
    return decisions


def _embargo_typo(release) -> bool:
    """An embargo more than a day before the release's date, or after its day: one of the
    two is mistyped (schema.py says so), and it is not published until they agree."""
    embargo = release.embargo
    if not (embargo and embargo.at):
        return False
    day = embargo.at.astimezone(clock.BERLIN).date()
    return not release.date - dt.timedelta(days=1) <= day <= release.date


#: What every note of a package held back says (`held` finds them by it, also among a
#: no-op build's stored problems): where its preview is, or that a published package's
#: changed version does not go out.
HELD_MARK = f"(Vorschau in output/{HELD}/"
KEPT_MARK = "; die geänderte Fassung geht nicht hinaus: "


def held(problems: list[Problem]) -> list[str]:
    """What is held back, and why (the notes of `decide`; errors are said as errors),
    each with its file unless the note names it."""
    return [p.message if p.path in p.message else f"{p.path}: {p.message}"
            for p in problems if not p.is_error
            and (HELD_MARK in p.message or KEPT_MARK in p.message)]


def _draft_note(package: Package) -> Problem:
    names = ", ".join(d.display_path for d in package.documents if d.draft)
    return Problem(package.key, None, (
        f"Entwurf ({names}): Webseite, Archiv und Feed enthalten {package.release.type.this} "
        f"nicht (Vorschau in output/{HELD}/{package.slug}/), bis »entwurf: true« entfernt "
        "ist"), Severity.NOTE)


def _outdated_note(package: Package) -> Problem:
    names = ", ".join(_outdated(package))
    return Problem(package.key, None, (
        f"{edition_label(package.release)} veraltet ({names}): sie wird nicht mit dem "
        f"Original veröffentlicht (Vorschau in output/{HELD}/{package.slug}/), bis sie "
        "angeglichen ist und »fassung« "
        "stimmt, oder sie sagt mit »frühere-fassung: true«, dass sie eine frühere Fassung "
        "wiedergibt"), Severity.NOTE)


def _kept_note(release, lacking: list[tuple[Package, list[str]]], published: bool) -> Problem:
    why = "; ".join(", ".join(reasons) for _, reasons in lacking)
    stays = "die veröffentlichte Fassung bleibt, wie sie ist" if published else \
        "die Dateien des letzten erfolgreichen Laufs bleiben (veraltet)"
    return Problem(release.display_path, None, (
        f"Pressemappe, Webseiten, E-Mail und Paket nicht erneuert, weil {why}; {stays}"),
        Severity.NOTE)


def refusals_text(register: Register, documents) -> str:
    """Why documents may not be published, in one sentence: the ones not yet approved
    together, with how to approve them."""
    found = [(d, register.refused(d)) for d in documents]
    found = [(d, kind, why) for d, refused in found if refused for kind, why in [refused]]
    waiting = [d.display_path for d, kind, _ in found if kind == "offen"]
    said = [f"{d.display_path} {why}" for d, kind, why in found if kind != "offen"]
    if waiting:
        said.append(f"noch nicht freigegeben {'ist' if len(waiting) == 1 else 'sind'} "
                    f"{', '.join(waiting)} (freigeben mit »make freigeben DATEI=\"…\" "
                    "NAME=\"…\"«, von einer anderen Person als der Autorin oder dem Autor)")
    return "; ".join(said)


def _refused_note(package: Package, register: Register, final: bool,
                  together: list) -> Problem:
    """Why `package` is not published: its own documents not approved, or those of the
    other editions it goes out `together` with."""
    refused = [d for d in package.documents if register.refusal(d)]
    if refused and all(d.draft for d in refused):
        return _draft_note(package)
    why = refusals_text(register, package.documents) or (
        f"{package.release.type.it} geht nur zusammen mit den anderen Fassungen hinaus, und "
        f"{refusals_text(register, together)}")
    return Problem(package.key, None, (
        f"wird nicht veröffentlicht: {why} (Vorschau in output/{HELD}/{package.slug}/)"),
        Severity.ERROR if final else Severity.NOTE)


def _published_unapproved(package: Package, members: list[Package], register: Register,
                          final: bool) -> Problem:
    said = refusals_text(register, [d for p in members for d in p.documents])
    return Problem(package.key, None, (
        f"ist veröffentlicht{KEPT_MARK}{said}. Die "
        f"veröffentlichte Fassung in output/{PUBLIC}/{package.slug}/ bleibt"),
        Severity.ERROR if final else Severity.NOTE)


def _held_note(package: Package, when: dt.datetime | None) -> Problem:
    release = package.release
    if when is None:
        return Problem(release.display_path, None, (
            f"Sperrfrist »{release.embargo.text}«: Webseite, Archiv und Feed enthalten "
            f"{release.type.this} noch nicht (Vorschau in output/{HELD}/{release.slug}/); "
            f"{release.type.it} erscheint dort, sobald die Sperrfrist aus dem Front Matter "
            "entfernt oder »veröffentlichung:« eingetragen ist"), Severity.NOTE)
    shown = formatting.date_time(when, "de_DE", weekday=True).replace("\u00a0", " ")
    label = "Sperrfrist" if release.embargo and not release.publish_at else "Veröffentlichung"
    return Problem(release.display_path, None, (
        f"{label} {'bis' if label == 'Sperrfrist' else 'am'} {shown}: Webseite, Archiv und "
        f"Feed enthalten {release.type.this} noch nicht (Vorschau in "
        f"output/{HELD}/{release.slug}/); {release.type.it} erscheint dort mit dem ersten Lauf "
        "danach "
        "(»make veroeffentlichen«, oder wartend: »briefing veröffentlichen --warten«)"),
        Severity.NOTE)
