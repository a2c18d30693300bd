import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from briefing import formatting as f

NB = "\u00a0"
DAY = dt.date(2025, 10, 29)


@pytest.mark.parametrize(("call", "expected"), [
    (lambda: f.long_date(DAY, "de_DE"), f"29.{NB}Oktober{NB}2025"),
    (lambda: f.long_date(dt.date(2025, 3, 5), "de_DE"), f"5.{NB}März{NB}2025"),
    (lambda: f.long_date(DAY, "pl_PL"), f"29{NB}października{NB}2025"),
    (lambda: f.long_date(DAY, "cs_CZ"), f"29.{NB}října{NB}2025"),
    (lambda: f.numeric_date(DAY, "de_DE"), "29.10.2025"),
    (lambda: f.numeric_date(dt.date(2025, 3, 5), "de_DE"), "05.03.2025"),
    (lambda: f.numeric_date(dt.date(2025, 3, 5), "pl_PL"), "05.03.2025"),
    (lambda: f.time(dt.time(14, 0), "de_DE"), f"14:00{NB}Uhr"),
    (lambda: f.time(dt.time(9, 5), "de_DE"), f"09:05{NB}Uhr"),
    (lambda: f.date_time(dt.datetime(2025, 10, 29, 14, 0, tzinfo=ZoneInfo("Europe/Berlin")),
                         "de_DE"), f"29.{NB}Oktober{NB}2025, 14:00{NB}Uhr"),
    # 13:00 UTC is 14:00 in Berlin (CET, winter time).
    (lambda: f.date_time(dt.datetime(2025, 10, 29, 13, 0, tzinfo=dt.UTC), "de_DE"),
     f"29.{NB}Oktober{NB}2025, 14:00{NB}Uhr"),
    (lambda: f.number(1234.56, "de_DE"), "1.234,56"),
    (lambda: f.number(3772, "de_DE"), "3.772"),
    (lambda: f.number(2.5, "de_DE", 0), "3"),
    (lambda: f.number(Decimal("0.125"), "de_DE", 2), "0,13"),
    (lambda: f.currency(12.5, "de_DE"), f"12,50{NB}€"),
    (lambda: f.currency(0.125, "de_DE"), f"0,13{NB}€"),
    (lambda: f.percent(0.12, "de_DE"), f"12{NB}%"),
    (lambda: f.percent(0.125, "de_DE"), f"13{NB}%"),
    (lambda: f.percent(0.1234, "de_DE", 1), f"12,3{NB}%"),
    (lambda: f.compact_amount(1_500_000, "de_DE"), f"1,5{NB}Mio.{NB}Euro"),
    (lambda: f.compact_amount(1_250_000, "de_DE"), f"1,3{NB}Mio.{NB}Euro"),
    (lambda: f.compact_amount(2_000_000_000, "de_DE"), f"2{NB}Mrd.{NB}Euro"),
    (lambda: f.compact_amount(12_000, "de_DE"), f"12.000{NB}Euro"),
    (lambda: f.compact_amount(1_500_000, "de_DE", None), f"1,5{NB}Mio."),
    (lambda: f.join_list(["A", "B", "C"], "de_DE"), "A, B und C"),
    (lambda: f.join_list(["A", "B"], "de_DE"), "A und B"),
])
def test_formatting(call, expected):
    assert call() == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("0351 564-12345", "0351 564-12345"),
    ("(0351) 564-12345", "0351 564-12345"),
    ("0351/564-12345", "0351 564-12345"),
    ("0351 / 564 - 12345", "0351 564-12345"),
    ("+49 (0)351 564-12345", "+49 351 564-12345"),
    ("+49 351 56412345", "+49 351 56412345"),
])
def test_phone_din_5008(raw, expected):
    assert f.normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["presse@example.org", "0351", "0351-abc", "++49 351"])
def test_phone_rejects(raw):
    with pytest.raises(ValueError):
        f.normalize_phone(raw)


@pytest.mark.parametrize(("locale", "expected"), [
    ("de_DE", "29.10.2025"), ("cs_CZ", "29.\u00a010.\u00a02025"), ("pl_PL", "29.10.2025"),
    ("en_GB", "29/10/2025"), ("hsb_DE", "29.10.2025"), ("de_DE", "29.10.2025")])
def test_numeric_date_in_each_language(locale, expected):
    assert f.numeric_date(dt.date(2025, 10, 29), locale) == expected
    assert f.numeric_date(dt.date(2025, 3, 1), "cs_CZ") == "1.\u00a03.\u00a02025"


@pytest.mark.parametrize("language", ["de", "en", "pl", "cs", "hsb", "it", "nl", "fr"])
def test_percent_in_running_text_as_the_language_writes_it(language):
    from babel import Locale

    from briefing.typography import set_spacing

    spaced = " " in Locale.parse(language).percent_formats[None].pattern.replace("\u00a0", " ")
    gap = "\u00a0" if spaced else ""
    for typed in ("90 %", "90%", "90\u00a0%"):
        assert set_spacing(f"rund {typed} der Befragten", language) == \
            f"rund 90{gap}% der Befragten"
