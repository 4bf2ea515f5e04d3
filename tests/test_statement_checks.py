"""marts.statement_checks on hand-made statements: each kind of problem found once, in plain Indonesian, within the
precision each figure was stated at, and nothing else.

The warehouse side is a minimal marts.coverage, core.workforce and core.potential plus the shipped BPS province
seed, so every expected figure can be worked out here.
"""

import duckdb
import pytest

from pipeline.ingest.declared_tables import prepare_staging
from pipeline.sources import SOURCES
from tests.sql_models import build_models, load_seeds

BALI, BATU, JATIM, SUMSEL = "51", "35.79", "35", "16"


@pytest.fixture
def checked():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA ref; CREATE SCHEMA core; CREATE SCHEMA marts")
    load_seeds(con)
    con.execute("CREATE TABLE ref.regions (region_code VARCHAR, region_name VARCHAR, region_level VARCHAR)")
    con.execute(
        "INSERT INTO ref.regions VALUES ('51', 'Bali', 'province'), ('35.79', 'Kota Batu', 'city'), "
        "('35', 'Jawa Timur', 'province'), ('16', 'Sumatera Selatan', 'province'), ('91', 'Papua', 'province'), "
        "('92', 'Papua Barat', 'province')"
    )
    con.execute(
        "CREATE TABLE core.workforce (year INTEGER, region_code VARCHAR, employed BIGINT, formal BIGINT, informal BIGINT)"
    )
    con.execute(
        "INSERT INTO core.workforce VALUES (2023, '35.79', 120000, 50000, 70000), (2024, '35.79', 125000, 52000, 73000), "
        "(2025, '35.79', 128000, NULL, NULL)"
    )
    con.execute(
        "CREATE TABLE core.potential (year INTEGER, region_code VARCHAR, segment VARCHAR, potential_workers BIGINT)"
    )
    con.execute("INSERT INTO core.potential VALUES (2024, '35.79', 'ALL', 90000)")
    con.execute(
        "CREATE TABLE marts.coverage (period DATE, region_code VARCHAR, segment VARCHAR, active_participants BIGINT, "
        "segments_reported VARCHAR, coverage_pct DOUBLE)"
    )
    # Kota Batu, June 2024: 50,000 of 125,000 employed (40%); PU 30,000. December 2023: 48,000.
    con.execute(
        "INSERT INTO marts.coverage VALUES ('2024-06-01', '35.79', 'ALL', 50000, 'PU,BPU', 40.0), "
        "('2024-06-01', '35.79', 'PU', 30000, 'PU', 60.0), ('2024-03-01', '35', 'BPU', 1000000, 'BPU', 6.9), "
        "('2023-11-01', '35.79', 'ALL', 47000, 'PU,BPU', 39.2), ('2023-12-01', '35.79', 'ALL', 48000, 'PU,BPU', 40.0)"
    )
    prepare_staging(con, SOURCES["statements"], full_reload=False)
    build_models(con, "bps_published")

    def statements(*rows):
        for i, row in enumerate(rows, start=2):
            values = {
                "segment": "ALL",
                "source": "test",
                "file_path": "statements/s.csv",
                "sheet": "",
                "row_number": i,
                "period_grain": "month",
                "stated_on": row["period"],
                **row,
            }
            columns = ", ".join(values)
            con.execute(
                f"INSERT INTO staging.statements ({columns}) VALUES ({', '.join('?' * len(values))})",
                list(values.values()),
            )
        build_models(con, "statements", "statement_checks")
        return {
            r[0]: r[1:]
            for r in con.execute(
                "SELECT statement_id, problem_count, verdict, not_checked, arithmetic_ok, segments_add_up, recomputed_pct, denominator_matches_bps, "
                "bps_year, warehouse_participants FROM marts.statement_checks"
            ).fetchall()
        }

    yield statements
    con.close()


def test_bali_arithmetic_is_caught(checked):
    # Bali, 31 March 2025: 935,079 of 1,873,899 called 50.88%; it is 49.90%.
    [(problems, verdict, unchecked, arithmetic_ok, _, recomputed, *_)] = checked(
        {
            "statement_id": "BALI",
            "region_code": BALI,
            "period": "2025-03-01",
            "stated_on": "2025-03-31",
            "stated_participants": 935_079,
            "stated_denominator": 1_873_899,
            "denominator_kind": "bps_employed",
            "stated_coverage_pct": 50.88,
            "stated_coverage_pct_precision": 0.005,
        }
    ).values()
    assert recomputed == pytest.approx(49.90, abs=0.005) and arithmetic_ok is False
    assert verdict.startswith(
        "Aritmetika: 935.079 dari 1.873.899 adalah 49,90%, bukan 50,88% seperti disebut (selisih 0,98 poin)."
    )
    assert "tidak ada angka gudang data untuk Bali (semua segmen) Maret 2025" in unchecked


def test_a_rounded_percentage_is_right_at_its_precision(checked):
    # "80%" for 79.86% is right to the precision it states; "79,9%" is too; "80,0%" is not.
    result = checked(
        {
            "statement_id": "R0",
            "region_code": BATU,
            "period": "2024-06-01",
            "stated_participants": 99_825,
            "stated_denominator": 125_000,
            "denominator_kind": "bps_employed",
            "stated_coverage_pct": 80.0,
            "stated_coverage_pct_precision": 0.5,
        },
        {
            "statement_id": "R1",
            "region_code": BATU,
            "period": "2024-06-01",
            "stated_participants": 99_825,
            "stated_denominator": 125_000,
            "denominator_kind": "bps_employed",
            "stated_coverage_pct": 79.9,
            "stated_coverage_pct_precision": 0.05,
        },
        {
            "statement_id": "R2",
            "region_code": BATU,
            "period": "2024-06-01",
            "stated_participants": 99_825,
            "stated_denominator": 125_000,
            "denominator_kind": "bps_employed",
            "stated_coverage_pct": 80.0,
            "stated_coverage_pct_precision": 0.05,
        },
    )
    assert result["R0"][3] is True and result["R1"][3] is True
    assert (
        result["R2"][3] is False
        and "Aritmetika: 99.825 dari 125.000 adalah 79,86%, bukan 80,0% seperti disebut" in result["R2"][1]
    )


def test_a_rounded_denominator_is_right_within_its_precision(checked):
    # "2,45 juta" is 2,445,000-2,455,000: 122.5 thousand ("122,5 ribu") of it is 5.00%, and 5% is within.
    result = checked(
        {
            "statement_id": "J",
            "region_code": BATU,
            "period": "2024-06-01",
            "stated_participants": 122_500,
            "stated_participants_precision": 50,
            "stated_denominator": 2_450_000,
            "stated_denominator_precision": 5000,
            "denominator_kind": "other",
            "stated_coverage_pct": 5.0,
            "stated_coverage_pct_precision": 0.5,
        }
    )
    assert result["J"][3] is True


def test_a_statement_that_holds_up(checked):
    # Figures as of June 2024 with BPS's August 2024 count, said once that count was out (30 November 2024).
    result = checked(
        {
            "statement_id": "OK",
            "region_code": BATU,
            "period": "2024-06-01",
            "stated_on": "2024-11-30",
            "stated_participants": 50_000,
            "stated_denominator": 125_000,
            "denominator_kind": "bps_employed",
            "stated_coverage_pct": 40.0,
            "stated_coverage_pct_precision": 0.005,
            "stated_pu": 30_000,
            "stated_bpu": 20_000,
        }
    )
    assert result["OK"][:5] == (0, "Tidak ada masalah.", None, True, True)


def test_the_bps_figure_is_the_one_published_at_the_statements_date(checked):
    # November 2025, before BPS's August 2025 round came out: August 2024 (125,000) was the latest figure.
    # February 2026: the August 2025 round (128,000) was out for provinces, but a kab/kota figure comes out later, so
    # for Kota Batu the round before counts as current too, and the one meant is named (test below for a province).
    result = checked(
        {
            "statement_id": "NOV",
            "region_code": BATU,
            "period": "2025-11-01",
            "stated_participants": 50_000,
            "stated_denominator": 125_000,
            "denominator_kind": "bps_employed",
            "stated_coverage_pct": 40.0,
        },
        {
            "statement_id": "FEB",
            "region_code": BATU,
            "period": "2026-02-01",
            "stated_participants": 50_000,
            "stated_denominator": 125_000,
            "denominator_kind": "bps_employed",
            "stated_coverage_pct": 40.0,
        },
    )
    problems, verdict, _, _, _, _, matches, bps_year, _ = result["NOV"]
    assert bps_year == 2024 and problems == 0 and matches == "penduduk bekerja BPS Sakernas Agustus 2024 (125.000)"
    problems, verdict, _, _, _, _, matches, bps_year, _ = result["FEB"]
    assert bps_year == 2024 and problems == 0 and matches == "penduduk bekerja BPS Sakernas Agustus 2024 (125.000)"


def test_a_province_figure_older_than_the_latest_round_is_named_as_such(checked):
    # Jawa Timur, December 2025: the August 2025 round (23.80 million) was out on 5 November; 23.36 million is
    # August 2024's, and a province gets no later publication.
    problems, verdict, *_ = checked(
        {
            "statement_id": "JATIM",
            "region_code": JATIM,
            "period": "2025-12-01",
            "stated_participants": 7_000_000,
            "stated_denominator": 23_360_000,
            "stated_denominator_precision": 5_000,
            "denominator_kind": "bps_employed",
        }
    )["JATIM"]
    assert problems == 1 and "Sakernas Agustus 2025" in verdict and "Agustus 2024 (23.360.000)" in verdict


def test_a_figure_from_before_a_split_is_never_the_comparison_for_after_it(checked):
    # Papua's only figure before 2025 is the old province's (1.93 million, pre_split in the seed): a 2023 statement
    # is not compared with it, and says why.
    result = checked(
        {
            "statement_id": "PAPUA-2023",
            "region_code": "91",
            "period": "2023-12-01",
            "stated_participants": 150_000,
            "stated_denominator": 440_000,
            "denominator_kind": "bps_employed",
        }
    )
    problems, verdict, not_checked, *_ = result["PAPUA-2023"]
    assert problems == 0 and "sebelum pemekaran 2022" in not_checked


def test_a_segment_statement_is_compared_with_its_own_base(checked):
    # "77.750 of 170.616 informal workers": a BPU statement is divided by informal workers, not by everyone employed.
    # Kota Batu's informal workers (73,000 in 2024) are known: compared with them. Papua Barat's are not: not checked.
    result = checked(
        {
            "statement_id": "BATU-BPU",
            "region_code": BATU,
            "period": "2024-12-01",
            "segment": "BPU",
            "stated_participants": 20_000,
            "stated_denominator": 73_000,
        },
        {
            "statement_id": "PB-BPU",
            "region_code": "92",
            "period": "2024-12-01",
            "segment": "BPU",
            "stated_participants": 77_750,
            "stated_denominator": 170_616,
        },
    )
    assert result["BATU-BPU"][0] == 0 and result["BATU-BPU"][7] == 2024
    problems, verdict, not_checked, *_ = result["PB-BPU"]
    assert problems == 0 and "tidak ada angka BPS pekerja informal" in not_checked


def test_a_part_that_was_not_read_never_enters_a_sum(checked):
    # "sekitar 1,1 juta pekerja formal, sisanya ..." with the informal cell unread: formal + nothing is not a sum.
    result = checked(
        {
            "statement_id": "HALF",
            "region_code": JATIM,
            "period": "2024-03-01",
            "stated_participants": 2_500_000,
            "stated_formal": 1_100_000,
            "not_parsed": "stated_informal = 'banyak': not a number",
        },
        {
            "statement_id": "SEG",
            "region_code": JATIM,
            "period": "2024-03-01",
            "stated_participants": 2_500_000,
            "stated_pu": 1_100_000,
            "stated_bpu": 1_000_000,
            "not_parsed": "stated_jakon = 'ratusan ribu': not a number",
        },
    )
    problems, _, not_checked, _, segments_add_up, *_ = result["HALF"]
    assert problems == 0 and segments_add_up is None and "formal + informal" in not_checked
    problems, _, not_checked, _, segments_add_up, *_ = result["SEG"]
    assert problems == 0 and segments_add_up is None and "jumlah segmen" in not_checked


def test_every_kind_of_problem_is_named_once(checked):
    result = checked(
        # Segments that do not add up; participants 10% above the warehouse; coverage 4 points above it.
        {
            "statement_id": "SEG",
            "region_code": BATU,
            "period": "2024-06-01",
            "stated_participants": 55_000,
            "stated_coverage_pct": 44.0,
            "stated_pu": 30_000,
            "stated_bpu": 20_000,
        },
        # A denominator said to be BPS employed persons, 20% off BPS's own figure (arithmetic itself right).
        {
            "statement_id": "DEN",
            "region_code": BATU,
            "period": "2024-12-01",
            "stated_on": "2024-12-01",
            "stated_participants": 50_000,
            "stated_denominator": 100_000,
            "denominator_kind": "bps_employed",
            "stated_coverage_pct": 50.0,
        },
        # A potential denominator larger than everyone employed in the province (the province seed: 22.70 million in 2023).
        {
            "statement_id": "POT",
            "region_code": JATIM,
            "period": "2024-03-01",
            "segment": "BPU",
            "stated_participants": 1_000_000,
            "stated_denominator": 30_000_000,
            "denominator_kind": "potential",
            "stated_coverage_pct": 3.33,
        },
        # A denominator with no basis that is not BPS's.
        {
            "statement_id": "NOB",
            "region_code": BATU,
            "period": "2024-12-01",
            "stated_participants": 50_000,
            "stated_denominator": 110_000,
        },
        # Formal + informal that do not add up.
        {
            "statement_id": "FI",
            "region_code": BATU,
            "period": "2024-06-01",
            "stated_participants": 50_000,
            "stated_formal": 31_000,
            "stated_informal": 20_000,
        },
        # A potential denominator other than the one in potential/.
        {
            "statement_id": "POTW",
            "region_code": BATU,
            "period": "2024-06-01",
            "stated_participants": 50_000,
            "stated_denominator": 80_000,
            "denominator_kind": "potential",
            "denominator_words": "angkatan kerja di luar ASN, TNI, Polri",
        },
    )
    problems, verdict, *_ = result["SEG"]
    assert problems == 3
    assert "Segmen: angka segmen berjumlah 50.000, bukan total yang disebut 55.000." in verdict
    assert (
        "Peserta: gudang data mencatat 50.000 peserta aktif (semua segmen) di Kota Batu pada Juni 2024, pernyataan 55.000 (+10,0%)."
        in verdict
    )
    assert (
        "Cakupan: gudang data mencatat 40,00% dari penduduk bekerja BPS di Kota Batu pada Juni 2024, pernyataan 44,00% (+4,00 poin)."
        in verdict
    )
    problems, verdict, *_ = result["DEN"]
    assert problems == 1, verdict  # no warehouse figure for December: coverage is not compared
    assert verdict.startswith(
        "Penyebut: pernyataan membagi dengan 100.000, tetapi angka penduduk bekerja BPS terakhir yang terbit pada tanggal itu adalah 125.000"
    )
    problems, verdict, unchecked, *_ = result["POT"]
    assert problems == 1 and verdict.startswith(
        "Penyebut: 30.000.000 pekerja (potential) lebih banyak dari seluruh 22.700.000 penduduk bekerja"
    )
    assert "cakupan terhadap gudang data" in unchecked  # a BPU share of potential workers is not the warehouse's basis
    problems, verdict, *_ = result["NOB"]
    assert problems == 1 and verdict.startswith(
        "Penyebut: dasar penyebut tidak disebut; pernyataan membagi dengan 110.000"
    )
    problems, verdict, _, _, segments_ok, *_ = result["FI"]
    assert (
        problems == 1
        and segments_ok is False
        and verdict == "Formal/informal: formal dan informal berjumlah 51.000, bukan total yang disebut 50.000."
    )
    problems, verdict, *_ = result["POTW"]
    assert (
        problems == 1
        and verdict
        == "Penyebut: 80.000 pekerja potensial, tetapi folder potential/ mencatat 90.000 untuk Kota Batu tahun 2024."
    )


def test_a_year_statement_is_compared_with_the_latest_month_of_that_year(checked):
    result = checked(
        {
            "statement_id": "Y",
            "region_code": BATU,
            "period": "2023-01-01",
            "period_grain": "year",
            "stated_on": "2023-12-31",
            "stated_participants": 48_000,
        }
    )
    problems, verdict, *_, warehouse = result["Y"]
    assert warehouse == 48_000 and problems == 0


def test_a_gap_in_people_is_checked_against_the_target(checked):
    # 70% of 125,000 is 87,500; with 50,000 insured, 37,500 are still needed. A target of 90,000 people leaves 40,000.
    result = checked(
        {
            "statement_id": "G1",
            "region_code": BATU,
            "period": "2024-06-01",
            "stated_on": "2024-11-30",
            "stated_participants": 50_000,
            "stated_denominator": 125_000,
            "target_value": 70.0,
            "target_value_precision": 0.5,
            "target_metric": "coverage_pct",
            "stated_gap": 37_500,
        },
        {
            "statement_id": "G2",
            "region_code": BATU,
            "period": "2024-06-01",
            "stated_participants": 50_000,
            "target_value": 90_000,
            "target_metric": "active_participants",
            "stated_gap": 45_000,
        },
    )
    assert result["G1"][0] == 0
    assert result["G2"][0] == 1  # 90,000 - 50,000 = 40,000
    assert (
        result["G2"][1]
        == "Kekurangan: pernyataan menyebut masih 45.000 peserta lagi, tetapi target dan pesertanya sendiri memberi 40.000."
    )


def test_a_cell_that_does_not_parse_is_named_not_checked(checked):
    result = checked(
        {
            "statement_id": "NP",
            "region_code": BATU,
            "period": "2024-06-01",
            "stated_participants": 50_000,
            "not_parsed": "target_deadline = 'segera': 'segera' is not a month such as '2021-09' or 'September 2021'",
        }
    )
    assert result["NP"][0] == 0 and "sel tidak terbaca: target_deadline = 'segera'" in result["NP"][2]


def test_a_statement_without_an_id_is_named_after_its_row(checked):
    result = checked(
        {
            "region_code": BATU,
            "period": "2024-06-01",
            "stated_coverage_pct": 40.2,
            "stated_coverage_pct_precision": 0.05,
        }
    )
    assert list(result) == ["s.csv:2"]
    assert result["s.csv:2"][0] == 0  # 40.2% against 40%: within half a point
