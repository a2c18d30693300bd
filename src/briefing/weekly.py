"""The output `termine`: the weekly preview (Terminvorschau) — for every week with public
media advisories, one web page (`web/termine/<Jahr>-KW<Woche>.html`, linking the week's
PDF that `weekly_pdf.py` sets beside it) and one e-mail text
(`e-mail/terminvorschau-<Jahr>-KW<Woche>.txt`), the week's events in the order they begin.
Made from the advisories' entries in the site's list (their front matter, typeset), so a
changed advisory changes its week; nothing is copied by hand."""

from __future__ import annotations

import datetime as dt

from . import formatting
from .clock import BERLIN
from .i18n import gettext
from .outputs import Made, Part, once_per_list
from .packages import PUBLIC
from .templating import render
from .web import Download, Place, common, download

TEMPLATE = "web/terminvorschau.html.j2"
FOLDER = f"{PUBLIC}/termine"
#: The pages stand one folder below the archive.
PLACE = Place("../briefing.css", "../index.html", "../feed.atom")


def templates(site, context) -> list[str]:
    return [TEMPLATE]


@once_per_list
def weeks(records: list[dict]) -> dict[tuple[int, int], list[dict]]:
    """(ISO year, week) → the public advisories beginning in it, in order."""
    found: dict[tuple[int, int], list[dict]] = {}
    for record in records:
        event = record.get("termin")
        if not event or record.get("zurueckgezogen"):
            continue
        starts = dt.datetime.fromisoformat(event["beginn"]).astimezone(BERLIN)
        year, week, _ = starts.isocalendar()
        found.setdefault((year, week), []).append(record)
    return {key: sorted(items, key=lambda r: (r["termin"]["beginn"], r["slug"]))
            for key, items in sorted(found.items())}


def parts(records: list[dict], config) -> list[Part]:
    """One part of the advisories' entries: a release's change does not touch it."""
    return [Part("", tuple(r for r in records if r.get("termin")))]


def name(year: int, week: int) -> str:
    return f"{year}-KW{week:02d}"


def pdf_name(year: int, week: int) -> str:
    """The week's PDF beside its page (output `terminpdf`)."""
    return f"{FOLDER}/terminvorschau-{name(year, week)}.pdf"


def make(site, context) -> Made:
    config, made = context.config, Made()
    language = config.defaults.language
    locale = language.replace("-", "_")
    for (year, week), records in weeks(context.records()).items():
        records = context.whole(records)
        monday = dt.date.fromisocalendar(year, week, 1)
        span = f"{formatting.long_date(monday, locale)} – " \
               f"{formatting.long_date(monday + dt.timedelta(days=6), locale)}"
        events = [event(r, locale) for r in records]
        file = pdf_name(year, week)
        data = context.files("terminpdf", config.show(config.output_dir / file)).get(file)
        pdf = download(file.rsplit("/", 1)[1], len(data), locale) if data is not None \
            else None  # not set (an error, reported with it)
        html = render(context.env, TEMPLATE, config, made.problems, week=week, year=year,
                      span=span, events=events, pdf=pdf,
                      **common(language, config.defaults.publisher, config.quotes, False,
                               PLACE))
        if html is None:
            return made
        made.add(f"{FOLDER}/{name(year, week)}.html", html)
        made.add(f"e-mail/terminvorschau-{name(year, week)}.txt",
                 _text(language, config, week, span, events, pdf))
    return made


def event(record: dict, locale: str, base: str | None = None) -> dict:
    """What the page, the text and the PDF show of an advisory; its page and calendar
    file relative to the week's page, or absolute under `base` (the site's address)."""
    facts = record["termin"]
    starts = dt.datetime.fromisoformat(facts["beginn"])
    ends = dt.datetime.fromisoformat(facts["ende"]) if facts["ende"] else None
    where = base or "../"
    return {"title": record["titel"], "page": f"{where}{record['seite']}",
            "calendar": f"{where}{facts['kalender']}",
            "when": formatting.event_time(starts, locale, ends),
            "where": ", ".join(p for p in (facts["ort"], facts["adresse"]) if p),
            "accreditation": facts["akkreditierung"], "photo_call": facts["fototermin"],
            "livestream": facts["livestream"], "language": record["sprache"]}


def _text(language: str, config, week: int, span: str, events: list[dict],
          pdf: Download | None) -> str:
    """The week as the e-mail to the distribution list (72 columns, as mail.py)."""
    from .mail import wrap

    def said(text: str) -> str:
        return gettext(language, text)

    lines = [f"{said('Terminvorschau').upper()} {span} ({said('KW')} {week}) · "
             f"{config.defaults.publisher.name}", ""]
    for event in events:
        lines += wrap(event["when"]) + wrap(event["title"]) + wrap(event["where"])
        for label, value in ((said("Akkreditierung"), event["accreditation"]),
                             (said("Fototermin"), event["photo_call"]),
                             (said("Livestream"), event["livestream"])):
            if value:
                lines += wrap(f"{label}: {value}", indent="  ")
        if config.web_address:
            lines.append(config.web_address + event["page"].removeprefix("../"))
        lines.append("")
    if pdf and config.web_address:
        lines += wrap(f"{said('Terminvorschau als PDF')} ({pdf.size}): "
                      f"{config.web_address}{FOLDER.removeprefix(PUBLIC + '/')}/{pdf.name}")
    return "\n".join(lines).rstrip() + "\n"
