"""What every source's conversion and contract share: parsing a cell or rejecting the row, the one region lookup,
and the checks common to several contracts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable

import pandas as pd
import pandera.pandas as pa

from pipeline.ingest.tables import RowContext, RowRejected
from pipeline.parse.numbers import parse_number
from pipeline.parse.periods import parse_period
from pipeline.parse.text import cell_text
from pipeline.read.headers import ANY_REGION_FIELD

REGION_CODE = r"^\d{2}(\.\d{2})?$"  # a Kemendagri province (35) or kab/kota (35.75) code
FIRST_PERIOD = pd.Timestamp("2000-01-01")
# No count of people can be above this: more than Indonesia's whole employed population (146.5 million in August 2025).
# A larger figure is a budget or an ID pasted into the wrong column; refusing it keeps every mart's arithmetic in range.
MAX_PEOPLE = 200_000_000
MAX_RUPIAH = 10**15  # a budget above Rp1.000 triliun is no programme budget


class Contract(pa.DataFrameModel):
    """A source's pandera contract: columns not in it are dropped, values are coerced to its types."""

    class Config:
        strict = "filter"
        coerce = True


def unique_key(*columns: str):
    """A contract's key, declared once in its class body (`first_of_each_key = unique_key("region_code", "year")`): a
    row that repeats the key of an earlier row of the same file is rejected as duplicate_key, the first one kept; a row
    whose key is incomplete is left to the field checks."""

    def first_of_each_key(cls, frame: pd.DataFrame) -> pd.Series:
        keyed = frame[list(columns)].notna().all(axis=1)
        return ~keyed | ~frame.duplicated(subset=list(columns), keep="first")

    error = f"repeats the key {', '.join(columns)} of an earlier row in this file; the first one is kept"
    return pa.dataframe_check(name="duplicate_key", error=error)(first_of_each_key)


def people(description: str, *, nullable: bool = False, at_least_one: bool = False) -> object:
    """A contract field that counts people: never negative (or zero, with `at_least_one`), never above MAX_PEOPLE."""
    lowest = {"gt": 0} if at_least_one else {"ge": 0}
    return pa.Field(**lowest, le=MAX_PEOPLE, nullable=nullable, description=description)


def not_in_future(period: pd.Series) -> pd.Series:
    return period <= pd.Timestamp(dt.date.today())


def parsed(record: dict, name: str, parser: Callable[[object], object], check: str) -> object:
    """`parser` applied to the cell, or the row rejected under `check` with the parser's own words."""
    try:
        return parser(record.get(name))
    except ValueError as error:
        raise RowRejected(name, record.get(name), check, str(error)) from None


def period(record: dict, context: RowContext) -> pd.Timestamp:
    """The month a row reports: its own period cell (with a year column where the month is a name), or the file's
    month from a title cell or the file name (a source that must say its month declares `needs_period`)."""
    if "period" in record:
        return pd.Timestamp(parsed(record, "period", lambda v: parse_period(v, record.get("year")), "period_format"))
    return pd.Timestamp(context.period)


def required(record: dict, name: str, value: object, what: str) -> object:
    if value is None:
        raise RowRejected(name, record.get(name), "required_value", f"{what} is empty")
    return value


def count(record: dict, name: str) -> float | None:
    return parsed(record, name, lambda v: parse_number(v, whole=True), "number_format")


def text(record: dict, name: str) -> str | None:
    """A text cell, stripped; empty or '-' is no value."""
    return cell_text(record.get(name))


def region(record: dict, context: RowContext, level: str | None) -> str:
    """The one way every source turns its region cells into a Kemendagri code."""
    column = next((f for f in ANY_REGION_FIELD if record.get(f) not in (None, "")), "region_name")
    code, name = record.get("region_code"), record.get("region_name")
    if record.get("region") not in (None, ""):  # one column holding either a code or a name (targets, statements)
        cell = str(record["region"] or "").strip()
        code, name = (cell, None) if re.fullmatch(r"[\d.]+", cell) else (None, cell)
    level = context.level or level  # a "KOTA" section row above says which Pasuruan is meant
    key = ("region", code, name, record.get("province"), level if name else None)
    if key not in context.memo:
        try:
            context.memo[key] = (context.matcher.match(code=code, name=name, province=key[3], level=key[4]), None)
        except ValueError as error:
            context.memo[key] = (None, str(error))
    matched, problem = context.memo[key]
    if problem is not None:
        raise RowRejected(column, record.get(column), "region_match", problem)
    return matched
