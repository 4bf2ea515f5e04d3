"""participation/: monthly BPJAMSOSTEK participation reports per region and segment (long or wide layouts)."""

from __future__ import annotations

from typing import Callable

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pipeline.ingest.tables import RowContext, TableSource
from pipeline.parse.segments import SEGMENTS, SegmentError, parse_segment
from pipeline.read.headers import REGION_FIELDS
from pipeline.sources.fields import (
    FIRST_PERIOD,
    REGION_CODE,
    Contract,
    count,
    not_in_future,
    parsed,
    people,
    period,
    region,
    required,
    unique_key,
)


class ParticipationRows(Contract):
    """Participation rows that passed ingest, one per file row (period x region x segment), before duplicates across files are resolved."""

    period: Series[pd.Timestamp] = pa.Field(ge=FIRST_PERIOD, description="First day of the reported month")
    region_code: Series[str] = pa.Field(
        str_matches=REGION_CODE, description="Kemendagri code the region cells matched to"
    )
    segment: Series[str] = pa.Field(isin=list(SEGMENTS), description="PU | BPU | JAKON | PMI")
    active_participants: Series[int] = people("Active participants (peserta aktif)")
    new_participants: Series[pd.Int64Dtype] = people(
        "New participants in the month, when the file gives them", nullable=True
    )
    inactive_participants: Series[pd.Int64Dtype] = people(
        "Non-active participants, when the file gives them", nullable=True
    )

    @pa.check("period", name="period_not_in_future", error="the period lies in the future")
    def periodnot_in_future(cls, period: Series[pd.Timestamp]) -> Series[bool]:
        return not_in_future(period)

    first_of_each_key = unique_key("period", "region_code", "segment")


def convert_participation(record: dict, context: RowContext) -> dict:
    active = required(record, "active_participants", count(record, "active_participants"), "active participants")
    return {
        "period": period(record, context),
        "region_code": region(record, context, "kabkota"),
        "segment": parsed(record, "segment", parse_segment, "segment_value"),
        "active_participants": int(active),
        "new_participants": count(record, "new_participants"),
        "inactive_participants": count(record, "inactive_participants"),
    }


def segment_column(text: str, field_for: Callable[[str], str | None]) -> tuple[str, str | None, object] | None:
    """Wide participation headers: 'PU', 'Bukan Penerima Upah', 'Peserta Aktif BPU'; 'Total' is a cross-check."""
    words = text.split()
    for split in range(len(words)):
        prefix, rest = " ".join(words[:split]), " ".join(words[split:])
        if prefix and field_for(prefix) != "active_participants":
            continue
        if field_for(rest) == "row_total":
            return ("row_total", None, None)
        try:
            return ("active_participants", "segment", parse_segment(rest))
        except SegmentError:
            continue
    return None


SOURCE = TableSource(
    "participation",
    [list(REGION_FIELDS), ["segment"], ["active_participants"]],
    "Monthly participation reports from BPJAMSOSTEK offices: active (new, inactive) participants per region, segment and month.",
    ParticipationRows,
    convert_participation,
    needs_period=True,
    wide=segment_column,
    total_value="active_participants",
)
