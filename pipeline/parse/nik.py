"""NIK (Nomor Induk Kependudukan) handling: recover, validate and mask, in DuckDB SQL over a roster chunk (the keyed
pseudonym that replaces it, and which key makes it: pipeline/ingest/pii_key.py).

A NIK is personal data under UU 27/2022. It is read, checked and turned into a keyed pseudonym at ingest; the
digits themselves never reach the warehouse, Dagster's metadata, the logs or the exports. Only a masked form
(the first four digits, the kab/kota) appears in quarantine.

Layout: digits 1-6 the kecamatan of issue (1-4 its kab/kota), 7-12 the birth date DDMMYY with 40 added to the
day for women, 13-16 a serial number.
"""

from __future__ import annotations

import datetime as dt
import re

from pipeline.parse.text import LARGEST_EXACT_FLOAT

# NIK digits and the separators people type are ASCII; the SQL below and the pandas reference (tests/nik_reference.py) use exactly these classes.
SPACE = " \t\n\r\f\v"
SEPARATORS = f"[{SPACE}.'`-]"


def _is_birth_date(ddmmyy: str, today: dt.date) -> bool:
    day, month, year = int(ddmmyy[:2]), int(ddmmyy[2:4]), int(ddmmyy[4:])
    day = day - 40 if day > 40 else day
    for century in (2000, 1900):
        try:
            born = dt.date(century + year, month, day)
        except ValueError:
            return False
        if born <= today:
            return today.year - born.year <= 120
    return False


# --- the same rules in DuckDB SQL, for rosters of millions of rows --------------------------------------------
#
# pipeline/sources/rentan.py runs these over a roster chunk; tests/test_nik_sql.py holds them to the reference
# rules in pandas (tests/nik_reference.py): identical digits, reasons, masks and worker_keys on the corpus and on
# generated NIKs. Input columns: `nik` (the cell as text, as pipeline/read/chunks.py gives it) and `nik_number` (the
# number of a number cell, else NULL).

_SPACE_SQL = "[ \\t\\n\\r\\f\\v]"
NIK_TEXT_SQL = f"regexp_replace(nik, '^{_SPACE_SQL}+|{_SPACE_SQL}+$', '', 'g')"
NIK_CLEANED_SQL = "regexp_replace(regexp_replace(nik_text, '\\.0$', ''), '[ \\t\\n\\r\\f\\v.''`-]', '', 'g')"
NIK_RECOVER_REASON_SQL = f"""CASE
    WHEN nik_number IS NOT NULL THEN CASE WHEN nik_number < 0 THEN 'a negative number, not a NIK'
        WHEN nik_number < {LARGEST_EXACT_FLOAT} AND nik_number = floor(nik_number) THEN NULL
        ELSE 'stored as a number too large to keep all 16 digits exactly; store NIK as text' END
    WHEN nik IS NULL OR nik_text = '' THEN 'NIK is empty'
    WHEN regexp_full_match(nik_text, '[0-9]+') THEN NULL
    WHEN regexp_matches(nik_cleaned, '[eE]\\+?[0-9]+$') THEN 'written in scientific notation (such as 3.5E+15): digits were lost'
END"""
NIK_DIGITS_SQL = """CASE WHEN recover_reason IS NULL THEN CASE
    WHEN nik_number IS NOT NULL THEN CAST(TRY_CAST(nik_number AS HUGEINT) AS VARCHAR)
    WHEN regexp_full_match(nik_text, '[0-9]+') THEN nik_text
    ELSE nik_cleaned END END"""


# Over a column `digits`, beside `kabkota_codes(code)` and `birth_dates(ddmmyy)`: every DDMMYY that _is_birth_date
# accepts (see `plausible_birth_dates`), so the birth-date rule has one definition.
NIK_VALIDATE_SQL = """CASE
    WHEN digits IS NULL THEN NULL
    WHEN NOT regexp_full_match(digits, '[0-9]{16}') THEN CASE WHEN regexp_full_match(digits, '[0-9]+')
        THEN 'has ' || length(digits) || ' characters, not 16 digits' ELSE 'contains characters other than digits' END
    WHEN substr(digits, 1, 4) NOT IN (SELECT code FROM kabkota_codes) THEN 'digits 1-4 are not a kab/kota code'
    WHEN substr(digits, 7, 6) NOT IN (SELECT ddmmyy FROM birth_dates) THEN 'digits 7-12 are not a birth date (DDMMYY, day + 40 for women)'
    WHEN substr(digits, 13, 4) = '0000' THEN 'serial number (digits 13-16) is 0000'
END"""


def plausible_birth_dates(today: dt.date | None = None) -> list[str]:
    """Every DDMMYY (day + 40 for women) that _is_birth_date accepts today: 74,400 candidates, checked once."""
    today = today or dt.date.today()
    candidates = (
        f"{day:02d}{month:02d}{year:02d}"
        for day in (*range(1, 32), *range(41, 72))
        for month in range(1, 13)
        for year in range(100)
    )
    return [c for c in candidates if _is_birth_date(c, today)]


def nik_checked_sql(cells: str) -> str:
    """Every row of `cells` (columns `nik`, `nik_number`) with `digits` (the recovered NIK, or NULL) and `nik_problem`
    (why it is not a valid NIK, or NULL), beside the tables kabkota_codes and birth_dates."""
    # Most cells are digits only, with nothing to trim or clean: the regular expressions run on the others alone.
    return f"""SELECT * EXCLUDE (plain), coalesce(recover_reason, {NIK_VALIDATE_SQL}) AS nik_problem FROM (
        SELECT *, {NIK_DIGITS_SQL} AS digits FROM (
            SELECT *, {NIK_RECOVER_REASON_SQL} AS recover_reason FROM (
                SELECT *, CASE WHEN plain THEN nik ELSE {NIK_CLEANED_SQL} END AS nik_cleaned FROM (
                    SELECT *, CASE WHEN plain THEN nik ELSE {NIK_TEXT_SQL} END AS nik_text FROM (
                        SELECT *, coalesce(regexp_full_match(nik, '[0-9]+'), false) AS plain FROM {cells})))))"""


# Any run of 16 digits, with or without the separators people type between them, in any text: a NIK typed into the
# wrong column, pasted twice, or quoted by a library's error message. Its first four digits (the kab/kota) are kept,
# as in quarantine. The same pattern in Python (error texts) and in SQL (every roster cell); RE2 has no look-behind,
# so a longer run of digits is masked from its start, which hides more, never less.
NIK_SHAPED = r"([0-9])[ .'`-]?([0-9])[ .'`-]?([0-9])[ .'`-]?([0-9])(?:[ .'`-]?[0-9]){12}"
NIK_SHAPED_MASK = "************"
_NIK_SHAPED = re.compile(NIK_SHAPED)


def mask_nik_shaped(text: str) -> str:
    """`text` with every NIK-shaped run of digits masked: '... 3575011203850001' -> '... 3575************'."""
    return _NIK_SHAPED.sub(lambda m: "".join(m.groups()) + NIK_SHAPED_MASK, text)


def nik_shaped_masked_sql(column: str) -> str:
    """The SQL of `column` with every NIK-shaped run of digits masked (cells shorter than a NIK are left as they are)."""
    pattern = NIK_SHAPED.replace("'", "''")
    return (
        f"CASE WHEN length({column}) >= 16 THEN regexp_replace({column}, '{pattern}', "
        f"'\\1\\2\\3\\4{NIK_SHAPED_MASK}', 'g') ELSE {column} END"
    )


NIK_MASK_SQL = f"""CASE WHEN regexp_replace(nik, '{_SPACE_SQL}', '', 'g') IN ('', 'nan', 'None', '<NA>') OR nik IS NULL THEN ''
    ELSE left(regexp_replace(nik, '{_SPACE_SQL}', '', 'g'), 4) || repeat('*', greatest(length(regexp_replace(nik, '{_SPACE_SQL}', '', 'g')) - 4, 0)) END"""
