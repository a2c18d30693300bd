"""The output `site`: the public site's shared pages, made from the entries of the public
packages (`web.py` gives them; the manifest keeps them): the archive of all public
releases by year and month, the Atom feed, and the stylesheet of `web/` and `gesperrt/`."""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace

from babel import dates

from .doctypes import RELEASE
from .model import Withdrawal, withdrawal_summary
from .outputs import Made
from .packages import HELD, PUBLIC
from .templating import render
from .web import SITE_ROOT, common, shared_files

ARCHIVE_TEMPLATE, FEED_TEMPLATE = "web/archiv.html.j2", "web/feed.atom.j2"
#: The feed holds the newest releases (readers poll it; the archive has them all).
FEED_ENTRIES = 50
#: Stable ids of feed entries without a web address: UUIDs derived from the file name.
_FEED_NAMESPACE = uuid.UUID("6f1d2c8e-3b0a-5c4e-9a7d-2e8b1f0c4d5a")


def templates(site, context) -> list[str]:
    return [ARCHIVE_TEMPLATE, FEED_TEMPLATE]


def make(site, context) -> Made:
    config, made = context.config, Made()
    records = sorted(context.records(), key=lambda r: (r["datum"], r["slug"]), reverse=True)
    language, publisher = config.defaults.language, config.defaults.publisher
    archive = _archive(records, context, language, publisher, made)
    feed = _feed(records, context, language, publisher, made)
    if archive is not None and feed is not None:
        made.add(f"{PUBLIC}/index.html", archive)
        made.add(f"{PUBLIC}/feed.atom", feed)
    for where in (PUBLIC, HELD):
        made.files |= shared_files(config, f"{where}/")
    return made


def _shown(record: dict) -> SimpleNamespace:
    """What the templates use of an entry, as they used a document."""
    withdrawn = record.get("zurueckgezogen")
    corrections = record.get("korrekturen") or []
    return SimpleNamespace(
        slug=record["slug"], title=record["titel"], easy=record.get("leichte_sprache", False),
        lead=record.get("vorspann", ""), content=record.get("inhalt", ""),
        date=dt.date.fromisoformat(record["datum"]), language=record["sprache"],
        withdrawn=withdrawn and _withdrawal(record, withdrawn),
        corrected=corrections and SimpleNamespace(
            date=dt.date.fromisoformat(corrections[0]["datum"]), text=corrections[0]["text"]))


def _withdrawal(record: dict, withdrawn: dict) -> SimpleNamespace:
    """A withdrawn entry's date and reason, and the notice in its type's words and its
    language (the feed's summary)."""
    withdrawal = Withdrawal(dt.date.fromisoformat(withdrawn["datum"]), withdrawn["grund"])
    # An entry of a build before the type was recorded is a release's.
    summary = withdrawal_summary(record.get("typ", RELEASE.name), record["sprache"], withdrawal)
    return SimpleNamespace(date=withdrawal.date, reason=withdrawal.reason, summary=summary)


def _archive(records: list[dict], context, language: str, publisher, made: Made) -> str | None:
    """All public releases, newest first, by year and month."""
    years: dict[int, dict[int, list]] = {}
    for record in records:
        shown = _shown(record)
        years.setdefault(shown.date.year, {}).setdefault(shown.date.month, []).append(shown)
    locale = language.replace("-", "_")
    listing = [{"number": year, "months": [
        {"name": dates.get_month_names("wide", locale=locale)[month], "releases": docs}
        for month, docs in months.items()]} for year, months in years.items()]
    from .weekly import FOLDER, name, weeks

    previews = [{"href": f"{FOLDER.removeprefix(PUBLIC + '/')}/{name(year, week)}.html",
                 "week": week, "year": year} for year, week in weeks(records)]
    return render(context.env, ARCHIVE_TEMPLATE, context.config, made.problems,
                  years=listing, previews=previews[::-1],
                  **common(language, publisher, context.config.quotes, False, SITE_ROOT))


def _feed(records: list[dict], context, language: str, publisher, made: Made) -> str | None:
    """Atom 1.0: one entry per public release (with its PDF's size in bytes)."""
    base = context.config.web_address

    def stamp(record: dict, key: str = "veroeffentlicht") -> str:
        moment = dt.datetime.fromisoformat(record.get(key) or record["veroeffentlicht"])
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def identity(slug: str) -> str:
        return f"{base}{slug}/" if base else f"urn:uuid:{uuid.uuid5(_FEED_NAMESPACE, slug)}"

    entries = [{"doc": _shown(r), "id": identity(r["slug"]),
                "published": stamp(r), "updated": stamp(r, "aktualisiert"),
                "pdf": r["dokumente"][0]["pdf"],
                "summary": r.get("vorspann") or r["zusammenfassung"]}
               for r in records[:FEED_ENTRIES]]
    updated = max(e["updated"] for e in entries) if entries else \
        dt.datetime(2000, 1, 1, tzinfo=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return render(context.env, FEED_TEMPLATE, context.config, made.problems, language,
                  entries=entries, base=base or "", feed_id=identity("feed"), updated=updated,
                  publisher=publisher, locale=language.replace("-", "_"))
