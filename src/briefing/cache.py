"""Content files already read: a build with thousands of releases does not parse and
validate thousands of front matters to change one.

Each content file's validated document and its problems are kept with the file's size,
times and inode and its SHA-256: a file that is the same as last time is not read again
(and one that was only touched is read but not parsed). The whole cache belongs to one
context — briefing's code and the versions of the libraries it uses, `briefing.toml`, the
project's fonts (which characters they draw) and whether the build is for publication —
and is dropped when any of these changes. Typeset front-matter texts are kept the same way
(`typography.typeset` is a pure function of the text, the quotation style and the
language).

The cache is an SQLite database per project in the user's cache folder
(`files.cache_dir`), outside the project, read row by row as a build asks and written
back row by row: content cannot plant one, and the texts it holds (internal notes, internal
documents) are nowhere near output/. Only a build writes it (`check` reads it); a cache
that cannot be read is simply made again, and one unused for `KEEP_DAYS` is removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import pickle
from pathlib import Path

from . import store
from .files import bulk_read, cache_dir, stat_key, write_atomically
from .incremental import digest

#: Raised when the layout of what is stored changes.
FORMAT = 3
KEEP_DAYS = 30


def _place(root: Path) -> Path:
    name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:24]
    return cache_dir() / "dokumente" / f"{name}.sqlite"


def context(config, final: bool) -> str:
    """What every cached document depends on besides its own file."""
    from .fonts import font_files
    from .incremental import library_versions

    package = Path(__file__).resolve().parent
    parts = [f"{FORMAT}", f"final={final}", *library_versions()]
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.po")]):
        parts.append(f"{path.relative_to(package)}:{_key(path)}")
    parts.append(f"briefing.toml:{_file_sha(config.config_file)}")
    parts += [f"{path.name}:{_key(path)}" for path in font_files(config.fonts_dir)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _key(path: Path) -> tuple | None:
    """`files.stat_key`, as a tuple (it is compared and kept in pickles)."""
    found = stat_key(path)
    return tuple(found) if found is not None else None


def _file_sha(path: Path) -> str:
    try:
        return digest(path.read_bytes())
    except OSError:
        return "fehlt"


def _read(path: Path, version) -> dict:
    """A cache file written for `version`, or an empty one (missing, unreadable or of
    another version: made again)."""
    try:
        with open(path, "rb") as file, bulk_read():
            data = pickle.load(file)
        return data if isinstance(data, dict) and data.get("version") == version else {}
    except Exception:
        return {}


def _write(path: Path, data: dict) -> None:
    with contextlib.suppress(OSError):  # a cache: the next run reads the files again
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


#: The document cache's tables: a document by its content file (shown), a typeset text by
#: (text, style, language), marshalled.
_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID;
CREATE TABLE documents (key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE typeset (key BLOB PRIMARY KEY, value BLOB);
"""
#: A build that reads more documents than this reads every typeset text at once.
_MANY = 50
#: A build that read so many content files anew keeps their front matter for `liste`.
FRONT_MATTERS_KEPT = 100


class DocumentCache:
    """The documents and typeset texts of the last builds, in a database per project (a
    build of one family out of thousands reads that family's rows only, and writes back
    only the rows it changed)."""

    def __init__(self, path: Path | None, key: str):
        self.path, self.key = path, key
        #: display path → (stat key, SHA-256, the pickled (document or None, problems)):
        #: each unpickled only when read.
        self.documents = store.Table(None, "documents")
        #: marshalled (text, style, language) → typeset text.
        self.typeset = store.Table(None, "typeset")
        self._used: dict[str, tuple] = {}
        self._typeset_used: dict[bytes, str] = {}
        #: Content files read anew (not from the cache) since the last save.
        self.read_anew = 0
        self._connection = None
        if path is not None:
            self._load()

    @classmethod
    def for_project(cls, config, final: bool, stored: bool = True) -> DocumentCache:
        return cls(_place(config.root) if stored else None, context(config, final))

    def _load(self) -> None:
        """The database, if it is of this context (else, as if there were none)."""
        import sqlite3

        try:
            connection = store.connect(self.path)
        except (sqlite3.Error, OSError):
            return
        try:
            found = connection.execute("SELECT value FROM meta WHERE name = 'version'"
                                       ).fetchone()
            if found is None or marshal.loads(found[0]) != self.key:
                raise ValueError("another context")
        except (sqlite3.Error, ValueError, EOFError, TypeError):
            connection.close()
            return
        self._connection = connection
        self.documents = store.Table(connection, "documents")
        self.typeset = store.Table(connection, "typeset")

    def expect(self, displays: list[str], every: bool = True) -> None:
        """These content files are read next: their rows at once (and, for many of
        `every` content file, every typeset text; not for a part of thousands)."""
        self.documents.many(displays)
        if every and len(displays) > _MANY:
            self.typeset.load()

    def read(self, path: Path, display: str, make):
        """The (document, problems) of a content file: from the cache when the file is the
        same, else `make(path, display)` (which may raise ContentError: not cached)."""
        key = _key(path)
        found = self._used.get(display) or self.documents.get(display)
        if found is not None and found[0] == key:
            self._used[display] = found
            return pickle.loads(found[2])
        sha = _file_sha(path)
        if found is not None and found[1] == sha:
            result, kept = pickle.loads(found[2]), found[2]
        else:
            result = make(path, display)
            self.read_anew += 1
            kept = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        self._used[display] = (key, sha, kept)
        return result

    def typeset_with(self, typeset):
        """`typeset` remembered across builds."""

        def cached(text: str, style, language: str) -> str:
            key = marshal.dumps((text, (style.open, style.close, style.inner_open,
                                        style.inner_close), language))
            result = self._typeset_used.get(key)
            if result is None:
                result = self.typeset.get(key)
                if result is None:
                    result = typeset(text, style, language)
                self._typeset_used[key] = result
            return result

        return cached

    def carry_on(self) -> None:
        """For a long-lived caller (the preview): what this run read is what the next one
        finds, in memory."""
        self.documents = store.Table(None, "documents", values=self._used)
        self.typeset = store.Table(None, "typeset", values=self._typeset_used)
        self._used, self._typeset_used = {}, {}

    def save_part(self, present: set[str]) -> None:
        """`save` what was read so far (of the content files `present`), and forget it:
        a pass over thousands of files holds a part of them at a time."""
        self.save(present)
        self._used = {}
        self.documents.evict()

    def save(self, present: set[str] | None = None) -> None:
        """Keep what this run used: the documents of the content files there are (`present`:
        the run read only some of them, one family; None: it read every one), and the
        typeset texts it used (and, after reading one family, every other too). Only the
        rows that changed are written."""
        if self.path is None:
            return
        documents, typeset = self.documents, self.typeset
        keep = present if present is not None else self._used.keys()
        for name in [n for n in documents.names() if n not in keep]:
            del documents[name]
        if present is None:
            for key in [k for k in typeset.names() if k not in self._typeset_used]:
                del typeset[key]
        documents.update(self._used)
        typeset.update(self._typeset_used)
        if not documents.dirty and not typeset.dirty:
            return
        meta = {"version": self.key}

        def write(connection) -> None:
            with store.transaction(connection):
                store.write_rows(connection, documents)
                store.write_rows(connection, typeset)
                store.write_meta(connection, meta)

        import sqlite3

        with contextlib.suppress(OSError, sqlite3.Error):  # a cache: made again next time
            whole = self._connection is None or documents.connection is None or \
                documents.damaged or typeset.damaged
            if not whole:
                try:
                    write(self._connection)
                except sqlite3.OperationalError:
                    raise
                except sqlite3.DatabaseError:  # damaged: written anew
                    whole = True
            if whole:  # a new one (of another context, damaged, or kept in memory)
                for table in (documents, typeset):
                    table.load()
                    table.dirty = set(table.cache)
                connection = store.replace_file(self.path, write, _SCHEMA)
                if self._connection is not None:
                    self._connection.close()
                self._connection = connection
                for table in (documents, typeset):
                    table.connection = connection
                self.path.with_suffix(".pickle").unlink(missing_ok=True)  # (of version 2)
                # (Not on every save: the folder may hold thousands of old caches.)
                _remove_unused(self.path.parent)
            documents.saved()
            typeset.saved()


def _remove_unused(folder: Path) -> None:
    """The caches of projects not built for `KEEP_DAYS` (test folders, moved projects)."""
    import time

    oldest = time.time() - KEEP_DAYS * 86400
    for path in [*folder.glob("*.pickle"), *folder.glob("*.sqlite")]:
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < oldest:
                path.unlink()


def front_matters(root: Path, sources: list[str], read) -> dict[str, dict]:
    """The front matter of each content file (`read(path)`, e.g. `reader.read_meta`), for
    `liste` and `status` over thousands of files: a file whose size, times and inode are as
    last time is not parsed again (a cache per project beside the documents', which a
    build that read many content files fills too: `front_matters_after_build`)."""
    from . import reader
    from .incremental import library_versions

    path = _place(root).with_suffix(".metas.pickle")
    # Read by this version of the reader and of PyYAML.
    version = repr((FORMAT, _key(Path(reader.__file__)), library_versions()))
    known = _read(path, version)
    found, kept, changed = {}, {"version": version}, False
    for source in sources:
        key = _key(root / source)
        was = known.get(source)
        if was is not None and was[0] == key:
            meta = was[1]
        else:
            meta, changed = read(root / source) or {}, True
        found[source], kept[source] = meta, (key, meta)
    if changed or len(kept) != len(known):
        _write(path, kept)
    return found


def front_matters_after_build(root: Path, cache: DocumentCache, sources: list[str]) -> None:
    """After a build that read `FRONT_MATTERS_KEPT` or more content files anew (the first,
    or after a new version of briefing), `front_matters` of its content files `sources`
    (shown paths), for `liste` and `status`, which would parse them all (at 5,000 releases
    0.6 s of their first run); fewer cost them little."""
    if cache.path is not None and cache.read_anew >= FRONT_MATTERS_KEPT:
        from .reader import read_meta

        front_matters(root, sources, read_meta)
    cache.read_anew = 0
