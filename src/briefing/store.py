"""The manifest's file: an SQLite database in output/, read row by row as a build asks.

At 5,000 releases the manifest holds 25,000 units, 60,000 file records and 5,000 entries
of the site's lists. A correction touches a few dozen of them; reading all of them (tens of
megabytes) cost more than the correction itself, and the memory grew with the archive. So
each kind of record is a table with its key indexed, and `Table` is a mapping that reads a
row when it is first asked for (or all of them, when it is iterated), keeps what was
changed, and writes only that back, in one transaction: a crash or a full disk leaves the
last saved state whole (SQLite's rollback journal), and the database file changes on disk
with every save (its size, times and inode are what the quick file names).

The sqlite3 module is part of Python: nothing to install. The file is briefing's own record
in output/, read by no one else.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import weakref
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from .errors import MachineError

if TYPE_CHECKING:
    import sqlite3

#: Changes whenever the tables or what their rows hold change.
SCHEMA = 3

_TABLES = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID;
CREATE TABLE units (key TEXT PRIMARY KEY, output TEXT, source TEXT, pages INTEGER,
                    names TEXT);
CREATE TABLE unit_values (key TEXT PRIMARY KEY, value BLOB);
CREATE INDEX units_by_output ON units (output);
CREATE INDEX units_by_source ON units (source);
CREATE TABLE refs (file TEXT, unit TEXT, image INTEGER);
CREATE INDEX refs_by_file ON refs (file);
CREATE INDEX refs_by_unit ON refs (unit);
CREATE TABLE written (name TEXT PRIMARY KEY, unit TEXT, sha TEXT);
CREATE INDEX written_by_unit ON written (unit);
CREATE TABLE stats (key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE published (key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE listed (key TEXT PRIMARY KEY, value BLOB);
"""

def connect(path: Path) -> sqlite3.Connection:
    """The database at `path` (which must exist), for reading and saving."""
    return _open(f"file:{quote(os.fsencode(path))}?mode=rw", uri=True, shown=path)


def create(path: Path, schema: str = _TABLES) -> sqlite3.Connection:
    """A new, empty database at `path` (an empty file, or none)."""
    connection = _open(os.fspath(path), shown=path)
    connection.executescript(schema)
    return connection


def replace_file(path: Path, write: Callable[[sqlite3.Connection], None],
                 schema: str = _TABLES) -> sqlite3.Connection:
    """A new database written by `write` in a temporary file beside `path` that then
    replaces it (a crash leaves the old one); connected. Ctrl-C and `kill` are held back
    in this thread meanwhile (one between making the temporary file and knowing its name
    left it behind); while other threads run (a pool's), one may still come through, and
    the build's last save writes the manifest again."""
    import signal
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    ending = {signal.SIGINT, signal.SIGTERM}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, ending)
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name.lstrip('.')}.", suffix=".tmp",
                                        dir=path.parent)
        os.close(handle)
        try:
            connection = create(Path(temp), schema)
            try:
                write(connection)
            finally:
                connection.close()
            os.chmod(temp, 0o644)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.remove(temp)
            raise
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
    return connect(path)


@contextlib.contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """Everything written within, or (an exception) nothing."""
    import sqlite3

    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
        connection.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            connection.execute("ROLLBACK")
        raise


def write_rows(connection: sqlite3.Connection, table: Table) -> None:
    """What was set or deleted in `table` since it was read, in its database table (of
    a key and a value, marshalled), in the order set (as a dict would keep them)."""
    many = connection.executemany
    many(f"DELETE FROM {table.name} WHERE key = ?",
         [(key,) for key in table.dirty if key in table.gone or key in table.moved])
    many(f"INSERT INTO {table.name} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
         "SET value = excluded.value",
         ((key, marshal.dumps(value)) for key, value in table.cache.items()
          if key in table.dirty))


def write_meta(connection: sqlite3.Connection, meta: dict) -> None:
    connection.executemany("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)",
                           [(name, marshal.dumps(value)) for name, value in meta.items()])


def close_all() -> None:
    """Close every database this process opened (a command run within a longer-lived
    process, as the tests do, leaves no file open in output/)."""
    for connection in list(_connections):
        connection.close()
    _connections.clear()


#: Every connection opened and not yet freed.
_connections: weakref.WeakSet = weakref.WeakSet()


def _open(name: str, shown: Path, uri: bool = False) -> sqlite3.Connection:
    """(sqlite3 is imported here: a build with nothing to do never opens the database.)
    A save of thousands of rows takes a second or two: a reader waits for it (`timeout`)."""
    import sqlite3

    class Connection(sqlite3.Connection):
        """(A subclass: sqlite3's own connections cannot be referred to weakly.)"""

    connection = sqlite3.connect(name, uri=uri, isolation_level=None, timeout=60,
                                 check_same_thread=False, factory=Connection)
    #: The file as staff know it, for messages (`output/.briefing-manifest`).
    connection.shown = f"{shown.parent.name}/{shown.name}"
    connection.execute("PRAGMA journal_mode = DELETE")
    _connections.add(connection)
    return connection


def prefix_end(prefix: str) -> str:
    """Keys are compared as text: every key beginning with `prefix` sorts from it to this,
    the prefix with its last character one higher (`key >= prefix AND key < end`)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


class Table(MutableMapping):
    """One table of the database as a mapping of key → value, read lazily: a row is read
    when first asked for, every row when the mapping is iterated (in the order the rows
    were first written, as a dict keeps them). What is set or deleted is kept in memory
    until `Manifest.save` writes it (`dirty`). Without a database, a plain mapping.

    A read the database refuses (a damaged file) counts as no row, and `damaged` is set:
    the manifest is then replaced by an empty one (`Manifest.save`), the document cache
    written anew. A read the machine refuses (an I/O error, a lock held too long) is a
    MachineError."""

    def __init__(self, connection: sqlite3.Connection | None, name: str,
                 decode: Callable[[bytes], object] = marshal.loads,
                 values: dict | None = None):
        self.connection, self.name, self.decode = connection, name, decode
        #: Rows read or set. A key missing here and from `gone` is as the database has it.
        self.cache: dict = {} if values is None else values
        #: Keys deleted since the last save, and keys of rows known not to be there.
        self.gone: set = set()
        self._absent: set = set()
        #: Keys set or deleted since the last save; those deleted and set again (a dict puts
        #: them last: so are they written).
        self.dirty: set = set()
        self.moved: set = set()
        #: Keys set (new, or deleted and set again) in the order a dict would have them.
        self._order: dict = {}
        self.whole = connection is None
        #: Prefix → the keys the database had beginning with it (`under`).
        self._under: dict[str, list] = {}
        self.damaged = False

    # --- reading --------------------------------------------------------------------------

    def _query(self, sql: str, parameters: Iterable = ()) -> list[tuple]:
        return list(self.each(sql, parameters))

    def each(self, sql: str, parameters: Iterable = ()) -> Iterator[tuple]:
        """The rows of a query one after another (thousands are not held at once)."""
        import sqlite3  # (imported by `connect` already)

        try:
            cursor = self.connection.execute(sql, tuple(parameters))
            while rows := cursor.fetchmany(500):
                yield from rows
        except sqlite3.OperationalError as exc:  # the machine: a read error, a long lock
            why = "ein anderer Lauf schreibt sie seit einer Minute" if "locked" in str(exc) \
                else f"Lesefehler ({exc})"
            raise MachineError(f"{self.connection.shown} kann nicht gelesen werden: {why}; "
                               "versuchen Sie es erneut") from exc
        except sqlite3.DatabaseError:  # the file is damaged: the manifest is made anew
            self.damaged = True

    def _row(self, key):
        rows = self._query(f"SELECT value FROM {self.name} WHERE key = ?", (key,))
        if not rows:
            self._absent.add(key)
            return None
        value = self.cache[key] = self.decode(rows[0][0])
        return value

    def __getitem__(self, key):
        found = self.get(key, _MISSING)
        if found is _MISSING:
            raise KeyError(key)
        return found

    def get(self, key, default=None):
        found = self.cache.get(key, _MISSING)
        if found is not _MISSING:
            return found
        if self.whole or key in self.gone or key in self._absent:
            return default
        found = self._row(key)
        return default if found is None else found

    def __contains__(self, key) -> bool:
        return self.get(key, _MISSING) is not _MISSING

    def many(self, keys: Iterable) -> None:
        """Read the rows of these keys at once (not those read already)."""
        wanted = [k for k in keys if k not in self.cache and k not in self.gone and
                  k not in self._absent]
        if self.whole or not wanted:
            return
        for key, value in self._rows_of(wanted):
            self.cache[key] = value
        self._absent.update(set(wanted) - self.cache.keys())

    def fetched(self, keys: Iterable) -> dict:
        """Key → value of these keys, as `get` gives them, without keeping the rows read
        (a site page's entries: thousands, each asked for once)."""
        keys = list(keys)
        found = {key: value for key in keys
                 if (value := self.cache.get(key, _MISSING)) is not _MISSING}
        if not self.whole:
            found.update(self._rows_of([k for k in keys if k not in found and
                                        k not in self.gone and k not in self._absent]))
        return found

    def _rows_of(self, keys: list) -> Iterator[tuple]:
        """(key, value) of the rows of these keys there are (read 500 at a time)."""
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            for key, value in self._query(f"SELECT key, value FROM {self.name} WHERE key IN "
                                          f"({','.join('?' * len(part))})", part):
                yield key, self.decode(value)

    def under(self, prefixes: Iterable[str]) -> list:
        """The keys that begin with one of `prefixes`, their rows read."""
        found: list = []
        prefixes = tuple(prefixes)
        if self.whole:
            return [key for key in self.cache if key.startswith(prefixes)]
        cache, gone = self.cache, self.gone
        for prefix in prefixes:
            stored = self._under.get(prefix)
            if stored is None:
                stored = self._under[prefix] = []
                end = prefix_end(prefix)
                for key, value in self._query(f"SELECT key, value FROM {self.name} WHERE "
                                              "key >= ? AND key < ?", (prefix, end)):
                    stored.append(key)
                    if key not in cache and key not in gone:
                        cache[key] = self.decode(value)
            found += [key for key in stored if key not in gone] if gone else stored
        stored = set(found)
        return found + [key for key in self.dirty if key in cache and key not in stored
                        and key.startswith(prefixes)]

    def seed(self, prefix: str, rows: dict) -> None:
        """The rows of every key beginning with `prefix`, known to be as the database has
        them (read from elsewhere: the quick file, made with it): `under` takes them
        instead of reading them again."""
        if self.whole or prefix in self._under:
            return
        cache, gone = self.cache, self.gone
        self._under[prefix] = list(rows)
        for key, value in rows.items():
            if key not in cache and key not in gone:
                cache[key] = value

    def names(self) -> list:
        """Every key, without reading the rows' values."""
        if self.whole:
            return list(self.cache)
        stored = [key for (key,) in self._query(f"SELECT key FROM {self.name}")
                  if key not in self.gone]
        known = set(stored)
        return stored + [key for key in self.cache if key not in known]

    def load(self) -> dict:
        """Every row (read once), in the order they were first written."""
        if not self.whole:
            rows = self._query(f"SELECT key, value FROM {self.name} ORDER BY rowid") \
                if self.name != "meta" else []
            every: dict = {}
            cache, gone = self.cache, self.gone
            for key, value in rows:
                if key in gone or key in self.moved:
                    continue
                found = cache.get(key, _MISSING)
                every[key] = self.decode(value) if found is _MISSING else found
            # New since the last save, and deleted and set again: last, as set.
            for key in self._order:
                if key not in every and key in cache:
                    every[key] = cache[key]
            self.cache, self.whole = every, True
        return self.cache

    def __iter__(self) -> Iterator:
        return iter(self.load())

    def __len__(self) -> int:
        return len(self.load())

    def values(self):
        return self.load().values()

    def items(self):
        return self.load().items()

    def keys(self):
        return self.load().keys()

    # --- changing -------------------------------------------------------------------------

    def __setitem__(self, key, value) -> None:
        before = self.cache.get(key, _MISSING)
        if before is value:
            return
        if key in self.gone:
            self.gone.discard(key)
            self.moved.add(key)
            self._order.pop(key, None)
        if not self.whole:
            self._order.setdefault(key, None)
        self.cache[key] = value
        self._absent.discard(key)
        if before is _MISSING or before != value:
            self.dirty.add(key)

    def __delitem__(self, key) -> None:
        if key not in self:
            raise KeyError(key)
        self.cache.pop(key, None)
        self.gone.add(key)
        self.dirty.add(key)

    def merge(self, items: dict) -> None:
        """`update` with `items`, skipping each value that this key has already (as read):
        a build sets the records of the tens of thousands of files it looked at, nearly
        all as it found them."""
        cache = self.cache
        for key, value in items.items():
            found = cache.get(key, _MISSING)
            if found is not value and found != value:
                self[key] = value

    def saved(self) -> None:
        """What was changed is in the database now."""
        self.dirty.clear()
        self.moved.clear()
        self.gone.clear()
        self._order.clear()
        self._under.clear()

    def evict(self) -> None:
        """Forget the rows read or set, saved since (`saved`): they are read again from
        the database when asked for. A long build does so after each of its saves, so
        that it does not hold a row of every unit it made (at 5,000 releases, 15,000)."""
        if self.connection is None or self.dirty:
            return
        self.cache, self.whole = {}, False
        self._absent = set()


_MISSING = object()
