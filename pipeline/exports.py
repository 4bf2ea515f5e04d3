"""Exports of the published marts for people who do not use SQL: Parquet files and one Excel workbook.

Both are written from the analyst file, read-only, into `<warehouse>/exports/`, each to a temporary name first and
then renamed, so a reader never opens a half-written export.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import xlsxwriter

from pipeline.segments import SEGMENT_LABELS

# The analyst-facing marts, in the order of the workbook's sheets.
EXPORTED_TABLES = [
    "marts.coverage", "marts.target_progress", "marts.participation_trend", "marts.coverage_potential",
    "marts.vulnerable_workers", "marts.funding_overlaps",
]  # fmt: skip
STATUS_LABELS = {
    "achieved": "Tercapai",
    "missed": "Tidak tercapai",
    "on_track": "Sesuai jalur",
    "at_risk": "Berisiko",
    "off_track": "Tertinggal",
    "no_data": "Tidak ada data",
}


def export_parquet(analyst_file: Path, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    con = duckdb.connect(str(analyst_file), read_only=True)
    try:
        for table in EXPORTED_TABLES:
            target = folder / f"{table.replace('.', '_')}.parquet"
            partial = target.with_name(f".{target.name}.tmp")
            con.execute(f"COPY (SELECT * FROM {table}) TO '{partial}' (FORMAT parquet)")
            os.replace(partial, target)
            written.append(target)
    finally:
        con.close()
    return written


def export_excel(analyst_file: Path, target: Path) -> Path:
    """One sheet per mart; headers from the column names, number formats by type, Indonesian labels beside codes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.tmp")
    con = duckdb.connect(str(analyst_file), read_only=True)
    book = xlsxwriter.Workbook(partial, {"default_date_format": "yyyy-mm-dd", "nan_inf_to_errors": True})
    try:
        formats = {
            "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}),
            "count": book.add_format({"num_format": "#,##0"}),
            "decimal": book.add_format({"num_format": "#,##0.00"}),
            "date": book.add_format({"num_format": "yyyy-mm"}),
            "text": None,
        }
        for table in EXPORTED_TABLES:
            frame = con.execute(f"SELECT * FROM {table}").fetchdf()
            if "segment" in frame:
                frame.insert(frame.columns.get_loc("segment") + 1, "segment_label", frame["segment"].map(SEGMENT_LABELS | {"ALL": "Semua segmen"}))
            if "status" in frame:
                frame.insert(frame.columns.get_loc("status") + 1, "status_label", frame["status"].map(STATUS_LABELS))
            comments = dict(con.execute(
                "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name || '.' || table_name = ?", [table]
            ).fetchall())  # fmt: skip
            sheet = book.add_worksheet(table.split(".")[1][:31])
            for col, name in enumerate(frame.columns):
                sheet.write(0, col, name.replace("_", " ").capitalize(), formats["header"])
                if comments.get(name):
                    sheet.write_comment(0, col, comments[name])
                kind = _kind(frame[name])
                sheet.set_column(col, col, 14 if kind != "text" else 22, formats[kind])
                values = frame[name].astype(object).where(frame[name].notna(), None).tolist()
                for row, value in enumerate(values, start=1):
                    if value is None:  # NULL stays an empty cell
                        continue
                    if kind == "date":
                        sheet.write_datetime(row, col, value.to_pydatetime())
                    else:
                        sheet.write(row, col, value.item() if hasattr(value, "item") else value)
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
    finally:
        book.close()
        con.close()
    os.replace(partial, target)
    return target


def _kind(series) -> str:
    dtype = str(series.dtype)
    if dtype.startswith("datetime"):
        return "date"
    if dtype.startswith(("int", "Int", "uint")):
        return "count"
    if dtype.startswith(("float", "Float")):
        return "decimal"
    return "text"
