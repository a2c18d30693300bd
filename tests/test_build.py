"""Builds that lose nothing, links between documents, and the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.build import build, check
from briefing.cli import main

from .conftest import BOOKKEEPING, RELEASE

PM = "content/pm.md"
BRIEFING = """\
---
typ: hintergrund
titel: Hintergrund {key}
datum: 2025-10-29
pressemitteilung: pm
priorität: {key}
---

## Abschnitt

Text.
"""
RELEASE_WITH_PRIORITIES = RELEASE.replace(
    "ort: Dresden\n", "ort: Dresden\nprioritäten:\n  eins: Erste\n  zwei: Zweite\n")


def run(root: Path, *args: str, capsys) -> tuple[int, str, str]:
    code = main([*args, "--root", str(root)])
    out, err = capsys.readouterr()
    return code, out, err


def test_broken_document_does_not_stop_the_others(project, capsys):
    root = project({PM: RELEASE, "content/kaputt.md": RELEASE.replace("2025-10-29", "2025-13-01")})
    code, out, err = run(root, "build", capsys=capsys)
    assert code == 1
    assert "erstellt  output/pm.pdf  (1 Seite, " in out
    assert err.strip() == ("content/kaputt.md:4: Feld »datum« »2025-13-01« ist kein gültiges "
                           "Datum (diesen Tag gibt es nicht)")
    assert "FEHLER    content/kaputt.md: kein PDF erzeugt" in out
    assert "Fertig: 1 PDF erstellt, 1 fehlgeschlagen, 0 unverändert; 1 Fehler, 0 Warnungen;" in out
    assert not (root / "output" / "kaputt.pdf").exists()


def test_failed_rebuild_keeps_previous_pdf(project):
    root = project({PM: RELEASE})
    assert build(root).exit_code() == 0
    before = (root / "output" / "pm.pdf").read_bytes()
    (root / PM).write_text(RELEASE.replace("titel: Testmitteilung", "titel:"), encoding="utf-8")
    report = build(root)
    assert report.exit_code() == 1
    assert (root / "output" / "pm.pdf").read_bytes() == before
    assert sorted(p.name for p in (root / "output").iterdir()) == [*BOOKKEEPING, "pm.pdf"]


def test_build_only_named_files(project):
    root = project({PM: RELEASE, "content/zwei.md": RELEASE})
    report = build(root, [root / "content" / "zwei.md"])
    assert [o.output.name for o in report.outcomes] == ["zwei.pdf"]
    assert not (root / "output" / "pm.pdf").exists()


def test_check_writes_nothing(project, capsys):
    root = project({PM: RELEASE})
    code, out, _ = run(root, "check", capsys=capsys)
    assert code == 0
    assert out.startswith("Prüfung: in Ordnung; 0 Fehler, 0 Warnungen;")
    assert not (root / "output").exists()


def test_priorities_need_exactly_one_briefing_each(project):
    root = project({
        PM: RELEASE_WITH_PRIORITIES,
        "content/b1.md": BRIEFING.format(key="eins"),
        "content/b1-kopie.md": BRIEFING.format(key="eins"),
        "content/b3.md": BRIEFING.format(key="drei"),
    })
    problems = [str(p) for p in check(root).problems]
    assert problems == [
        "content/b1.md:6: Priorität »eins« hat schon content/b1-kopie.md; jede Priorität "
        "bekommt genau eine Hintergrundinformation",
        "content/b3.md:6: Priorität »drei« steht nicht in »prioritäten« von content/pm.md "
        "(vorhanden: eins, zwei)",
        "content/pm.md:8: Priorität »zwei« hat keine Hintergrundinformation; legen Sie eine an "
        "mit »pressemitteilung: pm« und »priorität: zwei«",
    ]


def test_briefing_names_unknown_release(project):
    root = project({PM: RELEASE, "content/b.md": BRIEFING.format(key="eins").replace(
        "pressemitteilung: pm", "pressemitteilung: pmm")})
    assert [str(p) for p in check(root).problems] == [
        "content/b.md:5: Pressemitteilung »pmm« gibt es nicht in content/; meinten Sie »pm«?"]


def test_briefing_pdf_shows_priority(project):
    root = project({PM: RELEASE_WITH_PRIORITIES, "content/b1.md": BRIEFING.format(key="eins"),
                    "content/b2.md": BRIEFING.format(key="zwei")})
    assert build(root).exit_code() == 0
    text = PdfReader(root / "output" / "b2.pdf").pages[0].extract_text()
    assert "Priorität 2 von 2" in text
    assert "»Testmitteilung«" in text


def test_hostile_content_reaches_nothing(project, tmp_path):
    secret = tmp_path / "geheim.txt"
    secret.write_text("GEHEIMNIS-4711", encoding="utf-8")
    body = (
        f'<link rel="attachment" href="{secret.as_uri()}">\n\n'
        f'<img src="{secret.as_uri()}" alt="x">\n\n'
        '<iframe src="https://example.org"></iframe><script>alert(1)</script>\n\n'
        '<a rel="attachment" href="file:///etc/hostname">a</a> {{ 7 * 7 }}\n'
    )
    # A draft, so the template-like »{{« counts as a placeholder that may stay.
    root = project({PM: RELEASE.replace("Ein kurzer Text.", body).replace(
        "ort: Dresden\n", "ort: Dresden\nentwurf: true\n")})
    report = build(root)
    assert report.exit_code() == 0, [str(p) for p in report.problems]
    reader = PdfReader(root / "output" / "pm.pdf")
    text = reader.pages[0].extract_text()
    assert "GEHEIMNIS" not in text
    assert "<script>alert(1)</script>" in text  # shown as the text it is
    assert "{{ 7 * 7 }}" in text  # content is never a template
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    assert b"GEHEIMNIS" not in (root / "output" / "pm.pdf").read_bytes()


def test_fetcher_refuses_outside_files_and_network(tmp_path):
    from briefing.pdf import ProjectFetcher

    inside = tmp_path / "templates"
    inside.mkdir()
    (inside / "a.css").write_text("p{}", encoding="utf-8")
    fetcher = ProjectFetcher([inside])
    assert fetcher.fetch((inside / "a.css").as_uri()).read() == b"p{}"
    for url in ["file:///etc/hostname", (inside / ".." / "x").as_uri(), "https://example.org/",
                "ftp://example.org/x"]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 4


def test_front_matter_is_plain_text(project):
    root = project({PM: RELEASE.replace("titel: Testmitteilung",
                                        'titel: "<b>Fett</b> {{ config }}"\nentwurf: true')})
    assert build(root).exit_code() == 0
    reader = PdfReader(root / "output" / "pm.pdf")
    assert reader.metadata.title == "<b>Fett</b> {{ config }}"
    assert "<b>Fett</b> {{ config }}" in reader.pages[0].extract_text()


def test_usage_errors(tmp_path, capsys):
    assert main(["build", "--root", str(tmp_path)]) == 2
    assert "Keine briefing.toml gefunden" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["bauen"])
    assert exit_.value.code == 2
    assert "briefing: Fehler: " in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"], ["check", "--help"]])
def test_help_is_german_with_examples(args):
    result = subprocess.run([sys.executable, "-m", "briefing.cli", *args],
                            capture_output=True, text=True, check=True)
    assert "Beispiele:" in result.stdout
    assert "Rückgabewerte: 0 alles in Ordnung, 1 Fehler im Inhalt, 2 falscher Aufruf," in result.stdout
    assert result.stdout.startswith("Aufruf: briefing")
    for english in ("usage", "positional arguments", "options:", "show this help", "help message"):
        assert english not in result.stdout


def test_hyphenation_exceptions_apply(project):
    import pyphen

    from briefing.hyphenation import install_exceptions
    from briefing.project import load_project

    project = load_project(project(content=True))
    install_exceptions(project.hyphenation, {"de-DE"})
    dictionary = pyphen.Pyphen(lang="de_DE")
    assert dictionary.inserted("Investitionsstandort") == "In-ves-ti-ti-ons-stand-ort"
    assert dictionary.inserted("Zusammenarbeit") == "Zu-sam-men-ar-beit"
    assert dictionary.inserted("Nachbarländern") == "Nach-bar-län-dern"


def test_hyphenation_dictionary_cache(tmp_path, monkeypatch):
    import pyphen

    from briefing.hyphenation import load_dictionary

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = pyphen.LANGUAGES["de_DE"]
    monkeypatch.delitem(pyphen.hdcache, path, raising=False)
    parsed = load_dictionary("de_DE")
    (cache,) = (tmp_path / "briefing").glob("hyph-de_DE-*.pickle")
    monkeypatch.delitem(pyphen.hdcache, path)
    loaded = load_dictionary("de_DE")
    assert loaded is not parsed
    assert loaded.patterns == pyphen.HyphDict(path).patterns
    cache.write_bytes(b"kaputt")  # a broken cache is rebuilt, not an error
    monkeypatch.delitem(pyphen.hdcache, path)
    assert load_dictionary("de_DE").patterns == loaded.patterns


def test_symlink_out_of_the_project_is_not_read(project, tmp_path, capsys):
    outside = tmp_path.parent / f"{tmp_path.name}-draussen.md"
    outside.write_text(RELEASE, encoding="utf-8")
    root = project({PM: RELEASE})
    (root / "content" / "link.md").symlink_to(outside)
    code, _out, err = run(root, "build", capsys=capsys)
    assert code == 1
    assert err.strip() == ("content/link.md: verweist auf eine Datei außerhalb von content/; "
                           "kopieren Sie die Datei stattdessen hierher")
    assert not (root / "output" / "link.pdf").exists()
    assert (root / "output" / "pm.pdf").exists()


def test_a_link_to_a_file_without_end_is_refused_not_read(project):
    """A content file that is a link to /dev/zero is refused like any link out of
    content/: nothing reads it, not even the project's fingerprint (which read it until
    memory ran out, an internal error). In a process whose memory is capped, so that a
    regression fails and does not take the machine's memory."""
    root = project({PM: RELEASE})
    (root / "content" / "null.md").symlink_to("/dev/zero")
    probe = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1 << 32, 1 << 32));"
             " from briefing.cli import main;"
             " sys.exit(main(['build', '--root', sys.argv[1], '--jobs', '1']))")
    result = subprocess.run([sys.executable, "-c", probe, str(root)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == ("content/null.md: verweist auf eine Datei außerhalb von "
                                     "content/; kopieren Sie die Datei stattdessen hierher")
    assert (root / "output" / "pm.pdf").exists()


def test_build_named_files_reports_failed_and_unknown(project, capsys):
    root = project({PM: RELEASE, "content/kaputt.md": RELEASE.replace("titel: Testmitteilung\n", "")})
    code, out, _ = run(root, "build", str(root / "content" / "kaputt.md"), capsys=capsys)
    assert code == 1
    assert "FEHLER    content/kaputt.md: kein PDF erzeugt" in out
    assert "Fertig: 0 PDF erstellt, 1 fehlgeschlagen, 0 unverändert;" in out
    code, _, err = run(root, "build", str(root / "content" / "fehlt.md"), capsys=capsys)
    assert code == 2
    assert err.strip() == "briefing: content/fehlt.md gibt es nicht; alle Inhaltsdateien " \
        "zeigt »briefing status«"
    code, _, err = run(root, "build", "content/kaputtt.md", capsys=capsys)  # a typo
    assert code == 2
    assert err.strip() == "briefing: content/kaputtt.md gibt es nicht; meinten Sie " \
        "»content/kaputt.md«?"
    code, _, err = run(root, "build", "briefing.toml", capsys=capsys)  # there, but no content
    assert err.strip() == "briefing: briefing.toml: keine Inhaltsdatei unter content/ (*.md)"


def test_warnings_fail_only_when_strict(project, capsys):
    long_title = "Sehr lange Überschrift " * 6
    root = project({PM: RELEASE.replace("titel: Testmitteilung", f"titel: {long_title.strip()}")})
    code, out, err = run(root, "check", capsys=capsys)
    assert code == 0
    assert err.strip() == ("content/pm.md:3: Warnung: Titel ist 137 Zeichen lang; Überschriften "
                           "über 120 Zeichen lesen sich schlecht, kürzen Sie ihn oder nutzen Sie "
                           "»untertitel«")
    assert out.startswith("Prüfung: in Ordnung; 0 Fehler, 1 Warnung;")
    code, out, _ = run(root, "check", "--strict", capsys=capsys)
    assert code == 1 and out.startswith("Prüfung: nicht in Ordnung; 0 Fehler, 1 Warnung;")
    assert run(root, "build", capsys=capsys)[0] == 0
    assert run(root, "build", "--strict", capsys=capsys)[0] == 1  # also from the manifest
