"""The output `site`: the public site's shared pages, made from the entries of the public
packages (`web.py` gives them; the manifest keeps them), in parts that stay small however
long the archive grows:

- the start page `web/index.html` with the newest releases (`[web] neueste`, 50), the
  weekly previews and the years of the archive, with the Atom feed `web/feed.atom` (the
  newest entries by their last change, so a correction reaches readers) and the
  stylesheet and fonts of `web/` and `gesperrt/`;
- one archive page per year, `web/archiv/<Jahr>.html`, by month; a year of more than
  `MONTH_PAGES` releases gets one page per month (`web/archiv/<Jahr>-<MM>.html`), each a
  part of its own, and the year page lists the months (remade when their counts change).

Each part is remade only when the entries it shows change; older entries leave the feed
and stay in the archive (the archive, not RFC 5005 archived feeds: feed readers hardly
page back, and people and search engines find old releases on the year pages)."""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace

from babel import dates

from .doctypes import RELEASE
from .model import Withdrawal, withdrawal_summary
from .outputs import Made, Part, once_per_list
from .packages import HELD, PUBLIC
from .templating import render
from .web import SITE_ROOT, Place, common, shared_files

ARCHIVE_TEMPLATE, FEED_TEMPLATE = "web/archiv.html.j2", "web/feed.atom.j2"
YEAR_TEMPLATE = "web/archiv-jahr.html.j2"
#: A year with more releases than this is paged by month.
MONTH_PAGES = 250
ARCHIVE = "archiv"
#: The year and month pages stand one folder below the start page.
IN_ARCHIVE = Place("../briefing.css", "../index.html", "../feed.atom")
#: Stable ids of feed entries without a web address: UUIDs derived from the file name.
_FEED_NAMESPACE = uuid.UUID("6f1d2c8e-3b0a-5c4e-9a7d-2e8b1f0c4d5a")


def templates(part, context) -> list[str]:
    return [YEAR_TEMPLATE] if part.key else [ARCHIVE_TEMPLATE, FEED_TEMPLATE]


@once_per_list
def _newest_first(records) -> list[dict]:
    return sorted(records, key=lambda r: (r["datum"], r["slug"]), reverse=True)


def _last_changed(record: dict) -> str:
    return max(record.get("aktualisiert") or "", record.get("veroeffentlicht") or "")


@once_per_list
def _last_changed_first(records) -> list[dict]:
    return sorted(records, key=lambda r: (_last_changed(r), r["slug"]), reverse=True)


@once_per_list
def by_year(records) -> dict[int, list[dict]]:
    """Year → its entries, newest first (the years newest first)."""
    years: dict[int, list[dict]] = {}
    for record in _newest_first(records):
        years.setdefault(int(record["datum"][:4]), []).append(record)
    return years


def parts(records: list[dict], config) -> list[Part]:
    """The start page with the feed (the newest entries by date and by last change, the
    years and weeks it links), and one part per year."""
    from .weekly import weeks

    newest = {r["slug"]: r for r in _newest_first(records)[:config.newest]}
    newest |= {r["slug"]: r for r in _last_changed_first(records)[:config.newest]}
    years = by_year(records)
    shape = repr([(year, len(found)) for year, found in years.items()]) + \
        repr(list(weeks(records)))
    # Each year's page links every year.
    listed = repr(list(years))
    found = [Part("", tuple(newest[k] for k in sorted(newest)), shape)]
    for year, entries in years.items():
        if len(entries) <= MONTH_PAGES:
            found.append(Part(f"{ARCHIVE}/{year}", tuple(entries), listed))
            continue
        months = by_month(entries)
        # A long year's page shows its months and how many each has.
        found.append(Part(f"{ARCHIVE}/{year}", (),
                          listed + repr([(month, len(m)) for month, m in months.items()])))
        found += [Part(f"{ARCHIVE}/{year}-{month:02d}", tuple(m), listed)
                  for month, m in months.items()]
    return found


def by_month(records: list[dict]) -> dict[int, list[dict]]:
    """Month → its entries, in the order given (newest first)."""
    months: dict[int, list[dict]] = {}
    for record in records:
        months.setdefault(int(record["datum"][5:7]), []).append(record)
    return months


def make(part: Part, context) -> Made:
    if part.key:
        return _year(part, context)
    config, made = context.config, Made()
    records = context.records()
    language, publisher = config.defaults.language, config.defaults.publisher
    archive = _start(records, context, language, publisher, made)
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


def _months(records: list[dict], locale: str, prefix: str) -> list[dict]:
    """The entries by month, newest first, as the templates show them (`prefix`: from the
    page to the site's root)."""
    names = dates.get_month_names("wide", locale=locale)
    months: dict[int, list] = {}
    for record in records:
        shown = _shown(record)
        shown.href = f"{prefix}{shown.slug}/index.html"
        months.setdefault(shown.date.month, []).append(shown)
    return [{"number": month, "name": names[month], "releases": docs}
            for month, docs in months.items()]


def _start(records: list[dict], context, language: str, publisher, made: Made) -> str | None:
    """The newest releases by year and month, the weekly previews, the years."""
    from .weekly import FOLDER, name, weeks

    config = context.config
    locale = language.replace("-", "_")
    newest = by_year(context.whole(_newest_first(records)[:config.newest]))
    listing = [{"number": year, "months": _months(found, locale, "")}
               for year, found in newest.items()]
    years = [{"number": year, "count": len(found), "href": f"{ARCHIVE}/{year}.html"}
             for year, found in by_year(records).items()]
    previews = [{"href": f"{FOLDER.removeprefix(PUBLIC + '/')}/{name(year, week)}.html",
                 "week": week, "year": year} for year, week in weeks(records)]
    return render(context.env, ARCHIVE_TEMPLATE, config, made.problems, years=listing,
                  archive=years, previews=previews[::-1], newest=config.newest,
                  **common(language, publisher, config.quotes, False, SITE_ROOT))


def _year(part: Part, context) -> Made:
    """A year's page (by month); a long year's lists its months, and each month is a
    part with a page of its own."""
    config, made = context.config, Made()
    language, publisher = config.defaults.language, config.defaults.publisher
    locale = language.replace("-", "_")
    year, _, month_number = part.key.rpartition("/")[2].partition("-")
    year = int(year)
    everything = by_year(context.records())
    years = list(everything)
    values = common(language, publisher, config.quotes, False, IN_ARCHIVE)
    if month_number:  # one month of a long year
        (month,) = _months(context.whole(part.records), locale, "../")
        html = render(context.env, YEAR_TEMPLATE, config, made.problems, year=year,
                      years=years, months=[month], month=month, paged=False, count=0,
                      **values)
        if html is not None:
            made.add(f"{PUBLIC}/{part.key}.html", html)
        return made
    records = context.whole(part.records or everything.get(year, []))
    paged = len(records) > MONTH_PAGES
    months = _months(records, locale, "../")
    for month in months if paged else []:
        month["href"] = f"{year}-{month['number']:02d}.html"
    html = render(context.env, YEAR_TEMPLATE, config, made.problems, year=year, years=years,
                  months=months, month=None, paged=paged, count=len(records), **values)
    if html is not None:
        made.add(f"{PUBLIC}/{part.key}.html", html)
    return made


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
               for r in context.whole(_last_changed_first(records)[:context.config.newest])]
    updated = max(e["updated"] for e in entries) if entries else \
        dt.datetime(2000, 1, 1, tzinfo=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return render(context.env, FEED_TEMPLATE, context.config, made.problems, language,
                  entries=entries, base=base or "", feed_id=identity("feed"), updated=updated,
                  publisher=publisher, locale=language.replace("-", "_"))
