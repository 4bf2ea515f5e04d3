"""The one number parser for figures as Indonesian spreadsheets write them.

Dots group thousands ("119.345"), a comma marks decimals ("9,83"), spaces may group thousands ("99 229"),
and "-" or an empty cell means no figure. A text that could be read two ways is rejected, never guessed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

NULL_TEXTS = {"", "-", "--", "–", "—", "n/a", "na", "nan", "null", "none", "tidak ada", "x"}
# Press statements write "2,97 juta" and "30,2 juta": the figure before the word is read as a decimal.
SCALE_WORDS = {
    "ribu": 1_000,
    "rb": 1_000,
    "juta": 1_000_000,
    "jt": 1_000_000,
    "miliar": 1_000_000_000,
    "milyar": 1_000_000_000,
}


EXCEL_ERROR = re.compile(r"#(NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA|SPILL!|CALC!|ERROR)")


class NumberError(ValueError):
    """A cell that is not a usable number; the message says why."""


class Percent(float):
    """A spreadsheet cell formatted as a percentage, as the sheet shows it: 25.46 for a cell that holds 0.2546 under
    the format 0.00%, with the number of decimals the format shows (its precision)."""

    def __new__(cls, shown: float, decimals: int):
        number = super().__new__(cls, round(shown, 10))
        number.decimals = decimals
        return number

    def __str__(self) -> str:
        return f"{float(self):.{self.decimals}f}%"

    def __reduce__(self):  # pickled with its decimals (workbooks are read in a separate process)
        return (_percent, (float(self), self.decimals))

    __repr__ = __str__


def _percent(shown: float, decimals: int) -> "Percent":
    number = float.__new__(Percent, shown)
    number.decimals = decimals
    return number


@dataclass(frozen=True)
class Stated:
    """A figure as it was stated and how precisely: "80%" is 80 ± 0.5, "2,45 juta" is 2,450,000 ± 5,000."""

    value: float
    precision: float  # half a unit of the last digit given


def parse_number(value: object, *, whole: bool = False) -> float | None:
    """Return the number in a cell, or None for an empty/null cell.

    whole=True is for counts of people: a dot is then always a thousands separator ("1.234" = 1234)
    and a fractional result is an error. Otherwise "1.234" (dot with exactly three digits) is ambiguous.
    """
    stated = parse_stated(value, whole=whole)
    return None if stated is None else stated.value


def parse_stated(value: object, *, whole: bool = False) -> Stated | None:
    """The number in a cell with its precision (half a unit of its last stated digit), or None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise NumberError(f"{value!r} is a yes/no value, not a number")
    if isinstance(value, Percent):
        if whole:
            raise NumberError(f"{value} is a percentage cell, but this column counts people")
        return Stated(float(value), 0.5 * 10.0**-value.decimals)
    if isinstance(value, (int, float)):
        number = float(value)
        if math.isnan(number):
            return None
        # A number cell: its precision is what its shortest decimal form shows (79.86 -> 0.005, 935079 -> 0.5).
        text = repr(number)
        decimals = 0 if number.is_integer() or "e" in text else len(text.partition(".")[2])
        return Stated(_checked(number, value, whole), 0.5 * 10.0**-decimals)
    text = str(value).strip().replace("\u00a0", " ")
    if text.lower() in NULL_TEXTS:
        return None
    if EXCEL_ERROR.fullmatch(text):
        raise NumberError(f"{text!r} is an Excel error: the formula behind this cell failed; fix it in the workbook")
    negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
    body = text.strip("()").lstrip("-").rstrip("%").strip()
    body = re.sub(r"^(rp\.?|idr)\s*", "", body, flags=re.IGNORECASE)
    scale = re.fullmatch(r"(.*?)\s*(" + "|".join(SCALE_WORDS) + r")\.?", body, flags=re.IGNORECASE)
    if scale:
        body = scale.group(1)
    if not re.fullmatch(r"[0-9][0-9., ]*", body) or body.endswith((".", ",")):
        raise NumberError(f"{text!r} is not a number")
    number, decimals = _read_digits(body, text, whole and not scale)
    precision = 0.5 * 10.0**-decimals
    if scale:
        number = round(number * SCALE_WORDS[scale.group(2).lower()], 6)
        precision *= SCALE_WORDS[scale.group(2).lower()]
    return Stated(_checked(-number if negative else number, text, whole), precision)


def number_in_words(value: object, *, whole: bool = False) -> Stated | None:
    """The one figure inside a phrase ("masih 84.960 peserta lagi", "target 70%"), read by the parser above; a
    phrase with two figures is ambiguous and rejected."""
    try:
        return parse_stated(value, whole=whole)
    except NumberError as error:
        # Only a phrase is searched: a number cell, an Excel error or a figure written wrongly keeps its own reason.
        if (
            isinstance(value, (int, float))
            or EXCEL_ERROR.search(str(value))
            or not str(error).endswith("is not a number")
        ):
            raise
    words = "|".join(SCALE_WORDS)
    found = re.findall(rf"\d[\d.,]*(?:\s\d{{3}})*(?:\s*(?:{words})\b\.?)?%?", str(value), flags=re.IGNORECASE)
    if len(found) > 1:
        raise NumberError(f"{value!r} holds {len(found)} figures ({', '.join(found)}); write the one meant")
    if not found:
        if str(value).strip().lower() in NULL_TEXTS:
            return None
        raise NumberError(f"{value!r} holds no figure")
    return parse_stated(found[0].rstrip(".,"), whole=whole)


def _read_digits(body: str, text: str, whole: bool) -> tuple[float, int]:
    """The number in `body` and how many decimals it states."""
    if " " in body:
        # Space thousands: "99 229" and "1 234 567"; every group after the first has three digits.
        groups = body.split(" ")
        if not all(re.fullmatch(r"\d{3}", g) for g in groups[1:-1]) or not re.fullmatch(r"\d{3}([.,]\d+)?", groups[-1]):
            raise NumberError(f"{text!r}: spaces in a number must group thousands")
        body = "".join(groups)
    has_dot, has_comma = "." in body, "," in body
    if has_dot and has_comma:
        # The separator that comes last is the decimal mark: "1.234,5" (Indonesian) or "1,234.5" (English).
        decimal, thousands = (",", ".") if body.rfind(",") > body.rfind(".") else (".", ",")
        integer_part, _, fraction = body.rpartition(decimal)
        _check_groups(integer_part, thousands, text)
        return float(integer_part.replace(thousands, "") + "." + fraction), len(fraction)
    if has_comma:
        parts = body.split(",")
        if len(parts) > 2:
            # "1,234,567" can only be English thousands.
            _check_groups(body, ",", text)
            return float(body.replace(",", "")), 0
        if whole and len(parts[1]) == 3:
            raise NumberError(
                f"{text!r} is ambiguous: a comma is the Indonesian decimal mark, but three digits after it look like thousands"
            )
        return float(parts[0] + "." + parts[1]), len(parts[1])
    if has_dot:
        parts = body.split(".")
        if len(parts) > 2 or (len(parts) == 2 and len(parts[1]) == 3):
            if whole or len(parts) > 2:
                _check_groups(body, ".", text)
                return float(body.replace(".", "")), 0
            raise NumberError(
                f"{text!r} is ambiguous: a dot followed by three digits is an Indonesian thousands separator but could be a decimal point"
            )
        return float(body), len(parts[1]) if len(parts) == 2 else 0
    return float(body), 0


def _check_groups(integer_part: str, separator: str, text: str) -> None:
    groups = integer_part.split(separator)
    if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        raise NumberError(f"{text!r}: thousands separators must split the digits into groups of three")


def _checked(number: float, original: object, whole: bool) -> float:
    if whole and not float(number).is_integer():
        raise NumberError(f"{original!r} is not a whole number, but this column counts people")
    return number
