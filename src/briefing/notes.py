"""Internal notes: an HTML comment (`<!-- … -->`) in a body is a note to colleagues.

Staff use comments to leave notes inside the text (»Zahl noch mit dem Referat klären«). They
are taken out of the body when the file is read, before anything else sees it, so no output
can ever carry them: not a PDF, its metadata, a web page, the e-mail, the feed, the JSON
export, a press kit or a bundle. What they said is kept with its line: `check` and the
preview list it, and a publication build refuses a document that still has one.

A comment inside code (a fenced block or `code`) is code, shown as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_OPEN, _CLOSE = "<!--", "-->"


@dataclass(frozen=True)
class Note:
    #: The line of the comment's start in the content file.
    line: int
    #: What it says, whitespace collapsed.
    text: str

    def short(self, width: int = 60) -> str:
        return self.text if len(self.text) <= width else self.text[:width - 1] + "…"


class Unclosed(ValueError):
    """A comment that never ends: everything after it would vanish. Carries its line."""

    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def split_notes(body: str, first_line: int) -> tuple[str, tuple[Note, ...]]:
    """The body without its comments (each replaced by nothing, its line breaks kept, so
    every line keeps its number), and the notes. Raises `Unclosed`."""
    out: list[str] = []
    notes: list[Note] = []
    fence = ""
    position = 0
    while position < len(body):
        line_end = body.find("\n", position)
        line_end = len(body) if line_end < 0 else line_end + 1
        line = body[position:line_end]
        marker = _FENCE.match(line)
        if fence:
            if marker and marker[1][0] == fence[0] and len(marker[1]) >= len(fence):
                fence = ""
            out.append(line)
            position = line_end
            continue
        if marker:
            fence = marker[1]
            out.append(line)
            position = line_end
            continue
        position = _scan_line(body, position, line_end, first_line, out, notes)
    return "".join(out), tuple(notes)


def _scan_line(body: str, position: int, line_end: int, first_line: int, out: list[str],
               notes: list[Note]) -> int:
    """Copy one line (and whatever a code span or comment started on it takes with it)."""
    while position < line_end:
        ticks = re.compile(r"`+").match(body, position)
        if ticks:
            closing = _closing_ticks(body, ticks.end(), len(ticks[0]))
            end = closing if closing is not None else ticks.end()
            out.append(body[position:end])
            position = end
            if end > line_end:  # the span ran on: the rest of its last line follows
                line_end = _line_end(body, end - 1)
            continue
        if body.startswith(_OPEN, position):
            close = body.find(_CLOSE, position + len(_OPEN))
            line = first_line + body.count("\n", 0, position)
            if close < 0:
                raise Unclosed(line)
            end = close + len(_CLOSE)
            comment = body[position + len(_OPEN):close]
            notes.append(Note(line, " ".join(comment.split())))
            out.append("\n" * comment.count("\n"))
            position = end
            if end > line_end:  # the comment ran on: the rest of its last line follows
                line_end = _line_end(body, end - 1)
            continue
        out.append(body[position])
        position += 1
    return position


def _line_end(body: str, index: int) -> int:
    """Where the line holding `index` ends (after its line break)."""
    found = body.find("\n", index)
    return len(body) if found < 0 else found + 1


def _closing_ticks(body: str, start: int, length: int) -> int | None:
    """The end of the backtick run that closes a code span opened by `length` backticks,
    within its paragraph (a code span does not cross a blank line), or None."""
    paragraph_end = body.find("\n\n", start)
    limit = len(body) if paragraph_end < 0 else paragraph_end
    for run in re.compile(r"`+").finditer(body, start, limit):
        if len(run[0]) == length:
            return run.end()
    return None
