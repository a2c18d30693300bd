"""`briefing umbenennen ALT NEU`: a release gets a new file name in one step — its file,
its editions (`ALT.en.md` → `NEU.en.md`), every link to it (`pressemitteilung:` of its
briefings, `original:` of its editions) and its approvals. All or nothing: every new file
is written before any old one goes, and a failure (or Ctrl-C) puts back what was done. A
published release keeps its name (its address is public and in the log). The next build
writes the outputs under the new names and removes the old ones.

The new name follows the rule of `briefing neu`: `JJJJ-MM-TT-<typ>-<titel>`, the date the
release's `datum:`, in the same folder (`name_problem`).

An approval is of a text (lifecycle.py): it records the SHA-256 of every file the text
comes from, under the file's path. Renaming changes paths, not bytes, so every approval
that names a moved file has its paths set to the new ones (and its `fassung`, the hash of
paths and bytes, computed again) in the same transaction. An approval whose texts are
byte for byte what was approved then stays valid — the release's own, as a rule — and one
whose text the renaming changed (a link set to the new name) is void, as after any edit:
`vergleich`, `status`, `build` and `veröffentlichen` all read the same record, and the
renaming names the files to approve again."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import clock
from .errors import MachineError, UsageError
from .files import cause_of, machine_error, write_atomically
from .lifecycle import version
from .paths import Paths
from .scaffold import MAX_DISTINCT_SLUG, NEW_TYPES, as_typed, slug

_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: What a file name may hold; `_NAME` also says where hyphens go.
_LETTERS = re.compile(r"[a-z0-9-]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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

    given_old, given_new = args.alt.strip(), args.neu.strip()
    if not given_old or not given_new:
        missing = "ALT und NEU fehlen" if not given_old and not given_new else \
            "ALT fehlt" if not given_old else "NEU fehlt"
        raise UsageError(f"umbenennen: {missing}: geben Sie die Pressemitteilung und ihren "
                         "neuen Namen an, z. B. " + as_typed(
                             "briefing umbenennen content/2025-10-29-pressemitteilung-….md "
                             "2025-10-29-pressemitteilung-strategie",
                             "make umbenennen ALT=content/2025-10-29-pressemitteilung-….md "
                             "NEU=2025-10-29-pressemitteilung-strategie"))
    paths = Paths(root)
    project = load_project(root)
    release = _release(paths, project, given_old)
    if project.register.published(release.display_path) or project.register.number(release):
        raise UsageError(
            f"umbenennen: {release.display_path} ist veröffentlicht; ihre Adresse steht im "
            "Netz und im Protokoll und bleibt. Ändern Sie den Titel, nicht den Dateinamen")
    new = _new_name(paths, release, given_new)
    changes = _changes(paths, release, new)
    taken = [c.target for c in changes if c.target != c.source and c.target.exists()]
    if taken:
        raise UsageError(f"umbenennen: {paths.show(taken[0])} gibt es schon; es wird nichts "
                         "überschrieben. Wählen Sie einen anderen neuen Namen")
    verdicts = _verdicts(paths, changes)
    _apply(paths, changes)
    for change in changes:
        if change.target != change.source:
            print(f"umbenannt  {paths.show(change.source)} → {paths.show(change.target)}")
        else:
            print(f"angepasst  {paths.show(change.target)}")
    for shown, why in sorted(verdicts.items(), key=lambda item: (item[1] is not None, item)):
        print(f"Freigabe gilt weiter  {shown}  (Text unverändert)" if why is None else
              f"neu freigeben  {shown}  ({why})")
    again = [shown for shown, why in verdicts.items() if why is not None]
    print("Nächster Schritt: »make« setzt die Ausgaben unter den neuen Namen und entfernt "
          "die alten" + ("; was neu freizugeben ist, zeigt »make vergleich DATEI=…«, "
                         "freigeben mit »make freigeben DATEI=… NAME=\"…\"«." if again else "."))
    return 0


# --- what is renamed, and to what ------------------------------------------------------------

def _release(paths: Paths, project, name: str):
    """The release staff name as ALT; UsageError saying why it is none and which they may
    have meant."""
    found = None
    for wanted in (name, f"{name}.md") if not name.endswith(".md") else (name,):
        found = next((c for c in (Path(wanted), paths.root / wanted,
                                  paths.content_dir / wanted) if c.is_file()), None)
        if found is not None:
            break
    if found is None:
        # A release named by its name alone (`pm`) is shown as its file in content/.
        named = Path(wanted) if name.endswith(".md") or "/" in name else \
            paths.content_dir / wanted
        releases = sorted((d for d in project.documents
                           if d.type.heads_package and d.original is None),
                          key=lambda d: d.slug, reverse=True)
        newest = [f"»{d.display_path}«" for d in releases[:3]]
        otherwise = f"; die neuesten Pressemitteilungen: {', '.join(newest)}" if newest else \
            "; in content/ gibt es noch keine Pressemitteilung"
        why = paths.missing(named, [d.display_path for d in releases], otherwise)
        raise UsageError(f"umbenennen: {why or f'{paths.named(named)} ist keine Datei'}")
    if not found.resolve().is_relative_to(paths.content_dir.resolve()):
        raise UsageError(f"umbenennen: {paths.show(found)} liegt nicht in content/; umbenannt "
                         "wird eine Pressemitteilung in content/")
    try:
        release = project.named(found)
    except UsageError as exc:
        raise UsageError(f"umbenennen: {exc}") from None
    if not release.type.heads_package or release.original is not None:
        raise UsageError(f"umbenennen: {release.display_path} ist keine Pressemitteilung im "
                         "Original; umbenannt wird die Pressemitteilung, ihre Fassungen "
                         "folgen ihr")
    return release


def name_problem(name: str, day, kind: str) -> str | None:
    """Why `name` (a file name without `.md`) cannot name a document of type `kind` dated
    `day`, in German, or None. The rule of `briefing neu`: `JJJJ-MM-TT-<typ>-<titel>`, the
    date the document's `datum:`, the title part lower-case letters, digits and hyphens,
    no longer than the longest `neu` gives (a name that tells two titles apart)."""
    date, start = day.isoformat(), f"{day.isoformat()}-{_word(kind)}-"
    if not _LETTERS.fullmatch(name):
        return "taugt nicht als Dateiname: erlaubt sind Kleinbuchstaben, Ziffern und " \
               "Bindestriche"
    if name.startswith("-"):
        return f"beginnt mit einem Bindestrich: vorn steht das Datum {date}"
    if not name.startswith(f"{date}-"):
        other = _DATE.match(name)
        if other:
            return (f"trägt das Datum {other[0]}, das Dokument aber »datum: {date}«: jede "
                    "Datei ist nach ihrem Datum benannt (für einen anderen Tag zuerst "
                    "»datum:« ändern)")
        return f"beginnt nicht mit dem Datum {date} aus »datum:«: jede Datei ist nach ihrem " \
               "Datum benannt"
    if name.rstrip("-") == start[:-1]:
        return f"nennt nach »{start}« keinen Titel"
    if not _NAME.fullmatch(name):  # the letters fit: a hyphen too many
        return "hat zwei Bindestriche hintereinander: zwischen zwei Wörtern steht genau einer" \
            if "--" in name else "endet auf einen Bindestrich: nach dem letzten Wort steht keiner"
    if not name.startswith(start):
        return f"nennt nach dem Datum nicht die Art »{_word(kind)}«"
    if len(name) - len(start) > MAX_DISTINCT_SLUG:
        return f"ist zu lang: nach »{start}« höchstens {MAX_DISTINCT_SLUG} Zeichen"
    return None


def suggested_name(given: str, day, kind: str, title: str) -> str:
    """A name by the rule for what staff typed: its words after any date and type, or the
    title's when it has none."""
    rest = re.split(r"[/\\]", given.strip())[-1].removesuffix(".md").lower().strip("-_ ")
    rest = re.sub(r"^\d{4}-?\d{2}-?\d{2}", "", rest).strip("-_ ")
    rest = re.sub(rf"^{re.escape(_word(kind))}\b", "", rest)
    words = rest if re.search(r"[^\W_]", rest) else title
    return f"{day.isoformat()}-{_word(kind)}-{slug(words)}"


def _word(kind: str) -> str:
    """How `briefing neu` names a type in a file name."""
    return NEW_TYPES[kind][1] if kind in NEW_TYPES else kind


def _new_name(paths: Paths, release, given: str) -> str:
    """NEU as a file name (without `.md`) in the release's folder; UsageError, with a name
    that would do, when it is none."""
    folder = Path(given).parent
    home = release.source.parent.resolve()
    name = Path(given).name.removesuffix(".md")
    problem = None
    if str(folder) != "." and home not in (folder.resolve(), (paths.root / folder).resolve()):
        problem = (f"nennt einen Ordner: NEU ist nur der neue Dateiname, die Datei bleibt in "
                   f"{paths.show(release.source.parent)}/")
    problem = problem or name_problem(name, release.date, release.kind)
    if problem:
        raise UsageError(
            f"umbenennen: {release.display_path}: »{given}« {problem}; z. B. "
            f"{suggested_name(given, release.date, release.kind, release.title)}")
    if name == release.slug:
        raise UsageError(f"umbenennen: {release.display_path} heißt schon so")
    return name


# --- the files it writes ------------------------------------------------------------------

def _changes(paths: Paths, release, new: str) -> list[_Change]:
    """Every file the renaming writes: moved ones with their links set, edited ones, then
    the approvals. Read as text, every content file, also one that has errors now (it must
    follow too)."""
    old = release.slug
    changes = []
    for source in sorted(paths.content_dir.rglob("*.md")):
        text = _read(paths, source)
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
    return changes + _approvals(paths, changes, old)


def _approvals(paths: Paths, content: list[_Change], old: str) -> list[_Change]:
    """The approvals of moved files move with them (`freigaben/<name>.toml` and `.md`);
    every approval that names a moved file names it by its new path."""
    moved = {c.source.stem: c.target.stem for c in content if c.target != c.source}
    renamed = {paths.show(c.source): paths.show(c.target) for c in content
               if c.target != c.source}
    mention = json.dumps(old, ensure_ascii=False)[1:-1].encode()  # as approve() writes it
    changes = []
    folder = paths.approvals_dir
    for source in sorted(folder.iterdir()) if folder.is_dir() else []:
        if source.suffix not in (".toml", ".md") or not source.is_file():
            continue
        target = source.with_name(f"{moved.get(source.stem, source.stem)}{source.suffix}")
        if target == source and source.suffix == ".md":
            continue
        data = _read(paths, source)
        if target == source and mention not in data:
            continue
        text = _reapproved(data, renamed) if source.suffix == ".toml" else data
        if target != source or text != data:
            changes.append(_Change(source, target, text, data))
    return changes


def _peek(path: Path) -> bytes:
    """A file's bytes; none when it cannot be read (it then counts as changed)."""
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _read(paths: Paths, path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        fault = machine_error(exc, paths, path, "kann nicht gelesen werden")
        raise MachineError(f"umbenennen: {fault}; es wurde nichts umbenannt") from None


def _relinked(text: bytes, old: str, new: str) -> bytes:
    """The front-matter links to `old` (`pressemitteilung:`, `original:`) set to `new`."""
    pattern = re.compile(rb"^((?:pressemitteilung|original):[ \t]*)(['\"]?)"
                         + re.escape(old.encode())
                         + rb"(\.md)?\2([ \t]*(?:#[^\r\n]*)?)(\r?)$", re.M)
    return pattern.sub(lambda m: m[1] + m[2] + new.encode() + (m[3] or b"") + m[2] + m[4]
                       + m[5], text)


def _reapproved(data: bytes, renamed: dict[str, str]) -> bytes:
    """An approval (lifecycle.approve's TOML) with the paths of moved files set to their new
    paths and its `fassung` computed again; the hashes stay what was approved. Every other
    line stays as it was; a comment says what was renamed. A file that is no approval
    moves as it is (it counts as none)."""
    try:
        text = data.decode("utf-8")
        record = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return data
    files = record.get("dateien")
    if not isinstance(files, dict):
        return data
    named = sorted((set(files) | {str(record.get("datei"))}) & set(renamed))
    if not named:
        return data
    fassung = version({renamed.get(k, k): v for k, v in files.items()})
    lines, section = [], ""
    for line in text.splitlines():
        bare = line.strip()
        if bare.startswith("["):
            section = bare
        elif bare and not bare.startswith("#"):
            try:  # approve() writes one key a line; another form is not its file
                key, value = next(iter(tomllib.loads(line).items()))
            except (tomllib.TOMLDecodeError, StopIteration):
                return data
            if section == "[dateien]" and key in renamed:
                line = f"{_toml(renamed[key])} = {_toml(value)}"
            elif not section and key == "datei" and str(value) in renamed:
                line = f"datei = {_toml(renamed[str(value)])}"
            elif not section and key == "fassung":
                line = f"fassung = {_toml(fassung)}"
        lines.append(line)
    top = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    day = clock.now().astimezone(clock.BERLIN).strftime("%d.%m.%Y")
    lines.insert(top, f"# Umbenannt am {day} (briefing umbenennen): "
                      + ", ".join(f"{k} → {renamed[k]}" for k in named)
                      + f"; Fassung vorher {record.get('fassung', '–')}")
    return ("\n".join(lines) + "\n").encode()


def _toml(text: str) -> str:
    """A TOML basic string, as lifecycle.approve writes them (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _verdicts(paths: Paths, changes: list[_Change]) -> dict[str, str | None]:
    """For every document whose approval the renaming rewrites: None when it stays valid
    (every file it was given for is, after the renaming, byte for byte what was approved),
    else why it must be approved again — as lifecycle.Register will see it."""
    after = {paths.show(c.target): c.text for c in changes}
    before = {paths.show(c.target): c.before for c in changes}
    found: dict[str, str | None] = {}
    for change in changes:
        if change.target.suffix != ".toml" or change.text == change.before:
            continue
        try:
            record = tomllib.loads(change.text.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        document = str(record.get("datei", ""))
        if not (paths.root / document).is_file() and document not in after:
            continue  # an approval of a file no longer in content/
        why = None
        for name, sha in sorted(dict(record.get("dateien", {})).items(),
                                key=lambda item: item[0] != document):
            now = after.get(name)
            if now is None:
                now = _peek(paths.root / name) if (paths.root / name).is_file() else None
            if now is not None and hashlib.sha256(now).hexdigest() == sha:
                continue
            if name != document:
                why = f"übernimmt aus {name}, das geändert wurde"
            elif hashlib.sha256(before.get(name, b"")).hexdigest() == sha:
                why = "Verweis auf den neuen Namen geändert"
            else:
                why = "schon vor dem Umbenennen seit der Freigabe geändert"
            break
        found[document] = why
    return found


# --- all or nothing -----------------------------------------------------------------------

def _apply(paths: Paths, changes: list[_Change]) -> None:
    """New files first, then the old ones go; on failure (or Ctrl-C) what was done is
    undone: the new files removed, every old file as it was. A fault names the file."""
    written: list[_Change] = []
    removed: list[_Change] = []
    where, what = paths.root, ""
    try:
        for change in changes:
            where, what = change.target, "kann nicht geschrieben werden"
            write_atomically(change.target, change.text)
            written.append(change)
        for change in changes:
            if change.target != change.source:
                where, what = change.source, "kann nicht entfernt werden"
                change.source.unlink()
                removed.append(change)
    except BaseException as exc:
        left = _undo(paths, written, removed)
        if not isinstance(exc, OSError):
            raise  # Ctrl-C: undone, then stopped as usual
        fault = machine_error(exc, paths, where, what)
        if left:
            raise MachineError(
                f"umbenennen: {fault}; abgebrochen, aber nicht alles ließ sich zurücksetzen: "
                f"{'; '.join(left)}. Bitte von Hand prüfen (»git status« zeigt, was anders "
                "ist)") from None
        raise MachineError(f"umbenennen: {fault}; es wurde nichts umbenannt") from None


def _undo(paths: Paths, written: list[_Change], removed: list[_Change]) -> list[str]:
    """Put back what `_apply` did; what could not be put back, with why."""
    left = []
    for change in written:  # first the new names go (that frees space too)
        if change.target != change.source:
            try:
                change.target.unlink(missing_ok=True)
            except OSError as exc:
                left.append(f"{paths.show(change.target)} bleibt ({cause_of(exc)})")
    for change in written:  # then what was changed or removed comes back
        if change.target == change.source or change in removed:
            try:
                write_atomically(change.source, change.before)
            except OSError as exc:
                state = "fehlt" if change.target != change.source else "bleibt geändert"
                left.append(f"{paths.show(change.source)} {state} ({cause_of(exc)})")
    return left


__all__ = ["name_problem", "run", "suggested_name"]
