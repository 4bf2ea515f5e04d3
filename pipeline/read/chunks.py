"""Large files (rosters) read in chunks of CHUNK_ROWS rows, one column per field: csv through pandas, xlsx row by
row through python-calamine. The same guards and the same header matcher as every other file.

Fields listed in `never_read` (a roster's names) are dropped as soon as the header is read: not even a column.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pandas as pd

from pipeline.read.files import (
    FileUnreadable,
    Sheet,
    check_line_lengths,
    check_readable,
    csv_dialect,
    file_encoding,
    is_blank,
    open_workbook,
    read_csv_head,
    special_cells,
    visible_sheets,
)
from pipeline.read.headers import Header, HeaderSynonyms, missing_header, unused_columns_note

CHUNK_ROWS = 100_000


@dataclass
class Chunk:
    sheet: str
    headers: dict[str, str]  # field -> header text in the file
    cells: pd.DataFrame  # one column per field read, plus row_number


@dataclass
class ChunkedTable:
    """What a chunked read looks for: the source's synonyms section, its required fields, and what it never reads."""

    source: str
    required: list[list[str]]
    never_read: frozenset[str] = frozenset()


def read_chunks(
    path: Path, table: ChunkedTable, synonyms: HeaderSynonyms, notes: list[str] | None = None
) -> Iterator[Chunk]:
    """The data rows of a file in chunks; raises FileUnreadable for a file with no usable header.

    What is deliberately left unread (a hidden sheet) is appended to `notes`, for the ledger.
    """
    check_readable(path)
    notes = notes if notes is not None else []
    if path.suffix.lower() in (".csv", ".txt"):
        yield from _csv_chunks(path, table, synonyms, notes)
    else:
        yield from _xlsx_chunks(path, table, synonyms, notes)


def _fields(header: Header, table: ChunkedTable) -> tuple[dict[int, str], dict[str, str]]:
    kept = [c for c in header.columns if c.field not in table.never_read]
    return {c.index: c.field for c in kept}, {c.field: c.text for c in kept}


def _locate(path: Path, sheet: Sheet, table: ChunkedTable, synonyms: HeaderSynonyms) -> Header:
    header = synonyms.locate(table.source, sheet, table.required)
    if header is None:
        raise missing_header(path, table.source, synonyms.missing(table.source, sheet, table.required))
    return header


def _csv_chunks(path: Path, table: ChunkedTable, synonyms: HeaderSynonyms, notes: list[str]) -> Iterator[Chunk]:
    check_line_lengths(path)  # before anything reads a line: one absurdly long line would be held whole
    encoding = file_encoding(path)  # one pass over the file, for the header and the chunks alike
    header = _locate(path, read_csv_head(path, encoding=encoding), table, synonyms)
    notes += unused_columns_note("", header, table.source)
    positions, texts = _fields(header, table)
    with open(path, "rb") as f:
        encoding, delimiter = csv_dialect(f.read(256 * 1024), encoding)
    # Only an empty cell is missing (never "NA" or "null", which are text), and the C parser marks it itself.
    reader = pd.read_csv(
        path,
        sep=delimiter,
        encoding=encoding,
        header=None,
        skiprows=header.row_index + 1,
        dtype=str,
        keep_default_na=False,
        na_values=[""],
        chunksize=CHUNK_ROWS,
        usecols=sorted(positions),
        skip_blank_lines=False,
    )
    first_row = header.row_index + 2
    for frame in reader:
        frame = frame.rename(columns=positions)
        frame["row_number"] = range(first_row, first_row + len(frame))
        first_row += len(frame)
        blank = frame.drop(columns="row_number").isna().all(axis=1)
        yield Chunk("", texts, frame[~blank].reset_index(drop=True))


def _rows_with_errors(sheet, errors: dict[tuple[int, int], str]) -> Iterator[list]:
    """The sheet's rows, each error cell's text ('#REF!') put back where calamine left an empty string."""
    first_row, first_column = sheet.start or (0, 0)
    by_row: dict[int, dict[int, str]] = {}
    for (row, column), text in errors.items():
        by_row.setdefault(row - first_row, {})[column - first_column] = text
    for index, row in enumerate(sheet.iter_rows()):
        if index in by_row:
            row = list(row)
            for column, text in by_row[index].items():
                if 0 <= column < len(row):
                    row[column] = text
        yield row


def _xlsx_chunks(path: Path, table: ChunkedTable, synonyms: HeaderSynonyms, notes: list[str]) -> Iterator[Chunk]:
    workbook = open_workbook(path)
    # Roster fields are text (NIK, names of places, months): only error cells matter here, not percentage formats.
    errors = {
        name: {at: v for at, v in cells.items() if isinstance(v, str)} for name, cells in special_cells(path).items()
    }
    found = False
    visible, hidden = visible_sheets(workbook)
    notes += [f"hidden sheet '{name}' not read" for name in hidden]
    for name in visible:
        sheet = workbook.get_sheet_by_name(name)
        rows = _rows_with_errors(sheet, errors.get(name, {}))
        head = []
        for row in rows:
            head.append(row)
            if len(head) == 40:
                break
        header = synonyms.locate(table.source, Sheet(name, head), table.required)
        if header is None:
            continue
        notes += unused_columns_note(name, header, table.source)
        found = True
        positions, texts = _fields(header, table)
        buffer, numbers = [], []
        row_number = header.row_index + 1

        def flush(buffer: list, numbers: list, positions=positions, texts=texts, name=name) -> Chunk:
            frame = pd.DataFrame(
                [[r[i] if i < len(r) else None for i in positions] for r in buffer], columns=list(positions.values())
            )
            frame["row_number"] = numbers
            return Chunk(name, texts, frame)

        for row in itertools.chain(head[header.row_index + 1 :], rows):  # never the whole sheet at once
            row_number += 1
            if is_blank(row):
                continue
            buffer.append(row)
            numbers.append(row_number)
            if len(buffer) == CHUNK_ROWS:
                yield flush(buffer, numbers)
                buffer, numbers = [], []
        if buffer:
            yield flush(buffer, numbers)
    if not found:
        if not visible:
            raise FileUnreadable(f"{path.name}: the workbook has no visible sheet (hidden sheets are not read)")
        _locate(path, Sheet(visible[0], workbook.get_sheet_by_name(visible[0]).to_python()[:40]), table, synonyms)
