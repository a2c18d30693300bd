"""The output `web`: a package → its accessible web pages: one page per document with its
PDF beside it, and an index page of the package. Plain HTML5 with landmarks and no
JavaScript; the stylesheet serves screen and print (templates/web/). A package that is not
public yet (embargo, draft) gets the same pages in `gesperrt/` for review; a public one
also gives its entry for the site's lists (`Made.record`: archive, feed, JSON)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from . import events, formatting, plaintext
from .clock import start_of
from .doctypes import WEB_TEMPLATE
from .errors import Problem
from .kit import file_name as kit_name
from .model import Document, withdrawal_summary
from .outputs import Made
from .packages import Package
from .templating import render
from .typography import quote_style_for

INDEX_TEMPLATE = "web/mitteilung.html.j2"
WITHDRAWN_TEMPLATE = "web/zurueckgezogen.html.j2"
STYLESHEET = "web/briefing.css"
_IMAGE = re.compile(r'src="(file://[^"]+)"')


@dataclass(frozen=True)
class Download:
    """A file a page links to, with its size as people read it (`52 kB`)."""

    name: str
    size: str
    bytes: int


def download(name: str, size: int, locale: str) -> Download:
    return Download(name, formatting.file_size(size, locale), size)


def stylesheet(config) -> bytes:
    """The pages' stylesheet (read when a page is made; a missing one is a fault)."""
    return (config.templates_dir / STYLESHEET).read_bytes()


def shared_files(config, where: str = "") -> dict[str, bytes]:
    """What every set of pages needs beside it: the stylesheet and the web fonts it names
    (`templates/fonts/*.woff2`, with the fonts' licence), under `where`."""
    fonts = config.templates_dir / "fonts"
    files = {"briefing.css": stylesheet(config)}
    for font in sorted([*fonts.glob("*.woff2"), *fonts.glob("COPYRIGHT-*.txt")]):
        files[f"fonts/{font.name}"] = font.read_bytes()
    return {f"{where}{name}": data for name, data in files.items()}


@dataclass(frozen=True)
class Place:
    """Where a set of pages stands, as links from a page to what the site shares: the
    stylesheet, the archive (`home`) and the feed. Relative, so that the pages work from
    disk, from the unpacked ZIP and under any sub-path of a server."""

    css: str
    home: str | None
    feed: str | None
    #: In the site (or its review copy), beside the other folders: the release's language
    #: versions and earlier versions are linked (`../<edition>/`, `../<release>--fassung-N/`).
    in_site: bool = False

    def values(self) -> dict:
        return {"css": self.css, "home": self.home, "feed": self.feed}


#: The archive and feed at the site's root.
SITE_ROOT = Place("briefing.css", "index.html", "feed.atom")
#: A public package's pages: `web/<release>/`, one folder below the archive.
IN_SITE = Place("../briefing.css", "../index.html", "../feed.atom", in_site=True)
#: A package held back for review: `gesperrt/<release>/`; there is no archive of those.
IN_REVIEW = Place("../briefing.css", None, None, in_site=True)


def in_bundle(config) -> Place:
    """The pages in a package's ZIP, where the stylesheet lies beside them; the feed only
    when the site has an address."""
    address = config.web_address
    return Place("briefing.css", None, f"{address}feed.atom" if address else None)


def folder(package: Package, context) -> str:
    """`web/<release>` when public, `gesperrt/<release>` while held back."""
    return f"{context.state(package).folder}/{package.slug}"


def common(language: str, publisher, quotes, held: bool, place: Place) -> dict:
    """What every web page template gets (`quotes`: the project's style)."""
    return {"language": language, "publisher": publisher, "held": held, **place.values(),
            "versions": [],
            "locale": language.replace("-", "_"), "quotes": quote_style_for(language, quotes)}


def templates(package: Package, context) -> list[str]:
    return [WEB_TEMPLATE, INDEX_TEMPLATE, WITHDRAWN_TEMPLATE,
            *sorted({d.type.body_template for d in package.documents})]


def make(package: Package, context) -> Made:
    state = context.state(package)
    if state.name == "zurückgezogen":
        return _withdrawn(package, context)
    held = not state.public
    made = pages(package, context, f"{folder(package, context)}/",
                 IN_REVIEW if held else IN_SITE, held)
    if not held and not made.failed:
        made.record = _record(package, made.pdfs, made.kit, context, made.body)
    return made


@dataclass
class Pages(Made):
    """The pages of a package, with the PDFs they offer (for the site's entry)."""

    pdfs: dict[str, bytes] | None = None
    kit: bytes | None = None
    #: The release's body as its page shows it (images from `bilder/`), for the feed.
    body: str = ""


def pages(package: Package, context, where: str, place: Place, held: bool) -> Pages:
    """A page per document, its PDF, the press kit and the package's index under `where`."""
    made = Pages()
    locale = package.release.babel_locale
    made.pdfs = {d.slug: context.file("pdf", d.display_path, d.output_name)
                 for d in package.documents}
    made.kit = context.file("kit", package.key, kit_name(package)) \
        if context.has("kit", package) else None
    downloads = [download(d.output_name, len(made.pdfs[d.slug]), locale)
                 for d in package.documents]
    site = {"held": held, "place": place,
            "languages": context.languages(package) if place.in_site else []}
    for document, pdf in zip(package.documents, downloads, strict=True):
        ics = events.file_name(document) if document.type.calendar else None
        html = _document_page(document, pdf, context, site, made, where, ics)
        if html is None:
            return made
        made.add(f"{where}{document.slug}.html", html)
        if ics:
            made.add(f"{where}{ics}", event_file(document, context))
        made.add(f"{where}{document.output_name}", made.pdfs[document.slug])
    kit_download = None
    if made.kit is not None:
        made.add(f"{where}{kit_name(package)}", made.kit)
        kit_download = download(kit_name(package), len(made.kit), locale)
    index = _index(package, downloads, kit_download, context, site, made.problems)
    if index is not None:
        made.add(f"{where}index.html", index)
    return made


def event_file(document: Document, context) -> bytes:
    """The advisory's calendar file, its description the text as the e-mail has it (when
    withdrawn: that it was, and why; the event is cancelled)."""
    if document.withdrawn:
        text = withdrawal_summary(document.kind, document.language, document.withdrawn)
        return events.calendar(document, text.replace("\u00a0", " "), context.config)
    lines = [text for _, text in plaintext.blocks(context.body(document).web)]
    facts = [f"{label}: {value}" for label, value in events.facts(document, when_where=False)]
    return events.calendar(document, "\n\n".join([*lines, *facts]).replace("\u00a0", " "),
                           context.config)


def _document_page(document: Document, pdf: Download, context, site: dict,
                   made: Made, where: str, ics: str | None = None) -> str | None:
    body = context.body(document)
    if any(p.is_error for p in body.problems):  # reported with the document's own PDF
        made.problems.append(Problem(document.display_path, None, "Webseite nicht erstellt"))
        return None

    def local(match: re.Match) -> str:
        source = Path(unquote(urlsplit(match[1]).path))
        made.add(f"{where}bilder/{source.name}", source.read_bytes())
        made.images.append(source)
        return f'src="bilder/{source.name}"'

    shown = _IMAGE.sub(local, body.web)
    if document.release is None and isinstance(made, Pages):
        made.body = shown
    release = document.release or document
    label = f"{release.label}{' ' + release.number if release.number else ''}"
    return render(context.env, WEB_TEMPLATE, context.config, made.problems,
                  doc=document, body=Markup(shown), pdf=pdf, ics=ics,
                  body_template=document.type.body_template, release_label=label,
                  **_site(document, site, context))


def _site(document: Document, site: dict, context, index: bool = False) -> dict:
    values = common(document.language, document.publisher, context.config.quotes,
                    site["held"], site["place"])
    values["locale"] = document.babel_locale
    values["versions"] = versions(document, site.get("languages", []), index)
    return values


def versions(document: Document, others: list[Package], index: bool) -> list[dict]:
    """The same page in the other language versions of its release (`hreflang` links and
    the visible switch): each with its language, its name in that language, its address."""
    key = (document.original or document).slug
    found = []
    for package in others:
        for other in package.documents:
            if (other.original or other).slug == key:
                page = "index.html" if index else f"{other.slug}.html"
                found.append({"language": other.language, "name": language_name(other),
                              "href": f"../{package.slug}/{page}"})
    return found


def language_name(document: Document) -> str:
    """A language as its readers name it (»English«, »Čeština«); »Leichte Sprache«."""
    if document.easy:
        return "Leichte Sprache"
    from babel import Locale

    name = Locale.parse(document.babel_locale).get_language_name(document.babel_locale)
    return name[:1].upper() + name[1:]


def _index(package: Package, pdfs: list[Download], kit: Download | None, context, site: dict,
           problems: list[Problem]) -> str | None:
    entries = [{"doc": d, "page": f"{d.slug}.html", "pdf": f}
               for d, f in zip(package.documents, pdfs, strict=True)]
    release = package.release
    earlier = context.earlier(package) if site["place"].in_site and not site["held"] else []
    earlier = [{**v, "date": dt.date.fromisoformat(v["date"])} for v in earlier]
    return render(context.env, INDEX_TEMPLATE, context.config, problems,
                  doc=release, entries=entries, kit=kit, earlier=earlier,
                  **_site(release, site, context, index=True))


def _withdrawn(package: Package, context) -> Made:
    """Where a withdrawn release was: a notice at the same addresses (its pages and its
    index), no PDF any more; its entry in the site's lists says so."""
    made = Made()
    where = folder(package, context)
    site = {"held": False, "place": IN_SITE}
    for document in package.documents:
        shown = replace(document, withdrawn=package.release.withdrawn)
        html = render(context.env, WITHDRAWN_TEMPLATE, context.config, made.problems,
                      doc=shown, **_site(shown, site, context))
        if html is None:
            return made
        made.add(f"{where}/{document.slug}.html", html)
        if document is package.release:
            made.add(f"{where}/index.html", html)
    made.record = _record(package, {}, None, context, "")
    return made


def published_at(release: Document):
    """When a public release counts as published: its embargo, or the start of its day."""
    return release.embargo.at if release.embargo and release.embargo.at \
        else start_of(release.date)


def _record(package: Package, pdfs: dict[str, bytes], kit: bytes | None, context,
            body: str) -> dict:
    """The package's entry in the site's lists: all they show, typeset, so that the
    archive, the feed and the JSON export are made without reading the release again."""
    release = package.release
    base = f"{package.slug}/"
    published = published_at(release)
    latest = release.corrections[0] if release.corrections else None
    updated = max(published, start_of(latest.date)) if latest else published
    withdrawn = release.withdrawn

    def file(name: str, data: bytes | None) -> dict | None:
        if data is None:
            return None  # withdrawn: no file any more
        return {"pfad": base + name, "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest()}

    return {
        "aktualisiert": updated.isoformat(),
        "korrekturen": [{"datum": c.date.isoformat(), "text": c.text}
                        for c in release.corrections],
        "zurueckgezogen": withdrawn and {"datum": withdrawn.date.isoformat(),
                                         "grund": withdrawn.reason},
        "slug": package.slug, "typ": release.kind, "titel": release.title,
        "untertitel": release.subtitle,
        "nummer": release.number, "datum": release.date.isoformat(),
        "sprache": release.language, "leichte_sprache": release.easy,
        "original": release.original.slug if release.original else None,
        "veroeffentlicht": published_at(release).isoformat(),
        "zusammenfassung": release.subtitle
        or formatting.long_date(release.date, release.babel_locale),
        "vorspann": plaintext.lead(body),
        "inhalt": body,
        "seite": base + "index.html",
        "dokumente": [{"art": d.label, "titel": d.title, "seite": f"{base}{d.slug}.html",
                       "pdf": file(d.output_name, pdfs.get(d.slug))}
                      for d in package.documents],
        "pressemappe": file(kit_name(package), kit),
        # An advisory's event, for the weekly preview (weekly.py).
        "termin": release.type.calendar and {
            "beginn": release.starts.isoformat(),
            "ende": release.ends.isoformat() if release.ends else None,
            "ort": release.place, "adresse": release.address,
            "akkreditierung": release.accreditation, "fototermin": release.photo_call,
            "livestream": release.livestream, "kalender": base + events.file_name(release)},
    }
