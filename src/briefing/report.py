"""What a build or check did: one `Outcome` per PDF (a document's, a press kit), the
problems, the files of the other outputs, and the exit code they add up to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem, problem_order

#: Exit codes (cli.py, README).
OK, CONTENT, USAGE, MACHINE, BUG, INTERRUPTED = 0, 1, 2, 3, 4, 130


@dataclass(slots=True)
class Outcome:
    """What became of one PDF (a document's own, or a release's press kit) in a build."""

    display_path: str
    output: Path | None = None
    pages: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    #: The file was already up to date and was not made again.
    unchanged: bool = False
    #: Failed, and the file of an earlier build stays: out of date.
    stale: Path | None = None
    #: Failed in a publication build, and the file of an earlier build was deleted.
    withdrawn: Path | None = None
    #: A release's press kit, not a document's own PDF.
    kit: bool = False

    @property
    def missing(self) -> str:
        """What was not made when it failed, as the message says it."""
        return "keine Pressemappe erzeugt" if self.kit else "kein PDF erzeugt"

    @property
    def ok(self) -> bool:
        return self.output is not None


class Current(Outcome):
    """A PDF an earlier build made and this one found current, its path made only when
    asked: a build at 5,000 releases reports 10,000 of them, and a `Path` for each cost
    20 ms (most are only counted)."""

    __slots__ = ("folder", "name")
    #: (A PDF that is there.)
    ok = True

    def __init__(self, display_path: str, folder: Path, name: str, pages: int,
                 kit: bool = False) -> None:
        self.display_path, self.folder, self.name, self.pages = display_path, folder, name, pages
        # (None of its own: one empty tuple for all of them, not a list each.)
        self.seconds, self.problems, self.unchanged = 0.0, (), True
        self.stale = self.withdrawn = None
        self.kit = kit

    @property
    def output(self) -> Path:
        return self.folder / self.name

    def __reduce__(self):  # (from the process of a part: parts.py)
        return Current, (self.display_path, self.folder, self.name, self.pages, self.kit)


@dataclass
class Progress:
    """How far a long build is, and how long the rest will take (`Run` counts; the CLI
    shows it now and then). The estimate is from the units made so far: those still
    current from an interrupted run pass at once."""

    total: int = 0
    done: int = 0
    made: int = 0
    started: float = 0.0
    first_made: float | None = None
    #: Of a build in parts: the units the parts still to come are expected to have.
    ahead: int = 0

    def tick(self, made: bool) -> None:
        import time

        self.done += 1
        if made:
            self.made += 1
            if self.first_made is None:
                self.first_made = time.perf_counter()

    def remaining_seconds(self) -> float | None:
        import time

        if self.first_made is None or self.made < 2:
            return None
        rate = (time.perf_counter() - self.first_made) / (self.made - 1)
        return rate * max(self.total - self.done, 0)


@dataclass
class Report:
    problems: list[Problem]
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    #: Files deleted, with why (»Inhaltsdatei gelöscht«, »nicht mehr erzeugt«).
    removed: list[tuple[str, str]] = field(default_factory=list)
    #: Packages this run put on the public web: (web folder, why now).
    published: list[tuple[str, str]] = field(default_factory=list)
    #: Peak memory (kB) of each process that rendered, by process id.
    peak_rss_kb: dict[int, int] = field(default_factory=dict)
    #: Of a build in parts (parts.py): (what each of its processes did, its peak in kB).
    part_peaks_kb: list[tuple[str, int]] = field(default_factory=list)
    #: Nothing changed: answered from the manifest, with the last run's problems.
    noop: bool = False
    #: Files of the other outputs (web, e-mail, bundle, site) written, and left as they were.
    channel_written: list[str] = field(default_factory=list)
    channel_unchanged: int = 0
    progress: Progress = field(default_factory=Progress)
    _seen: set = field(default_factory=set, repr=False, compare=False)
    _counted: int = field(default=-1, repr=False, compare=False)

    def merged(self, earlier: Report) -> Report:
        """This report of a build right after `earlier` (of the same project) with what
        that one did: the PDFs either made, the problems of both (each once)."""
        made = {(o.display_path, o.kit): o for o in earlier.outcomes if not o.unchanged}
        self.outcomes = [made.pop((o.display_path, o.kit), o) if o.unchanged else o
                         for o in self.outcomes] + list(made.values())
        self.add(earlier.problems)
        self.problems.sort(key=problem_order)
        self.removed = earlier.removed + self.removed
        self.published = earlier.published + self.published
        self.channel_written = earlier.channel_written + self.channel_written
        self.part_peaks_kb = earlier.part_peaks_kb + self.part_peaks_kb
        for worker, peak in earlier.peak_rss_kb.items():
            self.peak_rss_kb[worker] = max(peak, self.peak_rss_kb.get(worker, 0))
        return self

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.is_warning]

    def add(self, problems: Iterable[Problem]) -> None:
        """Each problem once: a template error shared by several documents is one message."""
        if self._counted != len(self.problems):  # changed elsewhere: seen afresh
            self._seen, self._counted = set(self.problems), len(self.problems)
        for problem in problems:
            if problem not in self._seen:
                self._seen.add(problem)
                self.problems.append(problem)
        self._counted = len(self.problems)

    def count(self, what: str) -> int:
        return sum(1 for o in self.outcomes if {
            "built": o.ok and not o.unchanged, "unchanged": o.unchanged, "failed": not o.ok,
        }[what])

    def exit_code(self, strict: bool = False) -> int:
        """4 a bug in briefing, 3 a fault of the machine, 1 problems in the content, 0 fine."""
        if any(p.bug for p in self.problems):
            return BUG
        if any(p.fault for p in self.problems):
            return MACHINE
        return CONTENT if self.errors or (strict and self.warnings) else OK
