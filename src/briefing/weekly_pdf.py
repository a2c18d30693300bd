"""The output `terminpdf`: the weekly preview (Terminvorschau) as one PDF per week
(`web/termine/terminvorschau-<Jahr>-KW<Woche>.pdf`, beside the week's page, which links
it): the week's public media advisories in the order they begin, each with when, where,
accreditation, photo call and livestream. Each week is a unit of its own, set by the
engine like every PDF (PDF/A-2a and PDF/UA-1), from the advisories' entries in the site's
list: a changed advisory makes its week's PDF again, and no other."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from . import formatting
from .i18n import gettext
from .outputs import Made, Part
from .templating import render
from .typography import quote_style_for
from .weekly import event, pdf_name, weeks

TEMPLATE = "terminvorschau.html.j2"


@dataclass(frozen=True)
class Week(Part):
    """One ISO week with public advisories (`records`: their entries, the unit's input)."""

    year: int = 0
    number: int = 0


def file_name(week: Week) -> str:
    return pdf_name(week.year, week.number)


def parts(records: list[dict], config) -> list[Week]:
    """A unit per week, named by its file as staff see it (`output/web/termine/…pdf`)."""
    return [Week(config.show(config.output_dir / pdf_name(year, number)), tuple(found), "",
                 year, number) for (year, number), found in weeks(records).items()]


def templates(week: Week, context) -> list[str]:
    return [TEMPLATE]


def files(week: Week) -> list[str]:
    return [file_name(week)]


def make(week: Week, context) -> Made:
    config, made = context.config, Made()
    language = config.defaults.language
    locale = language.replace("-", "_")
    monday = dt.date.fromisocalendar(week.year, week.number, 1)
    span = f"{formatting.long_date(monday, locale)} – " \
           f"{formatting.long_date(monday + dt.timedelta(days=6), locale)}"
    title = f"{gettext(language, 'Terminvorschau')} {gettext(language, 'KW')} " \
            f"{week.number}/{week.year}"
    publisher = config.defaults.publisher
    # The letterhead and the contact, as on the office's other documents.
    sender = SimpleNamespace(publisher=publisher, contact=config.defaults.contact)
    records = context.whole(week.records)
    # Dated by its advisories: the same entries give the same bytes.
    created = min(r["veroeffentlicht"] for r in records)[:10]
    modified = max(r["aktualisiert"] for r in records)[:10]
    html = render(context.env, TEMPLATE, config, made.problems, language,
                  title=title, week=week.number, year=week.year, span=span,
                  # Links only to a site with an address: a PDF has no place to be
                  # relative to.
                  events=[event(r, locale, config.web_address) for r in records],
                  linked=bool(config.web_address),
                  publisher=publisher, doc=sender, locale=locale,
                  quotes=quote_style_for(language, config.quotes),
                  subject=f"{title}: {span}", created=created, modified=modified,
                  keywords=[gettext(language, "Terminvorschau"), publisher.name])
    if html is not None:
        made.page = (context.config.show(config.output_dir / file_name(week)), html)
    return made
