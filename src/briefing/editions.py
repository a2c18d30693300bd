"""Translations and the Leichte-Sprache edition: a content file that names its `original`.

An edition takes from its original what does not depend on the language (date, number,
embargo, priorities, the release a briefing belongs to, and contact, publisher and place
unless it names its own) and records the version of the original it was made from
(`fassung`: the first 8 hex digits of the SHA-256 of what a translator translates — the
text fields of the front matter the edition gives in its own words, and the body, internal
notes left out — so that a change of state such as `entwurf`, or of a contact the edition
takes from its original, leaves the translations current; the two forms earlier versions
wrote, every text field or the whole file, still count, with a note giving the new
value). When the text of the original changes, `check` says the edition is out of date
and which passages changed (when the version it was made from has been seen before),
until `fassung` is updated. A translated briefing belongs to the translated release of
the same language when there is one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from .diffs import passages
from .errors import Problem, Severity
from .files import cache_dir, write_atomically
from .i18n import gettext
from .model import Document
from .paths import Paths
from .reader import read_meta
from .schema import UNLESS_OWN, inherited, take_over
from .values import suggest

#: The file-name mark of the Leichte-Sprache edition (`….ls.md`).
EASY = "ls"


#: The front-matter fields a translator translates, in the order of the version's text;
#: the others (entwurf, nummer, autor, veröffentlichung, …) are state: changing them does
#: not make a translation out of date.
TRANSLATED = ("titel", "untertitel", "prioritäten", "schlagwörter", "ort", "kontakt",
              "herausgeber", "adresse", "akkreditierung", "fototermin")
#: Of these, what an edition takes from its original unless it names its own (the
#: inheritance table): part of its version only where it names them. A contact it takes
#: over changes with the original's by itself.
TAKEN_UNLESS_OWN = frozenset(row.field for row in inherited("from_original", UNLESS_OWN)
                             if row.field in TRANSLATED)
#: The fields of the version as written before (every text field, named or taken over).
_EARLIER_FIELDS = ("titel", "untertitel", "prioritäten", "schlagwörter", "ort", "kontakt",
                   "herausgeber")


def version_fields(own: Iterable[str]) -> tuple[str, ...]:
    """The fields of an original in the version an edition naming `own` fields gives."""
    own = set(own)
    return tuple(name for name in TRANSLATED if name not in TAKEN_UNLESS_OWN or name in own)


def translated_text(meta: dict, body: str, fields: Iterable[str]) -> str:
    """What a translator translates of a document (its front matter `meta` and `body`),
    as one text: the `fields` it has, then the body."""
    lines = [f"{name}: {json.dumps(meta[name], ensure_ascii=False, sort_keys=True, default=str)}"
             for name in fields if name in meta]
    return "\n".join(lines) + "\n\n" + body.strip() + "\n"


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def version_of(original: Document, own: Iterable[str] = ()) -> str:
    """The version an edition naming `own` fields gives in `fassung` (a new translation
    names none of them); its text is kept for the diff when it changes."""
    text = translated_text(read_meta(original.source) or {}, original.body, version_fields(own))
    version = _hash(text)
    _remember(version, text)
    return version


def match(reference: str | None, original_meta: dict, original_body: str,
          original_path: Path, own: Iterable[str]) -> str | None:
    """How an edition's `fassung` names the original as it is now: "current"; "earlier
    form" (a form written before, of the same text); "without own" (the same text, but
    the edition has named fields of its own since, which the value does not cover); or
    None (out of date, or none)."""
    if reference is None:
        return None

    def version(fields) -> str:
        return _hash(translated_text(original_meta, original_body, fields))

    if reference == version(version_fields(own)):
        return "current"
    if reference == version(version_fields(())):
        return "without own"
    if reference == version(_EARLIER_FIELDS):
        return "earlier form"
    try:
        whole = hashlib.sha256(original_path.read_bytes()).hexdigest()[:8]
    except OSError:
        return None
    return "earlier form" if reference == whole else None


def _store() -> Path:
    return cache_dir() / "fassungen"


def _remember(version: str, text: str) -> None:
    """Keep the text of each version seen (content-addressed, in the user's cache): the
    warning of a stale translation can then show what changed since."""
    path = _store() / f"{version}.txt"
    if path.exists():
        return
    with contextlib.suppress(OSError):  # only the diff in a later warning is lost
        write_atomically(path, text.encode())


def _remembered(version: str) -> str | None:
    try:
        return (_store() / f"{version}.txt").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def edition_mark(document: Document) -> str:
    """What the file name of an edition ends with: `en`, `pl`, …, or `ls`."""
    return EASY if document.easy else document.language.split("-")[0].lower()


def link_editions(documents: list[Document], broken: dict[str, str],
                  ) -> tuple[list[Document], list[Problem], set[str]]:
    """Each edition linked to its original and filled from it. Returns the documents, the
    problems and the files that cannot render."""
    originals = {d.slug: d for d in documents if d.original_ref is None}
    problems: list[Problem] = []
    blocked: set[str] = set()
    linked = []
    for document in documents:
        if document.original_ref is None:
            linked.append(document)
            continue
        found, why = _original(document, originals, broken)
        if found is None:
            problems.append(why)
            blocked.add(document.display_path)
            continue
        said, outdated = _version_problems(document, found)
        problems += said
        # Out of date: made from another version than the original's now (a missing
        # `fassung` is only a warning).
        linked.append(replace(document, outdated=True) if outdated else document)
    # A briefing's edition needs the release's edition of the same language first.
    editions = {(d.original_ref, edition_mark(d)): d for d in linked
                if d.original_ref and d.type.heads_package}
    result = []
    for document in linked:
        if document.original_ref is None or document.display_path in blocked:
            result.append(document)
            continue
        edited = _inherit(document, originals[document.original_ref], editions)
        if isinstance(edited, Problem):
            problems.append(edited)
            blocked.add(document.display_path)
        else:
            result.append(edited)
    return result, problems, blocked


def _original(document: Document, originals: dict[str, Document],
              broken: dict[str, str]) -> tuple[Document | None, Problem | None]:
    reference = document.original_ref or ""
    line = document.line_of("original") or 1
    original = originals.get(reference)
    if original is None and reference in broken:
        return None, Problem(document.display_path, line, (
            f"wartet auf das Original {broken[reference]}, das Fehler hat"), Severity.NOTE)
    if original is None:
        return None, Problem(document.display_path, line, (
            f"Original »{reference}« gibt es nicht in content/{suggest(reference, originals)}"))
    if original.kind != document.kind:
        return None, Problem(document.display_path, line, (
            f"Original »{reference}« ist eine {original.type.label}, dieses Dokument "
            f"eine {document.type.label}; nennen Sie das Original desselben Typs"))
    if not document.easy and document.language == original.language:
        return None, Problem(document.display_path, document.line_of("sprache") or line, (
            f"Übersetzung in derselben Sprache wie das Original ({original.language}); "
            "nennen Sie die Sprache, z. B. »sprache: en-GB«, oder für Leichte Sprache "
            "»leichte-sprache: true«"))
    mark = edition_mark(document)
    if document.slug != f"{original.slug}.{mark}":
        return None, Problem(document.display_path, None, (
            f"Der Dateiname einer Fassung trägt ihre Sprache: benennen Sie die Datei um in "
            f"»{original.slug}.{mark}.md«"))
    return original, None


def _version_problems(document: Document, original: Document
                      ) -> tuple[list[Problem], bool]:
    """What to say of an edition's `fassung`, and whether it is out of date (made from
    another version than the original's now)."""
    own = document.lines
    current = version_of(original, own)
    line = document.line_of("fassung") or document.line_of("original") or 1
    meta = read_meta(original.source) or {}
    found = match(document.version_ref, meta, original.body, original.source, own)
    what = edition_label(document)
    if found == "current":
        return [], False
    if found in ("earlier form", "without own"):  # the text then, for a diff later
        _remember(document.version_ref, _text_of(document.version_ref, meta, original.body,
                                                  () if found == "without own" else own))
    if found == "earlier form":
        return [Problem(document.display_path, line, (
            f"»fassung« in der früheren Form; die {what} ist aktuell: tragen Sie »fassung: "
            f"{current}« ein, dann bleibt sie es auch, wenn sich am Original nur Angaben wie "
            "»entwurf« oder ein übernommener Kontakt ändern"), Severity.NOTE)], False
    if found == "without own":
        named = ", ".join(f"»{name}«" for name in TRANSLATED
                          if name in TAKEN_UNLESS_OWN and name in own)
        return [Problem(document.display_path, line, (
            f"die {what} ist aktuell und nennt jetzt eigene Angaben ({named}): tragen Sie "
            f"»fassung: {current}« ein, dann meldet »make check« auch, wenn sie sich im "
            "Original ändern"), Severity.NOTE)], False
    if document.version_ref is None:
        return [Problem(document.display_path, line, (
            f"Fassung des Originals fehlt; tragen Sie »fassung: {current}« ein (die jetzige "
            f"Fassung von {original.display_path})"), Severity.WARNING)], False
    changes = _changes(document.version_ref, meta, original.body)
    rest = f" (alle: »make vergleich DATEI={document.display_path} SEIT=fassung«)"
    said = f"; geändert: {' · '.join(passages(*changes, rest=rest))}" if changes else ""
    if document.earlier_version:
        return [Problem(document.display_path, line, (
            f"gibt eine frühere Fassung von {original.display_path} wieder (»frühere-fassung: "
            f"true«, übersetzt aus {document.version_ref}, jetzt {current}){said}; PDF und "
            "Webseite sagen es"), Severity.NOTE)], True
    return [Problem(document.display_path, line, (
        f"{what} veraltet: {original.display_path} wurde geändert (jetzt Fassung {current}, "
        f"übersetzt aus {document.version_ref}){said}; gleichen Sie die {what} an und "
        f"tragen Sie dann »fassung: {current}« ein"), Severity.WARNING)], True


def _text_of(reference: str, meta: dict, body: str, own: Iterable[str]) -> str:
    """The text a current `fassung` of another form names: of the fields it covered (every
    text field; the version without the edition's own fields), or, for a hash of the
    whole file, the same text in today's form."""
    earlier = translated_text(meta, body, _EARLIER_FIELDS)
    return earlier if _hash(earlier) == reference else \
        translated_text(meta, body, version_fields(own))


def edition_label(document: Document) -> str:
    return "Fassung in Leichter Sprache" if document.easy else "Übersetzung"


def _changes(reference: str, meta: dict, body: str) -> tuple[str, str] | None:
    """The original's text of version `reference` (if this machine has seen it) and now,
    as staff read them; now with the same fields as then, so that a field the version
    did not cover is not shown as changed."""
    earlier = _remembered(reference)
    if earlier is None:
        return None
    head = earlier.partition("\n\n")[0]
    fields = [line.partition(": ")[0] for line in head.splitlines()]
    return _readable(earlier), _readable(translated_text(meta, body, fields))


def original_changes(paths: Paths, shown: str) -> tuple[str, str, str]:
    """For `vergleich --seit fassung`: what changed in the original of the edition `shown`
    since the version it was translated from (a label, the text then, the text now)."""
    from .errors import UsageError
    from .project import load_project

    document = load_project(paths.root, cached=True).named(shown)
    original = document.original
    if original is None:
        raise UsageError(f"vergleich: {document.display_path} ist keine Übersetzung und keine "
                         "Fassung in Leichter Sprache; --seit fassung vergleicht das Original "
                         "mit der Fassung, aus der übersetzt wurde")
    reference = document.version_ref
    if reference is None:
        raise UsageError(f"vergleich: {document.display_path} nennt keine »fassung«; "
                         "»make check« sagt, welche einzutragen ist")
    changes = _changes(reference, read_meta(original.source) or {}, original.body)
    if changes is None:
        raise UsageError(
            f"vergleich: den Text der Fassung {reference} von {original.display_path} kennt "
            "dieser Rechner nicht (er merkt sich jede Fassung, die »make check« gesehen hat); "
            "vergleichen Sie die Übersetzung selbst mit dem Original")
    return (f"Änderungen am Original {original.display_path} seit Fassung {reference}",
            *changes)


def _readable(text: str) -> str:
    """A version's text as staff read it: each field's value as written, not as JSON."""
    fields, _, body = text.partition("\n\n")
    lines = []
    for line in fields.splitlines():
        name, _, value = line.partition(": ")
        try:
            lines.append(f"{name}: {_plain(json.loads(value))}")
        except ValueError:
            lines.append(line)
    return "\n".join(lines) + "\n\n" + body


def _plain(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_plain(item)}" for key, item in value.items())
    if isinstance(value, list):
        return "; ".join(_plain(item) for item in value)
    return str(value)


def _inherit(document: Document, original: Document,
             editions: dict[tuple[str, str], Document]) -> Document | Problem:
    """The edition filled from its original by the inheritance table; a briefing's edition
    belongs to the release's edition of the same language."""
    if "prioritäten" in document.lines and \
            [p.key for p in document.priorities] != [p.key for p in original.priorities]:
        return Problem(document.display_path, document.line_of("prioritäten"), (
            "»prioritäten« einer Übersetzung braucht dieselben Kennungen in derselben "
            f"Reihenfolge wie das Original ({', '.join(p.key for p in original.priorities)}); "
            "übersetzen Sie nur die Titel"))
    values = take_over(document, original, "from_original")
    if document.type.part_of:
        edition = editions.get((original.release_ref, edition_mark(document)))
        values["release_ref"] = edition.slug if edition else original.release_ref
    if values.get("number"):  # »Nr.« in the edition's language
        values["number"] = values["number"].replace("Nr.", gettext(document.language, "Nr."), 1)
    return replace(document, original=original, **values)
