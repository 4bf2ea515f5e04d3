"""workforce/: BPS employed persons (penduduk bekerja, formal and informal) per region and year."""

from __future__ import annotations

import re
from typing import Callable

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pipeline.ingest.tables import RowContext, TableSource
from pipeline.parse.periods import parse_year
from pipeline.read.headers import REGION_FIELDS
from pipeline.sources.fields import REGION_CODE, Contract, count, parsed, people, region, required, unique_key


class WorkforceRows(Contract):
    """BPS workforce rows that passed ingest, one per file row (region x year)."""

    year: Series[int] = pa.Field(
        ge=2000,
        le=2100,
        description="Survey year (Sakernas August round for kab/kota figures)",
        metadata={"sql_type": "INTEGER"},
    )
    region_code: Series[str] = pa.Field(
        str_matches=REGION_CODE,
        description="Kemendagri code the region cells matched to (BPS codes go through the crosswalk)",
    )
    employed: Series[int] = people("Penduduk bekerja: employed persons aged 15+", at_least_one=True)
    formal: Series[pd.Int64Dtype] = people(
        "Employed persons in formal work (main-job status 3 or 4), when given", nullable=True
    )
    informal: Series[pd.Int64Dtype] = people(
        "Employed persons in informal work (all other statuses), when given", nullable=True
    )

    @pa.dataframe_check(
        name="formal_plus_informal_is_employed",
        error="formal + informal differs from employed persons by more than 0.5%",
    )
    def formal_plus_informal(cls, frame: pd.DataFrame) -> Series[bool]:
        total = frame["formal"] + frame["informal"]
        # BPS estimates are rounded separately; allow rounding, not a different population.
        return (
            total.isna() | ((total - frame["employed"]).abs() <= (frame["employed"] * 0.005).clip(lower=10))
        ).astype(bool)

    first_of_each_key = unique_key("region_code", "year")


def convert_workforce(record: dict, context: RowContext) -> dict:
    employed = required(record, "employed", count(record, "employed"), "employed persons")
    return {
        "year": parsed(record, "year", parse_year, "year_format"),
        "region_code": region(record, context, "kabkota"),
        "employed": int(employed),
        "formal": count(record, "formal"),
        "informal": count(record, "informal"),
    }


def year_column(text: str, field_for: Callable[[str], str | None]) -> tuple[str, str | None, object] | None:
    """Wide BPS headers: '2021', 'Penduduk Bekerja 2021', 'Formal (2021)'; a bare year holds employed persons."""
    match = re.fullmatch(r"(.*?)[\s(]*\b((?:19|20)\d{2})\b[\s)]*(.*)", text)
    if not match:
        return None
    rest = f"{match.group(1)} {match.group(3)}".strip()
    field_name = field_for(rest) if rest else "employed"
    return (field_name, "year", int(match.group(2))) if field_name in ("employed", "formal", "informal") else None


SOURCE = TableSource(
    "workforce",
    [list(REGION_FIELDS), ["year"], ["employed"]],
    "BPS workforce tables (Sakernas, August): employed persons, formal and informal, per region and year; the coverage denominator.",
    WorkforceRows,
    convert_workforce,
    wide=year_column,
    total_value="employed",
)
