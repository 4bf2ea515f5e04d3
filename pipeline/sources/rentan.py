"""rentan/: rosters of vulnerable workers (pekerja rentan) whose contributions a government or company pays.

A national roster has millions of rows, so it is read in chunked mode (pipeline/ingest/chunked.py) and converted
column-wise: the region matcher and period parser run once per distinct value. The name column is never read;
the NIK is checked and replaced by a keyed pseudonym (worker_key), and only its masked form reaches quarantine.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from pipeline.ingest.chunked import ChunkedSource
from pipeline.ingest.engine import ReadContext
from pipeline.parse import nik
from pipeline.parse.periods import parse_period
from pipeline.parse.regions import RegionMatcher, load_regions
from pipeline.read.chunks import Chunk
from pipeline.settings import REFERENCE_DIR

FUNDING_SOURCES = ("APBD", "DBHCHT", "CSR")


class RosterRules:
    """Everything a chunk is checked against, built once per run. `process` calls the parsers once per distinct value."""

    def __init__(self, matcher: RegionMatcher, kabkota_codes: set[str], key: str):
        self.matcher, self.kabkota_codes, self.key = matcher, kabkota_codes, key

    def region(self, code, name, province) -> tuple[str | None, str | None]:
        try:
            return self.matcher.match(code=code or None, name=name or None, province=province or None, level="kabkota" if name else None), None
        except ValueError as error:
            return None, str(error)

    def period(self, value) -> tuple[object, str | None]:
        try:
            return pd.Timestamp(parse_period(value)), None
        except ValueError as error:
            return pd.NaT, str(error)


def process(chunk: Chunk, rules: RosterRules, file_path: str, sha256: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(staged rows, rejected rows) of one chunk; a rejected row names its first broken column."""
    cells = chunk.cells
    n = len(cells)
    column = lambda field: cells[field] if field in cells else pd.Series([None] * n, index=cells.index, dtype=object)  # noqa: E731
    problems: list[tuple[pd.Series, str, str, pd.Series]] = []  # (reason or NA, field, check, value shown in quarantine)

    digits, reason = nik.recover(column("nik"))
    reason = reason.fillna(nik.validate(digits, rules.kabkota_codes))
    problems.append((reason, "nik", "nik_valid", column("nik")))  # masked below, for the failing rows only

    # The parsers run once per distinct value (a roster has millions of rows but few regions, funders, months).
    keys = pd.Series(list(zip(column("region_code").fillna(""), column("region_name").fillna(""), column("province").fillna(""))), index=cells.index)
    region_code, region_problem = _per_value(keys, lambda k: rules.region(*k))
    region_field = "region_name" if "region_name" in cells else "region_code"
    problems.append((region_problem, region_field, "region_match", column(region_field)))

    funding_text, funding_source, funder, funding_problem = _per_value(column("funding").fillna(""), _funding)
    problems.append((funding_problem, "funding", "funding_source", funding_text))

    periods = {}
    for field in ("start", "end"):
        parsed, period_problem = _per_value(column(field), rules.period)
        periods[field] = pd.to_datetime(parsed)
        problems.append((period_problem, field, "period_format", column(field)))
    start_period, end_period = periods["start"], periods["end"]
    backwards = (end_period < start_period).map({True: "the last covered month is before the first", False: pd.NA})
    problems.append((backwards, "end", "period_order", column("end")))

    rejected = pd.Series(False, index=cells.index)
    rejections = []
    for reason, field, check, shown in problems:
        failing = reason.notna() & ~rejected
        if failing.any():
            rejections.append(pd.DataFrame({
                "source": "rentan", "file_path": file_path, "sheet": chunk.sheet, "row_number": cells.loc[failing, "row_number"],
                "column_name": chunk.headers.get(field, field), "check_name": check,
                "value": (shown[failing].map(nik.mask) if field == "nik" else shown[failing]).astype("string"),
                "reason": reason[failing].astype(str),
            }))  # fmt: skip
        rejected |= failing

    good = ~rejected
    staged = pd.DataFrame({
        "worker_key": nik.pseudonymise(digits[good], rules.key),
        "region_code": region_code[good],
        "nik_region_code": digits[good].str[:2] + "." + digits[good].str[2:4],
        "kecamatan": column("kecamatan")[good],
        "desa": column("desa")[good],
        "occupation": _per_value(column("occupation")[good].fillna(""), lambda o: (str(o).strip().title() or "Tidak disebutkan",))[0],
        "funding_source": funding_source[good],
        "funder": funder[good],
        "program": column("program")[good],
        "start_period": start_period[good],
        "end_period": end_period[good],
        "file_path": file_path,
        "sheet": chunk.sheet,
        "row_number": cells.loc[good, "row_number"],
        "file_sha256": sha256,
    })  # fmt: skip
    quarantine = pd.concat(rejections, ignore_index=True) if rejections else pd.DataFrame()
    return staged, quarantine


def _per_value(values: pd.Series, parse) -> tuple[pd.Series, ...]:
    """`parse` (value -> tuple) applied once per distinct value, its fields spread back over the rows as Series."""
    parsed = {value: parse(value) for value in values.unique()}
    width = len(next(iter(parsed.values()))) if parsed else 1
    return tuple(values.map({value: fields[i] for value, fields in parsed.items()}) for i in range(width))


FUNDING_PROBLEM = "Sumber Dana must start with APBD, DBHCHT or CSR (e.g. 'DBHCHT Kota Pasuruan')"


def _funding(cell: object) -> tuple[str, str, str | None, str | None]:
    """'DBHCHT Kota Pasuruan' -> (text, 'DBHCHT', 'Kota Pasuruan', problem or None)."""
    text = str(cell).strip()
    words = text.split(maxsplit=1)
    source = words[0].upper() if words else ""
    return text, source, words[1] if len(words) > 1 else None, None if source in FUNDING_SOURCES else FUNDING_PROBLEM


@functools.cache
def kabkota_codes(reference_dir: Path) -> frozenset[str]:
    """Kab/kota codes a NIK may begin with: today's, and the ones the Papua split retired."""
    codes = {r.region_code.replace(".", "") for r in load_regions(reference_dir) if r.region_level in ("regency", "city")}
    former = pd.read_csv(reference_dir / "former_kabkota_codes.csv", dtype=str)
    return frozenset(codes | set(former["former_code"].str.replace(".", "", regex=False)))


def convert_roster(chunk: Chunk, context: ReadContext, file_path: str, sha256: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not context.pii_key:
        raise nik.MissingKey(f"reading a roster needs {nik.PII_KEY_VARIABLE}: NIKs are never stored unkeyed")
    return process(chunk, RosterRules(context.matcher, kabkota_codes(REFERENCE_DIR), context.pii_key), file_path, sha256)


SOURCE = ChunkedSource(
    "rentan", [["nik"], ["region_code", "region_name"], ["funding"], ["start"], ["end"]],
    "Rosters of vulnerable workers whose contributions APBD, DBHCHT or CSR funds pay: one row per worker and funded period.",
    convert_roster, never_read=frozenset({"name"}), holds_nik=True,
)  # fmt: skip
