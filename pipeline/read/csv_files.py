"""csv files: decoded as UTF-8 (with or without BOM), then cp1252, then latin-1; the separator ("," ";" or tab)
judged once from the first lines; a record longer than any real row refused before anything reads it."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import numpy as np

from pipeline.read.sheet import HEAD_ROWS, FileUnreadable, Sheet

MAX_LINE_BYTES = 1024**2  # no row of a table or roster is anywhere near a megabyte; one such line is not a table


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


def read_csv(path: Path, max_rows: int | None = None, encoding: str | None = None) -> Sheet:
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
    return read_csv(path, max_rows, encoding)
