"""Every output briefing makes, declared once: what it is made from, whether it is held
back, which module makes it and what it needs from the outputs before it.

An output has a scope: one unit per document (its PDF), per package (a release with its
briefings: press kit, web pages, e-mail, bundle) or the whole site (archive and feed, JSON
export), made from the entries of the public packages. Its module offers two functions:

    templates(unit, context) -> list[str]   the page templates it renders
    make(unit, context) -> Made             its files (or, for an engine output, its page)

and a site-wide output may offer a third, to be made in parts (`Part`), each remade only
when the entries it shows change — with thousands of releases, a correction rewrites the
year page that lists it, not the archive of ten years:

    parts(records, config) -> list[Part]    (else one part of every entry)

An engine output's module also names its unit's one file (`files(unit)`). An engine output
that needs others is set after them, in the order of the table (the weekly preview's PDF
after the web pages that give the site's entries); the others first, in one pool.

Everything else is the build's (`run.py`), the same for every output: whether a unit is
stale (from the fingerprints of its inputs in the manifest, never by making it and
comparing), the atomic write, the record, removing files no longer made, holding public
outputs back while a package is under embargo or a draft, and keeping a package's files
as they were when one of its documents fails. What an output needs from another is handed
on in memory (`Context.files`). A new output is a module and one row in `OUTPUTS`.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Protocol, TypeVar

from .errors import Problem

DOCUMENT, PACKAGE, SITE = "dokument", "paket", "website"
T = TypeVar("T")


@dataclass(frozen=True)
class Output:
    #: Short name, as in the manifest and in `doctypes.DocType.outputs`.
    name: str
    scope: str
    #: The module that makes it (imported only when one of its units is stale).
    module: str
    #: What it is, in German (README).
    doc: str
    #: Its page is set by the PDF engine in the worker pool, beside the documents' PDFs.
    engine: bool = False
    #: Held back while a package is under embargo or a draft (its pages go to `gesperrt/`,
    #: the site lists only public packages).
    public: bool = False
    #: The outputs whose files it uses (made before it in the same build).
    needs: tuple[str, ...] = ()
    #: For internal use only: made in output/intern/, of a package with its internal
    #: documents (not a column of a type's outputs).
    internal: bool = False

    def load(self) -> ModuleType:
        return importlib.import_module(self.module)


OUTPUTS = (
    Output("pdf", DOCUMENT, "briefing.document_pdf", "das PDF jedes Dokuments", engine=True),
    Output("kit", PACKAGE, "briefing.kit", "die Pressemappe: alle Dokumente einer "
           "Pressemitteilung in einem PDF", engine=True),
    Output("internkit", PACKAGE, "briefing.internal_kit", "die interne Pressemappe: die "
           "Pressemappe mit Sprechzettel und Fragen und Antworten, nur in output/intern/",
           engine=True, internal=True),
    Output("web", PACKAGE, "briefing.web", "die Webseiten einer Pressemitteilung mit ihren PDF",
           public=True, needs=("pdf", "kit")),
    Output("mail", PACKAGE, "briefing.mail", "die E-Mail an den Verteiler (Text und .eml)",
           needs=("pdf",)),
    Output("bundle", PACKAGE, "briefing.bundle", "das ZIP-Paket mit Prüfsummen",
           needs=("pdf", "kit", "web", "mail")),
    Output("site", SITE, "briefing.site", "Archiv und Atom-Feed der Website", public=True,
           needs=("web",)),
    Output("json", SITE, "briefing.export", "die JSON-Liste für ein Redaktionssystem",
           public=True, needs=("web",)),
    Output("terminpdf", SITE, "briefing.weekly_pdf", "die Terminvorschau als PDF: je Woche "
           "mit veröffentlichten Terminhinweisen eine Datei", engine=True, public=True,
           needs=("web",)),
    Output("termine", SITE, "briefing.weekly", "die Terminvorschau: je Woche mit "
           "veröffentlichten Terminhinweisen eine Webseite (mit dem PDF) und ein E-Mail-Text",
           public=True, needs=("web", "terminpdf")),
)
OUTPUTS_BY_NAME = {o.name: o for o in OUTPUTS}


@dataclass(frozen=True)
class Part:
    """One unit of a site-wide output: the entries of the public packages it shows, and
    anything else it shows in a few words (`shape`: e.g. the years in the archive)."""

    key: str
    records: tuple = ()
    shape: str = ""


#: The fields of an entry in the site's lists that decide which part shows it and where
#: (`listed`); its whole entry is read only when a part showing it is made (`Context.whole`).
LISTED = ("slug", "datum", "aktualisiert", "veroeffentlicht", "original", "termin",
          "zurueckgezogen", "fingerprint")
#: In a listed entry: the key of its package.
ENTRY = "eintrag"
#: The output whose unit makes its package's entry in the site's lists (`Made.record`):
#: the entry comes and goes with that unit, not with the package's other units.
LISTING = "web"


def listed(key: str, record: dict) -> dict:
    """What the site's parts are cut by of a package's entry (with its fingerprint)."""
    record_fingerprint(record)
    return {ENTRY: key, **{name: record.get(name) for name in LISTED}}


def record_fingerprint(record: dict) -> str:
    """The fingerprint of a package's entry in the site's lists (kept in the entry)."""
    found = record.get("fingerprint")
    if found is None:
        import hashlib
        import json

        found = record["fingerprint"] = hashlib.sha256(json.dumps(
            record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]
    return found


@dataclass
class Made:
    """What an output made of one unit."""

    #: File name (relative to output/) → bytes.
    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: An engine output's page: (display path for messages, HTML); the build sets it.
    page: tuple[str, str] | None = None
    #: Project files it shows (images), for staleness.
    images: list[Path] = field(default_factory=list)
    #: The web output's entry for the site's lists (archive, feed, JSON), when public.
    record: dict | None = None

    @property
    def failed(self) -> bool:
        return any(p.is_error for p in self.problems)

    def add(self, name: str, data: bytes | str) -> None:
        self.files[name] = data.encode() if isinstance(data, str) else data


class Context(Protocol):
    """What an output module gets from the build (`run.Run` implements it)."""

    config: object
    env: object
    #: `check`: make everything in memory with stand-ins for PDFs, write nothing.
    dry: bool

    def body(self, document): ...
    def files(self, output: str, unit: str) -> dict[str, bytes]: ...
    def state(self, package): ...
    def has(self, output: str, package) -> bool: ...
    def languages(self, package) -> list: ...
    #: Every public package's entry as `listed` (the same list while none changes);
    #: `whole`: the whole entries of some.
    def records(self) -> list[dict]: ...
    def whole(self, records) -> list[dict]: ...


def once_per_list(compute: Callable[[list], T]) -> Callable[[list], T]:
    """`compute(records)` made once for the same list of entries (`Context.records` gives
    the same list while no entry changes): the site's parts and pages ask for the same
    orders and groups several times a build, at 5,000 releases milliseconds each. The
    last two lists asked for are remembered (a page asks for all entries and for a few
    in turn). The answer is shared: not to be changed."""
    last: list[tuple[object, T]] = []

    def once(records: list) -> T:
        for index, (known, answer) in enumerate(last):
            if known is records:
                last.insert(0, last.pop(index))  # (the latest first)
                return answer
        answer = compute(records)
        last[:] = [(records, answer), *last[:1]]
        return answer

    return functools.update_wrapper(once, compute)
