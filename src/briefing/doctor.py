"""`briefing doctor`: what the rendering engine finds on this machine, in German.

Returns 1 when something makes the output wrong or slow (no HarfBuzz-Subset: fonts are
subset by fontTools, about five times slower per document), else 0.
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path

from . import compat
from .files import cache_dir
from .fonts import font_files
from .paths import Paths


def run_doctor(root: Path, args=None) -> int:
    import weasyprint
    from fontTools.ttLib import TTFont
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset, pango

    paths = Paths(root)
    problems = 0
    print(f"Python:      {platform.python_version()} ({sys.executable})")
    print(f"WeasyPrint:  {weasyprint.__version__}")
    for line in compat.version_problems():
        problems += 1
        print(f"Warnung: {line}")
    version = pango.pango_version()
    print(f"Pango:       {version // 10000}.{version // 100 % 100}.{version % 100}")
    print("HarfBuzz:    " + ("≥ 4.1" if harfbuzz.hb_version_atleast(4, 1, 0) else "< 4.1"))
    if harfbuzz_subset is None:
        problems += 1
        print("Warnung: HarfBuzz-Subset (libharfbuzz-subset0) fehlt: Schriften werden mit "
              "fontTools eingebettet, etwa fünfmal langsamer. Installieren mit:\n"
              "  sudo apt-get install libharfbuzz-subset0")
    else:
        print("HarfBuzz-Subset: vorhanden (schnelles Einbetten der Schriften)")
    fonts = font_files(paths.fonts_dir)
    if not fonts:
        problems += 1
        print("Warnung: keine Schriften in templates/fonts: WeasyPrint nimmt Systemschriften")
    for font in fonts:
        names = TTFont(font, lazy=True)["name"]
        print(f"Schrift:     {names.getBestFullName()} ({font.relative_to(root)})")
    pickles = list(cache_dir().glob("hyph-*.pickle")) if cache_dir().is_dir() else []
    print(f"Trennmuster: {'zwischengespeichert' if pickles else 'noch nicht'} in {cache_dir()}")
    for line in hyphenation_by_language():
        print(line)
    print("Ergebnis:    " + ("in Ordnung" if not problems else f"{problems} Warnung(en)"))
    return 1 if problems else 0


def hyphenation_by_language() -> list[str]:
    """Which language briefing has catalogs for also has hyphenation patterns (Pyphen)."""
    import pyphen

    from .i18n import LANGUAGES

    lines = []
    for language in LANGUAGES:
        found = pyphen.language_fallback(language)
        lines.append(f"Silbentrennung {language}: " + (
            f"Muster {found}" if found else
            "keine Trennmuster (Pyphen hat keine); Texte dieser Sprache werden nicht "
            "automatisch getrennt"))
    return lines
