"""The no-op build's own file: »has anything changed since the last build?« answered
without reading the manifest.

At 5,000 releases the manifest is 31 MB and takes 0.13–0.2 s to read, while a build with
nothing to do needs only the fingerprints of its inputs and the size, times and inode of
every file it wrote. A build that found nothing changed (having read the whole manifest)
writes exactly these to `output/.briefing-quick`; the next build reads them first. The
file names the manifest it was made from (its size, times and inode): once any build has
written the manifest, it is void. Its first record (fingerprints) is all that a
build with changes reads of it; it then goes on with the manifest, keeping what it hashed.
"""

from __future__ import annotations

import contextlib
import os
import struct
from collections.abc import Callable, Iterator

from .files import stat_key, write_atomically
from .incremental import Manifest, Staleness, framed, read_records
from .paths import Paths
from .report import Outcome, Report

#: Changes whenever what the file holds changes.
QUICK_FORMAT = 3
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

    def unchanged(self, channels: bool) -> tuple[Manifest, list[tuple]] | None:
        """When nothing at all changed since (as `Staleness.unchanged_project` decides):
        the last build's problems and failures, and `made_of` its PDFs; else None."""
        if not self.staleness.unchanged_project(channels, intact=lambda: True):
            return None  # (the files are looked at below, once the manifest is known)
        rest = next(self._rest, (None,))[0]
        if not isinstance(rest, tuple) or len(rest) != 4 or \
                stat_key(self.paths.manifest) != self.mark:
            return None
        (names, records), problems, failed, made = rest
        if not self._intact(names, records):
            return None  # (a file touched but the same: the manifest's way finds out)
        self._remember_rehashed(rest)
        return Manifest(problems=problems, failed=failed), made

    def _intact(self, names: list[str], records: bytes) -> bool:
        """Every file written is as recorded."""
        return next(_not_as_recorded(self.paths, names, records), None) is None

    def _remember_rehashed(self, rest: tuple) -> None:
        """Input files touched but the same (a `git checkout`) were hashed again: their new
        records go into the file, or every later build would hash them again."""
        manifest, seen = self.staleness.manifest, self.staleness.digests.seen
        if all(seen[name] is manifest.stats.get(name) for name in seen):
            return
        _write(self.paths, self.mark, manifest.project, manifest.expires,
               {**manifest.stats, **seen}, rest)


def _not_as_recorded(paths: Paths, names: list[str], records: bytes) -> Iterator[str]:
    """The files written whose size, times or inode are not as recorded (all of them, if
    the records do not fit the names). Named relative to output/ and looked up from it
    (not from / on each of thousands)."""
    if len(records) != len(names) * _WRITTEN.size:
        yield from names
        return
    try:
        folder = os.open(paths.output_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield from names
        return
    try:
        stat = os.stat
        for name, recorded in zip(names, _WRITTEN.iter_unpack(records), strict=True):
            try:
                found = stat(name, dir_fd=folder)
            except OSError:
                yield name
                continue
            if (found.st_size, found.st_mtime_ns, found.st_ctime_ns,
                    found.st_ino) != recorded:
                yield name
    finally:
        os.close(folder)


def outputs_checked(paths: Paths) -> tuple:
    """`incremental.outputs_checked`, from this file when it was made from the manifest
    as it is (the last build wrote both): the names of the files not as recorded instead
    of the units, without reading the manifest (at 5,000 releases, 0.2 s of 0.4 s)."""
    from .incremental import outputs_checked as by_manifest

    try:
        with open(paths.quick, "rb") as file:
            data = file.read()
        records = read_records(data)
        head, rest = next(records)[0], next(records)[0]
        mark = stat_key(paths.manifest)
        if head[:3] == ("schnell", QUICK_FORMAT, mark) and mark is not None:
            names, packed = rest[0]
            return mark, None, {}, list(_not_as_recorded(paths, names, packed))
    except (OSError, StopIteration, TypeError, ValueError, IndexError):
        pass
    return by_manifest(paths)


def report_unchanged(paths: Paths, manifest: Manifest, made: list[tuple],
                     on_outcome: Callable[[Outcome], None]) -> Report:
    """The last build's report: its problems, its failures and (`made_of`) its PDFs."""
    report = Report(manifest.stored_problems(), noop=True)
    report.outcomes = [Outcome(path) for path in manifest.failed]
    report.outcomes += [Outcome(source, paths.output_dir / name, pages, unchanged=True,
                                kit=kit)
                        for source, name, pages, kit in made if source not in manifest.failed]
    for outcome in report.outcomes:
        if outcome.ok:  # the failures were reported by the run that had them
            on_outcome(outcome)
    return report


def made_of(manifest: Manifest) -> list[tuple]:
    """(content file, name in output/, pages, whether a press kit) of every PDF."""
    return [(e.source, name, e.pages, e.output == "kit") for e in manifest.units.values()
            for name in e.files if e.output in ("pdf", "kit")]


def write(staleness: Staleness) -> None:
    """After a build that vouched for every output: the quick file for the next one. Not
    when the manifest changed on disk since it was read (another build wrote it), nor
    when a file's record is missing; written whole or not at all."""
    paths, manifest, digests = staleness.paths, staleness.manifest, staleness.digests
    mark = stat_key(paths.manifest)
    if mark is None or mark != manifest.loaded or manifest.project is None:
        return
    records = {**digests.known, **digests.seen}
    prefix = f"{paths.output_dir}{os.sep}"
    names, packed = [], []
    pack = _WRITTEN.pack
    try:
        for entry in manifest.units.values():
            for name in entry.files:
                record = records.get(prefix + name)
                if record is None:
                    return
                names.append(name)
                packed.append(pack(*record[:4]))
    except struct.error:  # a time or size out of range: the manifest's way
        return
    inputs = {name: record for name, record in records.items() if not name.startswith(prefix)}
    _write(paths, mark, manifest.project, manifest.expires, inputs,
           ((names, b"".join(packed)), manifest.problems, manifest.failed, made_of(manifest)))


def _write(paths: Paths, mark: list, project: str, expires: str | None, inputs: dict,
           rest: tuple) -> None:
    data = framed(("schnell", QUICK_FORMAT, mark, project, expires, inputs)) + framed(rest)
    with contextlib.suppress(OSError):  # a full disk: the next build reads the manifest
        write_atomically(paths.quick, data)
