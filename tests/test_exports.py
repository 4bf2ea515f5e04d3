"""Exports (Parquet, Excel) and the coverage report written after a build."""

import re
import shutil

import duckdb
from python_calamine import CalamineWorkbook

from pipeline.outputs import exports, report
from pipeline.outputs.exports import EXPORTED_TABLES


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
    assert book.sheet_names == [exports.SHEET_NAMES.get(t, t.split(".")[1]) for t in EXPORTED_TABLES]
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


def test_report_checks_statements_and_sets_denominators_side_by_side(demo_warehouse):
    folder, _ = demo_warehouse
    page = (folder / "report" / "laporan_cakupan.html").read_text(encoding="utf-8")
    assert "Pemeriksaan pernyataan publik" in page and "BALI-2025-03-31" in page
    assert "Arithmetic: 935,079 of 1,873,899 is 49.90%, not the stated 50.88%" in page
    assert "Penyebut berdampingan" in page and "86.788" in page and "38,90%" in page and "29,14%" in page
    book = CalamineWorkbook.from_path(str(folder / "exports" / "jamsostek_marts.xlsx"))
    statements = book.get_sheet_by_name("statement_checks").to_python()
    assert "Verdict" in statements[0] and len(statements) == 6


def test_target_charts_are_named_by_a_safe_slug(demo_warehouse, demo):
    folder, _ = demo_warehouse
    con, _ = demo
    for (target_id,) in con.execute("SELECT target_id FROM marts.target_progress").fetchall():
        assert (folder / "report" / f"target_{target_id}.png").read_bytes().startswith(b"\x89PNG")


def test_a_chart_that_fails_is_reported_and_the_rest_is_written(demo_warehouse, tmp_path, monkeypatch):
    folder, _ = demo_warehouse
    real_chart = report.target_chart

    def fragile(con, target):
        if target["target_id"] == "PSR-2022-70PCT":
            raise ValueError("odd data")
        return real_chart(con, target)

    monkeypatch.setattr(report, "target_chart", fragile)
    written = report.write_report(folder / "jamsostek.duckdb", tmp_path / "report")
    assert written.failures == ["target 'PSR-2022-70PCT': chart failed: ValueError: odd data"]
    page = written.page.read_text(encoding="utf-8")
    assert "<h3>PSR-2022-70PCT</h3>" in page  # its figures are still shown, without the chart
    assert (tmp_path / "report" / "target_PSR-2021-PLUS10.png").exists() and not (tmp_path / "report" / "target_PSR-2022-70PCT.png").exists()
