"""NIK (Nomor Induk Kependudukan) handling: recover, validate, mask and pseudonymise, in DuckDB SQL over a roster chunk.

A NIK is personal data under UU 27/2022. It is read, checked and turned into a keyed pseudonym at ingest; the
digits themselves never reach the warehouse, Dagster's metadata, the logs or the exports. Only a masked form
(the first four digits, the kab/kota) appears in quarantine.

Layout: digits 1-6 the kecamatan of issue (1-4 its kab/kota), 7-12 the birth date DDMMYY with 40 added to the
day for women, 13-16 a serial number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

LARGEST_EXACT_FLOAT = 2**53  # a number cell above this cannot hold all 16 digits exactly
# NIK digits and the separators people type are ASCII; the SQL below and the pandas reference (tests/nik_reference.py) use exactly these classes.
SPACE = " \t\n\r\f\v"
SEPARATORS = f"[{SPACE}.'`-]"
PII_KEY_VARIABLE = "JAMSOSTEK_PII_KEY"
REKEY_VARIABLE = "JAMSOSTEK_PII_REKEY"


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
# HMAC-SHA256 of `digits` (RFC 2104, from DuckDB's sha256), the first 32 hex digits. The padded keys are bound as
# parameters ($ipad, $opad: `worker_key_parameters`), never written into the query's text.
WORKER_KEY_SQL = "left(sha256($opad || unhex(sha256($ipad || encode(digits)))), 32)"


def worker_key_parameters(key: str) -> dict[str, bytes]:
    ipad, opad = hmac_pads(key)
    return {"ipad": ipad, "opad": opad}


def hmac_pads(key: str) -> tuple[bytes, bytes]:
    """The inner and outer padded keys of HMAC-SHA256, so that SQL computes HMAC-SHA256(key, NIK) (the pandas
    reference in tests/nik_reference.py computes the same with Python's hmac)."""
    raw = key.encode()
    if len(raw) > 64:
        raw = hashlib.sha256(raw).digest()
    raw = raw.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in raw), bytes(b ^ 0x5C for b in raw)


def key_check(key: str) -> str:
    """A fingerprint of the key, kept in the warehouse to notice a changed key; it reveals nothing of the key."""
    return hmac.new(key.encode(), b"jamsostek-coverage: which key made these worker_keys", hashlib.sha256).hexdigest()[
        :16
    ]


class KeyChanged(RuntimeError):
    pass


def ensure_same_key(recorded: str | None, key: str, rekey: bool) -> bool:
    """Whether every roster must be pseudonymised again; raises KeyChanged rather than mix two keys' pseudonyms.

    A worker_key made under one key never matches the same person's under another, so a warehouse holding both
    would count people twice and hide double payments.
    """
    if recorded is None or recorded == key_check(key):
        return False
    if rekey:
        return True
    raise KeyChanged(
        f"{PII_KEY_VARIABLE} is not the key this warehouse's worker_keys were made with, and mixing the two would count "
        f"every person twice. Set the key used before, or, to change keys on purpose, run once with {REKEY_VARIABLE}=1: "
        "every roster is then read again under the new key."
    )


# Used only for the synthetic demo rosters in data/raw/rentan (see README): never for real data.
DEMO_KEY = "jamsostek-coverage-demo-key-not-secret"
# Those rosters by content (sha256): the only files the demo key may pseudonymise, wherever they are. Any other roster
# needs JAMSOSTEK_PII_KEY, or anyone with this repository could recompute a person's worker_key from their NIK.
# tests/test_nik.py holds this list to the files in data/raw/rentan.
DEMO_ROSTERS = frozenset(
    {
        "536f01ea39963b35488c0fa155dd2e7d49e96cf2f675439d384dc51ec8950cbb",  # 2023_apbd_kota_pasuruan.csv
        "1cb6b0d14e09774f5ba230cc2da4b3b07f8ab01b9476612cfbc0ec1cc9fd1ad8",  # 2024_apbd_provinsi_sumsel.xlsx
        "11a11c66a27547d88c5ee52af2ce41f9c13d82db5225b53f6d346872490926d2",  # 2024_dbhcht_kota_pasuruan.xlsx
    }
)


def key_for(environ, sha256: str) -> str | None:
    """The key one roster is pseudonymised with: JAMSOSTEK_PII_KEY, else the demo key for a shipped demo roster only."""
    return environ.get(PII_KEY_VARIABLE) or (DEMO_KEY if sha256 in DEMO_ROSTERS else None)


MISSING_KEY_MESSAGE = (
    f"{PII_KEY_VARIABLE} is not set: this roster holds NIKs, which are pseudonymised at ingest with that secret. Set it "
    "in the environment (the same value on every run, kept out of the repository, e.g. in /etc/jamsostek/jamsostek.env) "
    "and run again; only the project's own synthetic demo rosters are read without it"
)
