"""The no-op build's own file (quick.py): a build with nothing to do answers without
reading the manifest, and any change, to content or output or manifest, is still seen."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.build import build
from briefing.files import stat_key
from briefing.paths import Paths
from briefing.quick import Quick

from .conftest import RELEASE, approve
from .conftest import damage as damage_by_hand
from .test_lifecycle import EMBARGOED


def built(report) -> list[str]:
    return sorted(o.output.name for o in report.outcomes if o.ok and not o.unchanged)


def same_bytes_touched(path: Path) -> None:
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data)  # another inode and time, the same content


def overwritten_in_place(path: Path) -> None:
    data = path.read_bytes()
    with open(path, "r+b") as file:  # as `cp` over it does: same inode, same size
        file.write(data[:-8] + b"%%kaputt")


CHANGES = [
    # (what happens after a build and a no-op build, what the next build makes, whether
    #  it has to read the manifest)
    ("nothing", lambda root: None, [], False),
    ("content touched, same bytes", lambda root: same_bytes_touched(root / "content/a.md"),
     [], False),
    ("a PDF touched, same bytes", lambda root: same_bytes_touched(root / "output/a.pdf"),
     [], True),
    ("content edited", lambda root: (root / "content/a.md").write_text(
        RELEASE.replace("Ein kurzer Text.", "Ein anderer Text."), encoding="utf-8"),
     ["a.pdf"], True),
    ("a PDF overwritten in place", lambda root: overwritten_in_place(root / "output/a.pdf"),
     ["a.pdf"], True),
    ("a PDF deleted", lambda root: (root / "output/a.pdf").unlink(), ["a.pdf"], True),
    ("the manifest written again",
     lambda root: same_bytes_touched(root / "output/.briefing-manifest"), [], True),
    ("the quick file cut short", lambda root: (root / "output/.briefing-quick").write_bytes(
        (root / "output/.briefing-quick").read_bytes()[:100]), [], True),
]


@pytest.mark.parametrize(("change", "make", "made", "reads_manifest"), CHANGES,
                         ids=[c[0] for c in CHANGES])
def test_what_a_build_after_a_no_op_build_sees(project, counted, change, make, made,
                                                reads_manifest):
    root = project({"content/a.md": RELEASE, "content/b.md": RELEASE})
    assert built(build(root)) == ["a.pdf", "b.pdf"]
    assert not (root / "output" / ".briefing-quick").exists()  # written by a no-op build
    assert built(build(root)) == []
    assert (root / "output" / ".briefing-quick").is_file()
    good = (root / "output" / "a.pdf").read_bytes()
    make(root)
    counted.clear()
    report = build(root)
    assert built(report) == made
    assert bool(counted) == reads_manifest
    assert report.noop == (made == [])
    if change != "content edited":  # a damaged PDF is made again, as it was
        assert (root / "output" / "a.pdf").read_bytes() == good
    # The next no-op build (after one that wrote the manifest, from the manifest) leaves
    # a quick file again, which the one after answers from, hashing nothing anew.
    build(root)
    counted.clear()
    again = build(root)
    assert built(again) == [] and again.noop and counted == []
    quick = Quick.load(Paths(root))
    inputs = quick.staleness.manifest.stats
    assert inputs[str(root / "content" / "a.md")][:4] == stat_key(root / "content" / "a.md")


def test_the_quick_answer_is_the_last_builds_report(project, counted):
    """The problems of the last run and its PDFs, as a no-op build read from the manifest
    gave them: a broken file is reported again, with its line."""
    root = project({"content/a.md": RELEASE,
                    "content/kaputt.md": RELEASE.replace("titel: Testmitteilung\n", "")})
    first = build(root)
    from_manifest = build(root)
    counted.clear()
    from_quick = build(root)
    assert counted == []
    assert [str(p) for p in from_quick.problems] == [str(p) for p in from_manifest.problems] \
        == [str(p) for p in first.problems] != []
    assert [(o.display_path, o.output, o.pages, o.ok) for o in from_quick.outcomes] == \
        [(o.display_path, o.output, o.pages, o.ok) for o in from_manifest.outcomes]
    assert from_quick.exit_code() == first.exit_code() == 1


def test_an_embargo_ending_is_not_answered_from_the_quick_file(project, clock):
    root = project({"content/pm.md": EMBARGOED})
    approve(root)
    clock("2025-10-29 12:00")  # held back until 14:00 (Berlin)
    build(root, channels=True)
    build(root, channels=True)  # nothing to do: the quick file is written
    assert (root / "output" / ".briefing-quick").is_file()
    assert not (root / "output" / "web" / "pm" / "pm.html").exists()
    clock("2025-10-29 13:01")
    report = build(root, channels=True)
    assert not report.noop
    assert (root / "output" / "web" / "pm" / "pm.html").is_file()


def test_a_check_made_of_another_manifest_is_not_used(project):
    """`changed_files` takes the setting process's check only when it was made of the
    manifest the build holds (another build may have written it since)."""
    from briefing.incremental import Staleness

    root = project({"content/a.md": RELEASE, "content/b.md": RELEASE})
    build(root, channels=True)
    (root / "output" / "a.pdf").write_bytes(b"kaputt")
    staleness = Staleness(Paths(root))
    nothing_damaged = [], {}
    assert staleness.changed_files(([0, 0, 0, 0], *nothing_damaged)) == {"content/a.md"}
    assert staleness.changed_files((staleness.manifest.loaded, *nothing_damaged)) == set()
    assert built(build(root, channels=True)) == ["a.pdf"]  # (the build checks for itself)


def test_a_page_in_a_folder_of_output_deleted_after_a_no_op_build(project, counted):
    """The quick file names the files written relative to output/, folders included."""
    root = project({"content/pm.md": RELEASE})
    approve(root)
    build(root, channels=True)
    page = root / "output" / "web" / "pm" / "pm.html"
    written = page.read_bytes()
    assert build(root, channels=True).noop  # the quick file is written
    page.unlink()
    counted.clear()
    report = build(root, channels=True)
    assert not report.noop and counted  # the manifest's way finds which file
    assert page.read_bytes() == written


def changed_after_a_no_op(project) -> Path:
    """Three releases built, with the quick file of that manifest; then b.md edited, c.md
    deleted and d.md new."""
    root = project({"content/a.md": RELEASE, "content/b.md": RELEASE,
                    "content/c.md": RELEASE})
    build(root, channels=True)
    assert build(root, channels=True).noop  # the quick file of this manifest
    (root / "content" / "b.md").write_text(RELEASE.replace("Ein kurzer Text.",
                                                           "Ein anderer Text."),
                                           encoding="utf-8")
    (root / "content" / "c.md").unlink()
    (root / "content" / "d.md").write_text(RELEASE, encoding="utf-8")
    return root


def quick_state(root: Path) -> tuple:
    """What the quick file holds, its appended records applied: the manifest it names,
    the fingerprint, expiry and input records, the files written by name, the problems,
    failures and PDFs."""
    from briefing import quick

    loaded = quick.Quick.load(Paths(root))
    mark, rest = quick._rest_of((root / "output" / ".briefing-quick").read_bytes())
    assert mark == loaded.mark  # (the second record and those after it, read alone)
    (names, packed), problems, failed, failures, made = rest
    size = len(packed) // len(names)
    files = {name: packed[i * size:(i + 1) * size] for i, name in enumerate(names)}
    assert len(files) == len(names)
    manifest = loaded.staleness.manifest
    return (mark, manifest.project, manifest.expires, dict(manifest.stats)), files, \
        problems, failed, failures, made


def records_in(path: Path) -> int:
    from briefing.incremental import read_records

    return len(list(read_records(path.read_bytes())))


def test_the_quick_file_after_a_change_holds_what_one_of_the_whole_manifest_does(project):
    """After a build with changes, the quick file is made from the one before and what the
    build changed (not from every unit of thousands); it holds what one made from the
    whole manifest holds: the same files with the same records, the same PDFs in the
    same order, and the next build of nothing reads no manifest."""
    from briefing import quick
    from briefing.incremental import Staleness

    root = changed_after_a_no_op(project)
    same_bytes_touched(root / "output" / "a-pressemappe.pdf")  # hashed again, same bytes
    assert built(build(root, channels=True)) == ["b-pressemappe.pdf", "b.pdf",
                                                 "d-pressemappe.pdf", "d.pdf"]
    path = root / "output" / ".briefing-quick"
    # What the build changed was appended to the quick file it read.
    assert records_in(path) == 4
    made_from_the_last = quick_state(root)
    staleness = Staleness(Paths(root))
    staleness.project()
    quick.write(staleness)  # from every unit
    assert records_in(path) == 3
    assert made_from_the_last == quick_state(root)
    assert "output/c.pdf" not in str(made_from_the_last[1])
    assert build(root, channels=True).noop



def test_the_quick_file_read_from_the_database_is_the_one_of_the_records_held(
        project, monkeypatch):
    """A quick file made whole after a save reads the records a row at a time from the
    manifest's database; it holds what one made from the records in memory holds."""
    from briefing import quick
    from briefing.incremental import Manifest, Staleness

    root = changed_after_a_no_op(project)
    build(root, channels=True)
    path = root / "output" / ".briefing-quick"
    staleness = Staleness(Paths(root))
    staleness.project()
    assert staleness.manifest.saved_whole()
    path.unlink()
    quick.write(staleness)
    assert records_in(path) == 3
    from_the_database = quick_state(root)
    monkeypatch.setattr(Manifest, "saved_whole", lambda self: False)
    path.unlink()
    staleness = Staleness(Paths(root))
    staleness.project()
    quick.write(staleness)
    assert quick_state(root) == from_the_database
    assert records_in(path) == 3 and build(root, channels=True).noop

def test_changes_one_after_another_are_appended_to_the_quick_file(project, counted,
                                                                   monkeypatch):
    """Each build with changes appends what it changed to the quick file (a few kilobytes,
    where the file is megabytes at thousands of releases): the no-op build after each
    answers from the file alone, the setting process checks the files written as the
    appended records left them, and the file holds what one written whole holds."""
    import subprocess
    import sys

    from briefing import quick
    from briefing.incremental import Staleness

    monkeypatch.setattr(quick, "_DELTA_SHARE", 1)  # (the first two are small here)
    root = project({"content/a.md": RELEASE, "content/b.md": RELEASE,
                    "content/c.md": RELEASE})
    build(root, channels=True)
    assert build(root, channels=True).noop
    path = root / "output" / ".briefing-quick"
    assert records_in(path) == 3
    steps = [
        lambda: (root / "content" / "b.md").write_text(
            RELEASE.replace("Ein kurzer Text.", "Ein anderer Text."), encoding="utf-8"),
        lambda: (root / "content" / "c.md").unlink(),
        lambda: (root / "content" / "d.md").write_text(RELEASE, encoding="utf-8"),
        lambda: (same_bytes_touched(root / "output" / "b-pressemappe.pdf"),
                 (root / "content" / "a.md").write_text(RELEASE.replace(
                     "Testmitteilung", "Erste"), encoding="utf-8")),
    ]
    for records, step in enumerate(steps, start=4):
        step()
        assert not build(root, channels=True).noop
        assert records_in(path) == records
        counted.clear()
        assert build(root, channels=True).noop and counted == []
    appended, data = quick_state(root), path.read_bytes()
    assert records_in(path) == 7
    assert sorted(entry[1] for entry in appended[5]) == [
        "a-pressemappe.pdf", "a.pdf", "b-pressemappe.pdf", "b.pdf", "d-pressemappe.pdf",
        "d.pdf"]
    staleness = Staleness(Paths(root))
    staleness.project()
    quick.write(staleness)  # from every unit
    assert records_in(path) == 3
    assert appended == quick_state(root)
    path.write_bytes(data)
    (root / "output" / "d.pdf").unlink()
    run = subprocess.run([sys.executable, "-c", NO_OP_WARM, str(root), "1"],
                         capture_output=True, text=True, timeout=300, check=True)
    assert run.stdout.strip() == "False ['d.pdf']"


def test_the_quick_file_is_written_whole_again_past_its_appended_share(project,
                                                                       monkeypatch):
    from briefing import quick

    monkeypatch.setattr(quick, "_DELTA_SHARE", 1)
    monkeypatch.setattr(quick, "_MOST_DELTAS", 2)
    root = project({"content/a.md": RELEASE})
    build(root, channels=True)
    assert build(root, channels=True).noop
    path = root / "output" / ".briefing-quick"
    for records, text in zip([4, 5, 3], ["Eins.", "Zwei.", "Drei."], strict=True):
        (root / "content" / "a.md").write_text(RELEASE.replace("Ein kurzer Text.", text),
                                               encoding="utf-8")
        assert not build(root, channels=True).noop
        assert records_in(path) == records
        assert build(root, channels=True).noop
    monkeypatch.setattr(quick, "_DELTA_SHARE", 10**6)  # the file's size in millionths
    (root / "content" / "a.md").write_text(RELEASE, encoding="utf-8")
    assert not build(root, channels=True).noop
    assert records_in(path) == 3


def test_a_quick_file_replaced_meanwhile_is_not_appended_to(project, monkeypatch, counted):
    """A build appends only to the quick file it read, as it read it (another may have
    replaced it meanwhile): else it writes the file whole."""
    from briefing import quick

    monkeypatch.setattr(quick, "_DELTA_SHARE", 1)
    root = project({"content/a.md": RELEASE, "content/b.md": RELEASE})
    build(root, channels=True)
    assert build(root, channels=True).noop
    load = Quick.load.__func__

    def loaded_then_replaced(cls, paths):
        found = load(cls, paths)
        # As another build writes it: a new file renamed over it (another inode for sure).
        paths.quick.with_name("neu").write_bytes(paths.quick.read_bytes())
        paths.quick.with_name("neu").replace(paths.quick)
        return found

    monkeypatch.setattr(Quick, "load", classmethod(loaded_then_replaced))
    (root / "content" / "b.md").write_text(RELEASE.replace("Ein kurzer Text.", "Anders."),
                                           encoding="utf-8")
    assert built(build(root, channels=True)) == ["b-pressemappe.pdf", "b.pdf"]
    assert records_in(root / "output" / ".briefing-quick") == 3
    monkeypatch.setattr(Quick, "load", classmethod(load))
    counted.clear()
    assert build(root, channels=True).noop and counted == []


@pytest.mark.parametrize("cut", ["the last record", "the file, after the first three"])
def test_an_appended_record_cut_short_is_not_taken(project, counted, cut):
    """A record cut short (a full disk, a power cut while it was appended) fails its
    checksum: the records before it name the manifest before this one, so the next build
    reads the manifest, and is still a no-op."""
    from briefing.incremental import passed_over

    root = project({"content/a.md": RELEASE, "content/b.md": RELEASE})
    build(root, channels=True)
    assert build(root, channels=True).noop
    (root / "content" / "b.md").write_text(RELEASE.replace("Ein kurzer Text.", "Anders."),
                                           encoding="utf-8")
    assert built(build(root, channels=True)) == ["b-pressemappe.pdf", "b.pdf"]
    path = root / "output" / ".briefing-quick"
    data = path.read_bytes()
    assert records_in(path) == 4
    path.write_bytes(data[:-5] if cut == "the last record" else
                     data[:passed_over(data, 3) + 3])
    counted.clear()
    report = build(root, channels=True)
    assert report.noop and built(report) == [] and counted != []
    assert records_in(path) == 3  # written whole by that build
    counted.clear()
    assert build(root, channels=True).noop and counted == []


def test_a_build_with_changes_takes_the_input_records_from_the_quick_file(project,
                                                                         monkeypatch):
    """The records of the content and approval files (10,000 at 5,000 releases) are in
    the quick file of this manifest: a build with changes takes them from there, not
    from the database again, and still sees a file changed, gone or new."""
    from briefing import store

    root = changed_after_a_no_op(project)
    asked = []
    query = store.Table._query

    def recorded(self, sql, parameters=()):
        parameters = tuple(parameters)
        if self.name == "stats":
            asked.extend(str(p) for p in parameters)
        return query(self, sql, parameters)

    monkeypatch.setattr(store.Table, "_query", recorded)
    report = build(root, channels=True)
    assert built(report) == ["b-pressemappe.pdf", "b.pdf", "d-pressemappe.pdf", "d.pdf"]
    assert not (root / "output" / "c.pdf").exists()
    # (Not all rows under content/; a new file's own row is looked up.)
    assert f"{root / 'templates'}/" in asked and f"{root / 'content'}/" not in asked
    monkeypatch.undo()
    assert build(root, channels=True).noop


NO_OP_WARM = """
import sys
from pathlib import Path
import briefing.quick
from briefing.build import build
# The files written checked one at a time by each side (`quick.Split`): the setting
# process and this build each check a part, whatever the project's size.
briefing.quick.CHUNK = int(sys.argv[2]) if len(sys.argv) > 2 else briefing.quick.CHUNK
report = build(Path(sys.argv[1]), channels=True, warm=True)
print(report.noop, sorted(o.output.name for o in report.outcomes if o.ok and not o.unchanged))
"""


@pytest.mark.parametrize("chunk", ["1", "1000"])
@pytest.mark.parametrize("damage", ["keiner", "gelöscht", "überschrieben"])
def test_a_no_op_build_takes_the_setting_process_check(project, damage, chunk):
    """`build(warm=True)` (the command line's): with no input changed, the build takes the
    setting process's check of the files written (made meanwhile, on the other core):
    nothing changed is a no-op; a PDF deleted or overwritten by hand is made again."""
    import subprocess
    import sys

    root = project({"content/a.md": RELEASE,
                    "content/b.md": RELEASE.replace("Testmitteilung", "Zweite")})
    assert build(root, channels=True).exit_code() == 0
    assert build(root, channels=True).noop  # the quick file of this state is written
    damage_by_hand(root / "output" / "b.pdf", damage)
    run = subprocess.run([sys.executable, "-c", NO_OP_WARM, str(root), chunk],
                         capture_output=True, text=True, timeout=300, check=True)
    assert run.stdout.strip() == ("True []" if damage == "keiner" else "False ['b.pdf']")


@pytest.mark.parametrize("edited", [False, True], ids=["nothing-else", "another-edited"])
@pytest.mark.parametrize("end", ["first", "middle", "last"])
def test_a_file_written_deleted_is_made_again_by_a_warm_build(project, end, edited):
    """`build(warm=True)` (the command line's) takes its setting process's check of the
    files written, shared with it a file at a time (`quick.Split`): the first, a middle or
    the last of them deleted is made again, in a build of nothing else (both check) and in
    a build of another release's change (the setting process is stopped, the build checks
    the rest)."""
    import subprocess
    import sys

    root = project({f"content/{name}.md": RELEASE.replace("Testmitteilung", name)
                    for name in ("a", "b", "c", "d")})
    assert build(root, channels=True).exit_code() == 0
    assert build(root, channels=True).noop  # the quick file of this state is written
    names = Quick.load(Paths(root)).rest()[0][0]
    target = names[{"first": 0, "middle": len(names) // 2, "last": -1}[end]]
    owner = next(n for n in "abcd" if f"{n}." in target or f"{n}/" in target
                 or f"{n}-" in target)
    (root / "output" / target).unlink()
    if edited:
        other = next(n for n in "abcd" if n != owner)
        (root / "content" / f"{other}.md").write_text(
            RELEASE.replace("Testmitteilung", other).replace("Ein kurzer", "Ein neuer"),
            encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", NO_OP_WARM, str(root), "1"],
                         capture_output=True, text=True, timeout=300, check=True)
    assert (root / "output" / target).is_file()
    # One report of all it made (with a change, the file deleted is found while the first
    # page is set, and made by a second build right after: `build._LaterCheck`).
    noop, made = run.stdout.strip().split(" ", 1)
    assert noop == "False"
    if edited:
        assert f"'{other}.pdf'" in made and f"'{other}-pressemappe.pdf'" in made
    if target.endswith(".pdf"):
        assert f"'{target}'" in made
    assert build(root, channels=True).noop


@pytest.mark.parametrize("damage", ["gelöscht", "überschrieben"])
def test_status_finds_a_damaged_output_through_the_quick_file(project, damage):
    """`briefing status` checks the files written against the quick file (when it is of
    the manifest): a PDF deleted or overwritten in place is out of date, the rest current."""
    from briefing.status import project_status

    root = project({"content/a.md": RELEASE,
                    "content/b.md": RELEASE.replace("Testmitteilung", "Zweite")})
    assert build(root, channels=True).exit_code() == 0
    assert (root / "output" / ".briefing-quick").is_file()
    damage_by_hand(root / "output" / "b.pdf", damage)
    states = {s.path: (s.state, s.why) for s in project_status(Paths(root))}
    assert states["content/a.md"][0] == "aktuell"
    assert states["content/b.md"] == ("veraltet", "output/b.pdf, output/b-pressemappe.pdf: "
                                      "Ausgabedatei fehlt oder wurde verändert")
    assert built(build(root, channels=True)) == ["b.pdf"]  # (made again)


def _split_check(damaged_at: set[int], log: list[int], stop=None, at: int | None = None):
    """A check of files 0, 1, …: the names of those damaged; each index checked is logged,
    and `stop` is called when file `at` is checked."""
    def check(start: int, end: int):
        for index in range(start, end):
            log.append(index)
            if index == at:
                stop()
            if index in damaged_at:
                yield f"f{index}"
    return check


@pytest.mark.parametrize("chunk", [1, 3, 1000])
def test_a_split_check_leaves_no_file_out(monkeypatch, chunk):
    """The setting process checks from the first file (`Split.front`), the build from the
    last back (`Split.back`), at the same time, a chunk at a time: together they check
    every file, and find every damaged one; told to stop, the setting process leaves the
    rest to the build."""
    import multiprocessing
    import threading
    import time

    from briefing import quick

    monkeypatch.setattr(quick, "CHUNK", chunk)
    context = multiprocessing.get_context("fork")
    damaged_at = {0, 17, 18, 49}
    # At the same time (two threads, each slowed down between files).
    split, front_log, back_log, answers = quick.Split(context), [], [], {}

    def slow(check):
        def checked(start, end):
            yield from check(start, end)
            time.sleep(0.001)
        return checked

    front = threading.Thread(target=lambda: answers.update(front=split.front(
        slow(_split_check(damaged_at, front_log)), 50)))
    front.start()
    back_found, back_start = quick._done(split.back(slow(_split_check(damaged_at, back_log)),
                                                    50))
    front.join()
    front_found, upto = answers["front"]
    assert upto >= back_start
    assert set(front_log) | set(back_log) == set(range(50))
    assert {*front_found, *back_found} == {"f0", "f17", "f18", "f49"}
    # Stopped after file 10: the setting process stops after that chunk, the build checks
    # all that is left.
    split, front_log, back_log = quick.Split(context), [], []
    front_found, upto = split.front(
        _split_check(damaged_at, front_log, split.stop, at=10), 50)
    assert upto == max(front_log) + 1
    assert upto < 50 or chunk == 1000  # (one chunk of all: stopped after it)
    back_found, back_start = quick._done(split.back(_split_check(damaged_at, back_log), 50))
    assert back_start == upto
    assert sorted(front_log + back_log) == list(range(50))  # each file once
    assert {*front_found, *back_found} == {"f0", "f17", "f18", "f49"}


class _Checking:
    """A setting process as `quick.damaged` sees it: its `split` and its answer."""

    def __init__(self, split, answer):
        self.split, self.answer = split, answer

    def checked(self):
        return self.answer


@pytest.mark.parametrize("answer", ["a part", "of another manifest", "none"])
def test_the_build_checks_what_the_setting_process_did_not(project, monkeypatch, answer):
    """`quick.damaged`: the setting process's answer covers the files it checked; the build
    checks the rest (from the last file back, then what the setting process left between);
    an answer of another manifest, or none, and the build checks every file itself."""
    import multiprocessing

    from briefing import quick

    monkeypatch.setattr(quick, "CHUNK", 1)
    root = project({f"content/{name}.md": RELEASE.replace("Testmitteilung", name)
                    for name in ("a", "b", "c")})
    assert build(root, channels=True).exit_code() == 0
    paths = Paths(root)
    fast = Quick.load(paths)
    names = fast.rest()[0][0]
    first, last = names[0], names[-1]
    (root / "output" / first).unlink()
    (root / "output" / last).unlink()
    split = quick.Split(multiprocessing.get_context("fork"))
    # The setting process checked the first two files (and found the first damaged), then
    # was stopped.
    split._shared[0] = 2
    split.stop()
    mark = fast.mark if answer != "of another manifest" else [0, 0, 0, 0]
    given = None if answer == "none" else (mark, None, {}, [first], 2)
    assert sorted(quick.damaged(paths, fast.mark, fast.rest()[0],
                                _Checking(split, given))) == sorted([first, last])
    # What it found is taken as found: a file it said was damaged is not looked at again.
    if answer == "a part":
        (root / "output" / names[1]).unlink()  # (it checked this one: not looked at)
        assert sorted(quick.damaged(paths, fast.mark, fast.rest()[0],
                                    _Checking(split, given))) == sorted([first, last])


PDFS_WARM = """
import sys
from pathlib import Path
import briefing.build
from briefing.build import build
calls = []
original = briefing.build.damaged_in_steps
briefing.build.damaged_in_steps = lambda *args, **kwargs: calls.append(1) or original(
    *args, **kwargs)
report = build(Path(sys.argv[1]), warm=True)
print(len(calls), sorted(o.output.name for o in report.outcomes if o.ok and not o.unchanged))
"""


def test_a_build_of_the_pdfs_alone_does_not_check_the_files_written(project):
    """`make pdf` (the command line's build of the PDFs alone) after a change does not
    check the files every channel wrote: it would not use the answer (45,000 files at
    5,000 releases)."""
    import subprocess
    import sys

    root = project({"content/a.md": RELEASE,
                    "content/b.md": RELEASE.replace("Testmitteilung", "Zweite")})
    assert build(root, channels=True).exit_code() == 0
    (root / "content" / "a.md").write_text(
        RELEASE.replace("Ein kurzer Text.", "Ein anderer Text."), encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", PDFS_WARM, str(root)], capture_output=True,
                         text=True, timeout=300, check=True)
    assert run.stdout.strip() == "0 ['a.pdf']"


def a_while_ago(root: Path) -> None:
    """As if the last build wrote its quick file a second ago, and content/, freigaben/ and
    templates/ last changed a second before (a folder changed in the same tick of the
    file system's clock as the quick file was written would have its time: not later)."""
    import os

    quick = root / "output" / ".briefing-quick"
    now = quick.stat().st_mtime_ns
    for path, seconds in [(quick, 1), (root / "content", 2), (root / "freigaben", 2),
                          (root / "templates", 2)]:
        if path.exists():
            os.utime(path, ns=(now - seconds * 10**9, now - seconds * 10**9))


@pytest.mark.parametrize("then", ["approved", "a folder touched", "edited in place"])
def test_after_a_folder_changed_the_setting_process_imports_the_engine_first(
        project, monkeypatch, then):
    """When content/, freigaben/ or templates/ changed since the last build (an approval
    writes two files), the build most likely has changes: its setting process does not
    check the files written first. A file edited in place changes no folder."""
    from briefing import build as building

    root = project({"content/a.md": RELEASE,
                    "content/b.md": RELEASE.replace("Testmitteilung", "Zweite")})
    approve(root)
    build(root, channels=True)
    assert build(root, channels=True).noop
    a_while_ago(root)
    started = []
    monkeypatch.setattr(building, "_setting_process", lambda check: started.append(check))
    if then == "approved":
        approve(root, "content/a.md")
    elif then == "a folder touched":
        (root / "content" / ".a.md.swp").write_text("", encoding="utf-8")
        (root / "content" / ".a.md.swp").unlink()
    else:
        (root / "content" / "a.md").write_text(RELEASE.replace("Ein kurzer Text.", "Neu."),
                                               encoding="utf-8")
    build(root, channels=True, warm=True)
    assert started == [None] if then != "edited in place" else \
        [started[0]] and started[0].root == root.resolve()


@pytest.mark.parametrize("damage", ["keiner", "gelöscht"])
def test_a_no_op_after_a_folder_changed_still_finds_a_damaged_file(project, damage):
    """A folder changed but no input (an editor's file came and went): a no-op after all,
    which checks the files written itself; a PDF deleted by hand is made again."""
    import subprocess
    import sys

    from briefing import build as building

    root = project({"content/a.md": RELEASE,
                    "content/b.md": RELEASE.replace("Testmitteilung", "Zweite")})
    build(root, channels=True)
    assert build(root, channels=True).noop
    a_while_ago(root)
    (root / "content" / ".a.md.swp").write_text("", encoding="utf-8")
    (root / "content" / ".a.md.swp").unlink()
    assert building._folders_changed(Paths(root))
    damage_by_hand(root / "output" / "b.pdf", damage)
    run = subprocess.run([sys.executable, "-c", NO_OP_WARM, str(root), "1"],
                         capture_output=True, text=True, timeout=300, check=True)
    assert run.stdout.strip() == ("True []" if damage == "keiner" else "False ['b.pdf']")
