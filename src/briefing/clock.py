"""The current time, in one place: tests fix it here (`briefing.clock.now`), and the no-op
build asks it without importing anything heavy."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
