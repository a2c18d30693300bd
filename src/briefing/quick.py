"""The no-op build's own file: »has anything changed since the last build?« answered
without reading the manifest.

At 5,000 releases the manifest holds 25,000 units and 60,000 file records (86 MB of
database), while a build with nothing to do needs only the fingerprints of its inputs and
the size, times and inode of every file it wrote, in one read. Every build that vouched for
every output writes exactly these to `output/.briefing-quick`; the next build reads them
first. The file names the manifest it was made from (its size, times and inode): once any
other build has written the manifest, it is void. A build with changes goes on with the
manifest, keeping what it hashed; it checks the files written against this file's records
(`damaged`, shared with the setting process: `Split`) and makes the next one from it.
"""

from __future__ import annotations

import contextlib
import os
import struct
from collections.abc import Callable, Iterator

from .files import stat_key, write_atomically
from .incremental import Manifest, Staleness, framed, read_records, unit_key
from .paths import Paths
from .report import Current, Outcome, Report

#: Changes whenever what the file holds changes.
QUICK_FORMAT = 5
#: A written file's size, times and inode (`files.stat_key`), packed: the records of
#: 45,000 files read as one object (a list each took 45–65 ms to read at 5,000 releases).
_WRITTEN = struct.Struct("<qqqQ")


class Quick:
    """The file's first record, and a way to the rest."""

    def __init__(self, paths: Paths, head: tuple, rest: Iterator):
        #: `mark`: the manifest's `stat_key` then (a build that writes it changes its size,
        #: times in nanoseconds or inode, as for every file briefing trusts by these).
        (_, _, self.mark, project, expires, inputs) = head
        self.paths, self._rest = paths, rest
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
        except OSError:
            return None
        records = read_records(data)
        head = next(records, (None,))[0]
        if not isinstance(head, tuple) or len(head) != 6 or head[:2] != ("schnell",
                                                                          QUICK_FORMAT):
            return None
        return cls(paths, head, records)

    def rest(self) -> tuple | None:
        """The file's second record (the files written, the problems, failures and PDFs),
        or None when it cannot be read."""
        if self._rest_record is None:
            rest = next(self._rest, (None,))[0]
            self._rest_record = rest[3:] if isinstance(rest, tuple) and len(rest) == 8 and \
                rest[:3] == ("schnell", QUICK_FORMAT, self.mark) else ()
            self._rest = iter(())  # (it holds the file's bytes: 8 MB at 5,000 releases)
        return self._rest_record or None

    def last(self) -> tuple | None:
        """`rest` with the input files' records of the first record, or None."""
        rest = self.rest()
        return None if rest is None else (rest, self.staleness.manifest.stats)

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


def damaged(paths: Paths, mark: list, written: tuple[list[str], bytes], checking=None
            ) -> list[str]:
    """The files written (relative to output/) not as recorded in `written` (the names and
    records of a quick file made with the manifest `mark`). `checking`: a setting process
    (`setting.Worker`) that checks them too (`outputs_checked`): what it found where it
    checked them against the same file, and the rest checked here, from the last file back
    (`Split.back`) until the two meet or where it stopped."""
    names, records = written
    split = getattr(checking, "split", None)
    with _output_folder(paths, names, records) as check:
        found, start = split.back(check, len(names)) if split is not None else \
            ([], len(names))
        answer = checking.checked() if checking is not None else None
        if answer is None or answer[0] != mark or answer[1] is not None:
            return [*check(0, start), *found]  # (it checked another file, or failed)
        return list(dict.fromkeys([*answer[3], *check(answer[4], start), *found]))


@contextlib.contextmanager
def _output_folder(paths: Paths, names: list[str], records: bytes):
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
             ) -> tuple[list[str], int]:
        """The build's part: the files not as recorded, and from where on it checked."""
        shared, found, start = self._shared, [], count
        while True:
            end, start = start, max(start - CHUNK, shared[0])
            if start >= end:
                return found, end
            shared[1] = start
            found += check(start, end)


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
        # (The first record, the inputs' records, is not needed here: passed over.)
        rest = next(read_records(data, skip=1))[0]
        mark = stat_key(paths.manifest)
        if rest[:3] == ("schnell", QUICK_FORMAT, mark) and mark is not None:
            names, packed = rest[3]
            del data, rest
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
    when a file's record is missing; written whole or not at all. `before`: the quick file
    made from the manifest as this build loaded it (`Quick.last`): only the units this
    build recorded or forgot and the files it hashed are looked at (at 5,000 releases,
    45,000 files written: 70 ms for all, about 50 ms this way)."""
    paths, manifest, digests = staleness.paths, staleness.manifest, staleness.digests
    mark = stat_key(paths.manifest)
    if mark is None or mark != manifest.loaded or manifest.project is None:
        return
    known, seen = digests.known, digests.seen

    def record(name: str) -> list | None:
        found = seen.get(name)
        return known.get(name) if found is None else found

    prefix = f"{paths.output_dir}{os.sep}"
    try:
        written = _changed_since(staleness, before[0], record, prefix) if before else None
        if written is None:
            known.under([prefix])
            written = _written_files([name for name, _, _ in manifest.written()], record,
                                     prefix)
    except struct.error:  # a time or size out of range: the manifest's way
        return
    if written is None:
        return
    if before:  # what this build hashed, and the inputs recorded then it did not look at
        inputs = {name: found for name, found in seen.items() if not name.startswith(prefix)}
        for name in before[1].keys() - inputs.keys():
            if (found := known.get(name)) is not None:
                inputs[name] = found
    else:
        inputs = {name: found for name, found in {**known, **seen}.items()
                  if not name.startswith(prefix)}
    made = _made_since(staleness, before[0][4]) if before else made_of(manifest)
    _write(paths, mark, manifest.project, manifest.expires, inputs,
           (written, manifest.problems, manifest.failed, manifest.failures, made))


def _written_files(names: list[str], record, prefix: str) -> tuple[list[str], bytes] | None:
    """The names and packed records of these files; None if one has none."""
    packed = []
    pack = _WRITTEN.pack
    for name in names:
        found = record(prefix + name)
        if found is None:
            return None
        packed.append(pack(*found[:4]))
    return names, b"".join(packed)


def _changed_since(staleness: Staleness, before: tuple, record,
                   prefix: str) -> tuple[list[str], bytes] | None:
    """`_written` of every unit, from `before` and what this run changed: the files of the
    units it recorded or forgot leave, the files of those it recorded come, and a file it
    hashed again gets its new record."""
    (names, packed), units = before[0], staleness.manifest.units
    size = _WRITTEN.size
    if len(packed) != len(names) * size:
        return None
    gone = {name for old in staleness.touched.values() if old is not None
            for name in old.files}
    new = [units[key] for key in staleness.touched if key in units]
    again = {name[len(prefix):] for name in staleness.digests.read
             if name.startswith(prefix)} - gone - {name for entry in new for name in entry.files}
    position = {name: index for index, name in enumerate(names) if name in gone or
                name in again}
    if not gone <= position.keys():
        return None  # not the record of this manifest
    kept = bytearray(packed)
    for name in again & position.keys():
        index = position[name]
        kept[index * size:(index + 1) * size] = _WRITTEN.pack(*record(prefix + name)[:4])
    added = _written_files([name for entry in new for name in entry.files], record,
                           prefix)
    if added is None:
        return None
    leaving = sorted(position[name] for name in gone)
    dropped = set(leaving)
    names = [name for index, name in enumerate(names) if index not in dropped]
    starts, ends = [0, *(index + 1 for index in leaving)], [*leaving, len(kept) // size]
    kept = b"".join(kept[start * size:end * size] for start, end in
                    zip(starts, ends, strict=True))
    return names + added[0], bytes(kept) + added[1]


def _made_since(staleness: Staleness, made: list[tuple]) -> list[tuple]:
    """`made_of` the manifest, from `made` as it was before this run and what it changed:
    a unit made again stays in its place, a new one comes last (as in the manifest)."""
    units, touched = staleness.manifest.units, staleness.touched
    found: list[tuple] = []
    done: set[str] = set()
    for entry in made:
        key = unit_key("kit" if entry[3] else "pdf", entry[0])
        if key not in touched:
            found.append(entry)
        elif key not in done:
            done.add(key)
            if key in units:
                found += made_of_units([units[key]])
    return found + made_of_units(units[key] for key in touched
                                 if key not in done and key in units)


def _write(paths: Paths, mark: list, project: str, expires: str | None, inputs: dict,
           rest: tuple) -> None:
    # (The second record names the file's format and manifest too: a reader of it alone,
    # `outputs_checked`, passes over the first.)
    data = framed(("schnell", QUICK_FORMAT, mark, project, expires, inputs)) + \
        framed(("schnell", QUICK_FORMAT, mark, *rest))
    # (Not flushed to the disk: one cut short by a power cut fails its checksum, and the
    # next build reads the manifest.)
    with contextlib.suppress(OSError):  # a full disk: the next build reads the manifest
        write_atomically(paths.quick, data, durable=False)
