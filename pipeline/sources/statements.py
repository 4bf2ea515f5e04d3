"""statements/: coverage figures as officials published them, to be checked against the warehouse.

A statement is kept as it was said, with the precision of every figure ("80%" is 79.5-80.5). Only the region, the
as-of date, the source and one of participants / coverage are required: an optional cell that does not parse is
left NULL and named in `not_parsed`, and the statement is still checked on everything else.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pipeline.ingest.tables import RowContext, RowRejected, TableSource
from pipeline.parse.denominators import DENOMINATOR_KINDS, classify_denominator
from pipeline.parse.numbers import Percent, Stated, number_in_words
from pipeline.parse.periods import parse_as_of, parse_deadline
from pipeline.parse.segments import SEGMENTS, parse_segment
from pipeline.parse.text import header_key
from pipeline.sources.fields import (
    FIRST_PERIOD,
    REGION_CODE,
    Contract,
    not_in_future,
    parsed,
    people,
    region,
    required,
    text,
    unique_key,
)

# Figures a statement may give beside its total, in people: the four segments, and Formal (PU + Jakon) / Informal (BPU).
PART_FIELDS = [*(f"stated_{s.lower()}" for s in SEGMENTS), "stated_formal", "stated_informal"]


class StatementRows(Contract):
    """Published statements that passed ingest, one per file row, with the figures as stated."""

    statement_id: Series[str] = pa.Field(nullable=True, description="Identifier given in the file, if any")
    region_code: Series[str] = pa.Field(
        str_matches=REGION_CODE, description="Kemendagri code the region cells matched to"
    )
    period: Series[pd.Timestamp] = pa.Field(
        ge=FIRST_PERIOD,
        description="First day of the month the statement speaks of (of the year, for a yearly statement)",
    )
    period_grain: Series[str] = pa.Field(
        isin=["month", "year"], description="month | year: whether the statement speaks of a month or of a whole year"
    )
    stated_on: Series[pd.Timestamp] = pa.Field(
        ge=FIRST_PERIOD,
        description="The as-of date as precisely as stated: the day if given, else the first of the month, or 31 December for a year",
    )
    stated_as_of: Series[str] = pa.Field(nullable=True, description="The as-of date or month as the file wrote it")
    segment: Series[str] = pa.Field(
        isin=["ALL", *SEGMENTS], description="ALL | PU | BPU | JAKON | PMI: what the stated figures cover"
    )
    stated_participants: Series[pd.Int64Dtype] = people("Participants as stated", nullable=True)
    stated_participants_precision: Series[float] = pa.Field(
        ge=0, nullable=True, description="Half a unit of the last digit stated (5,000 for 2,45 juta)"
    )
    stated_denominator: Series[pd.Int64Dtype] = people("Denominator as stated", nullable=True, at_least_one=True)
    stated_denominator_precision: Series[float] = pa.Field(
        ge=0, nullable=True, description="Half a unit of the last digit of the stated denominator"
    )
    denominator_kind: Series[str] = pa.Field(
        isin=list(DENOMINATOR_KINDS),
        nullable=True,
        description="bps_employed | potential | other; NULL when the statement does not say",
    )
    denominator_words: Series[str] = pa.Field(
        nullable=True, description="What the statement said it divided by, in its own words"
    )
    stated_coverage_pct: Series[float] = pa.Field(ge=0, nullable=True, description="Coverage percentage as stated")
    stated_coverage_pct_precision: Series[float] = pa.Field(
        ge=0, nullable=True, description="Half a unit of the last decimal stated, in points (0.5 for 80%)"
    )
    stated_pu: Series[pd.Int64Dtype] = people("PU participants as stated", nullable=True)
    stated_bpu: Series[pd.Int64Dtype] = people("BPU participants as stated", nullable=True)
    stated_jakon: Series[pd.Int64Dtype] = people("Jakon participants as stated", nullable=True)
    stated_pmi: Series[pd.Int64Dtype] = people("PMI participants as stated", nullable=True)
    stated_formal: Series[pd.Int64Dtype] = people("Formal participants (PU + Jakon) as stated", nullable=True)
    stated_informal: Series[pd.Int64Dtype] = people("Informal participants (BPU) as stated", nullable=True)
    stated_parts_precision: Series[float] = pa.Field(
        ge=0, nullable=True, description="The coarsest precision of the segment, formal and informal figures stated"
    )
    derived_parts: Series[str] = pa.Field(
        nullable=True,
        description="Parts written as the rest ('sisanya pekerja informal'), taken as the total less the other parts given, said in Indonesian",
    )
    target_value: Series[float] = pa.Field(
        gt=0, nullable=True, description="A target the statement announces, as stated"
    )
    target_value_precision: Series[float] = pa.Field(
        ge=0, nullable=True, description="Half a unit of the last digit of that target"
    )
    target_metric: Series[str] = pa.Field(
        isin=["coverage_pct", "active_participants"],
        nullable=True,
        description="coverage_pct | active_participants: whether that target is a percentage or people",
    )
    target_deadline: Series[pd.Timestamp] = pa.Field(
        nullable=True, description="First day of the month of that target's deadline (December for a year)"
    )
    stated_gap: Series[pd.Int64Dtype] = people(
        "People the statement says are still needed to reach the target", nullable=True
    )
    stated_gap_precision: Series[float] = pa.Field(
        ge=0, nullable=True, description="Half a unit of the last digit of that gap"
    )
    source: Series[str] = pa.Field(str_length={"min_value": 1}, description="Who said it, where and when")
    url: Series[str] = pa.Field(nullable=True, description="Where the statement was published")
    not_parsed: Series[str] = pa.Field(
        nullable=True,
        description="Optional cells that could not be read, each with its reason; those figures are NULL and not checked",
    )

    @pa.check("period", name="period_not_in_future", error="the period lies in the future")
    def periodnot_in_future(cls, period: Series[pd.Timestamp]) -> Series[bool]:
        return not_in_future(period)

    first_of_each_key = unique_key("statement_id")


class OptionalCells:
    """Optional cells of one statement: a cell that does not parse becomes None and a note, never a rejected row."""

    def __init__(self, record: dict):
        self.record, self.notes = record, []

    def get(self, name: str, parser):
        value = self.record.get(name)
        try:
            return (
                parser(value)
                if text(self.record, name) is not None or isinstance(value, (int, float, dt.date))
                else None
            )
        except ValueError as error:
            self.notes.append(f"{name} = {str(value)[:80]!r}: {error}")
            return None


def _people(value: object) -> Stated | None:
    return number_in_words(value, whole=True)


def _percentage(value: object) -> Stated | None:
    return number_in_words(value)


def convert_statement(record: dict, context: RowContext) -> dict:
    """A published statement, as said: the figures are checked in marts.statement_checks, not corrected here."""
    optional = OptionalCells(record)
    participants = optional.get("stated_participants", _people)
    pct = optional.get("stated_coverage_pct", _percentage)
    if participants is None and pct is None:
        reason = "; ".join(optional.notes) or "a statement needs its participants, its coverage %, or both"
        raise RowRejected("stated_participants", record.get("stated_participants"), "required_value", reason)
    period, grain, stated_on = parsed(record, "as_of", parse_as_of, "period_format")
    # When it was said, if the file says so: the BPS figure it is checked against is the latest published then.
    said_on = optional.get("statement_date", lambda v: parse_as_of(v)[2])
    stated_on = said_on or stated_on
    segment = text(record, "segment")
    denominator = optional.get("stated_denominator", _people)
    words = text(record, "denominator_kind")
    parts = {name: None if _is_rest(record.get(name)) else optional.get(name, _people) for name in PART_FIELDS}
    derived = _derive_rest(record, participants, parts, optional)
    target_cell = record.get("target_value")
    target = optional.get("target_value", _percentage)
    gap = optional.get("stated_gap", _people)
    as_of = record.get("as_of")
    return {
        "statement_id": text(record, "statement_id"),
        "region_code": region(record, context, None),
        "period": pd.Timestamp(period),
        "period_grain": grain,
        "stated_on": pd.Timestamp(stated_on),
        "stated_as_of": f"{as_of:%Y-%m-%d}" if isinstance(as_of, (dt.date, dt.datetime)) else text(record, "as_of"),
        "segment": parsed(record, "segment", lambda v: parse_segment(v, allow_all=True), "segment_value")
        if segment
        else "ALL",
        **_figure("stated_participants", participants),
        **_figure("stated_denominator", denominator),
        "denominator_kind": classify_denominator(words) if words else None,
        "denominator_words": words,
        **_figure("stated_coverage_pct", pct),
        **{name: None if part is None else part.value for name, part in parts.items()},
        "stated_parts_precision": max((p.precision for p in parts.values() if p is not None), default=None),
        "derived_parts": "; ".join(derived) or None,
        **_figure("target_value", target),
        "target_metric": None if target is None else _target_metric(target_cell, target),
        "target_deadline": pd.Timestamp(d) if (d := optional.get("target_deadline", parse_deadline)) else pd.NaT,
        **_figure("stated_gap", gap),
        "source": required(record, "source", text(record, "source"), "source (who said it, where and when)"),
        "url": text(record, "url"),
        "not_parsed": "; ".join(optional.notes) or None,
    }


# A part written as "the rest" ("sisanya pekerja informal"): the total less the other parts of its group that are given.
REST_WORDS = ("sisanya", "sisa", "selebihnya")
PART_GROUPS = [[f"stated_{s.lower()}" for s in SEGMENTS], ["stated_formal", "stated_informal"]]
PART_NAMES = {"stated_formal": "formal", "stated_informal": "informal"} | {f"stated_{s.lower()}": s for s in SEGMENTS}


def _is_rest(value: object) -> bool:
    return isinstance(value, str) and header_key(value).startswith(REST_WORDS)


def _derive_rest(record: dict, total: Stated | None, parts: dict, optional: OptionalCells) -> list[str]:
    """Fill in each part written as "the rest", in place, and say how (in Indonesian, as the workbook shows it)."""
    said = []
    for group in PART_GROUPS:
        for name in (n for n in group if _is_rest(record.get(n))):
            given = [n for n in group if n != name and parts[n] is not None]
            if total is None:
                optional.notes.append(f"{name} = {str(record[name])[:80]!r}: the rest of what? no total is given")
                continue
            rest = total.value - sum(parts[n].value for n in given)
            if rest < 0:
                optional.notes.append(f"{name} = {str(record[name])[:80]!r}: the given parts exceed the total")
                continue
            parts[name] = Stated(rest, total.precision + sum(parts[n].precision for n in given))
            less = " dan ".join(PART_NAMES[n] for n in given) or "tidak ada bagian lain"
            said.append(f"{PART_NAMES[name]} = total dikurangi {less} (ditulis {str(record[name]).strip()[:40]!r})")
    return said


def _figure(name: str, stated: Stated | None) -> dict:
    return {
        name: None if stated is None else stated.value,
        f"{name}_precision": None if stated is None else stated.precision,
    }


def _target_metric(cell: object, target: Stated) -> str:
    """A target in percent ("70%", a percentage cell, or a figure of 100 or less) or in people."""
    if isinstance(cell, Percent) or "%" in str(cell) or target.value <= 100:
        return "coverage_pct"
    return "active_participants"


SOURCE = TableSource(
    "statements",
    [["region", "province"], ["as_of"], ["stated_participants", "stated_coverage_pct"], ["source"]],
    "Published coverage statements (press releases, speeches, planning documents) as said, checked in marts.statement_checks.",
    StatementRows,
    convert_statement,
)
