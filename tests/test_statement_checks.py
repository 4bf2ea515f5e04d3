"""marts.statement_checks on hand-made statements: each kind of problem found once, in plain words, and nothing else.

The warehouse side is a minimal marts.coverage and core.workforce, so every expected figure can be worked out here.
"""

import duckdb
import pytest

from pipeline.warehouse.connection import run_sql_file
from tests.sql_models import build_models

BALI, BATU, JATIM = "51", "35.79", "35"


@pytest.fixture
def checked():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA ref; CREATE SCHEMA core; CREATE SCHEMA marts")
    con.execute("CREATE TABLE ref.regions (region_code VARCHAR, region_name VARCHAR)")
    con.execute("INSERT INTO ref.regions VALUES ('51', 'Bali'), ('35.79', 'Kota Batu'), ('35', 'Jawa Timur')")
    con.execute("CREATE TABLE core.workforce (year INTEGER, region_code VARCHAR, employed BIGINT)")
    con.execute("INSERT INTO core.workforce VALUES (2023, '35.79', 120000), (2024, '35.79', 125000), (2023, '35', 22703177)")
    con.execute("CREATE TABLE marts.coverage (period DATE, region_code VARCHAR, segment VARCHAR, active_participants BIGINT, "
                "segments_reported VARCHAR, coverage_pct DOUBLE)")  # fmt: skip
    # Kota Batu, June 2024: 50,000 of 125,000 employed (40%); PU 30,000.
    con.execute("INSERT INTO marts.coverage VALUES ('2024-06-01', '35.79', 'ALL', 50000, 'PU,BPU', 40.0), "
                "('2024-06-01', '35.79', 'PU', 30000, 'PU', 60.0), ('2024-03-01', '35', 'BPU', 1000000, 'BPU', 6.9)")  # fmt: skip
    run_sql_file(con, "staging/statements.sql")

    def statements(*rows):
        for i, row in enumerate(rows, start=2):
            values = {"segment": "ALL", "source": "test", "file_path": "statements/s.csv", "sheet": "", "row_number": i, **row}
            columns = ", ".join(values)
            con.execute(f"INSERT INTO staging.statements ({columns}) VALUES ({', '.join('?' * len(values))})", list(values.values()))
        build_models(con, "statements", "statement_checks")
        return {r[0]: r[1:] for r in con.execute(
            "SELECT statement_id, problem_count, verdict, not_checked, arithmetic_ok, segments_add_up, recomputed_pct FROM marts.statement_checks"
        ).fetchall()}  # fmt: skip

    yield statements
    con.close()


def test_bali_arithmetic_is_caught(checked):
    [(problems, verdict, unchecked, arithmetic_ok, _, recomputed)] = checked(
        {"statement_id": "BALI", "region_code": BALI, "period": "2025-03-01", "stated_participants": 935_079,
         "stated_denominator": 1_873_899, "denominator_kind": "bps_employed", "stated_coverage_pct": 50.88}
    ).values()  # fmt: skip
    assert recomputed == pytest.approx(49.90, abs=0.005) and arithmetic_ok is False
    assert problems == 1
    assert verdict == "Arithmetic: 935,079 of 1,873,899 is 49.90%, not the stated 50.88% (0.98 points off)."
    assert "no warehouse figure for Bali (ALL) in March 2025" in unchecked and "no BPS figure for Bali" in unchecked


def test_a_statement_that_holds_up(checked):
    result = checked({"statement_id": "OK", "region_code": BATU, "period": "2024-06-01", "stated_participants": 50_000,
                      "stated_denominator": 125_000, "denominator_kind": "bps_employed", "stated_coverage_pct": 40.0,
                      "stated_pu": 30_000, "stated_bpu": 20_000})  # fmt: skip
    assert result["OK"][:5] == (0, "No problem found.", None, True, True)


def test_every_kind_of_problem_is_named_once(checked):
    result = checked(
        # Segments that do not add up; participants 10% above the warehouse; coverage 4 points above it.
        {"statement_id": "SEG", "region_code": BATU, "period": "2024-06-01", "stated_participants": 55_000, "stated_coverage_pct": 44.0,
         "stated_pu": 30_000, "stated_bpu": 20_000},
        # A denominator said to be BPS employed persons, 20% off BPS's own figure (arithmetic itself right).
        {"statement_id": "DEN", "region_code": BATU, "period": "2024-06-01", "stated_participants": 50_000,
         "stated_denominator": 100_000, "denominator_kind": "bps_employed", "stated_coverage_pct": 50.0},
        # A potential denominator larger than everyone employed in the province.
        {"statement_id": "POT", "region_code": JATIM, "period": "2024-03-01", "segment": "BPU", "stated_participants": 1_000_000,
         "stated_denominator": 30_000_000, "denominator_kind": "potential", "stated_coverage_pct": 3.33},
    )  # fmt: skip
    problems, verdict, *_ = result["SEG"]
    assert problems == 3
    assert "Segments: the segment figures add up to 50,000, not the stated total of 55,000." in verdict
    assert "Participants: the warehouse has 50,000 active participants (ALL) for Kota Batu in June 2024, the statement 55,000 (+10.0%)." in verdict
    assert "Coverage: the warehouse has 40.00% of BPS employed persons for Kota Batu in June 2024, the statement 44.00% (+4.00 points)." in verdict
    problems, verdict, *_ = result["DEN"]
    # The wrong denominator is the cause, and the coverage it gives is off the warehouse's: both are said.
    assert problems == 2
    assert "Denominator: the statement divides by 100,000 employed persons, but BPS counted 125,000 in Kota Batu in 2024 (-20.0%)." in verdict
    assert "Coverage: the warehouse has 40.00% of BPS employed persons for Kota Batu in June 2024, the statement 50.00% (+10.00 points)." in verdict
    problems, verdict, unchecked, *_ = result["POT"]
    assert problems == 1 and verdict.startswith("Denominator: 30,000,000 potential workers is more than all 22,703,177 employed persons")
    assert "coverage against the warehouse" in unchecked  # a BPU share of potential workers is not the warehouse's basis


def test_a_statement_without_an_id_is_named_after_its_row(checked):
    result = checked({"region_code": BATU, "period": "2024-06-01", "stated_coverage_pct": 40.2})
    assert list(result) == ["s.csv:2"]
    assert result["s.csv:2"][0] == 0  # 40.2% against 40%: within half a point
