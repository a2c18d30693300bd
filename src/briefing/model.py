"""The validated document model: what the templates get, nothing that still needs checking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .doctypes import DocType, doctype
from .i18n import gettext

#: Where internal documents go, and nowhere else (output/intern/).
INTERNAL_FOLDER = "intern"


def evolve(value, **changes):
    """`dataclasses.replace` for the frozen records here (no `__post_init__`, no slots)
    without its per-field bookkeeping: a project of thousands of documents copies each a
    few times while it is loaded (typography, links, numbers)."""
    new = object.__new__(type(value))
    new.__dict__.update(value.__dict__, **changes)
    return new


@dataclass(frozen=True)
class QuoteStyle:
    """Opening/closing marks for outer and inner quotations."""

    open: str
    close: str
    inner_open: str
    inner_close: str


#: The two German styles; the key is what staff write in `briefing.toml`.
QUOTE_STYLES = {
    "»…«": QuoteStyle("»", "«", "›", "‹"),
    "„…“": QuoteStyle("„", "“", "‚", "‘"),
}


@dataclass(frozen=True)
class Publisher:
    name: str
    address: str | None = None
    #: The language it is written in (a translation takes it over from its original).
    language: str | None = None


@dataclass(frozen=True)
class Contact:
    office: str | None = None
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    #: The language it is written in (a translation takes it over from its original).
    language: str | None = None


@dataclass(frozen=True)
class Embargo:
    """Either a moment (always timezone-aware) or a free text such as »Redebeginn«."""

    at: dt.datetime | None = None
    text: str | None = None


@dataclass(frozen=True)
class Correction:
    """A correction of a published release: when, and what was corrected."""

    date: dt.date
    text: str
    line: int = 0


@dataclass(frozen=True)
class Withdrawal:
    """A published release taken back: when, and why (shown where it was)."""

    date: dt.date
    reason: str


def withdrawal_notice(kind: str, language: str, date: dt.date) -> str:
    """»Diese Pressemitteilung wurde am … zurückgezogen.« in the words its type declares
    (»Dieser Terminhinweis …«), in `language`: every channel says it alike."""
    from .formatting import long_date

    return gettext(language, doctype(kind).withdrawal,
                   date=long_date(date, language.replace("-", "_")))


def withdrawal_summary(kind: str, language: str, withdrawal: Withdrawal) -> str:
    """The notice with its public reason, as plain text (e-mail, feed, calendar)."""
    return f"{withdrawal_notice(kind, language, withdrawal.date)} " \
           f"{gettext(language, 'Grund')}: {withdrawal.reason}"


@dataclass(frozen=True)
class Priority:
    key: str
    title: str
    number: int
    total: int
    line: int


@dataclass(frozen=True)
class Document:
    source: Path
    display_path: str
    kind: str
    title: str
    date: dt.date
    language: str
    publisher: Publisher
    contact: Contact | None
    body: str
    body_line: int
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    subtitle: str | None = None
    place: str | None = None
    number: str | None = None
    embargo: Embargo | None = None
    keywords: tuple[str, ...] = ()
    priorities: tuple[Priority, ...] = ()
    # A briefing names its release and priority; `link_documents` resolves them.
    release_ref: str | None = None
    priority_ref: str | None = None
    release: Document | None = None
    priority: Priority | None = None
    draft: bool = False
    # A translation (or the Leichte-Sprache edition) names its original and the version it
    # was made from; `link_documents` resolves the original.
    original_ref: str | None = None
    version_ref: str | None = None
    #: A translation that says it renders an earlier version of its original.
    earlier_version: bool = False
    #: A translation whose original has changed since (editions.py).
    outdated: bool = False
    original: Document | None = None
    easy: bool = False
    #: Internal notes (HTML comments) of the body: never in any output.
    notes: tuple = field(default=(), compare=False, repr=False)
    #: The publication lifecycle (lifecycle.py): who wrote it (may not approve it), when it
    #: is published if not at its embargo or the start of its day, its corrections (newest
    #: first) and its withdrawal.
    author: str | None = None
    #: A media advisory: when and where, accreditation, photo call, livestream.
    starts: dt.datetime | None = None
    ends: dt.datetime | None = None
    address: str | None = None
    accreditation: str | None = None
    photo_call: str | None = None
    livestream: str | None = None
    #: Speaking notes: who speaks, on what occasion.
    speaker: str | None = None
    occasion: str | None = None
    #: `intern: true` (an internal type is internal without it).
    internal_flag: bool = False
    publish_at: dt.datetime | None = None
    corrections: tuple[Correction, ...] = ()
    withdrawn: Withdrawal | None = None

    @property
    def slug(self) -> str:
        """The content file's name without extension: how other documents refer to it."""
        return self.source.stem

    @property
    def links(self) -> list[str]:
        """The other content files this document takes values from (its release, its
        original and the original's release), as display paths."""
        found = [d.display_path for d in (self.release, self.original) if d is not None]
        found += self.original.links if self.original else []
        return sorted(set(found) - {self.display_path})

    @property
    def output_name(self) -> str:
        """The document's PDF in output/ (and in its release's folders); an internal one's
        in output/intern/ only."""
        return f"{INTERNAL_FOLDER}/{self.slug}.pdf" if self.internal else f"{self.slug}.pdf"

    @property
    def internal(self) -> bool:
        """For internal use only: its type is internal, or it says `intern: true`."""
        return self.internal_flag or not self.type.public

    @property
    def type(self) -> DocType:
        return doctype(self.kind)

    @property
    def label(self) -> str:
        """What the document is, as printed (»Pressemitteilung«); a Leichte-Sprache edition
        says so wherever its label appears (header, PDF subject, web, e-mail, kit)."""
        label = gettext(self.language, self.type.label)
        return f"{label} in Leichter Sprache" if self.easy else label

    @property
    def page_template(self) -> str:
        """The template of its own PDF: the type's, or the Leichte-Sprache page."""
        from .doctypes import EASY_TEMPLATE

        return EASY_TEMPLATE if self.easy else self.type.page_template

    @property
    def babel_locale(self) -> str:
        """`de-DE` → `de_DE`, the form Babel expects."""
        return self.language.replace("-", "_")

    @property
    def withdrawal_notice(self) -> str:
        """Where it stood once withdrawn: »Dieser Terminhinweis wurde am … zurückgezogen.«"""
        return withdrawal_notice(self.kind, self.language, self.withdrawn.date)

    def line_of(self, name: str) -> int | None:
        return self.lines.get(name)
