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

import contextlib
import hashlib
import pickle
from pathlib import Path

import pyphen

from . import compat
from .errors import ContentError, Problem
from .files import cache_dir, cause_of, write_atomically


def read_exceptions(path: Path, display_path: str) -> dict[str, list[int]]:
    """word (lower case) → break positions; reports malformed lines."""
    exceptions: dict[str, list[int]] = {}
    problems = []
    if not path.is_file():
        return exceptions
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContentError([Problem(display_path, None, "ist nicht UTF-8-kodiert; speichern "
                                    "Sie die Datei im Editor als »UTF-8«")]) from None
    except OSError as exc:
        raise ContentError([Problem(display_path, None, f"kann nicht gelesen werden: "
                                    f"{cause_of(exc)}", fault=True)]) from None
    for number, line in enumerate(text.splitlines(), start=1):
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
    (`de-DE`, `de-AT`, …)."""
    dictionaries = {pyphen.language_fallback(lang.replace("-", "_")) for lang in languages
                    if lang.split("-")[0] == "de"}
    for language in dictionaries - {None}:
        dictionary = load_dictionary(language)
        for word, positions in exceptions.items():
            compat.set_breaks(dictionary, word, positions)


def forget_exceptions() -> None:
    """Drop the loaded dictionaries (and the exceptions put into them): a long-lived
    process installs the current list afresh."""
    compat.forget_dictionaries()


def load_dictionary(language: str) -> pyphen.HyphDict:
    """Pyphen's parsed dictionary for `language`, from a pickle in the user's cache folder.

    Parsing the German patterns costs ~0.45 s in every new process; the pickle loads in a
    few milliseconds. It is keyed by Pyphen's version and the pattern file's contents, kept
    outside the project (content cannot plant one) and rebuilt when missing or unreadable.
    """
    path = Path(compat.hyphenation_file(language))
    shared = compat.shared_dictionary(path)
    if shared is not None:
        return shared
    key = hashlib.sha256(pyphen.__version__.encode() + path.read_bytes()).hexdigest()[:16]
    cache = cache_dir() / f"hyph-{language}-{key}.pickle"
    try:
        dictionary = pickle.loads(cache.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        dictionary = pyphen.HyphDict(path)
        # No writable cache folder: parse again next time.
        with contextlib.suppress(OSError):
            write_atomically(cache, pickle.dumps(dictionary, protocol=pickle.HIGHEST_PROTOCOL))
    compat.share_dictionary(path, dictionary)
    return dictionary
