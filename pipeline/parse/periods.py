"""The one period parser: months as Indonesian reports write them, always returned as the month's first day."""

from __future__ import annotations

import datetime as dt
import re

# The months as Indonesian reports write them, for what the pipeline writes (the report, the demo files).
MONTH_NAMES = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTHS = {
    "januari": 1,
    "jan": 1,
    "january": 1,
    "februari": 2,
    "feb": 2,
    "pebruari": 2,
    "peb": 2,
    "february": 2,
    "maret": 3,
    "mar": 3,
    "march": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "juni": 6,
    "jun": 6,
    "june": 6,
    "juli": 7,
    "jul": 7,
    "july": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "agus": 8,
    "ags": 8,
    "aug": 8,
    "august": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "oct": 10,
    "october": 10,
    "november": 11,
    "nov": 11,
    "nop": 11,
    "nopember": 11,
    "desember": 12,
    "des": 12,
    "dec": 12,
    "december": 12,
}
_MONTH_WORD = "|".join(sorted(MONTHS, key=len, reverse=True))


class PeriodError(ValueError):
    """A cell that is not a month; the message says why."""


def parse_period(value: object, year: object = None) -> dt.date:
    """'2021-09', '2021-09-30', 'September 2021', 'Agt 2024', '09/2021', a date cell -> date(YYYY, MM, 1).

    A bare month name ('September') needs `year` (from a Tahun column).
    """
    if isinstance(value, dt.datetime):
        return dt.date(value.year, value.month, 1)
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, 1)
    text = "" if value is None else str(value).strip()
    if not text:
        raise PeriodError("the period is empty")
    found = find_period(text)
    if found is not None:
        return found
    if re.fullmatch(r"\d{1,2}(\.0)?", text) and year is not None:
        return _month(_year(year, text), int(float(text)), text)
    month = MONTHS.get(text.lower().rstrip("."))
    if month is not None and year is not None:
        return _month(_year(year, text), month, text)
    if month is not None:
        raise PeriodError(f"{text!r} names a month but no year (add a Tahun column or write '{text} 2024')")
    raise PeriodError(f"{text!r} is not a month such as '2021-09' or 'September 2021'")


def find_period(text: str) -> dt.date | None:
    """The first month named anywhere in a text such as 'Periode: September 2021' or 'peserta_2021-09.xlsx'."""
    lowered = text.lower()
    m = re.search(r"(?<!\d)(20\d{2}|19\d{2})[-_/.](0[1-9]|1[0-2])(?!\d)", lowered)
    if m:
        return dt.date(int(m.group(1)), int(m.group(2)), 1)
    m = re.search(r"(?<!\d)(0?[1-9]|1[0-2])[-/](20\d{2}|19\d{2})(?!\d)", lowered)
    if m:
        return dt.date(int(m.group(2)), int(m.group(1)), 1)
    m = re.search(rf"\b({_MONTH_WORD})\.?[\s\-_]*((?:19|20)\d{{2}})\b", lowered)
    if m:
        return dt.date(int(m.group(2)), MONTHS[m.group(1)], 1)
    return None


def parse_year(value: object) -> int:
    return _year(value, value)


def _year(value: object, context: object) -> int:
    try:
        year = int(float(str(value).strip()))
    except ValueError:
        raise PeriodError(f"{value!r} is not a year") from None
    if not 1990 <= year <= 2100:
        raise PeriodError(f"{value!r} is not a plausible year (for {context!r})")
    return year


def _month(year: int, month: int, text: str) -> dt.date:
    if not 1 <= month <= 12:
        raise PeriodError(f"{text!r} is not a month number from 1 to 12")
    return dt.date(year, month, 1)


def parse_as_of(value: object) -> tuple[dt.date, str, dt.date]:
    """When a statement speaks of: (period, grain, stated_on).

    A month ('Maret 2025', '2025-03') is (its first day, 'month', its first day); a date ('31 Maret 2025', a date
    cell) is (its month, 'month', the date); a year ('2023', 'Tahun 2023') is (1 January, 'year', 31 December).
    """
    if isinstance(value, (dt.date, dt.datetime)):
        day = value.date() if isinstance(value, dt.datetime) else value
        return dt.date(day.year, day.month, 1), "month", day
    year = _year_only(value)
    if year is not None:
        return dt.date(year, 1, 1), "year", dt.date(year, 12, 31)
    period = parse_period(value)
    text = str(value).strip().lower()
    day = re.search(rf"(?<!\d)(\d{{1,2}})[\s\-/.]+(?:{_MONTH_WORD}|\d{{1,2}})\.?[\s\-/.]+(?:19|20)\d{{2}}\b", text)
    iso = re.search(r"(?:19|20)\d{2}-\d{2}-(\d{2})\b", text)
    found = int((day or iso).group(1)) if (day or iso) else 1
    try:
        return period, "month", period.replace(day=found)
    except ValueError:
        raise PeriodError(f"{value!r}: day {found} does not exist in that month") from None


def parse_deadline(value: object) -> dt.date:
    """A deadline: a month or a date (its month), or a year alone ('2025', 'akhir 2025'), which means its December."""
    year = _year_only(value, allow_words=True)
    return dt.date(year, 12, 1) if year is not None else parse_period(value)


def _year_only(value: object, allow_words: bool = False) -> int | None:
    """The year of a cell that names a year and nothing finer ('2023', 2023, 'Tahun 2023', 'akhir 2025'), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() and 1990 <= value <= 2100 else None
    text = str(value).strip().lower()
    words = (
        r"(?:tahun|th\.?|thn\.?|akhir(?:\s+tahun)?|sampai|hingga|s\.?d\.?)?"
        if allow_words
        else r"(?:tahun|th\.?|thn\.?)?"
    )
    m = re.fullmatch(rf"{words}\s*((?:19|20)\d{{2}})(?:\.0)?", text)
    return int(m.group(1)) if m else None
