"""What a reader gets on the page and from a screen reader: paragraphs across page breaks
and around links and bold words read as written, the contents' page numbers stay with their
titles, the contact heading stays with the contact, titles are not hyphenated; and the
audit finds what veraPDF finds."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.audit import audit
from briefing.build import build

from .conftest import RELEASE, REPO, approve, make_project
from .test_conformance import screen_reader_text

WORDS = ["Die", "Staatsregierung", "unterstützt", "die", "Partner", "in", "der", "Grenzregion", "mit", "klaren", "Zielen", "und", "verlässlichen", "Strukturen", "für", "die", "Forschungskooperationen", "der", "Hochschulen"]


def paragraph(index: int) -> str:
    """A long paragraph with bold words, italic words and links among plain ones."""
    out = []
    for n in range(150):
        word = WORDS[(n * 7 + index) % len(WORDS)]
        kind = (n * 5 + index) % 11
        out.append(f"**{word}**" if kind == 0 else f"*{word}*" if kind == 1 else
                   f"[{word}](https://example.org/{n})" if kind == 2 else word)
    return " ".join(out) + "."


def plain(markdown: str) -> str:
    return " ".join(re.sub(r"\*+|\[|\]\([^)]*\)", "", markdown).split())


@pytest.fixture(scope="module")
def long_release(tmp_path_factory):
    body = "\n\n".join(paragraph(i) for i in range(6))
    root = make_project(tmp_path_factory.mktemp("umbruch"), {"content/pm.md": RELEASE.replace(
        "Ein kurzer Text.", "Ein kurzer Text.\n\n" + body)})
    approve(root)
    assert build(root, channels=True).errors == []
    return root, [plain(paragraph(i)) for i in range(6)]


@pytest.mark.parametrize("name", ["pm.pdf", "pm-pressemappe.pdf"])
def test_paragraphs_across_pages_and_around_links_read_as_written(long_release, name):
    root, paragraphs = long_release
    reader = PdfReader(root / "output" / name)
    assert len(reader.pages) >= 3  # the paragraphs cross page breaks
    said = " ".join(screen_reader_text(root / "output" / name).split())
    for text in paragraphs:
        assert text in said


def test_contents_keep_each_page_number_with_its_title(tmp_path):
    long_title = ("Engere Zusammenarbeit in der Grenzregion mit Polen und Tschechien für "
                  "Wissenschaft, Wirtschaft und Kultur")
    release = RELEASE.replace("ort: Dresden\n", "ort: Dresden\nprioritäten:\n  eins: A\n"
                              "  zwei: B\n")
    briefing = ("---\ntyp: hintergrund\ntitel: {title}\ndatum: 2025-10-29\n"
                "pressemitteilung: pm\npriorität: {key}\n---\n\n## Abschnitt\n\nText.\n")
    root = make_project(tmp_path, {
        "content/pm.md": release,
        "content/b1.md": briefing.format(title=long_title, key="eins"),
        "content/b2.md": briefing.format(title="Kurz", key="zwei")})
    assert build(root, channels=True).errors == []
    cover = PdfReader(root / "output" / "pm-pressemappe.pdf").pages[0].extract_text()
    contents = cover.split("Inhalt", 1)[1].split("Pressekontakt", 1)[0]
    lines = [line.strip() for line in contents.splitlines() if line.strip()]
    # A line of leader dots and a page number alone would be a line of its own.
    assert not [line for line in lines if re.fullmatch(r"[.\s]*\d+", line)], lines
    assert sum(1 for line in lines if re.search(r"\d$", line)) == 3


def test_the_contact_heading_stays_with_the_contact(tmp_path):
    root = make_project(tmp_path)
    for count in range(40, 80, 3):
        text = RELEASE.replace("ort: Dresden\n", "ort: Dresden\nkontakt:\n  name: Anna Beispiel\n"
                               "  telefon: 0351 564-12345\n").replace(
            "Ein kurzer Text.", "Ein kurzer Text.\n\n" + "\n\n".join(
                "Ein Absatz mit einigen Worten." for _ in range(count)))
        (root / "content" / "pm.md").write_text(text, encoding="utf-8")
        assert build(root, jobs=1).errors == []
        pages = [page.extract_text() for page in PdfReader(root / "output" / "pm.pdf").pages]
        heading = [i for i, page in enumerate(pages) if "Pressekontakt" in page]
        person = [i for i, page in enumerate(pages) if "Anna Beispiel" in page]
        assert heading == person, (count, heading, person)


def test_titles_and_subtitles_are_not_hyphenated(tmp_path):
    title = ("Internationalisierungsstrategie Wissenschaftskooperationsvereinbarungen "
             "Grenzregionsentwicklungskonzepte Landesentwicklungsplanung")
    root = make_project(tmp_path, {"content/pm.md": RELEASE.replace(
        "titel: Testmitteilung", f"titel: {title}\nuntertitel: {title}")})
    assert build(root).errors == []
    text = PdfReader(root / "output" / "pm.pdf").pages[0].extract_text()
    head = text.split("Dresden (29.", 1)[0]
    assert not [line for line in head.splitlines() if line.rstrip().endswith("-")], head


# --- the audit finds what veraPDF found --------------------------------------------------

OLD_CONTENTS = ('<li><a href="#{{ part.anchor }}"><span class="kit-toc-kind">{{ part.doc.label }}'
                ':</span> {{ part.doc.title }}</a></li>')


@pytest.mark.kein_audit
def test_the_audit_finds_contents_links_that_are_not_links(tmp_path):
    """The press kit's contents as they were: a link around a span, described by its
    anchor's name (veraPDF 7.18.5-1)."""
    root = make_project(tmp_path, {"content/pm.md": RELEASE})
    kit = root / "templates" / "pressemappe.html.j2"
    text = kit.read_text(encoding="utf-8")
    start = text.index('<li data-ziel=')
    end = text.index("</li>", start) + len("</li>")
    kit.write_text(text[:start] + OLD_CONTENTS + text[end:], encoding="utf-8")
    css = root / "templates" / "print.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.kit-toc li::after { content: none; }"
                   "\n.kit-toc a::after { content: leader('. ') ' ' target-counter(attr(href url), "
                   "page); }\n", encoding="utf-8")
    assert build(root, channels=True).errors == []
    found = [p.message for p in audit(root / "output" / "pm-pressemappe.pdf", "kit")]
    assert "Seite 1: Link steht unter »/Span« statt unter einem Link-Strukturelement" in found
    assert "Seite 1: Link beschrieben mit dem Namen seines Ziels (»teil-1«) statt mit Worten" \
        in found


@pytest.mark.kein_audit
def test_the_audit_finds_a_character_the_font_does_not_have(tmp_path):
    root = make_project(tmp_path, {"content/pm.md": RELEASE.replace("Ein kurzer Text.",
                                                                    "Ein Zeichen: 漢.")})
    assert build(root).exit_code() == 0  # a warning: the build goes on
    assert [p.message for p in audit(root / "output" / "pm.pdf", "pm")] == [
        "Seite 1: Text mit einem Zeichen, das die Schrift nicht hat (.notdef, ein leeres "
        "Kästchen)"]


# --- veraPDF, where it is installed --------------------------------------------------------

VERAPDF = REPO.parent / "shared" / "tools" / "verapdf" / "verapdf.sh"
BUILT = Path.home() / ".cache" / "verapdf" / "verapdf.jar"


@pytest.mark.langsam
@pytest.mark.skipif(not (VERAPDF.is_file() and BUILT.is_file() and shutil.which("java")),
                    reason="veraPDF is not built here (../shared/tools/verapdf/README.md)")
@pytest.mark.parametrize("flavour", ["ua1", "2a"])
def test_verapdf_passes_every_pdf(long_release, flavour):
    root, _ = long_release
    seed = make_project(root.parent / f"saat-{flavour}", content=True)
    approve(seed)
    assert build(seed, channels=True).errors == []
    pdfs = sorted(map(str, [*(seed / "output").glob("*.pdf"), *(root / "output").glob("*.pdf")]))
    result = subprocess.run([str(VERAPDF), flavour, *pdfs], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
