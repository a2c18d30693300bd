"""The orchestrator: validated documents → PDFs in output/, rebuilding only what changed.

`check` and `build` share `load_project`, so what `check` accepts is exactly what `build`
will render. One broken document never stops the others; every problem is reported; a
document that fails keeps its previous PDF.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from .documents import Project, load_project, problem_order, relative
from .errors import Problem, Severity, UsageError
from .incremental import (
    Digests,
    Entry,
    Manifest,
    digest,
    locked,
    project_fingerprint,
    shared_assets_fingerprint,
    tool_fingerprint,
)
from .markup import render_body
from .model import BRIEFING, Document

__all__ = ["Outcome", "Report", "build", "check", "load_project", "relative"]


@dataclass
class Outcome:
    """What became of one content file in a build."""

    display_path: str
    output: Path | None = None
    pages: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    #: The PDF was already up to date and was not rendered again.
    unchanged: bool = False

    @property
    def ok(self) -> bool:
        return self.output is not None


@dataclass
class Report:
    problems: list[Problem]
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    #: PDFs deleted because their content file is gone.
    removed: list[str] = field(default_factory=list)
    #: Peak memory (kB) of each process that rendered, by process id.
    peak_rss_kb: dict[int, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.is_warning]

    def count(self, what: str) -> int:
        return sum(1 for o in self.outcomes if {
            "built": o.ok and not o.unchanged, "unchanged": o.unchanged, "failed": not o.ok,
        }[what])

    def exit_code(self, strict: bool = False) -> int:
        return 1 if self.errors or (strict and self.warnings) else 0


def check(root: Path, final: bool = False) -> Report:
    start = time.perf_counter()
    project = load_project(root, final)
    report = Report(project.problems)
    for document in project.documents:
        # The body is part of what `check` validates (links, images, headings).
        body = render_body(document, project.config.quotes, project.config.content_dir)
        report.problems += body.problems
    report.problems.sort(key=problem_order)
    report.seconds = time.perf_counter() - start
    return report


@dataclass
class _Job:
    document: Document
    inputs: str
    html: str
    outcome: Outcome
    images: list[str]


def build(
    root: Path,
    files: Iterable[Path] = (),
    on_outcome: Callable[[Outcome], None] = lambda outcome: None,
    jobs: int | None = None,
    force: bool = False,
    final: bool = False,
    on_wait: Callable[[], None] = lambda: None,
) -> Report:
    """Render every document (or only `files`) whose inputs changed since the last build.
    `final`: a build for publication; drafts and placeholders fail. `on_wait` is called
    when another build holds output/ and this one waits for it."""
    start = time.perf_counter()
    project = load_project(root, final)
    selected, failed = _select(project, [Path(f) for f in files])
    with locked(project.config, on_wait):
        # A partial or a publication build does not vouch for what a plain build would say.
        vouch = not files and not final
        report = _build_locked(project, selected, failed, vouch, jobs, force, on_outcome)
    report.seconds = time.perf_counter() - start
    return report


def _build_locked(project: Project, selected: list[Document], failed: list[str],
                  vouch: bool, jobs: int | None, force: bool,
                  on_outcome: Callable[[Outcome], None]) -> Report:
    config = project.config
    digests = Digests()
    fingerprint = project_fingerprint(config, digests)
    manifest = Manifest.load(config.manifest)
    report = Report(list(project.problems))

    def finish(outcome: Outcome) -> None:
        report.problems.extend(outcome.problems)
        report.outcomes.append(outcome)
        on_outcome(outcome)

    # Files that failed before rendering (unreadable, invalid, broken links) count as failed.
    for display_path in failed:
        finish(Outcome(display_path))

    complete = False
    try:
        pending = _prepare(project, selected, manifest, digests, force, finish)
        first = next(pending, None)
        if first is not None:
            _render(project, chain([first], pending), jobs or os.cpu_count() or 1,
                    {d.language for d in selected}, manifest, report, finish)
        if len(selected) + len(failed) == len(project.documents) + len(project.blocked):
            _remove_stale(project, manifest, report)
        complete = vouch
    finally:
        # Also when interrupted: the PDFs written so far are recorded. Only a complete,
        # plain, full build vouches for every document (allowing the no-op path next time).
        report.problems.sort(key=problem_order)
        manifest.project = fingerprint if complete else None
        manifest.errors, manifest.warnings = len(report.errors), len(report.warnings)
        manifest.problems = [str(p) for p in report.problems]
        manifest.save(config.manifest)
    return report


def _prepare(project: Project, selected: list[Document], manifest: Manifest,
             digests: Digests, force: bool, finish: Callable[[Outcome], None],
             ) -> Iterator[_Job]:
    """The documents that need rendering, as HTML, one at a time; finishes the others
    (unchanged, or failed in their body) on the way."""
    from .templating import make_environment, render_page, templates_used

    config = project.config
    env = make_environment(config.templates_dir)
    common = digests.combine(
        tool_fingerprint(digests), shared_assets_fingerprint(config, digests),
        digests.file(config.config_file), digests.file(config.hyphenation_file))
    templates = {kind: digests.combine(*(digests.file(config.templates_dir / name)
                                         for name in sorted(templates_used(env, kind))))
                 for kind in {d.kind for d in selected}}

    def inputs_of(document: Document, images: Iterable[Path]) -> str:
        return digests.combine(
            common, document.kind, templates[document.kind], digests.file(document.source),
            digests.file(document.release.source) if document.kind == BRIEFING else "",
            *(f"{image.relative_to(config.root)}:{digests.file(image)}" for image in images))

    for document in selected:
        began = time.perf_counter()
        outcome = Outcome(document.display_path)
        entry = manifest.documents.get(document.display_path)
        if (not force and entry
                and entry.inputs == inputs_of(document, (config.root / i for i in entry.images))
                and manifest.output_intact(config, digests, entry)):
            outcome.output, outcome.pages = config.output_dir / entry.output, entry.pages
            outcome.problems = [Problem(document.display_path, line, message, Severity(kind))
                                for line, message, kind in entry.problems]
            outcome.unchanged = True
            finish(outcome)
            continue
        body = render_body(document, config.quotes, config.content_dir)
        outcome.problems += body.problems
        if any(p.is_error for p in body.problems):
            finish(outcome)
            continue
        html = render_page(env, document, body.html)
        outcome.seconds = time.perf_counter() - began
        yield _Job(document, inputs_of(document, body.images), html, outcome,
                   [str(image.relative_to(config.root)) for image in body.images])


def _render(project: Project, jobs_to_do: Iterator[_Job], jobs: int, languages: set[str],
            manifest: Manifest, report: Report, finish: Callable[[Outcome], None]) -> None:
    # WeasyPrint is imported only when something has to be rendered.
    from .pdf import render_batch, write_atomically

    config = project.config
    pending: list[_Job] = []

    def pages() -> Iterator[str]:
        for job in jobs_to_do:
            pending.append(job)
            yield job.html

    batch = render_batch(pages(), jobs, config.templates_dir,
                         [config.templates_dir, config.content_dir], project.hyphenation,
                         languages)
    for index, rendered in batch:
        job = pending[index]
        outcome, document = job.outcome, job.document
        for problem in _engine_problems(relative(config.templates_dir / "print.css",
                                                 config.root), rendered.setup_log):
            if problem not in report.problems:  # each worker loads the stylesheet
                report.problems.append(problem)
        try:
            if rendered.crash:
                raise RuntimeError(rendered.crash)
            outcome.problems += _engine_problems(document.display_path, rendered.log)
            outcome.problems += [
                Problem(document.display_path, None,
                        f"Zugriff auf »{url}« verweigert: erlaubt sind nur Dateien in content/ "
                        "und templates/") for url in rendered.refused]
            if rendered.failure:
                outcome.problems.append(Problem(document.display_path, None, rendered.failure))
            if not any(p.is_error for p in outcome.problems):
                target = config.output_dir / document.output_name
                write_atomically(target, rendered.data)
                outcome.output, outcome.pages = target, rendered.pages
                manifest.documents[document.display_path] = Entry(
                    job.inputs, document.output_name, digest(rendered.data), rendered.pages,
                    job.images, [[p.line, p.message, p.severity.value]
                                 for p in outcome.problems if p.path == document.display_path])
        except Exception as exc:  # a bug: keep its traceback, but finish the others
            print(rendered.crash or traceback.format_exc(), file=sys.stderr)
            summary = str(exc).strip().splitlines()[-1] if rendered.crash else \
                f"{type(exc).__name__}: {exc}"
            outcome.problems.append(Problem(
                document.display_path, None,
                f"Interner Fehler beim Setzen ({summary}); bitte melden"))
        report.peak_rss_kb[rendered.worker] = max(
            rendered.peak_rss_kb, report.peak_rss_kb.get(rendered.worker, 0))
        outcome.seconds += rendered.seconds
        finish(outcome)


def _remove_stale(project: Project, manifest: Manifest, report: Report) -> None:
    """Delete the PDFs this tool wrote for content files that no longer exist."""
    present = {d.display_path for d in project.documents} | project.blocked
    digests = Digests()
    for display_path in sorted(set(manifest.documents) - present):
        entry = manifest.documents.pop(display_path)
        target = project.config.output_dir / entry.output
        if manifest.output_intact(project.config, digests, entry):
            target.unlink()
            report.removed.append(relative(target, project.config.root))


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


def _engine_problems(path: str, log: list[tuple[str, str]]) -> list[Problem]:
    """WeasyPrint's log records as problems: errors fail, warnings fail under --strict."""
    return [Problem(path, None, f"WeasyPrint meldet: {message}",
                    Severity.ERROR if level in ("ERROR", "CRITICAL") else Severity.WARNING)
            for level, message in log]
