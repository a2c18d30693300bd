"""The life of a release: Entwurf → freigegeben → veröffentlicht (at its time) → korrigiert
or zurückgezogen; every step recorded.

Kept beside content/, so that it is reviewed and versioned with the texts (in git, like
them), and not in output/, which is made again from these and content/ at any time:

    freigaben/<name>.toml       who approved which exact text of content/<name>.md, when
    freigaben/<name>.md         that text, to name the lines changed since (`vergleich`)
    protokoll/protokoll.jsonl   every publication, correction and withdrawal, a JSON line
                                each: when, the number, who approved which text, every
                                file published with its SHA-256 (`briefing protokoll`)
    protokoll/texte/<hash>.md   every text as it was published

An approval is of a text and of everything it takes over: a briefing's approval is void
when its release changes, too (`fingerprint`). The person a document names as its `autor`
cannot approve it (Vier-Augen-Prinzip).
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import difflib
import hashlib
import json
import os
import re
import weakref
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import clock
from .errors import MachineError, Problem, RecordError
from .files import cause_of, write_atomically
from .i18n import gettext
from .model import Document, evolve
from .paths import Paths

LOG_FILE = "protokoll.jsonl"
#: What the log calls each step.
PUBLISHED, CORRECTED, WITHDRAWN = "veröffentlicht", "korrigiert", "zurückgezogen"
_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fingerprint(paths: Paths, document: Document) -> dict[str, str]:
    """SHA-256 of every file the document's text comes from: its own, those it takes
    values from (its release, its original), and its images."""
    names = [document.display_path, *document.links, *_images(paths, document)]
    found = {}
    for name in names:
        try:
            found[name] = _sha((paths.root / name).read_bytes())
        except OSError:
            found[name] = "fehlt"
    return found


def version(files: dict[str, str]) -> str:
    """One hash for a fingerprint: the text version an approval is of."""
    return _sha("\n".join(f"{name}:{sha}" for name, sha in sorted(files.items()))
                .encode())[:16]


def _images(paths: Paths, document: Document) -> list[str]:
    found = []
    folder = document.source.parent
    for src in _IMAGE.findall(document.body):
        target = (folder / src).resolve()
        if target.is_file() and target.is_relative_to(paths.content_dir.resolve()):
            found.append(paths.show(target))
    return sorted(set(found))


@dataclass(frozen=True)
class Approval:
    source: str
    name: str
    at: dt.datetime
    version: str
    files: dict[str, str]

    @property
    def when(self) -> str:
        return self.at.astimezone(clock.BERLIN).strftime("%d.%m.%Y %H:%M")


def _toml(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def approve(paths: Paths, document: Document, name: str) -> Approval:
    """Record that `name` approved the document's current text (and what it takes over)."""
    files = fingerprint(paths, document)
    approval = Approval(document.display_path, name, clock.now(), version(files), files)
    lines = ["# Freigabe (briefing freigeben); mit dem Inhalt versionieren, nicht von Hand "
             "ändern.", f"datei = {_toml(document.display_path)}", f"name = {_toml(name)}",
             f"zeit = {_toml(approval.at.astimezone(clock.BERLIN).isoformat())}",
             f"fassung = {_toml(approval.version)}", "", "[dateien]"]
    lines += [f"{_toml(file)} = {_toml(sha)}" for file, sha in sorted(files.items())]
    folder = paths.approvals_dir
    # The texts it takes over as they were approved, kept by their hash: `vergleich`
    # shows what changed in them since (a briefing's release, an edition's original).
    for name in document.links:
        with contextlib.suppress(OSError):
            taken = approved_text_path(paths, files[name])
            if not taken.exists():
                write_atomically(taken, (paths.root / name).read_bytes())
    write_atomically(folder / f"{document.slug}.md", document.source.read_bytes())
    write_atomically(folder / f"{document.slug}.toml", ("\n".join(lines) + "\n").encode())
    return approval


def approved_text_path(paths: Paths, sha: str) -> Path:
    """Where a text an approval takes over is kept (by its hash)."""
    return paths.approvals_dir / "texte" / f"{sha[:16]}.md"


def approved_text(paths: Paths, name: str, sha: str) -> str | None:
    """The text of content file `name` with hash `sha` as an approval recorded it: kept
    by its hash, or the file's own approval copy when that is the same text."""
    own = paths.approvals_dir / f"{Path(name).stem}.md"
    for path in (approved_text_path(paths, sha), own):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if _sha(data) == sha:
            return data.decode("utf-8", errors="replace")
    return None


def read_approval(paths: Paths, document: Document) -> Approval | None:
    return approval_of(paths, document.slug)


def approval_of(paths: Paths, slug: str) -> Approval | None:
    """The approval recorded for the content file named `slug` (its `.toml`), or None."""
    import tomllib

    try:
        data = tomllib.loads((paths.approvals_dir / f"{slug}.toml")
                            .read_text(encoding="utf-8"))
        return Approval(data["datei"], data["name"], dt.datetime.fromisoformat(data["zeit"]),
                        data["fassung"], dict(data["dateien"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def changed_lines(old: str, new: str) -> list[int]:
    """The lines of `new` (1-based) that differ from `old`; a deletion counts at the line
    where the text was."""
    found: set[int] = set()
    matcher = difflib.SequenceMatcher(a=old.splitlines(), b=new.splitlines(), autojunk=False)
    for tag, _, _, start, end in matcher.get_opcodes():
        if tag != "equal":
            found.update(range(start + 1, end + 1) if end > start else [start + 1])
    return sorted(found)


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:8])) + (" …" if len(numbers) > 8 else "")
    return f"Zeile {shown}" if len(numbers) == 1 else f"Zeilen {shown}"


class Register:
    """What the lifecycle files say, read once per run."""

    def __init__(self, paths: Paths):
        self.paths = paths
        #: The log's lines, each parsed when asked for (`entries`): at thousands of
        #: releases it is megabytes of JSON, and a correction asks for one package.
        self._lines = _LogLines(paths)
        #: The entries parsed last (`PARSED_KEPT`): a package's are asked for several
        #: times in a row; all of them kept, a full re-render at 5,000 releases held
        #: 22 MB of them.
        self._parsed: dict[int, dict] = {}
        self._by_key: dict[str, list[int]] | None = None
        #: Entries this run added (`add`) as their JSON text: in order, and by package.
        self._added: list[bytes] = []
        self._added_by_key: dict[str, list[bytes]] = {}
        self._approvals: dict[str, Approval | None] = {}

    #: How many parsed entries of the log are kept.
    PARSED_KEPT = 256

    @property
    def log(self) -> list[dict]:
        """Every entry of the log, oldest first."""
        return list(self.every_entry())

    def every_entry(self) -> Iterator[dict]:
        """Every entry of the log, oldest first, parsed one after another (not kept)."""
        for index, line in enumerate(self._lines.every()):
            yield self._parsed.get(index) or self._lines.entry(index, line)
        yield from map(json.loads, self._added)

    def check_log(self) -> None:
        """Parse every line of the log (a build parses only those of the packages it
        makes): raises RecordError at a damaged one."""
        for _ in self.every_entry():
            pass

    def add(self, entries: list[dict]) -> None:
        """Entries this run wrote to the log."""
        for entry in entries:
            line = json.dumps(entry).encode()
            self._added.append(line)
            self._added_by_key.setdefault(entry["datei"], []).append(line)

    def keys(self) -> set[str]:
        """The packages the log has entries of."""
        return set(self._index()) | set(self._added_by_key)

    def _entry(self, index: int) -> dict:
        parsed = self._parsed
        found = parsed.get(index)
        if found is None:
            if len(parsed) >= self.PARSED_KEPT:
                del parsed[next(iter(parsed))]
            found = parsed[index] = self._lines.entry(index)
        return found

    def _index(self) -> dict[str, list[int]]:
        """Package key → the numbers of its lines; the key read from the line's head as
        `append_log` writes it (`_LogLines.keys`), any other line parsed whole."""
        if self._by_key is None:
            self._by_key = self._lines.keys
            for index in self._lines.unkeyed:
                bisect.insort(self._by_key.setdefault(self._entry(index)["datei"], []), index)
        return self._by_key

    def approval(self, document: Document) -> Approval | None:
        if document.display_path not in self._approvals:
            self._approvals[document.display_path] = read_approval(self.paths, document)
        return self._approvals[document.display_path]

    def refusal(self, document: Document) -> str | None:
        """Why the document may not be published as it is (German), or None."""
        found = self.refused(document)
        return found[1] if found else None

    def refused(self, document: Document) -> tuple[str, str] | None:
        """(kind, why in German): »entwurf«, »offen« (not approved), »autor«, »geändert«."""
        if document.draft:
            return "entwurf", "ist ein Entwurf (»entwurf: true«)"
        approval = self.approval(document)
        if approval is None:
            return "offen", "ist noch nicht freigegeben"
        if document.author and approval.name.casefold() == document.author.casefold():
            return "autor", (f"wurde von {approval.name} freigegeben, die oder der es laut "
                             "»autor« geschrieben hat; nach dem Vier-Augen-Prinzip gibt eine "
                             "andere Person frei")
        now = fingerprint(self.paths, document)
        if version(now) == approval.version:
            return None
        return "geändert", "; ".join(self._changes(document, approval, now)) + (
            f" seit der Freigabe durch {approval.name} am {approval.when}; prüfen lassen und "
            f"neu freigeben (»make vergleich DATEI={document.display_path}« zeigt, was sich "
            "geändert hat)")

    def _changes(self, document: Document, approval: Approval,
                 now: dict[str, str]) -> list[str]:
        said = []
        for name in sorted(set(now) | set(approval.files)):
            if now.get(name) == approval.files.get(name):
                continue
            if name == document.display_path:
                try:
                    old = (self.paths.approvals_dir / f"{document.slug}.md").read_text(
                        encoding="utf-8")
                    lines = changed_lines(old, document.source.read_text(encoding="utf-8"))
                    said.append(f"geändert in {_lines(lines)}" if lines else "geändert")
                except OSError:
                    said.append("geändert")
            elif name not in now:
                said.append(f"{name} gehört nicht mehr dazu")
            else:
                said.append(f"übernimmt aus {name}, das geändert wurde")
        return said or ["geändert"]

    def approved_as_is(self, slug: str, author: str | None = None) -> bool:
        """Quick, from the approval file alone (for `liste`): every file it was given for is
        unchanged, and not approved by its author."""
        approval = approval_of(self.paths, slug)
        if approval is None:
            return False
        if author and approval.name.casefold() == author.casefold():
            return False
        for name, sha in approval.files.items():
            try:
                if _sha((self.paths.root / name).read_bytes()) != sha:
                    return False
            except OSError:
                return False
        return True

    # --- the log --------------------------------------------------------------------------

    def entries(self, package_key: str) -> list[dict]:
        """The log's entries of one package, oldest first (indexed once: with thousands
        of releases, a scan per question would be quadratic)."""
        return [self._entry(i) for i in self._index().get(package_key, ())] + \
            [json.loads(line) for line in self._added_by_key.get(package_key, ())]

    def last(self, package_key: str) -> dict | None:
        """The log's last entry of a package."""
        found = self.entries(package_key)
        return found[-1] if found else None

    def published(self, package_key: str) -> bool:
        last = self.last(package_key)
        return last is not None and last["aktion"] != WITHDRAWN

    def number(self, release: Document) -> str | None:
        """The number a release got when it was first published."""
        return self.number_of((release.original or release).display_path)

    def number_of(self, key: str) -> str | None:
        return next((e["nummer"] for e in self.entries(key) if e.get("nummer")), None)

    def next_numbers(self, releases: list[Document]) -> dict[str, str]:
        """Numbers for releases published for the first time in this run: the next of
        their year at their publishing office, each once, in the order given."""
        if not releases:
            return {}
        taken: dict[tuple[str, str], int] = {}
        for entry in self.every_entry():
            match = re.search(r"(\d+)/(\d{4})", entry.get("nummer") or "")
            if match:
                key = (entry.get("herausgeber", ""), match[2])
                taken[key] = max(taken.get(key, 0), int(match[1]))
        found = {}
        for release in releases:
            key = (release.publisher.name, str(release.date.year))
            taken[key] = taken.get(key, 0) + 1
            found[release.display_path] = \
                f"{gettext(release.language, 'Nr.')}\u00a0{taken[key]}/{key[1]}"
        return found


#: The head of a log line as `append_log` writes it (keys sorted): its package's key.
_HEAD = re.compile(rb'\{"aktion": "[^"\\]*", "datei": "([^"\\]*(?:\\.[^"\\]*)*)"')


class _LogLines:
    """The log's lines: where each begins and ends in the file, and the package each is of
    (read from the line's head), found in one pass over the file in parts; a line's bytes
    are read again when it is parsed. At thousands of releases the file is megabytes of
    JSON, and a correction parses the lines of one package: held whole, it was the
    largest thing a build kept. The file stays open, so that every line is read from the
    file as scanned (one replaced meanwhile, as by `git checkout`, is not mixed in). A
    line that is not an entry as briefing writes it stops the run with a message naming
    it: every decision to publish rests on this file."""

    #: How much of the file is scanned at once.
    PART = 1 << 20

    def __init__(self, paths: Paths):
        path = paths.log_dir / LOG_FILE
        self.shown = paths.show(path)
        self.spans = array("Q")
        #: Package key → its lines, for lines whose head is as `append_log` writes it;
        #: `unkeyed`: the others (parsed whole for their key, `Register._index`).
        self.keys: dict[str, list[int]] = {}
        self.unkeyed: list[int] = []
        try:
            self._fd: int | None = os.open(path, os.O_RDONLY)
        except OSError:
            self._fd = None
            return
        weakref.finalize(self, os.close, self._fd)
        damaged: list[int] = []  # where lines begin that cannot be entries
        offset, rest = 0, b""  # where `rest` (a line not yet ended) begins in the file
        while True:
            try:
                part = os.read(self._fd, self.PART)
            except OSError as exc:
                raise self._unreadable(exc) from None
            data = rest + part if rest else part
            # Lines end with "\n" only: JSON escapes it in texts (not U+2028, which
            # `splitlines` would split at). At the end of the file, the last line ends.
            last = data.rfind(b"\n") + 1 if part else len(data)
            self._scan(data, last, offset, damaged)
            offset, rest = offset + last, data[last:]
            if not part:
                break
        if damaged:
            raise self._damaged(damaged[0], "ist kein Eintrag, wie briefing ihn schreibt",
                                len(damaged) - 1)

    def _scan(self, data: bytes, stop: int, offset: int, damaged: list[int]) -> None:
        """The lines of `data` up to `stop` (`data` begins at `offset` in the file)."""
        start, find, spans, keys, match = 0, data.find, self.spans, self.keys, _HEAD.match
        while start < stop:
            end = find(b"\n", start, stop)
            if end < 0:
                end = stop
            # A line as written is »{…}«; any other is looked at closer (not copied each).
            line = data[start:end].strip() if data[start] != 123 or data[end - 1] != 125 \
                else True
            if line:
                if line is not True and (line[:1] != b"{" or line[-1:] != b"}"):
                    damaged.append(offset + start)  # cut short, a merge's marks
                index = len(spans) // 2
                spans.append(offset + start)
                spans.append(offset + end)
                head = match(data, start, end)
                if head is None:
                    self.unkeyed.append(index)
                else:
                    key = head[1].decode() if b"\\" not in head[1] else \
                        json.loads(b'"' + head[1] + b'"')
                    keys.setdefault(key, []).append(index)
            start = end + 1

    def __len__(self) -> int:
        return len(self.spans) // 2

    def __getitem__(self, index: int) -> bytes:
        start, end = self.spans[2 * index], self.spans[2 * index + 1]
        return self._read(start, end - start)

    def _read(self, start: int, size: int) -> bytes:
        try:
            return os.pread(self._fd, size, start)
        except OSError as exc:
            raise self._unreadable(exc) from None

    def _unreadable(self, exc: OSError) -> MachineError:
        return MachineError(f"{self.shown} kann nicht gelesen werden: {cause_of(exc)}")

    def every(self) -> list[bytes]:
        """Every line (read at once: the whole log is asked for)."""
        if not self.spans:
            return []
        spans, first = self.spans, self.spans[0]
        data = self._read(first, spans[-1] - first)
        return [data[spans[i] - first:spans[i + 1] - first] for i in range(0, len(spans), 2)]

    def entry(self, index: int, line: bytes | None = None) -> dict:
        """The line's entry (`line`: its bytes, if read already); a line that is not one
        stops the run (`_damaged`)."""
        try:
            found = json.loads(self[index] if line is None else line)
        except ValueError as exc:  # (UnicodeDecodeError is one)
            raise self._damaged(self.spans[2 * index], f"ist kein gültiger Eintrag "
                                f"({_json_error(exc)})") from None
        if not isinstance(found, dict) or not all(
                isinstance(found.get(key), str) for key in ("aktion", "datei", "zeit")):
            raise self._damaged(self.spans[2 * index], "ist kein vollständiger Eintrag "
                                "(»aktion«, »datei« und »zeit« gehören zu jedem)")
        return found

    def entries(self) -> list[dict]:
        return [self.entry(index, line) for index, line in enumerate(self.every())]

    def _damaged(self, start: int, what: str, more: int = 0) -> RecordError:
        before = self._read(0, start)
        line = before.count(b"\n") + 1
        after = self._read(start, 4096)
        end = after.find(b"\n")
        text = after[:end if end >= 0 else None].decode("utf-8", errors="replace")
        text = text.strip()
        shown = text if len(text) <= 40 else f"{text[:40]}…"
        conflict = text[:7] in ("<<<<<<<", "=======", ">>>>>>>")
        also = "" if not more else \
            f"; {'eine weitere Zeile' if more == 1 else f'{more} weitere Zeilen'} ebenso"
        fix = ("eine Markierung aus dem Zusammenführen zweier Fassungen (git): behalten Sie "
               "die Zeilen beider Seiten und löschen Sie nur die Zeilen mit <<<<<<<, ======= "
               "und >>>>>>>") if conflict else (
            "das Protokoll hält fest, was wann veröffentlicht wurde, und wird nur von briefing "
            "geschrieben: stellen Sie die Zeile aus der Versionsverwaltung wieder her (»git "
            f"diff {self.shown}« zeigt, was sich geändert hat)")
        return RecordError([Problem(self.shown, line, (
            f"diese Zeile des Veröffentlichungsprotokolls {what}: »{shown}«{also}; "
            f"{fix}; bis dahin wird nichts gebaut oder veröffentlicht"))])


def _json_error(exc: ValueError) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "nicht UTF-8-kodiert"
    if isinstance(exc, json.JSONDecodeError):  # (its own words are English)
        return f"fehlerhaft ab Spalte {exc.colno}"
    return "fehlerhaft"


def read_log(paths: Paths) -> list[dict]:
    return _LogLines(paths).entries()


def append_log(paths: Paths, entries: list[dict]) -> None:
    """Add entries at the end of the log, on disk before the call returns."""
    if not entries:
        return
    paths.log_dir.mkdir(parents=True, exist_ok=True)
    with open(paths.log_dir / LOG_FILE, "a", encoding="utf-8") as log:
        for entry in entries:
            log.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
        log.flush()
        os.fsync(log.fileno())


def keep_text(paths: Paths, document: Document) -> str:
    """Store the text as published; its hash (the name it is stored under)."""
    data = document.source.read_bytes()
    name = _sha(data)[:16]
    target = paths.log_dir / "texte" / f"{name}.md"
    if not target.exists():
        write_atomically(target, data)
    return name


def publication_time(release: Document) -> dt.datetime | None:
    """When a release may be on the public web: the time its `veröffentlichung` names, its
    embargo's end, or the start of its day. None: an embargo without a time (»Redebeginn«)
    holds it until the embargo is taken out."""
    if release.publish_at:
        return release.publish_at
    if release.embargo:
        return release.embargo.at
    return clock.start_of(release.date)


def with_numbers(documents: list[Document], numbers: dict[str, str]) -> list[Document]:
    """The documents with the numbers releases got (release display path → number): a
    briefing that names none takes its release's, an edition its original's in its own
    language; every document points to the numbered ones. A document only about a release
    (speaking notes, Q&A) has no number of its own: it shows its release's as such. Also
    with no numbers given: an edition shows its original's front-matter number in its own
    language, whether or not another release of the project was numbered from the log."""
    done: dict[str, Document] = {}

    def one(document: Document) -> Document:
        if document.display_path in done:
            return done[document.display_path]
        release = document.release and one(document.release)
        original = document.original and one(document.original)
        number = document.number
        if "nummer" not in document.lines:
            if document.display_path in numbers:
                number = numbers[document.display_path]
            elif original is not None and original.number:
                number = original.number.replace("Nr.", gettext(document.language, "Nr."), 1)
            elif release is not None and release.number and document.type.part_of:
                number = release.number
        same = number == document.number and release is document.release and \
            original is document.original
        result = document if same else \
            evolve(document, number=number, release=release, original=original)
        done[document.display_path] = result
        return result

    return [one(d) for d in documents]


def text_path(paths: Paths, name: str) -> Path:
    return paths.log_dir / "texte" / f"{name}.md"
