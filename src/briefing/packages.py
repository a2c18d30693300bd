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

from .model import Document

#: Where a package's web pages go: the public site, or the review copies held back.
PUBLIC, HELD = "web", "gesperrt"
#: An earlier version of a corrected release: `web/<release>--fassung-N/`.
VERSION_FOLDER = "--fassung-"


@dataclass
class Package:
    """A release and the documents that belong to it, in priority order."""

    release: Document
    members: list[Document]
    #: The internal kit's unit: the package with the internal documents about it.
    internal: bool = False

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
    # Only members of the same edition: a Polish briefing of a release that has no Polish
    # translation gets its PDF, but no place in the German kit, page or mail.
    parts: dict[tuple, list[Document]] = {}
    for d in documents:
        if d.type.part_of and d.release is not None:
            parts.setdefault((d.release.display_path, d.type.part_of, d.language, d.easy),
                             []).append(d)
    found = []
    for release in heads:
        members = [d for d in parts.get((release.display_path, release.kind, release.language,
                                         release.easy), ())
                   if release.internal or not d.internal]
        found.append(Package(release, sorted(members, key=lambda d: d.priority.number)))
    return found


def families(found: list[Package]) -> list[list[Package]]:
    """Each release with its editions (translations, Leichte Sprache): published together.
    The original's package comes first."""
    by_original: dict[str, list[Package]] = {}
    for package in found:
        head = package.release.original or package.release
        by_original.setdefault(head.display_path, []).append(package)
    return [sorted(group, key=lambda p: p.release.original is not None)
            for _, group in sorted(by_original.items())]


def unclaimed(package: Package) -> list[str]:
    """The priorities of an original release that have no briefing yet: its package is
    not whole."""
    if package.release.original is not None:
        return []  # an edition has the briefings that were translated
    claimed = {d.priority.key for d in package.members if d.priority}
    return [p.key for p in package.release.priorities if p.key not in claimed]


@dataclass(frozen=True)
class State:
    """What a package's public outputs show of it in this run."""

    #: "öffentlich" (on the public web), "gesperrt" (not yet: its time has not come),
    #: "entwurf" (a draft, or not approved), "zurückgezogen" (a notice where it was).
    name: str
    #: When a held package becomes public by itself.
    until: dt.datetime | None = None

    @property
    def public(self) -> bool:
        return self.name == "öffentlich"

    @property
    def folder(self) -> str:
        return PUBLIC if self.name in ("öffentlich", "zurückgezogen") else HELD
