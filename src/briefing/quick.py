"""The no-op build's own file: »has anything changed since the last build?« answered
without reading the manifest.

At 5,000 releases the manifest holds 25,000 units and 60,000 file records (86 MB of
database), while a build with nothing to do needs only the fingerprints of its inputs and
the size, times and inode of every file it wrote, in one read. Every build that vouched for
every output writes exactly these to `output/.briefing-quick`; the next build reads them
first. The file names the manifest it was made from (its size, times and inode): once any
other build has written the manifest, it is void. A build with changes goes on with the
manifest, keeping what it hashed; it checks the files written against this file's records
(`damaged`, shared with the setting process: `Split`) and makes the next one from it:
what it changed is appended to the file (`_delta`: a few kilobytes, where the whole file
is 7 MB and took 45 ms and 18 MB to write at 5,000 releases); past a quarter of the file's
size, the file is written whole again. A reader applies the appended records in order, as
far as each continues the one before it (the manifest it was made from is the one the
record before it was made with).
"""

from __future__ import annotations

import contextlib
import os
import struct
from array import array
from bisect import bisect_left
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from itertools import accumulate
from typing import TypeVar, overload

from .files import key_of, stat_key, write_atomically
from .incremental import Manifest, Staleness, framed, passed_over, read_records, unit_key
from .paths import Paths
from .report import Current, Outcome, Report

T = TypeVar("T")
#: Changes whenever what the file holds changes.
QUICK_FORMAT = 8
#: Its records, before those appended: the inputs' (the first), the files written, the rest
#: (the setting process reads only the files written).
_WHOLE = 3
#: The first word of a record appended by a build with changes (`_delta`).
_DELTA = "nachtrag"
#: Records appended before the file is written whole again, at most (each is read by
#: every later build); and what they may add to the size of the file's first two.
_MOST_DELTAS, _DELTA_SHARE = 200, 4
#: A written file's size, times and inode (`files.stat_key`), packed: the records of
#: 45,000 files read as one object (a list each took 45–65 ms to read at 5,000 releases).
_WRITTEN = struct.Struct("<qqqQ")
#: `Names.positions` looks for so many names one by one in the text (each search that
#: finds none reads all of it: 0.2 ms at 5,000 releases), more in one pass (5 ms).
_FEW_NAMES = 10


class Names(Sequence):
    """The names of the files written, in order: one text, the names parted by NUL (which
    no file name holds), and the length of each. At 5,000 releases 45,000 names are three
    objects of 2.4 MB, not a list of 45,000 texts of 4.8 MB that a build with changes holds
    to its end; read a part at a time (`names[start:end]`, `positions`)."""

    __slots__ = ("_starts", "lengths", "text")

    def __init__(self, text: str, lengths: array) -> None:
        self.text, self.lengths = text, lengths
        self._starts: array | None = None

    @classmethod
    def of(cls, names: list[str]) -> Names:
        return cls("\0".join(names), array("I", map(len, names)))

    @classmethod
    def read(cls, stored) -> Names | None:
        """As `stored` (`kept`), or None when it is not."""
        if not isinstance(stored, tuple) or len(stored) != 2 or \
                not isinstance(stored[0], str) or not isinstance(stored[1], bytes):
            return None
        lengths = array("I")
        try:
            lengths.frombytes(stored[1])
        except ValueError:
            return None
        names = cls(stored[0], lengths)
        fits = len(stored[0]) == (names._start(len(lengths)) - 1 if lengths else 0)
        return names if fits else None

    def kept(self) -> tuple[str, bytes]:
        return self.text, self.lengths.tobytes()

    def _start(self, index: int) -> int:
        """Where the name `index` begins in the text (`len(self)`: one past its end)."""
        if self._starts is None:  # (once: 45,000 lengths added up in 1 ms)
            self._starts = array("I", accumulate(self.lengths, initial=0))
        return self._starts[index] + index

    def __len__(self) -> int:
        return len(self.lengths)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, end, step = index.indices(len(self))
            if step != 1:
                return [self[i] for i in range(start, end, step)]
            if start >= end:
                return []
            return self.text[self._start(start):self._start(end) - 1].split("\0")
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self.text[self._start(index):self._start(index + 1) - 1]

    def __iter__(self) -> Iterator[str]:
        return iter(self.text.split("\0") if self.lengths else ())

    def positions(self, wanted: set[str]) -> dict[str, int]:
        """Name → its index, of those of `wanted` that are there: a few looked for in the
        text, many (a build that makes every unit again) in one pass over the names."""
        if len(wanted) > _FEW_NAMES:
            return {name: index for index, name in enumerate(self) if name in wanted}
        text, found = self.text, {}
        for name in wanted:
            at = text.find(name)
            while at >= 0:
                end = at + len(name)
                if (at == 0 or text[at - 1] == "\0") and (end == len(text) or
                                                           text[end] == "\0"):
                    found[name] = bisect_left(range(len(self)), at, key=self._start)
                    break
                at = text.find(name, at + 1)
        return found

    def without(self, leaving: list[int]) -> Names:
        """These names with those at the sorted indices `leaving` left out."""
        if not leaving:
            return self
        parts, lengths, start = [], array("I"), 0
        for end in [*leaving, len(self)]:
            if start < end:
                parts.append(self.text[self._start(start):self._start(end) - 1])
                lengths += self.lengths[start:end]
            start = end + 1
        return Names("\0".join(parts), lengths)

    def plus(self, added: list[str]) -> Names:
        if not added:
            return self
        return Names("\0".join([self.text, *added]) if self.lengths else "\0".join(added),
                     self.lengths + array("I", map(len, added)))


class Quick:
    """The file's first record with the inputs of those appended, and a way to the rest."""

    def __init__(self, paths: Paths, data: bytes, head: tuple, place: tuple):
        #: `mark`: the manifest's `stat_key` then (a build that writes it changes its size,
        #: times in nanoseconds or inode, as for every file briefing trusts by these).
        self.mark, project, expires, inputs = head
        self.paths, self._data, self.place = paths, data, place
        self._rest_record: tuple | None = None
        #: The files written not as recorded, when `unchanged` checked them.
        self.not_as_recorded: list[str] | None = None
        #: A staleness with the last build's fingerprint, expiry and input records only.
        self.staleness = Staleness(paths, Manifest(project=project, expires=expires,
                                                   stats=inputs))

    @classmethod
    def load(cls, paths: Paths) -> Quick | None:
        try:
            with open(paths.quick, "rb") as file:
                data = file.read()
                key = key_of(os.fstat(file.fileno()))
        except OSError:
            return None
        head = next(read_records(data), (None,))[0]
        if not isinstance(head, tuple) or len(head) != 6 or head[:2] != ("schnell",
                                                                          QUICK_FORMAT):
            return None
        mark, project, expires, inputs = head[2:]
        # (The files written and the rest are passed over: read when needed.)
        base, count = passed_over(data, _WHOLE), 0
        for delta, _ in _deltas(data, mark):
            mark, project, expires = delta[3:6]
            _inputs_applied(inputs, *delta[6:8])
            count += 1
        return cls(paths, data, (mark, project, expires, inputs), (key, base, count, mark))

    def rest(self) -> tuple | None:
        """The file's second record with those appended applied (the files written, the
        problems, failures and PDFs), or None when it cannot be read."""
        if self._rest_record is None:
            found = _rest_of(self._data)
            self._rest_record = found[1] if found is not None and found[0] == self.mark \
                else ()
            self._data = b""  # (8 MB at 5,000 releases)
        return self._rest_record or None

    def last(self) -> tuple | None:
        """For a build with changes: the files written (names and packed records), the
        input files' records, and where the file was (`place`: its `stat_key` as read,
        where its first two records end, how many were appended, and the manifest its
        last one was made with), or None. (Not the PDFs: 10,000 at 5,000 releases, kept
        through the build, for a file written whole once in many builds, which takes
        them from the manifest.)"""
        if self._rest_record is not None:  # (read whole already)
            written = self._rest_record[0] if self._rest_record else None
        else:
            found = _rest_of(self._data, whole=False)
            self._data = b""
            written = found[1][0] if found is not None and found[0] == self.mark else None
        return None if written is None else \
            (written, self.staleness.manifest.stats, self.place)

    def unchanged(self, channels: bool, checking=None) -> tuple[Manifest, list[tuple]] | None:
        """When nothing at all changed since (as `Staleness.unchanged_project` decides):
        the last build's problems and failures, and `made_of` its PDFs; else None.
        `checking`: the process that checks the files written meanwhile (`damaged`); told
        to stop at the first input file that has to be read again (most likely a change:
        then the build checks the rest, while it waits for the first page)."""
        if (split := getattr(checking, "split", None)) is not None:
            self.staleness.digests.first_read = split.stop
        if not self.staleness.unchanged_project(channels, intact=lambda: True):
            return None  # (the files are looked at below, once the manifest is known)
        rest = self.rest()
        if rest is None or stat_key(self.paths.manifest) != self.mark:
            return None
        _, problems, failed, failures, made = rest
        self.not_as_recorded = damaged(self.paths, self.mark, rest[0], checking)
        if self.not_as_recorded:
            return None  # (a file touched but the same: the build hashes these)
        self._remember_rehashed(rest)
        return Manifest(problems=problems, failed=failed, failures=failures), made

    def _remember_rehashed(self, rest: tuple) -> None:
        """Input files touched but the same (a `git checkout`) were hashed again: their new
        records go into the file, or every later build would hash them again."""
        manifest, seen = self.staleness.manifest, self.staleness.digests.seen
        if all(seen[name] is manifest.stats.get(name) for name in seen):
            return
        _write(self.paths, self.mark, manifest.project, manifest.expires,
               {**manifest.stats, **seen}, rest)


def damaged(paths: Paths, mark: list, written: tuple[Names, bytes], checking=None
            ) -> list[str]:
    """The files written (relative to output/) not as recorded in `written` (the names and
    records of a quick file made with the manifest `mark`). `checking`: a setting process
    (`setting.Worker`) that checks them too (`outputs_checked`): what it found where it
    checked them against the same file, and the rest checked here, from the last file back
    (`Split.back`) until the two meet or where it stopped."""
    return _done(damaged_in_steps(paths, mark, written, checking))


def damaged_in_steps(paths: Paths, mark: list, written: tuple[Names, bytes],
                     checking=None) -> Generator[None, None, list[str]]:
    """`damaged`, yielding after each `CHUNK` of files (`Run.later`: between pages)."""
    names, records = written
    split = getattr(checking, "split", None)
    with _output_folder(paths, names, records) as check:
        found, start = (yield from split.back(check, len(names))) if split is not None \
            else ([], len(names))
        answer = checking.checked() if checking is not None else None
        if answer is None or answer[0] != mark or answer[1] is not None:
            # (It checked another file, or failed.)
            return [*(yield from _in_chunks(check, 0, start)), *found]
        return list(dict.fromkeys([*answer[3], *(yield from _in_chunks(check, answer[4],
                                                                       start)), *found]))


def _in_chunks(check: Callable[[int, int], Iterator[str]], start: int, end: int
               ) -> Generator[None, None, list[str]]:
    """`check(start, end)`, a `CHUNK` at a time, yielding after each."""
    found: list[str] = []
    for at in range(start, end, CHUNK):
        found += check(at, min(at + CHUNK, end))
        yield
    return found


def _done(steps: Generator[None, None, T]) -> T:
    """What `steps` return, all done at once."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


@contextlib.contextmanager
def _output_folder(paths: Paths, names: Names, records: bytes):
    """`check(start, end)`: the names from `start` to `end` whose files are not as
    recorded. Named relative to output/ and looked up from it (not from / on each of
    thousands); all of them, when the records do not fit the names or output/ cannot be
    opened."""
    folder = -1
    if len(records) == len(names) * _WRITTEN.size:
        with contextlib.suppress(OSError):
            folder = os.open(paths.output_dir, os.O_RDONLY | os.O_DIRECTORY)

    def check(start: int, end: int) -> Iterator[str]:
        if folder < 0:
            yield from names[start:end]
            return
        stat, size = os.stat, _WRITTEN.size
        for name, recorded in zip(names[start:end], _WRITTEN.iter_unpack(
                records[start * size:end * size]), strict=True):
            try:
                found = stat(name, dir_fd=folder)
            except OSError:
                yield name
                continue
            if (found.st_size, found.st_mtime_ns, found.st_ctime_ns,
                    found.st_ino) != recorded:
                yield name

    try:
        yield check
    finally:
        if folder >= 0:
            os.close(folder)


#: The files checked at a time by one side of a `Split` before it looks at the other's.
CHUNK = 1000
_FAR = 2**62


class Split:
    """The check of the files written (45,000 at 5,000 releases, 0.15 s), shared by a build
    and its setting process, which starts on it while the build fingerprints the inputs:
    the setting process checks from the first file on, a chunk at a time; a build with
    nothing else to do (a no-op) checks from the last file back until the two meet. A
    build with changes tells it to stop (`stop`): the setting process then imports the
    engine for the pages, and the build checks the rest, which it does while it would wait
    for the setting process anyway. Shared memory, made before the fork: where each side
    has got to, and the stop. A chunk both take (each read the other's mark before it was
    moved) is checked twice; none is left out."""

    def __init__(self, context) -> None:
        #: [the setting process checked or took names[:front], the build names[back:],
        #: stop]
        self._shared = context.RawArray("q", 3)
        self._shared[1] = _FAR

    def stop(self) -> None:
        self._shared[2] = 1

    def front(self, check: Callable[[int, int], Iterator[str]], count: int
              ) -> tuple[list[str], int]:
        """The setting process's part: the files not as recorded, and how far it got."""
        shared, found, end = self._shared, [], 0
        while not shared[2]:
            start, end = end, min(end + CHUNK, count, shared[1])
            if end <= start:
                return found, start
            shared[0] = end
            found += check(start, end)
        return found, end

    def back(self, check: Callable[[int, int], Iterator[str]], count: int
             ) -> Generator[None, None, tuple[list[str], int]]:
        """The build's part: the files not as recorded, and from where on it checked
        (yielding after each chunk: `damaged_in_steps`)."""
        shared, found, start = self._shared, [], count
        while True:
            end, start = start, max(start - CHUNK, shared[0])
            if start >= end:
                return found, end
            shared[1] = start
            found += check(start, end)
            yield


def outputs_checked(paths: Paths, split: Split | None = None) -> tuple:
    """`incremental.outputs_checked`, from this file when it was made from the manifest
    as it is (the last build wrote both): the names of the files not as recorded instead
    of the units, without reading the manifest (at 5,000 releases, 0.2 s of 0.4 s); then
    also how many files from the first on were checked (all, unless `split` stopped it
    or the build took the rest)."""
    from .incremental import outputs_checked as by_manifest

    try:
        with open(paths.quick, "rb") as file:
            data = file.read()
        found = _rest_of(data, whole=False)
        mark = stat_key(paths.manifest)
        if found is not None and found[0] == mark and mark is not None:
            names, packed = found[1][0]
            del data, found
            with _output_folder(paths, names, packed) as check:
                if split is None:
                    return mark, None, {}, list(check(0, len(names))), len(names)
                return mark, None, {}, *split.front(check, len(names))
    except (OSError, StopIteration, TypeError, ValueError, IndexError):
        pass
    return by_manifest(paths)


def report_unchanged(paths: Paths, manifest: Manifest, made: list[tuple],
                     on_outcome: Callable[[Outcome], None]) -> Report:
    """The last build's report: its problems, its failures and (`made_of`) its PDFs: not
    the PDF of a document that failed (out of date), nor the press kit of a release that
    failed in any way (out of date, or its PDF was made and its press kit not)."""
    report = Report(manifest.stored_problems(), noop=True)
    report.outcomes = [Outcome(path, kit=kit) for path, kit in manifest.failures]
    documents = {path for path, kit in manifest.failures if not kit}
    report.outcomes += [Current(source, paths.output_dir, name, pages, kit)
                        for source, name, pages, kit in made
                        if source not in documents and not (kit and source in manifest.failed)]
    for outcome in report.outcomes:
        if outcome.ok:  # the failures were reported by the run that had them
            on_outcome(outcome)
    return report


def made_of(manifest: Manifest) -> list[tuple]:
    """(content file, name in output/, pages, whether a press kit) of every PDF."""
    return [(row.source, name, row.pages, row.output == "kit")
            for row in manifest.rows(("pdf", "kit")) for name in row.names]


def made_of_units(entries) -> list[tuple]:
    return [(e.source, name, e.pages, e.output == "kit") for e in entries
            for name in e.files if e.output in ("pdf", "kit")]


def write(staleness: Staleness, before: tuple | None = None) -> None:
    """After a build that vouched for every output: the quick file for the next one. Not
    when the manifest changed on disk since it was read (another build wrote it), nor
    when a file's record is missing; written (or appended to) whole or not at all.
    `before`: the quick file made from the manifest as this build loaded it
    (`Quick.last`): only the units this build recorded or forgot and the files it hashed
    are looked at (at 5,000 releases, 45,000 files written: 70 ms for all, about 10 ms
    this way), and what changed is appended to it (`_delta`) while that is small."""
    paths, manifest, digests = staleness.paths, staleness.manifest, staleness.digests
    mark = stat_key(paths.manifest)
    if mark is None or mark != manifest.loaded or manifest.project is None:
        return
    known, seen = digests.known, digests.seen

    def record(name: str) -> list | None:
        found = seen.get(name)
        return known.get(name) if found is None else found

    prefix = f"{paths.output_dir}{os.sep}"
    rest = (manifest.problems, manifest.failed, manifest.failures)
    try:
        if before and (delta := _delta(staleness, before, record, prefix)) is not None:
            if _appended(paths, manifest, mark, before, delta, rest):
                return
            written = _applied(before[0], [delta[2]])
            inputs = _inputs_applied(dict(before[1]), *delta[:2])
        elif manifest.saved_whole() and known is manifest.stats:
            # (As saved a moment ago: read a row at a time, not every record at once.)
            written = _written_files(((name, seen.get(prefix + name) or found) for
                                      name, found in manifest.written_records(prefix)))
            inputs = dict(manifest.records_outside(prefix))
            inputs.update((name, found) for name, found in seen.items()
                          if not name.startswith(prefix))
        else:
            known.under([prefix])
            written = _written_files((name, record(prefix + name))
                                     for name, _, _ in manifest.written())
            inputs = {name: found for name, found in {**known, **seen}.items()
                      if not name.startswith(prefix)}
        made = made_of(manifest)
    except struct.error:  # a time or size out of range: the manifest's way
        return
    # (A read that found the manifest damaged counts as no rows: no quick file of them.)
    if written is not None and not manifest.units.damaged:
        _write(paths, mark, manifest.project, manifest.expires, inputs,
               (written, *rest, made))


def _written_files(records: Iterable[tuple[str, list | None]]
                   ) -> tuple[Names, bytes] | None:
    """The names and packed records of these files ((name, record)); None if one has
    none."""
    names, packed = [], bytearray()
    pack = _WRITTEN.pack
    for name, found in records:
        if found is None:
            return None
        names.append(name)
        packed += pack(*found[:4])
    return Names.of(names), bytes(packed)


def _delta(staleness: Staleness, before: tuple, record, prefix: str) -> tuple | None:
    """What this run changed of the quick file `before` (`Quick.last`): the input files'
    records it hashed anew and those gone, the files written (`_written_change`), and the
    PDFs made (`_made_change`); None when `before` is not of this manifest."""
    seen, known, inputs = staleness.digests.seen, staleness.digests.known, before[1]
    changed = {name: found for name, found in seen.items()
               if not name.startswith(prefix) and (old := inputs.get(name)) is not found
               and old != found}
    # An input recorded then that this run did not look at keeps its record, if it has one.
    gone = [name for name in inputs if name not in seen and known.get(name) is None]
    written = _written_change(staleness, before[0], record, prefix)
    return None if written is None else (changed, gone, written, _made_change(staleness))


def _inputs_applied(inputs: dict, changed: dict, gone: list[str]) -> dict:
    """`inputs` (the input files' records) with a `_delta`'s records changed and gone."""
    inputs.update(changed)
    for name in gone:
        inputs.pop(name, None)
    return inputs


def _written_change(staleness: Staleness, written: tuple[Names, bytes], record,
                    prefix: str) -> tuple | None:
    """What this run changed of the files written (`written`: names and packed records):
    the files of the units it recorded or forgot leave, unless written again, which keep
    their place with their new record (as does a file it hashed again), and the new ones
    come last. (Indices of the names with their new records packed, indices of the names
    that leave, the names and records that come.) None when `written` is not of this
    manifest, or a record is missing."""
    (names, packed), units = written, staleness.manifest.units
    size = _WRITTEN.size
    if len(packed) != len(names) * size:
        return None
    gone = {name for old in staleness.touched.values() if old is not None
            for name in old.files}
    new = [name for key in staleness.touched if key in units for name in units[key].files]
    # (A file hashed again that its unit no longer writes leaves: it was removed.)
    again = {name[len(prefix):] for name in staleness.digests.read
             if name.startswith(prefix)} - (gone - set(new))
    position = names.positions(gone | again)
    if not gone <= position.keys():
        return None  # not the record of this manifest
    staying = (set(new) | again) & position.keys()
    kept = _written_files((name, record(prefix + name)) for name in sorted(staying))
    added = _written_files((name, record(prefix + name)) for name in new
                           if name not in position)
    if kept is None or added is None:
        return None
    leaving = sorted(position[name] for name in gone - staying)
    return [position[name] for name in kept[0]], kept[1], leaving, list(added[0]), added[1]


def _applied(written: tuple[Names, bytes], changes: list[tuple]) -> tuple[Names, bytes]:
    """The files written (names, packed records) with these `_written_change`s made, in
    order."""
    names, size = written[0], _WRITTEN.size
    packed = bytearray(written[1])
    for indices, records, leaving, added, added_records in changes:
        for at, index in enumerate(indices):
            packed[index * size:(index + 1) * size] = records[at * size:(at + 1) * size]
        if leaving:
            starts, ends = [0, *(index + 1 for index in leaving)], [*leaving, len(names)]
            packed = bytearray().join(packed[start * size:end * size]
                                      for start, end in zip(starts, ends, strict=True))
        names = names.without(leaving).plus(added)
        packed += added_records
    return names, bytes(packed)


def _made_change(staleness: Staleness) -> dict[str, list[tuple]]:
    """The PDFs (`made_of`) of each document or press kit this run made or forgot."""
    units = staleness.manifest.units
    return {key: made_of_units([units[key]]) if key in units else []
            for key, old in staleness.touched.items()
            if (units.get(key) or old) is not None and (units.get(key) or old).output in
            ("pdf", "kit")}


def _made_applied(made: list[tuple], changes: list[dict]) -> list[tuple]:
    """`made` with these `_made_change`s: a unit made again stays in its place, a new one
    comes last (as in the manifest), one forgotten leaves."""
    change: dict[str, list[tuple]] = {}
    for each in changes:
        change.update(each)
    if not change:
        return made
    found: list[tuple] = []
    done: set[str] = set()
    for entry in made:
        key = unit_key("kit" if entry[3] else "pdf", entry[0])
        if key not in change:
            found.append(entry)
        elif key not in done:
            done.add(key)
            found += change[key]
    return found + [entry for key, entries in change.items() if key not in done
                    for entry in entries]


def _deltas(data: bytes, mark: list) -> Iterator[tuple[tuple, int]]:
    """The records appended to a quick file (`data`) made with the manifest `mark`, as far
    as each continues the one before it."""
    for delta, end in read_records(data, skip=_WHOLE):
        if not isinstance(delta, tuple) or len(delta) != 13 or \
                delta[:3] != (_DELTA, QUICK_FORMAT, mark):
            return
        yield delta, end
        mark = delta[3]


def _rest_of(data: bytes, whole: bool = True) -> tuple[list, tuple] | None:
    """The manifest the file's last record was made with, and its records after the first
    with the appended ones applied: (the files written, the problems, failed, failures,
    PDFs); not `whole`: (the files written,) alone (the rest is not read: 10,000 PDFs
    at 5,000 releases)."""
    records = read_records(data, skip=1)
    written = next(records, (None,))[0]
    if not isinstance(written, tuple) or len(written) != 4 or \
            written[:2] != ("schnell", QUICK_FORMAT):
        return None
    mark, stored = written[2:]
    names = Names.read(stored[0]) if isinstance(stored, tuple) and len(stored) == 2 else None
    if names is None:
        return None
    written = (names, stored[1])
    rest: tuple = ()
    if whole:
        rest = next(records, (None,))[0]
        if not isinstance(rest, tuple) or len(rest) != 7 or \
                rest[:3] != ("schnell", QUICK_FORMAT, mark):
            return None
        rest = rest[3:]
    deltas = [delta for delta, _ in _deltas(data, mark)]
    if deltas:
        mark = deltas[-1][3]
        written = _applied(written, [delta[8] for delta in deltas])
        if whole:
            rest = (*deltas[-1][9:12], _made_applied(rest[3], [delta[12] for delta in deltas]))
    return mark, (written, *rest)


def _appended(paths: Paths, manifest: Manifest, mark: list, before: tuple, delta: tuple,
              rest: tuple) -> bool:
    """Append `delta` and the manifest's `rest` (problems, failed, failures) to the quick
    file `before` was read from (`Quick.place`), if it is still as read and stays small;
    else False: it is written whole. (A record cut short, by a full disk or a power cut,
    fails its checksum: the records before it name another manifest, and the next build
    reads the manifest.)"""
    key, base, count, last = before[2]
    if count >= _MOST_DELTAS:
        return False
    changed, gone, written, made = delta
    data = b"".join(framed((_DELTA, QUICK_FORMAT, last, mark, manifest.project,
                            manifest.expires, changed, gone, written, *rest, made)))
    try:
        with open(paths.quick, "ab") as file:
            found = os.fstat(file.fileno())
            if key_of(found) != key or found.st_size - base + len(data) > \
                    base // _DELTA_SHARE:
                return False
            file.write(data)
    except OSError:
        return False
    return True


def _write(paths: Paths, mark: list, project: str, expires: str | None, inputs: dict,
           rest: tuple) -> None:
    # (Each record names the file's format and manifest: a reader of the files written
    # alone, `outputs_checked`, passes over the first.)
    written, *rest = rest
    data = framed(("schnell", QUICK_FORMAT, mark, project, expires, inputs)) + \
        framed(("schnell", QUICK_FORMAT, mark, (written[0].kept(), written[1]))) + \
        framed(("schnell", QUICK_FORMAT, mark, *rest))
    # (Not flushed to the disk: one cut short by a power cut fails its checksum, and the
    # next build reads the manifest.)
    with contextlib.suppress(OSError):  # a full disk: the next build reads the manifest
        write_atomically(paths.quick, data, durable=False)
