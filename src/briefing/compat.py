"""Every use of a library's private internals, in one place, each for a stated reason.

briefing reaches into three libraries where they offer no public way to do what a press
office needs. Each hook below names the upstream issue it works around; each has a test in
tests/test_compat.py that fails when the library's behaviour under it changes. The hooks
were written against the versions in `WRITTEN_FOR`; `version_problems` says so at start-up
when another version is installed (the versions are pinned in pyproject.toml and
constraints.txt, so `make` installs the right ones).
"""

from __future__ import annotations

import argparse
import gettext
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: The versions the hooks were written and tested against.
WRITTEN_FOR = {"weasyprint": "70.0", "pyphen": "0.18.1"}


def version_problems() -> list[str]:
    """One German line per library whose installed version the hooks were not written for
    (read from the installed package names: no import, cheap enough for every start)."""
    from .incremental import library_versions

    installed = dict(entry.split("==", 1) for entry in library_versions())
    return [f"installiert ist {name} {installed.get(name, 'nicht')}, briefing ist für {name} "
            f"{wanted} geschrieben (es greift in dessen Interna ein, siehe compat.py); führen "
            "Sie »make« aus, das installiert die geprüften Versionen aus constraints.txt"
            for name, wanted in WRITTEN_FOR.items() if installed.get(name) != wanted]


# --- WeasyPrint: loading its C libraries --------------------------------------------------
# WeasyPrint asks cffi for each C library under the names of several platforms
# (`weasyprint.text.ffi._dlopen`). On Linux the first names fail, and for each failure cffi
# runs `ctypes.util.find_library`, which starts ldconfig, gcc and ld: 54 processes and
# 0.15–0.4 s of every build and of the preview's first view, for nothing — the Linux names
# that follow (`libpango-1.0.so.0`, …) load directly. While WeasyPrint is imported, that
# search answers at once that it found nothing; the libraries load by their `.so` names as
# before, and an optional one (HarfBuzz subsetting) that is missing stays missing.

@contextmanager
def quick_library_lookup() -> Iterator[None]:
    import ctypes.util
    import sys

    if not sys.platform.startswith("linux"):
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = original


# --- WeasyPrint: which HTML element each structure element stands for ---------------------
# WeasyPrint builds one PDF structure element per box, so an HTML element broken across a
# page (main, a list, a paragraph) becomes several (Kozea/WeasyPrint#2482), and a footnote
# has no `Note`. Its tag builder `weasyprint.pdf.tags._build_box_tree` is the only place
# where a box and its structure element meet: it is wrapped while one PDF is written.

@contextmanager
def recording_structure(record: Callable) -> Iterator[None]:
    """While the block runs, `record(box, element, pdf)` is called for every structure
    element WeasyPrint makes (the builder recurses through the wrapper, so for all)."""
    from weasyprint.pdf import tags

    original = tags._build_box_tree

    def wrapper(box, *args, **kwargs):
        for element in original(box, *args, **kwargs):
            record(box, element, args[1] if len(args) > 1 else kwargs.get("pdf"))
            yield element

    tags._build_box_tree = wrapper
    try:
        yield
    finally:
        tags._build_box_tree = original


# --- WeasyPrint: the laid-out boxes of a page ---------------------------------------------
# There is no public layout API; `Page._page_box` is the page's box tree (Kozea/WeasyPrint#265:
# "an implementation detail"). briefing reads it to find what sticks out of the text area
# (overflow.py) and the HTML a document was laid out from (conformance.py).

def page_box(page):
    return page._page_box


# --- Pyphen: the project's hyphenation exceptions -----------------------------------------
# Pyphen has no way to add or correct single words (Kozea/Pyphen#24, #55: the 2017 German
# patterns break »Fortschritt« and our words wrongly). Its parsed dictionaries are shared
# through `pyphen.hdcache`, and each keeps the break positions of every word it has seen in
# `HyphDict.cache`: the exceptions are put there, as Pyphen would have computed them.

def hyphenation_file(language: str):
    """The pattern file Pyphen uses for `language` (`de_DE`)."""
    import pyphen

    return pyphen.LANGUAGES[language]


def shared_dictionary(path) -> object | None:
    import pyphen

    return pyphen.hdcache.get(path)


def share_dictionary(path, dictionary) -> None:
    import pyphen

    pyphen.hdcache[path] = dictionary


def forget_dictionaries() -> None:
    import pyphen

    pyphen.hdcache.clear()


def set_breaks(dictionary, word: str, positions: list[int]) -> None:
    """`word` (lower case) breaks exactly at `positions` in every Pyphen user."""
    import pyphen

    dictionary.cache[word] = [pyphen.DataInt(position) for position in positions]


# --- argparse in German --------------------------------------------------------------------
# argparse's own texts (»usage:«, »options«, its error messages) go through the module-level
# name `argparse._` (bound to `gettext.gettext` at import). The documented way to translate
# them (python/cpython gh-54738) is a gettext catalog for the whole process's default
# domain; briefing translates only argparse's texts, so it rebinds that one name.

def german_argparse(translate: Callable[[str], str]) -> None:
    if getattr(argparse, "_", None) in (gettext.gettext, translate):
        argparse._ = translate
