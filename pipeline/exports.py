"""Exports of the published marts for people who do not use SQL: Parquet files and one Excel workbook.

Both are written from the analyst file, read-only, into `<warehouse>/exports/`, each to a temporary name first and
then renamed, so a reader never opens a half-written export.
"""

from __future__ import annotations

import datetime as dt
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
    """One sheet per mart; headers from the column names, number formats by type, Indonesian labels beside codes.

    Rows are streamed from DuckDB into a constant-memory workbook, so a national mart never sits in memory whole.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.tmp")
    con = duckdb.connect(str(analyst_file), read_only=True)
    book = xlsxwriter.Workbook(partial, {"constant_memory": True, "default_date_format": "yyyy-mm", "nan_inf_to_errors": True})
    try:
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
        formats = {"count": book.add_format({"num_format": "#,##0"}), "decimal": book.add_format({"num_format": "#,##0.00"}),
                   "date": book.add_format({"num_format": "yyyy-mm"}), "text": None}  # fmt: skip
        labels = {"segment": SEGMENT_LABELS | {"ALL": "Semua segmen"}, "status": STATUS_LABELS}
        for table in EXPORTED_TABLES:
            columns = con.execute(
                "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE schema_name || '.' || table_name = ? ORDER BY column_index", [table]
            ).fetchall()  # fmt: skip
            names = [c[0] for c in columns]
            layout = []  # (source column index or None, label mapping or None, kind, header)
            for index, (name, data_type, _) in enumerate(columns):
                layout.append((index, None, _kind(data_type), name))
                if name in labels:
                    layout.append((index, labels[name], "text", f"{name}_label"))
            sheet = book.add_worksheet(table.split(".")[1][:31])
            for col, (index, mapping, kind, name) in enumerate(layout):
                sheet.write(0, col, name.replace("_", " ").capitalize(), header)
                comment = columns[index][2] if mapping is None else None
                if comment:
                    sheet.write_comment(0, col, comment)
                sheet.set_column(col, col, 22 if kind == "text" else 14, formats[kind])
            cursor = con.execute("SELECT " + ", ".join(f'"{n}"' for n in names) + f" FROM {table}")
            row_number = 0
            while batch := cursor.fetchmany(20_000):
                for values in batch:
                    row_number += 1
                    for col, (index, mapping, kind, _) in enumerate(layout):
                        value = values[index]
                        if value is None:
                            continue
                        if mapping is not None:
                            sheet.write_string(row_number, col, mapping.get(value, value))
                        elif kind == "date":
                            sheet.write_datetime(row_number, col, dt.datetime(value.year, value.month, value.day))
                        elif kind == "text":
                            sheet.write_string(row_number, col, str(value))
                        else:
                            sheet.write_number(row_number, col, value)
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, max(row_number, 1), len(layout) - 1)
    finally:
        book.close()
        con.close()
    os.replace(partial, target)
    return target


def _kind(data_type: str) -> str:
    if data_type == "DATE" or data_type.startswith("TIMESTAMP"):
        return "date"
    if data_type in ("BIGINT", "INTEGER", "HUGEINT", "SMALLINT", "UBIGINT"):
        return "count"
    if data_type in ("DOUBLE", "FLOAT") or data_type.startswith("DECIMAL"):
        return "decimal"
    return "text"
