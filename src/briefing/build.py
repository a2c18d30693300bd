"""The orchestrator: the project's documents → every output in output/, remaking only what
is stale.

`check` and `build` share `load_project` and `compose`, so what `check` accepts is exactly
what `build` will render. One broken document never stops the others; every problem is
reported; a document that fails keeps its previous files. Heavy stages (Markdown, Jinja,
WeasyPrint) are imported only when there is something to do: a build with no change at
all answers from the manifest.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .errors import MachineError, UsageError, problem_order
from .files import locked
from .incremental import Staleness
from .paths import Paths
from .quick import Names, Quick, damaged_in_steps, made_of, report_unchanged
from .quick import write as quick_file
from .report import Outcome, Progress, Report
from .setting import Worker

__all__ = ["Outcome", "Report", "build", "check"]

#: A build of everything in a project of more content files than this reads and makes
#: them a part of about this many at a time, family by family, each part in a process of
#: its own (parts.py): its memory does not grow with an archive of thousands.
PART_FILES = 500


def check(root: Path, final: bool = False) -> Report:
    """Validate everything, make every page of every output in memory (Markdown and
    templates, with stand-ins for the PDFs), write nothing. Every line of the publication
    log too (a build reads only those of the releases it makes)."""
    from .project import load_project
    from .run import Run

    start = time.perf_counter()
    project = load_project(root, final, cached=True)
    project.register.check_log()
    report = Report(list(project.problems))
    run = Run(project, Staleness(project.config), report, channels=True, final=final,
              dry=True)
    run.make([], 1, vouch=False, whole=False)
    report.outcomes = []
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
    on_progress: Callable[[Progress], None] = lambda progress: None,
    warm: bool = False,
) -> Report:
    """Make every output of every document (or only of `files`) whose inputs changed since
    the last build. `final`: a build for publication; drafts and placeholders fail.
    `on_wait` is called when another build holds output/ and this one waits for it.
    `channels`: also the press kits, web pages, e-mails and bundles (a build of every
    document only). `warm`: start a setting process first, which imports the PDF engine
    while this one reads the project, and sets the pages of a small build (a correction);
    only where forking is safe (a command line process with no other threads)."""
    start = time.perf_counter()
    paths = Paths(Path(root).resolve())
    files = list(files)
    channels = channels and not files
    plain = not (files or force or final)
    # Every input is hashed before any is read: a file saved while this build runs is
    # recorded as changed, so the next build makes it again. First with the no-op build's
    # own file, if there is one (quick.py).
    # Forked first: a process forked later would share this one's large heap, and every
    # object this one then touches would be copied (measured: the gain at 5,000 releases
    # was gone); and it starts checking the files written while this one fingerprints
    # the inputs (at 5,000 releases each takes about 0.1 s). A build of what changed
    # (every channel, plain) has it check the files written.
    engine = _setting_process(paths if channels and plain and not _folders_changed(paths)
                              else None) if warm else None
    try:
        quick = Quick.load(paths) if plain else None
        if quick is not None and (unchanged := quick.unchanged(channels, engine)) \
                is not None:
            report = report_unchanged(paths, *unchanged, on_outcome)
            report.seconds = time.perf_counter() - start
            return report
        if engine is not None and engine.split is not None:
            # Not a no-op: the setting process imports the engine now, and this build
            # checks the rest of the files written (`quick.damaged`).
            engine.split.stop()
        staleness = Staleness(paths)
        if quick is not None:
            staleness.take_over(quick.staleness,
                                records=quick.mark == staleness.manifest.loaded)
        staleness.project()
        # The files written that the quick file's check found not as recorded (it is of
        # this manifest): the rest need not be looked at again, nor these, if only touched.
        found = quick.not_as_recorded if quick is not None and \
            quick.mark == staleness.manifest.loaded else None
        intact = (lambda: not staleness.damaged_units(found)) if found else None
        if plain and staleness.unchanged_project(channels, intact):
            report = report_unchanged(paths, staleness.manifest, made_of(staleness.manifest),
                                      on_outcome)
            quick_file(staleness)  # for the next build
        else:
            # The quick file of the manifest as loaded: the next one is made from it.
            before = quick.last() if quick is not None and \
                quick.mark == staleness.manifest.loaded else None
            report, damaged_found = _make(paths, staleness, files, on_outcome, jobs, force,
                                          final, on_wait, channels, on_progress, engine,
                                          before, found)
            if damaged_found:  # files written changed by hand: made right away
                again = Staleness(paths)  # (the manifest as this build left it)
                again.project()
                report = _make(paths, again, [], on_outcome, jobs, False, False, on_wait,
                               channels, on_progress, engine, found=damaged_found
                               )[0].merged(report)
    finally:
        if engine is not None:
            engine.stop()
    report.seconds = time.perf_counter() - start
    return report


def _folders_changed(paths: Paths) -> bool:
    """A file came, went or was replaced in content/, freigaben/ or templates/ since the
    last build wrote its quick file (an approval always is): most likely not a no-op.
    Then the setting process imports the engine at once, not after its part of the
    check of the files written (at 5,000 releases it would check until this build found
    the change, 40–60 ms later); this build checks them, while the first page is set
    (`_LaterCheck`), or, if it was a no-op after all, itself."""
    try:
        since = os.stat(paths.quick).st_mtime_ns
    except OSError:
        return False  # (no quick file: the setting process's check reads the manifest)
    for folder in (paths.content_dir, paths.approvals_dir, paths.templates_dir):
        with contextlib.suppress(OSError):
            if os.stat(folder).st_mtime_ns > since:
                return True
    return False


def _setting_process(check: Paths | None) -> Worker | None:
    try:
        return Worker(check)
    except OSError:  # no process to spare (a limit of the machine): the pool's way
        return None


def _make(paths: Paths, staleness: Staleness, files: list[Path], on_outcome, jobs, force: bool,
          final: bool, on_wait, channels: bool, on_progress, engine: Worker | None,
          before: tuple | None = None, found: list[str] | None = None
          ) -> tuple[Report, list[str]]:
    """The build of what changed, and the files written that `_LaterCheck` found changed or
    deleted by hand (made by another build). `before`: the quick file of the manifest as
    loaded (`Quick.last`); `found`: the files written found not as recorded in it (by its
    check, or by the build that just wrote it)."""
    from .parts import families
    from .project import load_project
    from .run import Run

    # A build of what changed reads only the families the changed files belong to (and
    # those of the files written found damaged).
    known = (staleness.manifest.loaded, None, {}, found) if found else None
    changed = staleness.changed_files(known, outputs=known is not None) \
        if channels and not (files or final or force) else None
    # A build of everything (and every channel) in an archive of thousands: in parts.
    parts = families(paths.root, PART_FILES) \
        if channels and changed is None and not (files or final) else None
    if parts is not None:
        project = selected = failed = None
        if engine is not None:  # (for a build of a few pages)
            engine.stop()
            engine = None
    else:
        project = load_project(paths.root, final, cached=True,
                               family=None if changed is None else (changed, staleness.related))
        selected, failed = _select(project, files)
    if engine is not None:  # it sets up and warms up while this process goes on
        from .setting import settings_for

        # (A stylesheet that cannot be read stops a build that sets pages, in the run.)
        with contextlib.suppress(MachineError):
            engine.setup(settings_for(project, selected))
    waited = []

    def waiting() -> None:
        waited.append(True)
        on_wait()

    loaded = staleness.manifest
    with locked(paths, waiting):
        staleness.reload()  # as the build we may have waited for left it
        if staleness.manifest is not loaded:
            # The quick file was of the manifest another build replaced.
            before = known = None
        if force and not files:  # resumable: an interrupted run leaves the rest marked
            staleness.force_all()
            force, before = False, None
        # Only files changed since the last complete build: only what they touch.
        # The setting process checked the files before this build held output/: not after
        # waiting for another build (which may have changed them).
        changed, later = None, None
        if channels and not (files or final):
            checked, later = _outputs_checked(staleness, engine, before, known, bool(waited))
            changed = staleness.changed_files(checked, outputs=later is None)
        if parts is not None:
            from .parts import in_parts

            return in_parts(paths, staleness, parts, PART_FILES, on_outcome, on_progress,
                            jobs or os.cpu_count() or 1), []
        if project.family is not None and (
                waited or changed is None or not project.covers(changed, staleness.related)):
            # Another build ran meanwhile, or a file written is damaged: every document.
            project = load_project(paths.root, final, cached=True)
            selected, failed = _select(project, files)
        run = Run(project, staleness, Report(list(project.problems)), on_outcome,
                  documents=selected, channels=channels, final=final, force=force,
                  on_progress=on_progress, changed=changed, engine=engine)
        if later is not None:
            run.later(later.steps())
        # A partial or a publication build does not vouch for what a plain build would say.
        whole = len(selected) + len(failed) == \
            len(project.documents) + len(project.blocked)
        run.make(failed, jobs or os.cpu_count() or 1, vouch=not files and not final,
                 whole=whole)
        project.save_cache()  # not after a fault: output/ stays as it was
        damaged_found = later.found() if later is not None else []
        if channels and not (files or final) and not damaged_found:
            quick_file(staleness, before)  # the next build's, if this one vouched for all
        return run.report, damaged_found


class _LaterCheck:
    """The check of the files written (`quick.damaged`) for a build of what changed that
    sets its pages on the setting process: done while that process sets the pages, when
    this build would only wait (a part at a time: each page is taken and the next asked
    for as soon as it is set), not before it decides what to make (at 5,000 releases,
    45,000 files: 90 ms before the first page could be set). A file found
    changed or deleted by hand is made by a build of what is left, right after this one
    (`build`); this one leaves no quick file."""

    def __init__(self, staleness: Staleness, written: tuple[Names, bytes],
                 engine: Worker) -> None:
        self.staleness, self.written, self.engine = staleness, written, engine
        staleness.digests.written = set()  # (what this build writes is not found damaged)
        #: The manifest the files were recorded with, as loaded.
        self.mark = staleness.manifest.loaded
        self.names: list[str] = []

    def steps(self) -> Iterator[None]:
        """The check, a part at a time (`Run.later`)."""
        self.names = yield from damaged_in_steps(self.staleness.paths, self.mark,
                                                 self.written, self.engine)

    def found(self) -> list[str]:
        """The files found not as written, but those this build wrote or removed since
        (what it made)."""
        prefix = f"{self.staleness.paths.output_dir}{os.sep}"
        digests = self.staleness.digests
        return [name for name in self.names
                if prefix + name not in digests.written and prefix + name not in digests.gone]


def _outputs_checked(staleness: Staleness, engine: Worker | None, before: tuple | None,
                     known: tuple | None, waited: bool
                     ) -> tuple[tuple | None, _LaterCheck | None]:
    """How a build of what changed learns which files written are not as written:
    `incremental.outputs_checked` of the manifest as loaded (`known`: as the quick file's
    check, or the build just before, found them; else the setting process's, if of the
    manifest: one of a quick file may be a part of the files), or a check while the
    first page is set; neither after waiting for another build (which may have changed
    them), nor without an answer: then the manifest's way."""
    if waited:
        return None, None
    if known is not None:
        return known, None
    if before is not None and engine is not None:
        return None, _LaterCheck(staleness, before[0], engine)
    answer = engine.checked() if engine is not None else None
    return (answer if answer is not None and answer[1] is not None else None), None


def _select(project, files: list[Path]) -> tuple[list, list[str]]:
    """The documents to make and the failed files to report: all of them, or those named."""
    failed = sorted(project.blocked)
    if not files:
        return project.documents, failed
    config = project.config
    known = {d.display_path for d in project.documents} | project.blocked
    wanted = {config.named(name) for name in files}
    if unknown := sorted(wanted - known):
        # A name not there: the nearest content file (a typo in a long name).
        absent = [why for name in files if (why := config.missing(name))]
        raise UsageError("; ".join(absent) if absent else
                         f"{', '.join(unknown)}: keine Inhaltsdatei unter content/ (*.md)")
    return [d for d in project.documents if d.display_path in wanted], \
        [name for name in failed if name in wanted]
