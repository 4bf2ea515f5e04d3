"""Reports that list only some segments still give coverage: ALL is the sum of the segments reported.

One build of a hand-made raw folder, the shapes offices really send:
- Kota Batu: PU and BPU only (Kanwil Jawa Timur's 2023 figure had no Jakon or PMI);
- Kota Malang: PU, BPU and Jakon (no migrant-worker programme);
- Kota Kediri: one segment per file, PU in one file and BPU in another;
- Kota Madiun: BPU only (an ALL without PU, which a warn check lists);
- Bali: a province reported directly, with no kab/kota rows at all.
"""

import duckdb
import pytest

from tests.conftest import build

SEGMENTS_BY_REGION = {"35.79": "PU,BPU", "35.73": "PU,BPU,JAKON", "35.71": "PU,BPU", "35.77": "BPU", "51": "PU,BPU"}
EMPLOYED = {"35.79": 120_000, "35.73": 480_000, "35.71": 160_000, "35.77": 100_000, "51": 2_600_000}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("partial")
    raw = root / "raw"
    (raw / "participation").mkdir(parents=True)
    (raw / "participation" / "2024-01_kanwil.csv").write_text(
        "Kab/Kota,Segmen,Peserta Aktif\n"
        "Kota Batu,PU,40.000\nKota Batu,BPU,8.000\n"
        "Kota Malang,PU,200.000\nKota Malang,BPU,30.000\nKota Malang,Jakon,12.000\n"
        "Kota Madiun,BPU,9.000\n",
        encoding="utf-8",
    )
    (raw / "participation" / "2024-01_kediri_pu.csv").write_text(
        "Kab/Kota,Segmen,Peserta Aktif\nKota Kediri,PU,50.000\n", encoding="utf-8"
    )
    (raw / "participation" / "2024-01_kediri_bpu.csv").write_text(
        "Kab/Kota,Segmen,Peserta Aktif\nKota Kediri,BPU,6.000\n", encoding="utf-8"
    )
    (raw / "participation" / "2024-01_bali.csv").write_text(
        "Provinsi;Segmen;Peserta Aktif\nBali;PU;700.100\nBali;BPU;235.079\n", encoding="utf-8"
    )
    (raw / "workforce").mkdir()
    (raw / "workforce" / "bps.csv").write_text(
        "Tahun,Kode Wilayah,Penduduk Bekerja\n"
        + "".join(f"2023,{code},{employed}\n" for code, employed in EMPLOYED.items()),
        encoding="utf-8",
    )
    (raw / "targets").mkdir()
    (raw / "targets" / "targets.csv").write_text(
        "target_id,region,segment,metric,target_value,deadline,source\nBATU-50,Kota Batu,ALL,coverage_pct,50,2025-12,test\n",
        encoding="utf-8",
    )
    result, checks = build(raw, root / "warehouse")
    assert result.success
    con = duckdb.connect(str(root / "warehouse" / "jamsostek.duckdb"), read_only=True)
    yield con, checks
    con.close()


def all_segments(con, region):
    return con.execute(
        "SELECT active_participants, segments_reported, workforce, workforce_basis, coverage_pct, is_complete FROM marts.coverage "
        "WHERE region_code = ? AND segment = 'ALL' AND period = DATE '2024-01-01'",
        [region],
    ).fetchone()


@pytest.mark.parametrize(
    ("region", "participants"),
    [("35.79", 48_000), ("35.73", 242_000), ("35.71", 56_000), ("35.77", 9_000), ("51", 935_179)],
    ids=["PU+BPU only", "PU+BPU+JAKON", "one segment per file", "BPU only", "province reported directly"],
)
def test_all_is_the_sum_of_the_segments_reported_and_has_coverage(warehouse, region, participants):
    con, _ = warehouse
    active, segments, workforce, basis, coverage, complete = all_segments(con, region)
    assert (active, segments, workforce, basis, complete) == (
        participants,
        SEGMENTS_BY_REGION[region],
        EMPLOYED[region],
        "bps_employed",
        True,
    )
    assert coverage == pytest.approx(100 * participants / EMPLOYED[region])


def test_a_rollup_missing_whole_kabkota_keeps_its_participants_but_gets_no_coverage(warehouse):
    con, _ = warehouse
    active, segments, _, _, coverage, complete = all_segments(con, "35")
    assert active == 48_000 + 242_000 + 56_000 + 9_000
    assert segments == "PU,BPU,JAKON" and coverage is None and complete is False
    (reporting, expected) = con.execute(
        "SELECT regions_reporting, regions_expected FROM marts.coverage WHERE region_code = '35' AND segment = 'ALL'"
    ).fetchone()
    assert (reporting, expected) == (4, 38)


def test_an_all_without_pu_or_bpu_is_listed_by_a_warn_check(warehouse):
    con, checks = warehouse
    assert checks[("marts/coverage", "all_includes_pu_and_bpu")] is False
    listed = con.execute(
        "SELECT region_code FROM marts.coverage WHERE segment = 'ALL' AND NOT (list_contains(string_split(segments_reported, ','), 'PU') "
        "AND list_contains(string_split(segments_reported, ','), 'BPU'))"
    ).fetchall()
    assert listed == [("35.77",)]


def test_a_target_on_a_partial_report_is_measured(warehouse):
    # Before, an ALL figure without all four segments had no coverage and every target on it read no_data.
    con, _ = warehouse
    current, as_of, status = con.execute(
        "SELECT current_value, as_of, status FROM marts.target_progress WHERE target_id = 'BATU-50'"
    ).fetchone()
    assert current == pytest.approx(40.0) and str(as_of) == "2024-01-01" and status != "no_data"
