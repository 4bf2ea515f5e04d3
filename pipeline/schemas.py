"""pandera contracts at the boundary of each raw source: the typed DataFrame built from one file.

A row that fails a check here is quarantined with the check's name; the rest of the file still loads.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pipeline.denominators import DENOMINATOR_KINDS
from pipeline.segments import SEGMENTS

FIRST_PERIOD = pd.Timestamp("2000-01-01")
# A target_id names the target's chart file and appears in reports: letters, digits, '.', '_' and '-' only.
TARGET_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


def _not_in_future(period: pd.Series) -> pd.Series:
    today = pd.Timestamp(dt.date.today())
    return period <= today


class ParticipationRows(pa.DataFrameModel):
    period: Series[pd.Timestamp] = pa.Field(ge=FIRST_PERIOD, description="first day of the reported month")
    region_code: Series[str] = pa.Field(str_matches=r"^\d{2}(\.\d{2})?$")
    segment: Series[str] = pa.Field(isin=list(SEGMENTS))
    active_participants: Series[int] = pa.Field(ge=0)
    new_participants: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)
    inactive_participants: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)

    @pa.check("period", name="period_not_in_future", error="the period lies in the future")
    def period_not_in_future(cls, period: Series[pd.Timestamp]) -> Series[bool]:
        return _not_in_future(period)

    @pa.dataframe_check(name="duplicate_key", error="repeats the key period, region_code, segment of an earlier row in this file; the first one is kept")
    def first_of_each_key(cls, frame: pd.DataFrame) -> Series[bool]:
        return ~frame.duplicated(subset=["period", "region_code", "segment"], keep="first")

    class Config:
        strict = "filter"
        coerce = True


class WorkforceRows(pa.DataFrameModel):
    year: Series[int] = pa.Field(ge=2000, le=2100)
    region_code: Series[str] = pa.Field(str_matches=r"^\d{2}(\.\d{2})?$")
    employed: Series[int] = pa.Field(gt=0)
    formal: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)
    informal: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)

    @pa.dataframe_check(name="formal_plus_informal_is_employed", error="formal + informal differs from employed persons by more than 0.5%")
    def formal_plus_informal(cls, frame: pd.DataFrame) -> Series[bool]:
        total = frame["formal"] + frame["informal"]
        # BPS estimates are rounded separately; allow rounding, not a different population.
        return (total.isna() | ((total - frame["employed"]).abs() <= (frame["employed"] * 0.005).clip(lower=10))).astype(bool)

    @pa.dataframe_check(name="duplicate_key", error="repeats the key region_code, year of an earlier row in this file; the first one is kept")
    def first_of_each_key(cls, frame: pd.DataFrame) -> Series[bool]:
        return ~frame.duplicated(subset=["region_code", "year"], keep="first")

    class Config:
        strict = "filter"
        coerce = True


class TargetRows(pa.DataFrameModel):
    target_id: Series[str] = pa.Field(str_length={"min_value": 1})
    region_code: Series[str] = pa.Field(str_matches=r"^\d{2}(\.\d{2})?$")
    segment: Series[str] = pa.Field(isin=["ALL", *SEGMENTS])
    metric: Series[str] = pa.Field(isin=["coverage_pct", "active_participants"])
    target_value: Series[float] = pa.Field(gt=0)
    deadline: Series[pd.Timestamp] = pa.Field(ge=FIRST_PERIOD)
    baseline_period: Series[pd.Timestamp] = pa.Field(nullable=True)
    funding_source: Series[str] = pa.Field(nullable=True)
    denominator: Series[str] = pa.Field(nullable=True)
    budget_idr: Series[float] = pa.Field(gt=0, nullable=True)
    source: Series[str] = pa.Field(str_length={"min_value": 1})

    @pa.check(
        "target_id", name="target_id_characters",
        error="a target_id is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (e.g. PSR-2022-70PCT); rename the target",
    )  # fmt: skip
    def target_id_characters(cls, target_id: Series[str]) -> Series[bool]:
        return target_id.str.fullmatch(TARGET_ID_PATTERN).fillna(False).astype(bool)

    @pa.dataframe_check(name="coverage_target_at_most_100", error="a coverage_pct target is above 100")
    def coverage_at_most_100(cls, frame: pd.DataFrame) -> Series[bool]:
        return (frame["metric"] != "coverage_pct") | (frame["target_value"] <= 100)

    @pa.dataframe_check(name="baseline_before_deadline", error="the baseline period is after the deadline")
    def baseline_before_deadline(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["baseline_period"].isna() | (frame["baseline_period"] <= frame["deadline"])

    @pa.dataframe_check(name="duplicate_key", error="repeats the key target_id of an earlier row in this file; the first one is kept")
    def first_of_each_key(cls, frame: pd.DataFrame) -> Series[bool]:
        return ~frame.duplicated(subset=["target_id"], keep="first")

    class Config:
        strict = "filter"
        coerce = True


class PotentialRows(pa.DataFrameModel):
    year: Series[int] = pa.Field(ge=2000, le=2100)
    region_code: Series[str] = pa.Field(str_matches=r"^\d{2}(\.\d{2})?$")
    segment: Series[str] = pa.Field(isin=["ALL", *SEGMENTS])
    potential_workers: Series[int] = pa.Field(gt=0)
    source: Series[str] = pa.Field(str_length={"min_value": 1})

    @pa.dataframe_check(name="duplicate_key", error="repeats the key region_code, year, segment of an earlier row in this file; the first one is kept")
    def first_of_each_key(cls, frame: pd.DataFrame) -> Series[bool]:
        return ~frame.duplicated(subset=["region_code", "year", "segment"], keep="first")

    class Config:
        strict = "filter"
        coerce = True


class StatementRows(pa.DataFrameModel):
    statement_id: Series[str] = pa.Field(nullable=True)
    region_code: Series[str] = pa.Field(str_matches=r"^\d{2}(\.\d{2})?$")
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
    def period_not_in_future(cls, period: Series[pd.Timestamp]) -> Series[bool]:
        return _not_in_future(period)

    @pa.dataframe_check(name="duplicate_key", error="repeats the statement_id of an earlier row in this file; the first one is kept")
    def first_of_each_key(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["statement_id"].isna() | ~frame.duplicated(subset=["statement_id"], keep="first")

    class Config:
        strict = "filter"
        coerce = True
