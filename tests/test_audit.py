"""`briefing prüfen-pdf`: the audit a press office runs on any PDF, in German."""

from __future__ import annotations

import pytest
import weasyprint

from briefing.build import build
from briefing.cli import main

from .conftest import RELEASE

TABLE = "\n\n| Kreis | Zahl |\n|---|---|\n| A | 1 |\n"


def run(root, capsys, *args: str) -> tuple[int, list[str]]:
    code = main(["prüfen-pdf", *args, "--root", str(root)])
    return code, capsys.readouterr().out.strip().splitlines()


def test_our_pdfs_pass(project, capsys):
    root = project({"content/pm.md": RELEASE.replace("Ein kurzer Text.", "Text." + TABLE)})
    assert build(root).exit_code() == 0
    code, out = run(root, capsys, str(root / "output" / "pm.pdf"))
    assert code == 0
    assert out == ["output/pm.pdf: in Ordnung (PDF/A-2 und PDF/UA-1: alle maschinell "
                   "prüfbaren Punkte; Lesereihenfolge, Alternativtexte und Kontrast prüft ein "
                   "Mensch)"]


def test_a_plain_weasyprint_pdf_ua_file_fails_where_it_falls_short(project, capsys):
    root = project()
    html = ('<html lang="de"><head><title>Fremd</title><style>@page { @bottom-right { '
            'content: "Seite " counter(page) } }</style></head><body><p>Text</p><table>'
            '<thead><tr><th>Kopf</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>'
            '</body></html>')
    other = root / "fremd.pdf"
    other.write_bytes(weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))
    code, out = run(root, capsys, str(other))
    assert code == 1
    assert out == [
        "fremd.pdf: Kennung PDF/A-2 fehlt (pdfaid:part=2)",
        "fremd.pdf: pdfuaid ohne Erweiterungsschema (PDF/A erlaubt nur beschriebene "
        "Eigenschaften)",
        "fremd.pdf: OutputIntent (Farbprofil) fehlt",
        "fremd.pdf: Tabellenkopf ohne /Scope",
        "fremd.pdf: Seite 1: 1 Inhaltsstücke gehören zu keinem Strukturelement und sind kein "
        "Artefakt (Kopf-/Fußzeile?)",
    ]


def test_not_a_pdf_and_missing_files(project, capsys):
    root = project()
    (root / "kaputt.pdf").write_bytes(b"kein PDF")
    code, out = run(root, capsys, str(root / "kaputt.pdf"), str(root / "fehlt.pdf"))
    assert code == 1
    assert out[0].startswith("kaputt.pdf: ist keine lesbare PDF-Datei (")
    assert out[1] == "fehlt.pdf: gibt es nicht"


@pytest.mark.kein_audit
def test_the_seed_pdfs_of_the_last_session_fail_on_the_footer(project, capsys):
    """WeasyPrint's own PDF/UA output leaves the running footer outside the tree."""
    root = project(content=True)
    css = root / "templates" / "print.css"
    assert build(root).exit_code() == 0
    import briefing.conformance as conformance

    original = conformance.finish
    try:
        conformance.finish = lambda document, pdf: conformance._identify(pdf)
        build(root, force=True)
    finally:
        conformance.finish = original
    assert css.exists()
    code, out = run(root, capsys, str(root / "output" /
                                      "2025-10-29-pressemitteilung-internationale-strategie.pdf"))
    assert code == 1
    assert out == ["output/2025-10-29-pressemitteilung-internationale-strategie.pdf: Seite 1: 2 "
                   "Inhaltsstücke gehören zu keinem Strukturelement und sind kein Artefakt "
                   "(Kopf-/Fußzeile?)"]


def test_a_link_outside_the_structure_and_without_words_fails(project, capsys):
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    root = project({"content/pm.md": RELEASE.replace(
        "Ein kurzer Text.", "Text mit [Verweis](https://example.org).")})
    assert build(root).exit_code() == 0
    writer = PdfWriter(clone_from=PdfReader(root / "output" / "pm.pdf"))
    for annotation in writer.pages[0]["/Annots"]:
        annotation = annotation.get_object()
        del annotation[NameObject("/StructParent")]
        del annotation[NameObject("/Contents")]
    with open(root / "entkernt.pdf", "wb") as file:
        writer.write(file)
    code, out = run(root, capsys, str(root / "entkernt.pdf"))
    assert code == 1
    assert out == ["entkernt.pdf: Seite 1: Link gehört zu keinem Link-Strukturelement",
                   "entkernt.pdf: Seite 1: Link ohne Beschreibung (/Contents)"]
