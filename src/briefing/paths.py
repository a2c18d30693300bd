"""Where a project's files are, and how a path is shown to staff.

Imports nothing heavy: the no-op build path starts here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import UsageError

CONFIG_NAME = "briefing.toml"


@dataclass(frozen=True)
class Paths:
    # (Each path is made once: a build of thousands of releases asks for them often.)
    root: Path

    @cached_property
    def config_file(self) -> Path:
        return self.root / CONFIG_NAME

    @cached_property
    def content_dir(self) -> Path:
        return self.root / "content"

    @cached_property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @cached_property
    def fonts_dir(self) -> Path:
        """Every font file here is a project font; no other font is ever used."""
        return self.templates_dir / "fonts"

    @cached_property
    def output_dir(self) -> Path:
        return self.root / "output"

    @cached_property
    def approvals_dir(self) -> Path:
        """Who approved which text (lifecycle.py): versioned with the content."""
        return self.root / "freigaben"

    @cached_property
    def log_dir(self) -> Path:
        """The publication log and every published text (lifecycle.py)."""
        return self.root / "protokoll"

    @cached_property
    def hyphenation_file(self) -> Path:
        return self.content_dir / "silbentrennung.txt"

    @cached_property
    def manifest(self) -> Path:
        return self.output_dir / ".briefing-manifest"

    @cached_property
    def quick(self) -> Path:
        """What a build with nothing to do reads instead of the manifest (quick.py)."""
        return self.output_dir / ".briefing-quick"

    @cached_property
    def lock_file(self) -> Path:
        return self.output_dir / ".briefing.lock"

    def named(self, name: str | Path) -> str:
        """A content file as staff name it on the command line — from the current folder,
        from the project, or inside content/ (`x.md`) — shown as in messages. Not
        resolved: a symlink is named by its own path."""
        name = Path(name)
        candidates = [name, self.root / name, self.content_dir / name]
        return self.show(next((c for c in candidates if c.exists()), name))

    def missing(self, name: str | Path, known: Iterable[str] | None = None,
                otherwise: str = "; alle Inhaltsdateien zeigt »briefing status«") -> str | None:
        """Why the content file staff name (as `named` takes it) is not there, in German:
        »… gibt es nicht«, with the nearest of `known` (shown paths, `content/….md`; without
        it, every `*.md` in content/) named the way staff named theirs — from the project
        (`content/x.md`) or inside content/ (`x.md`) — else `otherwise`. None when the name
        is there (which need not make it a content file)."""
        import difflib

        given = Path(name)
        if any(os.path.lexists(c) for c in (given, self.root / given, self.content_dir / given)):
            return None
        shown = self.named(given)
        folder = self.show(self.content_dir) + "/"
        if known is None:
            known = [folder + inner for inner, is_file in content_names(self.content_dir)
                     if is_file and inner.endswith(".md")]
        # Compared by file name: »content/« and ».md«, in every path alike, would make
        # unrelated files look close.
        by_name: dict[str, str] = {}
        for path in known:
            by_name.setdefault(Path(path).stem,
                               path if shown.startswith(folder) else path.removeprefix(folder))
        close = difflib.get_close_matches(Path(shown).stem, list(by_name), n=1, cutoff=0.6)
        hint = f"; meinten Sie »{by_name[close[0]]}«?" if close else otherwise
        return f"{shown} gibt es nicht{hint}"

    def show(self, path: Path) -> str:
        """`path` as staff see it in messages: relative to the project, as named (a symlink
        is shown by its own name, not its target)."""
        return display_path(path, self.root)


def display_path(path: Path, root: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return str(absolute.relative_to(Path(os.path.abspath(root))))
    except ValueError:
        return str(path)


def find_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise UsageError(
        f"Keine {CONFIG_NAME} gefunden in {start} oder darüber; "
        "rufen Sie briefing im Projektordner auf"
    )


def content_names(folder: Path) -> list[tuple[str, bool]]:
    """Every name under `folder` (content/) as `rglob` finds them (symbolic links to
    folders are not followed), relative to it, in the order of their path parts, with
    whether it is a file (not a folder). Walked once, with strings: with thousands of
    files, a Path per file and a `resolve` of every one cost more than reading them from
    the cache."""
    return [(inner, is_file) for inner, is_file, _ in content_entries(folder)]


#: Why a content file that is a symbolic link out of content/ is not read (by a build,
#: `status` or `liste`).
LEADS_OUT = ("verweist auf eine Datei außerhalb von content/; kopieren Sie die Datei "
             "stattdessen hierher")


def content_entries(folder: Path) -> list[tuple[str, bool, bool]]:
    """`content_names`, with whether each is a symbolic link (known from the walk: no
    `lstat` of each of thousands)."""
    found = []
    todo = [(os.fspath(folder), [])]
    while todo:
        base, parts = todo.pop()
        try:
            entries = list(os.scandir(base))
        except OSError:
            continue
        for entry in entries:
            try:
                is_dir = entry.is_dir()
                is_link = entry.is_symlink()
            except OSError:
                is_dir = is_link = False
            inner = [*parts, entry.name]
            found.append((inner, os.sep.join(inner), not is_dir, is_link))
            if is_dir and not is_link:
                todo.append((entry.path, inner))
    found.sort()
    return [(inner, is_file, is_link) for _, inner, is_file, is_link in found]
