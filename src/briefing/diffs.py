"""What changed in a text, word by word: for `vergleich` (since approval or publication)
and for a translation that is out of date (since the version it was translated from)."""

from __future__ import annotations

import difflib
import re

_TOKEN = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, text) pieces: "=" the same, "-" taken out, "+" added; word by word."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    pieces = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("+", "".join(b[j1:j2])))
    return pieces


def passages(old: str, new: str, context: int = 4, limit: int = 3, rest: str = "") -> list[str]:
    """The changed passages in one line each, `[-taken out-]` and `{+added+}` with
    `context` words either side; at most `limit`, then how many more (and `rest`: where
    to see them)."""
    pieces = [(kind, " ".join(text.split())) for kind, text in word_diff(old, new)]
    found: list[str] = []
    index = 0
    while index < len(pieces):
        if pieces[index][0] == "=":
            index += 1
            continue
        words = pieces[index - 1][1].split() if index else []
        before, cut_before = words[-context:], len(words) > context
        changed = []
        while index < len(pieces) and pieces[index][0] != "=":
            kind, text = pieces[index]
            changed.append(f"[-{text}-]" if kind == "-" else f"{{+{text}+}}")
            index += 1
        words = pieces[index][1].split() if index < len(pieces) else []
        after, cut_after = words[:context], len(words) > context
        found.append(" ".join([*(["…"] if cut_before else []), *before, *changed, *after,
                               *(["…"] if cut_after else [])]))
    if len(found) > limit:
        more = len(found) - limit
        found = [*found[:limit],
                 f"und {more} weitere {'Stelle' if more == 1 else 'Stellen'}{rest}"]
    return found
