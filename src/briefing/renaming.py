"""`briefing umbenennen ALT NEU`: a release gets a new file name in one step — its file,
its editions (`ALT.en.md` → `NEU.en.md`), every link to it (`pressemitteilung:` of its
briefings, `original:` of its editions) and its approvals. All or nothing: every new file
is written before any old one goes, and a failure puts back what was done. A published
release keeps its name (its address is public and in the log). The next build writes the
outputs under the new names and removes the old ones."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import MachineError, UsageError
from .files import cause_of, write_atomically
from .paths import Paths

_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass
class _Change:
    """One file of the renaming: its new text at `target`, its old place `source`."""

    source: Path
    target: Path
    text: bytes
    #: What `source` held: put back when the renaming fails.
    before: bytes


def run(root: Path, args) -> int:
    from .project import load_project

    paths = Paths(root)
    project = load_project(root)
    release = _release(project, args.alt)
    new = _new_name(args.neu)
    if new == release.slug:
        raise UsageError(f"umbenennen: {release.display_path} heißt schon so")
    if project.register.published(release.display_path) or project.register.number(release):
        raise UsageError(
            f"umbenennen: {release.display_path} ist veröffentlicht; ihre Adresse steht im "
            "Netz und im Protokoll und bleibt. Ändern Sie den Titel, nicht den Dateinamen")
    changes = _changes(paths, release, new)
    taken = [c.target for c in changes if c.target != c.source and c.target.exists()]
    if taken:
        raise UsageError(f"umbenennen: {paths.show(taken[0])} gibt es schon; es wird nichts "
                         "überschrieben")
    _apply(paths, changes)
    for change in changes:
        if change.target != change.source:
            print(f"umbenannt  {paths.show(change.source)} → {paths.show(change.target)}")
        else:
            print(f"angepasst  {paths.show(change.target)}")
    print("Nächster Schritt: »make« setzt die Ausgaben unter den neuen Namen und entfernt "
          "die alten; umbenannte Dokumente brauchen eine neue Freigabe.")
    return 0


def _release(project, name: str):
    try:
        found = project.named(name if name.endswith(".md") or "/" in name else f"{name}.md")
    except UsageError as exc:
        raise UsageError(f"umbenennen: {exc}") from None
    shown = found.display_path
    if not found.type.heads_package or found.original is not None:
        raise UsageError(f"umbenennen: {shown} ist keine Pressemitteilung im Original; "
                         "umbenannt wird die Pressemitteilung, ihre Fassungen folgen ihr")
    return found


def _new_name(name: str) -> str:
    new = Path(name).name.removesuffix(".md")
    if not _NAME.fullmatch(new):
        raise UsageError(f"umbenennen: »{name}« taugt nicht als Dateiname; erlaubt sind "
                         "Kleinbuchstaben, Ziffern und Bindestriche, z. B. "
                         "2025-11-14-pressemitteilung-grenzregion")
    return new


def _changes(paths: Paths, release, new: str) -> list[_Change]:
    """Every file the renaming writes: moved ones with their links set, edited ones. Read
    as text, every content file, also one that has errors now (it must follow too)."""
    old = release.slug
    changes = []
    for source in sorted(paths.content_dir.rglob("*.md")):
        text = source.read_bytes()
        edited = _relinked(text, old, new)
        stem = source.stem
        if stem == old:
            target = source.with_name(f"{new}.md")
        elif stem.startswith(f"{old}.") and "." not in stem[len(old) + 1:]:
            target = source.with_name(f"{new}{stem[len(old):]}.md")  # an edition: ALT.en
        elif edited != text:
            target = source
        else:
            continue
        changes.append(_Change(source, target, edited, text))
        for suffix in (".toml", ".md"):  # its approval goes with it
            approval = paths.approvals_dir / f"{stem}{suffix}"
            if target != source and approval.is_file():
                data = approval.read_bytes()
                changes.append(_Change(approval, approval.with_name(f"{target.stem}{suffix}"),
                                       data, data))
    return changes


def _relinked(text: bytes, old: str, new: str) -> bytes:
    """The front-matter links to `old` (`pressemitteilung:`, `original:`) set to `new`."""
    pattern = re.compile(rb"^((?:pressemitteilung|original):[ \t]*)(['\"]?)"
                         + re.escape(old.encode())
                         + rb"(\.md)?\2([ \t]*(?:#[^\r\n]*)?)(\r?)$", re.M)
    return pattern.sub(lambda m: m[1] + m[2] + new.encode() + (m[3] or b"") + m[2] + m[4]
                       + m[5], text)


def _apply(paths: Paths, changes: list[_Change]) -> None:
    """New files first, then the old ones go; on failure what was done is undone: the new
    files removed, every old file as it was."""
    written: list[_Change] = []
    removed: list[_Change] = []
    try:
        for change in changes:
            write_atomically(change.target, change.text)
            written.append(change)
        for change in changes:
            if change.target != change.source:
                change.source.unlink()
                removed.append(change)
    except OSError as exc:
        for change in written:  # first the new names go (that frees space too)
            if change.target != change.source:
                with contextlib.suppress(OSError):
                    change.target.unlink(missing_ok=True)
        for change in written:  # then what was changed or removed comes back
            if change.target == change.source or change in removed:
                with contextlib.suppress(OSError):
                    write_atomically(change.source, change.before)
        raise MachineError(f"umbenennen: {cause_of(exc)}; es wurde nichts umbenannt") from None
