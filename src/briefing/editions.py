"""Translations and the Leichte-Sprache edition: a content file that names its `original`.

An edition takes from its original what does not depend on the language (date, number,
embargo, priorities, the release a briefing belongs to, and contact, publisher and place
unless it names its own) and records the version of the original it was made from
(`fassung`: the first 8 hex digits of the SHA-256 of what a translator translates — the
text fields of the front matter and the body, internal notes left out — so that a change
of state such as `entwurf` leaves the translations current; the hash of the whole file,
as earlier versions wrote it, still counts). When the text of the original changes,
`check` says the edition is out of date and which passages changed (when the version it
was made from has been seen before), until `fassung` is updated. A translated briefing
belongs to the translated release of the same language when there is one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from dataclasses import replace
from pathlib import Path

from .diffs import passages
from .errors import Problem, Severity
from .files import cache_dir, write_atomically
from .i18n import gettext
from .model import Document
from .reader import read_meta
from .schema import take_over
from .values import suggest

#: The file-name mark of the Leichte-Sprache edition (`….ls.md`).
EASY = "ls"


#: The front-matter fields a translator translates; the others (entwurf, nummer, autor,
#: veröffentlichung, …) are state: changing them does not make a translation out of date.
TRANSLATED = ("titel", "untertitel", "prioritäten", "schlagwörter", "ort", "kontakt",
              "herausgeber")


def translated_text(document: Document) -> str:
    """What a translator translates of `document`, as one text (fields, then the body)."""
    meta = read_meta(document.source) or {}
    fields = [f"{name}: {json.dumps(meta[name], ensure_ascii=False, sort_keys=True, default=str)}"
              for name in TRANSLATED if name in meta]
    return "\n".join(fields) + "\n\n" + document.body.strip() + "\n"


def version_of(document: Document) -> str:
    """The version a translation names in `fassung`; kept for the diff when it changes."""
    text = translated_text(document)
    version = hashlib.sha256(text.encode()).hexdigest()[:8]
    _remember(version, text)
    return version


def _file_version(document: Document) -> str:
    """The whole file's hash: what `fassung` meant before (still accepted)."""
    return hashlib.sha256(document.source.read_bytes()).hexdigest()[:8]


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
        stale = _version_problems(document, found)
        problems += stale
        # Out of date: made from another version than the original's now (a missing
        # `fassung` is only a warning).
        linked.append(replace(document, outdated=True)
                      if stale and document.version_ref else document)
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


def _version_problems(document: Document, original: Document) -> list[Problem]:
    current = version_of(original)
    line = document.line_of("fassung") or document.line_of("original") or 1
    if document.version_ref == _file_version(original):
        return []
    if document.version_ref is None:
        return [Problem(document.display_path, line, (
            f"Fassung des Originals fehlt; tragen Sie »fassung: {current}« ein (die jetzige "
            f"Fassung von {original.display_path})"), Severity.WARNING)]
    if document.version_ref == current:
        return []
    changed = dt.date.fromtimestamp(original.source.stat().st_mtime).strftime("%d.%m.%Y")
    earlier = _remembered(document.version_ref)
    what = f"; geändert: {' · '.join(passages(earlier, translated_text(original)))}" \
        if earlier is not None else ""
    if document.earlier_version:
        return [Problem(document.display_path, line, (
            f"gibt eine frühere Fassung von {original.display_path} wieder (»frühere-fassung: "
            f"true«, übersetzt aus {document.version_ref}, jetzt {current}){what}; PDF und "
            "Webseite sagen es"), Severity.NOTE)]
    return [Problem(document.display_path, line, (
        f"Übersetzung veraltet: Original geändert am {changed} ({original.display_path}, "
        f"jetzt Fassung {current}, übersetzt aus {document.version_ref}){what}; gleichen Sie "
        f"die Übersetzung an und tragen Sie dann »fassung: {current}« ein"), Severity.WARNING)]


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
