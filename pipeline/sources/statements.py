"""statements/: coverage figures as officials published them, to be checked against the warehouse."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pipeline.ingest.tables import RowContext, RowRejected, TableSource
from pipeline.parse.denominators import DENOMINATOR_KINDS, parse_denominator_kind
from pipeline.parse.numbers import parse_number
from pipeline.parse.periods import parse_period
from pipeline.parse.segments import SEGMENTS, parse_segment
from pipeline.sources.fields import FIRST_PERIOD, REGION_CODE, Contract, count, not_in_future, parsed, region, required, text


class StatementRows(Contract):
    statement_id: Series[str] = pa.Field(nullable=True)
    region_code: Series[str] = pa.Field(str_matches=REGION_CODE)
    period: Series[pd.Timestamp] = pa.Field(ge=FIRST_PERIOD, description="first day of the month the statement speaks of")
    stated_as_of: Series[str] = pa.Field(nullable=True)
    segment: Series[str] = pa.Field(isin=["ALL", *SEGMENTS])
    stated_participants: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)
    stated_denominator: Series[pd.Int64Dtype] = pa.Field(gt=0, nullable=True)
    denominator_kind: Series[str] = pa.Field(isin=list(DENOMINATOR_KINDS), nullable=True)
    stated_coverage_pct: Series[float] = pa.Field(ge=0, nullable=True)
    stated_pu: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)
    stated_bpu: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)
    stated_jakon: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)
    stated_pmi: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)
    target_value: Series[float] = pa.Field(gt=0, nullable=True)
    target_deadline: Series[pd.Timestamp] = pa.Field(nullable=True)
    source: Series[str] = pa.Field(str_length={"min_value": 1})
    url: Series[str] = pa.Field(nullable=True)

    @pa.check("period", name="period_not_in_future", error="the period lies in the future")
    def periodnot_in_future(cls, period: Series[pd.Timestamp]) -> Series[bool]:
        return not_in_future(period)

    @pa.dataframe_check(name="duplicate_key", error="repeats the statement_id of an earlier row in this file; the first one is kept")
    def first_of_each_key(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["statement_id"].isna() | ~frame.duplicated(subset=["statement_id"], keep="first")


def convert_statement(record: dict, context: RowContext) -> dict:
    """A published statement, as said: the figures are checked in marts.statement_checks, not corrected here."""
    participants = count(record, "stated_participants")
    pct = parsed(record, "stated_coverage_pct", parse_number, "number_format")
    if participants is None and pct is None:
        raise RowRejected("stated_participants", None, "required_value", "a statement needs its participants, its coverage %, or both")
    deadline = text(record, "target_deadline")
    segment = text(record, "segment")
    return {
        "statement_id": text(record, "statement_id"),
        "region_code": region(record, context, None),
        "period": pd.Timestamp(parsed(record, "as_of", parse_period, "period_format")),
        "stated_as_of": text(record, "as_of") if not isinstance(record.get("as_of"), (dt.date, dt.datetime)) else f"{record['as_of']:%Y-%m-%d}",
        "segment": parsed(record, "segment", lambda v: parse_segment(v, allow_all=True), "segment_value") if segment else "ALL",
        "stated_participants": participants,
        "stated_denominator": count(record, "stated_denominator"),
        "denominator_kind": parsed(record, "denominator_kind", parse_denominator_kind, "denominator_kind"),
        "stated_coverage_pct": pct,
        **{f"stated_{s.lower()}": count(record, f"stated_{s.lower()}") for s in SEGMENTS},
        "target_value": parsed(record, "target_value", parse_number, "number_format"),
        "target_deadline": pd.Timestamp(parsed(record, "target_deadline", parse_period, "period_format")) if deadline else pd.NaT,
        "source": required(record, "source", text(record, "source"), "source (who said it, where and when)"),
        "url": text(record, "url"),
    }


SOURCE = TableSource(
    "statements", [["region"], ["as_of"], ["stated_participants", "stated_coverage_pct"], ["source"]],
    "Published coverage statements (press releases, speeches, planning documents) as said, checked in marts.statement_checks.",
    StatementRows, convert_statement,
)  # fmt: skip
