"""Every channel of a release beyond its single PDFs, made from the same content files:
the press kit PDF, the web pages (document pages, release index, archive, Atom feed), the
e-mail (text and `.eml` draft) and a ZIP bundle with `SHA256SUMS`.

Where the files go (relative to output/):

    <release>-pressemappe.pdf         press kit
    e-mail/<release>.txt, .eml        the mail body and the draft with the PDFs attached
    web/index.html, web/feed.atom     archive by year and month, Atom 1.0 feed
    web/<release>/index.html          the release's documents with their PDFs and sizes
    web/<release>/<document>.html     one accessible page per document (+ its PDF)
    gesperrt/<release>/…              the same pages of a release under embargo
    pakete/<release>.zip              everything of the release, with SHA256SUMS

Embargo: before it has passed, the PDFs, the kit and the e-mail carry the embargo band (they
go to journalists early, by design); the public web pages, the archive and the feed leave
the release out, and its pages go to `gesperrt/` instead. The first build after the embargo
moves them to `web/`. A release with a draft among its documents stays in `gesperrt/` too.
Everything here is cheap to make except the press kit: the kit is made only when one of
its inputs changed; the other files are composed and written only when their bytes differ
from the file on disk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field

from . import formatting, mail, web
from .errors import Problem, Severity
from .files import cause_of
from .model import BRIEFING, RELEASE, Document

KIT = "pressemappe"
STYLESHEET = "web/briefing.css"
PUBLIC, HELD = "web", "gesperrt"
#: Fixed time of every member of a ZIP bundle: the same files give the same bytes.
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


@dataclass
class Group:
    """A release and its briefings, in priority order."""

    release: Document
    briefings: list[Document]

    @property
    def documents(self) -> list[Document]:
        return [self.release, *self.briefings]

    @property
    def kit_name(self) -> str:
        return f"{self.release.slug}-{KIT}.pdf"


def groups(documents: list[Document]) -> list[Group]:
    releases = [d for d in documents if d.kind == RELEASE]
    found = []
    for release in sorted(releases, key=lambda d: d.slug):
        # Only briefings of the same edition: a Polish briefing of a release that has no
        # Polish translation gets its PDF, but no place in the German kit, page or mail.
        briefings = [d for d in documents if d.kind == BRIEFING and d.release is not None
                     and d.release.display_path == release.display_path
                     and (d.language, d.easy) == (release.language, release.easy)]
        found.append(Group(release, sorted(briefings, key=lambda d: d.priority.number)))
    return found


def held_back(release: Document, now: dt.datetime) -> bool:
    """The release is still under embargo: its web pages are not public yet."""
    embargo = release.embargo
    return bool(embargo) and (embargo.at is None or now < embargo.at)


def held_note(release: Document) -> Problem:
    embargo = release.embargo
    when = formatting.embargo(embargo, release.babel_locale)
    after = "mit dem ersten Lauf nach Ablauf der Sperrfrist" if embargo.at else \
        "sobald die Sperrfrist aus dem Front Matter entfernt ist"
    return Problem(release.display_path, None, (
        f"Sperrfrist bis {when}: Webseite, Archiv und Feed enthalten diese Pressemitteilung "
        f"noch nicht (Vorschau in output/{HELD}/{release.slug}/); sie erscheint dort {after}"),
        Severity.NOTE)


def draft_note(release: Document, drafts: list[Document]) -> Problem:
    names = ", ".join(d.display_path for d in drafts)
    return Problem(release.display_path, None, (
        f"Entwurf ({names}): Webseite, Archiv und Feed enthalten diese Pressemitteilung nicht "
        f"(Vorschau in output/{HELD}/{release.slug}/), bis »entwurf: true« entfernt ist"),
        Severity.NOTE)


@dataclass
class Files:
    """The files the channels make in one build: name (relative to output/) → bytes, with
    the content file each belongs to (empty for the archive and the feed)."""

    data: dict[str, bytes] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def add(self, name: str, data: bytes | str, source: str = "") -> None:
        self.data[name] = data.encode() if isinstance(data, str) else data
        self.source[name] = source

    def merge(self, other: Files) -> None:
        self.data |= other.data
        self.source |= other.source


def release_files(group: Group, pdfs: dict[str, bytes], kit: bytes | None, held: bool,
                  env, paths, quotes, stylesheet: bytes) -> Files:
    """Web pages, e-mail and bundle of one release. `pdfs`: each document's PDF by slug."""
    files = Files()
    release = group.release
    source = release.display_path
    folder = f"{HELD if held else PUBLIC}/{release.slug}"
    locale = release.babel_locale
    downloads = [web.download(f"{d.slug}.pdf", len(pdfs[d.slug]), locale)
                 for d in group.documents]
    kit_download = web.download(group.kit_name, len(kit), locale) if kit else None
    pages, bodies = [], []
    for document, download in zip(group.documents, downloads, strict=True):
        page = web.document_page(document, download, env, paths, quotes, held)
        files.problems += page.problems
        if page.html is None:
            return files
        pages.append(f"{document.slug}.html")
        bodies.append(page.body)
        files.add(f"{folder}/{document.slug}.html", page.html, source)
        files.add(f"{folder}/{document.slug}.pdf", pdfs[document.slug], source)
        for name, image in page.images:
            files.add(f"{folder}/{name}", image.read_bytes(), source)
    if kit:
        files.add(f"{folder}/{group.kit_name}", kit, source)
    index = web.release_index(group.documents, pages, downloads, kit_download, env, paths,
                              quotes, held, files.problems)
    if index is None:
        return files
    files.add(f"{folder}/index.html", index, source)

    text = mail.plain_text(release, bodies[0], [
        (d, f"{download.name}, {download.size}") for d, download
        in zip(group.briefings, downloads[1:], strict=True)])
    html = _inline_style(files.data[f"{folder}/{release.slug}.html"].decode(), stylesheet)
    attachments = [(f"{d.slug}.pdf", pdfs[d.slug]) for d in group.documents]
    files.add(f"e-mail/{release.slug}.txt", text, source)
    files.add(f"e-mail/{release.slug}.eml", mail.message(release, text, html, attachments),
              source)
    members = {name.removeprefix(f"{folder}/"): data for name, data in files.data.items()
               if name.startswith(f"{folder}/")}
    members |= {f"e-mail/{release.slug}.{ext}": files.data[f"e-mail/{release.slug}.{ext}"]
                for ext in ("txt", "eml")}
    members["briefing.css"] = stylesheet
    files.add(f"pakete/{release.slug}.zip", bundle(members), source)
    return files


def site_files(public: list[tuple[Document, int]], env, config, stylesheet: bytes) -> Files:
    """Archive, feed and stylesheet of the public site; the stylesheet of `gesperrt/`."""
    files = Files()
    language, publisher = config.defaults.language, config.defaults.publisher
    archive = web.archive([d for d, _ in public], env, config, config.quotes, language,
                          publisher, files.problems)
    feed = web.feed(public, env, config, config.web_address, language, publisher,
                    files.problems)
    if archive is not None and feed is not None:
        files.add(f"{PUBLIC}/index.html", archive)
        files.add(f"{PUBLIC}/feed.atom", feed)
    files.add(f"{PUBLIC}/briefing.css", stylesheet)
    files.add(f"{HELD}/briefing.css", stylesheet)
    return files


def read_stylesheet(config) -> tuple[bytes | None, list[Problem]]:
    path = config.templates_dir / STYLESHEET
    try:
        return path.read_bytes(), []
    except OSError as exc:
        return None, [Problem(config.show(path), None, (
            f"Stil der Webseiten fehlt oder ist nicht lesbar ({cause_of(exc)}); "
            "Webseiten, E-Mail und Paket werden nicht erstellt"))]


def check_templates(project, env) -> list[Problem]:
    """What `check` adds for the channels: every channel template rendered once per release
    (with empty stand-ins for the PDFs), so an error in one is found before `make`. Only
    the templates' problems: the documents' own are reported with their pages."""
    from .kit import compose_kit

    config = project.config
    problems = read_stylesheet(config)[1]
    found = groups(project.documents)
    for group in found:
        problems += compose_kit(group.documents, env, config, config.quotes).problems
        problems += release_files(group, dict.fromkeys((d.slug for d in group.documents), b""),
                                  b"", False, env, config, config.quotes, b"").problems
    problems += site_files([(g.release, 0) for g in found], env, config, b"").problems
    return [p for p in problems if p.path.startswith("templates")]


def bundle(members: dict[str, bytes]) -> bytes:
    """A ZIP of `members` and their SHA256SUMS: sorted, fixed times, same bytes each time."""
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                   for name, data in sorted(members.items()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted({**members, "SHA256SUMS": sums.encode()}.items()):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name.endswith(".pdf") \
                else zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def _inline_style(html: str, stylesheet: bytes) -> str:
    """The release's web page as the mail's HTML part: the stylesheet inline (without the
    web fonts), no links to files the mail does not carry."""
    css = re.sub(r"@font-face\s*{[^}]*}\s*", "", stylesheet.decode())
    html = re.sub(r'<link rel="stylesheet"[^>]*>', f"<style>{css}</style>", html)
    html = re.sub(r'<link rel="alternate"[^>]*>', "", html)
    return re.sub(r'<nav class="doc-links".*?</nav>', "", html, flags=re.S)
