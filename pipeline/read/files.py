"""Reading one raw file into cell grids, behind the guards that refuse hostile or broken files.

xlsx goes through python-calamine in the reader process (pipeline/read/reader_process.py, guards in
pipeline/read/xlsx.py); csv is decoded and split in pipeline/read/csv_files.py. Both give a list of `Sheet`s
(pipeline/read/sheet.py) of plain Python cell values.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.read.csv_files import check_line_lengths, read_csv
from pipeline.read.reader_process import read_in_worker
from pipeline.read.sheet import READABLE_SUFFIXES, FileUnreadable, Sheet
from pipeline.read.xlsx import open_workbook, special_cells, visible_sheets, with_special_values

# Limits that keep a hostile or broken file from exhausting memory; a file beyond them is refused with a message.
MAX_TABLE_CSV_BYTES = (
    100 * 1024**2
)  # a report, BPS table, target or statement csv is read whole; a national one is < 1 MB


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Workbook:
    """The visible sheets of a workbook, read; hidden sheets are named, never read."""

    sheets: list[Sheet]
    hidden: list[str]


def read_workbook(path: Path) -> Workbook:
    check_readable(path)
    if path.suffix.lower() in (".csv", ".txt"):
        if path.stat().st_size > MAX_TABLE_CSV_BYTES:
            raise FileUnreadable(
                f"{path.name}: {path.stat().st_size / 1024**2:,.0f} MB is too large for this kind of table (the limit is "
                f"{MAX_TABLE_CSV_BYTES / 1024**2:,.0f} MB); is it the right file?"
            )
        check_line_lengths(path)
        return Workbook([read_csv(path)], [])
    return read_in_worker(_read_workbook_here, path)  # the reader process checks the zip and the used range first


def _read_workbook_here(path: Path) -> Workbook:
    """Read every visible sheet with calamine; runs in the reader process (read_in_worker)."""
    workbook = open_workbook(path)
    special = special_cells(path)
    try:
        visible, hidden = visible_sheets(workbook)
        sheets = []
        for name in visible:
            sheet = workbook.get_sheet_by_name(name)
            sheets.append(Sheet(name, list(with_special_values(sheet.to_python(), sheet.start, special.get(name, {})))))
    except Exception as error:  # calamine raises several error types for corrupt workbooks
        raise FileUnreadable(f"{path.name}: not a readable spreadsheet ({error})") from None
    return Workbook(sheets, hidden)


def check_readable(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix not in READABLE_SUFFIXES:
        raise FileUnreadable(f"{path.name}: '{suffix}' files are not read; use .xlsx or .csv")
    if path.stat().st_size == 0:
        raise FileUnreadable(f"{path.name}: the file is empty (0 bytes)")
    try:
        with open(path, "rb"):
            pass
    except OSError as error:
        raise FileUnreadable(
            f"{path}: cannot be opened by user '{user_name(os.geteuid())}' ({error.strerror}); give the service's group read access "
            "(see docs/deployment.md, file modes)"
        ) from None


def user_name(uid: int) -> str:
    """The account name of `uid` (its number when it has none): the one way a message names a user."""
    import pwd

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)
