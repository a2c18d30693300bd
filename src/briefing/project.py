"""Content files → the project: validated, linked documents that `check` and `build` share.

Reads every `*.md` under content/, validates each against the schema and links briefings
to their release and priority. Writes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .cache import DocumentCache, context, front_matters_after_build
from .config import Config, load_config
from .doctypes import doctype
from .easy_language import lint
from .editions import link_editions
from .errors import ContentError, Problem, Severity, UsageError, problem_order
from .fonts import coverage, missing_glyphs
from .hyphenation import read_exceptions
from .lifecycle import Register, publication_time, with_numbers
from .model import Document
from .paths import LEADS_OUT, content_entries
from .reader import read_source
from .schema import take_over, validate
from .typography import typeset, typeset_documents
from .values import suggest


@dataclass
class Project:
    config: Config
    #: The documents that can be rendered.
    documents: list[Document]
    problems: list[Problem]
    #: Content files that cannot (their own or their links' errors).
    blocked: set[str] = field(default_factory=set)
    hyphenation: dict[str, list[int]] = field(default_factory=dict)
    #: Approvals and the publication log (lifecycle.py).
    register: Register | None = None
    #: The documents as read (cache.py): a build saves it when done.
    cache: DocumentCache | None = None
    #: Every content file (`*.md`, as shown); when only some families were read
    #: (`load_project`, `family`), `documents` and `blocked` are theirs alone.
    present: set[str] = field(default_factory=set)
    #: The files of the families read, when not all were (and what they touch, such as
    #: the approvals and images of the changed files); None: every content file.
    family: set[str] | None = None

    def save_cache(self) -> None:
        self.cache.save(None if self.family is None else self.present)
        # (Not of the files that failed: one may be a link leading out of content/.)
        front_matters_after_build(self.config.root, self.cache,
                                  sorted(self.present - self.blocked))

    def covers(self, changed: set[str], related: Callable[[Iterable[str]], set[str]]) -> bool:
        """Every family these changed files touch was read."""
        if self.family is None:
            return True
        slugs = {Path(name).stem: name for name in self.family if name in self.present}
        return related(_as_content(changed, slugs, self.config.show(self.config.approvals_dir))
                       ) <= self.family

    def named(self, name: str | Path, what: str = "kein fehlerfreies Dokument") -> Document:
        """The document staff name on the command line; UsageError when it is none that
        can be set: the nearest content file when there is no such file, else its errors
        (`what`: how the message names what is missing)."""
        shown = self.config.named(name)
        found = next((d for d in self.documents if d.display_path == shown), None)
        if found is None:
            absent = self.config.missing(name)
            if absent:
                raise UsageError(absent)
            errors = [str(p) for p in self.problems if p.path == shown and p.is_error]
            why = ("; zuerst beheben:\n" + "\n".join(errors)) if errors else ""
            raise UsageError(f"{shown} ist {what} in content/{why}")
        return found


#: Files in content/ that are not content and need no warning.
NOT_CONTENT = {"silbentrennung.txt"}
#: Suffixes of files that look like content but are not read (only `*.md` is).
LOOKS_LIKE_CONTENT = (".markdown", ".mdown", ".mkd", ".txt", ".text", ".md.txt", ".rtf",
                      ".docx", ".doc", ".odt")


def load_project(root: Path, final: bool = False, cached: bool = False,
                 memory: dict | None = None,
                 family: tuple[set[str], Callable[[Iterable[str]], set[str]]] | None = None,
                 ) -> Project:
    """Read and check everything under content/; write nothing. `final`: for publication,
    drafts and placeholders are errors. `cached`: content files unchanged since the last
    build are taken from its cache (`Project.cache`; the caller saves it). `memory`: a
    long-lived caller's own place for the cache, kept in memory between calls.
    `family`: (the content and approval files changed since the last build, the files
    each shares a unit with in it: `Staleness.related`): only the families these
    touch are read (a correction in an archive of thousands), when that can be told
    without reading the others (`_family`)."""
    config = load_config(root.resolve())
    # A publication build reads everything: its checks depend on the clock (an event
    # that has begun).
    kept = memory.get("cache") if memory is not None and not final else None
    if kept is not None and kept.key == context(config, final):
        kept.carry_on()
        cache = kept
    else:
        cache = DocumentCache.for_project(config, final, stored=cached and not final)
    if memory is not None:
        memory["cache"] = cache
    problems: list[Problem] = []
    hyphenation: dict[str, list[int]] = {}
    try:
        hyphenation = read_exceptions(config.hyphenation_file,
                                      config.show(config.hyphenation_file))
    except ContentError as exc:
        problems += exc.problems
    names = content_entries(config.content_dir)
    files = _markdown_files(config, names)
    present = {shown for _, shown, _ in files}
    read = _reader(config, final)
    wanted = _family(files, cache, read, *family, config.show(config.approvals_dir)) \
        if family is not None and not final else None
    if wanted is not None:
        files = [file for file in files if file[1] in wanted]
    documents, blocked = _read_documents(config, problems, cache, files, read,
                                         family=wanted is not None)
    problems += _ignored_files(config, names)
    broken = {Path(b).stem: b for b in blocked}
    documents, edition_problems, edition_blocked = link_editions(documents, broken)
    linked = link_documents(documents, broken | {Path(b).stem: b for b in edition_blocked})
    documents, link_problems, link_blocked = linked
    problems += edition_problems + link_problems
    blocked |= edition_blocked | link_blocked
    # Front-matter texts get their typography once, here: every output shows the same.
    documents = typeset_documents(documents, config.quotes, cache.typeset_with(typeset))
    # A release published without a number got one then (the publication log says which).
    register = Register(config)
    numbers = {d.display_path: number for d in documents if d.type.heads_package
               and d.original is None and "nummer" not in d.lines
               and (number := register.number(d))}
    documents = with_numbers(documents, numbers)
    return Project(config, documents, sorted(problems, key=problem_order), blocked, hyphenation,
                   register, cache, present, wanted)


def _reader(config: Config, final: bool
            ) -> Callable[[Path, str], tuple[Document | None, list[Problem]]]:
    """How a content file not in the cache is read: validated, its glyphs checked."""
    drawable: list[frozenset[int]] = []  # the fonts are read only for a file not cached

    def read(path: Path, display: str) -> tuple[Document | None, list[Problem]]:
        source = read_source(path, display)
        document, found = validate(source, config.defaults, final)
        if not drawable:
            drawable.append(coverage(config.fonts_dir))
        found += missing_glyphs(source, drawable[0], final)
        if document is not None and document.easy:
            found += [Problem(display, f.line, f.message, Severity.WARNING)
                      for f in lint(source.body, source.body_line)]
        return document, found

    return read


def _family(files: list[tuple[str, str, bool]], cache: DocumentCache, read,
            changed: set[str], related: Callable[[Iterable[str]], set[str]],
            approvals: str) -> set[str] | None:
    """The content files of every family the `changed` files touch: what the last build
    made them into units with (`related`) and what they name (`pressemitteilung`,
    `original`), until nothing is added. None when that is not enough to give the messages
    a build of everything would: two files of one name (their outputs collide), a name
    that is no file (the message suggests among all), a symbolic link."""
    by_slug = _by_slug(files)
    if by_slug is None:
        return None
    file_of = {shown: path for path, shown, _ in files}
    start = _as_content(changed, by_slug, approvals)
    wanted: set[str] = set()
    new = related(start)
    while not new <= wanted:
        fresh = new - wanted
        wanted |= new
        named: set[str] = set()
        for shown in fresh:
            if shown not in file_of:
                continue  # deleted, or an image
            try:
                document, _ = cache.read(Path(file_of[shown]), shown, read)
            except ContentError:
                continue  # its own errors: it renders nothing
            for slug in (document.release_ref, document.original_ref) if document else ():
                if slug is not None:
                    if slug not in by_slug:
                        return None
                    named.add(by_slug[slug])
        new = related(wanted | named)
    return wanted


def _by_slug(files: list[tuple[str, str, bool]]) -> dict[str, str] | None:
    """Each content file by its name without ».md« (what `pressemitteilung` and `original`
    name); None when two have one name or one is a symbolic link: which file is meant
    then is told by reading the project whole."""
    by_slug: dict[str, str] = {}
    for _path, shown, link in files:
        slug = os.path.basename(shown)[:-3]  # without ».md«
        if link or slug in by_slug:
            return None
        by_slug[slug] = shown
    return by_slug


def content_files(config: Config) -> list[tuple[str, str, bool]]:
    """Every content file (`_markdown_files`)."""
    return _markdown_files(config, content_entries(config.content_dir))


def families_in_order(root: Path, size: int) -> list[set[str]] | None:
    """Every content file in families (a release with its briefings, editions and the
    documents about it: what `load_project(family=…)` reads together), in the order they
    are first published (`publication.candidates` numbers them in that order): a build
    of everything in parts, each holding a few hundred documents in memory, not
    thousands. Every file is read (through the document cache, which is saved) and not
    kept. None when there are no more than `size` content files, or the families cannot
    be told apart without reading the project whole (as `_family`: two files of one name,
    a name that is no file, a symbolic link)."""
    config = load_config(root.resolve())
    files = content_files(config)
    if len(files) <= size:
        return None
    by_slug = _by_slug(files)
    if by_slug is None:
        return None
    head = {shown: shown for _, shown, _ in files}

    def find(name: str) -> str:
        while head[name] != name:
            head[name] = head[head[name]]
            name = head[name]
        return name

    cache = DocumentCache.for_project(config, False)
    read = _reader(config, False)
    first: dict[str, tuple] = {}  # original release → (when it is published, its path)
    failed = set()
    for start in range(0, len(files), size):
        part = files[start:start + size]
        cache.expect([shown for _, shown, _ in part], every=False)
        for path, shown, _ in part:
            try:
                document, _ = cache.read(Path(path), shown, read)
            except ContentError:
                document = None
            if document is None:
                failed.add(shown)  # its own errors: a family of its own
                continue
            for slug in (document.release_ref, document.original_ref):
                if slug is not None:
                    if slug not in by_slug:
                        return None
                    head[find(shown)] = find(by_slug[slug])
            if document.type.heads_package and document.original_ref is None:
                when = publication_time(document)
                first[shown] = (0, when.timestamp(), shown) if when else (1, 0, shown)
        cache.save_part(set(head))
    front_matters_after_build(config.root, cache, sorted(set(head) - failed))
    families: dict[str, set[str]] = {}
    for shown in head:
        families.setdefault(find(shown), set()).add(shown)
    return sorted(families.values(), key=lambda family: min(
        (first[name] for name in family if name in first), default=(2, 0, min(family))))


def _as_content(changed: set[str], by_slug: dict[str, str], approvals: str) -> set[str]:
    """Changed files as the content files they stand for: an approval for its document
    (found by its name, `by_slug`), any other file for itself."""
    return {by_slug.get(Path(name).stem, name) if name.startswith(f"{approvals}/") else name
            for name in changed}


def _read_documents(config: Config, problems: list[Problem], cache: DocumentCache,
                    files: list[tuple[str, str, bool]], read, family: bool = False,
                    ) -> tuple[list[Document], set[str]]:
    """The content files `files` (`family`: of some families only), validated; the files
    that failed are `blocked`."""
    documents, blocked = [], set()
    content_dir = config.content_dir.resolve()
    cache.expect([display for _, display, _ in files], every=not family)
    for name, display, link in files:
        path = Path(name)
        if link and not path.resolve().is_relative_to(content_dir):  # a symlink leading out
            problems.append(Problem(display, None, LEADS_OUT))
            blocked.add(display)
            continue
        try:
            document, found = cache.read(path, display, read)
        except ContentError as exc:
            problems += exc.problems
            blocked.add(display)
            continue
        problems += found
        if document is None or any(p.is_error for p in found):
            blocked.add(display)
        else:
            documents.append(document)
    return documents, blocked


def _markdown_files(config: Config, names: list[tuple[str, bool, bool]]
                    ) -> list[tuple[str, str, bool]]:
    """Every `*.md` of `names` (`content_entries`): (path, shown path, is a symbolic
    link); the path as text (a Path is made for a file read: with thousands, making one
    for each costs more than the few read in a build of what changed)."""
    top, shown = os.fspath(config.content_dir), config.show(config.content_dir)
    return [(os.path.join(top, inner), f"{shown}/{inner}", link)
            for inner, _, link in names if inner.endswith(".md")]


def _ignored_files(config: Config, names: list[tuple[str, bool, bool]]) -> list[Problem]:
    """Files that look like content but are not read: staff would miss their document."""
    top, shown = os.fspath(config.content_dir), config.show(config.content_dir)
    return [Problem(f"{shown}/{inner}", None, (
        "wird nicht gelesen: nur Dateien mit der Endung ».md« (klein geschrieben) sind "
        "Inhalt; benennen Sie die Datei um, wenn sie ein Dokument ist"), Severity.WARNING)
        for inner, is_file, _ in names
        if is_file and not inner.endswith(".md")
        and (lower := os.path.basename(inner).lower()) not in NOT_CONTENT
        and lower.endswith((".md", *LOOKS_LIKE_CONTENT))
        and os.path.isfile(os.path.join(top, inner))]


def link_documents(
    documents: list[Document], broken: dict[str, str] | None = None,
) -> tuple[list[Document], list[Problem], set[str]]:
    """Resolve each briefing's release and priority; every priority needs exactly one.
    A briefing inherits its release's embargo, and its contact and number unless it names
    its own. `broken`: file stem → path of content files that failed; a briefing of a broken
    release waits for it (one note, the release's own errors say why).
    Returns the renderable documents, the problems and the files that cannot render."""
    linker = _Linker(documents, broken or {})
    linked = [linker.link(d) if d.type.part_of else
              linker.refer(d) if d.type.refers_to and d.release_ref else d for d in documents]
    linker.report_waiting()
    linker.report_unclaimed()
    renderable = linker.unique_outputs([d for d in linked if d is not None])
    renderable = linker.without_refused([d for d in renderable if linker.stays_internal(d)])
    return renderable, linker.problems, linker.blocked


class _Linker:
    def __init__(self, documents: list[Document], broken: dict[str, str]):
        self.broken = broken
        self.releases = {d.slug: d for d in documents if d.type.heads_package}
        self.problems: list[Problem] = []
        self.blocked: set[str] = set()
        self.claimed: dict[tuple[str, str], Document] = {}
        self.waiting: dict[str, list[Document]] = {}  # broken release → its briefings

    def refuse(self, document: Document, field_name: str | None, message: str) -> None:
        line = document.line_of(field_name) if field_name else None
        self.problems.append(Problem(document.display_path, line or 1, message))
        self.blocked.add(document.display_path)

    def refer(self, document: Document) -> Document | None:
        """A document about a release (speaking notes, Q&A) with that release resolved; it
        does not belong to the release's package."""
        release = self._release_of(document, document.type.refers_to)
        return replace(document, release=release) if release is not None else None

    def _release_of(self, document: Document, kind: str) -> Document | None:
        """The document of type `kind` that `document` names in `pressemitteilung:`, or
        None: it waits for a broken one, or it is refused (and why)."""
        reference = document.release_ref or ""
        release = self.releases.get(reference)
        if release is None and reference in self.broken:
            self.waiting.setdefault(self.broken[reference], []).append(document)
            self.blocked.add(document.display_path)
            return None
        wanted = doctype(kind).label
        if release is None:
            self.refuse(document, "pressemitteilung", f"{wanted} »{reference}« gibt es "
                        f"nicht in content/{suggest(reference, self.releases)}")
            return None
        if release.kind != kind:
            self.refuse(document, "pressemitteilung", f"»{reference}« ist eine {release.label}, "
                        f"keine {wanted}; nennen Sie die {wanted}, zu der dieses Dokument gehört")
            return None
        return release

    def without_refused(self, documents: list[Document]) -> list[Document]:
        """What remains when a document's release or original was refused: it waits
        (one note) and goes nowhere — a translation of a refused briefing would otherwise
        be set on its own."""
        while True:
            kept = {d.display_path for d in documents}
            waiting = [(d, other) for d in documents for other in (d.release, d.original)
                       if other is not None and other.display_path not in kept]
            if not waiting:
                return documents
            for document, other in waiting:
                self.blocked.add(document.display_path)
                self.problems.append(Problem(document.display_path, None, (
                    f"wird nicht gesetzt, solange {other.display_path} nicht gesetzt werden "
                    "kann"), Severity.NOTE))
            gone = {d.display_path for d, _ in waiting}
            documents = [d for d in documents if d.display_path not in gone]

    def stays_internal(self, document: Document) -> bool:
        """A public document may not belong to or translate an internal one (its text
        would reach journalists); False, and why, when it does."""
        if document.internal:
            return True
        for field_name, other in (("pressemitteilung", document.release),
                                  ("original", document.original)):
            if other is not None and other.internal:
                self.refuse(document, field_name, (
                    f"ist öffentlich, verweist aber auf {other.display_path}, das nur für den "
                    "internen Gebrauch ist; tragen Sie hier »intern: true« ein oder nehmen Sie "
                    "den Verweis heraus"))
                return False
        return True

    def link(self, document: Document) -> Document | None:
        """The briefing linked to its release and priority, or None (and why)."""
        release = self._release_of(document, document.type.part_of)
        if release is None:
            return None
        by_key = {p.key: p for p in release.priorities}
        priority = by_key.get(document.priority_ref or "")
        if priority is None:
            self.refuse(document, "priorität",
                        f"Priorität »{document.priority_ref}« steht nicht in »prioritäten« von "
                        f"{release.display_path}{suggest(document.priority_ref or '', by_key)} "
                        f"(vorhanden: {', '.join(by_key) or 'keine'})")
            return None
        # Each edition (language, Leichte Sprache) has its own briefing per priority; an
        # internal one claims none (the public package still needs its own).
        first = document if document.internal else self.claimed.setdefault(
            (release.slug, priority.key, document.language, document.easy), document)
        if first is not document:
            self.refuse(document, "priorität",
                        f"Priorität »{priority.key}« hat schon {first.display_path}; "
                        "jede Priorität bekommt genau eine Hintergrundinformation")
            return None
        return _inherit(document, release, priority)

    def report_waiting(self) -> None:
        for path, briefings in self.waiting.items():
            names = ", ".join(d.display_path for d in briefings)
            self.problems.append(Problem(path, None, (
                f"solange diese Pressemitteilung Fehler hat, werden auch ihre "
                f"Hintergrundinformationen nicht gesetzt ({names})"), Severity.NOTE))

    def report_unclaimed(self) -> None:
        # An edition has the briefings that were translated; the original has them all.
        for release in (r for r in self.releases.values() if r.original is None):
            for priority in release.priorities:
                if (release.slug, priority.key, release.language, release.easy) \
                        not in self.claimed:
                    self.problems.append(Problem(
                        release.display_path, priority.line,
                        f"Priorität »{priority.key}« hat keine Hintergrundinformation; legen "
                        f"Sie eine an mit »pressemitteilung: {release.slug}« und "
                        f"»priorität: {priority.key}«"))

    def unique_outputs(self, linked: list[Document]) -> list[Document]:
        """Two content files must not write the same output file."""
        outputs: dict[str, Document] = {}
        renderable = []
        for document in linked:
            other = outputs.setdefault(document.output_name, document)
            if other is not document:
                self.refuse(document, None,
                            f"schreibt dieselbe Datei output/{document.output_name} wie "
                            f"{other.display_path}; benennen Sie eine der Dateien um")
            else:
                renderable.append(document)
        return renderable


def _inherit(document: Document, release: Document, priority) -> Document:
    """A briefing takes over from its release what the inheritance table says (its
    embargo always: it goes out with it)."""
    return replace(document, release=release, priority=priority,
                   **take_over(document, release, "from_package"))
