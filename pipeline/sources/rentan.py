"""rentan/: rosters of vulnerable workers (pekerja rentan) whose contributions a government or company pays.

A national roster has millions of rows, so it is read in chunked mode (pipeline/ingest/chunked.py) and converted
column-wise: the region matcher and period parser run once per distinct value. The name column is never read;
the NIK is checked and replaced by a keyed pseudonym (worker_key), and only its masked form reaches quarantine.
"""

from __future__ import annotations

import functools
from pathlib import Path

import duckdb
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
from pandera.typing import Series

from pipeline.ingest.chunked import ChunkedSource
from pipeline.ingest.columns import PROVENANCE_COLUMNS, REJECTION_COLUMNS, contract_columns
from pipeline.ingest.engine import ReadContext
from pipeline.parse import nik
from pipeline.parse.periods import parse_period
from pipeline.parse.regions import RegionMatcher, load_regions
from pipeline.read.chunks import Chunk
from pipeline.read.files import FileUnreadable
from pipeline.settings import REFERENCE_DIR
from pipeline.sources.fields import REGION_CODE, Contract

FUNDING_SOURCES = ("APBD", "DBHCHT", "CSR")


class RosterRules:
    """Everything the chunks of one roster file are checked against, with the in-memory DuckDB that checks them.

    The parsers (region matcher, period parser, funding, occupation) run once per distinct value and their answers
    become lookup tables; the NIK checks and the HMAC run in SQL (pipeline/parse/nik.py).
    """

    def __init__(self, matcher: RegionMatcher, kabkota_codes: frozenset[str], key: str, today=None):
        self.matcher, self.kabkota_codes, self.today = matcher, kabkota_codes, today
        self.key_parameters = nik.worker_key_parameters(key)  # bound to the query, never part of its text
        self.con = duckdb.connect()
        self.con.execute("CREATE TABLE kabkota_codes AS SELECT unnest(?::VARCHAR[]) AS code", [sorted(kabkota_codes)])
        self.con.execute(
            "CREATE TABLE birth_dates AS SELECT unnest(?::VARCHAR[]) AS ddmmyy", [nik.plausible_birth_dates(today)]
        )

    def region(self, code, name, province) -> tuple[str | None, str | None]:
        try:
            return self.matcher.match(
                code=code or None, name=name or None, province=province or None, level="kabkota" if name else None
            ), None
        except ValueError as error:
            return None, str(error)

    def period(self, value) -> tuple[object, str | None]:
        try:
            return parse_period(value), None
        except ValueError as error:
            return None, str(error)


# Each roster field the checks read; a roster without one of these columns reads it as empty.
FIELDS = (
    "nik",
    "region_code",
    "region_name",
    "province",
    "funding",
    "start",
    "end",
    "occupation",
    "kecamatan",
    "desa",
    "program",
)


# The checks themselves run in SQL over each chunk (`process`); this declares the columns they stage.
class RosterRows(Contract):
    """Roster rows of vulnerable workers whose BPU contributions a government or CSR pays, one per file row. The NIK is
    replaced by worker_key and the name is dropped at ingest."""

    worker_key: Series[str] = pa.Field(
        description="Pseudonym of the NIK: HMAC-SHA256 under JAMSOSTEK_PII_KEY; the same person has the same key in every roster"
    )
    region_code: Series[str] = pa.Field(
        str_matches=REGION_CODE, description="Kemendagri code of the roster's Kab/Kota column"
    )
    nik_region_code: Series[str] = pa.Field(
        description="Kab/kota where the NIK was issued (its digits 1-4), as a Kemendagri code"
    )
    kecamatan: Series[str] = pa.Field(nullable=True, description="Kecamatan as written in the roster")
    desa: Series[str] = pa.Field(nullable=True, description="Desa/kelurahan as written in the roster")
    occupation: Series[str] = pa.Field(description="Pekerjaan, e.g. Petani, Nelayan, Pedagang Kecil")
    funding_source: Series[str] = pa.Field(isin=list(FUNDING_SOURCES), description="APBD | DBHCHT | CSR")
    funder: Series[str] = pa.Field(
        nullable=True, description="Who pays, as written after the funding source, e.g. Kota Pasuruan"
    )
    program: Series[str] = pa.Field(nullable=True, description="Programmes covered, e.g. JKK+JKM")
    start_period: Series[pd.Timestamp] = pa.Field(description="First covered month")
    end_period: Series[pd.Timestamp] = pa.Field(description="Last covered month")


STAGED_COLUMNS = [c.name for c in contract_columns(RosterRows)] + PROVENANCE_COLUMNS
# The first broken field of a row decides its quarantine entry, in this order.
PROBLEMS = [
    ("nik", "nik_valid"),
    ("region", "region_match"),
    ("funding", "funding_source"),
    ("start", "period_format"),
    ("end", "period_format"),
    ("order", "period_order"),
]


def process(chunk: Chunk, rules: RosterRules, file_path: str, sha256: str) -> tuple[pyarrow.Table, pyarrow.Table]:
    """(staged rows, rejected rows) of one chunk, as Arrow tables; a rejected row names its first broken column."""
    cells = chunk.cells
    empty = pd.Series([None] * len(cells), index=cells.index, dtype=object)
    fields = {f: (cells[f] if f in cells else empty) for f in FIELDS}
    # DuckDB reads a missing cell (None or NaN in an object column) as NULL.
    frame = pd.DataFrame({**{f: v for f, v in fields.items() if f != "nik"}, "row_number": cells["row_number"]})
    frame = pd.concat([frame.reset_index(drop=True), nik.nik_cells(fields["nik"]).reset_index(drop=True)], axis=1)
    con = rules.con
    con.register("roster", frame)
    try:
        region_field = "region_name" if "region_name" in cells else "region_code"
        headers = {f: chunk.headers.get(f, f) for f in (*FIELDS, region_field)}
        _lookups(con, rules)
        first_problem = "CASE " + " ".join(f"WHEN {p}_problem IS NOT NULL THEN '{p}'" for p, _ in PROBLEMS) + " END"
        shown = {
            "nik": nik.NIK_MASK_SQL,
            "region": f'"{region_field}"',
            "funding": "funding_text",
            "start": '"start"',
            "end": '"end"',
            "order": '"end"',
        }
        column = {
            "nik": "nik",
            "region": region_field,
            "funding": "funding",
            "start": "start",
            "end": "end",
            "order": "end",
        }
        cases = lambda values: "CASE problem " + " ".join(f"WHEN '{p}' THEN {values[p]}" for p, _ in PROBLEMS) + " END"  # noqa: E731
        # One pass over the chunk: every row with its staged fields and, if it is broken, its quarantine fields.
        checked = con.sql(
            f"""
            WITH recovered AS (
                SELECT *, {nik.NIK_DIGITS_SQL} AS digits FROM (
                    SELECT *, {nik.NIK_RECOVER_REASON_SQL} AS recover_reason FROM (
                        SELECT *, {nik.NIK_CLEANED_SQL} AS nik_cleaned FROM (SELECT *, {nik.NIK_TEXT_SQL} AS nik_text FROM roster)))
            ), joined AS (
                SELECT v.*, r.region_code AS matched_region, r.problem AS region_problem,
                       f.funding_text, f.funding_source, f.funder, f.problem AS funding_problem,
                       s.period AS start_period, s.problem AS start_problem, e.period AS end_period, e.problem AS end_problem,
                       CASE WHEN e.period < s.period THEN 'the last covered month is before the first' END AS order_problem,
                       o.occupation AS occupation_title
                FROM (SELECT *, coalesce(recover_reason, {nik.NIK_VALIDATE_SQL}) AS nik_problem FROM recovered) v
                LEFT JOIN region_lookup r ON r.code = coalesce(v.region_code, '') AND r.name = coalesce(v.region_name, '')
                                         AND r.province = coalesce(v.province, '')
                LEFT JOIN funding_lookup f ON f.cell = coalesce(v.funding, '')
                LEFT JOIN period_lookup s ON s.cell IS NOT DISTINCT FROM v."start"
                LEFT JOIN period_lookup e ON e.cell IS NOT DISTINCT FROM v."end"
                LEFT JOIN occupation_lookup o ON o.cell = coalesce(v.occupation, '')
            )
            SELECT CASE WHEN problem IS NULL THEN {nik.WORKER_KEY_SQL} END AS worker_key, matched_region AS region_code,
                   substr(digits, 1, 2) || '.' || substr(digits, 3, 2) AS nik_region_code, kecamatan, desa,
                   occupation_title AS occupation, funding_source, funder, program, start_period, end_period,
                   $file_path AS file_path, $sheet AS sheet, row_number, $sha256 AS file_sha256,
                   'rentan' AS source, problem,
                   {cases({p: "'" + headers[column[p]].replace("'", "''") + "'" for p, _ in PROBLEMS})} AS column_name,
                   {cases({p: f"'{check}'" for p, check in PROBLEMS})} AS check_name,
                   CAST({cases(shown)} AS VARCHAR) AS value,
                   {cases({p: f"{p}_problem" for p, _ in PROBLEMS})} AS reason
            FROM (SELECT *, {first_problem} AS problem FROM joined)
        """,
            params={"file_path": file_path, "sheet": chunk.sheet, "sha256": sha256, **rules.key_parameters},
        ).to_arrow_table()
        broken = pc.is_valid(checked["problem"])
        staged = checked.filter(pc.invert(broken)).select(STAGED_COLUMNS)
        quarantine = checked.filter(broken).select(REJECTION_COLUMNS)
    finally:
        con.unregister("roster")
    return staged, quarantine


def _lookups(con: duckdb.DuckDBPyConnection, rules: RosterRules) -> None:
    """The parsers' answers for every distinct value of this chunk, as lookup tables (the matcher records the aliases
    each chunk uses)."""
    regions = con.execute(
        "SELECT DISTINCT coalesce(region_code, ''), coalesce(region_name, ''), coalesce(province, '') FROM roster"
    ).fetchall()
    periods = [
        c
        for (c,) in con.execute(
            'SELECT DISTINCT "start" FROM roster UNION SELECT DISTINCT "end" FROM roster'
        ).fetchall()
    ]
    funding = [c for (c,) in con.execute("SELECT DISTINCT coalesce(funding, '') FROM roster").fetchall()]
    occupations = [c for (c,) in con.execute("SELECT DISTINCT coalesce(occupation, '') FROM roster").fetchall()]
    _table(
        con,
        "region_lookup",
        pd.DataFrame(
            [(*k, *rules.region(*k)) for k in regions], columns=["code", "name", "province", "region_code", "problem"]
        ),
    )
    _table(
        con,
        "period_lookup",
        pd.DataFrame([(c, *rules.period(c)) for c in periods], columns=["cell", "period", "problem"]),
    )
    _table(
        con,
        "funding_lookup",
        pd.DataFrame(
            [(c, *_funding(c)) for c in funding],
            columns=["cell", "funding_text", "funding_source", "funder", "problem"],
        ),
    )
    _table(
        con,
        "occupation_lookup",
        pd.DataFrame(
            [(c, str(c).strip().title() or "Tidak disebutkan") for c in occupations], columns=["cell", "occupation"]
        ),
    )


def _table(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    con.register(f"{name}_frame", frame.astype(object).where(frame.notna(), None))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_frame")
    con.unregister(f"{name}_frame")


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
    codes = {
        r.region_code.replace(".", "") for r in load_regions(reference_dir) if r.region_level in ("regency", "city")
    }
    former = pd.read_csv(reference_dir / "former_kabkota_codes.csv", dtype=str)
    return frozenset(codes | set(former["former_code"].str.replace(".", "", regex=False)))


def roster_rules(context: ReadContext) -> RosterRules:
    if not context.pii_key:
        raise FileUnreadable(nik.MISSING_KEY_MESSAGE)
    return RosterRules(context.matcher, kabkota_codes(REFERENCE_DIR), context.pii_key)


SOURCE = ChunkedSource(
    "rentan",
    [["nik"], ["region_code", "region_name"], ["funding"], ["start"], ["end"]],
    "Rosters of vulnerable workers whose contributions APBD, DBHCHT or CSR funds pay: one row per worker and funded period.",
    RosterRows,
    roster_rules,
    process,
    never_read=frozenset({"name"}),
    holds_nik=True,
)
