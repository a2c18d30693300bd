"""A build of what changed reads only the families the changed files belong to
(`project.load_project(..., family=...)`): what it reports and writes is what a build of
everything says of the same files — the problems word for word, the PDFs, the web pages,
e-mails and bundles, the publication log — and a later command that reads everything
still finds every document."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import briefing.project
import briefing.reader
from briefing import lifecycle
from briefing.build import build, check
from briefing.incremental import Staleness
from briefing.lifecycle import LOG_FILE, Register, append_log, read_log
from briefing.paths import Paths
from briefing.project import load_project

from .conftest import RELEASE, approve, make_project
from .conftest import damage as damage_by_hand
from .pdftext import structure_text
from .test_build import BRIEFING, RELEASE_WITH_PRIORITIES
from .test_editions import ORIGINAL, fixture, translation

#: A second, unrelated release with a briefing; its long title is a warning of its own,
#: and so is the marked text in its body (a warning of its page, not of its file).
OTHER = RELEASE.replace("titel: Testmitteilung", "titel: " + "Eine sehr lange Überschrift "
                        "für eine andere Mitteilung, die niemand ganz lesen wird, weil sie "
                        "viel zu lang ist und nicht aufhört") \
    .replace("ort: Dresden\n", "ort: Dresden\nprioritäten:\n  drei: Dritte\n") \
    .replace("Ein kurzer Text.", "Ein ==markierter== Text.")
FILES = {
    "content/pm.md": RELEASE_WITH_PRIORITIES,
    "content/b1.md": BRIEFING.format(key="eins"),
    "content/b2.md": BRIEFING.format(key="zwei"),
    "content/other.md": OTHER,
    "content/b3.md": BRIEFING.format(key="drei").replace("pressemitteilung: pm",
                                                         "pressemitteilung: other"),
}
PM_FAMILY = {"content/pm.md", "content/b1.md", "content/b2.md"}
OTHER_FAMILY = {"content/other.md", "content/b3.md"}


@pytest.fixture
def loads(monkeypatch):
    """`Project.family` of every project a build (or anything else) loads, in order."""
    found: list = []
    original = briefing.project.load_project

    def recording(*args, **kwargs):
        project = original(*args, **kwargs)
        found.append(project.family)
        return project

    monkeypatch.setattr(briefing.project, "load_project", recording)
    return found


@pytest.fixture
def now(clock):
    clock("2025-10-30 08:00")  # after every release's day and embargo


@pytest.fixture
def twins(tmp_path_factory):
    """A copy of a project as it is now (outside tmp_path: its PDFs are the same bytes
    as the project's, audited there)."""
    def copy(root: Path) -> Path:
        twin = tmp_path_factory.mktemp("zwilling") / "p"
        shutil.copytree(root, twin, symlinks=True)
        return twin

    return copy


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def edit(root: Path, name: str, old: str, new: str) -> None:
    text = (root / name).read_text(encoding="utf-8")
    assert old in text, (name, old)
    write(root, name, text.replace(old, new, 1))


def family_of(root: Path) -> set[str] | None:
    """What a plain build of every channel reads now: `Project.family` of the load with
    the `family=` argument `build._make` gives."""
    staleness = Staleness(Paths(root.resolve()))
    staleness.project()
    changed = staleness.changed_files(outputs=False)
    assert changed is not None  # else a build looks at everything anyway
    return load_project(root, cached=True, family=(changed, staleness.related)).family


def problems(report) -> list[str]:
    return sorted(str(p) for p in report.problems)


def outcomes(root: Path, report, internal_kits: bool = True) -> list[tuple]:
    """What the report says of each PDF (made or left as it was: the same to staff);
    without `internal_kits`, not of the internal press kits (output/intern/…)."""
    def shown(path):  # (of the project the report is of, wherever it is now)
        return "" if path is None else "output/" + path.as_posix().split("/output/", 1)[1]

    return sorted((o.display_path, o.kit, shown(o.output), o.pages, shown(o.stale))
                  for o in report.outcomes
                  if internal_kits or not (o.kit and shown(o.output).startswith("output/intern/")))


def written(root: Path) -> dict[str, bytes]:
    """Every file in output/ but briefing's own records, and the publication log."""
    found = {p.relative_to(root).as_posix(): p.read_bytes()
             for p in sorted((root / "output").rglob("*"))
             if p.is_file() and not p.name.startswith(".briefing")}
    log = root / "protokoll" / LOG_FILE
    if log.exists():
        found["protokoll"] = log.read_bytes()
    return found


def assert_same(root: Path, partial, twin: Path, full, internal_kits: bool = True) -> None:
    """The build of what changed in `root` said and wrote what the build of everything
    in `twin` (a copy made just before) did; so does the next build (nothing to do).
    `internal_kits`: compare what the reports say of the internal press kits too."""
    assert problems(partial) == problems(full)
    assert outcomes(root, partial, internal_kits) == outcomes(twin, full, internal_kits)
    assert sorted(partial.removed) == sorted(full.removed)
    assert sorted(partial.published) == sorted(full.published)
    assert partial.exit_code() == full.exit_code()
    mine, theirs = written(root), written(twin)
    assert sorted(mine) == sorted(theirs)
    assert [name for name in mine if mine[name] != theirs[name]] == []
    # (Its outcomes are not compared: a no-op build counts a document whose press kit
    # failed as failed, `test_a_build_with_nothing_to_do_counts_what_the_last_one_made`.)
    again = build(root, channels=True)
    assert problems(again) == problems(full)
    assert problems(check(root)) == problems(check(twin))


def both_ways(root: Path, twins, loads: list | None = None, here: bool = False) -> tuple:
    """The plain build of `root` (of what changed) and a forced build of everything of a
    copy of it as it is now; `loads` (the fixture) is left holding the families of the
    projects the first of them loaded. `here`: the build of everything is made in `root`
    itself, from the same files (a PDF with an image differs by the project's folder),
    and `root` is then as the first build left it; the copy is of what the second made."""
    before = twins(root)
    if loads is not None:
        loads.clear()
    partial = build(root, channels=True)
    seen = list(loads) if loads is not None else None
    if here:
        after = twins(root)
        shutil.rmtree(root)
        shutil.copytree(before, root, symlinks=True)
        full = build(root, channels=True, force=True)
        twin = twins(root)
        shutil.rmtree(root)
        shutil.copytree(after, root, symlinks=True)
    else:
        twin = before
        full = build(twin, channels=True, force=True)
    if loads is not None:
        loads[:] = seen
    return partial, twin, full


@pytest.fixture
def built(project, now):
    """The two releases with their briefings, approved and built (published)."""
    root = project(FILES)
    approve(root)
    report = build(root, channels=True)
    assert report.exit_code() == 0, problems(report)
    assert [p.message[:30] for p in report.problems] == [
        "Titel ist 128 Zeichen lang; Üb", "»==markierter==« wird nicht ma"]
    return root


# --- a release with briefings ------------------------------------------------------------

def _briefing_text(root):
    edit(root, "content/b1.md", "Text.", "Ein anderer Text.")


def _release_text(root):
    edit(root, "content/pm.md", "Ein kurzer Text.", "Ein etwas längerer Text.")


def _release_priority_renamed(root):  # b2's priority is gone: b2 is refused
    edit(root, "content/pm.md", "zwei: Zweite", "zwo: Zweite")


def _briefing_moved(root):  # to the other release, with a priority it does not have
    edit(root, "content/b2.md", "pressemitteilung: pm", "pressemitteilung: other")


def _briefing_moved_onto_taken_priority(root):
    edit(root, "content/b2.md", "pressemitteilung: pm\npriorität: zwei",
         "pressemitteilung: other\npriorität: drei")


def _briefing_deleted(root):
    (root / "content" / "b2.md").unlink()


def _briefing_added(root):  # a second one for a priority that has one
    write(root, "content/b4.md", BRIEFING.format(key="eins").replace(
        "Hintergrund eins", "Noch ein Hintergrund"))


def _briefing_added_to_new_priority(root):
    edit(root, "content/pm.md", "zwei: Zweite\n", "zwei: Zweite\n  vier: Vierte\n")
    write(root, "content/b4.md", BRIEFING.format(key="vier"))


def _briefing_priority_typo(root):
    edit(root, "content/b1.md", "priorität: eins", "priorität: eisn")


def _briefing_names_a_briefing(root):
    edit(root, "content/b1.md", "pressemitteilung: pm", "pressemitteilung: b3")


def _release_broken(root):  # its briefings wait for it
    edit(root, "content/pm.md", "datum: 2025-10-29", "datum: 2025-13-29")


def _release_draft(root):
    edit(root, "content/pm.md", "ort: Dresden\n", "ort: Dresden\nentwurf: true\n")


def _release_deleted_and_briefings_too(root):
    for name in PM_FAMILY:
        (root / name).unlink()


def _moved_to_a_folder(root):
    (root / "content" / "2025").mkdir()
    (root / "content" / "b1.md").rename(root / "content" / "2025" / "b1.md")


CHANGES = {
    "Text einer Hintergrundinformation": (_briefing_text, PM_FAMILY),
    "Text der Pressemitteilung": (_release_text, PM_FAMILY),
    "Priorität umbenannt": (_release_priority_renamed, PM_FAMILY),
    "Hintergrundinformation verschoben": (_briefing_moved, PM_FAMILY | OTHER_FAMILY),
    "verschoben auf vergebene Priorität": (_briefing_moved_onto_taken_priority,
                                           PM_FAMILY | OTHER_FAMILY),
    "Hintergrundinformation gelöscht": (_briefing_deleted, PM_FAMILY),
    "Hintergrundinformation dazu": (_briefing_added, PM_FAMILY | {"content/b4.md"}),
    "neue Priorität mit Hintergrundinformation": (_briefing_added_to_new_priority,
                                                  PM_FAMILY | {"content/b4.md"}),
    "Tippfehler in der Priorität": (_briefing_priority_typo, PM_FAMILY),
    "Hintergrundinformation nennt eine Hintergrundinformation": (
        _briefing_names_a_briefing, PM_FAMILY | OTHER_FAMILY),
    "Pressemitteilung mit Fehler": (_release_broken, PM_FAMILY),
    "Pressemitteilung als Entwurf": (_release_draft, PM_FAMILY),
    "Familie gelöscht": (_release_deleted_and_briefings_too, PM_FAMILY),
    "in einen Ordner verschoben": (_moved_to_a_folder, PM_FAMILY | {"content/2025/b1.md"}),
}




@pytest.mark.parametrize("change", CHANGES)
def test_a_build_of_a_family_says_what_a_build_of_everything_says(built, twins, loads,
                                                                  change):
    make, family = CHANGES[change]
    make(built)
    read = family_of(built)
    assert read is not None
    # Its own files and what they touch, not the other release's (the approvals and
    # texts of the changed files may be named too: they are no content files).
    assert {name for name in read if name.startswith("content/")} == family
    partial, twin, full = both_ways(built, twins, loads)
    assert loads == [read]  # only the family, in the build itself too
    assert_same(built, partial, twin, full)
    # The other release's warnings are still said (from the last build).
    assert [p for p in problems(partial) if p.startswith("content/other.md")]


def test_a_release_that_does_not_exist_is_named_with_the_nearest_one(built, twins):
    """A typo in `pressemitteilung:`: the message suggests among every release, so the
    build reads everything (as it did), and says what a build of everything says."""
    edit(built, "content/b1.md", "pressemitteilung: pm", "pressemitteilung: othr")
    assert family_of(built) is None
    partial, twin, full = both_ways(built, twins)
    assert_same(built, partial, twin, full)
    assert "content/b1.md:5: Pressemitteilung »othr« gibt es nicht in content/; meinten " \
        "Sie »other«?" in problems(partial)


def test_a_briefing_moved_to_a_release_that_is_added_with_it(built, twins, loads):
    write(built, "content/neu.md", RELEASE.replace("ort: Dresden\n", "ort: Dresden\n"
                                                   "prioritäten:\n  zwei: Zweite\n"))
    edit(built, "content/b2.md", "pressemitteilung: pm", "pressemitteilung: neu")
    read = family_of(built)
    assert read is not None and {n for n in read if n.startswith("content/")} == \
        PM_FAMILY | {"content/neu.md"}
    partial, twin, full = both_ways(built, twins, loads)
    assert loads == [read]
    assert_same(built, partial, twin, full)


def test_one_change_after_another(built, twins):
    """Several builds of what changed in a row each say what a build of everything
    says (each starts from what the one before recorded)."""
    for make in (_briefing_text, _release_text, _briefing_moved, _briefing_added,
                 _briefing_priority_typo, _briefing_deleted, _moved_to_a_folder,
                 _release_draft, _release_broken):
        make(built)
        partial, twin, full = both_ways(built, twins)
        assert_same(built, partial, twin, full)


# --- an unrelated release ----------------------------------------------------------------

def test_the_other_release_keeps_its_problems_and_its_files(built, twins):
    """The other release is not read: its warnings come from the last build, its files
    stay as they are, and the build counts its PDFs as unchanged."""
    before = {name: data for name, data in written(built).items() if "other" in name}
    _briefing_text(built)
    partial, twin, full = both_ways(built, twins)
    assert_same(built, partial, twin, full)
    assert {name: data for name, data in written(built).items() if "other" in name} == before
    said = [p for p in problems(partial) if p.startswith("content/other.md")]
    assert sorted(p.split(": ", 1)[1][:40] for p in said) == [
        "Warnung: Titel ist 128 Zeichen lang; Übe", "Warnung: »==markierter==« wird nicht mar"]


def test_the_other_release_with_an_error_keeps_it(built, twins):
    """The other release lost its briefing in a build before: its errors (and that its
    press kit is not made) are said again by a build of an unrelated change."""
    (built / "content" / "b3.md").unlink()
    partial, twin, full = both_ways(built, twins)
    assert_same(built, partial, twin, full)
    assert "content/other.md:7: Priorität »drei« hat keine Hintergrundinformation; legen " \
        "Sie eine an mit »pressemitteilung: other« und »priorität: drei«" in problems(partial)
    _briefing_text(built)
    assert family_of(built) is not None
    partial, twin, full = both_ways(built, twins)
    assert_same(built, partial, twin, full)


def test_a_release_waiting_for_its_time_while_another_family_changes(project, clock, twins,
                                                                      loads):
    """The other release goes out at a set time: a build of pm's change before then
    reads pm's family only and keeps the other's time; the first build after it reads
    everything and publishes it, as a build of everything does."""
    clock("2025-10-30 08:00")
    root = project({**FILES, "content/other.md": OTHER.replace(
        "ort: Dresden\n", "ort: Dresden\nveröffentlichung: 2025-10-30 12:00\n")})
    approve(root)
    first = build(root, channels=True)
    assert [where for where, _ in first.published] == ["output/web/pm/"]
    _briefing_text(root)
    approve(root, "content/b1.md")
    read = family_of(root)
    assert read is not None and {n for n in read if n.startswith("content/")} == PM_FAMILY
    partial, twin, full = both_ways(root, twins, loads)
    assert loads == [read]
    assert_same(root, partial, twin, full)
    clock("2025-10-30 12:30")
    edit(root, "content/b3.md", "Text.", "Ein dritter Text.")  # before it is published
    approve(root, "content/b3.md")
    partial, twin, full = both_ways(root, twins, loads)
    assert loads == [None]  # its time came: everything is looked at
    assert_same(root, partial, twin, full)
    assert [where for where, _ in partial.published] == ["output/web/other/"]


# --- approvals ---------------------------------------------------------------------------

def test_an_approval_alone(project, now, twins, loads):
    """Only an approval file changed (freigaben/): the family of its document is read,
    and the release goes out as a build of everything would publish it."""
    root = project(FILES)
    approve(root, "content/pm.md", "content/b1.md", "content/b2.md")
    first = build(root, channels=True)
    assert first.published and all("pm" in where for where, _ in first.published)
    approve(root, "content/other.md", "content/b3.md")
    read = family_of(root)
    assert read is not None
    assert {n for n in read if n.startswith("content/")} == OTHER_FAMILY
    partial, twin, full = both_ways(root, twins, loads)
    assert loads == [read]
    assert_same(root, partial, twin, full)
    assert [where for where, _ in partial.published] == ["output/web/other/"]


def test_an_approval_given_again_by_someone_else(built, twins, loads):
    approve(built, "content/b1.md", by="Clara Zweite")
    read = family_of(built)
    assert read is not None and {n for n in read if n.startswith("content/")} == PM_FAMILY
    partial, twin, full = both_ways(built, twins, loads)
    assert loads == [read]
    assert_same(built, partial, twin, full)


def test_an_approval_deleted(built, twins):
    (built / "freigaben" / "b3.toml").unlink()
    read = family_of(built)
    assert read is not None and {n for n in read if n.startswith("content/")} == OTHER_FAMILY
    partial, twin, full = both_ways(built, twins)
    assert_same(built, partial, twin, full)


def test_a_changed_briefing_approved_again(built, twins):
    _briefing_text(built)
    partial, twin, full = both_ways(built, twins)
    assert_same(built, partial, twin, full)
    assert any("die geänderte Fassung geht nicht hinaus" in p for p in problems(partial))
    approve(built, "content/b1.md")
    partial, twin, full = both_ways(built, twins)
    assert_same(built, partial, twin, full)


# --- editions ----------------------------------------------------------------------------

def _translated(root: Path) -> None:
    """pm with its briefing b1, their Polish translations naming the original's version
    now, and the unrelated release `other` with its briefing."""
    from briefing.editions import version_of

    files = {"content/pm.md": ORIGINAL.format(body=fixture("de")[1]),
             "content/b1.md": BRIEFING.format(key="grenzregion").replace(
                 "Hintergrund grenzregion", "Die Grenzregion"),
             "content/other.md": OTHER, "content/b3.md": FILES["content/b3.md"]}
    make_project(root, files)
    originals = {d.slug: d for d in load_project(root).documents}
    for name, text in (("content/pm.pl.md", translation("pl", "pl-PL")),
                       ("content/b1.pl.md", translation("pl", "pl-PL", "hintergrund", "b1"))):
        original = originals[Path(name).stem.split(".")[0]]
        write(root, name, text.replace("original: ", f"fassung: {version_of(original)}\n"
                                                     "original: ", 1))


EDITION_FAMILY = {"content/pm.md", "content/b1.md", "content/pm.pl.md", "content/b1.pl.md"}


@pytest.fixture
def translated(tmp_path, now):
    _translated(tmp_path)
    approve(tmp_path)
    report = build(tmp_path, channels=True)
    assert report.exit_code() == 0, problems(report)
    assert not [p for p in problems(report) if not p.startswith("content/other.md")]
    return tmp_path


EDITION_CHANGES = {
    "Original geändert": lambda root: edit(root, "content/pm.md", "vorgesehen.",
                                           "geplant. Ein neuer Satz."),
    "Original als Entwurf": lambda root: edit(root, "content/pm.md", "ort: Dresden\n",
                                              "ort: Dresden\nentwurf: true\n"),
    "übersetzte Hintergrundinformation geändert": lambda root: edit(
        root, "content/b1.pl.md", "Text.", "Tekst."),
    "Hintergrundinformation geändert": lambda root: edit(
        root, "content/b1.md", "Text.", "Ein anderer Text."),
    "Übersetzung geändert": lambda root: edit(root, "content/pm.pl.md", "sprache: pl-PL",
                                              "sprache: pl-PL\nentwurf: true"),
    "Übersetzung gelöscht": lambda root: (root / "content" / "pm.pl.md").unlink(),
}




@pytest.mark.parametrize("change", EDITION_CHANGES)
def test_an_edition_of_a_family(translated, twins, loads, change):
    EDITION_CHANGES[change](translated)
    read = family_of(translated)
    assert read is not None
    assert {n for n in read if n.startswith("content/")} == EDITION_FAMILY
    partial, twin, full = both_ways(translated, twins, loads)
    assert loads == [read]
    assert_same(translated, partial, twin, full)
    if change == "Original geändert":
        (stale,) = [p for p in partial.problems if p.path == "content/pm.pl.md"]
        assert stale.message.startswith("Übersetzung veraltet: content/pm.md wurde geändert")
        assert "geändert: … " in stale.message  # what changed, as a build of everything


def test_an_edition_of_an_original_that_does_not_exist(translated, twins):
    """`original:` names no file: the message suggests among every original, so the build
    reads everything, and says what a build of everything says."""
    edit(translated, "content/b1.pl.md", "original: b1", "original: b11")
    assert family_of(translated) is None
    partial, twin, full = both_ways(translated, twins)
    assert_same(translated, partial, twin, full)
    (said,) = [p for p in problems(partial) if p.startswith("content/b1.pl.md")]
    assert "Original »b11« gibt es nicht in content/" in said


def test_a_translated_briefing_changed_alone_stays_with_the_translated_release(translated):
    """b1.pl belongs to pm.pl (the release's edition of its language), which it does not
    name: the family read must hold pm.pl, or b1.pl would land in the German package."""
    edit(translated, "content/b1.pl.md", "Text.", "Tekst.")
    project = load_project(translated, cached=True, family=_changed(translated))
    assert project.family is not None
    (briefing_,) = [d for d in project.documents if d.display_path == "content/b1.pl.md"]
    assert briefing_.release.display_path == "content/pm.pl.md"


def _changed(root: Path) -> tuple:
    staleness = Staleness(Paths(root.resolve()))
    staleness.project()
    return staleness.changed_files(outputs=False), staleness.related


def test_a_new_translation_of_a_published_release(built, twins, loads):
    write(built, "content/pm.en.md", translation("en", "en-GB"))
    read = family_of(built)
    assert read is not None
    assert {n for n in read if n.startswith("content/")} == PM_FAMILY | {"content/pm.en.md"}
    partial, twin, full = both_ways(built, twins)
    assert_same(built, partial, twin, full)
    assert any(p.startswith("content/pm.en.md:5: Warnung: Fassung des Originals fehlt")
               for p in problems(partial))


# --- images ------------------------------------------------------------------------------

def _picture(root: Path, name: str, colour: str) -> None:
    from PIL import Image

    Image.new("RGB", (40, 40), colour).save(root / "content" / name)


SHOWN = '\n\n![Ein Quadrat](foto.png "Foto: Anna Bild")\n'


@pytest.fixture
def pictured(project, now):
    """Both releases show one image."""
    root = project({**FILES,
                    "content/pm.md": RELEASE_WITH_PRIORITIES.replace(
                        "Ein kurzer Text.", "Ein kurzer Text." + SHOWN),
                    "content/other.md": OTHER.replace("Ein ==markierter== Text.",
                                                      "Ein ==markierter== Text." + SHOWN)})
    _picture(root, "foto.png", "red")
    approve(root)
    assert build(root, channels=True).exit_code() == 0
    return root


def _missing_image_then_there(root):
    edit(root, "content/b2.md", "Text.", 'Text.\n\n![Karte](karte.png "Karte: Amt")')


IMAGE_CHANGES = {
    "Bild ersetzt": lambda root: _picture(root, "foto.png", "blue"),
    "Bild gelöscht": lambda root: (root / "content" / "foto.png").unlink(),
    "Text neben dem Bild": _briefing_text,
    "Bild fehlt": _missing_image_then_there,
}


@pytest.mark.parametrize("change", IMAGE_CHANGES)
def test_an_image_shown_by_two_families(pictured, twins, loads, change):
    IMAGE_CHANGES[change](pictured)
    read = family_of(pictured)
    assert read is not None
    # A changed image is read with every family that showed it; a changed text is not.
    assert ("content/other.md" in read) == (change in ("Bild ersetzt", "Bild gelöscht"))
    partial, twin, full = both_ways(pictured, twins, loads, here=True)
    assert loads == [read]
    assert_same(pictured, partial, twin, full)
    if change == "Bild fehlt":  # then it comes
        assert partial.exit_code() == 1
        _picture(pictured, "karte.png", "green")
        read = family_of(pictured)
        assert read is not None and "content/b2.md" in read
        partial, twin, full = both_ways(pictured, twins, loads, here=True)
        assert loads == [read]
        assert_same(pictured, partial, twin, full)
        assert (pictured / "output" / "web" / "pm" / "karte.png").is_file() or \
            partial.exit_code() == 0


# --- internal documents, advisories, corrections and withdrawals ------------------------

@pytest.fixture
def lively(project, clock):
    """The two releases, a speech and an internal briefing about pm, and two advisories
    of one week (the weekly preview lists both), approved and published."""
    from .test_advisory import ADVISORY
    from .test_internal import INTERNAL_BRIEFING, SPEECH

    clock("2025-11-13 12:00")
    second = ADVISORY.replace("titel: Ministerpräsident stellt Wasserstoff-Kooperation vor",
                              "titel: Staatsminister eröffnet Messe") \
        .replace("2025-11-14 10:00", "2025-11-15 10:00") \
        .replace("2025-11-14 11:30", "2025-11-15 11:30")
    root = project({**FILES, "content/rede.md": SPEECH, "content/hg.md": INTERNAL_BRIEFING,
                    "content/termin.md": ADVISORY, "content/messe.md": second})
    with (root / "briefing.toml").open("a", encoding="utf-8") as config:
        config.write('\n[web]\nadresse = "https://presse.example.de/"\n')
    approve(root)
    report = build(root, channels=True)
    assert report.errors == [], problems(report)
    assert (root / "output" / "intern").is_dir()
    return root


def _withdrawn(root):
    edit(root, "content/pm.md", "ort: Dresden\n",
         "ort: Dresden\nzurückgezogen:\n  datum: 2025-11-13\n  grund: Abgesagt.\n")
    approve(root, "content/pm.md")


def _corrected(root):
    edit(root, "content/other.md", "ort: Dresden\n",
         "ort: Dresden\nkorrekturen:\n  2025-11-13: Ein Wort.\n")
    edit(root, "content/other.md", "Text.", "Text, berichtigt.")
    approve(root, "content/other.md")


def _advisory_moved(root):
    edit(root, "content/messe.md", "2025-11-15 10:00", "2025-11-14 14:00")
    edit(root, "content/messe.md", "2025-11-15 11:30", "2025-11-14 15:30")
    edit(root, "content/messe.md", "ort: Dresden\n",
         "ort: Dresden\nkorrekturen:\n  2025-11-13: Neue Zeit.\n")
    approve(root, "content/messe.md")


def _advisory_added(root):
    from .test_advisory import ADVISORY

    write(root, "content/dritter.md", ADVISORY.replace(
        "titel: Ministerpräsident stellt Wasserstoff-Kooperation vor",
        "titel: Dritter Termin der Woche"))
    approve(root, "content/dritter.md")


LIVELY = {
    "Sprechzettel geändert": (lambda root: edit(root, "content/rede.md", "Sachsen ist",
                                                "Sachsen bleibt"), PM_FAMILY),
    "interne Hintergrundinformation geändert": (
        lambda root: edit(root, "content/hg.md", "titel: Öffentlich", "titel: Intern"),
        PM_FAMILY),
    "Pressemitteilung zurückgezogen": (_withdrawn, PM_FAMILY),
    "Korrektur": (_corrected, OTHER_FAMILY),
    "Termin verlegt": (_advisory_moved, {"content/messe.md"}),
    "Termin dazu": (_advisory_added, {"content/dritter.md"}),
    "Termin gelöscht": (lambda root: (root / "content" / "messe.md").unlink(),
                        {"content/messe.md"}),
}


@pytest.mark.parametrize("change", LIVELY)
def test_lifecycle_and_site_of_a_family(lively, twins, loads, change):
    make, family = LIVELY[change]
    make(lively)
    read = family_of(lively)
    assert read is not None
    extra = {"content/rede.md", "content/hg.md"} if family == PM_FAMILY else set()
    assert {n for n in read if n.startswith("content/")} == family | extra
    partial, twin, full = both_ways(lively, twins, loads)
    assert loads == [read]
    # (The internal press kit of a release not looked at is not in the report:
    # `test_the_internal_kit_of_a_release_not_looked_at_is_reported`.)
    assert_same(lively, partial, twin, full, internal_kits=family == PM_FAMILY)


def test_the_internal_kit_of_a_release_not_looked_at_is_reported(lively, twins):
    """A change in the other release: pm is not looked at, and the build says its files
    are unchanged — its internal press kit too, as a build of everything says it made it.
    (So did the build of what changed before the family load.)"""
    _corrected(lively)
    partial, twin, full = both_ways(lively, twins)
    kit = ("content/pm.md", True, "output/intern/pm-pressemappe-intern.pdf")
    assert kit in [o[:3] for o in outcomes(twin, full)]
    assert kit in [o[:3] for o in outcomes(lively, partial)]  # fails: not there


def test_a_family_of_one_language_in_a_project_of_several(built, twins, loads):
    """The pages are set for the languages of the documents read: a German family alone,
    while the project has an English and a Sorbian edition of the other release, comes
    out as in a build of everything."""
    write(built, "content/other.en.md", translation("en", "en-GB", original="other"))
    write(built, "content/other.hsb.md", translation("hsb", "hsb-DE", original="other"))
    partial, twin, full = both_ways(built, twins)
    assert_same(built, partial, twin, full)
    _briefing_text(built)
    read = family_of(built)
    assert read is not None and {n for n in read if n.startswith("content/")} == PM_FAMILY
    partial, twin, full = both_ways(built, twins, loads)
    assert loads == [read]
    assert_same(built, partial, twin, full)


# --- files written and files in the way --------------------------------------------------

def test_a_deleted_output_and_a_change_in_another_release(built, twins, loads):
    """The build holds output/ before it finds the PDF deleted by hand: it reads
    everything then, and makes both the changed release's files and the deleted one."""
    (built / "output" / "other.pdf").unlink()
    _briefing_text(built)
    partial, twin, full = both_ways(built, twins, loads)
    # First the family (the files written are looked at once output/ is held), then all.
    assert len(loads) == 2 and loads[0] is not None and loads[1] is None
    assert_same(built, partial, twin, full)
    made = {o.display_path for o in partial.outcomes if o.ok and not o.unchanged}
    assert {"content/other.md", "content/b1.md"} <= made


def test_a_deleted_output_inside_the_family_read(built, twins, loads):
    (built / "output" / "b2.pdf").unlink()
    _briefing_text(built)
    partial, twin, full = both_ways(built, twins, loads)
    assert len(loads) == 1 and loads[0] >= PM_FAMILY
    assert_same(built, partial, twin, full)
    assert (built / "output" / "b2.pdf").is_file()


def test_a_deleted_output_alone_reads_its_family(built, twins, loads):
    """Nothing changed but a PDF deleted by hand: the quick file's check names it, and the
    build reads only the family it belongs to (the manifest's way found it only once
    output/ was held, and then read everything)."""
    assert build(built, channels=True).noop  # (the quick file of this state is there)
    (built / "output" / "other.pdf").unlink()
    partial, twin, full = both_ways(built, twins, loads)
    assert len(loads) == 1 and loads[0] is not None and loads[0] >= OTHER_FAMILY
    assert "content/pm.md" not in loads[0]
    assert_same(built, partial, twin, full)
    assert (built / "output" / "other.pdf").is_file()


def test_after_a_build_of_a_family_the_quick_file_answers(built, counted):
    """A build of a family vouched for every output: it leaves the quick file, and the
    next build with nothing to do answers from it (the manifest not read) with what it
    said; a PDF deleted then is found by it (`quick.outputs_checked`)."""
    from briefing.quick import outputs_checked

    _briefing_text(built)
    partial = build(built, channels=True)
    counted.clear()
    again = build(built, channels=True)
    assert again.noop and counted == []
    assert problems(again) == problems(partial)
    (built / "output" / "b3.pdf").unlink()
    checked = outputs_checked(Paths(built.resolve()))
    assert checked[1] is None and checked[3] == ["b3.pdf"]
    assert not build(built, channels=True).noop
    assert (built / "output" / "b3.pdf").is_file()


WARM = """
import sys
from pathlib import Path
from briefing.build import build
report = build(Path(sys.argv[1]), channels=True, warm=True)
print(sorted(o.output.name for o in report.outcomes if o.ok and not o.unchanged))
print(sorted(str(p) for p in report.problems))
"""


@pytest.mark.parametrize("damage", ["gelöscht", "überschrieben"])
def test_the_setting_process_finds_the_output_by_the_quick_file(built, twins, damage):
    """`build(warm=True)`: the setting process checks the files written against the quick
    file the last build wrote; a PDF deleted (or overwritten) by hand is made again with
    the changed release's files."""
    assert (built / "output" / ".briefing-quick").is_file()  # written by the first build
    damage_by_hand(built / "output" / "b3.pdf", damage)
    _briefing_text(built)
    # What the setting process finds: from the quick file, the file not as written.
    from briefing.quick import outputs_checked

    checked = outputs_checked(Paths(built.resolve()))
    assert checked[1] is None and checked[3] == ["b3.pdf"]
    twin = twins(built)
    run = subprocess.run([sys.executable, "-c", WARM, str(built)], capture_output=True,
                         text=True, timeout=300, check=True)
    made, said = run.stdout.splitlines()
    full = build(twin, channels=True, force=True)
    assert said == repr(problems(full))
    assert "b3.pdf" in made and "b1.pdf" in made
    mine, theirs = written(built), written(twin)
    assert sorted(mine) == sorted(theirs)
    assert [name for name in mine if mine[name] != theirs[name]] == []


@pytest.mark.parametrize("meanwhile", ["nichts", "andere Familie geändert"])
def test_a_build_that_waited_for_another_reads_everything(built, twins, loads, monkeypatch,
                                                          meanwhile):
    """Another build held output/ while this one read the family: it ran, and perhaps
    with another change; this build then reads everything and says what a build of
    everything says."""
    import briefing.build

    original = briefing.build.locked
    ran = []

    def another_first(paths, on_wait):
        if not ran:
            ran.append(True)
            on_wait()
            if meanwhile != "nichts":
                edit(built, "content/b3.md", "Text.", "Ein dritter Text.")
            monkeypatch.setattr(briefing.build, "locked", original)
            build(built, channels=True)
            monkeypatch.setattr(briefing.build, "locked", another_first)
        return original(paths, on_wait)

    _briefing_text(built)
    monkeypatch.setattr(briefing.build, "locked", another_first)
    twin = twins(built)
    loads.clear()
    partial = build(built, channels=True)
    assert ran and loads[0] is not None and loads[-1] is None
    if meanwhile != "nichts":
        edit(twin, "content/b3.md", "Text.", "Ein dritter Text.")
    full = build(twin, channels=True, force=True)
    assert problems(partial) == problems(full)
    mine, theirs = written(built), written(twin)
    assert sorted(mine) == sorted(theirs)
    assert [name for name in mine if mine[name] != theirs[name]] == []


# --- what makes the build read everything ------------------------------------------------

def test_two_files_of_one_name_are_read_with_everything(built, twins):
    write(built, "content/a/x.md", RELEASE.replace("Testmitteilung", "Erste"))
    partial, twin, full = both_ways(built, twins)
    assert_same(built, partial, twin, full)
    write(built, "content/b/x.md", RELEASE.replace("Testmitteilung", "Zweite"))
    assert family_of(built) is None
    partial, twin, full = both_ways(built, twins)
    assert_same(built, partial, twin, full)
    assert [p for p in problems(partial) if "schreibt dieselbe Datei output/x.pdf wie" in p]
    _briefing_text(built)  # the collision stays: every later build reads everything
    assert family_of(built) is None
    partial, twin, full = both_ways(built, twins)
    assert_same(built, partial, twin, full)
    assert [p for p in problems(partial) if "schreibt dieselbe Datei output/x.pdf wie" in p]
    (built / "content" / "a" / "x.md").unlink()  # gone: the other one has output/x.pdf
    read = family_of(built)
    assert read is not None and {"content/a/x.md", "content/b/x.md"} <= read
    partial, twin, full = both_ways(built, twins)
    assert_same(built, partial, twin, full)
    assert not [p for p in problems(partial) if "dieselbe Datei" in p]
    assert "Zweite" in structure_text(built / "output" / "x.pdf", " ")


def test_a_symbolic_link_is_read_with_everything(built, twins):
    (built / "content" / "verweis.md").symlink_to("other.md")
    _briefing_text(built)
    assert family_of(built) is None
    partial, twin, full = both_ways(built, twins)
    assert_same(built, partial, twin, full)
    (built / "content" / "verweis.md").unlink()
    _release_text(built)
    assert family_of(built) is not None
    partial, twin, full = both_ways(built, twins)
    assert_same(built, partial, twin, full)


# --- the document cache ------------------------------------------------------------------

def test_a_build_of_a_family_keeps_the_other_documents_in_the_cache(built, twins, reads):
    _briefing_text(built)
    twin = twins(built)
    reads.clear()
    partial = build(built, channels=True)
    assert reads == ["content/b1.md"]  # the other release is not even read
    full = build(twin, channels=True, force=True)
    assert_same(built, partial, twin, full)
    reads.clear()
    mine = check(built)
    assert reads == []  # every document from the cache: the family's and the others'
    assert problems(mine) == problems(check(twin))
    project = load_project(built, cached=True)
    assert reads == []
    assert sorted(d.display_path for d in project.documents) == sorted(FILES)


def test_the_cache_after_two_builds_of_different_families(built, reads):
    _briefing_text(built)
    assert build(built, channels=True).exit_code() == 0
    edit(built, "content/b3.md", "Text.", "Ein dritter Text.")
    assert build(built, channels=True).exit_code() == 0
    reads.clear()
    project = load_project(built, cached=True)
    assert reads == []
    texts = {d.display_path: d.body for d in project.documents}
    assert "Ein anderer Text." in texts["content/b1.md"]
    assert "Ein dritter Text." in texts["content/b3.md"]


# --- differences found ------------------------------------------------------------------

def test_a_translated_briefing_of_the_german_release_is_numbered_in_its_language(
        project, now, twins):
    """A Polish briefing of a release with no Polish translation: its footer says
    »Informacja uzupełniająca nr 12/2025« (the number in its language). Another release,
    published and numbered from the log, is in the project."""
    root = project({
        "content/pm.md": RELEASE_WITH_PRIORITIES.replace(
            "ort: Dresden\n", "ort: Dresden\nnummer: 12/2025\n").replace("  zwei: Zweite\n", ""),
        "content/b1.md": BRIEFING.format(key="eins"),
        "content/b1.pl.md": translation("pl", "pl-PL", "hintergrund", "b1"),
        "content/other.md": RELEASE.replace("Testmitteilung", "Andere"),
    })
    approve(root)
    assert build(root, channels=True).exit_code() == 0
    edit(root, "content/b1.pl.md", "Text.", "Tekst.")
    whole = load_project(root, cached=True)
    part = load_project(root, cached=True, family=_changed(root))
    assert part.family is not None

    def number(project_):
        (found,) = [d for d in project_.documents if d.display_path == "content/b1.pl.md"]
        return found.number

    assert number(whole) == "nr\u00a012/2025"
    partial, twin, full = both_ways(root, twins)
    def footer(project_root: Path) -> str:
        from pypdf import PdfReader

        page = PdfReader(project_root / "output" / "b1.pl.pdf").pages[0]
        return " ".join(page.extract_text().replace("\u00a0", " ").split())

    assert "Informacja uzupełniająca nr 12/2025" in footer(twin)
    assert number(part) == number(whole)  # fails: »Nr.\u00a012/2025«
    assert "Informacja uzupełniająca nr 12/2025" in footer(root)
    assert_same(root, partial, twin, full)


def test_a_briefing_refused_because_of_another_is_reported_once(project, twins):
    """b2 had priority »eins«; b1 is added with it and, sorted first, takes it: b2 is
    refused. The build says so once (failed, its old PDF out of date), not also that its
    PDF is unchanged: »1 fehlgeschlagen (1 PDF veraltet), 1 unverändert«, not »…, 2
    unverändert«. (So did the build of what changed before the family load.)"""
    root = project({"content/pm.md": RELEASE_WITH_PRIORITIES.replace("  zwei: Zweite\n", ""),
                    "content/b2.md": BRIEFING.format(key="eins")})
    assert build(root, channels=True).exit_code() == 0
    write(root, "content/b1.md", BRIEFING.format(key="eins").replace("Hintergrund eins", "Neu"))
    partial, twin, full = both_ways(root, twins)
    assert problems(partial) == problems(full)
    said = sorted((o.display_path, o.ok) for o in partial.outcomes)
    assert said == [("content/b1.md", True), ("content/b2.md", False), ("content/pm.md", True),
                    ("content/pm.md", True)]  # fails: b2 also as (…, True), unchanged
    assert outcomes(root, partial) == outcomes(twin, full)


def test_a_build_with_nothing_to_do_counts_what_the_last_one_made(project):
    """The release's PDF is made, its press kit is not (a priority without briefing): the
    next build, with nothing to do, says the same as the one before — not that the
    release failed."""
    root = project({"content/pm.md": RELEASE_WITH_PRIORITIES,
                    "content/b1.md": BRIEFING.format(key="eins")})
    first = build(root, channels=True)
    again = build(root, channels=True)
    assert again.noop
    assert problems(again) == problems(first)
    assert first.count("failed") == 0
    assert again.count("failed") == 0
    assert again.count("unchanged") == first.count("built") == 2  # the two PDFs


def test_a_build_with_nothing_to_do_counts_a_failed_document_as_the_last_one(project):
    """A release made once, then broken: its PDF of before is out of date. The next
    build, with nothing to do, reports it failed again, and the other release's PDF and
    press kit unchanged, as many as the build before made or kept."""
    root = project({"content/a.md": RELEASE, "content/b.md": RELEASE})
    build(root, channels=True)
    (root / "content" / "b.md").write_text(RELEASE.replace("datum: 2025-10-29",
                                                           "datum: 2025-13-45"),
                                           encoding="utf-8")
    broken = build(root, channels=True)
    again = build(root, channels=True)
    assert again.noop
    assert broken.count("failed") == again.count("failed") == 1
    assert [o.display_path for o in again.outcomes if not o.ok] == ["content/b.md"]
    assert broken.count("unchanged") + broken.count("built") == again.count("unchanged") == 2
    assert problems(again) == problems(broken)


# --- the publication log -----------------------------------------------------------------

@pytest.mark.parametrize("part", [None, 7, 100])
def test_the_register_finds_every_line_of_the_log(tmp_path, monkeypatch, part):
    """`part`: the log read in parts this small (lines cut across parts). The register
    keeps only the last entries it parsed (here two): it answers the same."""
    if part:
        monkeypatch.setattr(lifecycle._LogLines, "PART", part)
    monkeypatch.setattr(Register, "PARSED_KEPT", 2)
    root = make_project(tmp_path)
    odd = ['content/mit "Anführung".md', "content/mit\\rückstrich.md", "content/grüße.md",
           "content/mit\u2028zeilentrenner.md"]
    lines = [json.dumps({"aktion": "veröffentlicht", "datei": name, "zeit": "2025-10-30"},
                        ensure_ascii=escaped, sort_keys=True)
             for name in odd for escaped in (False, True)]
    # Written by hand (or by an older version): the keys in another order, no spaces.
    lines.append(json.dumps({"zeit": "2025-10-31", "datei": "content/a.md",
                             "aktion": "veröffentlicht"}, ensure_ascii=False))
    lines.append(json.dumps({"datei": "content/a.md", "aktion": "zurückgezogen",
                             "zeit": "2025-11-01"}, ensure_ascii=False, separators=(",", ":")))
    lines.append(json.dumps({"aktion": "korrigiert", "datei": "content/b.md",
                             "zeit": "2025-11-02"}, separators=(",", ":")))
    log = root / "protokoll" / LOG_FILE
    log.parent.mkdir()
    # A line saved on Windows (CRLF), and an empty one.
    lines.append(json.dumps({"aktion": "veröffentlicht", "datei": "content/c.md",
                             "nummer": "Nr. 3/2025", "zeit": "2025-11-03"},
                            ensure_ascii=False, sort_keys=True) + "\r")
    log.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    # And one as the build writes it.
    append_log(Paths(root), [{"aktion": "veröffentlicht", "datei": 'content/d"\\.md',
                              "zeit": "2025-11-04"}])
    entries = len(lines) + 1
    register = Register(Paths(root))
    assert register.log == read_log(Paths(root))
    assert register.number_of("content/c.md") == "Nr. 3/2025"
    assert [e["zeit"] for e in register.entries('content/d"\\.md')] == ["2025-11-04"]
    for name in odd:
        assert [e["datei"] for e in register.entries(name)] == [name, name]
        assert register.published(name)
    assert [e["aktion"] for e in register.entries("content/a.md")] == [
        "veröffentlicht", "zurückgezogen"]
    assert not register.published("content/a.md")
    assert [e["aktion"] for e in register.entries("content/b.md")] == ["korrigiert"]
    assert register.keys() == {*odd, "content/a.md", "content/b.md", "content/c.md",
                               'content/d"\\.md'}
    assert len(register.log) == entries
    register.add([{"aktion": "korrigiert", "datei": "content/b.md", "zeit": "w"},
                  {"aktion": "veröffentlicht", "datei": "content/neu.md", "zeit": "x"},
                  {"aktion": "zurückgezogen", "datei": "content/b.md", "zeit": "y"}])
    assert register.keys() == {*odd, "content/a.md", "content/b.md", "content/c.md",
                               'content/d"\\.md', "content/neu.md"}
    assert [e["aktion"] for e in register.entries("content/b.md")] == [
        "korrigiert", "korrigiert", "zurückgezogen"]
    assert register.published("content/neu.md") and not register.published("content/b.md")
    assert len(register._parsed) <= 2
    assert register.log[entries:] == [
        {"aktion": "korrigiert", "datei": "content/b.md", "zeit": "w"},
        {"aktion": "veröffentlicht", "datei": "content/neu.md", "zeit": "x"},
        {"aktion": "zurückgezogen", "datei": "content/b.md", "zeit": "y"}]
    assert len(register.log) == entries + 3
    assert register.log[-1]["zeit"] == "y"
