"""One build holding the lock: it walks the output table (`outputs.OUTPUTS`) and owns, for
every output alike, whether a unit is stale, making it, writing its files atomically,
recording them in the manifest and removing what is no longer made.

The PDF engine's outputs (each document's PDF, each package's press kit) are set first, in
one pool of worker processes; then the other outputs in the order of the table, each from
what the ones before it made in this run (in memory) or in an earlier one (on disk). A
package's outputs are made only when every one of its documents has a current PDF: else
its files stay as they were, and the build says so. Each Markdown body is made once per
run (`body`), whichever outputs use it.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

from . import bugs, clock
from .errors import MachineError, Problem, RecordError, problem_order
from .files import cause_of, write_atomically
from .incremental import Entry, Staleness, digest, unit_key
from .lifecycle import CORRECTED, PUBLISHED, with_numbers
from .model import Document
from .outputs import (
    DOCUMENT,
    ENTRY,
    LISTING,
    OUTPUTS,
    OUTPUTS_BY_NAME,
    PACKAGE,
    SITE,
    Made,
    Output,
    Part,
    listed,
    record_fingerprint,
)
from .packages import VERSION_FOLDER, Package, State, families, packages, unclaimed
from .publication import KEEP, REVIEW, Decision, candidates, decide
from .report import Current, Outcome, Progress, Report
from .setting import Produced
from .staging import Staging

#: The unit of a site-wide output.
SITE_UNIT = ""
#: An image in Markdown without a title: `![Beschreibung](bild.png)` (no credit).
_UNCREDITED = re.compile(r"!\[[^\]]*\]\(\s*<?[^)\s>]+>?\s*\)")


@dataclass
class _Job:
    """One stale unit of an engine output on its way through the pool."""

    output: Output
    unit: object
    key: str
    inputs: dict
    templates: list[str]
    made: Made
    outcome: Outcome
    #: The file the page becomes (relative to output/).
    name: str = ""
    sources: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


class _Waiting:
    """Press kits set before their documents' PDFs are all made (they are set first, the
    longest jobs): a few in memory, the bytes of the others in one temporary file (a full
    re-render of thousands of releases sets every press kit before the documents; kept in
    memory, they were 100 MB at 5,000 releases)."""

    IN_MEMORY = 16

    def __init__(self):
        #: (job, what was made, where its bytes are in the file, if there).
        self._kits: deque[tuple[_Job, Produced, tuple[int, int] | None]] = deque()
        self._file = None

    def add(self, job: _Job, produced: Produced) -> None:
        where = None
        if produced.data and len(self._kits) >= self.IN_MEMORY:
            try:
                if self._file is None:
                    # (closed once the kits are written; gone from the disk at once)
                    self._file = tempfile.TemporaryFile(  # noqa: SIM115
                        prefix="briefing-pressemappen-")
                where = (self._file.seek(0, os.SEEK_END), len(produced.data))
                self._file.write(produced.data)
                produced.data = b""
            except OSError:  # (a full disk: kept in memory, as before)
                where = None
        self._kits.append((job, produced, where))

    def __iter__(self) -> Iterator[tuple[_Job, Produced]]:
        """Each kit with its bytes (read back one at a time, released once written)."""
        try:
            if self._file is not None:
                self._file.flush()  # (every kit is in it now: read back below)
            while self._kits:
                job, produced, where = self._kits.popleft()
                if where is not None:
                    try:
                        produced.data = os.pread(self._file.fileno(), where[1], where[0])
                        if len(produced.data) != where[1]:
                            raise OSError(errno.EIO, "kurz gelesen")
                    except OSError as exc:  # (reported with the kit, which fails)
                        produced.data = b""
                        fault = Problem(job.key, None, (
                            "Pressemappe kann nicht aus der temporären Datei gelesen werden: "
                            f"{cause_of(exc)}; bitte erneut bauen"), fault=True)
                        produced.problems.append(fault)
                        job.outcome.problems.append(fault)
                yield job, produced
        finally:
            if self._file is not None:
                self._file.close()


def _documents(unit) -> list:
    """The documents a unit is made of: a package's, a document itself; none for the
    site's units (made from the site's entries)."""
    if isinstance(unit, Package):
        return unit.documents
    return [unit] if isinstance(unit, Document) else []


#: At most this many pages are set one after another on the setting process a build
#: started before reading the project (`Run._produce`); more go to a pool of workers.
#: Measured on 2 cores: importing the engine costs 0.26–0.37 s, a one-page release
#: 0.09 s and its press kit 0.17–0.19 s; a pool of two sets two pages at a time.
FEW_PAGES = 4
#: From so many documents in the project on, the pool's workers do not start as copies of
#: this process (forked, each held what it had read: at 5,000 releases they were 166 MB
#: each, against 105 MB at 300), but of a server process that has imported only the
#: engine (`setting.produce_clean`; it starts in about half a second).
CLEAN_WORKERS_FROM = 200
#: (A step of later work that was its last: `Run._catch_up`.)
_DONE = object()
#: A long run (a full re-render: at 5,000 releases, minutes) saves what it made so far at
#: least this often, as an interrupted one does: killed, or the machine switched off,
#: the next build goes on from there.
CHECKPOINT_SECONDS = 60.0
#: It also saves once it has recorded so many units, and then forgets what it saved
#: (`Staleness.evict`): its memory does not grow with the number of releases it makes.
#: (A save of 500 units takes 20–40 ms.)
CHECKPOINT_UNITS = 500


class _Records:
    """Package key → its entry in the site's lists, with a version that changes with it.
    Every entry as `outputs.listed` (what the parts of the site are cut by: at 5,000
    releases 5,000 small ones); a whole entry is read from the manifest only for a part
    that is made. What this run changed is kept apart until `save_to` (a check changes
    nothing)."""

    def __init__(self, manifest) -> None:
        self.version = 0
        self._whole, self._listed = manifest.published, manifest.listed
        self._light: dict[str, dict] | None = None
        #: Key → the new entry, or None when it left.
        self.changed: dict[str, dict | None] = {}

    @property
    def light(self) -> dict[str, dict]:
        """Every entry as listed, read when first asked for: a part of a build in parts
        that makes no page of the site reads none (parts.py)."""
        if self._light is None:
            light = dict(self._listed.load())
            for key, record in self.changed.items():
                if record is None:
                    light.pop(key, None)
                else:
                    light[key] = listed(key, record)
            self._light = light
        return self._light

    def __setitem__(self, key: str, record: dict) -> None:
        self.version += 1
        self.changed[key] = record
        if self._light is not None:
            self._light[key] = listed(key, record)

    def pop(self, key: str) -> None:
        self.version += 1
        if self._light is not None:
            listed_now = self._light.pop(key, None) is not None
        else:
            listed_now = self.changed[key] is not None if key in self.changed \
                else key in self._listed
        if listed_now:
            self.changed[key] = None

    def values(self):
        return self.light.values()

    def whole(self, records) -> list[dict]:
        """The whole entries of these listed ones."""
        keys = [record[ENTRY] for record in records]
        # (Not kept: every archive page of a build of everything asks for its own.)
        stored = self._whole.fetched(key for key in keys if key not in self.changed)
        # (One the manifest cannot give is left out: it was damaged, and the next build
        # makes everything again.)
        return [found for key in keys
                if (found := self.changed.get(key) or stored.get(key)) is not None]

    def save_to(self, manifest) -> None:
        for key, record in self.changed.items():
            if record is None:
                manifest.published.pop(key, None)
                manifest.listed.pop(key, None)
            else:
                manifest.published[key] = record
                manifest.listed[key] = listed(key, record)
        self.changed = {}


class Run:
    """One build (or, `dry`, one check: everything made in memory, nothing written)."""

    def __init__(self, project, staleness: Staleness, report: Report,
                 on_outcome: Callable[[Outcome], None] = lambda o: None, *,
                 documents: list | None = None, channels: bool = False, final: bool = False,
                 force: bool = False, dry: bool = False,
                 on_progress: Callable[[Progress], None] = lambda p: None,
                 changed: set[str] | None = None, engine=None, part: bool = False,
                 site: bool = True):
        from .templating import make_environment

        self.project, self.staleness, self.report = project, staleness, report
        #: A setting process started before the project was read (`build(warm=True)`):
        #: it sets the pages of a small run, without this process importing the engine.
        self.engine_process = engine
        self.config = project.config
        self.on_outcome, self.final, self.force, self.dry = on_outcome, final, force, dry
        self.on_progress = on_progress
        self.env = make_environment(self.config.templates_dir)
        self.now = clock.now()
        self.documents = project.documents if documents is None else documents
        #: One part of a build of everything in parts (parts.py): the files
        #: outside its scope are another part's, and the site's pages are made with the
        #: last part (`site`), from every part's entries.
        self.part = part
        self.outputs = [o for o in OUTPUTS if (channels or o.scope == DOCUMENT)
                        and (site or o.scope != SITE)]
        self.packages = packages(project.documents) if channels else []
        self.channels = channels
        #: What happens to each package's public outputs in this run (publication.py).
        self.decisions: dict[str, Decision] = {}
        self.staging = Staging(self)
        self._families: tuple = (None, [], {})
        #: Shown paths of content files begin so.
        self.content_prefix = self.config.show(self.config.content_dir) + "/"
        #: The content files whose units this build looks at, when it is a build of what
        #: changed (`changed`: the files, from `Staleness.changed_files`); None: all.
        self.scope = self._scope(changed) if changed is not None and channels else None
        if channels and not dry:
            self._number_first_publications()
        #: Published releases whose content file was deleted: nothing of them goes.
        self.guarded = self._deleted_but_published() if channels and not dry else set()
        self._bodies: dict[str, object] = {}
        self._internal_of: dict | None = None
        #: Unit key → the files made of it in this run, while they are not written yet
        #: (a package's, until its family is written; everything, in a check). Once
        #: written, only their digests stay (`written`): memory does not grow with the
        #: number of releases, and what is needed again is read from disk.
        self.results: dict[str, dict[str, bytes]] = {}
        self.written: dict[str, dict[str, str]] = {}
        #: The keys of the units written in this run whose digests were saved and
        #: forgotten since (`checkpoint`): asked for again, they are read from the manifest.
        self.saved_units: set[str] = set()
        #: Unit keys that are current (not made again) and that failed in this run.
        self.current: set[str] = set()
        self.failed: set[str] = set()
        #: Packages whose files stay as they were (a document failed).
        self.kept: set[str] = set()
        self.published = _Records(staleness.manifest)
        #: Output name → (the `published` version, its parts): the shared pages' units
        #: are asked for several times a run; at thousands of releases each costs a sort.
        self._parts: dict[str, tuple[int, list]] = {}
        #: (The `published` version, its entries: the same list while none changes.)
        self._records: tuple[int, list[dict]] = (-1, [])
        #: Work that does not change what is made (reporting what this run does not look
        #: at, checking the files written): steps (generators that yield between parts of
        #: their work) done while the setting process sets the pages, which this process
        #: waits for anyway (`Worker.render(meanwhile=…)`), or after the engine.
        self._later: list[Iterator[None]] = []
        #: When this run last saved what it made (`checkpoint`), and whether it goes on
        #: doing so (not after a save failed: the last one says why).
        self._saved_at = time.perf_counter()
        self._checkpoints = not dry

    def _scope(self, changed: set[str]) -> set[str]:
        """The content files changed, and every document of each family they touch (a
        family is published whole); an approval counts for its document, an image for the
        units that showed it. Nothing else can be stale: the code, settings and templates
        are as the last complete build left them (else there is no scope)."""
        documents = self.project.documents
        approvals = self.config.show(self.config.approvals_dir) + "/"
        by_slug: dict[str, list[str]] = {}
        for d in documents:
            by_slug.setdefault(d.slug, []).append(d.display_path)
        hit: set[str] = set()
        for name in changed:
            if name.startswith(approvals):
                hit.update(by_slug.get(Path(name).stem, ()))
            else:
                hit.add(name)
        # What the files were part of at the last build (a briefing deleted or moved to
        # another release leaves its old package), and the units that showed an image.
        hit |= self.staleness.manifest.using(hit)

        def family(d) -> str:
            release = d.release or d
            return (release.original or release).display_path

        touched = {family(d) for d in documents
                   if d.display_path in hit or not hit.isdisjoint(d.links)}
        found = hit | {d.display_path for d in documents if family(d) in touched}
        # With what the last build made of them: a briefing of a touched release that is
        # refused now (another claimed its priority) is looked at, not reported current.
        return self.staleness.related(found)

    def in_scope(self, key: str) -> bool:
        return self.scope is None or key in self.scope

    def report_out_of_scope(self) -> Iterator[None]:
        """What a build of everything would say of the files it did not look at: every
        problem the last build reported of them (errors, notes of publication, warnings
        of their pages; at once: a save on the way replaces them), and their PDFs current.
        (Steps of a thousand PDFs: `later`.)"""
        manifest = self.staleness.manifest
        self.report.add(p for p in manifest.stored_problems()
                        if p.path.startswith(self.content_prefix) and not self.in_scope(p.path))
        return self._current_out_of_scope()

    def _current_out_of_scope(self) -> Iterator[None]:
        manifest = self.staleness.manifest
        # (A release's PDF and press kit name one content file: one text for both.)
        sources: dict[str, str] = {}
        for count, row in enumerate(manifest.rows(("pdf", "kit", "internkit")), start=1):
            if count % 1000 == 0:
                yield
            if self.in_scope(row.source):
                continue
            source = sources.setdefault(row.source, row.source)
            for name in row.names:
                outcome = Current(source, self.config.output_dir, name, row.pages,
                                  kit=row.output != "pdf")
                self.report.outcomes.append(outcome)
                self.on_outcome(outcome)

    # --- what output modules ask (outputs.Context) ----------------------------------------

    def body(self, document):
        """The document's Markdown body, made once per run for every output."""
        from .markup import render_body

        if document.display_path not in self._bodies:
            self._bodies[document.display_path] = render_body(
                document, self.config.quotes, self.config.content_dir)
        return self._bodies[document.display_path]

    def files(self, output: str, unit: str) -> dict[str, bytes]:
        key = unit_key(output, unit)
        if key in self.results:
            return self.results[key]
        entry = self.staleness.entry(output, unit)
        return {name: self._read(name) for name in (entry.files if entry else ())}

    def file(self, output: str, unit: str, name: str) -> bytes:
        found = self.results.get(unit_key(output, unit))
        return found[name] if found is not None and name in found else self._read(name)

    def has(self, output: str, package: Package) -> bool:
        """The package has this output in this run (a withdrawn release has no press kit, a
        refused one in a publication build none either)."""
        return output in package.release.type.outputs and \
            not self._left_out(OUTPUTS_BY_NAME[output], package)

    def _read(self, name: str) -> bytes:
        return b"" if self.dry else (self.config.output_dir / name).read_bytes()

    def public_packages(self) -> list[Package]:
        """The packages that may go out: an internal release or edition never does."""
        return [p for p in self.packages if not p.release.internal]

    def public_families(self) -> list[list[Package]]:
        """The public packages by family (made once per list of packages: they are
        replaced when numbers are given)."""
        if self._families[0] is not self.packages:
            found = families(self.public_packages())
            self._families = (self.packages, found,
                              {p.key: family for family in found for p in family})
        return self._families[1]

    def _family_of(self) -> dict[str, list[Package]]:
        """Package key → its family."""
        self.public_families()
        return self._families[2]

    def languages(self, package: Package) -> list[Package]:
        """The other language versions of a package (its original, its editions) that
        stand in the same place (public or held for review), the original first."""
        family = self._family_of().get(package.key, [package])
        where = self.state(package).folder
        return [p for p in family if p is not package and self.state(p).folder == where]

    def state(self, package: Package) -> State:
        # A check makes every page as if public: every template is tried.
        if self.dry:
            return State("öffentlich")
        decision = self.decisions.get(package.key)
        return decision.state if decision else State("entwurf")

    def records(self) -> list[dict]:
        if self._records[0] != self.published.version:
            self._records = (self.published.version, list(self.published.values()))
        return self._records[1]

    def whole(self, records) -> list[dict]:
        return self.published.whole(records)

    def versions(self, package: Package) -> list[dict]:
        """The log's publications and corrections of a package, oldest first."""
        return [e for e in self.project.register.entries(package.key)
                if e["aktion"] in (PUBLISHED, CORRECTED)]

    def earlier(self, package: Package) -> list[dict]:
        """The earlier versions of a corrected package, for its pages to link to."""
        found = self.versions(package)
        decision = self.decisions.get(package.key)
        if decision is None or decision.log != CORRECTED:
            found = found[:-1]
        return [{"href": f"../{package.slug}{VERSION_FOLDER}{number}/index.html",
                 "date": entry["zeit"][:10]}
                for number, entry in enumerate(found, start=1)]

    # --- the lifecycle ---------------------------------------------------------------------

    def _number_first_publications(self) -> None:
        """A release published for the first time gets its number before it is set."""
        register = self.project.register
        chosen = candidates([f for f in self.public_families()
                             if self.in_scope(f[0].key)], register, self.now)
        numbers = register.next_numbers([p.release for p in chosen])
        if not numbers:
            return
        everything = with_numbers(self.project.documents, numbers)
        by_path = {d.display_path: d for d in everything}
        self.documents = [by_path[d.display_path] for d in self.documents]
        # The project's too, in place (the build's selection may be the same list): the
        # documents as read are not kept beside their numbered copies (each document is
        # copied: it points to the numbered ones).
        self.project.documents[:] = everything
        self.packages = packages(everything)

    def _deleted_but_published(self) -> set[str]:
        register = self.project.register
        keys = register.keys()
        # The content files are there (no stat for each of thousands).
        read = self.project.present | self.project.blocked
        found = set()
        for key in sorted(keys - read):
            if register.published(key) and \
                    not os.path.exists(os.path.join(self.config.root, key)):
                number = register.number_of(key)
                shown = f" ({number.replace(chr(160), ' ')})" if number else ""
                self.report.add([Problem(key, None, (
                    f"ist veröffentlicht{shown} und kann nicht gelöscht werden: stellen Sie "
                    "die Datei wieder her (z. B. »git checkout -- " + key + "«) und ziehen "
                    "Sie die Mitteilung zurück: »zurückgezogen:« mit »datum« und »grund« "
                    "eintragen; ihre Dateien bleiben, wie sie sind"))])
                found.add(key)
        return found

    # --- the build ------------------------------------------------------------------------

    def make(self, failed: list[str], workers: int, vouch: bool, whole: bool) -> None:
        """`failed`: content files that failed before rendering; `whole`: every document is
        in this run, so the files of deleted ones go."""
        progress = self.report.progress
        progress.started = progress.started or time.perf_counter()
        # (`ahead`: what the parts still to come of a build in parts are expected to make.)
        progress.total = progress.done + len(failed) + progress.ahead + sum(
            len(self.units(o)) for o in self.outputs if o.scope != SITE)
        for display_path in failed:
            self.finish(Outcome(display_path))
        if self.scope is not None and not self.part:
            self._later.append(self.report_out_of_scope())
        complete = faulted = False
        try:
            self.engine(workers, [o for o in self.outputs if o.engine and not o.needs])
            self._catch_up()
            if whole:
                self.remove_orphans(self.outputs[:1])
            if self.channels:
                if not self.dry:
                    self.package_states()
                self.make_packages()
                for output in (o for o in self.outputs if o.scope == SITE and
                               (not o.engine or o.needs)):
                    if output.engine:  # set after what it needs (the site's entries)
                        self.engine(workers, [output])
                    else:
                        self.make_output(output)
                self.staging.commit()
                self.remove_orphans(self.outputs[1:])
            # A file the machine refused is not current: the next build must try it again.
            complete = vouch and not any(p.fault for p in self.report.problems)
        except MachineError:
            faulted = True
            raise
        finally:
            # Also when interrupted: the files written so far are recorded. A run stopped
            # by a fault before it wrote anything leaves the manifest as it was.
            self.report.problems.sort(key=problem_order)
            if not self.dry and (not faulted or self.staleness.changed):
                self.save(complete)

    def later(self, steps: Iterator[None]) -> None:
        """Do `steps` (a generator that yields between parts of its work) while the
        setting process sets the pages (or, in a pool, after them)."""
        self._later.append(steps)

    def _catch_up(self, ready: Callable[[], bool] = lambda: False) -> None:
        """Do the work that waited for pages being set (`_later`), a step at a time: until
        `ready` (the page is set: this process takes it and asks for the next one, and
        goes on meanwhile), else all of it."""
        while self._later:
            if next(self._later[0], _DONE) is _DONE:
                self._later.pop(0)
            elif ready():
                return

    def units(self, output: Output) -> list[tuple[str, object]]:
        """(key, unit) of every unit of `output` in this run."""
        # (In a build of what changed, the scope is asked first: it leaves a few.)
        if output.scope == DOCUMENT:
            return [(d.display_path, d) for d in self.documents
                    if self.in_scope(d.display_path) and output.name in d.type.outputs]
        if output.internal:  # a public release's kit with its internal documents
            return [(p.key, internal) for p in self.packages if self.in_scope(p.key)
                    and not p.release.internal
                    and (internal := self._with_internal(p)) is not None]
        if output.scope == PACKAGE:
            return [(p.key, p) for p in self.packages if self.in_scope(p.key)
                    and output.name in p.release.type.outputs and not self._left_out(output, p)]
        known = self._parts.get(output.name)
        if known is not None and known[0] == self.published.version:
            return known[1]
        module = output.load()
        records = self.records()
        parts = module.parts(records, self.config) if hasattr(module, "parts") else \
            [Part(SITE_UNIT, tuple(records))]
        found = [(part.key, part) for part in parts]
        self._parts[output.name] = (self.published.version, found)
        return found

    def _with_internal(self, package: Package) -> Package | None:
        """The package with the internal documents about its release (speaking notes, Q&A
        of the same edition), or None when there are none."""
        release = package.release
        if self._internal_of is None:
            self._internal_of = {}
            for d in self.documents:
                if d.internal and d.release is not None:
                    key = (d.release.display_path, d.language, d.easy)
                    self._internal_of.setdefault(key, []).append(d)
        found = self._internal_of.get((release.display_path, release.language, release.easy))
        return Package(release, [*package.members, *found], internal=True) if found else None

    def _left_out(self, output: Output, package: Package) -> bool:
        """A withdrawn release has no press kit or bundle any more; a publication build
        leaves no file of a draft or an unapproved text under a final name."""
        if output.name in ("kit", "bundle") and package.release.withdrawn:
            return True
        if package.release.internal:  # an internal release: its PDFs and kit, in intern/
            return output.name not in ("kit", "internkit")
        if not self.final or output.name not in ("kit", "mail", "bundle") or self.dry:
            return False
        register = self.project.register
        return any(register.refusal(d) for d in package.documents)

    def _numbers(self, unit) -> str:
        """The numbers its documents and their releases carry (speaking notes show their
        release's): one comes from the publication log, not from a content file, and
        changes what is printed."""
        return digest(repr([(d.number, d.release and d.release.number)
                            for d in _documents(unit)]).encode())[:16]

    def origin(self, unit) -> tuple[list[str], list[str], list[Path]]:
        """The content files a unit is made from, the files they take values from, and the
        images they used (as recorded with their PDFs)."""
        documents = _documents(unit)
        if not documents:
            return [], [], []
        sources = [d.display_path for d in documents]
        links = sorted({link for d in documents for link in d.links} - set(sources))
        images = []
        for source in sources:
            entry = self.staleness.entry("pdf", source)
            images += [self.config.root / i for i in entry.images] if entry else []
        return sources, links, sorted(set(images))

    # --- the engine's outputs: PDFs and press kits, in one pool ---------------------------

    def engine(self, workers: int, outputs: list[Output]) -> None:
        """Set the stale pages of these engine outputs in one pool of workers."""
        # The press kits first: the longest jobs start while the short ones fill in.
        pages = chain.from_iterable(self.stale_pages(o) for o in reversed(outputs))
        if self.dry:
            for _ in pages:
                pass
            return
        first = next(pages, None)
        if first is None:
            return
        from .setting import settings_for

        settings = settings_for(self.project, self.documents)
        kits = _Waiting()
        for job, produced in self._produce(chain([first], pages), settings, workers):
            job.made.page = None  # (set: a kit waiting for its documents keeps no HTML)
            job.outcome.problems += produced.problems
            job.outcome.seconds += produced.seconds
            self.report.peak_rss_kb[produced.worker] = max(
                produced.peak_rss_kb, self.report.peak_rss_kb.get(produced.worker, 0))
            if job.output.scope == PACKAGE:  # written when its documents all have their PDF
                kits.add(job, produced)
                continue
            if produced.ok:
                self.store(job, produced.data, produced.pages)
            else:
                self.failed.add(job.key)
            self.finish(job.outcome)
        for job, produced in kits:
            self.finish_kit(job, produced)

    def _produce(self, pages: Iterator, settings, workers: int) -> Iterator:
        """(job, Produced) for each page: a few on the setting process started before
        (one after another; the engine is already imported there, which a pool would
        first have to do here), more in a pool of `workers`."""
        worker = self.engine_process
        if worker is not None:
            few = list(islice(pages, FEW_PAGES + 1))
            if len(few) <= FEW_PAGES:
                if worker.settings != settings:
                    worker.setup(settings)
                return ((job, worker.render(page, meanwhile=self._catch_up))
                        for job, page in few)
            worker.stop()  # the pool's processes need its core
            self.engine_process = None
            pages = chain(few, pages)
        if workers > 1 and len(self.project.documents) >= CLEAN_WORKERS_FROM:
            from .setting import produce_clean

            return produce_clean(pages, settings, workers)
        from . import pdf

        return pdf.produce(pages, settings, workers)

    def stale_pages(self, output: Output) -> Iterator[tuple[_Job, tuple[str, str]]]:
        """The pages of the stale units of an engine output, one at a time; finishes the
        others (current, or failed before rendering) on the way."""
        module = output.load()
        for key, unit in self.units(output):
            began = time.perf_counter()
            outcome = Outcome(key, kit=output.scope == PACKAGE)
            templates = self.staleness.templates(*module.templates(unit, self))
            sources, links, images = self.origin(unit)
            entry = self.staleness.entry(output.name, key)
            inputs = self._inputs(output, unit, sources, links, templates, images)
            if not self.dry and self.staleness.reason(entry, inputs, self.force) is None:
                self.current.add(unit_key(output.name, key))
                (name,) = entry.files
                outcome.output, outcome.pages = self.config.output_dir / name, entry.pages
                outcome.problems, outcome.unchanged = entry.stored_problems(), True
                self.finish(outcome)
                continue
            made = self._made(output, module, unit, key)
            outcome.problems += made.problems
            if made.page is None:
                self.failed.add(unit_key(output.name, key))
                if outcome.problems or not outcome.kit:  # a kit of broken bodies: silent
                    self.finish(outcome)
                continue
            (name,) = module.files(unit)
            if self.dry:
                self.results[unit_key(output.name, key)] = {name: b""}
                self.report.add(made.problems)
                continue
            outcome.seconds = time.perf_counter() - began
            inputs = self._inputs(output, unit, sources, links, templates, made.images)
            job = _Job(output, unit, key, inputs, templates, made, outcome, name, sources, links)
            yield job, made.page

    def _inputs(self, output: Output, unit, sources: list[str], links: list[str],
                 templates: list[str], images: list[Path]) -> dict:
        """An engine unit's inputs: its files, its numbers, and what it has from the
        outputs it needs (the weekly preview: its week's entries)."""
        inputs = self.staleness.inputs(sources, links, templates, images)
        inputs["nummer"] = self._numbers(unit)
        if output.needs:
            inputs |= self.derived(output, unit)
        return inputs

    def _made(self, output: Output, module, unit, key: str) -> Made:
        """`module.make(unit)`; a fault of the machine or a bug fails only this unit."""
        try:
            return module.make(unit, self)
        except OSError as exc:
            return Made(problems=[Problem(self.paths_show(getattr(exc, "filename", None)),
                                          None, f"kann nicht gelesen werden: {cause_of(exc)}",
                                          fault=True)])
        except (MachineError, RecordError, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug: reported with its report file, the others go on
            return Made(problems=[bugs.problem(key or "output/", exc,
                                               f"Ausgabe {output.name}")])

    def paths_show(self, name) -> str:
        return self.config.show(Path(name)) if name else "output/"

    def finish_kit(self, job: _Job, produced) -> None:
        """A press kit is written only when every document of its package has its PDF."""
        package = job.unit
        missing = [d for d in package.documents if not self.ok(unit_key("pdf", d.display_path))]
        if missing or unclaimed(package):  # a kit of part of a package is not written
            self.failed.add(unit_key("kit", job.key))
            return
        # The kit's own problems only: its documents' were reported with their PDFs.
        job.outcome.problems = [p for p in job.outcome.problems
                                if p.fault or p.bug or p.path.startswith("templates")
                                or not produced.ok]
        if produced.ok:
            self.store(job, produced.data, produced.pages)
        else:
            self.failed.add(unit_key("kit", job.key))
        self.finish(job.outcome)

    def store(self, job: _Job, data: bytes, pages: int) -> None:
        """Write an engine unit's file and record it."""
        name = job.name
        target = self.config.output_dir / name
        if not self.write(target, data, job.outcome.problems):
            self.failed.add(unit_key(job.output.name, job.key))
            return
        job.outcome.output, job.outcome.pages = target, pages
        own = [[p.line, p.message, p.severity.value] for p in job.outcome.problems
               if p.path == job.key]
        self.written[unit_key(job.output.name, job.key)] = {name: digest(data)}
        self.staleness.record(Entry(
            job.output.name, job.key, job.inputs, {name: [digest(data), len(data)]}, pages,
            job.sources, [self.config.show(i) for i in job.made.images], own, job.links,
            job.templates))

    def finish(self, outcome: Outcome) -> None:
        if not outcome.ok and not outcome.kit:
            self.earlier_files(outcome)
        self.report.add(outcome.problems)
        self.report.outcomes.append(outcome)
        self.report.progress.tick(made=not outcome.unchanged)
        self.on_outcome(outcome)
        self.on_progress(self.report.progress)
        self.checkpoint()

    def checkpoint(self) -> None:
        """Save what was made so far, as an interrupted run does (vouching for nothing),
        once a minute or once `CHECKPOINT_UNITS` units are recorded; then forget what was
        saved. (Not while files of a package wait to be written: `make_packages` asks
        between families.)"""
        if not self._checkpoints or (
                len(self.staleness.manifest.units.dirty) < CHECKPOINT_UNITS and
                time.perf_counter() - self._saved_at < CHECKPOINT_SECONDS):
            return
        self._checkpoints = self.save(False)
        self._saved_at = time.perf_counter()
        if not self._checkpoints:
            return
        self.staleness.evict()
        self.saved_units.update(self.written)
        self.written = {}

    def earlier_files(self, outcome: Outcome) -> None:
        """A document failed: its PDF from an earlier build is out of date. A publication
        build must not leave it (a draft's PDF under the final name)."""
        entry = self.staleness.entry("pdf", outcome.display_path)
        if entry is None or not entry.files:
            return
        (name,) = entry.files
        target = self.config.output_dir / name
        if not target.exists():
            return
        if not self.final or any(p.fault for p in outcome.problems):
            outcome.stale = target
            return
        try:
            target.unlink()
            self.staleness.digests.forget(target)
        except OSError as exc:
            outcome.problems.append(Problem(self.config.show(target), None, (
                f"abgelehnt, aber die Datei eines früheren Laufs kann nicht gelöscht "
                f"werden: {cause_of(exc)}; löschen Sie sie von Hand"), fault=True))
            return
        outcome.withdrawn = target
        self.staleness.forget(entry)

    # --- the other outputs, in the order of the table -------------------------------------

    def package_states(self) -> None:
        """For each release with its editions: publish, hold for review, keep as published
        or withdraw (publication.py); and when the next one falls due."""
        expires = []
        for package in self.packages:  # internal: never published, no number or log
            if package.release.internal:
                self.decisions[package.key] = Decision(REVIEW, State("intern"))
        for family in self.public_families():
            if not self.in_scope(family[0].key):
                continue
            for key, decision in decide(family, self.project.register, self.now, self.missing,
                                        self.final).items():
                self.decisions[key] = decision
                self.report.add(decision.problems)
                if decision.action == KEEP:
                    self.kept.add(key)
                # Whenever a decision would change by the clock, the next build looks at
                # everything (not only at what changed).
                until = decision.state.until
                if until and until > self.now:
                    expires.append(until.astimezone(dt.UTC))
        self.kept |= self.guarded
        earlier = self.staleness.manifest.expires
        if self.scope is not None and earlier:  # the families not looked at keep theirs
            expires.append(dt.datetime.fromisoformat(earlier).astimezone(dt.UTC))
        self.staleness.manifest.expires = min(expires).isoformat() if expires else None
        self.staleness.changed = True

    def missing(self, package: Package) -> list[str]:
        """Why a package is not whole (German), or nothing."""
        why = []
        lacking = [d.display_path for d in package.documents
                   if not self.ok(unit_key("pdf", d.display_path))]
        if lacking:
            why.append(f"{', '.join(lacking)} kein aktuelles PDF hat")
        kit = OUTPUTS_BY_NAME["kit"]
        if "kit" in package.release.type.outputs and not self._left_out(kit, package) and \
                not self.ok(unit_key("kit", package.key)) and not lacking and \
                not unclaimed(package):
            why.append("die Pressemappe nicht gesetzt werden konnte")
        # Cheaply, from the text: an image without a "title" has no credit (markup.py
        # names it with its line).
        uncredited = [d.display_path for d in package.documents
                      if d.display_path not in lacking and _UNCREDITED.search(d.body)]
        if uncredited:
            why.append(f"{', '.join(uncredited)} ein Bild ohne Bildnachweis hat")
        if open_ := unclaimed(package):
            why.append(f"Priorität {', '.join(f'»{k}«' for k in open_)} keine "
                       "Hintergrundinformation hat")
        return why

    def ok(self, key: str) -> bool:
        return key in self.current or key in self.results or key in self.written or \
            key in self.saved_units

    def make_packages(self) -> None:
        """The package outputs (web pages, e-mail, bundle), family by family: each family
        is written whole (or kept as it was) before the next is made, so that a build of
        thousands holds one family's files in memory at a time."""
        outputs = [o for o in self.outputs if o.scope == PACKAGE and not o.engine]
        modules = {o.name: o.load() for o in outputs}
        units = {o.name: dict(self.units(o)) for o in outputs}
        by_family: dict[str, list[Package]] = {}
        for package in self.packages:
            by_family.setdefault(self.staging.family(package), []).append(package)
        for _, family in sorted(by_family.items()):
            for output in outputs:
                for package in family:
                    unit = units[output.name].get(package.key)
                    if unit is not None:
                        made = self.make_unit(output, modules[output.name], package.key, unit)
                        self.report.progress.tick(made)
                        self.on_progress(self.report.progress)
            self.staging.commit()
            # Its bodies are not asked for again (the site's pages list entries): a build
            # of thousands does not hold every release's text to its end.
            for package in family:
                for document in package.documents:
                    self._bodies.pop(document.display_path, None)
            self.checkpoint()

    def make_output(self, output: Output) -> None:
        module = output.load()
        for key, unit in self.units(output):
            made = self.make_unit(output, module, key, unit)
            if output.scope != SITE:
                self.report.progress.tick(made)
                self.on_progress(self.report.progress)

    def make_unit(self, output: Output, module, key: str, unit) -> bool:
        """Make one unit of a non-engine output if it is stale; whether it was made."""
        if isinstance(unit, Package) and not self.ready(output, unit):
            self.kept.add(unit.key)
            return False
        templates = self.staleness.templates(*module.templates(unit, self))
        sources, links, images = self.origin(unit)
        inputs = self.staleness.inputs(sources, links, templates, images)
        inputs["nummer"] = self._numbers(unit)
        inputs |= self.derived(output, unit)
        entry = self.staleness.entry(output.name, key)
        if not self.dry and self.staleness.reason(entry, inputs, self.force) is None:
            self.current.add(entry.key)
            self.report.channel_unchanged += len(entry.files)
            return False
        made = self._made(output, module, unit, key)
        if self.dry:
            self.report.add(p for p in made.problems if p.path.startswith("templates"))
            self.results[unit_key(output.name, key)] = made.files
            if made.record is not None:
                self.published[unit.key] = made.record
            return True
        self.report.add(made.problems)
        if made.failed:
            self.failed.add(unit_key(output.name, key))
            if isinstance(unit, Package):
                self.kept.add(unit.key)
            return True
        if isinstance(unit, Package):  # written with the rest of its family
            self.results[unit_key(output.name, key)] = made.files
            self.staging.add(output, key, unit, made, inputs, templates, entry)
        else:
            self.store_files(output, key, unit, made, inputs, templates, entry)
        return True

    def ready(self, output: Output, package: Package) -> bool:
        """Everything the output needs of this package is current or made in this run."""
        if package.key in self.kept:
            return False
        return self.dry or all(self.ok(key) for key in self.needed(output, package))

    def needed(self, output: Output, package: Package) -> list[str]:
        """The units of other outputs a package's unit is made from."""
        made_for = package.release.type.outputs
        return [key for need in output.needs if need in made_for
                and not self._left_out(OUTPUTS_BY_NAME[need], package)
                for key in ([unit_key(need, d.display_path) for d in package.documents]
                            if need == "pdf" else [unit_key(need, package.key)])]

    def derived(self, output: Output, unit) -> dict:
        """The inputs a unit has from other outputs: the files it is made from, whether its
        package is public yet, the site's list of public packages."""
        digests = self.staleness.digests
        if isinstance(unit, Part):  # a part of the site (a year, a week)
            derived = {"records": digests.combine(unit.shape, *(
                record_fingerprint(r) for r in unit.records))}
            # The site's outputs it is made from (the weekly page: the weeks' PDFs).
            found = [f"{name}:{sha}" for need in output.needs
                     if OUTPUTS_BY_NAME[need].scope == SITE
                     for key, _ in self.units(OUTPUTS_BY_NAME[need])
                     for name, sha in self._digests(unit_key(need, key)).items()]
            if found:
                derived["upstream"] = digests.combine(*sorted(found))
            return derived
        found = [f"{name}:{sha}" for key in self.needed(output, unit)
                 for name, sha in self._digests(key).items()]
        derived = {"upstream": digests.combine(*sorted(found))}
        if output.public:
            held = self.state(unit)
            derived["state"] = f"{held.name}:{held.until.isoformat() if held.until else ''}"
            derived["languages"] = digest(repr([(p.key, [d.slug for d in p.documents])
                                                for p in self.languages(unit)]).encode())
        return derived

    def _digests(self, key: str) -> dict[str, str]:
        if key in self.results:
            return {name: digest(data) for name, data in self.results[key].items()}
        if key in self.written:
            return self.written[key]
        entry = self.staleness.manifest.units.get(key)
        return {name: sha for name, (sha, _size) in entry.files.items()} if entry else {}

    def store_files(self, output: Output, key: str, unit, made: Made, inputs: dict,
                    templates: list[str], entry: Entry | None) -> None:
        """Write the files whose bytes changed, remove those no longer made, record."""
        output_dir, problems = self.config.output_dir, []
        files: dict[str, list] = {}
        before = entry.files if entry else {}
        for name, data in sorted(made.files.items()):
            sha = digest(data)
            if before.get(name, [None])[0] == sha and \
                    self.staleness.digests.file(output_dir / name) == sha:
                self.report.channel_unchanged += 1
            elif self.write(output_dir / name, data, problems):
                self.report.channel_written.append(self.config.show(output_dir / name))
            else:  # recorded as missing: the next build tries again
                sha = ""
            files[name] = [sha, len(data)]
        self.report.add(problems)
        for name in sorted(set(before) - set(files)):
            self.remove(entry, name, "nicht mehr erzeugt", problems)
        self.report.add(problems)
        sources, links, images = self.origin(unit)
        self.written[unit_key(output.name, key)] = {n: sha for n, (sha, _) in files.items()}
        self.staleness.record(Entry(output.name, key, inputs, files, 0, sources,
                                    [self.config.show(i) for i in images], [], links,
                                    templates))

    # --- files ----------------------------------------------------------------------------

    def write(self, target: Path, data: bytes, problems: list[Problem]) -> bool:
        """Write the file atomically; a machine fault keeps the old file and is a problem."""
        try:
            write_atomically(target, data)
            self.staleness.digests.wrote(target, digest(data))
            return True
        except OSError as exc:
            problems.append(Problem(
                self.config.show(target), None,
                f"kann nicht geschrieben werden ({len(data) // 1024 + 1} kB): {cause_of(exc)}; "
                "die bisherige Datei bleibt unverändert", fault=True))
            return False

    def remove(self, entry: Entry, name: str, why: str | None,
               problems: list[Problem]) -> bool:
        """Delete a file this tool wrote (unless someone changed it since); empty folders it
        leaves in output/ go too."""
        output = self.config.output_dir
        target = output / name
        try:
            if self.staleness.digests.file(target) == entry.files[name][0]:
                target.unlink()
                self.staleness.digests.forget(target)
                if why:
                    self.report.removed.append((self.config.show(target), why))
                folder = target.parent
                while folder != output and not any(folder.iterdir()):
                    folder.rmdir()
                    folder = folder.parent
        except OSError as exc:
            problems.append(Problem(self.config.show(target), None,
                                    f"kann nicht gelöscht werden: {cause_of(exc)}", fault=True))
            return False
        return True

    def remove_orphans(self, outputs: Iterable[Output]) -> None:
        """The units of `outputs` this run did not have: their content file was deleted (or
        is no longer of a type that makes them). Files of content files that failed stay."""
        names = {o.name for o in outputs}
        present = {unit_key(o.name, key) for o in outputs for key, _ in self.units(o)}
        keep = self.project.blocked | self.kept | self.guarded
        manifest = self.staleness.manifest
        site = {o.name for o in outputs if getattr(o, "scope", None) == SITE}
        if self.scope is None:  # (the units' rows: only those left are read whole)
            gone = [row.key for row in manifest.rows(names) if row.key not in present]
            manifest.units.many(gone)
            left = [e for key in gone if (e := manifest.units.get(key)) is not None]
        else:  # a build of what changed: the units of the files it looked at
            left = [e for e in manifest.of_sources(self.scope, site)
                    if e.output in names and e.key not in present]
        # A file a present unit now owns stays (a content file moved to another folder
        # keeps its name, and its outputs theirs).
        leaving = {name for entry in left for name in entry.files}
        owned = {name for row in manifest.rows(names) if row.key in present
                 for name in row.names if name in leaving} if leaving else set()
        for entry in sorted(left, key=lambda e: e.key):
            if entry.source in keep:
                continue
            of_site = getattr(OUTPUTS_BY_NAME.get(entry.output), "scope", None) == SITE
            if not of_site and not self.in_scope(entry.source):
                continue  # not looked at in this build of what changed
            gone = not of_site and not (self.config.root / entry.source).exists()
            why = "Inhaltsdatei gelöscht" if gone else "nicht mehr erzeugt"
            problems: list[Problem] = []
            removed = [name in owned or self.remove(entry, name, why, problems)
                       for name in sorted(entry.files)]
            self.report.add(problems)
            if all(removed):
                self.staleness.forget(entry)
                if entry.output == LISTING:
                    self.published.pop(entry.source)

    def save(self, complete: bool) -> bool:
        """Write the manifest; whether it could be (else a problem says why)."""
        try:
            outcomes = self.report.outcomes
            self.published.save_to(self.staleness.manifest)
            failed_units = {key.partition(":")[2] for key in self.failed}
            self.staleness.save(self.report.problems, {o.display_path for o in outcomes
                                                       if not o.ok and not o.kit} |
                                {k for k in failed_units if k.startswith(self.content_prefix)},
                                {o.display_path for o in outcomes}, complete, self.channels,
                                [(o.display_path, o.kit) for o in outcomes if not o.ok])
        except OSError as exc:
            self.report.add([Problem(
                self.config.show(self.config.manifest), None,
                f"kann nicht gespeichert werden: {cause_of(exc)}; die alte Fassung bleibt, der "
                "nächste Lauf setzt die betroffenen Dokumente erneut", fault=True)])
            return False
        return True
