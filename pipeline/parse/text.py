"""The one way two labels written by people are compared (headers, segment names, denominator kinds), and what
counts as an empty cell."""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=65_536)  # pure; every segment and header cell goes through it
def header_key(text: object) -> str:
    """Headers compare without case, spacing or punctuation: 'Kab/Kota' == 'KAB. KOTA' == 'kabkota'."""
    return re.sub(r"[^0-9a-z]", "", str(text).lower())


LARGEST_EXACT_FLOAT = 2**53  # a number cell above this cannot hold all of a 16-digit number (a NIK) exactly


def written(value: object) -> str | None:
    """The one rule for a cell as text: what a person reads in the spreadsheet. Excel stores every number as a float,
    so 3579.0 reads '3579'; an empty cell is None. Headers, roster cells and every source's text fields use it."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < LARGEST_EXACT_FLOAT:
        return str(int(value))
    return str(value)


def cell_text(value: object) -> str | None:
    """A cell's text (`written`), stripped; an empty cell or a lone '-' (offices write it for "no figure") is None."""
    text = written(value)
    text = None if text is None else text.strip()
    return None if text in (None, "", "-") else text


# Control characters (C0, DEL, C1) and the bidirectional overrides: in a terminal they erase lines, move the cursor, set
# the title or reorder text, so that a file could print a fake "ok" over a real problem.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: object, keep_newlines: bool = False) -> str:
    """Text for an operator's terminal: every control character shown as an escape (\\x1b, \\n), never obeyed."""

    def escape(match: re.Match) -> str:
        char = match.group(0)
        if keep_newlines and char in "\n\t":
            return char
        return char.encode("unicode_escape").decode("ascii")

    return _CONTROL.sub(escape, str(text))
