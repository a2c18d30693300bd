"""A build of everything (every channel) in an archive of thousands: a part of a few hundred
content files at a time, each part in a process of its own.

One process that reads and makes 5,000 releases holds what it read, made and recorded of
each until it ends (169 MB at 5,000 releases, 77 MB at 1,000), and parts made one after
the other in one process leave most of theirs behind, as memory the process once took.
Here the build's own process only learns which content files belong together
(`project.families_in_order`) and hands out the parts; the process of a part reads its
families, sets, writes and records them, saves the manifest and ends, giving back all it
took. The last part makes the site's pages from the entries every part recorded and
vouches for the build; a small process writes the quick file. Outcomes and progress reach
the caller as they come; the report is one build's.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import resource
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from . import clock
from .errors import MachineError, Problem
from .incremental import Staleness
from .outputs import SITE
from .paths import Paths
from .report import Outcome, Progress, Report


@dataclass
class Part:
    """What the process of one part is given."""

    root: Path
    #: The content files it reads: whole families (`in_parts`), and content files gone.
    start: list[str]
    #: The fingerprints the build took first (`Staleness.handed_on`).
    fingerprints: tuple[str, str]
    #: The problems the parts before it found, and how far the build is.
    problems: list[Problem]
    progress: Progress
    #: Content files the parts before it read, and content files in all.
    done: int
    present: int
    workers: int
    #: The last part: it makes the site's pages and vouches for the build.
    last: bool
    #: The build's clock (`clock.now`: its own, or a test's fixed one).
    clock: Callable = field(default_factory=lambda: clock.now)


@dataclass
class Made:
    """What the process of a part says at its end (its outcomes went one by one)."""

    #: The content files it read; None: every one (the families could not be told apart
    #: after all: a file changed meanwhile), and it was the last part.
    files: set[str] | None
    problems: list[Problem]
    removed: list[tuple[str, str]] = field(default_factory=list)
    published: list[tuple[str, str]] = field(default_factory=list)
    channel_written: list[str] = field(default_factory=list)
    channel_unchanged: int = 0
    peak_rss_kb: dict[int, int] = field(default_factory=dict)


class Families(NamedTuple):
    """Every content file in families, in the order they are first published
    (`project.families_in_order`), and the peak memory (kB) of the process that read them."""

    groups: list[set[str]]
    peak_kb: int


def in_parts(paths: Paths, staleness: Staleness, families: Families, size: int,
             on_outcome: Callable[[Outcome], None], on_progress: Callable[[Progress], None],
             workers: int) -> Report:
    """Make every output of every content file: the `families`, in parts of about `size`
    content files, each in a process of its own. What it makes, numbers, reports and
    records is what one build of everything makes."""
    present = {name for family in families.groups for name in family}
    content = f"{paths.show(paths.content_dir)}/"
    # Content files the last build made units of that are gone: their files go with the
    # first part.
    start = {source for source in staleness.manifest.sources()
             if source.startswith(content) and source not in present}
    of_family = {name: family for family in families.groups for name in family}

    def closed(files: set[str]) -> set[str]:
        """These files and every file of their families, now and as the last build
        recorded them (`Staleness.related`): what the part reads together."""
        while True:
            more = staleness.related(files)
            for name in list(more):
                more |= of_family.get(name, set())
            if more <= files:
                return files
            files |= more

    fingerprints = staleness.handed_on()
    report, done, todo = Report([]), set(), list(families.groups)
    report.part_peaks_kb.append(("Familien", families.peak_kb))
    while True:
        while todo and len(start) < size:
            start |= todo.pop(0) - done
        start = closed(start)
        part = Part(paths.root, sorted(start), fingerprints, list(report.problems),
                    report.progress, len(done), len(present), workers, last=not todo)
        mine = Report(list(report.problems), progress=report.progress)
        made = in_own_process(make_part, part, mine, on_outcome, on_progress,
                              named=f"Teil {len(report.part_peaks_kb)}")
        if made.files is None:
            _take(mine, made)
            report = mine.merged(report)
        else:
            report.problems = []
            _take(report, made, mine)
            done |= made.files
            todo = [family for family in todo if not family <= done]
        if made.files is None or part.last:
            # The next build's quick file, if this one vouched for all: the records of every
            # file (at 5,000 releases, 60,000), read from the manifest the last part saved,
            # by a process of its own (in the last part's, they added 9 MB to its peak).
            staleness.keep_first_records()
            in_own_process(_quick_file, paths.root, report, named="Schnelldatei")
            return report
        start = set()


def _take(report: Report, made: Made, part: Report | None = None) -> None:
    """Add what a part made (`made`, and the outcomes and progress in `part`)."""
    report.add(made.problems)
    report.removed += made.removed
    report.published += made.published
    report.channel_written += made.channel_written
    report.channel_unchanged += made.channel_unchanged
    for worker, peak in made.peak_rss_kb.items():
        report.peak_rss_kb[worker] = max(peak, report.peak_rss_kb.get(worker, 0))
    if part is not None:
        report.outcomes += part.outcomes
        report.progress = part.progress
        report.part_peaks_kb += part.part_peaks_kb


def families(root: Path, size: int) -> Families | None:
    """`project.families_in_order`, in a process of its own when there are more than
    `size` content files: it reads every one of them, and what it took stays there."""
    from .config import load_config
    from .project import content_files

    if len(content_files(load_config(root.resolve()))) <= size:
        return None
    report = Report([])
    groups = in_own_process(_families, (root, size), report, named="Familien")
    return None if groups is None else Families(groups, report.part_peaks_kb[0][1])


def _families(argument: tuple[Path, int], on_outcome, on_progress) -> list[set[str]] | None:
    from .project import families_in_order

    return families_in_order(*argument)


def _quick_file(root: Path, on_outcome, on_progress) -> None:
    from .quick import write

    write(Staleness(Paths(root)))


def in_own_process(work: Callable, argument, report: Report,
                   on_outcome: Callable[[Outcome], None] = lambda outcome: None,
                   on_progress: Callable[[Progress], None] = lambda progress: None, *,
                   named: str):
    """`work(argument, on_outcome, on_progress)` in a new Python process (nothing of this
    one's memory): the outcomes and progress it gives go to `report` and the callbacks as
    they come, with the process's peak memory (`named`); what it raises is raised here.
    Interrupted, this process waits until that one has saved what it made (as an
    interrupted build does)."""
    reading, writing = os.pipe()
    # (Ctrl-C and `kill` wait until it has its own handlers: `_process`.)
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _ENDING)
    try:
        process = subprocess.Popen([sys.executable, "-c", _START, str(writing)],
                                   stdin=subprocess.PIPE, pass_fds=(writing,))
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        os.close(writing)
    messages = os.fdopen(reading, "rb")
    try:
        with contextlib.suppress(BrokenPipeError):  # (it ended at once: said below)
            pickle.dump(sys.path, process.stdin)
            pickle.dump((work, argument), process.stdin)
            process.stdin.close()
        while True:
            try:
                kind, value = pickle.load(messages)
            except (EOFError, pickle.UnpicklingError):
                code = process.wait()
                how = f"Signal {-code}" if code < 0 else f"Code {code}"
                raise MachineError(
                    f"Der Prozess eines Teils des Builds wurde beendet ({how}; zu wenig "
                    "Speicher?). Was er bis dahin gespeichert hat, bleibt: starten Sie den "
                    "Build erneut, er setzt dort fort") from None
            if kind == "outcome":
                report.outcomes.append(value)
                on_outcome(value)
            elif kind == "progress":
                report.progress = value
                on_progress(value)
            elif kind == "raised":
                raise value[0] from _Remote(value[1])
            else:
                value, peak = value
                report.part_peaks_kb.append((named, peak))
                return value
    except KeyboardInterrupt:
        # Said once, by this process: the part stops as a build does (it records what it
        # wrote and removes what it had begun), then ends.
        if process.poll() is None:
            process.terminate()
        with contextlib.suppress(Exception):
            while True:
                pickle.load(messages)
        raise
    finally:
        messages.close()  # (first: a process still saying something is not left waiting)
        process.wait()


#: How the new process starts: this one's `sys.path` first (a test's modules, too), then
#: what to do.
_START = ("import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
          "from briefing.parts import _process; _process()")


class _Remote(Exception):
    """The traceback of an exception in a part's process."""

    def __str__(self) -> str:
        return self.args[0]


#: The signals that end a build: Ctrl-C and `kill`.
_ENDING = {signal.SIGINT, signal.SIGTERM}


def _stop(signum, frame) -> None:
    """The build's process says this part is to stop (once: what follows is cleaning up)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def _process() -> None:
    """A process of `in_own_process`: each outcome and the progress as they come, and at
    the end what its work gave, or what it raised. It stops when the build's process
    says so (Ctrl-C reaches every process of the terminal: this one leaves it to the
    build's)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _ENDING)
    with os.fdopen(int(sys.argv[1]), "wb") as messages:

        def say(message) -> None:
            pickle.dump(message, messages)
            messages.flush()

        try:
            work, argument = pickle.load(sys.stdin.buffer)
            made = work(argument, lambda outcome: say(("outcome", outcome)),
                        lambda progress: say(("progress", progress)))
            say(("made", (made, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))
        except BaseException as exc:  # (raised again by the build's process)
            try:
                pickle.loads(pickle.dumps(exc))
            except Exception:  # (one that cannot travel: its text)
                exc = RuntimeError(f"{type(exc).__name__}: {exc}")
            with contextlib.suppress(OSError):
                say(("raised", (exc, traceback.format_exc())))


def make_part(part: Part, on_outcome: Callable[[Outcome], None],
              on_progress: Callable[[Progress], None]) -> Made:
    """Read the families of `part.start`, make and record their outputs (and with the last
    part the site's pages)."""
    from .project import load_project
    from .run import Run

    clock.now = part.clock
    paths = Paths(part.root)
    staleness = Staleness(paths)
    staleness.take_over_fingerprints(part.fingerprints)
    project = load_project(paths.root, cached=True,
                           family=(set(part.start), staleness.related))
    report = Report(part.problems, progress=part.progress)
    report.add(project.problems)
    every = project.family is None
    site = part.last or every
    run = Run(project, staleness, report, on_outcome, channels=True, on_progress=on_progress,
              changed=None if every else project.family, part=not every, site=site)
    progress = report.progress
    progress.ahead = 0
    if not site:  # what the parts to come will make: as many units per file as so far
        own = len(project.blocked) + sum(len(run.units(o)) for o in run.outputs
                                         if o.scope != SITE)
        done = part.done + len(project.family)
        progress.ahead = round((progress.done + own) / max(done, 1)
                               * max(part.present - done, 0))
    run.make(sorted(project.blocked), part.workers, vouch=site, whole=True)
    project.save_cache()
    return Made(None if every else project.family, report.problems, report.removed,
                report.published, report.channel_written, report.channel_unchanged,
                report.peak_rss_kb)
