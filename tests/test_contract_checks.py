"""A contract's declared checks run even where rows are staged in SQL (the rosters): the same checks, as SQL."""

from pathlib import Path

import duckdb
import pandera.pandas as pa
import pyarrow
import pytest
from pandera.typing import Series

from pipeline.ingest.columns import contract_violations_sql
from pipeline.ingest.declared_tables import prepare_staging
from pipeline.read.chunks import Chunk
from pipeline.sources import SOURCES


def test_rows_staged_past_the_roster_contract_fail_their_file():
    rosters = SOURCES["rentan"]
    con = duckdb.connect()
    prepare_staging(con, rosters, full_reload=False)
    con.execute(
        "INSERT INTO staging.rentan (worker_key, region_code, nik_region_code, occupation, funding_source, start_period, "
        "end_period, file_path, row_number) VALUES "
        "('k1', '35.75', '35.75', 'Petani', 'APBD', DATE '2024-01-01', DATE '2024-12-01', 'rentan/a.csv', 2), "
        "('k2', '3575', '35.75', 'Petani', 'HIBAH', DATE '2024-01-01', DATE '2024-12-01', 'rentan/a.csv', 3)"
    )
    chunk = Chunk("", {}, pyarrow.table({"row_number": pyarrow.array([2, 3], pyarrow.int64())}))
    with pytest.raises(RuntimeError) as refused:
        rosters._check_contract(con, Path("a.csv"), "rentan/a.csv", chunk)
    assert "region_code str_matches: 1 rows" in str(refused.value) and "funding_source isin: 1 rows" in str(
        refused.value
    )
    first_row_only = Chunk("", {}, pyarrow.table({"row_number": pyarrow.array([2], pyarrow.int64())}))
    rosters._check_contract(con, Path("a.csv"), "rentan/a.csv", first_row_only)  # a good row passes


def test_a_check_without_a_sql_form_is_refused_not_skipped():
    class Odd(pa.DataFrameModel):
        name: Series[str] = pa.Field(str_length={"min_value": 1}, description="a name")

    with pytest.raises(ValueError, match="no SQL form for the check str_length"):
        contract_violations_sql(Odd)
