"""What every reader hands on: a sheet's cell grid (`Sheet`), the one error a file that cannot be read raises
(`FileUnreadable`, naming the file and the broken thing), and how far down a header is looked for."""

from __future__ import annotations

from dataclasses import dataclass

READABLE_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt"}


HEADER_SEARCH_ROWS = 30  # title and period rows sit above the header; the header is never lower than this


HEAD_ROWS = HEADER_SEARCH_ROWS + 10  # the rows read to find a header: its window and a few rows below it


class FileUnreadable(Exception):
    """A raw file that cannot be read at all; the message names the file and the broken thing."""


@dataclass
class Sheet:
    name: str  # the sheet name, or "" for a csv
    rows: list[list[object]]
    delimiter: str | None = None  # a csv's separator, judged once when its first rows are read


def is_blank(row: list[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and cell.strip() == "") for cell in row)
