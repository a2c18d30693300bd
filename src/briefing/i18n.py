"""Every fixed text of the outputs in the document's language, from gettext catalogs.

German is the source language: the templates and the code write German, marked for
translation (`{{ _("Pressekontakt") }}` in a template, `_("…")` or `N_("…")` in the code).
The catalogs are `locale/<language>/LC_MESSAGES/briefing.po` beside this module, one per
language (de, en, pl, cs, hsb), kept with Babel's extract/update workflow
(`make kataloge`). They are compiled in memory when first needed, so a changed catalog is
always the one used; a language without a catalog gets the German texts.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Babel is imported when a text is first translated, not at start-up
    from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "briefing"
#: The languages briefing has catalogs for (primary subtags).
LANGUAGES = ("de", "en", "pl", "cs", "hsb")


def N_(message: str) -> str:
    """Marks a text for the catalogs where it is defined; `gettext` translates it later."""
    return message


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def translations(language: str) -> NullTranslations:
    """The translations for a document language (`en-GB` → the `en` catalog)."""
    from babel.support import NullTranslations

    path = catalog_path(language.split("-")[0].lower())
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return NullTranslations()
    return _compiled(path, stamp)


@cache
def _compiled(path: Path, stamp: int) -> Translations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with path.open("rb") as file:
        catalog = read_po(file)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def gettext(language: str, message: str, **values) -> str:
    """`message` in `language`, with `%(name)s` placeholders filled from `values`."""
    text = translations(language).gettext(message)
    return text % values if values else text
