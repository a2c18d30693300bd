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
It is a database (`store`), read as far as a build asks.

A project-wide fingerprint lets a build with no change at all finish without parsing any
content or importing WeasyPrint. This module imports nothing heavy on purpose.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import marshal
import os
import struct
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, NamedTuple

from . import store
from .errors import Problem, Severity
from .files import as_recorded, key_of, stat_key
from .paths import Paths

if TYPE_CHECKING:
    import sqlite3

FORMAT = 12
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


#: The fingerprint of a file that is not there.
MISSING = "fehlt"


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
        self.known = known if known is not None else store.Table(None, "stats")
        #: What this run saw: path → [size, mtime_ns, ctime_ns, inode, SHA-256].
        self.seen: dict[str, list] = {}
        #: Files this run removed, and files it wrote, when that is asked for (a check of
        #: the files written meanwhile: `build._LaterCheck`; a full re-render writes
        #: tens of thousands).
        self.gone: set[str] = set()
        self.written: set[str] | None = None
        #: Files this run read to hash (not known by their record, or changed since), and
        #: files it found missing.
        self.read: set[str] = set()
        self.missing: set[str] = set()
        #: Called when this run first reads a file to hash it (a change, most likely).
        self.first_read: Callable[[], None] | None = None

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
            self.missing.add(name)
            return MISSING
        known = self.seen.get(name) or self.known.get(name)
        if known is not None and as_recorded(found, known):
            self.seen[name] = known
            return known[4]
        key = key_of(found)
        if self.first_read is not None:
            self.first_read, first_read = None, self.first_read
            first_read()
        if not S_ISREG(found.st_mode):
            # A device or a pipe (a content file that is a link to /dev/zero): never read,
            # it need not end; its kind stands for its content (the build refuses it).
            sha = digest(f"keine Datei: {found.st_mode:o} {found.st_rdev}".encode())
        else:
            try:
                with open(name, "rb") as file:
                    sha = digest(file.read())
            except OSError:
                self.missing.add(name)
                return MISSING
        self.seen[name] = [*key, sha]
        self.read.add(name)
        return sha

    def wrote(self, path: str | Path, sha: str) -> None:
        """briefing itself just wrote `path` with this content."""
        name = os.fspath(path)
        self.gone.discard(name)  # removed earlier in this run, and written again
        if self.written is not None:
            self.written.add(name)
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

    def evict(self, outputs: str) -> None:
        """Forget the digests and records of the files under `outputs` (saved in `known`
        now: `Staleness.evict`). Those of the input files stay as this run first took
        them: the pages were made from the files as read then, and a file saved again
        meanwhile (an editor, during a long build) must look changed to the next build."""
        for name in ("_cache", "_named", "seen"):
            setattr(self, name, {path: found for path, found in getattr(self, name).items()
                                 if not path.startswith(outputs)})

    def combine(self, *parts: str) -> str:
        return digest("\n".join(parts).encode())

    def files(self, paths: Paths, files: Iterable[str | Path], keep: bool = True) -> str:
        """`combine` of `shown path:digest` of each file. Not `keep`: the parts are not
        kept for the next call (the project's fingerprint names every content and approval
        file, 10,000 at 5,000 releases: 3 MB kept for the few a correction names again)."""
        root = f"{paths.root}{os.sep}"
        parts = []
        kept = self._named if keep else {}
        for path in files:
            name = os.fspath(path)
            named = kept.get(name)
            if named is None:
                shown = name[len(root):] if name.startswith(root) and ".." not in name \
                    else paths.show(Path(name))
                named = f"{shown}:{self.file(name)}"
                if keep:
                    kept[name] = named
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


def log_chain(path: Path, size: int = 0, chain: str = "") -> str:
    """The fingerprint of the publication log: each line (with its end) hashed with the
    fingerprint of the lines before it, so that lines appended extend it without reading
    the others. `size`, `chain`: the file's size and fingerprint when it was looked at
    last (this run appended to it since); taken from the start when that size does not
    end a line."""
    try:
        with open(path, "rb") as file:
            if size:
                file.seek(size - 1)
                if file.read(1) != b"\n":
                    size, chain = 0, ""
            file.seek(size)
            # (A line at a time: at 5,000 releases the log is 8 MB, read whole by the
            # first build of a copy of the project, or the last part of a build in parts.)
            for line in file:
                chain = hashlib.sha256(chain.encode() + line).hexdigest()
    except OSError:
        return ""
    return chain


def _files_under(folder: Path) -> list[str]:
    """Every file under `folder`, as absolute paths in text, sorted (symbolic links to
    folders are not followed; names joined as text: `os.path.join` of 15,000 cost more
    than the walk)."""
    found: list[str] = []
    todo = [os.fspath(folder)]
    while todo:
        base = todo.pop()
        try:
            entries = os.scandir(base)
        except OSError:
            continue
        with entries:
            prefix = base + os.sep
            for entry in entries:
                try:
                    is_folder = entry.is_dir()
                except OSError:
                    is_folder = False
                if not is_folder:
                    found.append(prefix + entry.name)
                elif not entry.is_symlink():
                    todo.append(prefix + entry.name)
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


class Was(NamedTuple):
    """A unit as the manifest had it before this run recorded or forgot it: its output
    and the names of its files (`Staleness.touched`; a full re-render of thousands of
    releases touches every unit, and kept whole, they were 30 MB at 5,000)."""

    output: str
    files: tuple[str, ...]


def _was(entry: Entry | None) -> Was | None:
    return None if entry is None else Was(entry.output, tuple(entry.files))


#: Records of briefing's own small files (the quick file): each with its length and CRC.
_FRAME = struct.Struct("<QI")


def framed(record: tuple) -> list[bytes]:
    """A record as written: its length and CRC-32, then its bytes (apart: a record of
    megabytes is not copied to be joined)."""
    data = marshal.dumps(record)
    return [_FRAME.pack(len(data), zlib.crc32(data)), data]


def passed_over(data: bytes, count: int) -> int:
    """Where the first `count` records in `data` end, unread (past its end: cut short)."""
    position = 0
    for _ in range(count):
        if position + _FRAME.size > len(data):
            return len(data) + 1
        position += _FRAME.size + _FRAME.unpack_from(data, position)[0]
    return position


def read_records(data: bytes, skip: int = 0) -> Iterator[tuple[tuple, int]]:
    """Each whole record in `data` and where it ends; a record cut short ends them.
    `skip`: so many records first passed over unread (a reader that needs a later one)."""
    view, position = memoryview(data), passed_over(data, skip)
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


def _as_tuple(entry: Entry) -> tuple:
    """An entry as stored."""
    return (entry.output, entry.source, entry.inputs, entry.files, entry.pages, entry.sources,
            entry.images, entry.problems, entry.links, entry.templates)


def _entry(data: bytes) -> Entry:
    return Entry(*marshal.loads(data))


def _family(entry: Entry) -> set[str]:
    """The content files a unit is made of or takes values from."""
    return {entry.source, *entry.sources, *entry.links} - {""}


@dataclass(frozen=True)
class Row:
    """What most questions ask of a unit, without its fingerprints (`Manifest.rows`)."""

    key: str
    output: str
    source: str
    pages: int
    #: Its files (relative to output/).
    names: list[str]


#: The manifest's single values (besides the tables), stored by these names.
_META = ("project", "problems", "failed", "failures", "expires", "basis", "log")


@dataclass
class Manifest:
    """The last builds' record (`store`): single values read at once, the tables as they
    are asked for. Made in memory (no file yet), every table is a plain mapping."""

    #: The project fingerprint of the last complete, plain build; None otherwise.
    project: str | None = None
    problems: list[list] = field(default_factory=list)
    #: `unit_key` → what that unit was made from, and its files.
    units: MutableMapping[str, Entry] = field(default_factory=dict)
    #: Content files that failed in the last build (their files above are out of date),
    #: with the digest of the content file then: a changed file may be fixed.
    failed: dict[str, str] = field(default_factory=dict)
    #: [content file, whether its press kit] of each PDF the last build reported failed:
    #: what a build with nothing to do reports again (a release whose PDF was made and
    #: whose press kit was not is in `failed`, but its PDF did not fail).
    failures: list[list] = field(default_factory=list)
    #: When the earliest held-back embargo ends (ISO time): from then on, a build has
    #: something to do even if no file changed (the release goes on the web).
    expires: str | None = None
    #: Package key → its entry in the site's lists (archive, feed, JSON), for every
    #: package on the public web: the site is made from these, not from every release.
    published: MutableMapping[str, dict] = field(default_factory=dict)
    #: The same entries as `outputs.listed` (what the site's parts are cut by).
    listed: MutableMapping[str, dict] = field(default_factory=dict)

    #: File path → [size, mtime_ns, ctime_ns, inode, SHA-256] when last hashed (`Digests`).
    stats: MutableMapping[str, list] = field(default_factory=dict)
    #: What every unit depends on besides its own files (`Staleness.basis`), and the
    #: publication log as that build left it, at the last build that vouched for the
    #: project.
    basis: str | None = None
    log: str | None = None

    #: The manifest file's own `files.stat_key` when loaded or saved: a build that wrote
    #: it since changed it.
    loaded: list | None = None
    connection: sqlite3.Connection | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name, table, decode in (("units", "unit_values", _entry),
                                    ("stats", "stats", marshal.loads),
                                    ("published", "published", marshal.loads),
                                    ("listed", "listed", marshal.loads)):
            found = getattr(self, name)
            if not isinstance(found, store.Table):
                setattr(self, name, store.Table(None, table, decode, dict(found)))

    @property
    def tables(self) -> tuple[store.Table, ...]:
        return self.units, self.stats, self.published, self.listed

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """The last build's manifest; an empty one when missing, unreadable or of another
        version. Only its single values are read now."""
        import sqlite3

        loaded = stat_key(path)  # (before reading: a save meanwhile makes it reload)
        if loaded is None:
            return cls()
        try:
            connection = store.connect(path)
        except (sqlite3.Error, OSError):
            return cls()
        try:
            meta = {name: marshal.loads(value) for name, value in
                    connection.execute("SELECT name, value FROM meta").fetchall()}
            if meta.get("format") != (FORMAT, store.SCHEMA):
                raise ValueError(meta.get("format"))
            values = {name: meta[name] for name in _META}
        except (sqlite3.Error, ValueError, EOFError, TypeError, KeyError):
            connection.close()
            return cls()
        manifest = cls(**values, units=store.Table(connection, "unit_values", _entry),
                       stats=store.Table(connection, "stats"),
                       published=store.Table(connection, "published"),
                       listed=store.Table(connection, "listed"),
                       connection=connection)
        manifest.loaded = loaded
        return manifest

    def unchanged_on_disk(self, path: Path) -> bool:
        """The file is still the one this manifest was loaded from."""
        return self.loaded == stat_key(path)

    def save(self, path: Path) -> None:
        """Write what changed since it was loaded (or last saved), in one transaction. A
        manifest with no file yet is written whole to a new file that then replaces the
        old one; so is one the process may not write to (it is replaced). A manifest
        found damaged is replaced by an empty one, as an unreadable one was read: what
        this run decided from it may miss what it could not read, so the next build
        makes everything. If another build wrote the file since this one was loaded, the
        changes go on top of it, but vouch for nothing: the next build looks at every
        unit. Raises OSError when the machine refuses (the file stays as it was)."""
        import sqlite3

        try:
            if any(table.damaged for table in self.tables):
                self._forget_all()
            if self.connection is None or not self.tables[0].connection:
                self._write_whole(path)
            else:
                if not self.unchanged_on_disk(path):
                    self.project = self.basis = self.log = None
                try:
                    self._write_changes(self.connection)
                except sqlite3.OperationalError as exc:
                    if "readonly" not in str(exc):
                        raise  # a full disk, a lock: the file itself is as it was
                    self._write_whole(path)
                except sqlite3.DatabaseError:  # damaged where no read went
                    self._forget_all()
                    self._write_whole(path)
        except sqlite3.Error as exc:
            code = errno.ENOSPC if "full" in str(exc) else errno.EIO
            raise OSError(code, os.strerror(code), str(path)) from exc
        for table in self.tables:
            table.saved()
        self.loaded = stat_key(path)

    def _forget_all(self) -> None:
        """Nothing of the last builds: every table empty, nothing vouched for."""
        self.project = self.basis = self.log = self.expires = None
        self.problems, self.failed, self.failures = [], {}, []
        for name, table in zip(("units", "stats", "published", "listed"), self.tables,
                               strict=True):
            setattr(self, name, store.Table(None, table.name, table.decode))

    def _write_whole(self, path: Path) -> None:
        for table in self.tables:
            table.load()
            table.dirty = set(table.cache)
        connection = store.replace_file(path, self._write_changes)
        if self.connection is not None:
            self.connection.close()
        self.connection = connection
        for table in self.tables:
            table.connection, table.damaged = self.connection, False

    def _write_changes(self, connection: sqlite3.Connection) -> None:
        units, *others = self.tables
        execute, many = connection.execute, connection.executemany
        with store.transaction(connection):
            changed = sorted(units.dirty)
            for start in range(0, len(changed), 500):
                part = changed[start:start + 500]
                marks = ",".join("?" * len(part))
                execute(f"DELETE FROM refs WHERE unit IN ({marks})", part)
                execute(f"DELETE FROM written WHERE unit IN ({marks})", part)
            gone = [(key,) for key in changed if key in units.gone or key in units.moved]
            many("DELETE FROM units WHERE key = ?", gone)
            many("DELETE FROM unit_values WHERE key = ?", gone)
            # (In the order they were made: so are they read back, as a dict keeps them.)
            present = [units.cache[key] for key in units.cache if key in units.dirty]
            # The rows are made as they are written, not held at once: a full re-render
            # of thousands of releases writes every unit (all at once, at 1,000 releases
            # 25 MB more at its peak than the build held).
            # (What most questions ask of a unit apart from its fingerprints: a narrow
            # table is read quickly.)
            many("INSERT INTO units (key, output, source, pages, names) "
                 "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                 "output = excluded.output, source = excluded.source, "
                 "pages = excluded.pages, names = excluded.names",
                 ((e.key, e.output, e.source, e.pages, "\n".join(e.files)) for e in present))
            many("INSERT INTO unit_values (key, value) VALUES (?, ?) ON CONFLICT (key) "
                 "DO UPDATE SET value = excluded.value",
                 ((e.key, marshal.dumps(_as_tuple(e))) for e in present))
            many("INSERT INTO refs (file, unit, image) VALUES (?, ?, ?)",
                 ((name, e.key, image) for e in present
                  for image, names in ((0, _family(e)), (1, e.images)) for name in names))
            many("INSERT OR REPLACE INTO written (name, unit, sha) VALUES (?, ?, ?)",
                 ((name, e.key, sha) for e in present for name, (sha, _) in e.files.items()))
            for table in others:
                store.write_rows(connection, table)
            store.write_meta(connection, {"format": (FORMAT, store.SCHEMA),
                                          **{name: getattr(self, name) for name in _META}})

    # --- questions of many units ----------------------------------------------------------

    def _stored(self) -> bool:
        """The units are in the database and not all read yet: ask it, not every unit."""
        return self.connection is not None and not self.units.whole

    def _query(self, sql: str, parameters: Iterable = ()) -> list[tuple]:
        return self.units._query(sql, parameters)

    def _in(self, sql: str, values: Iterable, *before) -> list[tuple]:
        """`sql` with `{}` as `?, ?, …` for `values` (in parts: SQLite limits how many)."""
        values, found = list(values), []
        for start in range(0, len(values), 500):
            part = values[start:start + 500]
            found += self._query(sql.format(",".join("?" * len(part))), [*before, *part])
        return found

    def _changed_units(self) -> list[Entry]:
        """Units set since the last save (they are not in the database as they are)."""
        units = self.units
        return [units.cache[key] for key in units.dirty if key in units.cache]

    def saved_whole(self) -> bool:
        """Everything this manifest holds is in its database as it is (saved since the last
        change): what is asked of every row can be read from there, a row at a time."""
        return self.connection is not None and \
            not any(table.dirty or table.gone for table in self.tables)

    def written_records(self, prefix: str) -> Iterator[tuple[str, list | None]]:
        """(file relative to output/, its record in `stats` under `prefix` or None) of every
        file written, in the manifest's order, one after another (`saved_whole` only: at
        5,000 releases, 45,000 records were read into `stats` at once and kept)."""
        for name, value in self.units.each(
                "SELECT w.name, s.value FROM written w LEFT JOIN stats s "
                "ON s.key = ? || w.name ORDER BY w.rowid", (prefix,)):
            yield name, None if value is None else marshal.loads(value)

    def records_outside(self, prefix: str) -> Iterator[tuple[str, list]]:
        """(file, record) of every file in `stats` not beginning with `prefix`, one after
        another (`saved_whole` only)."""
        end = store.prefix_end(prefix)
        for key, value in self.units.each(
                "SELECT key, value FROM stats WHERE key < ? OR key >= ? ORDER BY rowid",
                (prefix, end)):
            yield key, marshal.loads(value)

    def rows(self, outputs: Iterable[str]) -> Iterator[Row]:
        """`Row` of every unit of these outputs, in the manifest's order, one after another
        (at 5,000 releases, 10,000 PDFs: held at once, they and the query's rows were the
        largest thing a correction made)."""
        outputs = tuple(outputs)
        units = self.units
        if not self._stored():
            yield from (Row(e.key, e.output, e.source, e.pages, list(e.files))
                        for e in units.values() if e.output in outputs)
            return
        changed = self._changed_units()  # (before: the caller may record units meanwhile)
        dirty = set(units.dirty)
        yield from (Row(key, output, source, pages, names.split("\n") if names else [])
                    for key, output, source, pages, names in units.each(
                        "SELECT key, output, source, pages, names FROM units WHERE output IN "
                        f"({','.join('?' * len(outputs))}) ORDER BY rowid", outputs)
                    if key not in dirty)
        yield from (Row(e.key, e.output, e.source, e.pages, list(e.files))
                    for e in changed if e.output in outputs)

    def sources(self) -> set[str]:
        """The content file of every unit ("" for the site's)."""
        if not self._stored():
            return {e.source for e in self.units.values()}
        return {source for (source,) in self._query("SELECT DISTINCT source FROM units")
                if source is not None} | {e.source for e in self._changed_units()}

    def families(self, files: Iterable[str]) -> set[str]:
        """`files` with every content file of every unit made of, taking values from or
        showing one of them, transitively; an image only as shown, never reached."""
        found = set(files)
        if not self._stored():
            related: dict[str, set[str]] = {}
            for entry in self.units.values():
                group = _family(entry)
                for name in [*group, *entry.images]:
                    related.setdefault(name, set()).update(group)
            todo = list(found)
            while todo:
                new = related.get(todo.pop(), set()) - found
                found |= new
                todo += new
            return found
        changed = self._changed_units()
        dirty = self.units.dirty
        todo, seen_units = set(found), set()
        while todo:
            units = {u for (u,) in self._in("SELECT DISTINCT unit FROM refs WHERE file IN "
                                             "({})", todo)} - dirty - seen_units
            units |= {e.key for e in changed if e.key not in seen_units and
                      not todo.isdisjoint(_family(e) | set(e.images))}
            seen_units |= units
            names = {f for (f,) in self._in("SELECT file FROM refs WHERE image = 0 AND unit "
                                            "IN ({})", units - dirty)}
            for entry in changed:
                if entry.key in units:
                    names |= _family(entry)
            todo = names - found
            found |= names
        return found

    def using(self, files: set[str]) -> set[str]:
        """The content files of the units made of, taking values from or showing one of
        `files` (besides those files)."""
        if not self._stored():
            return {e.source for e in self.units.values()
                    if not files.isdisjoint(e.sources) or not files.isdisjoint(e.links) or
                    not files.isdisjoint(e.images)}
        dirty = self.units.dirty
        found = {source for key, source in self._in(
            "SELECT DISTINCT u.key, u.source FROM refs r JOIN units u ON u.key = r.unit "
            "WHERE r.file IN ({})", files) if key not in dirty}
        return found | {e.source for e in self._changed_units()
                        if not files.isdisjoint(_family(e) | set(e.images))}

    def of_sources(self, sources: Iterable[str], outputs: Iterable[str]) -> list[Entry]:
        """The units of `sources`, and every unit of `outputs`, in the manifest's order."""
        sources, outputs = set(sources), set(outputs)
        if not self._stored():
            return [e for e in self.units.values()
                    if e.source in sources or e.output in outputs]
        keys = {key for (key,) in self._in("SELECT key FROM units WHERE source IN ({})",
                                           sources)}
        keys |= {key for (key,) in self._in("SELECT key FROM units WHERE output IN ({})",
                                            outputs)}
        keys |= {e.key for e in self._changed_units()
                 if e.source in sources or e.output in outputs}
        self.units.many(keys)
        return [entry for key in sorted(keys) if (entry := self.units.get(key)) is not None]

    def owners(self, names: Iterable[str]) -> dict[str, Entry]:
        """Of these files (relative to output/), each written by a unit → that unit."""
        names = set(names)
        if not self._stored():
            return {name: entry for entry in self.units.values() for name in entry.files
                    if name in names}
        dirty = self.units.dirty
        found = {name: key for name, key in self._in(
            "SELECT name, unit FROM written WHERE name IN ({})", names) if key not in dirty}
        self.units.many(set(found.values()))
        owners = {name: entry for name, key in found.items()
                  if (entry := self.units.get(key)) is not None}
        for entry in self._changed_units():
            owners |= {name: entry for name in entry.files if name in names}
        return owners

    def written(self) -> list[tuple[str, str, str]]:
        """(file relative to output/, its unit's key, its SHA-256) of every file written."""
        if not self._stored():
            return [(name, e.key, sha) for e in self.units.values()
                    for name, (sha, _size) in e.files.items()]
        dirty = self.units.dirty
        found = [row for row in self._query("SELECT name, unit, sha FROM written "
                                            "ORDER BY rowid") if row[1] not in dirty]
        return found + [(name, e.key, sha) for e in self._changed_units()
                        for name, (sha, _size) in e.files.items()]

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
        #: The publication log's record as this run found or extended it (`log_record`).
        self._log: list | None = None
        #: Template closures; a long-lived caller (the preview) keeps them between runs.
        self._templates: dict[str, list[str]] = {} if templates is None else templates
        self._assets: str | None = None
        #: Units were recorded or forgotten since the manifest was loaded.
        self.changed = False
        #: Folder → its files (`under`), as the run found them first.
        self._walked: dict[str, list[str]] = {}
        #: Folders whose files' records were read from the manifest (`under`).
        self._recorded: set[str] = set()
        #: The manifest, and the content and approval files changed since it was written.
        self._inputs_changed: tuple[Manifest, frozenset[str]] | None = None
        #: Unit key → the unit as the manifest had it before this run recorded or forgot it
        #: (None: new), for what changed since it was loaded (`quick.write`).
        self.touched: dict[str, Was | None] = {}
        #: A part of a build in parts (parts.py): every input file is hashed by one part.
        self.in_parts = False

    # --- fingerprints ---------------------------------------------------------------------

    def under(self, folder: Path) -> list[str]:
        """`_files_under`, walked once per run: the fingerprint of the project and the
        question of what changed see the same files (thousands of them)."""
        key = os.fspath(folder)
        found = self._walked.get(key)
        if found is None:
            found = self._walked[key] = _files_under(folder)
        if key not in self._recorded and not self.digests.known.whole:
            # Their records, read at once (thousands: one question each would cost more).
            self._recorded.add(key)
            self.digests.known.under([f"{key}{os.sep}"])
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
                self.digests.files(paths, self.under(paths.content_dir), keep=False),
                self.digests.files(paths, self.under(paths.templates_dir)),
                # Approvals decide what is published. (The publication log is written by
                # the build itself: not an input here.)
                self.digests.files(paths, self.under(paths.approvals_dir), keep=False))
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
        """The publication log's fingerprint (`log_chain`), taken from the last build's
        record while the file's size, times and inode are as that build left them, and
        extended by the lines this run appended (the build appends to it: a hash of the
        whole would read it after every publication, 10 MB at 5,000 releases). Any other
        change (a merge, a checkout, a copy of the project) reads it whole."""
        return self.log_record()[1]

    def log_record(self) -> list:
        """[`files.stat_key` of the log, its fingerprint], as the manifest keeps it."""
        from .lifecycle import LOG_FILE

        path = self.paths.log_dir / LOG_FILE
        now = stat_key(path)
        known = self._log
        if known is None:
            stored = self.manifest.log
            if isinstance(stored, list) and len(stored) == 2 and stored[0] == now:
                self._log = stored
                return stored
            found = log_chain(path)
        elif known[0] == now:
            return known
        else:  # this run appended to the log it had looked at
            found = log_chain(path, known[0][0] if known[0] else 0, known[1])
        self._log = [now, found]
        return self._log

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
                (manifest.log or [None, None])[1] != self.log() or \
                not (manifest.project or "").endswith(":alle") or self.expired():
            return None
        if self._inputs_changed is not None and self._inputs_changed[0] is manifest:
            changed = set(self._inputs_changed[1])  # (asked twice by a build of changes)
        else:
            folders = (f"{paths.content_dir}{os.sep}", f"{paths.approvals_dir}{os.sep}")
            now = self.under(paths.content_dir) + self.under(paths.approvals_dir)
            root = len(f"{paths.root}{os.sep}")
            file, known = digests.file, digests.known
            if self._project is None:  # (a build takes the project's fingerprint first)
                for name in now:
                    file(name)
            # A file as recorded is the same: only one read to hash (or gone since the
            # walk) can have changed.
            present = set(now)
            changed = {name[root:] for name in (digests.read | digests.missing) & present
                       if (known.get(name) or [None] * 5)[4] != file(name)}
            changed |= {name[root:] for name in known.under(folders) if name not in present}
            self._inputs_changed = manifest, frozenset(changed)
        if not outputs:
            return changed | set(manifest.failed)
        if checked is not None and checked[0] == manifest.loaded:
            self.digests.seen.update(checked[2])
            damaged = [manifest.units[key] for key in checked[1] if key in manifest.units] \
                if checked[1] is not None else self.damaged_units(checked[3])
        else:
            damaged = self.not_intact()
        for entry in damaged:
            changed |= {entry.source, *entry.sources}
        return changed | set(manifest.failed)

    def damaged_units(self, names: list[str]) -> list[Entry]:
        """The units whose files of these (relative to output/, touched since they were
        written, `quick.outputs_checked`) are not as written."""
        if not names:
            return []
        owners = self.manifest.owners(names)
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
        return self.manifest.families(files)

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
        known.under([prefix])
        done: set[str] = set()
        for name, key, sha in self.manifest.written():
            if key in done:
                continue
            path = prefix + name
            record = known.get(path)
            if record is not None and record[4] == sha:
                with contextlib.suppress(OSError):  # (then hashed below: missing)
                    if as_recorded(stat(path), record):
                        continue
            # No record, another one, or changed since (this run's records too).
            if self.digests.file(path) != sha:
                done.add(key)
                entry = self.manifest.units.get(key)
                if entry is not None:
                    yield entry

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

    def take_over(self, other: Staleness, records: bool = False) -> None:
        """What `other` (of the same files, earlier in this run) fingerprinted and hashed.
        `records`: its input files' records are those of this manifest (the quick file made
        with it): the content and approval files' records are taken from it, not read
        from the database a second time (at 5,000 releases, 10,000 of them)."""
        if records:
            content, approvals = (f"{folder}{os.sep}" for folder in
                                  (self.paths.content_dir, self.paths.approvals_dir))
            rows: dict[str, dict] = {content: {}, approvals: {}}
            of_content, of_approvals = rows.values()
            for name, record in other.manifest.stats.items():  # (one pass over 15,000)
                if name.startswith(content):
                    of_content[name] = record
                elif name.startswith(approvals):
                    of_approvals[name] = record
            for prefix, found in rows.items():
                self.digests.known.seed(prefix, found)
        self._code, self._project = other._code, other._project
        self._walked.update(other._walked)
        mine, theirs = self.digests, other.digests
        # Taken, not copied (15,000 entries each at 5,000 releases): `other` is done.
        for name in ("_cache", "_named", "seen"):
            ours, taken = getattr(mine, name), getattr(theirs, name)
            if ours:
                ours.update(taken)
            else:
                setattr(mine, name, taken)
            setattr(theirs, name, {})
        mine.read |= theirs.read
        mine.missing |= theirs.missing

    def handed_on(self) -> tuple[str, str]:
        """The fingerprints this run took first (briefing's code, the whole project), for a
        process that goes on with it (`parts.py`: `take_over_fingerprints`)."""
        return self.code(), self.project()

    def take_over_fingerprints(self, taken: tuple[str, str]) -> None:
        """Go on with the fingerprints another process of this run took (`handed_on`): the
        last part of a build in parts vouches for the project as the build found it
        first. The input files are hashed where they are read, each by one part, which
        saves their records; files gone are forgotten by the last (`save`)."""
        self._code, self._project = taken
        self.in_parts = True

    def keep_first_records(self) -> None:
        """After a build in parts (`parts.py`), whose parts hash and record the input
        files they read: the records this run took first of the content and approval files
        no part recorded (an approval no unit reads), saved to the manifest the last part
        left, as a build in one process saves them."""
        self.reload()
        stats = self.manifest.stats
        inputs = (f"{self.paths.content_dir}{os.sep}", f"{self.paths.approvals_dir}{os.sep}")
        recorded = set(stats.under(inputs))
        first = {name: found for name, found in self.digests.seen.items()
                 if name.startswith(inputs) and name not in recorded}
        if first and self.manifest.project is not None:
            stats.merge(first)
            self.manifest.save(self.paths.manifest)

    def expired(self) -> bool:
        """A held-back embargo has ended since the last build."""
        from .clock import now

        expires = self.manifest.expires
        return expires is not None and now() >= dt.datetime.fromisoformat(expires)

    # --- records --------------------------------------------------------------------------

    def record(self, entry: Entry) -> None:
        self._touch(entry.key)
        self.manifest.units[entry.key] = entry
        self.changed = True

    def forget(self, entry: Entry) -> None:
        self._touch(entry.key)
        self.manifest.units.pop(entry.key, None)
        self.changed = True

    def _touch(self, key: str) -> None:
        if key not in self.touched:
            self.touched[key] = _was(self.manifest.units.get(key))

    def evict(self) -> None:
        """Right after a save in the middle of a long build: forget what the manifest holds
        now (its rows, the records of the files written), to be read from it again when
        asked for. The input files' records stay: a save drops those of the files this
        run did not see."""
        for table in self.manifest.tables:
            table.evict()
        self.digests.evict(f"{self.paths.output_dir}{os.sep}")

    def save(self, problems: list[Problem], failed: set[str], handled: set[str],
             vouch: bool, channels: bool = False,
             failures: Iterable[tuple[str, bool]] = ()) -> None:
        """Write the manifest. Only a complete, plain, full build vouches for every
        document (allowing the no-op path next time). `failed` of the `handled` content
        files failed in this run, and `failures` are the PDFs it reported failed (content
        file, whether a press kit); those of files it did not handle are kept."""
        self.manifest.project = f"{self.project()}:{'alle' if channels else 'pdf'}" \
            if vouch else None
        self.manifest.basis = self.basis() if vouch else None
        self.manifest.log = self.log_record() if vouch else None
        kept = {p: d for p, d in self.manifest.failed.items() if p not in handled}
        self.manifest.failed = dict(sorted((kept | {
            path: self.digests.file(self.paths.root / path) for path in failed}).items()))
        self.manifest.failures = [f for f in self.manifest.failures if f[0] not in handled] \
            + [[path, kit] for path, kit in failures]
        self.manifest.problems = [[p.path, p.line, p.message, p.severity.value]
                                  for p in problems]
        # What this run hashed, and what it did not look at (a partial build, a build of
        # what changed); not the files it removed.
        digests = self.digests
        # Every content and approval file is hashed by every build (`project`): one not
        # seen is gone.
        inputs = (str(self.paths.content_dir) + os.sep, str(self.paths.approvals_dir) + os.sep)
        stats = digests.known  # changed in place: tens of thousands at a large archive
        stats.merge(digests.seen)
        for name in digests.gone:
            stats.pop(name, None)
        seen = digests.seen
        if not self.in_parts:
            for name in [n for n in stats.under(inputs) if n not in seen]:
                del stats[name]
        elif vouch:  # the last part of a build in parts: the others saw the rest
            for name in [n for n in stats.under(inputs) if n not in seen
                         and not os.path.lexists(n)]:
                del stats[name]
        self.manifest.stats = stats
        self.manifest.save(self.paths.manifest)
