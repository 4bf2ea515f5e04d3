"""The NIK rules in pandas, one row at a time where it is clearest: the reference the product's SQL form
(pipeline/parse/nik.py) is held to in tests/test_nik_sql.py. Never on the product's path."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

import numpy as np
import pandas as pd

from pipeline.parse.nik import SEPARATORS, SPACE, _is_birth_date
from pipeline.parse.text import LARGEST_EXACT_FLOAT


def recover(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cells as Excel or a CSV export left them -> (16-digit text or NA, reason or NA).

    Text digits are kept. A number cell is recovered when it is exact (below 2^53); scientific notation in text
    ("3.57501E+15") has lost digits and is rejected, never padded.
    """
    text = values.astype("string").str.strip(SPACE)
    digits = pd.Series(pd.NA, index=values.index, dtype="string")
    reason = pd.Series(pd.NA, index=values.index, dtype="string")

    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        numeric = pd.Series(False, index=values.index)  # a csv column: text only, no cell to inspect one by one
    else:
        numeric = values.map(lambda v: isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool))
    if numeric.any():
        numbers = values[numeric].astype(float)
        exact = numbers.notna() & (numbers >= 0) & (numbers < LARGEST_EXACT_FLOAT) & (numbers == np.floor(numbers))
        digits[numeric & exact.reindex(values.index, fill_value=False)] = (
            numbers[exact].map(lambda n: f"{int(n):d}").astype("string")
        )
        negative = (numbers < 0).reindex(values.index, fill_value=False)
        reason[numeric & ~exact.reindex(values.index, fill_value=True)] = (
            "stored as a number too large to keep all 16 digits exactly; store NIK as text"
        )
        reason[numeric & negative] = "a negative number, not a NIK"

    plain = ~numeric & text.notna()
    ready = plain & text.str.fullmatch(r"[0-9]+").fillna(False).astype(
        bool
    )  # most cells: digits only, nothing to clean
    digits[ready] = text[ready]
    messy = plain & ~ready
    # A float written as text ('3575011203850001.0') loses its '.0' before separators (spaces, dots, dashes) go.
    cleaned = text[messy].str.replace(r"\.0$", "", regex=True).str.replace(SEPARATORS, "", regex=True)
    scientific = cleaned.str.contains(r"[eE]\+?[0-9]+$", regex=True, na=False)
    digits[messy & ~scientific.reindex(values.index, fill_value=False)] = cleaned[~scientific]
    reason[messy & scientific.reindex(values.index, fill_value=False)] = (
        "written in scientific notation (such as 3.5E+15): digits were lost"
    )
    reason[values.isna() | (text == "")] = "NIK is empty"
    digits[reason.notna()] = pd.NA
    return digits, reason


def validate(digits: pd.Series, kabkota_codes: set[str], today: dt.date | None = None) -> pd.Series:
    """Reason a recovered NIK is not valid, or NA: 16 digits, an existing kab/kota, a birth date, a serial."""
    today = today or dt.date.today()
    reason = pd.Series(pd.NA, index=digits.index, dtype="string")
    present = digits.notna()
    wrong_length = present & ~digits.str.fullmatch(r"[0-9]{16}", na=False)
    reason[wrong_length] = digits[wrong_length].map(
        lambda d: (
            f"has {len(d)} characters, not 16 digits"
            if re.fullmatch(r"[0-9]+", d)
            else "contains characters other than digits"
        )
    )
    ok = present & ~wrong_length
    unknown = ok & ~digits.str[:4].isin(kabkota_codes)
    reason[unknown] = "digits 1-4 are not a kab/kota code"
    ok &= ~unknown
    # A roster has millions of NIKs but only tens of thousands of distinct DDMMYY: check each once.
    birth = digits[ok].str[6:12]
    plausible = birth.map({b: _is_birth_date(b, today) for b in birth.unique()}).reindex(digits.index, fill_value=False)
    bad_date = ok & ~plausible.astype(bool)
    reason[bad_date] = "digits 7-12 are not a birth date (DDMMYY, day + 40 for women)"
    ok &= ~bad_date
    reason[ok & (digits.str[12:16] == "0000")] = "serial number (digits 13-16) is 0000"
    return reason


def mask(nik: object) -> str:
    """What quarantine may show: the kab/kota digits and the length, never the person."""
    # A number cell as a person reads it (3575011203850001.0 is 3575011203850001), where the float is exact.
    exact = isinstance(nik, float) and nik.is_integer() and abs(nik) < LARGEST_EXACT_FLOAT
    text = re.sub(f"[{SPACE}]", "", str(int(nik)) if exact else str(nik))
    return (text[:4] + "*" * max(len(text) - 4, 0)) if text not in ("", "nan", "None", "<NA>") else ""


def pseudonymise(digits: pd.Series, key: str) -> pd.Series:
    """HMAC-SHA256 of the NIK under JAMSOSTEK_PII_KEY: the same person gets the same worker_key in every roster."""
    keyed = hmac.new(key.encode(), digestmod=hashlib.sha256)  # copying the keyed state skips re-keying per NIK

    def worker_key(digits_text: str) -> str:
        state = keyed.copy()
        state.update(digits_text.encode())
        return state.hexdigest()[:32]

    return digits.map(worker_key)
