"""Incremental builds and worker processes: only what changed is rendered, bytes never differ."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.build import build
from briefing.cli import main

from .conftest import make_project
from .test_pdf_integration import BRIEFINGS, RELEASE


def pdfs(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "output").glob("*.pdf"))}


def built_names(report) -> list[str]:
    return sorted(o.output.name for o in report.outcomes if o.ok and not o.unchanged)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, bytes]:
    root = make_project(tmp_path_factory.mktemp("jobs1"), content=True)
    assert build(root, jobs=1).exit_code() == 0
    return pdfs(root)


def test_two_workers_give_the_same_bytes(reference, tmp_path):
    root = make_project(tmp_path, content=True)
    report = build(root, jobs=2)
    assert report.exit_code() == 0
    assert len(report.peak_rss_kb) == 2  # two worker processes rendered
    assert pdfs(root) == reference


def test_incremental_rebuilds_only_what_changed(reference, tmp_path):
    root = make_project(tmp_path, content=True)
    assert len(built_names(build(root, jobs=2))) == 6

    report = build(root)
    assert built_names(report) == [] and report.count("unchanged") == 6

    changed = root / "content" / f"{BRIEFINGS[1]}.md"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nNeuer Absatz.\n", encoding="utf-8")
    assert built_names(build(root)) == [f"{BRIEFINGS[1]}.pdf"]

    # A partial only briefings use rebuilds the briefings, not the release.
    template = root / "templates" / "hintergrund.html.j2"
    template.write_text(template.read_text(encoding="utf-8") + "{# geändert #}\n",
                        encoding="utf-8")
    assert built_names(build(root)) == sorted(f"{name}.pdf" for name in BRIEFINGS)

    # A partial every document includes rebuilds all six.
    partial = root / "templates" / "partials" / "contact.html.j2"
    partial.write_text(partial.read_text(encoding="utf-8") + "{# geändert #}\n",
                       encoding="utf-8")
    assert len(built_names(build(root, jobs=1))) == 6

    # The release's title appears in every briefing: changing the release rebuilds them too.
    release = root / "content" / f"{RELEASE}.md"
    release.write_text(release.read_text(encoding="utf-8") + "\nZusatz.\n", encoding="utf-8")
    assert len(built_names(build(root))) == 6

    assert len(built_names(build(root, force=True))) == 6
    # Whatever the path, the unchanged documents are byte-identical to a full build.
    for name, data in pdfs(root).items():
        if name != f"{BRIEFINGS[1]}.pdf" and not name.startswith(RELEASE):
            assert data == reference[name], name


def test_deleted_content_removes_its_pdf(project, capsys):
    from .conftest import RELEASE as SMALL

    root = project({"content/a.md": SMALL, "content/b.md": SMALL})
    assert main(["build", "--root", str(root)]) == 0
    (root / "content" / "b.md").unlink()
    assert main(["build", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "entfernt  output/b.pdf  (Inhaltsdatei gelöscht)" in out
    assert sorted(p.name for p in (root / "output").glob("*.pdf")) == ["a.pdf"]


def test_noop_build_answers_from_the_manifest(project, capsys, monkeypatch):
    from .conftest import RELEASE as SMALL

    root = project({"content/a.md": SMALL, "content/kaputt.md": SMALL.replace("titel: Testmitteilung\n", "")})
    assert main(["build", "--root", str(root)]) == 1
    first = capsys.readouterr()
    # The second run must not load the project: make it fail loudly if it tries.
    import briefing.project

    monkeypatch.setattr(briefing.project, "load_project", None)
    assert main(["build", "--root", str(root)]) == 1
    second = capsys.readouterr()
    assert second.err == first.err  # the problems of the last run, again
    assert second.out.startswith("Fertig: nichts geändert, 1 PDF aktuell, 1 fehlgeschlagen; 1 Fehler, 0 Warnungen (vom letzten Lauf);")


def test_manipulated_pdf_is_rebuilt(project):
    from .conftest import RELEASE as SMALL

    root = project({"content/a.md": SMALL})
    build(root)
    good = (root / "output" / "a.pdf").read_bytes()
    (root / "output" / "a.pdf").write_bytes(b"kaputt")
    assert built_names(build(root)) == ["a.pdf"]
    assert (root / "output" / "a.pdf").read_bytes() == good


def test_doctor(project, capsys):
    root = project()
    code = main(["doctor", "--root", str(root)])
    out = capsys.readouterr().out
    assert "WeasyPrint:  70.0" in out
    assert "Schrift:     Open Sans (templates/fonts/OpenSans-Regular.ttf)" in out
    assert code == (0 if "HarfBuzz-Subset: vorhanden" in out else 1)


def test_jobs_must_be_positive(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["build", "--jobs", "0"])
    assert exit_.value.code == 2
    assert "»0« ist keine Zahl ab 1" in capsys.readouterr().err


def test_changed_image_rebuilds_the_document_using_it(project):
    from .conftest import RELEASE as SMALL

    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="{}"/></svg>'
    root = project({"content/mit-bild.md": SMALL.replace("Ein kurzer Text.", "![Ein Rechteck](bilder/r.svg)"),
                    "content/ohne-bild.md": SMALL,
                    "content/bilder/r.svg": svg.format("#1f4e79")})
    assert len(built_names(build(root))) == 2
    assert built_names(build(root)) == []
    (root / "content" / "bilder" / "r.svg").write_text(svg.format("#a4161a"), encoding="utf-8")
    assert built_names(build(root)) == ["mit-bild.pdf"]


def test_noop_build_does_not_import_weasyprint(project):
    import subprocess
    import sys

    from .conftest import RELEASE as SMALL

    root = project({"content/a.md": SMALL})
    build(root)
    probe = ("import sys; from briefing.cli import main; code = main(['build', '--root', "
             f"{str(root)!r}]); print('weasyprint' in sys.modules, 'markdown' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == "False False"
    assert result.stdout.startswith("Fertig: nichts geändert, 1 PDF aktuell;")
