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

The cache is a file per project in the user's cache folder (`files.cache_dir`), outside
the project: content cannot plant one, and the texts it holds (internal notes, internal
documents) are nowhere near output/. Only a build writes it (`check` reads it); a cache
that cannot be read is simply made again, and one unused for `KEEP_DAYS` is removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from pathlib import Path

from .files import bulk_read, cache_dir, stat_key, write_atomically
from .incremental import digest

#: Raised when the layout of what is stored changes.
FORMAT = 2
KEEP_DAYS = 30
#: Parsing one content file costs about as much as writing this many cached documents,
#: reading and hashing one about as much as this many (measured at 5,000 one-page
#: releases: 16 µs to write one, 0.6 ms to parse one, 30 µs to hash one).
PARSE_PER_WRITE, READ_PER_WRITE = 40, 2


def _place(root: Path) -> Path:
    name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:24]
    return cache_dir() / "dokumente" / f"{name}.pickle"


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


class DocumentCache:
    def __init__(self, path: Path | None, key: str):
        self.path, self.key = path, key
        #: display path → (stat key, SHA-256, the pickled (document or None, problems)):
        #: each unpickled only when read, so a build of one family out of thousands
        #: (`project.load_project`, `family`) holds that family's documents only.
        self.documents: dict[str, tuple] = {}
        #: (text, style, language) → typeset text.
        self.typeset: dict[tuple, str] = {}
        self._used: dict[str, tuple] = {}
        self._typeset_used: dict[tuple, str] = {}
        self.changed = False
        #: What taking this run's files from the cache next time would save, in units of
        #: writing one cached document (a file parsed, a file only touched: read again).
        self.cost = 0
        if path is not None:
            self._load()

    @classmethod
    def for_project(cls, config, final: bool, stored: bool = True) -> DocumentCache:
        return cls(_place(config.root) if stored else None, context(config, final))

    def _load(self) -> None:
        data = _read(self.path, self.key)
        self.documents, self.typeset = data.get("documents", {}), data.get("typeset", {})

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
            self.cost += READ_PER_WRITE
        else:
            result = make(path, display)
            kept = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            self.cost += PARSE_PER_WRITE
        self._used[display] = (key, sha, kept)
        self.changed = True
        return result

    def typeset_with(self, typeset):
        """`typeset` remembered across builds."""

        def cached(text: str, style, language: str) -> str:
            key = (text, style, language)
            result = self._typeset_used.get(key)
            if result is None:
                result = self.typeset.get(key)
                if result is None:
                    result = typeset(text, style, language)
                    self.changed = True
                self._typeset_used[key] = result
            return result

        return cached

    def carry_on(self) -> None:
        """For a long-lived caller (the preview): what this run read is what the next one
        finds, in memory."""
        self.documents, self.typeset = self._used, self._typeset_used
        self._used, self._typeset_used, self.changed, self.cost = {}, {}, False, 0

    def save(self, present: set[str] | None = None) -> None:
        """Keep what this run used (files deleted since are dropped). `present`: the run
        read only some of the content files (one family), these are all there are: the
        others' documents are kept as they were."""
        if self.path is None:
            return
        documents, typeset = self._used, self._typeset_used
        if present is not None:
            documents = {name: found for name, found in self.documents.items()
                         if name in present} | self._used
            typeset = self.typeset | self._typeset_used
        same_files = len(documents) == len(self.documents)
        if same_files and (not self.changed or self.cost < len(documents)):
            # Reading these few files again next time costs less than writing the cache
            # of thousands now (a correction in a large archive).
            return
        _write(self.path, {"version": self.key, "documents": documents, "typeset": typeset})
        _remove_unused(self.path.parent)


def _remove_unused(folder: Path) -> None:
    """The caches of projects not built for `KEEP_DAYS` (test folders, moved projects)."""
    import time

    oldest = time.time() - KEEP_DAYS * 86400
    for path in folder.glob("*.pickle"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < oldest:
                path.unlink()


def front_matters(root: Path, sources: list[str], read) -> dict[str, dict]:
    """The front matter of each content file (`read(path)`, e.g. `reader.read_meta`), for
    `liste` and `status` over thousands of files: a file whose size, times and inode are as
    last time is not parsed again (a cache per project beside the documents')."""
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
