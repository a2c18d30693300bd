"""Release → accessible web pages: one page per document, an index page per release, the
archive of all public releases by year and month, and an Atom feed. Plain HTML5 with
landmarks and no JavaScript; the stylesheet serves screen and print (templates/web/)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from babel import dates
from jinja2 import Environment
from markupsafe import Markup

from . import formatting
from .errors import Problem
from .markup import render_body
from .model import Document
from .paths import Paths
from .templating import BODY_TEMPLATES, render, typeset_document
from .typography import quote_style_for

#: Stable ids of feed entries without a web address: UUIDs derived from the file name.
_FEED_NAMESPACE = uuid.UUID("6f1d2c8e-3b0a-5c4e-9a7d-2e8b1f0c4d5a")
_IMAGE = re.compile(r'src="(file://[^"]+)"')


@dataclass(frozen=True)
class Download:
    """A file a page links to, with its size as people read it (`52 kB`)."""

    name: str
    size: str
    bytes: int


def download(name: str, size: int, locale: str) -> Download:
    if size < 1_000_000:
        shown = f"{formatting.number(max(1, round(size / 1000)), locale)}\u00a0kB"
    else:
        shown = f"{formatting.number(size / 1_000_000, locale, 1)}\u00a0MB"
    return Download(name, shown, size)


def _site(document: Document, held: bool, depth: int, quotes) -> dict:
    context = common(document.language, document.publisher, quotes, held, depth)
    context["locale"] = document.babel_locale
    return context


@dataclass
class WebPage:
    html: str | None
    problems: list[Problem]
    #: Images the page shows: (file name in the page's folder, source file).
    images: list[tuple[str, Path]]
    #: The body alone (notes at the end), as the e-mail takes it.
    body: str = ""


def common(language: str, publisher, quotes, held: bool, depth: int) -> dict:
    """What every web page template gets (`quotes`: the project's style)."""
    up = "../" * depth
    return {"language": language, "publisher": publisher, "held": held,
            "css": f"{up}briefing.css", "home": f"{up}index.html",
            "feed": None if held else f"{up}feed.atom",
            "locale": language.replace("-", "_"), "quotes": quote_style_for(language, quotes)}


def document_page(document: Document, pdf: Download, env: Environment, paths: Paths,
                  quotes, held: bool) -> WebPage:
    body = render_body(document, quotes, paths.content_dir, web=True)
    page = WebPage(None, list(body.problems), [], body.html)
    if any(p.is_error for p in body.problems):
        return page

    def local(match: re.Match) -> str:
        source = Path(unquote(urlsplit(match[1]).path))
        name = f"bilder/{source.name}"
        page.images.append((name, source))
        return f'src="{name}"'

    style = quote_style_for(document.language, quotes)
    shown = typeset_document(document, style)
    release = shown.release or shown
    label = f"{release.label}{' ' + release.number if release.number else ''}"
    page.html = render(env, "web/dokument.html.j2", paths, page.problems, doc=shown,
                       body=Markup(_IMAGE.sub(local, body.html)), pdf=pdf,
                       body_template=BODY_TEMPLATES[document.kind],
                       release_label=label, **_site(shown, held, 2, quotes))
    return page


def release_index(documents: list[Document], pages: list[str], pdfs: list[Download],
                  kit: Download | None, env: Environment, paths: Paths, quotes,
                  held: bool, problems: list[Problem]) -> str | None:
    style = quote_style_for(documents[0].language, quotes)
    shown = [typeset_document(d, style) for d in documents]
    entries = [{"doc": d, "page": p, "pdf": f} for d, p, f in zip(shown, pages, pdfs,
                                                                   strict=True)]
    return render(env, "web/mitteilung.html.j2", paths, problems, doc=shown[0],
                  entries=entries, kit=kit, **_site(shown[0], held, 2, quotes))


def archive(releases: list[Document], env: Environment, paths: Paths, quotes, language: str,
            publisher, problems: list[Problem]) -> str | None:
    """All public releases, newest first, by year and month."""
    years: dict[int, dict[int, list]] = {}
    for release in sorted(releases, key=lambda d: (d.date, d.slug), reverse=True):
        style = quote_style_for(release.language, quotes)
        years.setdefault(release.date.year, {}).setdefault(release.date.month, []).append(
            typeset_document(release, style))
    locale = language.replace("-", "_")
    listing = [{"number": year, "months": [
        {"name": dates.get_month_names("wide", locale=locale)[month], "releases": docs}
        for month, docs in months.items()]} for year, months in years.items()]
    return render(env, "web/archiv.html.j2", paths, problems, years=listing,
                  **common(language, publisher, quotes, False, 0))


def feed(releases: list[tuple[Document, int]], env: Environment, paths: Paths,
         base: str | None, language: str, publisher, problems: list[Problem]) -> str | None:
    """Atom 1.0: one entry per public release (with its PDF's size in bytes)."""

    def stamp(release: Document) -> str:
        moment = release.embargo.at if release.embargo and release.embargo.at else \
            dt.datetime.combine(release.date, dt.time(), formatting.BERLIN)
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def identity(slug: str) -> str:
        return f"{base}{slug}/" if base else f"urn:uuid:{uuid.uuid5(_FEED_NAMESPACE, slug)}"

    ordered = sorted(releases, key=lambda item: (item[0].date, item[0].slug), reverse=True)
    entries = [{"doc": d, "id": identity(d.slug), "updated": stamp(d), "pdf_bytes": size,
                "summary": d.subtitle or formatting.long_date(d.date, d.babel_locale)}
               for d, size in ordered]
    updated = entries[0]["updated"] if entries else \
        dt.datetime(2000, 1, 1, tzinfo=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return render(env, "web/feed.atom.j2", paths, problems, entries=entries, base=base,
                  feed_id=identity("feed"), updated=updated, language=language,
                  publisher=publisher, locale=language.replace("-", "_"))
