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

from . import formatting, plaintext
from .clock import start_of
from .doctypes import WEB_TEMPLATE
from .errors import Problem
from .kit import file_name as kit_name
from .model import Document
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


def folder(package: Package, context) -> str:
    """`web/<release>` when public, `gesperrt/<release>` while held back."""
    return f"{context.state(package).folder}/{package.slug}"


def common(language: str, publisher, quotes, held: bool, depth: int) -> dict:
    """What every web page template gets (`quotes`: the project's style)."""
    up = "../" * depth
    return {"language": language, "publisher": publisher, "held": held,
            "css": f"{up}briefing.css", "home": f"{up}index.html",
            "feed": None if held else f"{up}feed.atom",
            "locale": language.replace("-", "_"), "quotes": quote_style_for(language, quotes)}


def templates(package: Package, context) -> list[str]:
    return [WEB_TEMPLATE, INDEX_TEMPLATE, WITHDRAWN_TEMPLATE,
            *sorted({d.type.body_template for d in package.documents})]


def make(package: Package, context) -> Made:
    if context.state(package).name == "zurückgezogen":
        return _withdrawn(package, context)
    made = Made()
    held = not context.state(package).public
    where = folder(package, context)
    locale = package.release.babel_locale
    pdfs = {d.slug: context.file("pdf", d.display_path, d.output_name)
            for d in package.documents}
    kit = context.file("kit", package.key, kit_name(package)) \
        if context.has("kit", package) else None
    downloads = [download(d.output_name, len(pdfs[d.slug]), locale) for d in package.documents]
    for document, pdf in zip(package.documents, downloads, strict=True):
        html = _document_page(document, pdf, context, held, made, where)
        if html is None:
            return made
        made.add(f"{where}/{document.slug}.html", html)
        made.add(f"{where}/{document.output_name}", pdfs[document.slug])
    kit_download = None
    if kit is not None:
        made.add(f"{where}/{kit_name(package)}", kit)
        kit_download = download(kit_name(package), len(kit), locale)
    index = _index(package, downloads, kit_download, context, held, made.problems)
    if index is None:
        return made
    made.add(f"{where}/index.html", index)
    if not held:
        made.record = _record(package, pdfs, kit, context)
    return made


def _document_page(document: Document, pdf: Download, context, held: bool,
                   made: Made, where: str) -> str | None:
    body = context.body(document)
    if any(p.is_error for p in body.problems):  # reported with the document's own PDF
        made.problems.append(Problem(document.display_path, None, "Webseite nicht erstellt"))
        return None

    def local(match: re.Match) -> str:
        source = Path(unquote(urlsplit(match[1]).path))
        made.add(f"{where}/bilder/{source.name}", source.read_bytes())
        made.images.append(source)
        return f'src="bilder/{source.name}"'

    shown = _IMAGE.sub(local, body.web)
    release = document.release or document
    label = f"{release.label}{' ' + release.number if release.number else ''}"
    return render(context.env, WEB_TEMPLATE, context.config, made.problems,
                  doc=document, body=Markup(shown), pdf=pdf,
                  body_template=document.type.body_template, release_label=label,
                  **_site(document, held, context))


def _site(document: Document, held: bool, context) -> dict:
    values = common(document.language, document.publisher, context.config.quotes, held, 2)
    values["locale"] = document.babel_locale
    return values


def _index(package: Package, pdfs: list[Download], kit: Download | None, context, held: bool,
           problems: list[Problem]) -> str | None:
    entries = [{"doc": d, "page": f"{d.slug}.html", "pdf": f}
               for d, f in zip(package.documents, pdfs, strict=True)]
    release = package.release
    earlier = [] if held else context.earlier(package)
    earlier = [{**v, "date": dt.date.fromisoformat(v["date"])} for v in earlier]
    return render(context.env, INDEX_TEMPLATE, context.config, problems,
                  doc=release, entries=entries, kit=kit, earlier=earlier,
                  **_site(release, held, context))


def _withdrawn(package: Package, context) -> Made:
    """Where a withdrawn release was: a notice at the same addresses (its pages and its
    index), no PDF any more; its entry in the site's lists says so."""
    made = Made()
    where = f"{folder(package, context)}"
    for document in package.documents:
        shown = replace(document, withdrawn=package.release.withdrawn)
        html = render(context.env, WITHDRAWN_TEMPLATE, context.config, made.problems,
                      doc=shown, **_site(shown, False, context))
        if html is None:
            return made
        made.add(f"{where}/{document.slug}.html", html)
        if document is package.release:
            made.add(f"{where}/index.html", html)
    made.record = _record(package, {}, None, context)
    return made


def published_at(release: Document):
    """When a public release counts as published: its embargo, or the start of its day."""
    return release.embargo.at if release.embargo and release.embargo.at \
        else start_of(release.date)


def _record(package: Package, pdfs: dict[str, bytes], kit: bytes | None, context) -> dict:
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
        "slug": package.slug, "titel": release.title, "untertitel": release.subtitle,
        "nummer": release.number, "datum": release.date.isoformat(),
        "sprache": release.language, "leichte_sprache": release.easy,
        "original": release.original.slug if release.original else None,
        "veroeffentlicht": published_at(release).isoformat(),
        "zusammenfassung": release.subtitle
        or formatting.long_date(release.date, release.babel_locale),
        "vorspann": plaintext.lead(context.body(release).web),
        "seite": base + "index.html",
        "dokumente": [{"art": d.label, "titel": d.title, "seite": f"{base}{d.slug}.html",
                       "pdf": file(d.output_name, pdfs.get(d.slug))}
                      for d in package.documents],
        "pressemappe": file(kit_name(package), kit),
    }
