"""targets/: coverage targets announced by mayors, regents, governors and funders, with who set them and where."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pipeline.ingest.tables import RowContext, TableSource
from pipeline.parse.numbers import parse_number
from pipeline.parse.periods import parse_deadline, parse_period
from pipeline.parse.segments import SEGMENTS, parse_segment
from pipeline.sources.fields import (
    FIRST_PERIOD,
    MAX_PEOPLE,
    MAX_RUPIAH,
    REGION_CODE,
    Contract,
    parsed,
    region,
    required,
    text,
    unique_key,
)

# A target_id names the target's chart file and appears in reports: letters, digits, '.', '_' and '-' only.
TARGET_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class TargetRows(Contract):
    """Targets that passed ingest, one per file row."""

    target_id: Series[str] = pa.Field(str_length={"min_value": 1}, description="Identifier given in the registry")
    region_code: Series[str] = pa.Field(
        str_matches=REGION_CODE, description="Kemendagri code of the region the target is for"
    )
    segment: Series[str] = pa.Field(isin=["ALL", *SEGMENTS], description="ALL | PU | BPU | JAKON | PMI")
    metric: Series[str] = pa.Field(
        isin=["coverage_pct", "active_participants"], description="coverage_pct | active_participants"
    )
    target_value: Series[float] = pa.Field(gt=0, le=MAX_PEOPLE, description="The promised value of the metric")
    deadline: Series[pd.Timestamp] = pa.Field(ge=FIRST_PERIOD, description="First day of the deadline month")
    baseline_period: Series[pd.Timestamp] = pa.Field(
        nullable=True, description="Month the target starts from, when given"
    )
    funding_source: Series[str] = pa.Field(
        nullable=True, description="APBD | DBHCHT | CSR for funder targets, else NULL"
    )
    denominator: Series[str] = pa.Field(
        nullable=True, description="Denominator the target was stated against, as given"
    )
    budget_idr: Series[float] = pa.Field(
        gt=0, le=MAX_RUPIAH, nullable=True, description="Budget set aside for the target (Rp), when given"
    )
    source: Series[str] = pa.Field(str_length={"min_value": 1}, description="Who set the target, where and when")

    @pa.check(
        "target_id",
        name="target_id_characters",
        error="a target_id is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (e.g. PSR-2022-70PCT); rename the target",
    )
    def target_id_characters(cls, target_id: Series[str]) -> Series[bool]:
        return target_id.str.fullmatch(TARGET_ID_PATTERN).fillna(False).astype(bool)

    @pa.dataframe_check(name="coverage_target_at_most_100", error="a coverage_pct target is above 100")
    def coverage_at_most_100(cls, frame: pd.DataFrame) -> Series[bool]:
        return (frame["metric"] != "coverage_pct") | (frame["target_value"] <= 100)

    @pa.dataframe_check(name="baseline_before_deadline", error="the baseline period is after the deadline")
    def baseline_before_deadline(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["baseline_period"].isna() | (frame["baseline_period"] <= frame["deadline"])

    first_of_each_key = unique_key("target_id")


def convert_target(record: dict, context: RowContext) -> dict:
    baseline = text(record, "baseline_period")
    metric = (text(record, "metric") or "").lower()
    # A count target reads "28.000" as twenty-eight thousand; a percentage target never guesses.
    whole = metric == "active_participants"
    value = required(
        record,
        "target_value",
        parsed(record, "target_value", lambda v: parse_number(v, whole=whole), "number_format"),
        "target_value",
    )
    funding = text(record, "funding_source")
    return {
        "target_id": required(record, "target_id", text(record, "target_id"), "target_id"),
        "region_code": region(record, context, None),
        "segment": parsed(record, "segment", lambda v: parse_segment(v, allow_all=True), "segment_value"),
        "metric": metric,
        "target_value": float(value),
        "deadline": pd.Timestamp(parsed(record, "deadline", parse_deadline, "period_format")),
        "baseline_period": pd.Timestamp(parsed(record, "baseline_period", parse_period, "period_format"))
        if baseline
        else pd.NaT,
        "funding_source": funding.upper() if funding else None,
        "denominator": text(record, "denominator"),
        "budget_idr": parsed(record, "budget_idr", lambda v: parse_number(v, whole=True), "number_format"),
        "source": required(record, "source", text(record, "source"), "source (who set the target, where and when)"),
    }


SOURCE = TableSource(
    "targets",
    [["target_id"], ["region"], ["segment"], ["metric"], ["target_value"], ["deadline"], ["source"]],
    "The target registry: coverage or participant targets per region and segment, with deadline, baseline, funder and source.",
    TargetRows,
    convert_target,
)
