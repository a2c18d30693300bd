"""The current time and the office's time zone, in one place: tests fix the clock here
(`briefing.clock.now`), every module asks it, and the no-op build asks it without
importing anything heavy."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

#: The office's time zone: embargoes, publication times and dates are Berlin time.
BERLIN = ZoneInfo("Europe/Berlin")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today in Berlin (from `now`, so a fixed clock fixes it too)."""
    return now().astimezone(BERLIN).date()


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day`, Berlin time."""
    return dt.datetime.combine(day, dt.time(), BERLIN)
