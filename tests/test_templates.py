"""Template errors are input errors: `templates/DATEI:ZEILE: …`, once, never a traceback.

Each case breaks one template of a project with a release and two briefings. `check` and
`build` report the mistake exactly once, however many documents use the template; `build`
makes no PDF for those documents, keeps their previous PDF byte for byte, and still makes
the documents that do not use the template. The expected line is found in the edited
template itself, so the cases hold while the templates grow.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from briefing.build import build
from briefing.cli import main

from .conftest import RELEASE
from .pdftext import structure_text
from .test_build import BRIEFING, RELEASE_WITH_PRIORITIES

FILES = {
    "content/pm.md": RELEASE_WITH_PRIORITIES,
    "content/b1.md": BRIEFING.format(key="eins"),
    "content/b2.md": BRIEFING.format(key="zwei"),
}
ALL = ("b1", "b2", "pm")
#: `old` for an edit that appends `new` as the template's last line.
APPEND = None


@dataclass(frozen=True)
class Case:
    template: str
    old: str | None
    new: str
    #: The message after `templates/DATEI:ZEILE: `, before `; korrigieren Sie die Vorlage`.
    what: str
    #: The documents (content/NAME.md) that use the template.
    broken: tuple[str, ...]

    def apply(self, root: Path) -> str:
        """Break the template in `root`; the exact message line that is expected."""
        path = root / "templates" / self.template
        text = path.read_text(encoding="utf-8")
        if self.old is APPEND:
            text = text if text.endswith("\n") else text + "\n"
            line = text.count("\n") + 1
            text += self.new
        else:
            assert self.old in text, f"{self.template} no longer contains {self.old!r}"
            text = text.replace(self.old, self.new, 1)
            line = text[:text.index(self.new)].count("\n") + 1
        path.write_text(text, encoding="utf-8")
        return f"templates/{self.template}:{line}: {self.what}; korrigieren Sie die Vorlage"


CASES = {
    "unbekanntes-feld": Case(
        "partials/briefing-body.html.j2", "{{ doc.title }}", "{{ doc.titel }}",
        "Vorlage verwendet »titel«, das es nicht gibt", ("b1", "b2")),
    "unbekannte-variable": Case(
        "partials/release-body.html.j2", "{{ doc.place }}", "{{ ort }}",
        "Vorlage verwendet »ort«, das es nicht gibt", ("pm",)),
    "unbekannter-filter": Case(
        "partials/release-body.html.j2", "| numeric_date", "| numeric_dat",
        "Vorlage ist fehlerhaft (Jinja meldet: No filter named 'numeric_dat'.)", ("pm",)),
    "basis-fehlt": Case(
        "hintergrund.html.j2", '{% extends "base.html.j2" %}', '{% extends "basis.html.j2" %}',
        "Vorlage »basis.html.j2« gibt es nicht in templates/", ("b1", "b2")),
    "syntaxfehler-im-partial": Case(
        "partials/footer.html.j2", APPEND, "{% if %}\n",
        "Vorlage ist fehlerhaft (Jinja meldet: Expected an expression, got 'end of statement "
        "block')", ALL),
    "partial-fehlt": Case(
        "base.html.j2", '{% include "partials/contact.html.j2" %}',
        '{% include "partials/fehlt.html.j2" %}',
        "Vorlage »partials/fehlt.html.j2« gibt es nicht in templates/", ALL),
    "unbekanntes-feld-im-partial": Case(
        "partials/contact.html.j2", "{% if c.phone %}", "{% if c.fax %}",
        "Vorlage verwendet »fax«, das es nicht gibt", ALL),
}
IDS = sorted(CASES)


def run(root: Path, capsys, *args: str) -> tuple[int, str, list[str]]:
    code = main([*args, "--root", str(root)])
    out, err = capsys.readouterr()
    return code, out, err.splitlines()


def test_the_hintergrund_case_of_the_brief(project):
    """The line the brief names, checked by hand against the template as it is now."""
    root = project(FILES)
    template = (root / "templates" / "partials" / "briefing-body.html.j2").read_text(
        encoding="utf-8")
    expected = CASES["unbekanntes-feld"].apply(root)
    (line,) = [n for n, text in enumerate(template.splitlines(), 1) if "{{ doc.title }}" in text]
    assert template.splitlines()[line - 1] == "<h1>{{ doc.title }}</h1>"
    assert expected == (f"templates/partials/briefing-body.html.j2:{line}: Vorlage verwendet »titel«, "
                        "das es nicht gibt; korrigieren Sie die Vorlage")


@pytest.mark.parametrize("name", IDS)
def test_check_reports_template_error_once(name, project, capsys):
    root = project(FILES)
    message = CASES[name].apply(root)
    code, out, err = run(root, capsys, "check")
    assert err == [message]
    assert out.startswith("Prüfung: nicht in Ordnung; 1 Fehler, 0 Warnungen;")
    assert code == 1


@pytest.mark.parametrize("name", IDS)
def test_build_skips_only_documents_using_the_template(name, project, capsys):
    case = CASES[name]
    root = project(FILES)
    message = case.apply(root)
    code, out, err = run(root, capsys, "build")
    assert err == [message]
    assert code == 1
    for doc in ALL:
        if doc in case.broken:
            assert f"FEHLER    content/{doc}.md: kein PDF erzeugt" in out.splitlines()
            assert not (root / "output" / f"{doc}.pdf").exists()
        else:
            assert f"erstellt  output/{doc}.pdf  (1 Seite, " in out
            assert (root / "output" / f"{doc}.pdf").exists()
    built = len(ALL) - len(case.broken)
    assert (f"Fertig: {built} PDF erstellt, {len(case.broken)} fehlgeschlagen, 0 unverändert; "
            "1 Fehler, 0 Warnungen;") in out


@pytest.mark.parametrize("name", IDS)
def test_build_keeps_previous_pdfs(name, project, capsys):
    case = CASES[name]
    root = project(FILES)
    report = build(root)
    assert report.exit_code() == 0, [str(p) for p in report.problems]
    before = {doc: (root / "output" / f"{doc}.pdf").read_bytes() for doc in ALL}
    message = case.apply(root)
    code, out, err = run(root, capsys, "build")
    assert err == [message]
    assert code == 1
    assert {doc: (root / "output" / f"{doc}.pdf").read_bytes() for doc in ALL} == before
    lines = out.splitlines()
    for doc in case.broken:
        assert any(line.startswith(f"FEHLER    content/{doc}.md: kein PDF erzeugt")
                   for line in lines)
    (summary,) = [line for line in lines if line.startswith("Fertig: ")]
    assert summary.startswith(f"Fertig: 0 PDF erstellt, {len(case.broken)} fehlgeschlagen")
    assert f", {len(ALL) - len(case.broken)} unverändert; 1 Fehler, 0 Warnungen;" in summary


RUNTIME = Case("partials/briefing-body.html.j2", "{{ doc.title }}", "{{ doc.title + 1 }}",
               "", ("b1", "b2"))


@pytest.mark.parametrize("command", ["check", "build"])
def test_template_runtime_error_is_a_message(command, project, capsys):
    root = project(FILES)
    line = RUNTIME.apply(root).split(": ", 1)[0]
    code, _out, err = run(root, capsys, command)
    assert code == 1
    assert len(err) == 1 and err[0].startswith(f"{line}: Vorlage ")
    assert err[0].endswith("; korrigieren Sie die Vorlage")


def test_a_template_that_includes_itself_is_a_message(project, capsys):
    root = project(FILES)
    footer = root / "templates" / "partials" / "footer.html.j2"
    footer.write_text(footer.read_text(encoding="utf-8")
                      + '{% include "partials/footer.html.j2" %}\n', encoding="utf-8")
    code, _out, err = run(root, capsys, "check")
    assert code == 1
    assert len(err) == 1
    assert err[0].startswith("templates/partials/footer.html.j2:")
    assert ": Vorlage kann nicht ausgewertet werden (RecursionError: " in err[0]


def test_compiled_templates_are_kept_and_a_broken_cache_changes_nothing(project, monkeypatch,
                                                                         tmp_path):
    """Templates are compiled once per source and kept in the user's cache folder; an
    edited template is compiled anew; a cache that cannot be written or read is as if
    there were none."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = project({"content/pm.md": RELEASE})
    assert build(root).exit_code() == 0
    kept = sorted((tmp_path / "cache" / "briefing" / "vorlagen").glob("__jinja2_*.cache"))
    assert kept
    for number, path in enumerate(kept):  # not Jinja's, or cut short after its header
        path.write_bytes(b"kaputt" if number % 2 else path.read_bytes()[:20])
    footer = root / "templates" / "partials" / "footer.html.j2"
    footer.write_text(footer.read_text(encoding="utf-8") + "<p>Neu im Fuß</p>\n",
                      encoding="utf-8")
    assert build(root).exit_code() == 0
    assert "Neu im Fuß" in structure_text(root / "output" / "pm.pdf", " ")
    (tmp_path / "cache").rename(tmp_path / "weg")
    (tmp_path / "cache").write_text("keine Ordner hier", encoding="utf-8")
    footer.write_text(footer.read_text(encoding="utf-8").replace("Neu im Fuß", "Wieder neu"),
                      encoding="utf-8")
    assert build(root).exit_code() == 0
    assert "Wieder neu" in structure_text(root / "output" / "pm.pdf", " ")
