"""Documents → packages: a release with the documents that belong to it (its briefings of
the same edition), and whether the package is public yet.

A package is the unit of everything a release sends out beyond its documents' own PDFs:
the press kit, the web pages, the e-mail, the bundle, its entries in the archive, the feed
and the JSON export. Which types head a package and which belong to one is the document
type table's (`doctypes.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import formatting
from .errors import Problem, Severity
from .model import Document

#: Where a package's web pages go: the public site, or the review copies held back.
PUBLIC, HELD = "web", "gesperrt"


@dataclass
class Package:
    """A release and the documents that belong to it, in priority order."""

    release: Document
    members: list[Document]

    @property
    def documents(self) -> list[Document]:
        return [self.release, *self.members]

    @property
    def key(self) -> str:
        """The package's name in the manifest and in messages: its release's content file."""
        return self.release.display_path

    @property
    def slug(self) -> str:
        return self.release.slug


def packages(documents: list[Document]) -> list[Package]:
    """Every package of the project, by release file name."""
    heads = sorted((d for d in documents if d.type.heads_package), key=lambda d: d.slug)
    found = []
    for release in heads:
        # Only members of the same edition: a Polish briefing of a release that has no
        # Polish translation gets its PDF, but no place in the German kit, page or mail.
        members = [d for d in documents if d.type.part_of == release.kind
                   and d.release is not None and d.release.display_path == release.display_path
                   and (d.language, d.easy) == (release.language, release.easy)]
        found.append(Package(release, sorted(members, key=lambda d: d.priority.number)))
    return found


@dataclass(frozen=True)
class State:
    """Whether a package's public outputs may show it now."""

    #: "öffentlich", "gesperrt" (embargo) or "entwurf" (a draft among its documents).
    name: str
    #: When a held package becomes public by itself (an embargo with a time).
    until: dt.datetime | None = None

    @property
    def public(self) -> bool:
        return self.name == "öffentlich"

    @property
    def folder(self) -> str:
        return PUBLIC if self.public else HELD


def state(package: Package, now: dt.datetime) -> State:
    if any(d.draft for d in package.documents):
        return State("entwurf")
    embargo = package.release.embargo
    if embargo and (embargo.at is None or now < embargo.at):
        return State("gesperrt", embargo.at)
    return State("öffentlich")


def state_note(package: Package, held: State) -> Problem:
    """What the build says about a package its public outputs leave out."""
    release = package.release
    if held.name == "entwurf":
        names = ", ".join(d.display_path for d in package.documents if d.draft)
        return Problem(release.display_path, None, (
            f"Entwurf ({names}): Webseite, Archiv und Feed enthalten diese Pressemitteilung "
            f"nicht (Vorschau in output/{HELD}/{release.slug}/), bis »entwurf: true« entfernt "
            "ist"), Severity.NOTE)
    when = formatting.embargo(release.embargo, release.babel_locale)
    after = "mit dem ersten Lauf nach Ablauf der Sperrfrist" if release.embargo.at else \
        "sobald die Sperrfrist aus dem Front Matter entfernt ist"
    return Problem(release.display_path, None, (
        f"Sperrfrist bis {when}: Webseite, Archiv und Feed enthalten diese Pressemitteilung "
        f"noch nicht (Vorschau in output/{HELD}/{release.slug}/); sie erscheint dort {after}"),
        Severity.NOTE)
