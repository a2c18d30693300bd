"""What is stale, and why: fingerprints of every input and the manifest in output/.

The manifest (`output/.briefing-manifest`) records, for every unit of every output
(a document's PDF, a package's web pages, the site's archive), the content files it came
from, the fingerprint of each kind of input it was made from and the hash of every file it
wrote. A unit is made again only when one of its inputs changed: its content files, the
files they take values from (a briefing's release, a translation's original), the
templates it uses, the shared template assets (CSS, fonts, mark), its images,
`briefing.toml`, the hyphenation exceptions, briefing's own code or the versions of the
libraries that shape the output, the files of other outputs it is made from, or whether
its release is public yet. Because the inputs are kept by kind, the answer says why (`REASONS`).

A project-wide fingerprint lets a build with no change at all finish without parsing any
content or importing WeasyPrint. This module imports nothing heavy on purpose.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import marshal
import os
import struct
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from .errors import Problem, Severity
from .files import as_recorded, bulk_read, key_of, stat_key, write_atomically
from .paths import Paths

FORMAT = 9
#: Libraries whose version can change the bytes of an output.
SHAPING_LIBRARIES = ("weasyprint", "pyphen", "pydyf", "tinycss2", "fonttools", "markdown",
                     "pymdown_extensions",
                     "jinja2", "babel", "pyyaml", "tinyhtml5", "cssselect2")

#: In a unit's inputs: marked to be made again (`Staleness.force_all`).
FORCED = "erzwungen"

#: Why an output is made again, in German; the first changed kind of input is named.
REASONS = {
    "new": "noch nicht erstellt",
    "forced": "Neubau erzwungen (--force)",
    "output": "Ausgabedatei fehlt oder wurde verändert",
    "content": "Inhaltsdatei geändert",
    "links": "zugehörige Pressemitteilung oder Original geändert",
    "images": "Bild geändert",
    "templates": "Vorlage geändert",
    "assets": "Stil, Schrift oder Bildmarke in templates/ geändert",
    "config": "briefing.toml geändert",
    "hyphenation": "Silbentrennliste geändert",
    "code": "briefing oder eine Bibliothek wurde aktualisiert",
    "upstream": "ein PDF oder eine Seite, aus der es entsteht, hat sich geändert",
    "state": "Sperrfrist abgelaufen, Entwurf oder Freigabe geändert",
    "records": "eine Pressemitteilung der Website hat sich geändert",
    "nummer": "Nummer bei der Veröffentlichung vergeben",
}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Digests:
    """File hashes, each file read once per run; a file whose size, times and inode are as
    the last run saw them is not read again (`known`, kept in the manifest): with thousands
    of releases, a build must not hash every output it once wrote to learn that nothing
    changed. (A file rewritten in place within one tick of the clock with the same size
    would be missed; editors and briefing itself replace files, which changes the inode.)"""

    def __init__(self, known: dict[str, list] | None = None):
        # Keyed by the path as text: with thousands of files, Path objects cost more than
        # the hashing they would save.
        self._cache: dict[str, str] = {}
        #: `shown:digest` of each file: a thousand units name the same templates.
        self._named: dict[str, str] = {}
        self.known = known if known is not None else {}
        #: What this run saw: path → [size, mtime_ns, ctime_ns, inode, SHA-256].
        self.seen: dict[str, list] = {}
        #: Files this run removed.
        self.gone: set[str] = set()
        #: Files this run read to hash (not known by their record, or changed since).
        self.read: set[str] = set()

    def file(self, path: str | Path) -> str:
        name = os.fspath(path)
        found = self._cache.get(name)
        if found is None:
            found = self._cache[name] = self._hash(name)
        return found

    def _hash(self, name: str) -> str:
        try:
            found = os.stat(name)
        except OSError:
            return "fehlt"
        known = self.seen.get(name) or self.known.get(name)
        if known is not None and as_recorded(found, known):
            self.seen[name] = known
            return known[4]
        key = key_of(found)
        try:
            with open(name, "rb") as file:
                sha = digest(file.read())
        except OSError:
            return "fehlt"
        self.seen[name] = [*key, sha]
        self.read.add(name)
        return sha

    def wrote(self, path: str | Path, sha: str) -> None:
        """briefing itself just wrote `path` with this content."""
        name = os.fspath(path)
        self.gone.discard(name)  # removed earlier in this run, and written again
        self._cache.pop(name, None)
        self._named.pop(name, None)
        key = stat_key(name)
        if key is not None:
            self.seen[name] = [*key, sha]

    def forget(self, path: str | Path) -> None:
        name = os.fspath(path)
        self._cache.pop(name, None)
        self._named.pop(name, None)
        self.seen.pop(name, None)
        self.gone.add(name)

    def combine(self, *parts: str) -> str:
        return digest("\n".join(parts).encode())

    def files(self, paths: Paths, files: Iterable[str | Path]) -> str:
        """`combine` of `shown path:digest` of each file."""
        root = f"{paths.root}{os.sep}"
        parts = []
        for path in files:
            name = os.fspath(path)
            named = self._named.get(name)
            if named is None:
                shown = name[len(root):] if name.startswith(root) and ".." not in name \
                    else paths.show(Path(name))
                named = self._named[name] = f"{shown}:{self.file(name)}"
            parts.append(named)
        return self.combine(*parts)


@cache
def library_versions() -> list[str]:
    """`name==version` of each shaping library, read from the names of the installed
    `*.dist-info` folders (importlib.metadata would cost a third of a no-op build). Once
    per process: a long-lived preview does not list sys.path on every save."""
    wanted = {name.replace("-", "_") for name in SHAPING_LIBRARIES}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                dist, _, version = name.removesuffix(".dist-info").partition("-")
                key = dist.replace("-", "_").replace(".", "_").lower()
                if key in wanted:
                    found.setdefault(key, version)
    return [f"{name}=={found.get(name, 'fehlt')}" for name in sorted(wanted)]


def _files_under(folder: Path) -> list[str]:
    """Every file under `folder`, as absolute paths in text, sorted (symbolic links to
    folders are not followed)."""
    found: list[str] = []
    for base, _folders, names in os.walk(folder):
        found += [os.path.join(base, name) for name in names]
    return sorted(found)


@dataclass
class Entry:
    """One unit of one output as the last build made it: what from, and the files."""

    #: The output (`outputs.OUTPUTS`) and its unit: a document's content file, a package's
    #: release content file, or "" for the site.
    output: str
    source: str
    inputs: dict[str, str]
    #: File name (relative to output/) → [SHA-256, size in bytes].
    files: dict[str, list] = field(default_factory=dict)
    pages: int = 0
    #: The content files it is made from (the document, or a package's documents).
    sources: list[str] = field(default_factory=list)
    #: Images it used (relative to the project): while its content files are unchanged
    #: they are the same, so an unchanged unit is recognised unparsed.
    images: list[str] = field(default_factory=list)
    #: Its warnings and notes from that build, as (line, message, severity), to report
    #: again when it is not made again.
    problems: list[list] = field(default_factory=list)
    #: The content files it takes values from (a briefing's release, an edition's
    #: original; `Document.links`), and the templates it used.
    links: list[str] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return unit_key(self.output, self.source)

    def stored_problems(self) -> list[Problem]:
        return [Problem(self.source, line, message, Severity(kind))
                for line, message, kind in self.problems]


def unit_key(output: str, source: str) -> str:
    return f"{output}:{source}"


#: The manifest file's records: a whole state, or what changed since the one before.
SNAPSHOT, CHANGES = "stand", "änderungen"
#: Below this size (bytes) a manifest is written whole each time: that costs nothing.
SMALL_MANIFEST = 1 << 20
_FRAME = struct.Struct("<QI")


def framed(record: tuple) -> bytes:
    """A record as written: its length and CRC-32, then its bytes."""
    data = marshal.dumps(record)
    return _FRAME.pack(len(data), zlib.crc32(data)) + data


def read_records(data: bytes) -> Iterator[tuple[tuple, int]]:
    """Each whole record in `data` and where it ends; a record cut short ends them."""
    view, position = memoryview(data), 0
    while position + _FRAME.size <= len(data):
        length, crc = _FRAME.unpack_from(data, position)
        start, end = position + _FRAME.size, position + _FRAME.size + length
        # (A tail of zeros, as a power cut can leave, reads as an empty record.)
        if length == 0 or end > len(data) or zlib.crc32(view[start:end]) != crc:
            return
        try:
            record = marshal.loads(view[start:end])
        except (ValueError, EOFError, TypeError):
            return
        yield record, end
        position = end


def _as_tuple(entry: Entry, same: dict | None = None) -> tuple:
    """An entry as written. `same`: a fingerprint many units share (code, configuration,
    a release's content) and a list of templates are made one object first, so that
    marshal writes it once and reads it back shared."""
    inputs, templates = entry.inputs, entry.templates
    if same is not None:
        inputs = {kind: same.setdefault(f, f) for kind, f in inputs.items()}
        templates = same.setdefault(tuple(templates), list(templates))
    return (entry.output, entry.source, inputs, entry.files, entry.pages, entry.sources,
            entry.images, entry.problems, entry.links, templates)


@dataclass
class Manifest:
    #: The project fingerprint of the last complete, plain build; None otherwise.
    project: str | None = None
    problems: list[list] = field(default_factory=list)
    #: `unit_key` → what that unit was made from, and its files.
    units: dict[str, Entry] = field(default_factory=dict)
    #: Content files that failed in the last build (their files above are out of date),
    #: with the digest of the content file then: a changed file may be fixed.
    failed: dict[str, str] = field(default_factory=dict)
    #: When the earliest held-back embargo ends (ISO time): from then on, a build has
    #: something to do even if no file changed (the release goes on the web).
    expires: str | None = None
    #: Package key → its entry in the site's lists (archive, feed, JSON), for every
    #: package on the public web: the site is made from these, not from every release.
    published: dict[str, dict] = field(default_factory=dict)

    #: File path → [size, mtime_ns, ctime_ns, inode, SHA-256] when last hashed (`Digests`).
    stats: dict[str, list] = field(default_factory=dict)
    #: What every unit depends on besides its own files (`Staleness.basis`), and the
    #: publication log as that build left it, at the last build that vouched for the
    #: project.
    basis: str | None = None
    log: str | None = None

    #: The manifest file's own `files.stat_key` when loaded: reloaded only if changed.
    loaded: list | None = None
    #: As last read or written (references, not copies): what a save appends is what
    #: differs from them. Bytes of the snapshot, of the records after it, and the file's
    #: length up to its last whole record.
    _saved: tuple | None = None
    _sizes: tuple = (0, 0, 0)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """The last build's manifest; an empty one when missing, unreadable or old. The
        file is a snapshot followed by the changes of later builds (`save`); a record cut
        short by a crash ends it (each carries its length and CRC)."""
        try:
            with open(path, "rb") as file:
                stat = os.fstat(file.fileno())
                data = file.read()
            with bulk_read():
                records = list(read_records(data))
                if not records or records[0][0][0] != SNAPSHOT or records[0][0][1] != FORMAT:
                    return cls()
                whole = len(records)
                while True:  # a record that cannot be applied ends them, as a cut one does
                    try:
                        manifest = cls._built([record for record, _ in records[:whole]])
                        break
                    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
                        if whole == 1:
                            return cls()
                        whole -= 1
            snapshot, end = records[0][1], records[whole - 1][1]
            manifest.loaded = key_of(stat)
            manifest._remember((snapshot, end - snapshot, end))
            if whole < len(records):
                manifest._saved = None  # written whole next time
            return manifest
        except OSError:
            return cls()

    @classmethod
    def _built(cls, records: list[tuple]) -> Manifest:
        (_, _, project, problems, units, failed, expires, published, stats, basis,
         log) = records[0]
        units = {unit_key(u[0], u[1]): Entry(*u) for u in units}
        manifest = cls(project, problems, units, dict(failed), expires, dict(published),
                       dict(stats), basis, log)
        for record in records[1:]:
            manifest._apply(record)
        return manifest

    def _apply(self, record: tuple) -> None:
        if record[0] != CHANGES:
            raise ValueError(record[0])
        (_, self.project, self.problems, self.failed, self.expires, self.basis, self.log,
         units, gone_units, stats, gone_stats, published, gone_published) = record
        for unit in units:
            self.units[unit_key(unit[0], unit[1])] = Entry(*unit)
        for key in gone_units:
            self.units.pop(key, None)
        self.stats.update(stats)
        for name in gone_stats:
            self.stats.pop(name, None)
        self.published.update(published)
        for key in gone_published:
            self.published.pop(key, None)

    def _remember(self, sizes: tuple) -> None:
        self._saved = (dict(self.units), dict(self.stats), dict(self.published))
        self._sizes = sizes

    def unchanged_on_disk(self, path: Path) -> bool:
        """The file is still the one this manifest was loaded from."""
        return self.loaded == stat_key(path)

    def save(self, path: Path, touched: tuple[Iterable[str], Iterable[str]] | None = None
             ) -> None:
        """Append what changed since the last save to the file; write a new snapshot
        instead when there is none to append to (or another run wrote it since), when
        it is small, or when the changes have grown to a quarter of it. At thousands of
        releases the snapshot is tens of megabytes and a correction changes a few dozen
        entries. marshal, not JSON: it reads and writes several times faster. The file
        is briefing's own record in output/, read by no one else. `touched`: the keys of
        the units and of the file records that may have changed since it was loaded (all
        the others are as they were), so that not every one of thousands is compared."""
        snapshot, journal, valid = self._sizes
        record = None
        if self._saved is not None and snapshot >= SMALL_MANIFEST and \
                self.unchanged_on_disk(path):
            record = framed(self._changes(touched))
            if journal + len(record) > snapshot // 4:
                record = None  # as much changed as a new snapshot costs: one
        if record is None:
            record = framed(self._snapshot())
            write_atomically(path, record)
            sizes = (len(record), 0, len(record))
            with contextlib.suppress(OSError):  # the JSON manifest of earlier versions
                os.remove(path.with_name(".briefing-manifest.json"))
        else:
            with open(path, "r+b") as file:
                try:
                    file.seek(valid)  # over what a crash may have left after the last record
                    file.write(record)
                    file.truncate()
                    file.flush()
                    os.fsync(file.fileno())
                except OSError:  # the machine refused (disk full): the old records stay
                    with contextlib.suppress(OSError):
                        file.truncate(valid)
                    raise
            sizes = (snapshot, journal + len(record), valid + len(record))
        self._remember(sizes)
        self.loaded = stat_key(path)

    def _snapshot(self) -> tuple:
        same: dict = {}
        units = [_as_tuple(entry, same) for entry in self.units.values()]
        return (SNAPSHOT, FORMAT, self.project, self.problems, units, self.failed,
                self.expires, self.published, self.stats, self.basis, self.log)

    def _changes(self, touched: tuple[Iterable[str], Iterable[str]] | None = None) -> tuple:
        units, stats, published = self._saved
        # What is not the same object and not equal (inline: every record of an archive).
        # (In the order of the units: the manifest read back has them in the same order.)
        if touched is None:
            unit_keys = [*self.units, *(k for k in units if k not in self.units)]
            stat_keys = [*self.stats, *(k for k in stats if k not in self.stats)]
        else:
            unit_keys, stat_keys = list(dict.fromkeys(touched[0])), \
                list(dict.fromkeys(touched[1]))
        changed = [_as_tuple(entry) for key in unit_keys
                   if (entry := self.units.get(key)) is not None
                   and (before := units.get(key)) is not entry and before != entry]
        return (CHANGES, self.project, self.problems, self.failed, self.expires, self.basis,
                self.log, changed,
                [key for key in unit_keys if key in units and key not in self.units],
                {k: v for k in stat_keys if (v := self.stats.get(k)) is not None
                 and (before := stats.get(k)) is not v and before != v},
                [k for k in stat_keys if k in stats and k not in self.stats],
                {k: v for k, v in self.published.items()
                 if (before := published.get(k)) is not v and before != v},
                [k for k in published if k not in self.published])

    def stored_problems(self) -> list[Problem]:
        return [Problem(path, line, message, Severity(kind))
                for path, line, message, kind in self.problems]

    def file_names(self) -> dict[str, Entry]:
        """Every file briefing wrote (relative to output/) → the unit that wrote it."""
        return {name: entry for entry in self.units.values() for name in entry.files}


def outputs_checked(paths: Paths) -> tuple:
    """For a process beside the build (`setting.Worker`, on another core): the manifest's
    `stat_key` as read, the keys of the units whose files are not as written, the
    records of the files hashed on the way (`Staleness.changed_files`), and no names
    (`quick.outputs_checked` gives those instead of the keys)."""
    staleness = Staleness(paths)
    damaged = [entry.key for entry in staleness.not_intact()]
    return staleness.manifest.loaded, damaged, staleness.digests.seen, []


class Staleness:
    """Answers, for any unit of any output, whether it is current and if not, why; and
    records what was made. One per run: every file is hashed once."""

    def __init__(self, paths: Paths, manifest: Manifest | None = None,
                 templates: dict[str, list[str]] | None = None):
        self.paths = paths
        self.manifest = manifest if manifest is not None else Manifest.load(paths.manifest)
        self.digests = Digests(self.manifest.stats)
        self._code: str | None = None
        self._project: str | None = None
        #: Template closures; a long-lived caller (the preview) keeps them between runs.
        self._templates: dict[str, list[str]] = {} if templates is None else templates
        self._assets: str | None = None
        #: Units were recorded or forgotten since the manifest was loaded.
        self.changed = False
        #: File → the files it shares a unit with (`related`), made at the first question.
        self._related: dict[str, set[str]] | None = None
        #: Folder → its files (`under`), as the run found them first.
        self._walked: dict[str, list[str]] = {}
        #: Unit key → the unit as the manifest had it before this run recorded or forgot it
        #: (None: new), for what changed since it was loaded (`quick.write`).
        self.touched: dict[str, Entry | None] = {}

    # --- fingerprints ---------------------------------------------------------------------

    def under(self, folder: Path) -> list[str]:
        """`_files_under`, walked once per run: the fingerprint of the project and the
        question of what changed see the same files (thousands of them)."""
        key = os.fspath(folder)
        found = self._walked.get(key)
        if found is None:
            found = self._walked[key] = _files_under(folder)
        return found

    def code(self) -> str:
        """briefing's own code and catalogs and the versions of the libraries that shape
        the output."""
        if self._code is None:
            package = Path(__file__).resolve().parent
            # The code and the language catalogs (they shape every fixed text).
            files = sorted([*package.rglob("*.py"), *package.rglob("*.po")])
            parts = [f"{p.relative_to(package)}:{self.digests.file(p)}" for p in files]
            self._code = self.digests.combine(*parts, *library_versions())
        return self._code

    def project(self) -> str:
        """Everything any output could depend on, in one hash (taken once per run, at the
        first call: a build calls it before it reads anything else)."""
        if self._project is None:
            paths = self.paths
            self._project = self.digests.combine(
                self.code(), self.digests.file(paths.config_file),
                self.digests.files(paths, self.under(paths.content_dir)),
                self.digests.files(paths, self.under(paths.templates_dir)),
                # Approvals decide what is published. (The publication log is written by
                # the build itself: not an input here.)
                self.digests.files(paths, self.under(paths.approvals_dir)))
        return self._project

    def basis(self) -> str:
        """What every unit depends on besides its own files: briefing's code, the
        settings, the templates (with CSS and fonts) and the hyphenation exceptions."""
        paths = self.paths
        return self.digests.combine(
            self.code(), self.digests.file(paths.config_file),
            self.digests.files(paths, self.under(paths.templates_dir)),
            self.digests.file(paths.hyphenation_file))

    def log(self) -> str:
        """The publication log as it is now (the build appends to it: looked at afresh,
        but read only when its size, times or inode differ from its record: 8 MB at
        5,000 releases)."""
        from .lifecycle import LOG_FILE

        return self.digests._hash(os.fspath(self.paths.log_dir / LOG_FILE))

    def changed_files(self, checked: tuple | None = None,
                      outputs: bool = True) -> set[str] | None:
        """The content and approval files (as shown) that changed, came or went since the
        last build that vouched for every output, with the content files of units whose
        files are no longer as written; None when more changed than files (code,
        settings, templates, the publication log, an embargo ended) or that build is
        unknown: then every unit is looked at. `checked`: `outputs_checked` of this
        manifest, made meanwhile by another process (if of another, it is not used).
        `outputs`: False for the changed inputs only (the files written not looked at)."""
        manifest, paths, digests = self.manifest, self.paths, self.digests
        if manifest.basis is None or manifest.basis != self.basis() or \
                manifest.log != self.log() or \
                not (manifest.project or "").endswith(":alle") or self.expired():
            return None
        folders = (f"{paths.content_dir}{os.sep}", f"{paths.approvals_dir}{os.sep}")
        now = self.under(paths.content_dir) + self.under(paths.approvals_dir)
        root = len(f"{paths.root}{os.sep}")
        changed = {name[root:] for name in now
                   if (digests.known.get(name) or [None] * 5)[4] != digests.file(name)}
        present = set(now)
        changed |= {name[root:] for name in digests.known
                    if name.startswith(folders) and name not in present}
        if not outputs:
            return changed | set(manifest.failed)
        if checked is not None and checked[0] == manifest.loaded:
            self.digests.seen.update(checked[2])
            damaged = [manifest.units[key] for key in checked[1] if key in manifest.units] \
                if checked[1] is not None else self._damaged(checked[3])
        else:
            damaged = self.not_intact()
        for entry in damaged:
            changed |= {entry.source, *entry.sources}
        return changed | set(manifest.failed)

    def _damaged(self, names: list[str]) -> list[Entry]:
        """The units whose files of these (relative to output/, touched since they were
        written, `quick.outputs_checked`) are not as written."""
        if not names:
            return []
        owners = self.manifest.file_names()
        prefix = f"{self.paths.output_dir}{os.sep}"
        found = {}
        for name in names:
            entry = owners.get(name)
            if entry is not None and self.digests.file(prefix + name) != entry.files[name][0]:
                found[entry.key] = entry
        return list(found.values())

    def related(self, files: Iterable[str]) -> set[str]:
        """`files` (as shown) with every file of the families they belong to, as the last
        build recorded them: what a unit was made from or took values from (a briefing's
        release, an edition's original), transitively; and for an image, the units that
        showed it (not the other way: a logo in every release does not make one family of
        them all)."""
        if self._related is None:
            self._related = {}
            for entry in self.manifest.units.values():
                group = {entry.source, *entry.sources, *entry.links}
                group.discard("")
                if len(group) > 1:
                    for name in group:
                        self._related.setdefault(name, set()).update(group)
                for image in entry.images:
                    self._related.setdefault(image, set()).update(group)
        found: set[str] = set()
        todo = list(files)
        while todo:
            name = todo.pop()
            if name not in found:
                found.add(name)
                todo += self._related.get(name, ())
        return found

    def inputs(self, sources: Iterable[str], links: Iterable[str], templates: Iterable[str],
               images: Iterable[Path]) -> dict:
        """The fingerprint of each kind of input of one unit made from the content files
        `sources` (`links`: the content files they take values from; paths relative to
        the project)."""
        paths, digests = self.paths, self.digests
        root, folder = f"{paths.root}{os.sep}", f"{paths.templates_dir}{os.sep}"
        return {
            "content": digests.files(paths, (root + s for s in sources)),
            "links": digests.files(paths, (root + link for link in links)),
            "images": digests.files(paths, images),
            "templates": digests.files(paths, (folder + t for t in templates)),
            "assets": self.assets(),
            "config": digests.file(paths.config_file),
            "hyphenation": digests.file(paths.hyphenation_file),
            "code": self.code(),
        }

    def assets(self) -> str:
        """Template files every output uses that Jinja does not load: CSS, fonts, the mark."""
        if self._assets is None:
            self._assets = self.digests.files(
                self.paths, (p for p in self.under(self.paths.templates_dir)
                             if not p.endswith(".j2")))
        return self._assets

    def templates(self, *roots: str) -> list[str]:
        """Every template file the page templates `roots` render with: themselves, what
        they extend and include, recursively. A change to one of them remakes exactly the
        units that use it. A template that cannot be parsed counts with every template
        (its error is reported when the page is made)."""
        found: set[str] = set()
        for template in roots:
            if template not in self._templates:
                self._templates[template] = self._closure(template)
            found |= set(self._templates[template])
        return sorted(found)

    def _closure(self, template: str) -> list[str]:
        from jinja2 import Environment, FileSystemLoader, TemplateError, meta

        env = Environment(loader=FileSystemLoader(self.paths.templates_dir))
        seen: set[str] = set()
        todo = [template]
        try:
            while todo:
                name = todo.pop()
                if name not in seen:
                    seen.add(name)
                    source = env.loader.get_source(env, name)[0]
                    todo += [n for n in meta.find_referenced_templates(env.parse(source)) if n]
        except TemplateError:
            folder = len(f"{self.paths.templates_dir}{os.sep}")
            seen |= {p[folder:] for p in _files_under(self.paths.templates_dir)
                     if p.endswith(".j2")}
        return sorted(seen)

    # --- questions ------------------------------------------------------------------------

    def entry(self, output: str, source: str) -> Entry | None:
        return self.manifest.units.get(unit_key(output, source))

    def intact(self, entry: Entry) -> bool:
        """Every file of the unit is there as it was written."""
        output = f"{self.paths.output_dir}{os.sep}"
        return all(self.digests.file(output + name) == sha
                   for name, (sha, _size) in entry.files.items())

    def all_intact(self) -> bool:
        """Every file of every unit is there as it was written (`intact` for all units)."""
        return next(self.not_intact(), None) is None

    def not_intact(self) -> Iterator[Entry]:
        """Each unit not `intact`: a file whose record (`Digests`) has the unit's hash and
        whose size, times and inode are still as recorded is not read; any other is
        hashed. One stat per file: a build at thousands of releases stats them all, and
        reads none."""
        prefix = f"{self.paths.output_dir}{os.sep}"
        known, stat = self.digests.known, os.stat
        for entry in self.manifest.units.values():
            for name, (sha, _size) in entry.files.items():
                path = prefix + name
                record = known.get(path)
                if record is not None and record[4] == sha:
                    try:
                        found = stat(path)
                    except OSError:
                        yield entry
                        break
                    if as_recorded(found, record):
                        continue
                # No record, another one, or changed since (this run's records too).
                if self.digests.file(path) != sha:
                    yield entry
                    break

    def reason(self, entry: Entry | None, inputs: dict, force: bool = False) -> str | None:
        """Why this unit must be made (a key of REASONS), or None when it is current."""
        if entry is None or not entry.files:
            return "new"
        if force or FORCED in entry.inputs:
            return "forced"
        changed = next((kind for kind in inputs if inputs[kind] != entry.inputs.get(kind)),
                       None)
        if changed:
            return changed
        return None if self.intact(entry) else "output"

    def recorded_reason(self, entry: Entry) -> str | None:
        """`reason` for a unit the manifest knows, from what it recorded (its content
        files, links, templates and images): without reading any content file. Inputs
        that come from other outputs (a package's PDFs) are not compared here."""
        now = self.inputs(entry.sources or [entry.source], entry.links, entry.templates,
                          (self.paths.root / i for i in entry.images))
        return self.reason(entry, {**entry.inputs, **now})

    def force_all(self) -> None:
        """Mark every unit to be made again, and say so in the manifest at once: a run that
        is interrupted (or killed) leaves the rest marked, and the next plain build goes on
        where it stopped instead of starting over (a full re-render of thousands)."""
        units = self.manifest.units
        for key, entry in units.items():
            units[key] = replace(entry, inputs={**entry.inputs, FORCED: "ja"})
        self.manifest.project = None
        self.manifest.save(self.paths.manifest)

    def reload(self) -> None:
        """The manifest as it is now on disk (another build may have written it)."""
        if not self.manifest.unchanged_on_disk(self.paths.manifest):
            self.manifest = Manifest.load(self.paths.manifest)
            self.digests.known = self.manifest.stats
            self._related = None
            self.touched = {}
        self.changed = False

    def unchanged_project(self, channels: bool = False, intact=None) -> bool:
        """Nothing at all changed since the last complete build (one that also made the
        other channels, when `channels`), and every file it wrote is still there as
        written (`intact`: how to tell, if not by `all_intact`)."""
        manifest = self.manifest
        stored, _, made_channels = (manifest.project or "").partition(":")
        return (manifest.project is not None and self.project() == stored
                and (made_channels == "alle" or not channels)
                and not self.expired()
                and (intact or self.all_intact)())

    def take_over(self, other: Staleness) -> None:
        """What `other` (of the same files, earlier in this run) fingerprinted and hashed."""
        self._code, self._project = other._code, other._project
        self._walked.update(other._walked)
        mine, theirs = self.digests, other.digests
        mine._cache.update(theirs._cache)
        mine._named.update(theirs._named)
        mine.seen.update(theirs.seen)
        mine.read |= theirs.read

    def expired(self) -> bool:
        """A held-back embargo has ended since the last build."""
        from .clock import now

        expires = self.manifest.expires
        return expires is not None and now() >= dt.datetime.fromisoformat(expires)

    # --- records --------------------------------------------------------------------------

    def record(self, entry: Entry) -> None:
        self.touched.setdefault(entry.key, self.manifest.units.get(entry.key))
        self.manifest.units[entry.key] = entry
        self.changed = True

    def forget(self, entry: Entry) -> None:
        self.touched.setdefault(entry.key, self.manifest.units.get(entry.key))
        self.manifest.units.pop(entry.key, None)
        self.changed = True

    def save(self, problems: list[Problem], failed: set[str], handled: set[str],
             vouch: bool, channels: bool = False) -> None:
        """Write the manifest. Only a complete, plain, full build vouches for every
        document (allowing the no-op path next time). `failed` of the `handled` content
        files failed in this run; failures of files it did not handle are kept."""
        self.manifest.project = f"{self.project()}:{'alle' if channels else 'pdf'}" \
            if vouch else None
        self.manifest.basis = self.basis() if vouch else None
        self.manifest.log = self.log() if vouch else None
        kept = {p: d for p, d in self.manifest.failed.items() if p not in handled}
        self.manifest.failed = dict(sorted((kept | {
            path: self.digests.file(self.paths.root / path) for path in failed}).items()))
        self.manifest.problems = [[p.path, p.line, p.message, p.severity.value]
                                  for p in problems]
        # What this run hashed, and what it did not look at (a partial build, a build of
        # what changed); not the files it removed.
        digests = self.digests
        # Every content and approval file is hashed by every build (`project`): one not
        # seen is gone.
        inputs = (str(self.paths.content_dir) + os.sep, str(self.paths.approvals_dir) + os.sep)
        stats = digests.known  # changed in place: tens of thousands at a large archive
        stats.update(digests.seen)
        for name in digests.gone:
            stats.pop(name, None)
        seen = digests.seen
        unseen = [n for n in stats if n.startswith(inputs) and n not in seen]
        for name in unseen:
            del stats[name]
        self.manifest.stats = stats
        self.manifest.save(self.paths.manifest, (
            self.touched.keys(), [*seen, *digests.gone, *unseen]))
