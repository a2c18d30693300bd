"""Content files → the project: validated, linked documents that `check` and `build` share.

Reads every `*.md` under content/, validates each against the schema and links briefings
to their release and priority. Writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from .config import Config, load_config
from .errors import ContentError, Problem, Severity, problem_order
from .hyphenation import read_exceptions
from .model import BRIEFING, RELEASE, Document
from .reader import read_source
from .schema import validate
from .values import suggest


@dataclass
class Project:
    config: Config
    #: The documents that can be rendered.
    documents: list[Document]
    problems: list[Problem]
    #: Content files that cannot (their own or their links' errors).
    blocked: set[str] = field(default_factory=set)
    hyphenation: dict[str, list[int]] = field(default_factory=dict)


#: Files in content/ that are not content and need no warning.
NOT_CONTENT = {"silbentrennung.txt"}
#: Suffixes of files that look like content but are not read (only `*.md` is).
LOOKS_LIKE_CONTENT = (".markdown", ".mdown", ".mkd", ".txt", ".text", ".md.txt", ".rtf",
                      ".docx", ".doc", ".odt")


def load_project(root: Path, final: bool = False) -> Project:
    """Read and check everything under content/; write nothing. `final`: for publication,
    drafts and placeholders are errors."""
    config = load_config(root.resolve())
    problems: list[Problem] = []
    hyphenation: dict[str, list[int]] = {}
    try:
        hyphenation = read_exceptions(config.hyphenation_file,
                                      config.show(config.hyphenation_file))
    except ContentError as exc:
        problems += exc.problems
    documents, blocked = _read_documents(config, final, problems)
    problems += _ignored_files(config)
    linked = link_documents(documents, {Path(b).stem: b for b in blocked})
    documents, link_problems, link_blocked = linked
    problems += link_problems
    blocked |= link_blocked
    return Project(config, documents, sorted(problems, key=problem_order), blocked, hyphenation)


def _read_documents(config: Config, final: bool,
                    problems: list[Problem]) -> tuple[list[Document], set[str]]:
    """Every `*.md` under content/, validated; the files that failed are `blocked`."""
    documents, blocked = [], set()
    content_dir = config.content_dir.resolve()
    for path in sorted(config.content_dir.rglob("*.md")):
        display = config.show(path)
        if not path.resolve().is_relative_to(content_dir):  # a symlink leading out
            problems.append(Problem(display, None, "verweist auf eine Datei außerhalb von "
                                    "content/; kopieren Sie die Datei stattdessen hierher"))
            blocked.add(display)
            continue
        try:
            source = read_source(path, display)
        except ContentError as exc:
            problems += exc.problems
            blocked.add(display)
            continue
        document, found = validate(source, config.defaults, final)
        problems += found
        if document is None:
            blocked.add(display)
        else:
            documents.append(document)
    return documents, blocked


def _ignored_files(config: Config) -> list[Problem]:
    """Files that look like content but are not read: staff would miss their document."""
    found = []
    for path in sorted(config.content_dir.rglob("*")):
        name = path.name.lower()
        if path.suffix == ".md" or name in NOT_CONTENT or not path.is_file():
            continue
        if name.endswith(".md") or name.endswith(LOOKS_LIKE_CONTENT):
            found.append(Problem(config.show(path), None, (
                "wird nicht gelesen: nur Dateien mit der Endung ».md« (klein geschrieben) sind "
                "Inhalt; benennen Sie die Datei um, wenn sie ein Dokument ist"),
                Severity.WARNING))
    return found


def link_documents(
    documents: list[Document], broken: dict[str, str] | None = None,
) -> tuple[list[Document], list[Problem], set[str]]:
    """Resolve each briefing's release and priority; every priority needs exactly one.
    A briefing inherits its release's embargo, and its contact and number unless it names
    its own. `broken`: file stem → path of content files that failed; a briefing of a broken
    release waits for it (one note, the release's own errors say why).
    Returns the renderable documents, the problems and the files that cannot render."""
    broken = broken or {}
    problems: list[Problem] = []
    blocked: set[str] = set()
    releases = {d.slug: d for d in documents if d.kind == RELEASE}
    claimed: dict[tuple[str, str], Document] = {}
    waiting: dict[str, list[Document]] = {}  # broken release → its briefings
    linked = []

    def error(document: Document, field_name: str | None, message: str) -> None:
        line = document.line_of(field_name) if field_name else None
        problems.append(Problem(document.display_path, line or 1, message))

    for document in documents:
        if document.kind != BRIEFING:
            linked.append(document)
            continue
        release = releases.get(document.release_ref or "")
        if release is None and document.release_ref in broken:
            waiting.setdefault(broken[document.release_ref], []).append(document)
            blocked.add(document.display_path)
            continue
        if release is None:
            hint = suggest(document.release_ref or "", releases)
            error(document, "pressemitteilung",
                  f"Pressemitteilung »{document.release_ref}« gibt es nicht in content/{hint}")
            blocked.add(document.display_path)
            continue
        by_key = {p.key: p for p in release.priorities}
        priority = by_key.get(document.priority_ref or "")
        if priority is None:
            known = ", ".join(by_key) or "keine"
            error(document, "priorität",
                  f"Priorität »{document.priority_ref}« steht nicht in »prioritäten« von "
                  f"{release.display_path}{suggest(document.priority_ref or '', by_key)} "
                  f"(vorhanden: {known})")
            blocked.add(document.display_path)
            continue
        first = claimed.setdefault((release.slug, priority.key), document)
        if first is not document:
            error(document, "priorität",
                  f"Priorität »{priority.key}« hat schon {first.display_path}; "
                  "jede Priorität bekommt genau eine Hintergrundinformation")
            blocked.add(document.display_path)
            continue
        linked.append(_inherit(document, release, priority))

    for path, briefings in waiting.items():
        names = ", ".join(d.display_path for d in briefings)
        problems.append(Problem(path, None, (
            f"solange diese Pressemitteilung Fehler hat, werden auch ihre "
            f"Hintergrundinformationen nicht gesetzt ({names})"), Severity.NOTE))

    for release in releases.values():
        for priority in release.priorities:
            if (release.slug, priority.key) not in claimed:
                problems.append(Problem(
                    release.display_path, priority.line,
                    f"Priorität »{priority.key}« hat keine Hintergrundinformation; legen Sie "
                    f"eine an mit »pressemitteilung: {release.slug}« und "
                    f"»priorität: {priority.key}«"))

    outputs: dict[str, Document] = {}
    renderable = []
    for document in linked:
        other = outputs.setdefault(document.output_name, document)
        if other is not document:
            error(document, None, f"schreibt dieselbe Datei output/{document.output_name} wie "
                                  f"{other.display_path}; benennen Sie eine der Dateien um")
            blocked.add(document.display_path)
        else:
            renderable.append(document)
    return renderable, problems, blocked


def _inherit(document: Document, release: Document, priority) -> Document:
    """A briefing of an embargoed release is embargoed too: it goes out with it."""
    return replace(
        document, release=release, priority=priority, embargo=release.embargo,
        contact=document.contact if "kontakt" in document.lines else release.contact,
        number=document.number or release.number)
