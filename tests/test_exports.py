"""Exports (Parquet, Excel) and the coverage report written after a build."""

import re
import shutil

import duckdb
from python_calamine import CalamineWorkbook

from pipeline import exports
from pipeline.exports import EXPORTED_TABLES


def test_parquet_files_hold_every_mart_row(demo_warehouse, demo):
    folder, _ = demo_warehouse
    con, _ = demo
    for table in EXPORTED_TABLES:
        path = folder / "exports" / "parquet" / f"{table.replace('.', '_')}.parquet"
        [(exported,)] = duckdb.sql(f"SELECT count(*) FROM '{path}'").fetchall()
        assert exported == con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_excel_workbook_has_a_readable_sheet_per_mart(demo_warehouse):
    folder, _ = demo_warehouse
    book = CalamineWorkbook.from_path(str(folder / "exports" / "jamsostek_marts.xlsx"))
    assert book.sheet_names == [t.split(".")[1] for t in EXPORTED_TABLES]
    progress = book.get_sheet_by_name("target_progress").to_python()
    header = progress[0]
    assert header[:3] == ["Target id", "Region code", "Region name"]
    labels = {row[header.index("Status label")] for row in progress[1:]}
    assert {"Tercapai", "Tidak tercapai"} <= labels
    coverage = book.get_sheet_by_name("coverage").to_python()
    assert "Penerima Upah" in {row[coverage[0].index("Segment label")] for row in coverage[1:]}


def test_report_shows_every_target_in_indonesian(demo_warehouse, demo):
    folder, _ = demo_warehouse
    con, _ = demo
    page = (folder / "report" / "laporan_cakupan.html").read_text(encoding="utf-8")
    targets = [t for (t,) in con.execute("SELECT target_id FROM marts.target_progress").fetchall()]
    assert all(f"<h3>{t}</h3>" in page for t in targets)
    assert "Tercapai" in page and "Tidak tercapai" in page and "Perbandingan kabupaten/kota" in page
    assert len(re.findall(r'src="data:image/png;base64,', page)) == len(targets) + 1  # one province chart
    assert (folder / "report" / "province_35.png").read_bytes().startswith(b"\x89PNG")


def test_a_mart_longer_than_a_sheet_continues_and_an_empty_mart_keeps_its_header(demo_warehouse, demo, tmp_path, monkeypatch):
    folder, _ = demo_warehouse
    con, _ = demo
    copy = tmp_path / "jamsostek.duckdb"
    shutil.copy(folder / "jamsostek.duckdb", copy)
    with duckdb.connect(str(copy)) as edited:
        edited.execute("DELETE FROM marts.funding_overlaps")
    monkeypatch.setattr(exports, "EXCEL_MAX_ROWS", 4001)  # 4,000 rows and the header on a sheet
    book = CalamineWorkbook.from_path(str(exports.export_excel(copy, tmp_path / "marts.xlsx")))
    parts = [n for n in book.sheet_names if n.startswith("coverage") and not n.startswith("coverage_potential")]
    assert parts == ["coverage", "coverage (2)", "coverage (3)"]
    sheets = [book.get_sheet_by_name(n).to_python() for n in parts]
    assert all(sheet[0][:2] == ["Period", "Region code"] for sheet in sheets)
    [(expected,)] = con.execute("SELECT count(*) FROM marts.coverage").fetchall()
    assert [len(s) - 1 for s in sheets] == [4000, 4000, expected - 8000]
    assert book.get_sheet_by_name("funding_overlaps").to_python()[0][:2] == ["Period", "Region code"]
