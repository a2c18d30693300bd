"""The project's fonts, and nothing else: which characters they can draw, and a font
lookup that cannot reach the machine's fonts.

Every font file in `templates/fonts/` is a project font. WeasyPrint finds fonts through
fontconfig, which by default also offers every font installed on the machine: a character
Open Sans lacks would be drawn with whatever the machine has (DejaVu, Noto, …), and the same
input would give different PDFs on different machines. `confine` gives fontconfig a
configuration that lists only the project's font folder, so a character no project font
has becomes a visible gap — which `missing_glyphs` reports before anything is rendered,
with the file, line, character and its Unicode name.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
import time
import unicodedata
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape, unescape

from .errors import Problem, Severity
from .files import cache_dir, temp_folder, write_atomically
from .reader import SourceFile, front_matter_texts

FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
#: Characters that are never drawn (format controls, variation selectors): no font needed.
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}
_VARIATION_SELECTORS = {*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)}


def font_files(fonts_dir: Path) -> list[Path]:
    if not fonts_dir.is_dir():
        return []
    return sorted(p for p in fonts_dir.iterdir() if p.suffix.lower() in FONT_SUFFIXES)


def confine(fonts_dir: Path) -> None:
    """Make this process's font lookup see the project's fonts only. Call before
    WeasyPrint creates its font configuration (fontconfig reads FONTCONFIG_FILE then)."""
    folder = escape(str(fonts_dir.resolve()))
    caches = escape(str(cache_dir() / "fontconfig"))
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
            f"<fontconfig><dir>{folder}</dir><cachedir>{caches}</cachedir></fontconfig>\n")
    name = f"fonts-{hashlib.sha256(text.encode()).hexdigest()[:16]}.conf"
    path = cache_dir() / name
    if not path.is_file():
        try:
            write_atomically(path, text.encode())
            _prune(cache_dir())
        except OSError:  # no writable cache folder: a temporary one for this process
            path = temp_folder("fonts") / name
            path.write_text(text, encoding="utf-8")
    os.environ["FONTCONFIG_FILE"] = str(path)


_DIR = re.compile(r"<dir>(.*?)</dir>")


#: fontconfig's own cache files of a font folder not used for this long are deleted.
CACHE_DAYS = 7


def _prune(folder: Path) -> None:
    """One configuration per font folder: those of folders that are gone (a project moved
    or deleted, a test's temporary project) are deleted, so they do not pile up; so are
    fontconfig's cache files nobody used for a week (it makes them again when needed)."""
    old = time.time() - CACHE_DAYS * 86400
    for conf in folder.glob("fonts-*.conf"):
        try:
            match = _DIR.search(conf.read_text(encoding="utf-8"))
            if match and not Path(unescape(match[1])).is_dir():
                conf.unlink()
        except OSError:  # another process pruned it first
            continue
    for stale in (folder / "fontconfig").glob("*.cache-*"):
        try:
            if stale.stat().st_mtime < old:
                stale.unlink()
        except OSError:
            continue


def coverage(fonts_dir: Path) -> frozenset[int]:
    """Every code point some project font can draw."""
    found: set[int] = set()
    for path in font_files(fonts_dir):
        found |= _cmap(str(path), path.stat().st_mtime_ns)
    return frozenset(found)


@cache
def _cmap(path: str, mtime_ns: int) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        fonts = TTCollection(path, lazy=True).fonts if path.endswith(".ttc") \
            else [TTFont(path, lazy=True)]
        return frozenset(c for font in fonts for c in (font.getBestCmap() or {}))
    # What fontTools raises for a file that is not a (whole) font: it draws nothing.
    except (TTLibError, OSError, EOFError, struct.error, KeyError, IndexError,
            AssertionError, ValueError):
        return frozenset()


def missing_glyphs(source: SourceFile, drawable: frozenset[int],
                   final: bool) -> list[Problem]:
    """One problem per line with characters no project font can draw: a warning, and an
    error for publication (`final`), since they would print as empty boxes."""
    problems = []
    severity = Severity.ERROR if final else Severity.WARNING
    for line, text in _texts(source):
        missing = []
        for char in unicodedata.normalize("NFC", text):
            if ord(char) in drawable or ord(char) in _VARIATION_SELECTORS or \
                    unicodedata.category(char) in _INVISIBLE or char in missing:
                continue
            missing.append(char)
        if missing:
            names = ", ".join(f"»{c}« (U+{ord(c):04X} {unicodedata.name(c, 'ohne Namen')})"
                              for c in missing[:5])
            more = f" und {len(missing) - 5} weitere" if len(missing) > 5 else ""
            problems.append(Problem(source.display_path, line, (
                f"Zeichen ohne Schrift im Projekt: {names}{more}; sie erschienen als leere "
                "Kästchen. Ersetzen Sie sie, oder legen Sie eine Schrift mit diesen Zeichen "
                "in templates/fonts/ (siehe README, »Schriften«)"), severity))
    return problems


#: A bullet typed by hand at the start of a line: it becomes a list marker (dialect.py),
#: drawn in the list's own style, so the font need not have it.
_HAND_BULLET = re.compile(r"^\s*[•◦▪‣●](?=\s)")


def _texts(source: SourceFile):
    """(line, text) of everything staff typed: front-matter values and the body."""
    yield from front_matter_texts(source)
    for offset, text in enumerate(source.body.split("\n")):
        yield source.body_line + offset, _HAND_BULLET.sub("", text)
