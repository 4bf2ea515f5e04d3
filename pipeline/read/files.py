"""Reading one raw file into cell grids, behind the guards that refuse hostile or broken files.

xlsx goes through python-calamine (every sheet); csv is decoded as UTF-8 (with or without BOM), then cp1252,
and its separator (",", ";" or tab) is sniffed. Both give a list of `Sheet`s of plain Python cell values.
"""

from __future__ import annotations

import codecs
import concurrent.futures
import contextlib
import csv
import hashlib
import io
import multiprocessing
import os
import re
import resource
import signal
import xml.etree.ElementTree as ElementTree
import xml.parsers.expat as expat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator

import numpy as np
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from pipeline.parse.numbers import Percent

READABLE_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt"}
HEADER_SEARCH_ROWS = 30  # title and period rows sit above the header; the header is never lower than this
HEAD_ROWS = HEADER_SEARCH_ROWS + 10  # the rows read to find a header: its window and a few rows below it

# Limits that keep a hostile or broken file from exhausting memory; a file beyond them is refused with a message.
MAX_TABLE_CSV_BYTES = (
    100 * 1024**2
)  # a report, BPS table, target or statement csv is read whole; a national one is < 1 MB
MAX_LINE_BYTES = 1024**2  # no row of a table or roster is anywhere near a megabyte; one such line is not a table
MAX_UNZIPPED_BYTES = 2 * 1024**3  # what a workbook may expand to, all parts together
MAX_ZIP_RATIO = 200  # real sheets compress about 10:1; a part over 20 MB compressing beyond this is a zip bomb
ZIP_RATIO_FLOOR = 20 * 1024**2
ZIPPED_SUFFIXES = {".xlsx", ".xlsm", ".ods"}


class FileUnreadable(Exception):
    """A raw file that cannot be read at all; the message names the file and the broken thing."""


@dataclass
class Sheet:
    name: str  # the sheet name, or "" for a csv
    rows: list[list[object]]
    delimiter: str | None = None  # a csv's separator, judged once when its first rows are read


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
        return Workbook([_read_csv(path)], [])
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


# --- the reader process: calamine allocates a sheet's whole grid, and a hostile file can make that grid any size ---


def reader_memory_bytes() -> int:
    """What the reader process may allocate (JAMSOSTEK_READER_MEMORY_MB, default 4096): beyond it a file is refused."""
    return int(os.environ.get("JAMSOSTEK_READER_MEMORY_MB") or 4096) * 1024**2


READ_TIMEOUT_SECONDS = 600  # a national workbook reads in seconds; one still expanding after ten minutes is refused
_pools: dict[int, concurrent.futures.ProcessPoolExecutor] = {}
_worker_pids: dict[int, int] = {}  # each pool's one reader process, asked once: a hung reader is killed by its pid


def _limit_memory(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.environ["RUST_BACKTRACE"] = "0"  # a refused allocation prints one line, not a stack that reads like a crash


def _reader_pool(limit: int) -> concurrent.futures.ProcessPoolExecutor:
    if limit not in _pools:
        # spawn, not fork: the build process holds DuckDB and Dagster threads that a forked child must not inherit.
        _pools[limit] = concurrent.futures.ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_limit_memory, initargs=(limit,)
        )
        _worker_pids[limit] = _pools[limit].submit(os.getpid).result()
    return _pools[limit]


def _discard_pool(limit: int) -> None:
    pool, pid = _pools.pop(limit, None), _worker_pids.pop(limit, None)
    if pool is not None:
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        pool.shutdown(wait=False, cancel_futures=True)


def close_readers() -> None:
    """End the reader processes (at the end of each run): a run's process, and the reader it started, exit with it."""
    for limit in list(_pools):
        pool = _pools.pop(limit)
        _worker_pids.pop(limit, None)
        pool.shutdown(wait=True, cancel_futures=True)


def read_in_worker(read, path: Path):
    """`read(path)` in a separate process under a memory limit and a time limit: a workbook whose cells expand past
    the limit, or that makes calamine abort, costs one failed file with a message, never the run."""
    limit = reader_memory_bytes()
    future = _reader_pool(limit).submit(read, path)
    try:
        return future.result(timeout=READ_TIMEOUT_SECONDS)
    except concurrent.futures.process.BrokenProcessPool:
        _discard_pool(limit)
        raise FileUnreadable(
            f"{path.name}: reading it needed more than {limit / 1024**2:,.0f} MB of memory (or crashed the spreadsheet reader); "
            "its cells expand far beyond any real report (a used range reaching the sheet's last cell, or a text repeated "
            "in a great many cells); save the table alone in a new workbook or as csv"
        ) from None
    except concurrent.futures.TimeoutError:
        _discard_pool(limit)
        raise FileUnreadable(
            f"{path.name}: still being read after {READ_TIMEOUT_SECONDS} s and refused; save the table alone as csv"
        ) from None


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
            f"{path}: cannot be opened by user '{_user()}' ({error.strerror}); give the service's group read access "
            "(see docs/deployment.md, file modes)"
        ) from None


def _user() -> str:
    import pwd

    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


def open_workbook(path: Path) -> CalamineWorkbook:
    """Open a workbook with calamine after checking that it does not expand beyond what memory allows."""
    if path.suffix.lower() in ZIPPED_SUFFIXES:
        _check_expansion(path)
        _check_dimensions(path)
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises several error types for corrupt workbooks
        raise FileUnreadable(f"{path.name}: not a readable spreadsheet ({error})") from None


def visible_sheets(workbook: CalamineWorkbook) -> tuple[list[str], list[str]]:
    """(visible sheet names, hidden sheet names): a hidden sheet holds lookups or superseded figures, not the report."""
    visible = [m.name for m in workbook.sheets_metadata if m.visible == SheetVisibleEnum.Visible]
    return visible, [m.name for m in workbook.sheets_metadata if m.visible != SheetVisibleEnum.Visible]


def _check_expansion(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise FileUnreadable(f"{path.name}: not a readable spreadsheet ({error})") from None
    total = sum(p.file_size for p in parts)
    if total > MAX_UNZIPPED_BYTES:
        raise FileUnreadable(
            f"{path.name}: the workbook expands to {total / 1024**3:,.1f} GB, more than the {MAX_UNZIPPED_BYTES / 1024**3:,.0f} GB "
            "allowed; split it or send it as csv"
        )
    for part in parts:
        if part.file_size > ZIP_RATIO_FLOOR and part.file_size > MAX_ZIP_RATIO * max(part.compress_size, 1):
            raise FileUnreadable(
                f"{path.name}: part {part.filename} expands {part.file_size // max(part.compress_size, 1):,} times "
                f"(to {part.file_size / 1024**2:,.0f} MB); real spreadsheets expand about 10 times, so it is refused as a zip bomb"
            )


MAX_SHEET_CELLS = 50_000_000  # a sheet's used range: 1,048,576 rows of 47 columns; calamine allocates it whole


def _check_dimensions(path: Path) -> None:
    """Refuse a sheet whose used range (from its first to its last cell) holds more than MAX_SHEET_CELLS cells, before
    calamine reads it: calamine allocates the whole range, so one cell at the last address of a sheet (XFD1048576) in a
    1.6 KB file would take 550 GB. The sheet's XML is read with an XML parser, whatever its <dimension> says and however
    a cell is written (quotes, case, spaces, a namespace prefix, or no reference at all under a numbered row)."""
    try:
        with zipfile.ZipFile(path) as archive:
            for name, part in _sheet_parts(archive).items():
                with archive.open(part) as stream:
                    rows, columns = _used_range(stream)
                if rows[1] >= 0 and (rows[1] - rows[0] + 1) * (columns[1] - columns[0] + 1) > MAX_SHEET_CELLS:
                    raise FileUnreadable(
                        f"{path.name}: sheet '{name}' spans {rows[1] - rows[0] + 1:,} rows by {columns[1] - columns[0] + 1:,} columns "
                        f"(a cell as far as {_column_letters(columns[1])}{rows[1]}); more than {MAX_SHEET_CELLS:,} cells would have to be "
                        "held in memory. Delete the stray cells or save the table alone as csv"
                    )
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, expat.ExpatError, OSError):
        return  # calamine reports a broken workbook in its own words


_CELL_REFERENCE = re.compile(r"\s*([A-Za-z]{1,3})\s*([0-9]{0,7})\s*")


def _used_range(stream) -> tuple[list[int], list[int]]:
    """([first row, last row], [first column, last column]) of the cells of one sheet's XML, as a spreadsheet
    program places them: a cell without a reference follows the one before it, a row without a number the row before."""
    rows, columns = [10**9, -1], [10**9, -1]
    at = {"row": 0, "column": 0}

    def start(name: str, attributes: dict) -> None:
        tag = name.rsplit(" ", 1)[-1]  # the local name, whatever prefix or namespace it is written with
        if tag == "row":
            number = str(attributes.get("r", "")).strip()
            at["row"], at["column"] = (int(number) if number.isdigit() else at["row"] + 1), 0
        elif tag == "c":
            reference = _CELL_REFERENCE.fullmatch(str(attributes.get("r", "")))
            if reference:
                at["column"] = _column_number(reference.group(1).upper().encode())
                if reference.group(2):
                    at["row"] = int(reference.group(2))
            else:
                at["column"] += 1
            rows[0], rows[1] = min(rows[0], at["row"]), max(rows[1], at["row"])
            columns[0], columns[1] = min(columns[0], at["column"]), max(columns[1], at["column"])

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    while block := stream.read(8 << 20):
        parser.Parse(block, False)
    parser.Parse(b"", True)
    return rows, columns


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_ERROR_MARK = b't="e"'
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
BUILTIN_PERCENT_FORMATS = {9: 0, 10: 2}  # Excel's built-in number formats 0% and 0.00%: id -> decimals shown


def special_cells(path: Path) -> dict[str, dict[tuple[int, int], object]]:
    """Cells that calamine reads as something else than the sheet shows, per sheet name: (row, column) -> either the
    error text of a formula that failed ('#REF!'), or the decimals of a cell formatted as a percentage (an int).

    calamine reads an error cell as an empty string, which would make a broken formula look like a blank; and a
    percentage cell as its fraction (0.2546 for "25,46%"), which every share column would read as 0.25%. Both are
    found in the sheet XML (cheaply: most sheets have neither, and a sheet is parsed only when it has one).
    """
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    found: dict[str, dict[tuple[int, int], object]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            percent_styles = _percent_styles(archive)
            marks = [_ERROR_MARK, *(f's="{style}"'.encode() for style in percent_styles)]
            for name, part in _sheet_parts(archive).items():
                if not _contains(archive, part, marks):
                    continue
                with archive.open(part) as xml:
                    found[name] = _special_cells(xml, percent_styles)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError):
        return {}  # calamine reports a broken workbook in its own words
    return found


def _percent_styles(archive: zipfile.ZipFile) -> dict[str, int]:
    """Cell style index (the `s` of a cell) -> decimals, for every style whose number format shows a percentage."""
    try:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    except KeyError:
        return {}
    formats = dict(BUILTIN_PERCENT_FORMATS)
    for number_format in styles.iterfind(f"{_MAIN_NS}numFmts/{_MAIN_NS}numFmt"):
        decimals = _percent_decimals(number_format.get("formatCode") or "")
        if decimals is not None:
            formats[int(number_format.get("numFmtId"))] = decimals
    cell_styles = styles.find(f"{_MAIN_NS}cellXfs")
    if cell_styles is None:
        return {}
    return {
        str(index): formats[int(xf.get("numFmtId") or 0)]
        for index, xf in enumerate(cell_styles.iterfind(f"{_MAIN_NS}xf"))
        if int(xf.get("numFmtId") or 0) in formats
    }


def _percent_decimals(code: str) -> int | None:
    """Decimals shown by a number format code whose first section ends in a percent sign ('0.00%' -> 2); else None."""
    section = re.sub(
        r'"[^"]*"|\\.|\[[^\]]*\]', "", code.split(";")[0]
    )  # quoted text, escapes and [colours] say nothing
    if "%" not in section:
        return None
    return len(re.findall(r"[0#?]", section.partition(".")[2])) if "." in section else 0


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part, from xl/workbook.xml and its relationships."""
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    }
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    parts = {}
    for sheet in book.iterfind("m:sheets/m:sheet", ns):
        target = targets.get(sheet.get(f"{{{ns['r']}}}id"), "")
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    return parts


def _contains(archive: zipfile.ZipFile, part: str, needles: list[bytes]) -> bool:
    longest = max(len(n) for n in needles)
    with archive.open(part) as stream:
        tail = b""
        while block := stream.read(1 << 20):
            window = tail + block
            if any(n in window for n in needles):
                return True
            tail = block[-longest:]
    return False


def _special_cells(xml, percent_styles: dict[str, int]) -> dict[tuple[int, int], object]:
    cells: dict[tuple[int, int], object] = {}
    for _, element in ElementTree.iterparse(xml):
        if element.tag.endswith("}c"):
            kind = element.get("t")
            if kind == "e":
                value = next((child.text for child in element if child.tag.endswith("}v")), None)
                cells[_cell_index(element.get("r"))] = value or "#ERROR"
            elif kind in (None, "n") and element.get("s") in percent_styles:
                cells[_cell_index(element.get("r"))] = percent_styles[element.get("s")]
            element.clear()
    return cells


def _cell_index(reference: str) -> tuple[int, int]:
    """'C12' -> (11, 2), 0-based."""
    letters = re.match(r"[A-Z]+", reference).group(0)
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return int(reference[len(letters) :]) - 1, column - 1


def with_special_values(
    rows: Iterable[list[object]], start: tuple[int, int] | None, cells: dict[tuple[int, int], object]
) -> Iterator[list[object]]:
    """The rows, each error cell's text ('#REF!') put back where calamine left an empty string, and each percentage
    cell read as the percentage it shows (Percent(25.46) for 0.2546). A stream: a roster's rows are never held whole."""
    first_row, first_column = start or (0, 0)
    by_row: dict[int, dict[int, object]] = {}
    for (row, column), special in cells.items():
        by_row.setdefault(row - first_row, {})[column - first_column] = special
    for index, row in enumerate(rows):
        if index in by_row:
            row = list(row)
            for column, special in by_row[index].items():
                if not 0 <= column < len(row):
                    continue
                if isinstance(special, str):
                    row[column] = special
                elif isinstance(row[column], (int, float)) and not isinstance(row[column], bool):
                    row[column] = Percent(row[column] * 100, special)
        yield row


def check_line_lengths(path: Path, limit: int = MAX_LINE_BYTES) -> None:
    """Refuse a text file with a record longer than `limit` bytes before anything reads it.

    A record ends at a newline outside quotes: a quoted cell made of many short lines is one record (a csv reader holds
    it whole), and so is everything after a quote that is never closed. Quotes are counted as csv writes them ("" inside
    a quoted cell counts twice, so it changes nothing)."""
    line, since_end, quoted = 1, 0, 0
    with open(path, "rb") as f:
        while block := f.read(8 << 20):
            data = np.frombuffer(block, np.uint8)
            newline = data == 10
            parity = (np.cumsum(data == 34) + quoted) % 2  # 1 inside a quoted cell
            ends = np.flatnonzero(newline & (parity == 0))
            if len(ends):
                gaps = np.diff(ends, prepend=-1 - since_end) - 1
                worst = int(gaps.argmax())
                if gaps[worst] > limit:
                    first = line + int(np.count_nonzero(newline[: ends[worst - 1] + 1])) if worst else line
                    raise FileUnreadable(_long_line(path, first, int(gaps[worst]), limit))
                since_end = len(block) - 1 - int(ends[-1])
            else:
                since_end += len(block)
            quoted = int(parity[-1])
            if since_end > limit:
                first = line + int(np.count_nonzero(newline[: ends[-1] + 1])) if len(ends) else line
                raise FileUnreadable(_long_line(path, first, since_end, limit, open_quote=bool(quoted)))
            line += int(np.count_nonzero(newline))


def _long_line(path: Path, line: int, length: int, limit: int, open_quote: bool = False) -> str:
    if open_quote:
        return (
            f"{path.name}: line {line:,} opens a quoted cell that runs on for more than {limit / 1024**2:,.0f} MB ({length:,} bytes "
            "or more): a quote that is never closed, or a cell of many lines no table has; the file is refused unread "
            "(was it cut off while being copied?)"
        )
    return (
        f"{path.name}: line {line:,} starts a row longer than {limit / 1024**2:,.0f} MB ({length:,} bytes or more: one very long "
        "line, or a quoted cell running over many lines) and no table row is; the file is refused unread (is it a data file at all?)"
    )


def _read_csv(path: Path, max_rows: int | None = None, encoding: str | None = None) -> Sheet:
    """The rows of a csv (the first `max_rows`); the encoding is the whole file's, judged on the bytes when they are
    the whole file, else read through once (file_encoding) unless the caller has it already."""
    raw = path.read_bytes() if max_rows is None else _head_bytes(path, max_rows)
    if encoding is None:
        encoding = bytes_encoding(raw) if max_rows is None else file_encoding(path)
    encoding, delimiter = csv_dialect(raw, encoding)
    text = raw.decode(encoding)
    if "\x00" in text:
        raise FileUnreadable(f"{path.name}: binary content in a .csv file (is it a renamed spreadsheet?)")
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return Sheet("", [list(row) for _, row in zip(range(max_rows or 10**12), rows)], delimiter)
    except csv.Error as error:
        raise FileUnreadable(f"{path.name}: line {rows.line_num:,} cannot be read as csv ({error})") from None


def _head_bytes(path: Path, lines: int) -> bytes:
    """The first `lines` lines; a line longer than MAX_LINE_BYTES is never held whole (check_line_lengths says where)."""
    head = []
    with open(path, "rb") as f:
        for _ in range(lines):
            head.append(f.readline(MAX_LINE_BYTES + 1))
            if len(head[-1]) > MAX_LINE_BYTES:
                check_line_lengths(path)
    return b"".join(head)


ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")  # tried in this order; latin-1 decodes any byte


def bytes_encoding(raw: bytes) -> str:
    """The first of ENCODINGS that decodes all of `raw`."""
    for encoding in ENCODINGS[:2]:
        try:
            raw.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    return ENCODINGS[-1]


def file_encoding(path: Path) -> str:
    """The encoding of a whole text file: UTF-8 (with or without BOM) only if every byte of it decodes as UTF-8, else
    cp1252 (a Windows export), else latin-1. Checked over the whole file, block by block: a cp1252 export whose first
    megabytes are ASCII and that has a ’ or – further down is not UTF-8."""
    for encoding in ENCODINGS[:2]:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as f:
                while block := f.read(8 << 20):
                    decoder.decode(block)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return ENCODINGS[-1]


def csv_dialect(raw: bytes, encoding: str | None = None) -> tuple[str, str]:
    """(encoding, separator) of csv bytes: UTF-8 (with or without BOM), else cp1252, else latin-1 (judged on `raw`
    unless the whole file's `encoding` is given); `,` `;` or tab."""
    for candidate in [encoding] if encoding else ENCODINGS:
        try:
            text = raw[: 256 * 1024].decode(candidate)
            break
        except UnicodeDecodeError as error:
            if error.start >= 256 * 1024 - 4:  # a character cut at the sample's end
                text = raw[: error.start].decode(candidate)
                break
            continue
    # The separator is the one that splits the most of the first lines (title lines have none).
    lines = text.splitlines()[:50]
    delimiter = max(",;\t", key=lambda d: (sum(d in line for line in lines), sum(line.count(d) for line in lines)))
    return candidate, delimiter


def read_csv_head(path: Path, max_rows: int = HEAD_ROWS, encoding: str | None = None) -> Sheet:
    """The first rows of a csv, for locating its header without reading a large file whole, and its separator."""
    return _read_csv(path, max_rows, encoding)


def is_blank(row: list[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and cell.strip() == "") for cell in row)
