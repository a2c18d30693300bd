"""The project's hyphenation exceptions (`content/silbentrennung.txt`).

WeasyPrint hyphenates with Pyphen's German patterns of 2017, which break some of our own
words wrongly (`In-ves-ti-ti-ons-s-tand-ort`, `Zu-sam-me-n-a-r-beit`). Soft hyphens in the
text would fix a word but, in WeasyPrint, also switch off automatic hyphenation for the
rest of its line. So the exceptions go where the patterns' results go: Pyphen's per-word
cache of break positions. Every Pyphen instance for German shares that dictionary object,
so WeasyPrint sees the corrected breaks, and every other word keeps the patterns.

File format: one word per line, `-` at each allowed break (`In-ves-ti-ti-ons-stand-ort`);
a word without `-` is never broken; `#` starts a comment.
"""

from __future__ import annotations

from pathlib import Path

import pyphen

from .errors import ContentError, Problem


def read_exceptions(path: Path, display_path: str) -> dict[str, list[int]]:
    """word (lower case) → break positions; reports malformed lines."""
    exceptions: dict[str, list[int]] = {}
    problems = []
    if not path.is_file():
        return exceptions
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        parts = entry.split("-")
        if " " in entry or not all(part.isalpha() for part in parts):
            problems.append(Problem(display_path, number,
                f"»{entry}« ist kein Trenneintrag; schreiben Sie ein Wort mit »-« an den "
                "erlaubten Trennstellen, z. B. In-ves-ti-ti-ons-stand-ort"))
            continue
        positions, offset = [], 0
        for part in parts[:-1]:
            offset += len(part)
            positions.append(offset)
        exceptions["".join(parts).lower()] = positions
    if problems:
        raise ContentError(problems)
    return exceptions


def install_exceptions(exceptions: dict[str, list[int]], languages: set[str]) -> None:
    """Put the exceptions into Pyphen's shared dictionary of each German language used
    (`de-DE`, `de-AT`, …). Loading a dictionary costs ~0.4 s, so only those."""
    dictionaries = {pyphen.language_fallback(lang.replace("-", "_")) for lang in languages
                    if lang.split("-")[0] == "de"}
    for language in dictionaries - {None}:
        dictionary = pyphen.Pyphen(lang=language).hd
        for word, positions in exceptions.items():
            dictionary.cache[word] = [pyphen.DataInt(position) for position in positions]
