"""potential/: potential or eligible workers per region, segment and year from planning documents (RPJMD, UCJ)."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from pipeline.ingest.tables import RowContext, TableSource
from pipeline.parse.periods import parse_year
from pipeline.parse.segments import SEGMENTS, parse_segment
from pipeline.read.headers import REGION_FIELDS
from pipeline.sources.fields import REGION_CODE, Contract, count, parsed, people, region, required, unique_key


class PotentialRows(Contract):
    """Potential or eligible workers from planning documents and statements, one per file row (region x year x segment)."""

    year: Series[int] = pa.Field(
        ge=2000, le=2100, description="Year the figure is for", metadata={"sql_type": "INTEGER"}
    )
    region_code: Series[str] = pa.Field(
        str_matches=REGION_CODE, description="Kemendagri code the region cells matched to"
    )
    segment: Series[str] = pa.Field(isin=["ALL", *SEGMENTS], description="ALL | PU | BPU | JAKON | PMI")
    potential_workers: Series[int] = people("Potential (eligible) workers as stated by the source", at_least_one=True)
    source: Series[str] = pa.Field(str_length={"min_value": 1}, description="Who published the figure, where and when")

    first_of_each_key = unique_key("region_code", "year", "segment")


def convert_potential(record: dict, context: RowContext) -> dict:
    potential = required(record, "potential_workers", count(record, "potential_workers"), "potential workers")
    source = record.get("source")
    return {
        "year": parsed(record, "year", parse_year, "year_format"),
        "region_code": region(record, context, None),
        "segment": parsed(record, "segment", lambda v: parse_segment(v, allow_all=True), "segment_value"),
        "potential_workers": int(potential),
        "source": required(
            record, "source", None if source in (None, "") else str(source).strip(), "source (who published the figure)"
        ),
    }


SOURCE = TableSource(
    "potential",
    [list(REGION_FIELDS), ["year"], ["segment"], ["potential_workers"], ["source"]],
    "Potential or eligible workers from planning documents: the denominator official UCJ statements often use.",
    PotentialRows,
    convert_potential,
)
