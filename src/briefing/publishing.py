"""The staff's publication commands: `freigeben` (approve a text), `vergleich` (what
changed since it was approved or published), `protokoll` (what went out, when, approved by
whom) and `veröffentlichen` (publish what is due, once or waiting for each due time)."""

from __future__ import annotations

import hashlib
import html
import sys
import time
from pathlib import Path

from . import clock
from .diffs import word_diff
from .editions import edition_label
from .errors import MachineError, UsageError
from .files import cause_of, may_fork_early, write_atomically
from .lifecycle import Register, approval_of, approve, approved_text, read_log, text_path
from .paths import Paths


def run_approve(root: Path, args) -> int:
    """`briefing freigeben DATEI… --name "…"`: record who approved which exact text."""
    from .project import load_project

    paths = Paths(root)
    name = " ".join((args.name or "").split())
    if not name:
        raise UsageError("freigeben: nennen Sie, wer freigibt: --name \"Vorname Nachname\" "
                         "(make freigeben DATEI=… NAME=\"…\")")
    project = load_project(root)
    try:
        documents = [project.named(file) for file in args.files]
    except UsageError as exc:
        raise UsageError(f"freigeben: {exc}") from None
    for document in documents:
        if document.draft:
            raise UsageError(f"freigeben: {document.display_path} ist ein Entwurf; entfernen "
                             "Sie zuerst »entwurf: true«")
        if document.author and document.author.casefold() == name.casefold():
            raise UsageError(f"freigeben: {name} hat {document.display_path} laut »autor« "
                             "geschrieben; nach dem Vier-Augen-Prinzip gibt eine andere Person "
                             "frei")
        errors = [p for p in project.problems if p.is_error and p.path in
                  (document.display_path, *document.links)]
        if errors:
            raise UsageError(f"freigeben: {document.display_path} hat Fehler; zuerst "
                             "beheben:\n" + "\n".join(map(str, errors)))
    for document in documents:
        try:
            approval = approve(paths, document, name)
        except OSError as exc:
            raise MachineError(f"{paths.show(paths.approvals_dir)}: Freigabe kann nicht "
                               f"gespeichert werden: {cause_of(exc)}") from None
        print(f"freigegeben  {document.display_path}  von {name} am {approval.when} "
              f"(Fassung {approval.version}; {paths.show(paths.approvals_dir)}/"
              f"{document.slug}.toml)")
        if document.outdated and not document.earlier_version:  # (check says what changed)
            print(f"Hinweis: {document.display_path}: {edition_label(document)} veraltet; sie "
                  "wird erst veröffentlicht, wenn sie angeglichen ist und »fassung« stimmt, "
                  "und danach wieder freigegeben (»make check« zeigt, was sich am Original "
                  "geändert hat)")
    print("Die Freigabe gilt für genau diesen Text: wird er geändert, muss neu freigegeben "
          "werden. Veröffentlicht wird mit »make veroeffentlichen« zu ihrer Zeit.")
    return 0


# --- vergleich -------------------------------------------------------------------------

def _terminal(pieces: list[tuple[str, str]], color: bool) -> str:
    marks = {"-": ("\033[31;9m", "\033[0m"), "+": ("\033[32;4m", "\033[0m")} if color else \
        {"-": ("[-", "-]"), "+": ("{+", "+}")}
    return "".join(text if kind == "=" else f"{marks[kind][0]}{text}{marks[kind][1]}"
                   for kind, text in pieces)


def _page(title: str, sections: list[tuple[str, list[tuple[str, str]]]]) -> str:
    """The changes as a page: one section per file (its own, with a heading when there
    are others; those it takes over)."""
    parts = []
    for heading, pieces in sections:
        body = "".join(html.escape(text) if kind == "=" else
                       f"<{'del' if kind == '-' else 'ins'}>{html.escape(text)}"
                       f"</{'del' if kind == '-' else 'ins'}>" for kind, text in pieces)
        parts.append(f"<h2>{html.escape(heading)}</h2><pre>{body}</pre>" if heading
                     else f"<pre>{body}</pre>")
    return (f'<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;"
            "max-width:50rem;margin:2rem auto;padding:0 1rem}pre{white-space:pre-wrap;"
            "line-height:1.5}del{background:#fbe3e4;color:#7a0b10}ins{background:#e0f4e4;"
            "color:#0b4d1c}</style></head><body><main>"
            f"<h1>{html.escape(title)}</h1><p>Gestrichen ist <del>so</del>, neu ist "
            f"<ins>so</ins> markiert.</p>{''.join(parts)}</main></body></html>\n")


def run_compare(root: Path, args) -> int:
    """`briefing vergleich DATEI [--seit freigabe|veröffentlichung]`: word by word."""
    paths = Paths(root)
    shown = paths.named(args.file)
    source = paths.root / shown
    if not source.is_file() or not shown.startswith(paths.show(paths.content_dir) + "/"):
        raise UsageError("vergleich: " + (paths.missing(args.file)
                                          or f"{shown}: keine Inhaltsdatei unter content/"))
    slug = source.stem
    since = args.seit or "freigabe"
    if since == "fassung":  # what a translator has to follow in the original
        from .editions import original_changes

        label, old, new = original_changes(paths, shown)
        return _show_changes(paths, f"{shown}: {label}", slug, old, new,
                             "unverändert: die Übersetzung ist aktuell")
    if since == "freigabe":
        old_path = paths.approvals_dir / f"{slug}.md"
        label = "der Freigabe"
        if not old_path.is_file():
            since, label = "veröffentlichung", "der Veröffentlichung"
    if since != "freigabe":
        entries = [e for e in read_log(paths) if shown in e.get("texte", {})]
        if not entries:
            raise UsageError(f"vergleich: {shown} wurde weder freigegeben noch veröffentlicht; "
                             "es gibt nichts zu vergleichen")
        old_path = text_path(paths, entries[-1]["texte"][shown])
        label = f"der Veröffentlichung am {entries[-1]['zeit'][:10]}"
    old = old_path.read_text(encoding="utf-8")
    new = source.read_text(encoding="utf-8")
    taken = _taken_since_approval(paths, slug) if since == "freigabe" else []
    return _show_changes(paths, f"{shown}: Änderungen seit {label}", slug, old, new,
                         f"unverändert seit {label}", taken)


def _taken_since_approval(paths: Paths, slug: str) -> list[tuple[str, str | None, str]]:
    """The texts an approval took over (a briefing's release, an edition's original) that
    changed since: (file, its text then or None when not kept, its text now)."""
    approval = approval_of(paths, slug)
    if approval is None:
        return []
    found = []
    for name, sha in sorted(approval.files.items()):
        if Path(name).stem == slug or not name.endswith(".md"):
            continue
        try:
            data = (paths.root / name).read_bytes()
        except OSError:
            continue  # (no longer there: the approval's check says so)
        if hashlib.sha256(data).hexdigest() != sha:
            found.append((name, approved_text(paths, name, sha),
                          data.decode("utf-8", errors="replace")))
    return found


def _show_changes(paths: Paths, title: str, slug: str, old: str, new: str,
                  unchanged: str, taken: list[tuple[str, str | None, str]] = ()) -> int:
    """The word diff in the terminal and as a page in output/vergleich/; then that of
    each text it takes over which changed (`taken`)."""
    shown = title.split(": ")[0]
    pieces = word_diff(old, new)
    sections = [] if all(kind == "=" for kind, _ in pieces) else \
        [(shown if taken else "", pieces)]
    if not sections and not taken:
        print(f"{shown}: {unchanged}.")
        return 0
    print(title if sections else f"{shown}: selbst {unchanged}")
    if sections:
        print(_terminal(pieces, sys.stdout.isatty()))
    for name, before, now in taken:
        if before is None:
            print(f"Übernommen aus {name}: seitdem geändert; den Text von damals hat die "
                  "Freigabe nicht aufbewahrt (vor dieser Version von briefing freigegeben)")
            continue
        changes = word_diff(before, now)
        sections.append((f"Übernommen aus {name}", changes))
        print(f"Übernommen aus {name}: Änderungen seitdem")
        print(_terminal(changes, sys.stdout.isatty()))
    if not sections:
        return 0
    target = paths.output_dir / "vergleich" / f"{slug}.html"
    try:
        write_atomically(target, _page(title, sections).encode())
    except OSError as exc:
        raise MachineError(f"{paths.show(target)}: kann nicht geschrieben werden: "
                           f"{cause_of(exc)}") from None
    print(f"Als Seite: {paths.show(target)}")
    return 0


# --- protokoll --------------------------------------------------------------------------

def run_log(root: Path, args) -> int:
    """`briefing protokoll [--dateien]`: every publication, correction and withdrawal."""
    paths = Paths(root)
    entries = read_log(paths)
    if not entries:
        print("Noch nichts veröffentlicht (protokoll/protokoll.jsonl ist leer).")
        return 0
    for entry in entries:
        when = entry["zeit"][:16].replace("T", " ")
        number = (entry.get("nummer") or "–").replace("\u00a0", " ")
        approvals = ", ".join(sorted({a["name"] for a in entry.get("freigaben", {}).values()}))
        line = (f"{when}  {entry['aktion']:<15} {number:<13} {entry['datei']}  "
                f"freigegeben von {approvals or '–'}; {len(entry.get('dateien', {}))} Dateien")
        if entry.get("korrektur"):
            line += f"; Korrektur: {entry['korrektur']}"
        if entry.get("grund"):
            line += f"; Grund: {entry['grund']}"
        print(line)
        if args.dateien:
            for name, sha in entry.get("dateien", {}).items():
                print(f"    {sha}  output/{name}")
            for name, text in entry.get("texte", {}).items():
                print(f"    Text {text}  {name}")
    return 0


# --- veröffentlichen ----------------------------------------------------------------------

#: The longest a waiting run sleeps before it looks again (new approvals, new files).
MAX_WAIT_SECONDS = 60


def run_publish(root: Path, args) -> int:
    """`briefing veröffentlichen [--warten]`: a build of every output, which publishes what
    is approved and due; waiting, it runs again at each due time until Ctrl-C."""
    from .build import build
    from .publication import held

    said: list[str] = []  # (waiting, what waits is said again only when it changed)
    while True:
        report = build(root, channels=True, jobs=args.jobs, on_wait=_waiting,
                       warm=may_fork_early() and args.jobs != 1)
        for problem in report.problems:
            if not problem.is_error and "Interner Vermerk" not in problem.message:
                continue
            print(problem, file=sys.stderr)
        now = f"{clock.now().astimezone(clock.BERLIN):%d.%m.%Y %H:%M}"
        for folder, why in report.published:
            print(f"{now}  veröffentlicht: {folder} ({why})", flush=True)
        waiting = held(report.problems)
        if waiting != said:
            for why in waiting:
                print(f"{now}  {why}", flush=True)
            said = waiting
        if not args.warten:
            if not report.published:
                print("Nichts veröffentlicht." if waiting else "Nichts fällig: keine "
                      "freigegebene Pressemitteilung, deren Zeit gekommen ist.")
            return report.exit_code()
        time.sleep(_seconds_to_next(root))


def _seconds_to_next(root: Path) -> float:
    from .incremental import Manifest

    expires = Manifest.load(Paths(root).manifest).expires
    if not expires:
        return MAX_WAIT_SECONDS
    import datetime as dt

    left = (dt.datetime.fromisoformat(expires) - clock.now()).total_seconds()
    return max(0.2, min(MAX_WAIT_SECONDS, left + 0.05))


def _waiting() -> None:
    print("Ein anderer briefing-Lauf schreibt gerade nach output/; warte …", file=sys.stderr,
          flush=True)


__all__ = ["Register", "run_approve", "run_compare", "run_log", "run_publish", "word_diff"]
