"""The orchestrator: the project's documents → every output in output/, remaking only what
is stale.

`check` and `build` share `load_project` and `compose`, so what `check` accepts is exactly
what `build` will render. One broken document never stops the others; every problem is
reported; a document that fails keeps its previous files. Heavy stages (Markdown, Jinja,
WeasyPrint) are imported only when there is something to do: a build with no change at
all answers from the manifest.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from .errors import MachineError, Problem, UsageError, problem_order
from .files import cause_of, locked, write_atomically
from .incremental import Entry, Staleness, digest
from .outputs import OUTPUTS, Output
from .paths import Paths

__all__ = ["Outcome", "Report", "build", "check"]


@dataclass
class Outcome:
    """What became of one output of one content file in a build."""

    display_path: str
    output: Path | None = None
    pages: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    #: The file was already up to date and was not made again.
    unchanged: bool = False
    #: Failed, and the file of an earlier build stays: out of date.
    stale: Path | None = None
    #: Failed in a publication build, and the file of an earlier build was deleted.
    withdrawn: Path | None = None
    #: A release's press kit (made in the channel phase), not a document's own PDF.
    kit: bool = False

    @property
    def missing(self) -> str:
        """What was not made when it failed, as the message says it."""
        return "keine Pressemappe erzeugt" if self.kit else "kein PDF erzeugt"

    @property
    def ok(self) -> bool:
        return self.output is not None


@dataclass
class Report:
    problems: list[Problem]
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    #: Files deleted because their content file is gone.
    removed: list[str] = field(default_factory=list)
    #: Peak memory (kB) of each process that rendered, by process id.
    peak_rss_kb: dict[int, int] = field(default_factory=dict)
    #: Nothing changed: answered from the manifest, with the last run's problems.
    noop: bool = False
    #: Files of the other channels (kit, web, e-mail, bundle) written, and left as they were.
    channel_written: list[str] = field(default_factory=list)
    channel_unchanged: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.is_warning]

    def add(self, problems: Iterable[Problem]) -> None:
        """Each problem once: a template error shared by several documents is one message."""
        self.problems += [p for p in problems if p not in self.problems]

    def count(self, what: str) -> int:
        return sum(1 for o in self.outcomes if {
            "built": o.ok and not o.unchanged, "unchanged": o.unchanged, "failed": not o.ok,
        }[what])

    def exit_code(self, strict: bool = False) -> int:
        """3 a fault of the machine, 1 problems in the content, 0 fine."""
        if any(p.fault for p in self.problems):
            return 3
        return 1 if self.errors or (strict and self.warnings) else 0


def check(root: Path, final: bool = False) -> Report:
    """Validate everything, make every page (Markdown and templates), write nothing."""
    from . import channels
    from .project import load_project
    from .templating import compose, make_environment

    start = time.perf_counter()
    project = load_project(root, final)
    config = project.config
    report = Report(list(project.problems))
    env = make_environment(config.templates_dir)
    for document in project.documents:
        for output in OUTPUTS:
            page = compose(document, output.template_for(document), env, config, config.quotes)
            report.add(page.problems)
    report.add(channels.check_templates(project, env))
    report.problems.sort(key=problem_order)
    report.seconds = time.perf_counter() - start
    return report


def build(
    root: Path,
    files: Iterable[Path] = (),
    on_outcome: Callable[[Outcome], None] = lambda outcome: None,
    jobs: int | None = None,
    force: bool = False,
    final: bool = False,
    on_wait: Callable[[], None] = lambda: None,
    channels: bool = False,
) -> Report:
    """Make every output of every document (or only of `files`) whose inputs changed since
    the last build. `final`: a build for publication; drafts and placeholders fail.
    `on_wait` is called when another build holds output/ and this one waits for it.
    `channels`: also the press kits, web pages, e-mails and bundles (a build of every
    document only)."""
    start = time.perf_counter()
    paths = Paths(Path(root).resolve())
    files = list(files)
    staleness = Staleness(paths)
    # Every input is hashed before any is read: a file saved while this build runs is
    # recorded as changed, so the next build makes it again.
    staleness.project()
    channels = channels and not files
    if not (files or force or final) and staleness.unchanged_project(channels):
        report = _unchanged(staleness, on_outcome)
    else:
        from .project import load_project

        project = load_project(paths.root, final)
        selected, failed = _select(project, files)
        with locked(paths, on_wait):
            staleness.reload()  # as the build we may have waited for left it
            run = _Run(project, staleness, Report(list(project.problems)), on_outcome, final)
            # A partial or a publication build does not vouch for what a plain build would say.
            run.make(selected, failed, jobs or os.cpu_count() or 1, force,
                     vouch=not files and not final, channels=channels)
            report = run.report
    report.seconds = time.perf_counter() - start
    return report


def _unchanged(staleness: Staleness, on_outcome: Callable[[Outcome], None]) -> Report:
    """The last build's report: nothing at all changed since."""
    paths = staleness.paths
    manifest = staleness.manifest
    report = Report(manifest.stored_problems(), noop=True)
    report.outcomes = [Outcome(path) for path in manifest.failed]
    report.outcomes += [Outcome(e.source, paths.output_dir / e.output, e.pages, unchanged=True)
                        for e in manifest.files.values()
                        if e.source not in manifest.failed and e.channel in ("", "kit")]
    for outcome in report.outcomes:
        if outcome.ok:  # the failures were reported by the run that had them
            on_outcome(outcome)
    return report


@dataclass
class _Job:
    """One output of one document that has to be made."""

    document: object
    output: Output
    inputs: dict
    images: list[str]
    outcome: Outcome
    links: list[str]
    templates: list[str]


class _Run:
    """One build holding the lock: its staleness answers, its report, its callbacks."""

    def __init__(self, project, staleness: Staleness, report: Report,
                 on_outcome: Callable[[Outcome], None], final: bool = False):
        self.project, self.staleness, self.report = project, staleness, report
        self.paths: Paths = project.config
        self.on_outcome, self.final = on_outcome, final
        #: The press kits of this build, by release (channel_run.kit_pages).
        self.kits: dict = {}

    def make(self, selected: list, failed: list[str], workers: int, force: bool,
             vouch: bool, channels: bool = False) -> None:
        # Files that failed before rendering (unreadable, invalid, broken links) count as failed.
        for display_path in failed:
            self.finish(Outcome(display_path))
        complete = faulted = False
        try:
            for output in OUTPUTS:
                kits = ()
                if channels and output is OUTPUTS[0]:  # the press kits, beside the PDFs
                    from .channel_run import kit_pages

                    kits = kit_pages(self, force)
                self.make_output(output, selected, workers, force, kits)
            if len(selected) + len(failed) == len(self.project.documents) + \
                    len(self.project.blocked):
                self.remove_orphans()
            if channels:
                from .channel_run import make_channels

                make_channels(self)
            # A file the machine refused is not current: the next build must try it again.
            complete = vouch and not any(p.fault for p in self.report.problems)
        except MachineError:
            faulted = True
            raise
        finally:
            # Also when interrupted: the files written so far are recorded. A run stopped
            # by a fault before it wrote anything leaves the manifest as it was.
            self.report.problems.sort(key=problem_order)
            if not faulted or self.staleness.changed:
                self.save(complete, channels)

    def finish(self, outcome: Outcome) -> None:
        if not outcome.ok and not outcome.kit:
            self.earlier_files(outcome)
        self.report.add(outcome.problems)
        self.report.outcomes.append(outcome)
        self.on_outcome(outcome)

    def earlier_files(self, outcome: Outcome) -> None:
        """A document failed: its files from an earlier build are out of date. A
        publication build must not leave them (a draft's PDF under the final name)."""
        stem = Path(outcome.display_path).stem
        for output in OUTPUTS:
            target = self.paths.output_dir / f"{stem}{output.suffix}"
            if not target.exists():
                continue
            if not self.final or any(p.fault for p in outcome.problems):
                outcome.stale = target
                continue
            try:
                target.unlink()
            except OSError as exc:
                outcome.problems.append(Problem(self.paths.show(target), None, (
                    f"abgelehnt, aber die Datei eines früheren Laufs kann nicht gelöscht "
                    f"werden: {cause_of(exc)}; löschen Sie sie von Hand"), fault=True))
                continue
            outcome.withdrawn = target
            entry = self.staleness.entry(target.name)
            if entry is not None:
                self.staleness.forget(entry)

    def make_output(self, output: Output, selected: list, workers: int, force: bool,
                    extra: Iterable = ()) -> None:
        """`extra`: more (job, page) pairs for the same stage, first (the press kits)."""
        pages = chain(extra, self.stale_pages(output, selected, force))
        first = next(pages, None)
        if first is None:
            return
        stage = output.load_stage()
        settings = stage.settings_for(self.project, selected)
        for job, produced in stage.produce(chain([first], pages), settings, workers):
            if produced.traceback:  # a bug: keep its traceback
                print(produced.traceback, file=sys.stderr)
            if hasattr(job, "done"):  # a press kit: the channel phase writes it
                job.done(produced)
                continue
            job.outcome.problems += produced.problems
            job.outcome.seconds += produced.seconds
            self.report.peak_rss_kb[produced.worker] = max(
                produced.peak_rss_kb, self.report.peak_rss_kb.get(produced.worker, 0))
            if produced.ok:
                self.store(job, produced.data, produced.pages)
            self.finish(job.outcome)

    def stale_pages(self, output: Output, selected: list,
                    force: bool) -> Iterator[tuple[_Job, tuple[str, str]]]:
        """The pages of the outputs that must be made, one at a time; finishes the others
        (current, or failed before rendering) on the way."""
        from .templating import compose, make_environment

        config, staleness = self.project.config, self.staleness
        env = make_environment(config.templates_dir)
        for document in selected:
            began = time.perf_counter()
            name, template = output.file_name(document), output.template_for(document)
            templates = staleness.templates(template)
            outcome = Outcome(document.display_path)
            links = document.links
            if staleness.reason(document.display_path, links, name, templates,
                                force) is None:
                entry = staleness.entry(name)
                outcome.output, outcome.pages = config.output_dir / name, entry.pages
                outcome.problems, outcome.unchanged = entry.stored_problems(), True
                self.finish(outcome)
                continue
            page = compose(document, template, env, config, config.quotes)
            outcome.problems += page.problems
            if page.html is None:
                self.finish(outcome)
                continue
            outcome.seconds = time.perf_counter() - began
            inputs = staleness.inputs(document.display_path, links, templates, page.images)
            job = _Job(document, output, inputs, [config.show(i) for i in page.images],
                       outcome, links, templates)
            yield job, (document.display_path, page.html)

    def write(self, target: Path, data: bytes, problems: list[Problem]) -> bool:
        """Write the file atomically; a machine fault keeps the old file and is a problem."""
        try:
            write_atomically(target, data)
            return True
        except OSError as exc:
            problems.append(Problem(
                self.paths.show(target), None,
                f"kann nicht geschrieben werden ({len(data) // 1024 + 1} kB): {cause_of(exc)}; "
                "die bisherige Datei bleibt unverändert", fault=True))
            return False

    def store(self, job: _Job, data: bytes, pages: int) -> None:
        """Write the file and record it."""
        name = job.output.file_name(job.document)
        target = self.paths.output_dir / name
        if not self.write(target, data, job.outcome.problems):
            return
        job.outcome.output, job.outcome.pages = target, pages
        own = [[p.line, p.message, p.severity.value] for p in job.outcome.problems
               if p.path == job.document.display_path]
        self.staleness.record(Entry(job.document.display_path, name, job.inputs, digest(data),
                                    pages, job.images, own, job.links, job.templates))

    def remove_orphans(self) -> None:
        """Delete the files this tool wrote for content files that no longer exist."""
        present = {d.display_path for d in self.project.documents} | self.project.blocked
        for entry in sorted(self.staleness.orphans(present), key=lambda e: e.output):
            self.remove(entry)

    def remove(self, entry: Entry) -> None:
        """Delete a file this tool wrote (unless someone changed it) and forget it; empty
        folders it leaves in output/ go too."""
        output = self.paths.output_dir
        target = output / entry.output
        try:
            if self.staleness.intact(entry):
                target.unlink()
                self.report.removed.append(self.paths.show(target))
                folder = target.parent
                while folder != output and not any(folder.iterdir()):
                    folder.rmdir()
                    folder = folder.parent
        except OSError as exc:
            self.report.add([Problem(self.paths.show(target), None,
                                     f"kann nicht gelöscht werden: {cause_of(exc)}",
                                     fault=True)])
            return
        self.staleness.forget(entry)

    def save(self, complete: bool, channels: bool = False) -> None:
        try:
            outcomes = self.report.outcomes
            self.staleness.save(self.report.problems, {o.display_path for o in outcomes
                                                       if not o.ok},
                                {o.display_path for o in outcomes}, complete, channels)
        except OSError as exc:
            self.report.add([Problem(
                self.paths.show(self.paths.manifest), None,
                f"kann nicht gespeichert werden: {cause_of(exc)}; die alte Fassung bleibt, der "
                "nächste Lauf setzt die betroffenen Dokumente erneut", fault=True)])


def _select(project, files: list[Path]) -> tuple[list, list[str]]:
    """The documents to make and the failed files to report: all of them, or those named."""
    failed = sorted(project.blocked)
    if not files:
        return project.documents, failed
    config = project.config
    known = {d.display_path for d in project.documents} | project.blocked
    wanted = {config.named(name) for name in files}
    if unknown := sorted(wanted - known):
        raise UsageError(f"{', '.join(unknown)}: keine Inhaltsdatei unter content/ (*.md)")
    return [d for d in project.documents if d.display_path in wanted], \
        [name for name in failed if name in wanted]
