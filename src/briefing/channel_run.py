"""The channels' part of a build (channels.py says what they are): after the PDFs, for
every release whose documents all have a current PDF, the press kit (made again only when
one of its inputs changed), then the web pages, e-mail and bundle, then the site's archive
and feed. Files are written atomically and only when their bytes changed; files of a
release that failed stay as they were (out of date); files no longer made are removed."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from . import channels
from .errors import Problem, Severity
from .files import cause_of
from .incremental import Entry, digest

KIT_TEMPLATE = "pressemappe.html.j2"


def make_channels(run) -> None:
    from .clock import now
    from .templating import make_environment

    project, staleness, report = run.project, run.staleness, run.report
    config = project.config
    env = make_environment(config.templates_dir)
    stylesheet, problems = channels.read_stylesheet(config)
    report.add(problems)
    if stylesheet is None:
        return
    made = {o.display_path for o in report.outcomes if o.ok}
    kept = set(project.blocked)  # their files stay, out of date
    ready = []
    for group in channels.groups(project.documents):
        missing = [d.display_path for d in group.documents if d.display_path not in made]
        if missing:
            kept.add(group.release.display_path)
            report.add([Problem(group.release.display_path, None, (
                "Pressemappe, Webseiten, E-Mail und Paket nicht erneuert, weil "
                f"{', '.join(missing)} kein aktuelles PDF hat; die Dateien des letzten "
                "erfolgreichen Laufs bleiben (veraltet)"), Severity.NOTE)])
        else:
            ready.append(group)

    kits = _kits(run, ready)
    moment, files, public, expires = now(), channels.Files(), [], []
    for group in ready:
        release = group.release
        if release.display_path not in kits:
            kept.add(release.display_path)
            continue
        try:
            pdfs = {d.slug: (config.output_dir / d.output_name).read_bytes()
                    for d in group.documents}
        except OSError as exc:
            report.add([Problem(config.show(Path(exc.filename or config.output_dir)), None,
                                f"kann nicht gelesen werden: {cause_of(exc)}", fault=True)])
            kept.add(release.display_path)
            continue
        drafts = [d for d in group.documents if d.draft]
        held = channels.held_back(release, moment) or bool(drafts)
        if drafts:
            report.add([channels.draft_note(release, drafts)])
        elif held:
            report.add([channels.held_note(release)])
            if release.embargo.at:
                expires.append(release.embargo.at.astimezone(dt.UTC))
        made_here = channels.release_files(group, pdfs, kits[release.display_path], held,
                                           env, config, config.quotes, stylesheet)
        report.add(made_here.problems)
        if any(p.is_error for p in made_here.problems):
            kept.add(release.display_path)
            continue
        files.merge(made_here)
        if not held:
            public.append((release, len(pdfs[release.slug])))
    # A release whose files stay from an earlier build stays in the archive and the feed.
    public += [published for group in channels.groups(project.documents)
               if group.release.display_path in kept
               and (published := _published(run, group.release))]
    public.sort(key=lambda item: item[0].slug)
    site = channels.site_files(public, env, config, stylesheet)
    report.add(site.problems)
    files.merge(site)
    staleness.manifest.expires = min(expires).isoformat() if expires else None
    staleness.changed = True
    current_kits = {g.kit_name for g in ready if g.release.display_path in kits}
    _store(run, files, current_kits, kept | ({""} if site.problems else set()))


class KitJob:
    """A press kit on its way through the PDF stage, beside the documents' PDFs (it does not
    need them, so both cores work on both). Its result waits for the channel phase, which
    writes it only when all the release's documents have their PDF."""

    def __init__(self, group, outcome, inputs, images, templates, links):
        self.group, self.outcome = group, outcome
        self.inputs, self.images, self.templates = inputs, images, templates
        self.links = links
        self.produced = None

    def done(self, produced) -> None:
        self.produced = produced


def kit_pages(run, force: bool):
    """(KitJob, (display path, HTML)) of every press kit whose inputs changed; kits that
    are current are noted in `run.kits` for the channel phase."""
    from .build import Outcome
    from .kit import compose_kit
    from .templating import make_environment

    project, staleness = run.project, run.staleness
    config = project.config
    env = make_environment(config.templates_dir)
    templates = staleness.templates(KIT_TEMPLATE)
    for group in channels.groups(project.documents):
        release = group.release
        images = sorted({str(config.show(i)) for d in group.documents
                         for i in _images(staleness, d)})
        links = sorted({link for d in group.documents for link in d.links}
                       - {d.display_path for d in group.documents})
        inputs = staleness.inputs(release.display_path, links, templates,
                                  (config.root / i for i in images))
        inputs["briefings"] = staleness.digests.files(config, (b.source for b in group.briefings))
        entry = staleness.entry(group.kit_name)
        if not force and entry and entry.inputs == inputs and staleness.intact(entry):
            run.kits[release.display_path] = entry
            continue
        began = time.perf_counter()
        page = compose_kit(group.documents, env, config, config.quotes)
        if page.html is None:
            # A template of the kit is broken (its documents' own problems are reported
            # with their PDFs).
            templates_broken = [p for p in page.problems if p.path.startswith("templates")]
            if templates_broken:
                run.finish(Outcome(release.display_path, problems=templates_broken, kit=True))
            continue
        job = KitJob(group, Outcome(release.display_path, seconds=time.perf_counter() - began,
                                    kit=True),
                     inputs, images, templates, links)
        run.kits[release.display_path] = job
        yield job, (release.display_path, page.html)


def _images(staleness, document) -> list:
    entry = staleness.entry(document.output_name)
    return [staleness.paths.root / i for i in entry.images] if entry else []


def _kits(run, groups) -> dict[str, bytes]:
    """The press kit of each release that has one: current, or made in this run (then
    written now)."""
    from .build import Outcome

    config, staleness = run.project.config, run.staleness
    kits: dict[str, bytes] = {}
    for group in groups:
        release = group.release
        target = config.output_dir / group.kit_name
        found = run.kits.get(release.display_path)
        if isinstance(found, Entry):
            kits[release.display_path] = target.read_bytes()
            run.finish(Outcome(release.display_path, target, found.pages, unchanged=True,
                               kit=True))
            continue
        if found is None or found.produced is None:
            continue
        outcome, produced = found.outcome, found.produced
        outcome.seconds += produced.seconds
        # The kit's own problems only: its documents' were reported with their PDFs.
        outcome.problems += [p for p in produced.problems
                             if p.fault or p.path.startswith("templates") or not produced.ok]
        if produced.ok and run.write(target, produced.data, outcome.problems):
            outcome.output, outcome.pages = target, produced.pages
            kits[release.display_path] = produced.data
            staleness.record(Entry(release.display_path, group.kit_name, found.inputs,
                                   digest(produced.data), produced.pages, found.images, [],
                                   found.links, found.templates, "kit"))
        run.finish(outcome)
    return kits


def _published(run, release) -> tuple | None:
    """(release, size of its PDF) when an earlier build put its pages on the public web."""
    entry = run.staleness.entry(f"{channels.PUBLIC}/{release.slug}/{release.slug}.pdf")
    if entry is None or not run.staleness.intact(entry):
        return None
    return release, (run.paths.output_dir / entry.output).stat().st_size


def _kind(name: str) -> str:
    return {"e-mail": "mail", "pakete": "bundle"}.get(name.split("/")[0], "web")


def _store(run, files: channels.Files, keep: set[str], kept: set[str]) -> None:
    """Write what changed and record it; remove the channel files no longer made, except
    those in `keep` (the kits of this build) and those of the releases in `kept` (they
    failed: their files stay, out of date)."""
    staleness, report = run.staleness, run.report
    output = run.paths.output_dir
    problems: list[Problem] = []
    for name, data in sorted(files.data.items()):
        entry = staleness.entry(name)
        sha = digest(data)
        if entry and entry.sha256 == sha and staleness.intact(entry):
            report.channel_unchanged += 1
        elif run.write(output / name, data, problems):
            staleness.record(Entry(files.source[name], name, {}, sha, channel=_kind(name)))
            report.channel_written.append(run.paths.show(output / name))
    report.add(problems)
    for entry in list(staleness.manifest.files.values()):
        if entry.channel and entry.output not in files.data.keys() | keep and \
                entry.source not in kept:
            run.remove(entry)
