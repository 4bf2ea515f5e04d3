"""Workbooks: the guards checked before calamine opens one (zip expansion, the used range of every sheet, read from
its XML), and what calamine does not give (error cells' text, percentage formats), put back into the rows."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
import xml.parsers.expat as expat
import zipfile
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from pipeline.parse.numbers import Percent
from pipeline.read.sheet import FileUnreadable

MAX_UNZIPPED_BYTES = 2 * 1024**3  # what a workbook may expand to, all parts together


MAX_ZIP_RATIO = 200  # real sheets compress about 10:1; a part over 20 MB compressing beyond this is a zip bomb


ZIP_RATIO_FLOOR = 20 * 1024**2


ZIPPED_SUFFIXES = {".xlsx", ".xlsm", ".ods"}


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
                found = None
                if archive.getinfo(part).file_size <= REFERENCED_SCAN_BYTES:
                    found = _referenced_range(archive.read(part))
                if found is None:
                    with archive.open(part) as stream:
                        found = _used_range(stream)
                rows, columns = found
                if rows[1] >= 0 and (rows[1] - rows[0] + 1) * (columns[1] - columns[0] + 1) > MAX_SHEET_CELLS:
                    raise FileUnreadable(
                        f"{path.name}: sheet '{name}' spans {rows[1] - rows[0] + 1:,} rows by {columns[1] - columns[0] + 1:,} columns "
                        f"(a cell as far as {_column_letters(columns[1])}{rows[1]}); more than {MAX_SHEET_CELLS:,} cells would have to be "
                        "held in memory. Delete the stray cells or save the table alone as csv"
                    )
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, expat.ExpatError, OSError):
        return  # calamine reports a broken workbook in its own words


_CELL_REFERENCE = re.compile(r"\s*([A-Za-z]{1,3})\s*([0-9]{0,7})\s*")

REFERENCED_SCAN_BYTES = 512 * 1024**2  # a sheet's XML read whole for the quick scan; a larger one is streamed

# A cell's start tag (any namespace prefix) and one whose attributes, read as whole name="value" pairs so that an `r`
# inside another attribute's value is never taken for it, give a full reference (letters and row) as its first r.
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c[\s/>]")
_REFERENCED_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.\-]*:)?c(?:\s+(?!r\s*=)[\w:.\-]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*"
    rb"\s+r\s*=\s*([\"'])\s*([A-Za-z]{1,3})\s*([0-9]{1,7})\s*\1"
)


def _referenced_range(xml: bytes) -> tuple[list[int], list[int]] | None:
    """The used range of a sheet whose every cell carries its full reference (as Excel, LibreOffice and every library
    write them), found by two regular-expression passes: 0.95 s for a 45 MB sheet of 690,000 cells, where the XML
    parser's callbacks (`_used_range`) take 3.7 s. None when that cannot be known this way, for `_used_range` to read
    it as XML: a cell without a full reference (its place follows from the cells before it), an entity in a
    reference, or a comment, CDATA section or DOCTYPE (which could hide or define what a pattern would misread)."""
    if b"<!" in xml:
        return None
    references = _REFERENCED_CELL.findall(xml)
    if len(references) != len(_CELL_TAG.findall(xml)):
        return None
    if not references:
        return [10**9, -1], [10**9, -1]
    row_numbers = [int(number) for _, _, number in references]
    column_numbers = [_column_number(letters.upper()) for letters in {letters for _, letters, _ in references}]
    return [min(row_numbers), max(row_numbers)], [min(column_numbers), max(column_numbers)]


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
