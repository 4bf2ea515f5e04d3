"""Exports of the published marts for people who do not use SQL: Parquet files and one Excel workbook.

Both are written from the analyst file, read-only, into `<warehouse>/exports/`, each to a temporary name first and
then renamed, so a reader never opens a half-written export.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd
from rustpy_xlsxwriter import Format, write_worksheets

from pipeline.parse.segments import SEGMENT_LABELS

# The analyst-facing marts, in the order of the workbook's sheets.
EXPORTED_TABLES = [
    "marts.coverage", "marts.target_progress", "marts.target_plan", "marts.statement_checks", "marts.participation_trend", "marts.coverage_potential",
    "marts.vulnerable_workers", "marts.funding_overlaps",
]  # fmt: skip
# The planning sheet is for the people who budget the enrolment (Bappeda, Disnaker): its name and headings in Indonesian.
SHEET_NAMES = {"marts.target_plan": "Rencana target"}
HEADINGS = {
    "marts.target_plan": {
        "target_id": "ID target", "region_code": "Kode wilayah", "region_name": "Wilayah", "segment": "Segmen", "segment_label": "Nama segmen",
        "metric": "Ukuran", "funding_source": "Sumber dana", "period": "Bulan", "months_to_deadline": "Sisa bulan sampai tenggat",
        "required_participants": "Peserta yang dibutuhkan", "required_coverage_pct": "Cakupan yang dibutuhkan (%)",
        "participants_at_run_rate": "Peserta menurut laju sekarang", "behind_run_rate": "Kekurangan terhadap laju sekarang",
        "required_monthly_participants": "Tambahan peserta per bulan yang dibutuhkan", "recent_monthly_participants": "Tambahan peserta per bulan (3 bulan terakhir)",
        "funded_workers": "Pekerja rentan yang didaftarkan rencana", "plan_contribution_idr": "Iuran JKK+JKM bulan ini (Rp)",
        "plan_cumulative_idr": "Iuran kumulatif (Rp)",
    },
}
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
            con.execute(f"COPY (SELECT * FROM {table}) TO '{_sql_text(partial)}' (FORMAT parquet)")
            os.replace(partial, target)
            written.append(target)
    finally:
        con.close()
    return written


EXCEL_MAX_ROWS = 1_048_576  # rows on one Excel sheet, header included


def export_excel(analyst_file: Path, target: Path) -> Path:
    """One sheet per mart; headers from the column names, number formats by type, Indonesian labels beside codes.

    Written by rust_xlsxwriter (rustpy-xlsxwriter): a national build's marts are millions of rows, which the
    pure-Python xlsxwriter took a minute to write. Rows stream from DuckDB in batches, so memory stays flat
    however long a mart is; a mart longer than an Excel sheet goes on as 'name (2)'.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.tmp")
    header = Format().set_bold().set_background_color("#DDEBF7").set_border("thin").set_text_wrap().set_align("top")
    formats = {"count": "#,##0", "decimal": "#,##0.00", "date": "yyyy-mm"}
    labels = {"segment": SEGMENT_LABELS | {"ALL": "Semua segmen"}, "status": STATUS_LABELS}
    sheets, column_formats, column_widths, notes = [], {}, {}, {}
    con = duckdb.connect(str(analyst_file), read_only=True)
    try:
        for table in EXPORTED_TABLES:
            columns = con.execute(
                "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE schema_name || '.' || table_name = ? ORDER BY column_index", [table]
            ).fetchall()  # fmt: skip
            layout = []  # (heading, column index, label mapping or None)
            for index, (name, _, _) in enumerate(columns):
                layout.append((_heading(table, name), index, None))
                if name in labels:
                    layout.append((_heading(table, f"{name}_label"), index, labels[name]))
            kinds = {_heading(table, name): _kind(data_type) for name, data_type, _ in columns} | {h: "text" for h, _, m in layout if m}
            [(rows,)] = con.execute(f"SELECT count(*) FROM {table}").fetchall()
            base = SHEET_NAMES.get(table, table.split(".")[1])[:27]
            for part, first in enumerate(range(0, max(rows, 1), EXCEL_MAX_ROWS - 1), start=1):
                name = base if part == 1 else f"{base} ({part})"
                query = f"SELECT * FROM {table} LIMIT {EXCEL_MAX_ROWS - 1} OFFSET {first}"
                # An empty mart still gets its header row: a DataFrame with the columns and no rows.
                records = _records(con.cursor(), query, layout) if rows else pd.DataFrame(columns=[h for h, _, _ in layout])
                sheets.append((name, records))
                column_formats[name] = {h: Format().set_num_format(formats[k]) for h, k in kinds.items() if k in formats}
                column_widths[name] = {h: 22 if k == "text" else 14 for h, k in kinds.items()}
                notes[name] = {_heading(table, c): {"text": text, "author": "jamsostek-coverage"} for c, _, text in columns if text}
        write_worksheets(
            sheets, str(partial), header_format={"general": header}, column_formats=column_formats, column_widths=column_widths,
            notes=notes, freeze_panes={"general": {"row": 1, "col": 0}}, autofilter={"general": True}, datetime_format="yyyy-mm",
        )  # fmt: skip
    finally:
        con.close()
    os.replace(partial, target)
    return target


def _records(cursor: duckdb.DuckDBPyConnection, query: str, layout: list[tuple[str, int, dict | None]]) -> Iterator[dict]:
    """The rows of `query` as {heading: value}, with label columns; the query runs when the writer reaches the sheet."""
    cursor.execute(query)
    while batch := cursor.fetchmany(50_000):
        for row in batch:
            yield {heading: row[i] if mapping is None else mapping.get(row[i], row[i]) for heading, i, mapping in layout}
    cursor.close()


def _sql_text(path: Path) -> str:
    """A path inside a SQL string literal (the warehouse folder may hold a quote)."""
    return str(path).replace("'", "''")


def _heading(table: str, column: str) -> str:
    return HEADINGS.get(table, {}).get(column) or column.replace("_", " ").capitalize()


def _kind(data_type: str) -> str:
    if data_type == "DATE" or data_type.startswith("TIMESTAMP"):
        return "date"
    if data_type in ("BIGINT", "INTEGER", "HUGEINT", "SMALLINT", "UBIGINT"):
        return "count"
    if data_type in ("DOUBLE", "FLOAT") or data_type.startswith("DECIMAL"):
        return "decimal"
    return "text"
