"""rentan/: rosters of vulnerable workers (pekerja rentan) whose contributions a government or company pays.

A national roster has millions of rows, so it is read in chunked mode (pipeline/ingest/chunked.py) and checked in SQL
inside the warehouse connection: the region matcher and period parser run once per distinct value of a file. The name column is never read;
the NIK is checked and replaced by a keyed pseudonym (worker_key), and only its masked form reaches quarantine.
"""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path

import duckdb
import pandas as pd
import pandera.pandas as pa
import pyarrow
from pandera.typing import Series

from pipeline.ingest import pii_key
from pipeline.ingest.chunked import ChunkedSource
from pipeline.ingest.columns import PROVENANCE_COLUMNS, REJECTION_COLUMNS, contract_columns
from pipeline.ingest.engine import ReadContext
from pipeline.parse import nik
from pipeline.parse.funding import FUNDING_SOURCES, parse_funding
from pipeline.parse.periods import parse_period
from pipeline.parse.regions import RegionMatcher, load_regions
from pipeline.read.chunks import Chunk
from pipeline.read.sheet import FileUnreadable
from pipeline.settings import REFERENCE_DIR
from pipeline.sources.fields import REGION_CODE, Contract


class RosterRules:
    """Everything the chunks of one roster file are checked against, in the connection they are staged in.

    The parsers (region matcher, period parser, funding, occupation) run once per distinct value of the file and
    their answers become lookup tables; the NIK checks (pipeline/parse/nik.py) and the HMAC (pipeline/ingest/pii_key.py) run in SQL.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        matcher: RegionMatcher,
        kabkota_codes: frozenset[str],
        key: str,
        today=None,
    ):
        self.con, self.matcher, self.today = con, matcher, today
        self.key_parameters = pii_key.worker_key_parameters(key)  # bound to the query, never part of its text
        self.parsed: dict[str, set] = {lookup: set() for lookup in LOOKUPS}  # values already in each lookup table
        con.execute(
            "CREATE OR REPLACE TEMP TABLE kabkota_codes AS SELECT unnest(?::VARCHAR[]) AS code", [sorted(kabkota_codes)]
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE birth_dates AS SELECT unnest(?::VARCHAR[]) AS ddmmyy",
            [nik.plausible_birth_dates(today)],
        )
        for lookup, columns in LOOKUPS.items():
            con.execute(f"CREATE OR REPLACE TEMP TABLE {lookup} ({', '.join(f'{c} {t}' for c, t in columns.items())})")

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


# The lookup tables of one file: the parsers' answer for each distinct value of the cells they read.
LOOKUPS = {
    "region_lookup": {
        "code": "VARCHAR",
        "name": "VARCHAR",
        "province": "VARCHAR",
        "region_code": "VARCHAR",
        "problem": "VARCHAR",
    },
    "period_lookup": {"cell": "VARCHAR", "period": "DATE", "problem": "VARCHAR"},
    "funding_lookup": {
        "cell": "VARCHAR",
        "funding_text": "VARCHAR",
        "funding_source": "VARCHAR",
        "funder": "VARCHAR",
        "problem": "VARCHAR",
    },
    "occupation_lookup": {"cell": "VARCHAR", "occupation": "VARCHAR"},
}


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
# Longer than any real occupation, place, funder or programme name: such a cell is a paste or a hostile file, and its
# row is quarantined before it reaches staging (one 19.5 MB "occupation" in every row once took dbt out of memory).
MAX_TEXT_CHARS = 200
TEXT_FIELDS = (
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

PROBLEMS = [
    ("length", "text_length"),
    ("nik", "nik_valid"),
    ("region", "region_match"),
    ("funding", "funding_source"),
    ("start", "period_format"),
    ("end", "period_format"),
    ("order", "period_order"),
]


def stage(chunk: Chunk, rules: RosterRules, file_path: str, sha256: str) -> tuple[int, int]:
    """Check one chunk and insert it into staging.rentan and staging.rentan_quarantine (a rejected row names its
    first broken column): (rows staged, rows quarantined). Nothing but the parsers' distinct values leaves SQL."""
    con = rules.con
    present = set(chunk.cells.column_names)
    region_field = "region_name" if "region_name" in present else "region_code"
    headers = {f: chunk.headers.get(f, f) for f in (*FIELDS, region_field)}
    # A roster without one of the fields reads it as empty.
    # A roster without one of the fields reads it as empty; a NIK typed into any other field is masked before any check
    # reads it, so it reaches neither staging nor quarantine nor a reason.
    columns = ", ".join(
        (f'"{f}"' if f == "nik" else f'{nik.nik_shaped_masked_sql(chr(34) + f + chr(34))} AS "{f}"')
        if f in present
        else f'NULL::VARCHAR AS "{f}"'
        for f in FIELDS
    )
    con.register("roster_cells", chunk.cells)
    try:
        con.execute(f"CREATE OR REPLACE TEMP VIEW roster AS SELECT {columns}, nik_number, row_number FROM roster_cells")
        _lookups(con, rules)
        first_problem = "CASE " + " ".join(f"WHEN {p}_problem IS NOT NULL THEN '{p}'" for p, _ in PROBLEMS) + " END"
        too_long = [f for f in TEXT_FIELDS if f in present]
        long_field = (
            "CASE " + " ".join(f"WHEN length(v.\"{f}\") > {MAX_TEXT_CHARS} THEN '{f}'" for f in too_long) + " END"
            if too_long
            else "NULL"
        )
        shown = {
            "length": "left(CASE long_field "
            + " ".join(f"WHEN '{f}' THEN \"{f}\"" for f in too_long)
            + " END, 40) || '…'"
            if too_long
            else "NULL",
            "nik": nik.NIK_MASK_SQL,
            "region": f'"{region_field}"',
            "funding": "funding_text",
            "start": '"start"',
            "end": '"end"',
            "order": '"end"',
        }
        column = {
            "length": None,
            "nik": "nik",
            "region": region_field,
            "funding": "funding",
            "start": "start",
            "end": "end",
            "order": "end",
        }
        cases = lambda values: "CASE problem " + " ".join(f"WHEN '{p}' THEN {values[p]}" for p, _ in PROBLEMS) + " END"  # noqa: E731
        # The check, in one statement: every row with its staged fields and, if it is broken, its quarantine fields.
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE roster_checked AS
            WITH checked AS (
                SELECT v.*, r.region_code AS matched_region, r.problem AS region_problem,
                       f.funding_text, f.funding_source, f.funder, f.problem AS funding_problem,
                       s.period AS start_period, s.problem AS start_problem, e.period AS end_period, e.problem AS end_problem,
                       CASE WHEN e.period < s.period THEN 'the last covered month is before the first' END AS order_problem,
                       o.occupation AS occupation_title,
                       {long_field} AS long_field,
                       CASE WHEN {long_field} IS NOT NULL THEN 'a cell is longer than any real value (more than {MAX_TEXT_CHARS} '
                            || 'characters): was something pasted into the wrong column?' END AS length_problem
                FROM ({nik.nik_checked_sql("roster")}) v
                LEFT JOIN region_lookup r ON r.code = coalesce(v.region_code, '') AND r.name = coalesce(v.region_name, '')
                                         AND r.province = coalesce(v.province, '')
                LEFT JOIN funding_lookup f ON f.cell = coalesce(v.funding, '')
                LEFT JOIN period_lookup s ON s.cell IS NOT DISTINCT FROM v."start"
                LEFT JOIN period_lookup e ON e.cell IS NOT DISTINCT FROM v."end"
                LEFT JOIN occupation_lookup o ON o.cell = coalesce(v.occupation, '')
            )
            SELECT CASE WHEN problem IS NULL THEN {pii_key.WORKER_KEY_SQL} END AS worker_key, matched_region AS region_code,
                   substr(digits, 1, 2) || '.' || substr(digits, 3, 2) AS nik_region_code, kecamatan, desa,
                   occupation_title AS occupation, funding_source, funder, program, start_period, end_period,
                   $file_path AS file_path, $sheet AS sheet, row_number, $sha256 AS file_sha256,
                   'rentan' AS source, problem,
                   {cases({p: _column_name_sql(headers, column[p], too_long) for p, _ in PROBLEMS})} AS column_name,
                   {cases({p: f"'{check}'" for p, check in PROBLEMS})} AS check_name,
                   CAST({cases(shown)} AS VARCHAR) AS value,
                   {cases({p: f"{p}_problem" for p, _ in PROBLEMS})} AS reason
            FROM (SELECT *, {first_problem} AS problem FROM checked)
        """,
            {"file_path": file_path, "sheet": chunk.sheet, "sha256": sha256, **rules.key_parameters},
        )
        con.execute(
            f"INSERT INTO staging.rentan BY NAME SELECT {', '.join(STAGED_COLUMNS)} FROM roster_checked WHERE problem IS NULL"
        )
        con.execute(
            f"INSERT INTO staging.rentan_quarantine BY NAME SELECT {', '.join(REJECTION_COLUMNS)} FROM roster_checked WHERE problem IS NOT NULL"
        )
        staged, quarantined = con.execute(
            "SELECT count(*) FILTER (problem IS NULL), count(*) FILTER (problem IS NOT NULL) FROM roster_checked"
        ).fetchone()
        con.execute("DROP TABLE roster_checked; DROP VIEW roster")
    finally:
        # After a failed statement the transaction is aborted until the sync rolls the file back: keep its error.
        with contextlib.suppress(duckdb.TransactionException):
            con.unregister("roster_cells")
    return staged, quarantined


def _column_name_sql(headers: dict[str, str], field: str | None, too_long: list[str]) -> str:
    """The header text of the column a problem is in, as SQL: fixed for most problems, the long cell's for length."""
    if field is not None:
        return "'" + headers[field].replace("'", "''") + "'"
    if not too_long:
        return "NULL"
    texts = {f: "'" + headers.get(f, f).replace("'", "''") + "'" for f in too_long}
    return "CASE long_field " + " ".join(f"WHEN '{f}' THEN {texts[f]}" for f in too_long) + " END"


def _lookups(con: duckdb.DuckDBPyConnection, rules: RosterRules) -> None:
    """Add to the lookup tables the parsers' answers for the values of this chunk not seen before in the file (the
    matcher records the aliases each file uses)."""
    distinct = {
        "region_lookup": "SELECT DISTINCT coalesce(region_code, ''), coalesce(region_name, ''), coalesce(province, '') FROM roster",
        "period_lookup": 'SELECT DISTINCT "start" FROM roster UNION SELECT DISTINCT "end" FROM roster',
        "funding_lookup": "SELECT DISTINCT coalesce(funding, '') FROM roster",
        "occupation_lookup": "SELECT DISTINCT coalesce(occupation, '') FROM roster",
    }
    answer = {
        "region_lookup": lambda key: (*key, *rules.region(*key)),
        "period_lookup": lambda key: (key[0], *rules.period(key[0])),
        "funding_lookup": lambda key: (key[0], *parse_funding(key[0])),
        "occupation_lookup": lambda key: (key[0], str(key[0]).strip().title() or "Tidak disebutkan"),
    }
    for lookup, query in distinct.items():
        new = [key for key in con.execute(query).fetchall() if key not in rules.parsed[lookup]]
        if new:
            rules.parsed[lookup].update(new)
            answers = pyarrow.table(list(zip(*(answer[lookup](key) for key in new))), names=list(LOOKUPS[lookup]))
            con.register("new_answers", answers)
            con.execute(f"INSERT INTO {lookup} BY NAME SELECT * FROM new_answers")
            con.unregister("new_answers")


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
        raise FileUnreadable(pii_key.MISSING_KEY_MESSAGE)
    return RosterRules(context.con, context.matcher, kabkota_codes(REFERENCE_DIR), context.pii_key)


SOURCE = ChunkedSource(
    "rentan",
    [["nik"], ["region_code", "region_name"], ["funding"], ["start"], ["end"]],
    "Rosters of vulnerable workers whose contributions APBD, DBHCHT or CSR funds pay: one row per worker and funded period.",
    RosterRows,
    roster_rules,
    stage,
    never_read=frozenset({"name"}),
    numbers=frozenset({"nik"}),
    holds_nik=True,
)
