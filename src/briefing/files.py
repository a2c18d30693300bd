"""Writing into output/: atomic files, the build lock, and faults of the machine in German.

Every file briefing writes (PDFs, the manifest, caches) goes through `write_atomically`: a
temporary file beside the target, flushed to disk, then renamed into place. A failed or
interrupted write never leaves a truncated file or replaces a good one.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gc
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import MachineError
from .paths import Paths

#: Temporary files are hidden and end in `.tmp`; the lock holder removes leftovers.
TEMP_PREFIX, TEMP_SUFFIX = ".", ".tmp"


def _temporary(target: Path, data: bytes | list[bytes], mode: int, names: list[str],
               durable: bool = True) -> str:
    """`data` in a temporary file beside `target`, on disk (`durable`: flushed to the disk
    itself); its name is added to `names` before anything is written (so the caller can
    remove it whatever happens)."""
    handle, temp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.name}.",
                                         suffix=TEMP_SUFFIX, dir=target.parent)
    names.append(temp_name)
    with os.fdopen(handle, "wb") as temp:
        if isinstance(data, list):  # in parts, not joined
            temp.writelines(data)
        else:
            temp.write(data)
        temp.flush()
        if durable:
            os.fsync(temp.fileno())
    os.chmod(temp_name, mode)
    return temp_name


def write_atomically(target: Path, data: bytes | list[bytes], mode: int = 0o644,
                     durable: bool = True) -> None:
    """Write `data` (or its parts, in order) to `target` completely or not at all. Raises
    OSError (with the temporary file removed) when the machine refuses. `durable`: False
    for a file that only saves work (briefing's own caches, which check what they read):
    not flushed to the disk before it replaces the old one, so a power cut may leave it
    empty or cut short."""
    target.parent.mkdir(parents=True, exist_ok=True)
    names: list[str] = []
    try:
        os.replace(_temporary(target, data, mode, names, durable), target)
    except BaseException:
        for name in names:
            Path(name).unlink(missing_ok=True)
        raise


def write_all_atomically(files: dict[Path, bytes], mode: int = 0o644) -> None:
    """Write several files as one: every one is written to a temporary file beside it and
    flushed to disk first; only when all of them are there are they renamed into place. A
    refusal of the machine (disk full) leaves every old file as it was. Raises OSError
    (naming the file in `filename`) with every temporary file removed."""
    names: list[str] = []  # the temporary files, in the order of `targets`
    targets: list[Path] = []
    made: list[Path] = []  # folders this call made: gone again when it fails
    try:
        for target, data in files.items():
            missing = [f for f in (target.parent, *target.parent.parents) if not f.exists()]
            target.parent.mkdir(parents=True, exist_ok=True)
            made += missing
            try:
                _temporary(target, data, mode, names)
            except OSError as exc:
                exc.filename = exc.filename or str(target)
                raise
            targets.append(target)
    except BaseException:
        for temp_name in names:
            Path(temp_name).unlink(missing_ok=True)
        for folder in sorted(made, key=lambda f: len(f.parts), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    for temp_name, target in zip(names, targets, strict=True):
        os.replace(temp_name, target)


#: Folders of ours in the system's temporary folder: `briefing-<kind>-<process id>-…`.
TEMP_FOLDER_PREFIX = "briefing-"
#: A folder of a process that is gone (killed, so it could not remove it) is removed by
#: the next process that ends, once it is this old: a process of another machine or
#: container sharing the folder, whose id means nothing here, has long made its folder.
ORPHAN_SECONDS = 3600
#: (process id, folder) made by `temp_folder`: a forked child inherits its parent's.
_OWN_FOLDERS: list[tuple[int, Path]] = []


def temp_folder(kind: str) -> Path:
    """A new folder in the system's temporary folder, removed when this process ends
    (`remove_temp_folders`), also in a worker process, which ends without Python's own
    clean-up. A process killed outright leaves it; the next one to end sweeps it."""
    import multiprocessing.util

    pid = os.getpid()
    folder = Path(tempfile.mkdtemp(prefix=f"{TEMP_FOLDER_PREFIX}{kind}-{pid}-"))
    if all(owner != pid for owner, _ in _OWN_FOLDERS):
        # Run at the end of a multiprocessing child and at the interpreter's exit.
        multiprocessing.util.Finalize(None, remove_temp_folders, exitpriority=0)
    _OWN_FOLDERS.append((pid, folder))
    return folder


def remove_temp_folders(pid: int | None = None) -> None:
    """Remove this process's `temp_folder`s (not its parent's), or those of the child
    process `pid`, which was killed; and then those of processes that were killed and
    nobody cleaned up after."""
    import shutil

    if pid is None:
        own = [e for e in _OWN_FOLDERS if e[0] == os.getpid()]
        if not own:
            return
        for entry in own:
            shutil.rmtree(entry[1], ignore_errors=True)
            _OWN_FOLDERS.remove(entry)
    old = time.time() - ORPHAN_SECONDS
    with contextlib.suppress(OSError), os.scandir(tempfile.gettempdir()) as entries:
        for entry in entries:
            if entry.name.startswith(TEMP_FOLDER_PREFIX) and _orphan(entry, pid, old):
                shutil.rmtree(entry.path, ignore_errors=True)


def _orphan(entry: os.DirEntry, killed: int | None, old: float) -> bool:
    """A folder of the process `killed`, or of a process that is gone, made before `old`."""
    parts = entry.name.split("-")
    if len(parts) < 4 or not parts[2].isdigit() or not entry.is_dir(follow_symlinks=False):
        return False
    if int(parts[2]) == killed:
        return True
    try:
        os.kill(int(parts[2]), 0)  # no signal sent: only asks whether the process lives
        return False
    except ProcessLookupError:
        pass
    except (PermissionError, OverflowError):  # alive, another user's; no such number
        return False
    with contextlib.suppress(OSError):
        return entry.stat(follow_symlinks=False).st_mtime < old
    return False


#: A command that ends when it is done (not the preview): what it reads in bulk may be
#: frozen for the garbage collector (`bulk_read`).
_ONE_SHOT = [False]


#: The cyclic garbage collector's first threshold in such a command (Python's is 700): a
#: correction at 5,000 releases makes a hundred thousand short-lived objects that hold
#: no cycles (rows, records, outcomes), and at 700 the collector scanned them, and the
#: older ones again and again: 70–100 ms of 0.9 s. Cycles still go, a little later.
ONE_SHOT_GC_THRESHOLD = 20_000


def one_shot() -> None:
    """This process runs one command and ends (cli.py)."""
    _ONE_SHOT[0] = True
    gc.set_threshold(ONE_SHOT_GC_THRESHOLD, *gc.get_threshold()[1:])


def may_fork_early() -> bool:
    """A one-shot command with no other threads: a build may start its setting process
    before it reads the project (`build(warm=True)`)."""
    import threading

    return _ONE_SHOT[0] and threading.active_count() == 1


@contextmanager
def bulk_read() -> Iterator[None]:
    """Reading tens of thousands of small objects at once (the manifest, the caches): the
    cyclic garbage collector would scan them again and again while they are made. They
    hold no cycles. In a command that ends when done, everything alive then is also
    moved out of the collector's sight for the rest of the run (`gc.freeze`); not in the
    long-lived preview, where that would keep garbage of earlier rounds for good."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        if _ONE_SHOT[0]:
            gc.freeze()


def stat_key(path: str | Path) -> list[int] | None:
    """[size, mtime_ns, ctime_ns, inode] of a file, or None: a file with the same key as
    before is taken to be unchanged (briefing and editors replace files, which changes the
    inode; a same-size rewrite in place within one clock tick would be missed)."""
    try:
        return key_of(os.stat(path))
    except OSError:
        return None


def key_of(stat: os.stat_result) -> list[int]:
    """`stat_key` of a file already stat'ed (or open: `os.fstat`)."""
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def as_recorded(stat: os.stat_result, record) -> bool:
    """The file stat'ed is the one `record` (a `stat_key`, maybe followed by more) was
    taken of: compared field by field, without a list per file of thousands."""
    return stat.st_mtime_ns == record[1] and stat.st_ino == record[3] and \
        stat.st_size == record[0] and stat.st_ctime_ns == record[2]


def cache_dir() -> Path:
    """The user's cache folder for briefing (parsed hyphenation patterns, font settings):
    outside the project, so content cannot plant anything there."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "briefing"


def remove_leftovers(folder: Path) -> None:
    """Temporary files of a build that was killed (call only while holding the lock).
    (Names compared as text: pathlib's glob took 17 ms over the 10,000 PDFs of 5,000
    releases.)"""
    with os.scandir(folder) as entries:
        stale = [entry.path for entry in entries
                 if entry.name.startswith(TEMP_PREFIX) and entry.name.endswith(TEMP_SUFFIX)]
    for path in stale:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


@contextmanager
def locked(paths: Paths, on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Only one build at a time writes into output/; a second one waits for the first.
    A lock held by a process that died is released by the kernel, so it never blocks.

    Holding the lock, any temporary file left in output/ belongs to a build that was
    killed, so it is removed. Raises MachineError when output/ cannot be written.
    """
    try:
        paths.output_dir.mkdir(parents=True, exist_ok=True)
        lock = open(paths.lock_file, "a")  # noqa: SIM115 (held for the whole block)
        # Before any rendering: can a file be made here at all (permissions, read-only)?
        with tempfile.TemporaryFile(dir=paths.output_dir, prefix=TEMP_PREFIX,
                                    suffix=TEMP_SUFFIX):
            pass
    except OSError as exc:
        if "lock" in locals():
            lock.close()
        raise machine_error(exc, paths, paths.output_dir, "kann nicht beschrieben werden") \
            from None
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            remove_leftovers(paths.output_dir)
        except OSError as exc:
            raise machine_error(exc, paths, paths.output_dir, "kann nicht aufgeräumt werden") \
                from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


#: The causes staff can act on, in German.
CAUSES = {
    errno.ENOSPC: "der Datenträger ist voll; schaffen Sie Platz und bauen Sie erneut",
    errno.EDQUOT: "das Speicherkontingent ist erschöpft; schaffen Sie Platz und bauen Sie "
                  "erneut",
    errno.EROFS: "der Datenträger ist schreibgeschützt (nur lesbar eingebunden)",
    errno.EACCES: "keine Berechtigung; prüfen Sie die Rechte der Datei oder des Ordners",
    errno.EPERM: "keine Berechtigung; prüfen Sie die Rechte der Datei oder des Ordners",
    errno.ENOENT: "die Datei oder der Ordner fehlt (gelöscht oder umbenannt?)",
    errno.ENOTDIR: "ein Teil des Pfades ist eine Datei statt eines Ordners",
    errno.EISDIR: "das ist ein Ordner, keine Datei",
    errno.EEXIST: "dort liegt eine Datei statt eines Ordners",
    errno.EIO: "Ein-/Ausgabefehler des Datenträgers",
    errno.EMFILE: "zu viele offene Dateien",
}


def cause_of(exc: OSError) -> str:
    return CAUSES.get(exc.errno, exc.strerror or type(exc).__name__)


def machine_error(exc: OSError, paths: Paths, path: Path, what: str) -> MachineError:
    """`what` went wrong at `path` because of `exc`: one German line for staff."""
    shown = paths.show(path) + ("/" if path.suffix == "" and path != paths.root else "")
    return MachineError(f"{shown}: {what}: {cause_of(exc)}")
