"""The hooks into library internals (compat.py): one test per hook that fails when the
library's behaviour under it changes, the version guard, and what the hooks must not touch."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from briefing import compat
from briefing.cli import main


def _laid_out(html: str):
    import weasyprint

    return weasyprint.HTML(string=html).render()


def test_recording_structure_sees_every_element_and_restores_the_builder():
    from weasyprint.pdf import tags

    original = tags._build_box_tree
    seen = []
    document = _laid_out("<html lang='de'><title>T</title><p>Eins <strong>zwei</strong></p>")
    with compat.recording_structure(lambda box, element, pdf: seen.append(
            (getattr(box, "element_tag", None), element.get("S"), pdf is not None))):
        document.write_pdf(pdf_variant="pdf/ua-1")
    assert tags._build_box_tree is original
    assert {("p", "/P", True), ("strong", "/NonStruct", True)} <= set(seen)


def test_page_box_has_the_laid_out_boxes_and_their_geometry():
    document = _laid_out("<p style='width: 30cm'>breit</p>")
    box = compat.page_box(document.pages[0])
    (html,) = [child for child in box.children if getattr(child, "element_tag", "") == "html"]
    assert box.content_box_x() > 0 and box.width > 0
    assert html.element_tag == "html" and html.children


def test_set_breaks_changes_what_every_pyphen_user_gets():
    import pyphen

    from briefing.hyphenation import load_dictionary

    dictionary = load_dictionary("de_DE")
    word = "investitionsstandort"
    before = list(dictionary.cache.get(word, []))
    try:
        compat.set_breaks(dictionary, word, [2, 5])
        assert pyphen.Pyphen(lang="de_DE").inserted(word) == "in-ves-titionsstandort"
    finally:
        dictionary.cache.pop(word, None)
        if before:
            dictionary.cache[word] = before


def test_argparse_speaks_german(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--unbekannt"])
    err = capsys.readouterr().err
    assert err.splitlines() == ["Aufruf: briefing [-h] [--version] BEFEHL ...",
                                "briefing: Fehler: unbekannte Angaben: --unbekannt"]
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "Optionen:" in out and "diese Hilfe zeigen und beenden" in out


def test_the_installed_versions_are_the_ones_the_hooks_were_written_for():
    assert compat.version_problems() == []


def test_another_version_stops_briefing_with_a_clear_line(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(compat.WRITTEN_FOR, "weasyprint", "69.0")
    assert main(["check", "--root", str(tmp_path)]) == 3
    assert capsys.readouterr().err.strip() == (
        "briefing: installiert ist weasyprint 70.0, briefing ist für weasyprint 69.0 "
        "geschrieben (es greift in dessen Interna ein, siehe compat.py); führen Sie »make« "
        "aus, das installiert die geprüften Versionen aus constraints.txt")


def test_the_preview_sets_pages_in_its_own_process(project):
    """The memory budget applies to setting only: the preview's own process (and the
    threads of its web server) never runs under it."""
    from briefing.preview import Preview

    from .conftest import RELEASE

    root = project({"content/pm.md": RELEASE})
    before = resource.getrlimit(resource.RLIMIT_AS)
    preview = Preview(root)
    try:
        assert preview.refresh() == 1
        (view,) = preview.views.values()
        assert view.pdf.startswith(b"%PDF") and view.problems == []
        assert resource.getrlimit(resource.RLIMIT_AS) == before
        assert preview.worker.process.pid != __import__("os").getpid()
    finally:
        preview.close()


def test_a_killed_setting_process_is_replaced(project):
    import os
    import signal

    from briefing.preview import Preview

    from .conftest import RELEASE

    root = project({"content/pm.md": RELEASE})
    preview = Preview(root)
    try:
        assert preview.refresh() == 1
        os.kill(preview.worker.process.pid, signal.SIGKILL)
        preview.worker.process.join(timeout=5)
        (root / "content" / "pm.md").write_text(RELEASE.replace("kurzer", "langer"),
                                                encoding="utf-8")
        preview.refresh()  # this one is lost with the process; a new one starts
        (root / "content" / "pm.md").write_text(RELEASE.replace("kurzer", "neuer"),
                                                encoding="utf-8")
        assert preview.refresh() == 1
        (view,) = preview.views.values()
        assert view.problems == []
    finally:
        preview.close()


def test_font_configurations_of_folders_that_are_gone_are_deleted(tmp_path, monkeypatch):
    import os

    from briefing.fonts import confine

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("FONTCONFIG_FILE", os.environ.get("FONTCONFIG_FILE", ""))
    gone = tmp_path / "gone" / "fonts"
    gone.mkdir(parents=True)
    confine(gone)
    confs = tmp_path / "cache" / "briefing"
    assert len(list(confs.glob("fonts-*.conf"))) == 1
    gone.rmdir()
    kept = tmp_path / "kept"
    kept.mkdir()
    confine(kept)
    (left,) = confs.glob("fonts-*.conf")
    assert str(kept.resolve()) in left.read_text(encoding="utf-8")
    assert Path(os.environ["FONTCONFIG_FILE"]) == left


def test_weasyprint_loads_its_libraries_without_starting_processes():
    """The hook spares ldconfig, gcc and ld (compat.quick_library_lookup) and loads the
    same libraries as WeasyPrint does by itself (HarfBuzz subsetting too, where installed)."""
    import subprocess
    import sys

    probe = """
import subprocess
started = []
original = subprocess.Popen.__init__
def counting(self, *args, **kwargs):
    started.append(args)
    return original(self, *args, **kwargs)
subprocess.Popen.__init__ = counting
{load}
from weasyprint.text.ffi import harfbuzz_subset, pango
print(len(started), harfbuzz_subset is not None, pango is not None)
"""
    ours = subprocess.run([sys.executable, "-c", probe.format(load="import briefing.pdf")],
                          capture_output=True, text=True, check=True).stdout.split()
    plain = subprocess.run([sys.executable, "-c", probe.format(load="import weasyprint")],
                           capture_output=True, text=True, check=True).stdout.split()
    assert ours[0] == "0" and int(plain[0]) > 0
    assert ours[1:] == plain[1:] == [plain[1], "True"]
