"""A media advisory → its calendar file (`.ics`, RFC 5545) for the journalist's calendar:
one event in Europe/Berlin time with its VTIMEZONE, the place with its address, the
advisory's page as URL when the site has an address. Made with `icalendar`: escaping,
line folding and the time-zone definition are the library's. The same advisory gives the
same bytes (the stamp is the advisory's date, not the build's clock)."""

from __future__ import annotations

import datetime as dt

from . import formatting
from .clock import BERLIN, start_of
from .i18n import N_, gettext
from .model import Document

PRODUCT = "-//briefing//Pressestelle//DE"


def file_name(document: Document) -> str:
    return f"{document.slug}.ics"


def facts(document: Document, when_where: bool = True) -> list[tuple[str, str]]:
    """(label, value) of the event as the e-mail and the calendar say it beside the text:
    when, where (unless `when_where` is False: a calendar has its own fields for them),
    accreditation, photo call, livestream; labels in its language, plain words in Leichte
    Sprache, as on its page (partials/terminhinweis-body.html.j2)."""
    easy = document.easy
    rows = [((N_("Akkreditierung"), N_("Anmeldung")), document.accreditation),
            ((N_("Fototermin"), N_("Fotos")), document.photo_call),
            ((N_("Livestream"), N_("Im Internet")), document.livestream)]
    if when_where:
        rows[:0] = [((N_("Wann"), N_("Wann?")), formatting.event_time(
                        document.starts, document.babel_locale, document.ends, easy=easy)),
                    ((N_("Wo"), N_("Wo?")),
                     ", ".join(p for p in (document.place, document.address) if p))]
    return [(gettext(document.language, labels[easy]), value) for labels, value in rows
            if value]


def calendar(document: Document, description: str, config) -> bytes:
    """The advisory as one VEVENT; `description`: its text as plain text."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODUCT)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    address = config.web_address
    event.add("uid", f"{document.slug}@{_host(address)}")
    # Each correction, and a withdrawal, is a new revision a calendar must take.
    changed = [document.date, *(c.date for c in document.corrections)]
    if document.withdrawn:
        changed.append(document.withdrawn.date)
    event.add("dtstamp", start_of(max(changed)).astimezone(dt.UTC))
    event.add("sequence", len(changed) - 1)
    event.add("dtstart", document.starts.astimezone(BERLIN))
    if document.ends:
        event.add("dtend", document.ends.astimezone(BERLIN))
    event.add("summary", _plain(document.title))
    event.add("location", ", ".join(_plain(p) for p in (document.place, document.address) if p))
    event.add("description", description)
    if address:
        event.add("url", f"{address}{document.slug}/{document.slug}.html")
    if document.withdrawn:
        event.add("status", "CANCELLED")
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ")


def _host(address: str | None) -> str:
    """The UID's domain: the site's host, or a reserved one without an address."""
    if not address:
        return "briefing.invalid"
    return address.split("//", 1)[1].split("/", 1)[0]
