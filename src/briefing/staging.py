"""A release's package goes out whole or not at all: the files its outputs make in a run
(web pages, e-mail, bundle) wait here, and are written together, per family (a release with
its editions), only when every unit of the family was made. Then the site's list of public
packages is updated and the publication log gets its entries.

Writing is in two steps (`files.write_all_atomically`): every file is on the disk under a
temporary name first, then all are renamed into place. A refusal of the machine (a full
disk) leaves every file of the last published package as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import clock
from .errors import Problem, Severity
from .files import cause_of, write_all_atomically
from .incremental import Entry, digest, unit_key
from .lifecycle import (
    CORRECTED,
    PUBLISHED,
    WITHDRAWN,
    append_log,
    keep_text,
    publication_time,
)
from .outputs import LISTING, Made, Output
from .packages import PUBLIC, VERSION_FOLDER, Package


@dataclass
class _Staged:
    output: Output
    key: str
    package: Package
    made: Made
    inputs: dict
    templates: list[str]
    entry: Entry | None


class Staging:
    def __init__(self, run):
        self.run = run
        self.staged: dict[str, list[_Staged]] = {}

    @staticmethod
    def family(package: Package) -> str:
        return (package.release.original or package.release).display_path

    def add(self, output: Output, key: str, package: Package, made: Made, inputs: dict,
            templates: list[str], entry: Entry | None) -> None:
        if output.name == "web" and entry is not None:
            self._carry_versions(package, made, entry)
        self.staged.setdefault(self.family(package), []).append(
            _Staged(output, key, package, made, inputs, templates, entry))

    def _carry_versions(self, package: Package, made: Made, entry: Entry) -> None:
        """The versions a correction replaced stay at their own address, beside the
        release's folder (`web/<release>--fassung-N/`, so that their links to the site
        still hold); this run's correction adds the one it replaces."""
        run = self.run
        if package.release.withdrawn:  # withdrawn: no version of it stays online
            return
        folder = f"{PUBLIC}/{package.slug}/"
        earlier = f"{PUBLIC}/{package.slug}{VERSION_FOLDER}"
        for name in entry.files:
            if name.startswith(earlier) and name not in made.files:
                self._carry(made, name, name)
        decision = run.decisions.get(package.key)
        if decision is None or decision.log != CORRECTED:
            return
        number = len(run.versions(package))
        for name in entry.files:
            if name.startswith(folder):
                self._carry(made, name, f"{earlier}{number}/{name.removeprefix(folder)}")

    def _carry(self, made: Made, name: str, to: str) -> None:
        """An earlier version's file, as written; one deleted by hand is gone (a warning:
        the publication log keeps the text as published)."""
        try:
            made.files[to] = self.run._read(name)
        except OSError as exc:
            self.run.report.add([Problem(f"output/{name}", None, (
                f"kann nicht übernommen werden: {cause_of(exc)}; diese frühere Fassung ist "
                "online nicht mehr vollständig (der veröffentlichte Text steht im Protokoll, "
                "»make protokoll«)"), Severity.WARNING)])

    def commit(self) -> None:
        """Write every family whose units were all made; the others stay as they were."""
        run = self.run
        for _family, staged in sorted(self.staged.items()):
            keys = {s.package.key for s in staged}
            if any(unit_key(o.name, k) in run.failed for k in keys for o in run.outputs):
                for key in keys:
                    run.kept.add(key)
                continue
            self._write(staged)
        self.staged = {}

    def _write(self, staged: list[_Staged]) -> None:
        run, report = self.run, self.run.report
        output_dir = run.config.output_dir
        writes: dict[Path, bytes] = {}
        planned: list[tuple[_Staged, dict[str, list]]] = []
        for item in staged:
            before = item.entry.files if item.entry else {}
            files: dict[str, list] = {}
            for name, data in sorted(item.made.files.items()):
                sha = digest(data)
                if before.get(name, [None])[0] == sha and \
                        run.staleness.digests.file(output_dir / name) == sha:
                    report.channel_unchanged += 1
                else:
                    writes[output_dir / name] = data
                files[name] = [sha, len(data)]
            planned.append((item, files))
        try:
            write_all_atomically(writes)
        except OSError as exc:
            target = Path(exc.filename) if exc.filename else output_dir
            data = writes.get(target, b"")
            report.add([Problem(run.config.show(target), None, (
                f"kann nicht geschrieben werden ({len(data) // 1024 + 1} kB): {cause_of(exc)}; "
                "die bisherigen Dateien dieser Pressemitteilung bleiben unverändert"),
                fault=True)])
            for item, _ in planned:
                run.failed.add(unit_key(item.output.name, item.key))
                run.kept.add(item.package.key)
            return
        report.channel_written += [run.config.show(path) for path in writes]
        for path, data in writes.items():
            run.staleness.digests.wrote(path, digest(data))
        for item, files in planned:
            problems: list[Problem] = []
            for name in sorted(set(item.entry.files if item.entry else ()) - set(files)):
                run.remove(item.entry, name, "nicht mehr erzeugt", problems)
            report.add(problems)
            sources, links, images = run.origin(item.package)
            key = unit_key(item.output.name, item.key)
            run.results.pop(key, None)  # on disk now: only its digests stay in memory
            run.written[key] = {name: sha for name, (sha, _size) in files.items()}
            run.staleness.record(Entry(item.output.name, item.key, item.inputs, files, 0,
                                       sources, [run.config.show(i) for i in images], [],
                                       links, item.templates))
            if item.output.name == LISTING:
                self._publish(item)
        self._log(staged)

    def _publish(self, item: _Staged) -> None:
        """The site's list of public packages, and what the run says it published."""
        run, package = self.run, item.package
        if item.made.record is None:
            run.published.pop(package.key)
            return
        run.published[package.key] = item.made.record
        decision = run.decisions.get(package.key)
        release = package.release
        number = (release.number or "").replace("\u00a0", " ")
        prefix = f"{number}, " if number else ""
        if decision and decision.log == PUBLISHED:
            when = publication_time(release)
            shown = when.astimezone(clock.BERLIN).strftime("%d.%m.%Y %H:%M Uhr") if when \
                else ""
            why = f"Sperrfrist {shown} abgelaufen" if release.embargo and \
                not release.publish_at else f"fällig seit {shown}"
            run.report.published.append((f"output/{PUBLIC}/{package.slug}/", prefix + why))
        elif decision and decision.log == CORRECTED:
            run.report.published.append((f"output/{PUBLIC}/{package.slug}/", (
                f"{prefix}Korrektur vom {release.corrections[0].date:%d.%m.%Y}; die frühere "
                f"Fassung bleibt unter output/{PUBLIC}/{package.slug}{VERSION_FOLDER}"
                f"{len(run.versions(package))}/")))
        elif decision and decision.log == WITHDRAWN:
            run.report.published.append((f"output/{PUBLIC}/{package.slug}/",
                                         f"{prefix}zurückgezogen"))

    def _log(self, staged: list[_Staged]) -> None:
        """One entry per package of the family that was published, corrected or withdrawn."""
        run = self.run
        entries = []
        packages = {s.package.key: s.package for s in staged}
        for key, package in sorted(packages.items()):
            decision = run.decisions.get(key)
            if decision is None or decision.log is None:
                continue
            release = package.release
            files = {name: sha for s in staged if s.package.key == key
                     for name, (sha, _size) in run.staleness.entry(s.output.name, key)
                     .files.items()}
            kit = run.staleness.entry("kit", key)
            files |= {name: sha for name, (sha, _size) in (kit.files.items() if kit else ())}
            entry = {
                "zeit": clock.now().astimezone(clock.BERLIN).isoformat(timespec="seconds"),
                "aktion": decision.log, "datei": key, "nummer": release.number,
                "herausgeber": release.publisher.name, "sprache": release.language,
                "dateien": dict(sorted(files.items())),
                "texte": {d.display_path: keep_text(run.config, d) for d in package.documents},
                "freigaben": {d.display_path: {"name": a.name, "zeit": a.at.isoformat(),
                                               "fassung": a.version}
                              for d in package.documents
                              if (a := run.project.register.approval(d)) is not None},
                "korrekturen": len(release.corrections),
            }
            if decision.log == CORRECTED and release.corrections:
                entry["korrektur"] = release.corrections[0].text
            if decision.log == WITHDRAWN and release.withdrawn:
                entry["grund"] = release.withdrawn.reason
            entries.append(entry)
        try:
            append_log(run.config, entries)
        except OSError as exc:
            run.report.add([Problem(run.config.show(run.config.log_dir), None, (
                f"das Protokoll kann nicht ergänzt werden: {cause_of(exc)}; die "
                "Veröffentlichung ist geschehen, aber nicht protokolliert: tragen Sie sie "
                "von Hand nach"), fault=True)])
        run.project.register.add(entries)
