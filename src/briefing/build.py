"""The orchestrator: content/ → validated documents → PDFs in output/.

`check` and `build` share `load_project`, so what `check` accepts is exactly what `build`
will render. One broken document never stops the others; every problem is reported.
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .config import Config, load_config
from .errors import ContentError, Problem, Severity, UsageError
from .hyphenation import install_exceptions, read_exceptions
from .markup import render_body
from .model import BRIEFING, RELEASE, Document
from .reader import read_source
from .schema import suggest, validate


@dataclass
class Project:
    config: Config
    #: The documents that can be rendered.
    documents: list[Document]
    problems: list[Problem]
    #: Content files that cannot (their own or their links' errors).
    blocked: set[str] = field(default_factory=set)
    hyphenation: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class Outcome:
    """What became of one content file in a build."""

    display_path: str
    output: Path | None = None
    pages: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.output is not None


@dataclass
class Report:
    problems: list[Problem]
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def exit_code(self, strict: bool = False) -> int:
        return 1 if self.errors or (strict and self.warnings) else 0


def relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)


def load_project(root: Path) -> Project:
    """Read and check everything under content/; write nothing."""
    root = root.resolve()
    config = load_config(root)
    problems: list[Problem] = []
    hyphenation: dict[str, list[int]] = {}
    try:
        hyphenation = read_exceptions(config.hyphenation_file,
                                      relative(config.hyphenation_file, root))
    except ContentError as exc:
        problems += exc.problems

    documents, blocked = [], set()
    content_dir = config.content_dir.resolve()
    for path in sorted(config.content_dir.rglob("*.md")):
        display = str(path.relative_to(root))
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
        document, found = validate(source, config.defaults)
        problems += found
        if document is None:
            blocked.add(display)
        else:
            documents.append(document)

    documents, link_problems, link_blocked = link_documents(documents)
    problems += link_problems
    blocked |= link_blocked
    return Project(config, documents, sorted(problems, key=_problem_order), blocked, hyphenation)


def link_documents(
    documents: list[Document],
) -> tuple[list[Document], list[Problem], set[str]]:
    """Resolve each briefing's release and priority; every priority needs exactly one.
    Returns the renderable documents, the problems and the files that cannot render."""
    problems: list[Problem] = []
    blocked: set[str] = set()
    releases = {d.slug: d for d in documents if d.kind == RELEASE}
    claimed: dict[tuple[str, str], Document] = {}
    linked = []

    def error(document: Document, field_name: str | None, message: str) -> None:
        line = document.line_of(field_name) if field_name else None
        problems.append(Problem(document.display_path, line or 1, message))

    for document in documents:
        if document.kind != BRIEFING:
            linked.append(document)
            continue
        release = releases.get(document.release_ref or "")
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
        linked.append(replace(document, release=release, priority=priority))

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


def check(root: Path) -> Report:
    start = time.perf_counter()
    project = load_project(root)
    report = Report(project.problems)
    for document in project.documents:
        # The body is part of what `check` validates (links, images, headings).
        body = render_body(document, project.config.quotes, project.config.content_dir)
        report.problems += body.problems
    report.problems.sort(key=_problem_order)
    report.seconds = time.perf_counter() - start
    return report


def build(
    root: Path,
    files: Iterable[Path] = (),
    on_outcome: Callable[[Outcome], None] = lambda outcome: None,
) -> Report:
    """Render every renderable document (or only `files`) into output/."""
    start = time.perf_counter()
    project = load_project(root)
    config = project.config
    selected, failed = _select(project, [Path(f) for f in files])
    report = Report(list(project.problems))
    # Files that failed before rendering (unreadable, invalid, broken links) count as failed.
    for display_path in failed:
        outcome = Outcome(display_path)
        report.outcomes.append(outcome)
        on_outcome(outcome)

    # WeasyPrint is imported only when there is something to render.
    from .pdf import Renderer, write_atomically
    from .templating import make_environment, render_page

    install_exceptions(project.hyphenation, {d.language for d in selected})
    env = make_environment(config.templates_dir)
    renderer = Renderer(config.templates_dir, [config.templates_dir, config.content_dir])
    for document in selected:
        began = time.perf_counter()
        outcome = Outcome(document.display_path)
        try:
            body = render_body(document, config.quotes, config.content_dir)
            outcome.problems += body.problems
            if not any(p.is_error for p in body.problems):
                rendered = renderer.render(render_page(env, document, body.html))
                outcome.problems += _engine_problems(document, rendered)
                if not any(p.is_error for p in outcome.problems):
                    target = config.output_dir / document.output_name
                    write_atomically(target, rendered.data)
                    outcome.output, outcome.pages = target, rendered.pages
        except Exception as exc:  # a bug: keep its traceback, but build the others
            traceback.print_exc()
            outcome.problems.append(Problem(
                document.display_path, None,
                f"Interner Fehler beim Setzen ({type(exc).__name__}: {exc}); bitte melden"))
        outcome.seconds = time.perf_counter() - began
        report.problems += outcome.problems
        report.outcomes.append(outcome)
        on_outcome(outcome)
    report.problems.sort(key=_problem_order)
    report.seconds = time.perf_counter() - start
    return report


def _select(project: Project, files: list[Path]) -> tuple[list[Document], list[str]]:
    """The documents to render and the failed files to report: all of them, or those named."""
    failed = sorted(project.blocked)
    if not files:
        return project.documents, failed
    # Named as content/x.md, not resolved: a symlink is named by its own path.
    wanted = {os.path.relpath(os.path.abspath(f), project.config.root) for f in files}
    known = {d.display_path for d in project.documents} | project.blocked
    if unknown := sorted(wanted - known):
        raise UsageError(f"{', '.join(unknown)}: keine Inhaltsdatei unter content/ (*.md)")
    return [d for d in project.documents if d.display_path in wanted], \
        [name for name in failed if name in wanted]


def _engine_problems(document: Document, rendered) -> list[Problem]:
    problems = [
        Problem(document.display_path, None,
                f"Zugriff auf »{url}« verweigert: erlaubt sind nur Dateien in content/ und "
                "templates/")
        for url in rendered.refused
    ]
    for record in rendered.log:
        severity = Severity.ERROR if record.levelname in ("ERROR", "CRITICAL") else \
            Severity.WARNING
        problems.append(Problem(document.display_path, None,
                                f"WeasyPrint meldet: {record.getMessage()}", severity))
    return problems


def _problem_order(problem: Problem) -> tuple:
    return (problem.path, problem.line or 0, problem.message)
