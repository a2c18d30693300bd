"""Thousands of releases: what a build reuses instead of reading again — the parsed
content files (cache.py) and the hashes of files whose size, times and inode are as
recorded (incremental.Digests) — and that every input of a document still counts."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import briefing.cache
import briefing.reader
from briefing.build import build
from briefing.project import load_project

from .conftest import RELEASE
from .pdftext import structure_text
from .test_build import BRIEFING, RELEASE_WITH_PRIORITIES


def loaded(root, **kwargs):
    project = load_project(root, cached=True, **kwargs)
    project.cache.save()
    return project


def test_an_unchanged_file_is_not_parsed_again(project, reads):
    root = project({"content/a.md": RELEASE, "content/b.md": RELEASE.replace(
        "Testmitteilung", "Zweite")})
    loaded(root)
    assert reads == ["content/a.md", "content/b.md"]
    reads.clear()
    again = loaded(root)
    assert reads == []
    assert [d.title for d in again.documents] == ["Testmitteilung", "Zweite"]
    # Touched, same bytes: read to compare, not parsed.
    os.utime(root / "content" / "a.md", ns=(1, 1))
    loaded(root)
    assert reads == []
    (root / "content" / "b.md").write_text(RELEASE.replace("Testmitteilung", "Dritte"),
                                           encoding="utf-8")
    project_ = loaded(root)
    assert reads == ["content/b.md"]
    assert [d.title for d in project_.documents] == ["Testmitteilung", "Dritte"]


@pytest.mark.parametrize("change", ["briefing.toml", "code", "fonts"])
def test_the_cache_is_dropped_when_what_reading_depends_on_changes(project, reads,
                                                                   monkeypatch, change):
    root = project({"content/a.md": RELEASE})
    loaded(root)
    reads.clear()
    if change == "briefing.toml":
        config = root / "briefing.toml"
        config.write_text(config.read_text(encoding="utf-8").replace(
            'zitate = "»…«"', 'zitate = "„…“"'), encoding="utf-8")
    elif change == "code":  # another version of a library that shapes what is read
        import briefing.incremental

        versions = briefing.incremental.library_versions()
        monkeypatch.setattr(briefing.incremental, "library_versions",
                            lambda: [*versions, "pyyaml==99"])
    else:
        font = next((root / "templates" / "fonts").glob("*.ttf"))
        font.write_bytes(font.read_bytes())  # a new file: the glyphs may differ
    loaded(root)
    assert reads == ["content/a.md"]


def test_a_publication_build_does_not_take_a_draft_from_the_plain_cache(project):
    root = project({"content/a.md": RELEASE.replace("ort: Dresden\n",
                                                    "ort: Dresden\nentwurf: true\n")})
    assert not [p for p in loaded(root).problems if p.is_error]
    assert [p.message for p in loaded(root, final=True).problems if p.is_error] == [
        "Dokument ist als Entwurf markiert; für die Veröffentlichung »entwurf: true« "
        "entfernen"]


def test_a_briefing_takes_what_it_inherits_from_its_release_as_it_is_now(project):
    root = project({"content/pm.md": RELEASE_WITH_PRIORITIES.replace(
        "ort: Dresden\n", "ort: Dresden\nkontakt:\n  name: Anna Alt\n"
        "  telefon: 0351 564-0\n  email: presse@example.de\n"),
        "content/b1.md": BRIEFING.format(key="eins"),
        "content/b2.md": BRIEFING.format(key="zwei")})
    assert build(root).exit_code() == 0
    assert "Anna Alt" in structure_text(root / "output" / "b1.pdf", " ")
    release = root / "content" / "pm.md"
    release.write_text(release.read_text(encoding="utf-8").replace("Anna Alt", "Berta Neu"),
                       encoding="utf-8")
    assert build(root).exit_code() == 0
    assert "Berta Neu" in structure_text(root / "output" / "b1.pdf", " ")


def test_an_output_changed_in_place_is_noticed_though_size_and_time_are_kept(project):
    root = project({"content/a.md": RELEASE})
    assert build(root).exit_code() == 0
    pdf = root / "output" / "a.pdf"
    good, stat = pdf.read_bytes(), pdf.stat()
    with open(pdf, "r+b") as file:  # in place: the same inode
        file.seek(len(good) // 2)
        file.write(b"X")
    os.utime(pdf, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    report = build(root)
    assert not report.noop
    assert pdf.read_bytes() == good


def _three(project):
    from .conftest import approve

    root = project({f"content/{slug}.md": RELEASE.replace("Testmitteilung", title)
                    for slug, title in (("a", "Erste"), ("b", "Zweite"), ("c", "Dritte"))})
    approve(root)
    assert build(root, channels=True).exit_code() == 0
    return root


@pytest.fixture
def made(monkeypatch):
    """(output, unit) of every unit an output module makes."""
    import briefing.run

    found: list[tuple[str, str]] = []
    original = briefing.run.Run._made

    def recording(self, output, module, unit, key):
        found.append((output.name, key))
        return original(self, output, module, unit, key)

    monkeypatch.setattr(briefing.run.Run, "_made", recording)
    return found


@pytest.fixture
def looked_at(monkeypatch):
    """The content files of every unit whose staleness a build works out."""
    import briefing.incremental

    found: set[str] = set()
    original = briefing.incremental.Staleness.inputs

    def recording(self, sources, links, templates, images):
        sources = list(sources)
        found.update(sources)
        return original(self, sources, links, templates, images)

    monkeypatch.setattr(briefing.incremental.Staleness, "inputs", recording)
    return found


def test_a_correction_makes_its_own_units_and_the_shared_pages_nothing_else(project, made,
                                                                           looked_at):
    from .conftest import approve

    root = _three(project)
    made.clear()
    looked_at.clear()
    path = root / "content" / "b.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "ort: Dresden\n", "ort: Dresden\nkorrekturen:\n  2025-10-30: Ein Wort.\n"),
        encoding="utf-8")
    approve(root, "content/b.md")
    report = build(root, channels=True)
    assert report.exit_code() == 0
    assert {key for _, key in made if key.startswith("content/")} == {"content/b.md"}
    assert {output for output, key in made if key == "content/b.md"} == {
        "pdf", "kit", "web", "mail", "bundle"}
    assert looked_at == {"content/b.md"}  # the others are not even looked at
    # What a build of everything would say: the others are current.
    assert report.count("unchanged") == 4 and report.count("built") == 2


@pytest.mark.parametrize("change", ["ausgabe gelöscht", "vorlage"])
def test_what_the_changed_files_do_not_show_is_still_looked_at(project, made, change):
    root = _three(project)
    made.clear()
    if change == "ausgabe gelöscht":  # by hand: made again, and only that
        (root / "output" / "a.pdf").unlink()
        assert build(root, channels=True).exit_code() == 0
        assert (root / "output" / "a.pdf").is_file()
        assert {key for _, key in made if key.startswith("content/")} == {"content/a.md"}
    else:  # a template every release uses: all of them
        partial = root / "templates" / "partials" / "contact.html.j2"
        partial.write_text(partial.read_text(encoding="utf-8") + "{# neu #}\n",
                           encoding="utf-8")
        assert build(root, channels=True).exit_code() == 0
        assert {key for output, key in made if output == "pdf"} == {
            "content/a.md", "content/b.md", "content/c.md"}


def test_a_build_of_what_changed_says_what_a_build_of_everything_says(project):
    """An unrelated change does not hide another family's error (a published release
    changed without a correction stays as published, and the build says so)."""
    from .conftest import approve

    root = _three(project)
    a = root / "content" / "a.md"
    a.write_text(a.read_text(encoding="utf-8").replace("kurzer", "langer"), encoding="utf-8")
    approve(root, "content/a.md")
    held = "content/a.md: ist veröffentlicht, und content/a.md wurde seither geändert"
    assert build(root, channels=True).exit_code() == 1
    (root / "content" / "d.md").write_text(RELEASE.replace(
        "ort: Dresden\n", "ort: Dresden\nentwurf: true\n"), encoding="utf-8")
    for _ in range(2):  # the build of what changed, then the no-op build
        report = build(root, channels=True)
        assert report.exit_code() == 1
        assert [str(p) for p in report.errors if str(p).startswith(held)]


def test_an_edited_publication_log_means_every_family_is_looked_at(project, looked_at):
    root = _three(project)
    log = root / "protokoll" / "protokoll.jsonl"
    log.write_text("".join(line for line in log.read_text(encoding="utf-8").splitlines(True)
                           if '"content/b.md"' not in line), encoding="utf-8")
    (root / "content" / "d.md").write_text(RELEASE.replace(
        "ort: Dresden\n", "ort: Dresden\nentwurf: true\n"), encoding="utf-8")
    looked_at.clear()
    assert build(root, channels=True).exit_code() == 0
    assert {"content/a.md", "content/b.md", "content/c.md"} <= looked_at
    assert '"content/b.md"' in log.read_text(encoding="utf-8")  # published again


def test_a_publication_build_checks_the_time_afresh(project, clock):
    """The cache keeps no answer that depends on the clock: an advisory whose event has
    begun is refused by a publication build, however recently it was read."""
    root = project({"content/t.md": """\
        ---
        typ: terminhinweis
        titel: Pressetermin
        datum: 2025-11-10
        ort: Dresden
        beginn: 2025-11-14 10:00
        ---

        Dresden (10. November 2025) – Ein Termin.
        """})
    clock("2025-11-13 09:00")
    assert not [p for p in loaded(root, final=True).problems if p.is_error]
    clock("2025-11-14 12:00")
    assert [p.message[:30] for p in loaded(root, final=True).problems if p.is_error] == [
        "Der Termin hat schon begonnen "]


def test_the_preview_reads_again_only_the_file_saved(project, reads):
    from briefing.preview import Preview

    root = project({"content/a.md": RELEASE, "content/b.md": RELEASE.replace(
        "Testmitteilung", "Zweite")})
    preview = Preview(root, "content/a.md")
    try:
        assert preview.refresh() == 1
        reads.clear()
        (root / "content" / "a.md").write_text(RELEASE.replace("kurzer", "neuer"),
                                               encoding="utf-8")
        assert preview.refresh() == 1
        assert reads == ["content/a.md"]
        assert "neuer" in structure_text_of(preview.views["content/a.md"].pdf)
    finally:
        preview.close()


def structure_text_of(data: bytes) -> str:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        return structure_text(file.name, " ")


def test_status_after_a_change_of_a_release_names_its_briefings_stale(project):
    from briefing.paths import Paths
    from briefing.status import project_status

    root = project({"content/pm.md": RELEASE_WITH_PRIORITIES,
                    "content/b1.md": BRIEFING.format(key="eins"),
                    "content/b2.md": BRIEFING.format(key="zwei"),
                    "content/x.md": RELEASE.replace("Testmitteilung", "Andere")})
    assert build(root, channels=True).exit_code() == 0
    release = root / "content" / "pm.md"
    release.write_text(release.read_text(encoding="utf-8").replace("kurzer", "neuer"),
                       encoding="utf-8")
    states = {s.path: s.state for s in project_status(Paths(root))}
    assert states == {"content/pm.md": "veraltet", "content/b1.md": "veraltet",
                      "content/b2.md": "veraltet", "content/x.md": "aktuell"}


@pytest.mark.parametrize("approved", [False, True])
def test_a_content_file_moved_to_a_folder_keeps_its_outputs(project, approved):
    """Unpublished, it is the same document in a new place; published, the move is refused
    (the log knows it by its path) and its files stay as they are."""
    from .conftest import approve

    root = project({"content/a.md": RELEASE})
    if approved:
        approve(root)
    assert build(root, channels=True).exit_code() == 0
    out = root / "output"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and
              not p.name.startswith(".")}
    (root / "content" / "sub").mkdir()
    (root / "content" / "a.md").rename(root / "content" / "sub" / "a.md")
    report = build(root, channels=True)
    if approved:
        assert [p.message[:48] for p in report.errors] == [
            "ist veröffentlicht (Nr. 1/2025) und kann nicht g"]
    else:
        assert report.exit_code() == 0, [str(p) for p in report.problems]
        assert build(root, channels=True).noop
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and
             not p.name.startswith(".")}
    assert set(before) <= set(after)
    if approved:  # what was published stays as published (on the web, unnumbered PDF aside)
        published = {p: b for p, b in before.items() if "web" in p.parts}
        assert published and {p: after[p] for p in published} == published
    else:  # the same document (a draft's texts may name its new path)
        assert set(after) == set(before)
        assert after[out / "a.pdf"] == before[out / "a.pdf"]


def test_the_cache_keeps_what_a_build_parsed_anew_and_drops_what_went(project, reads):
    """The document cache writes back the rows a build changed: a file parsed anew is
    not parsed again by the next build; a deleted file's document goes."""
    root = project({f"content/{n}.md": RELEASE.replace("Testmitteilung", f"Nr {n}")
                    for n in "abc"})
    loaded(root)
    (root / "content" / "a.md").write_text(RELEASE.replace("Testmitteilung", "Neu"),
                                           encoding="utf-8")
    reads.clear()
    assert [d.title for d in loaded(root).documents] == ["Neu", "Nr b", "Nr c"]
    assert reads == ["content/a.md"]
    reads.clear()
    loaded(root)
    assert reads == []
    (root / "content" / "b.md").unlink()
    assert [d.title for d in loaded(root).documents] == ["Neu", "Nr c"]
    cache = briefing.cache.DocumentCache.for_project(load_project(root).config, False)
    assert sorted(cache.documents.names()) == ["content/a.md", "content/c.md"]


def _manifest(root):
    from briefing.incremental import Manifest

    return Manifest.load(root / "output" / ".briefing-manifest")


def test_a_lost_record_or_a_stray_one_never_hides_a_deleted_output(project):
    """The quick check of every output compares each unit's files with their records:
    a record of a file no unit owns neither stands in for a unit's file that has no
    record, nor keeps a build from answering »nothing changed«."""
    root = project({"content/a.md": RELEASE,
                    "content/b.md": RELEASE.replace("Testmitteilung", "Zweite")})
    assert build(root).exit_code() == 0
    output = root / "output"
    manifest = _manifest(root)
    # A leftover file no unit owns, already gone: no reason to work.
    manifest.stats[str(output / "alt.pdf")] = [1, 1, 1, 1, "0" * 64]
    manifest.save(output / ".briefing-manifest")
    assert build(root).noop
    # a.pdf loses its record (the stray one keeps the count), then is deleted.
    manifest = _manifest(root)
    del manifest.stats[str(output / "a.pdf")]
    manifest.save(output / ".briefing-manifest")
    (output / "a.pdf").unlink()
    report = build(root)
    assert not report.noop and (output / "a.pdf").exists()
    assert build(root).noop


def _unit_rows_written(monkeypatch) -> list[str]:
    """The keys of the units each save writes to the manifest's database, as they come."""
    import briefing.store as store

    written: list[str] = []
    opened = store._open

    def tracing(*args, **kwargs):
        connection = opened(*args, **kwargs)
        connection.set_trace_callback(lambda sql: written.extend(
            re.findall(r"^INSERT INTO units \(.*?VALUES \('([^']*)'", sql)))
        return connection

    monkeypatch.setattr(store, "_open", tracing)
    return written


def test_the_manifest_saves_what_changed_and_survives_a_crash(project, monkeypatch):
    """A correction writes the rows of its own units only, not the manifest again; a
    build killed in the middle of saving leaves the state before it; a manifest that
    cannot be read is made anew by the next build."""
    import briefing.incremental as incremental

    root = project({f"content/{n}.md": RELEASE.replace("Testmitteilung", f"Nr {n}")
                    for n in "abcdefgh"})
    assert build(root).exit_code() == 0
    path = root / "output" / ".briefing-manifest"
    written = _unit_rows_written(monkeypatch)
    (root / "content" / "a.md").write_text(RELEASE.replace("Testmitteilung", "Neu"),
                                           encoding="utf-8")
    assert build(root).exit_code() == 0
    assert written == ["pdf:content/a.md"]
    state = _manifest(root)
    assert state.units["pdf:content/a.md"].files["a.pdf"][0] == \
        incremental.digest((root / "output" / "a.pdf").read_bytes())
    before = (dict(state.units), dict(state.stats))
    # Killed before the end of saving (every unit gone, not yet committed).
    killed = subprocess.run([sys.executable, "-c", (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from briefing.incremental import Manifest\n"
        "path = Path(sys.argv[1])\n"
        "manifest = Manifest.load(path)\n"
        "for key in list(manifest.units): del manifest.units[key]\n"
        "connection = manifest.connection\n"
        "class Dying:\n"
        "    def execute(self, sql, *args):\n"
        "        if sql == 'COMMIT': os._exit(9)\n"
        "        return connection.execute(sql, *args)\n"
        "    def __getattr__(self, name): return getattr(connection, name)\n"
        "manifest.connection = Dying()\n"
        "manifest.save(path)\n"), str(path)])
    assert killed.returncode == 9
    state = _manifest(root)
    assert (dict(state.units), dict(state.stats)) == before
    assert build(root).noop
    # Damaged: read as far as it can be, and the next build makes what it lost.
    data = bytearray(path.read_bytes())
    data[4096:] = bytes(len(data) - 4096)
    path.write_bytes(bytes(data))
    assert build(root).exit_code() == 0
    assert build(root).noop
    path.write_bytes(b"kein Manifest")
    assert build(root).exit_code() == 0
    assert build(root).noop


def test_a_manifest_damaged_where_a_build_reads_it_is_made_anew(project):
    """A page of the manifest that cannot be read is not taken for »no such unit«: the
    build that finds it vouches for nothing and leaves an empty manifest, so the next one
    makes every output again (as after a lost manifest), and the one after has nothing
    to do."""
    import sqlite3

    root = project({f"content/{n}.md": RELEASE.replace("Testmitteilung", f"Nr {n}")
                    for n in "abcdefgh"})
    assert build(root).exit_code() == 0
    path = root / "output" / ".briefing-manifest"
    with sqlite3.connect(path) as connection:
        (page,) = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = "
                                     "'unit_values'").fetchone()
        size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    data = bytearray(path.read_bytes())
    data[(page - 1) * size:page * size] = b"\xff" * size
    path.write_bytes(bytes(data))
    (root / "content" / "a.md").write_text(RELEASE.replace("Testmitteilung", "Neu"),
                                           encoding="utf-8")
    assert build(root).exit_code() == 0
    state = _manifest(root)
    assert state.project is None and not dict(state.units)
    again = build(root)
    assert again.exit_code() == 0 and not again.noop
    assert sorted(o.display_path for o in again.outcomes if not o.unchanged) == \
        [f"content/{n}.md" for n in "abcdefgh"]
    assert build(root).noop


def test_what_is_saved_is_what_the_build_holds(project, monkeypatch):
    """A build writes only the rows it changed (it does not compare every one of
    thousands): read back, the manifest is what the build held when it saved — after a
    change, a new release, a deleted one and a damaged output file."""
    import briefing.incremental as incremental

    held = []
    save = incremental.Manifest.save

    def saving(self, path):
        save(self, path)
        held.append((dict(self.units), dict(self.stats), dict(self.published),
                     self.failed, self.problems, self.project))

    monkeypatch.setattr(incremental.Manifest, "save", saving)
    root = project({f"content/{n}.md": RELEASE.replace("Testmitteilung", f"Nr {n}")
                    for n in "abcdefghijklmnop"})
    assert build(root, channels=True).exit_code() == 0
    changes = [
        lambda: (root / "content" / "a.md").write_text(
            RELEASE.replace("Testmitteilung", "Neu"), encoding="utf-8"),
        lambda: (root / "content" / "z.md").write_text(
            RELEASE.replace("Testmitteilung", "Nr z"), encoding="utf-8"),
        lambda: (root / "content" / "b.md").unlink(),
        lambda: (root / "output" / "c.pdf").unlink(),
    ]
    for change in changes:
        change()
        assert not build(root, channels=True).noop
        units, stats, published, failed, problems, fingerprint = held[-1]
        state = _manifest(root)
        assert state.units == units and state.stats == stats
        assert state.published == published and state.failed == failed
        assert state.problems == problems and state.project == fingerprint
    assert "pdf:content/b.md" not in state.units and "pdf:content/z.md" in state.units
    assert build(root, channels=True).noop


def test_the_site_orders_its_entries_once_per_list():
    """The site's parts and pages ask for the same orders of the same entries several
    times a build (`Context.records` gives the same list while none changes): made once
    per list, again for another list, and the last two lists are remembered (a page asks
    for all entries and a few in turn)."""
    from briefing.outputs import once_per_list

    asked = []

    @once_per_list
    def newest_first(records: list) -> list:
        asked.append(records)
        return sorted(records, reverse=True)

    every, few, other = [1, 3, 2], [3], [1, 3, 2]
    assert newest_first(every) == [3, 2, 1] and newest_first(every) == [3, 2, 1]
    assert newest_first(few) == [3] and newest_first(every) == [3, 2, 1]
    assert asked == [every, few] and asked[0] is every
    assert newest_first(other) == [3, 2, 1]  # equal, but another list: made again
    assert asked[-1] is other
    newest_first(every)  # `few` was the last but one: forgotten
    newest_first(few)
    assert len(asked) == 4


def _files(output: Path) -> dict[str, bytes]:
    return {str(p.relative_to(output)): p.read_bytes() for p in sorted(output.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


def test_a_build_that_saves_and_forgets_as_it_goes_makes_what_one_holding_all_makes(
        tmp_path, monkeypatch, clock):
    """A long build saves what it made every `CHECKPOINT_UNITS` units and forgets it (its
    memory does not grow with the releases it makes): here after every unit. Its files,
    its record and its report are those of a build that held everything; the next build
    has nothing to do, and a correction makes its family's units again."""
    import briefing.incremental
    import briefing.run

    from .conftest import approve, make_project

    clock("2025-11-02 08:00")
    files = {f"content/{n}.md": RELEASE.replace("Testmitteilung", f"Nr {n}") for n in "abcdef"}
    files["content/pm.md"] = RELEASE_WITH_PRIORITIES
    files |= {f"content/hg-{key}.md": BRIEFING.format(key=key) for key in ("eins", "zwei")}
    roots = [make_project(tmp_path / name, files) for name in ("ganz", "stueckweise")]
    for root in roots:
        approve(root)
    evicted: list[int] = []
    evict = briefing.incremental.Staleness.evict

    def evicting(self) -> None:
        evicted.append(len(self.manifest.units.cache))
        evict(self)

    monkeypatch.setattr(briefing.incremental.Staleness, "evict", evicting)
    whole = build(roots[0], channels=True)
    assert whole.exit_code() == 0 and not evicted  # (a small build holds everything)
    monkeypatch.setattr(briefing.run, "CHECKPOINT_UNITS", 1)
    parts = build(roots[1], channels=True)
    assert parts.exit_code() == 0 and len(evicted) > 20
    assert _files(roots[1] / "output") == _files(roots[0] / "output")
    assert parts.problems == whole.problems
    assert parts.count("built") == whole.count("built") == 9 + 7  # PDFs and press kits
    assert len(parts.channel_written) == len(whole.channel_written)
    records = [_manifest(root) for root in roots]
    assert dict(records[1].units) == dict(records[0].units)
    assert dict(records[1].published) == dict(records[0].published)
    assert records[1].project == records[0].project is not None
    assert build(roots[1], channels=True).noop
    b = roots[1] / "content" / "b.md"
    b.write_text(b.read_text(encoding="utf-8").replace("kurzer", "korrigierter").replace(
        "ort: Dresden\n", "ort: Dresden\nkorrekturen:\n  2025-11-01: Ein Wort.\n"),
        encoding="utf-8")
    approve(roots[1], "content/b.md")
    again = build(roots[1], channels=True)
    assert again.exit_code() == 0
    assert [(o.display_path, o.kit) for o in again.outcomes if not o.unchanged] == \
        [("content/b.md", False), ("content/b.md", True)]


def test_a_large_project_is_set_by_workers_that_are_not_copies_of_the_build(
        tmp_path, monkeypatch):
    """From `CLEAN_WORKERS_FROM` documents on (here one), the pool's workers start from a
    server process that has imported only the engine, not as copies of the build, which
    holds the whole project: their memory does not grow with it. The PDFs are the same."""
    import multiprocessing

    import briefing.run

    from .conftest import make_project

    asked: list[str | None] = []
    real = multiprocessing.get_context

    def get_context(method=None):
        asked.append(method)
        return real(method)

    monkeypatch.setattr(multiprocessing, "get_context", get_context)
    files = {f"content/{n}.md": RELEASE.replace("Testmitteilung", f"Nr {n}") for n in "abcdef"}
    roots = [make_project(tmp_path / name, files) for name in ("kopien", "sauber")]
    assert build(roots[0], jobs=2).exit_code() == 0
    assert "fork" in asked and "forkserver" not in asked
    asked.clear()
    monkeypatch.setattr(briefing.run, "CLEAN_WORKERS_FROM", 1)
    report = build(roots[1], jobs=2)
    assert report.exit_code() == 0 and report.count("built") == 6
    assert asked == ["forkserver"] and len(report.peak_rss_kb) == 2
    assert _files(roots[1] / "output") == _files(roots[0] / "output")


@pytest.mark.parametrize("every", [1, 10**6])
def test_a_file_saved_during_a_long_build_is_made_again_by_the_next(tmp_path, monkeypatch,
                                                                    every):
    """An editor saves a content file while a long build, which saves and forgets as it
    goes (here after every unit, or not at all), makes the others from what it read before:
    the next build makes that file's PDF again, with the new text."""
    import briefing.run

    from .conftest import make_project

    files = {f"content/d{i:02}.md": RELEASE.replace("Testmitteilung", f"Nr {i}")
             for i in range(12)}
    root = make_project(tmp_path, files)
    monkeypatch.setattr(briefing.run, "CHECKPOINT_UNITS", every)
    last = root / "content" / "d11.md"
    real = briefing.run.Run.finish

    def finish(self, outcome) -> None:
        real(self, outcome)
        if outcome.display_path == "content/d00.md":  # (the first: d11 is read already)
            last.write_text(last.read_text(encoding="utf-8").replace("Nr 11", "Nr elf"),
                            encoding="utf-8")

    monkeypatch.setattr(briefing.run.Run, "finish", finish)
    assert build(root, jobs=1).exit_code() == 0
    monkeypatch.setattr(briefing.run.Run, "finish", real)
    again = build(root, jobs=1)
    assert [o.display_path for o in again.outcomes if not o.unchanged] == ["content/d11.md"]
    assert "Nr elf" in structure_text_of((root / "output" / "d11.pdf").read_bytes())


SPEECH = """\
---
typ: sprechzettel
titel: Rede
datum: 2025-10-29
redner: Ministerpräsident
anlass: Pressekonferenz
pressemitteilung: pm
---

Text.
"""


def test_a_build_of_everything_in_parts_makes_and_says_what_one_build_makes(
        tmp_path, monkeypatch, clock, counted):
    """A build of everything in a project of more than `PART_FILES` content files reads and
    makes them a part at a time (its memory does not grow with an archive of thousands):
    here two content files a part. A family is never split, and the parts go in the order
    of publication, so every release gets the number one build of all gives it. Its
    files, publication log, record and report are those of one build of all; the next
    build has nothing to do (its quick file says so); a file deleted before the next build
    of everything (after a change of a template) loses its PDF in both alike."""
    import briefing.build
    import briefing.parts

    from .conftest import approve, make_project

    clock("2025-11-02 08:00")
    days = {"a": 27, "b": 21, "c": 25, "d": 23, "e": 22, "f": 24}  # not in the files' order
    files = {f"content/{n}.md": RELEASE.replace("Testmitteilung", f"Nr {n}").replace(
        "2025-10-29", f"2025-10-{day}").replace("29. Oktober", f"{day}. Oktober")
        for n, day in days.items()}
    files["content/pm.md"] = RELEASE_WITH_PRIORITIES
    files |= {f"content/hg-{key}.md": BRIEFING.format(key=key) for key in ("eins", "zwei")}
    files["content/rede.md"] = SPEECH
    files["content/kaputt.md"] = RELEASE.replace("2025-10-29", "2025-13-01")
    roots = [make_project(tmp_path / name, files) for name in ("ganz", "in-teilen")]
    for root in roots:
        approve(root)
    parts: list[set[str]] = []
    in_own_process = briefing.parts.in_own_process

    def recording(work, *args, **kwargs):
        made = in_own_process(work, *args, **kwargs)
        if work is briefing.parts.make_part:
            parts.append(made.files)
        return made

    monkeypatch.setattr(briefing.parts, "in_own_process", recording)

    def both() -> list:
        reports = [build(roots[0], channels=True)]
        assert not parts
        monkeypatch.setattr(briefing.build, "PART_FILES", 2)
        reports.append(build(roots[1], channels=True))
        monkeypatch.setattr(briefing.build, "PART_FILES", 1000)
        assert _files(roots[1] / "output") == _files(roots[0] / "output")
        whole, in_parts = reports
        assert in_parts.problems == whole.problems
        said = [sorted((o.display_path, o.kit, o.ok, o.unchanged, o.pages, o.output and o.output.name,
                        o.problems) for o in report.outcomes) for report in reports]
        assert said[1] == said[0]
        assert in_parts.removed == whole.removed
        assert len(in_parts.channel_written) == len(whole.channel_written)
        records = [_manifest(root) for root in roots]
        assert dict(records[1].units) == dict(records[0].units)
        assert dict(records[1].published) == dict(records[0].published)
        assert records[1].project == records[0].project is not None
        # Every input file has its record (the quick file's next build reads none of them).
        inputs = [sorted(os.path.relpath(name, root) for name in record.stats.load()
                         if os.path.relpath(name, root).startswith(("content", "freigaben")))
                  for record, root in zip(records, roots, strict=True)]
        assert inputs[1] == inputs[0] and "freigaben/pm.toml" in inputs[0]
        # (In the order the parts were made: a build of all writes family by family.)
        logs = [sorted((root / "protokoll" / "protokoll.jsonl").read_bytes().splitlines())
                for root in roots]
        assert logs[1] == logs[0]
        return reports

    whole, in_parts = both()
    # (`build -v` says how much memory each process of the build in parts took at most.)
    assert [named for named, _ in in_parts.part_peaks_kb] == [
        "Familien", *(f"Teil {n}" for n in range(1, 6)), "Schnelldatei"]
    assert all(kb > 10_000 for _, kb in in_parts.part_peaks_kb) and not whole.part_peaks_kb
    assert whole.exit_code() == 1 and [str(p) for p in whole.errors] == [
        "content/kaputt.md:4: Feld »datum« »2025-13-01« ist kein gültiges Datum (diesen Tag "
        "gibt es nicht)"]
    assert parts == [{"content/b.md", "content/e.md"}, {"content/d.md", "content/f.md"},
                     {"content/c.md", "content/a.md"},
                     {"content/pm.md", "content/hg-eins.md", "content/hg-zwei.md",
                      "content/rede.md"}, {"content/kaputt.md"}]
    log = (roots[1] / "protokoll" / "protokoll.jsonl").read_text(encoding="utf-8")
    numbers = {entry["datei"]: entry["nummer"] for entry in map(json.loads, log.splitlines())}
    assert numbers == {f"content/{slug}.md": f"Nr.\u00a0{number}/2025" for number, slug
                       in enumerate(["b", "e", "d", "f", "c", "a", "pm"], start=1)}
    counted.clear()
    assert build(roots[1], channels=True).noop
    assert not counted  # (answered from the quick file the build in parts wrote)
    for root in roots:
        (root / "content" / "rede.md").unlink()
        partial = root / "templates" / "partials" / "contact.html.j2"
        partial.write_text(partial.read_text(encoding="utf-8") + "{# neu #}\n",
                           encoding="utf-8")
    parts.clear()
    both()
    assert not list((roots[1] / "output").rglob("rede*.pdf"))
    assert parts[0] >= {"content/pm.md", "content/hg-eins.md"}  # with the file gone
