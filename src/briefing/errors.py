"""Problems found in content: one place for how they are collected and shown.

Expected failures (bad content, bad usage) are `Problem`s reported as one German line each;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(Enum):
    ERROR = "Fehler"
    #: Fails only under --strict.
    WARNING = "Warnung"
    #: Tells what briefing assumed; never fails.
    NOTE = "Hinweis"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, pointing at the line staff have to edit."""

    path: str
    line: int | None
    message: str
    severity: Severity = Severity.ERROR
    column: int | None = None
    #: A fault of the machine (disk full, read-only, no permission), not of the content.
    fault: bool = False
    #: A bug in briefing's own code (its report file is named in the message).
    bug: bool = False

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        prefix = "" if self.is_error else f"{self.severity.value}: "
        return f"{where}: {prefix}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def is_warning(self) -> bool:
        return self.severity is Severity.WARNING


def problem_order(problem: Problem) -> tuple:
    """Reports list problems by file, then line: the order staff work through them. Notes
    come last: they say what follows from the problems above them."""
    return (problem.severity is Severity.NOTE, problem.path, problem.line or 0,
            problem.message)


class ContentError(Exception):
    """Raised by a stage when a document cannot go on; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems

    def __reduce__(self):  # (raised in the process of a part: parts.py)
        return type(self), (self.problems,)


class RecordError(ContentError):
    """A record the project keeps of itself (the publication log) is damaged: every
    decision to publish rests on it, so the whole run stops, not one document."""


class UsageError(Exception):
    """The command line or the project set-up is wrong (exit code 2)."""


class MachineError(Exception):
    """The machine, not the content, stops the work: a full disk, a read-only folder, a
    missing permission (exit code 3). The message is German and names the path."""
