"""Large files (rosters) read in chunks of rows, one text column per field, as Arrow tables: csv through
pyarrow's streaming CSV reader, xlsx row by row through python-calamine. The same guards and the same header matcher
as every other file.

Fields listed in `never_read` (a roster's names) are dropped as soon as the header is read: not even a column.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
import pyarrow
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.ipc

from pipeline.parse.text import written
from pipeline.read.csv_files import MAX_LINE_BYTES, check_line_lengths, file_encoding, read_csv_head
from pipeline.read.files import check_readable
from pipeline.read.headers import Header, HeaderSynonyms, missing_header, unused_columns_note
from pipeline.read.reader_process import read_in_worker
from pipeline.read.sheet import HEAD_ROWS, FileUnreadable, Sheet, is_blank
from pipeline.read.xlsx import open_workbook, special_cells, visible_sheets, with_special_values

CHUNK_ROWS = 500_000  # csv rows per chunk, as Arrow text columns (about 40 MB at national scale)
XLSX_CHUNK_ROWS = 100_000  # xlsx rows are Python lists until a chunk is made: far larger per row
CSV_BLOCK_BYTES = MAX_LINE_BYTES  # pyarrow parses a block at a time and refuses a row over twice its size


@dataclass
class Chunk:
    sheet: str
    headers: dict[str, str]  # field -> header text in the file
    # One text column per field read (an empty cell is null), `row_number`, and `<field>_number` for each field of
    # ChunkedTable.numbers: the number a number cell (xlsx) holds, else null.
    cells: pyarrow.Table


@dataclass
class ChunkedTable:
    """What a chunked read looks for: the source's synonyms section, its required fields, what it never reads, and
    the fields whose number cells are also kept as numbers (a NIK typed as a number may have lost digits)."""

    source: str
    required: list[list[str]]
    never_read: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()


def read_chunks(
    path: Path, table: ChunkedTable, synonyms: HeaderSynonyms, notes: list[str] | None = None
) -> Iterator[Chunk]:
    """The data rows of a file in chunks, blank rows left out; raises FileUnreadable for a file with no usable header.

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


def cell_texts(values: list, with_number: bool = False) -> dict[str, pyarrow.Array]:
    """A column of spreadsheet cells as text, as a person reads them (3579.0 -> '3579': Excel stores every number as
    a float; an empty cell is null), and with `with_number` the number of each number cell as well."""
    texts = [_text(v) for v in values]
    columns = {"text": pyarrow.array(texts, pyarrow.string())}
    if with_number:
        numbers = [
            float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and v == v else None for v in values
        ]
        columns["number"] = pyarrow.array(numbers, pyarrow.float64())
    return columns


# No roster cell is anywhere near this long; a longer one is cut here (the roster checks then quarantine its row), so
# that one huge string shared by every cell of a workbook never reaches memory once per cell.
MAX_CELL_CHARS = 10_000


def _text(value: object) -> str | None:
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        return value[: MAX_CELL_CHARS + 1]
    return written(value)


def _chunk(
    sheet: str, texts: dict[str, str], columns: dict[str, list], row_numbers: list, table: ChunkedTable
) -> Chunk:
    arrays = {}
    for field, values in columns.items():
        converted = cell_texts(values, with_number=field in table.numbers)
        arrays[field] = converted["text"]
        if "number" in converted:
            arrays[f"{field}_number"] = converted["number"]
    arrays["row_number"] = pyarrow.array(row_numbers, pyarrow.int64())
    return Chunk(sheet, texts, pyarrow.table(arrays))


def _csv_chunks(path: Path, table: ChunkedTable, synonyms: HeaderSynonyms, notes: list[str]) -> Iterator[Chunk]:
    encoding = file_encoding(path)  # one pass over the file, for the header and the chunks alike
    head = read_csv_head(path, encoding=encoding)  # never holds a line longer than MAX_LINE_BYTES
    header = _locate(path, head, table, synonyms)
    notes += unused_columns_note("", header, table.source)
    positions, texts = _fields(header, table)
    delimiter = head.delimiter
    # Rows as wide as most rows below the header: a row of another width is re-read with the csv module (`_OddRows`).
    widths = [len(row) for row in head.rows[header.row_index + 1 :]] or [len(head.rows[header.row_index])]
    width = max(set(widths), key=widths.count)
    odd = _OddRows(path, delimiter, positions)
    names = [f"column_{i}" for i in range(width)]
    kept = {names[i]: field for i, field in positions.items() if i < width}
    opened = functools.partial(
        pacsv.open_csv,
        path,
        read_options=pacsv.ReadOptions(
            # Serial parsing, so that the handler of odd rows is told their row numbers.
            use_threads=False,
            block_size=CSV_BLOCK_BYTES,
            skip_rows=header.row_index + 1,
            column_names=names,
            encoding="utf8" if encoding.startswith("utf-8") else encoding,  # a BOM sits on the skipped first line
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            ignore_empty_lines=False,  # an empty line is a row too: every row number stays right
            newlines_in_values=True,
            invalid_row_handler=odd.handle,
        ),
        # Only an empty cell is missing (never "NA" or "null", which are text).
        convert_options=pacsv.ConvertOptions(
            column_types={name: pyarrow.string() for name in kept},
            include_columns=list(kept),
            strings_can_be_null=True,
            null_values=[""],
            quoted_strings_can_be_null=True,
        ),
    )
    first_row = header.row_index + 2  # 1-based, as a spreadsheet numbers rows
    pending: list[pyarrow.Table] = []
    reader = None
    while True:
        try:
            reader = reader or opened()  # opening reads the first block
            batch = reader.read_next_batch()
        except StopIteration:
            break
        except pyarrow.ArrowInvalid as error:
            raise odd.failure or _csv_error(path, error) from None
        # A block holds a row of up to twice its size; a cell read past MAX_LINE_BYTES is refused as before.
        if any((pc.max(pc.binary_length(column)).as_py() or 0) > MAX_LINE_BYTES for column in batch.columns):
            check_line_lengths(path)
        rows = pyarrow.Table.from_batches([batch]).rename_columns([kept[n] for n in batch.schema.names])
        for field in positions.values():  # a header cell beyond the width of most rows: an empty column
            if field not in rows.column_names:
                rows = rows.append_column(field, pyarrow.nulls(len(rows), pyarrow.string()))
        rows, first_row = odd.merge(rows, first_row)
        rows = rows.filter(pc.invert(_blank(rows)))
        pending.append(rows)
        if sum(len(t) for t in pending) >= CHUNK_ROWS:
            yield _csv_chunk(pending, texts, positions, table)
            pending = []
    if pending:
        yield _csv_chunk(pending, texts, positions, table)


def _csv_chunk(
    parts: list[pyarrow.Table], texts: dict[str, str], positions: dict[int, str], table: ChunkedTable
) -> Chunk:
    cells = pyarrow.concat_tables(parts)
    for field in sorted(table.numbers & set(positions.values())):  # a csv holds text only
        cells = cells.append_column(f"{field}_number", pyarrow.nulls(len(cells), pyarrow.float64()))
    return Chunk("", texts, cells.combine_chunks())


def _blank(rows: pyarrow.Table) -> pyarrow.ChunkedArray:
    fields = [c for c in rows.column_names if c != "row_number"]
    blank = pc.is_null(rows[fields[0]]) if fields else None
    for field in fields[1:]:
        blank = pc.and_(blank, pc.is_null(rows[field]))
    return blank


class _OddRows:
    """Rows with more or fewer cells than most (pyarrow's invalid rows), read again with the csv module as the table
    mode reads every row: missing cells at the end are empty, cells beyond the header are not read."""

    def __init__(self, path: Path, delimiter: str, positions: dict[int, str]):
        self.path, self.delimiter, self.positions = path, delimiter, positions
        self.rows: list[tuple[int, list[str]]] = []  # (1-based row number, cells), in file order
        self.failure: FileUnreadable | None = None  # why the file cannot be read, said by the handler

    def handle(self, row) -> str:
        try:
            [cells] = list(csv.reader(io.StringIO(row.text), delimiter=self.delimiter, strict=True)) or [[]]
        except (csv.Error, ValueError):
            # pyarrow stops with its own error, which quotes the row: this one is raised instead.
            self.failure = FileUnreadable(
                f"{self.path.name}: could not be read as csv: row {row.number:,} opens a quoted cell that is never "
                "closed (was the file cut off while being copied?)"
            )
            return "error"
        self.rows.append((row.number, cells))
        return "skip"

    def merge(self, rows: pyarrow.Table, first_row: int) -> tuple[pyarrow.Table, int]:
        """The batch with row numbers, the odd rows parsed with it put back in place; and the next batch's first row."""
        last_row = first_row + len(rows) + len(self.rows) - 1
        numbers = np.arange(first_row, last_row + 1, dtype=np.int64)
        if self.rows:
            numbers = np.setdiff1d(numbers, [number for number, _ in self.rows], assume_unique=True)
        rows = rows.append_column("row_number", pyarrow.array(numbers))
        if self.rows:
            odd = {
                field: [cells[i] if i < len(cells) and cells[i] != "" else None for _, cells in self.rows]
                for i, field in self.positions.items()
            }
            odd["row_number"] = [number for number, _ in self.rows]
            odd_rows = pyarrow.table(odd).select(rows.column_names).cast(rows.schema)
            rows = pyarrow.concat_tables([rows, odd_rows]).sort_by("row_number")
            self.rows = []
        return rows, last_row + 1


def _csv_error(path: Path, error: pyarrow.ArrowInvalid) -> FileUnreadable:
    """A csv pyarrow cannot parse: a row longer than a block is named by check_line_lengths. pyarrow's own message may
    quote a row (NIKs, names), so only the row number is kept from it."""
    if "straddl" in str(error) or "block" in str(error):
        check_line_lengths(path)
    text = str(error)
    row = re.search(r"Row #(\d+)", text)
    what = "text that is not valid in its encoding" if "UTF8" in text or "decode" in text.lower() else "a csv error"
    return FileUnreadable(
        f"{path.name}: could not be read as csv ({what}{f' at row {int(row.group(1)):,}' if row else ''})"
    )


def _xlsx_chunks(path: Path, table: ChunkedTable, synonyms: HeaderSynonyms, notes: list[str]) -> Iterator[Chunk]:
    """A roster workbook read in the memory-limited reader process (pipeline/read/reader_process.read_in_worker), never in the
    build process: calamine may allocate without bound for a hostile file (a far cell, one huge string shared by every
    cell), and a refused allocation there aborts the process. The reader writes each chunk to an Arrow file in a
    temporary folder; they are handed on here one at a time, and the folder goes when the file has been read."""
    with tempfile.TemporaryDirectory(prefix="jamsostek-roster-") as folder:
        written, read_notes = read_in_worker(
            functools.partial(_xlsx_chunks_to_files, table=table, synonyms=synonyms, folder=Path(folder)), path
        )
        notes += read_notes
        for sheet, headers, chunk_file in written:
            with pyarrow.memory_map(str(chunk_file)) as source:
                cells = pyarrow.ipc.open_file(source).read_all()
            yield Chunk(sheet, headers, cells)
            Path(chunk_file).unlink()


def _xlsx_chunks_to_files(
    path: Path, table: ChunkedTable, synonyms: HeaderSynonyms, folder: Path
) -> tuple[list[tuple[str, dict, Path]], list[str]]:
    """In the reader process: every chunk of the workbook to an Arrow file in `folder`; ([(sheet, headers, file)], notes)."""
    notes: list[str] = []
    written = []
    for number, chunk in enumerate(_xlsx_chunks_here(path, table, synonyms, notes)):
        chunk_file = folder / f"chunk-{number:05d}.arrow"
        with pyarrow.OSFile(str(chunk_file), "wb") as sink, pyarrow.ipc.new_file(sink, chunk.cells.schema) as writer:
            writer.write_table(chunk.cells)
        written.append((chunk.sheet, chunk.headers, chunk_file))
    return written, notes


def _xlsx_chunks_here(path: Path, table: ChunkedTable, synonyms: HeaderSynonyms, notes: list[str]) -> Iterator[Chunk]:
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
        rows = with_special_values(sheet.iter_rows(), sheet.start, errors.get(name, {}))
        head = []
        for row in rows:
            head.append(row)
            if len(head) == HEAD_ROWS:
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
            columns = {field: [r[i] if i < len(r) else None for r in buffer] for i, field in positions.items()}
            return _chunk(name, texts, columns, numbers, table)

        for row in itertools.chain(head[header.row_index + 1 :], rows):  # never the whole sheet at once
            row_number += 1
            if is_blank(row):
                continue
            buffer.append(row)
            numbers.append(row_number)
            if len(buffer) == XLSX_CHUNK_ROWS:
                yield flush(buffer, numbers)
                buffer, numbers = [], []
        if buffer:
            yield flush(buffer, numbers)
    if not found:
        if not visible:
            raise FileUnreadable(f"{path.name}: the workbook has no visible sheet (hidden sheets are not read)")
        _locate(
            path, Sheet(visible[0], workbook.get_sheet_by_name(visible[0]).to_python()[:HEAD_ROWS]), table, synonyms
        )
