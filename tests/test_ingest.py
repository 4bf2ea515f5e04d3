"""File-level ingest: typed rows, quarantined rows with reasons, failed files, and reconciliation."""

from pathlib import Path

import pandas as pd
import pytest

from pipeline.ingest.engine import ingest_file
from pipeline.sources import SOURCES

PARTICIPATION, TARGETS, WORKFORCE = SOURCES["participation"], SOURCES["targets"], SOURCES["workforce"]


def write(tmp_path: Path, source: str, name: str, text: str) -> Path:
    folder = tmp_path / source
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def ingest(tmp_path, spec, path, matcher, synonyms):
    result = ingest_file(path, tmp_path, spec, synonyms, matcher)
    assert result.rows_read == result.rows_loaded + len(result.rejections)
    return result


def test_participation_rows_are_typed_with_provenance(tmp_path, matcher, synonyms):
    path = write(
        tmp_path,
        "participation",
        "2021-09_laporan.csv",
        "Kode Wilayah;Kabupaten/Kota;Segmen;Peserta Aktif;Peserta Baru\n"
        "3575;PASURUAN;Penerima Upah;16.833;200\n"
        "35.74;Kota Probolinggo;BPU;9.081;-\n",
    )
    result = ingest(tmp_path, PARTICIPATION, path, matcher, synonyms)
    assert result.status == "loaded"
    rows = result.rows
    assert rows["region_code"].tolist() == ["35.75", "35.74"]
    assert rows["segment"].tolist() == ["PU", "BPU"]
    assert rows["active_participants"].tolist() == [16833, 9081]
    assert rows["period"].tolist() == [pd.Timestamp("2021-09-01")] * 2  # from the file name
    assert pd.isna(rows["new_participants"].iloc[1])
    assert rows["row_number"].tolist() == [2, 3]
    assert rows["file_path"].iloc[0] == "participation/2021-09_laporan.csv"
    assert len(rows["file_sha256"].iloc[0]) == 64


def test_bad_rows_are_quarantined_and_the_rest_loads(tmp_path, matcher, synonyms):
    path = write(
        tmp_path,
        "participation",
        "laporan.csv",
        "Periode,Kab/Kota,Segmen,TK Aktif\n"
        "2021-09,Kota Pasuruan,PU,100\n"
        "2021-09,Pasuruan,PU,100\n"
        "2021-09,Kab. Lumajangg,PU,100\n"
        "2021-09,Kota Blitar,Honorer,100\n"
        "2021-09,Kota Blitar,PU,12.5\n"
        "2021-13,Kota Blitar,PU,100\n"
        "2099-01,Kota Blitar,PU,100\n"
        "2021-09,Kota Pasuruan,PU,101\n"
        "2021-09,Kota Madiun,PU,\n",
    )
    result = ingest(tmp_path, PARTICIPATION, path, matcher, synonyms)
    assert result.status == "partial" and result.rows_loaded == 1
    reasons = {r["row_number"]: (r["column_name"], r["check_name"], r["reason"]) for r in result.rejections}
    assert reasons[3][:2] == ("Kab/Kota", "region_match") and "ambiguous" in reasons[3][2]
    assert "did you mean 'Kabupaten Lumajang'" in reasons[4][2]
    assert reasons[5][:2] == ("Segmen", "segment_value")
    assert reasons[6][:2] == ("TK Aktif", "number_format")
    assert reasons[7][1] == "period_format"
    assert reasons[8][1] == "period_not_in_future"
    assert reasons[9][1] == "duplicate_key" and "first one is kept" in reasons[9][2]
    assert reasons[10][1] == "required_value"


def test_period_from_a_title_cell(tmp_path, matcher, synonyms):
    path = write(
        tmp_path,
        "participation",
        "laporan.csv",
        "Laporan Kepesertaan Kanwil Jawa Timur\nPosisi Agustus 2024\n\nKab/Kota,Segmen,Peserta Aktif\nKota Batu,Jakon,1.200\n",
    )
    result = ingest(tmp_path, PARTICIPATION, path, matcher, synonyms)
    assert result.rows["period"].iloc[0] == pd.Timestamp("2024-08-01")
    assert result.rows["segment"].iloc[0] == "JAKON"
    assert result.rows["row_number"].iloc[0] == 5


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("laporan.csv", "Kab/Kota,Segmen,Peserta Aktif\nKota Batu,PU,100\n", "no period found"),
        ("2021-09.csv", "Kab/Kota,Segmen,Jumlah\nKota Batu,PU,100\n", "missing 'active_participants'"),
        ("2021-09.csv", "\n\n", "no rows"),
        ("2021-09.csv", "", "empty"),
    ],
)
def test_unusable_files_fail_with_a_message(tmp_path, matcher, synonyms, name, text, words):
    result = ingest(tmp_path, PARTICIPATION, write(tmp_path, "participation", name, text), matcher, synonyms)
    assert result.status == "failed"
    assert words in result.error and name in result.error


def test_workforce_formal_and_informal_must_add_up(tmp_path, matcher, synonyms):
    path = write(
        tmp_path,
        "workforce",
        "bps.csv",
        "Tahun;Kode;Kabupaten/Kota;Penduduk Bekerja;Formal;Informal\n"
        "2021;3574;PROBOLINGGO;119.345;55.354;63.991\n"
        "2021;3575;PASURUAN;104.812;40.000;40.000\n",
    )
    result = ingest(tmp_path, WORKFORCE, path, matcher, synonyms)
    assert result.rows["employed"].tolist() == [119345]
    assert result.rejections[0]["check_name"] == "formal_plus_informal_is_employed"


def test_targets(tmp_path, matcher, synonyms):
    path = write(
        tmp_path,
        "targets",
        "t.csv",
        "target_id,region,segment,metric,target_value,deadline,baseline_period,source\n"
        "A,35.75,ALL,coverage_pct,70,2022-12,2021-09,Wali Kota\n"
        "B,Kota Probolinggo,BPU,active_participants,28.000,2025-12-31,,Pemkot\n"
        "C,Kota Probolinggo,ALL,coverage_pct,170,2025-12,,Pemkot\n"
        "D,Kota Probolinggo,ALL,coverage_pct,70,2025-12,,\n",
    )
    result = ingest(tmp_path, TARGETS, path, matcher, synonyms)
    rows = result.rows.set_index("target_id")
    assert rows.loc["A", "region_code"] == "35.75" and rows.loc["A", "baseline_period"] == pd.Timestamp("2021-09-01")
    assert rows.loc["B", "target_value"] == 28000 and rows.loc["B", "deadline"] == pd.Timestamp("2025-12-01")
    checks = {r["row_number"]: r["check_name"] for r in result.rejections}
    assert checks == {4: "coverage_target_at_most_100", 5: "required_value"}


def test_a_zero_under_a_segment_column_is_a_figure(tmp_path, matcher, synonyms):
    path = write(tmp_path, "participation", "2021-09_rekap.csv", "Kabupaten/Kota;PU;BPU\nKota Blitar;0;-\n")
    result = ingest_file(path, tmp_path, PARTICIPATION, synonyms, matcher)
    assert result.rows[["segment", "active_participants"]].values.tolist() == [["PU", 0]]
    assert result.skipped["empty cell"] == 1


def test_a_statement_under_a_provinsi_header_is_read_at_province_level(tmp_path, matcher, synonyms):
    # Jambi, Bengkulu and Gorontalo are also the names of kota: a column headed "Provinsi" says which is meant.
    path = write(
        tmp_path,
        "statements",
        "pernyataan.csv",
        "Provinsi,Per,Peserta,Sumber\nJambi,2024-06,500.000,test\nBengkulu,2024-06,300.000,test\n",
    )
    result = ingest(tmp_path, SOURCES["statements"], path, matcher, synonyms)
    assert result.status == "loaded" and result.rows["region_code"].tolist() == ["15", "17"]
    # Under a kab/kota or mixed header the name stays ambiguous, and the reason says how to write each.
    path = write(tmp_path, "statements", "wilayah.csv", "Wilayah,Per,Peserta,Sumber\nJambi,2024-06,500.000,test\n")
    [rejection] = ingest(tmp_path, SOURCES["statements"], path, matcher, synonyms).rejections
    assert "'Provinsi Jambi' (15) or 'Kota Jambi' (15.71)" in rejection["reason"]


def test_a_part_written_as_the_rest_is_the_total_less_the_other_parts_said_as_such(tmp_path, matcher, synonyms):
    path = write(
        tmp_path,
        "statements",
        "pernyataan.csv",
        "Wilayah,Per,Peserta,Formal,Informal,Sumber\n"
        'Jawa Timur,2024-06,"2,5 juta","sekitar 1,1 juta",sisanya pekerja informal,test\n',
    )
    rows = ingest(tmp_path, SOURCES["statements"], path, matcher, synonyms).rows
    assert rows["stated_informal"].tolist() == [1_400_000]
    assert rows["derived_parts"].tolist() == ["informal = total dikurangi formal (ditulis 'sisanya pekerja informal')"]
    assert pd.isna(rows["not_parsed"].iloc[0])
