"""Locale formatting with Babel: dates, times, numbers, money, lists, phone numbers.

Every function takes the Babel locale (`de_DE`) explicitly; nothing touches the process
locale. Rules on top of Babel, as the press office writes:
- rounding is half-up (Babel rounds half-even: 2.5 → 2);
- a formatted value never breaks across lines: its inner spaces are no-break spaces
  (Babel sets them for percent and currency, not for dates or »Mio.«);
- the numeric date has a four-digit year and two-digit day and month (DIN 5008).
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Iterable
from decimal import Decimal

from babel import Locale, dates, lists, numbers

from .clock import BERLIN

NBSP = "\u00a0"

Number = int | float | Decimal


def _glue(text: str) -> str:
    """Make a formatted value unbreakable: every plain or narrow space becomes a no-break
    space (U+202F is also missing from many text fonts)."""
    return re.sub(r"[ \u202f]", NBSP, text)


def _decimal(value: Number) -> Decimal:
    # str() first: Decimal(0.125) would carry the binary error into the rounding.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _half_up():
    return decimal.localcontext(rounding=decimal.ROUND_HALF_UP)


def long_date(value: dt.date, locale: str) -> str:
    """`29. Oktober 2025` (running text)."""
    return _glue(dates.format_date(value, "long", locale=locale))


def german_long_date(value: dt.date) -> str:
    """`29. Oktober 2025` with plain spaces: as staff type it in a dateline."""
    return long_date(value, "de_DE").replace(NBSP, " ")


def numeric_date(value: dt.date, locale: str) -> str:
    """`29.10.2025`: the locale's short pattern with full year, two-digit day and month
    (DIN 5008); where the locale spaces its numeric date (Czech, Slovak: `29. 10. 2025`,
    CLDR's medium pattern), that form, unbreakable."""
    formats = Locale.parse(locale).date_formats
    spaced = formats["medium"].pattern
    if "MMM" not in spaced and " " in spaced:
        return _glue(dates.format_date(value, spaced, locale=locale))
    pattern = re.sub(r"y+", "y", formats["short"].pattern)
    pattern = re.sub(r"(?<!d)d(?!d)", "dd", pattern)
    pattern = re.sub(r"(?<!M)M(?!M)", "MM", pattern)
    return dates.format_date(value, pattern, locale=locale)


def time(value: dt.time | dt.datetime, locale: str) -> str:
    """`14:00 Uhr` in German, the locale's short time elsewhere."""
    text = dates.format_time(value, "short", locale=locale)
    if Locale.parse(locale).language == "de":
        text += " Uhr"
    return _glue(text)


def date_time(value: dt.datetime, locale: str, weekday: bool = False) -> str:
    """`29. Oktober 2025, 14:00 Uhr` (with `weekday`: `Mittwoch, 29. Oktober 2025, 14:00
    Uhr`), always in Berlin time (embargoes)."""
    local = value.astimezone(BERLIN) if value.tzinfo else value.replace(tzinfo=BERLIN)
    day = _glue(dates.format_date(local.date(), "full", locale=locale)) if weekday \
        else long_date(local.date(), locale)
    return f"{day}, {time(local.time(), locale)}"


def event_time(starts: dt.datetime, locale: str, ends: dt.datetime | None = None,
               easy: bool = False) -> str:
    """When an event is: `Freitag, 14. November 2025, 10:00–11:30 Uhr` (Berlin time);
    an end on another day with its own date. `easy` (Leichte Sprache, German): `…, von
    10:00 Uhr bis 11:30 Uhr`, no dash between numbers."""
    begin = starts.astimezone(BERLIN)
    if ends is None:
        return date_time(begin, locale, weekday=True)
    end = ends.astimezone(BERLIN)
    if easy and Locale.parse(locale).language == "de":
        if end.date() != begin.date():
            return f"von {date_time(begin, locale, True)} bis {date_time(end, locale, True)}"
        day = _glue(dates.format_date(begin.date(), "full", locale=locale))
        return f"{day}, von {time(begin.time(), locale)} bis {time(end.time(), locale)}"
    if end.date() != begin.date():
        return f"{date_time(begin, locale, weekday=True)} – {date_time(end, locale, True)}"
    day = _glue(dates.format_date(begin.date(), "full", locale=locale))
    first = dates.format_time(begin.time(), "short", locale=locale)
    last = time(end.time(), locale)  # with »Uhr« in German
    return f"{day}, {_glue(first)}–{last}"


def embargo(value, locale: str) -> str:
    """An embargo as printed after »Sperrfrist:«: the moment with weekday, or its text."""
    return date_time(value.at, locale, weekday=True) if value.at else value.text


def number(value: Number, locale: str, digits: int | None = None) -> str:
    """`1.234,56`; with `digits`, exactly that many decimals (rounded half-up)."""
    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    with _half_up():
        return _glue(numbers.format_decimal(_decimal(value), pattern, locale=locale))


def currency(value: Number, locale: str, code: str = "EUR") -> str:
    """`12,50 €`."""
    with _half_up():
        return _glue(numbers.format_currency(_decimal(value), code, locale=locale))


def percent(value: Number, locale: str, digits: int = 0) -> str:
    """`12 %` for 0.12; `digits` decimals, half-up."""
    pattern = None
    if digits:
        pattern = Locale.parse(locale).percent_formats[None].pattern.replace(
            "0", "0." + "0" * digits, 1)
    with _half_up():
        return _glue(numbers.format_percent(_decimal(value), pattern, locale=locale))


def compact_amount(value: Number, locale: str, code: str | None = "EUR") -> str:
    """`1,5 Mio. Euro`, `2 Mrd. Euro`; below a million the full number (`12.000 Euro`),
    since Babel leaves `12000` ungrouped and German press texts do not write »Tsd.«."""
    amount = _decimal(value)
    with _half_up():
        if abs(amount) >= 1_000_000:
            text = numbers.format_compact_decimal(amount, locale=locale, fraction_digits=1)
        else:
            text = numbers.format_decimal(amount, locale=locale)
    if code:
        count = 1 if amount == 1 else 2
        text += " " + numbers.get_currency_name(code, count=count, locale=locale)
    return _glue(text)


def file_size(size: int, locale: str) -> str:
    """A file's size as people read it: `52 kB`, `1,2 MB`."""
    if size < 1_000_000:
        return f"{number(max(1, round(size / 1000)), locale)}{NBSP}kB"
    return f"{number(size / 1_000_000, locale, 1)}{NBSP}MB"


def join_list(items: Iterable[str], locale: str) -> str:
    """`A, B und C`."""
    return lists.format_list([str(item) for item in items], locale=locale)


def normalize_phone(text: str) -> str:
    """A phone number in DIN 5008 form: `+49 351 564-12345` or `0351 564-12345`.

    Accepts the usual office spellings — `(0351) 564-12345`, `0351/564-12345`,
    `+49 (0)351 56412345` — and rejects anything that is not a phone number.
    """
    phone = " ".join(text.split())
    phone = re.sub(r"^(\+\d+)\s*\(0\)\s*", r"\1 ", phone)
    phone = re.sub(r"^\((0\d+)\)\s*", r"\1 ", phone)
    phone = re.sub(r"\s*/\s*", " ", phone)
    phone = re.sub(r"\s*-\s*", "-", phone)
    if not re.fullmatch(r"(\+\d{1,3} )?\d+( \d+)*(-\d+)?", phone):
        raise ValueError(text)
    if len(re.sub(r"\D", "", phone)) < 5:
        raise ValueError(text)
    return phone
