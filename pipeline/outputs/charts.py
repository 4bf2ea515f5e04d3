"""What the report's charts and maps share: a chart (its Vega-Lite spec and the mart rows it claims to draw) and
how mart rows are handed to the browser and to vl-convert."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Chart:
    """One chart: its Vega-Lite specification and the mart rows it draws, with the query that selects them."""

    title: str
    key: str  # what it shows: "target:<target_id>", "province:<code>" or "map:<code>" (ID for the national map)
    spec: dict
    query: str  # the mart rows the chart claims to show (tests compare them with the spec's data)
    parameters: list = field(default_factory=list)

    @property
    def element_id(self) -> str:
        # From the key, not the title: raw text (a target_id) never becomes an HTML id.
        return "chart-" + hashlib.sha256(self.key.encode()).hexdigest()[:12]


def browser_rows(frame: pd.DataFrame) -> list[dict]:
    """A chart's rows as the browser receives them; dates as ISO text, which Vega parses as local dates."""
    frame = frame.copy()
    for column in frame.columns:
        if (
            pd.api.types.is_datetime64_any_dtype(frame[column])
            or frame[column].map(lambda v: isinstance(v, dt.date)).any()
        ):
            frame[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m-%d")
    return json.loads(frame.to_json(orient="records"))
