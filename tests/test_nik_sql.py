"""The NIK rules have two forms, DuckDB SQL (pipeline/parse/nik.py, run by the roster path) and the pandas reference
(tests/nik_reference.py): both must give identical digits, reasons, masks and worker_keys, on the corpus and on generated NIKs."""

import datetime as dt
import random

import duckdb
import pandas as pd
import pyarrow

from pipeline.ingest import pii_key
from pipeline.parse import nik
from pipeline.read.chunks import cell_texts, read_chunks
from pipeline.sources.rentan import SOURCE as ROSTERS
from tests import nik_reference
from tests.corpus.cases import CASES, CORPUS

KABKOTA = frozenset({"3575", "3574", "3514", "1674", "9101", "1101"})
TODAY = dt.date(2026, 11, 21)
KEY = "parity-test-key-" + "x" * 70  # longer than a SHA-256 block: HMAC hashes such a key first


def python_form(values: pd.Series) -> list[tuple]:
    digits, reason = nik_reference.recover(values)
    reason = reason.fillna(nik_reference.validate(digits, KABKOTA, TODAY))
    keys = pd.Series(None, index=values.index, dtype=object)
    good = reason.isna()
    keys[good] = nik_reference.pseudonymise(digits[good], KEY)
    masks = [nik_reference.mask(v) if r is not pd.NA and not pd.isna(r) else None for v, r in zip(values, reason)]
    return [(None if pd.isna(r) else r, k if isinstance(k, str) else None, m) for r, k, m in zip(reason, keys, masks)]


def sql_form(values: pd.Series) -> list[tuple]:
    con = duckdb.connect()
    con.execute("CREATE TABLE kabkota_codes AS SELECT unnest(?::VARCHAR[]) AS code", [sorted(KABKOTA)])
    con.execute("CREATE TABLE birth_dates AS SELECT unnest(?::VARCHAR[]) AS ddmmyy", [nik.plausible_birth_dates(TODAY)])
    # The cells as the roster reader hands them over (text, and the number of a number cell).
    converted = cell_texts(list(values), with_number=True)
    cells = pyarrow.table({"nik": converted["text"], "nik_number": converted["number"], "position": range(len(values))})
    con.register("roster", cells)
    rows = con.execute(
        f"""
        SELECT nik_problem, CASE WHEN nik_problem IS NULL THEN {pii_key.WORKER_KEY_SQL} END,
               CASE WHEN nik_problem IS NOT NULL THEN {nik.NIK_MASK_SQL} END
        FROM ({nik.nik_checked_sql("roster")}) ORDER BY position
    """,
        pii_key.worker_key_parameters(KEY),
    ).fetchall()
    return [tuple(r) for r in rows]


def generated_niks(count: int, seed: int = 20261122) -> list[object]:
    """Valid and broken NIKs in the shapes rosters hold them: text, numbers, separators, Excel damage, bad dates."""
    rng = random.Random(seed)
    values: list[object] = []
    for _ in range(count):
        kab = rng.choice([*KABKOTA, "9999", "0000"])
        day = rng.choice([rng.randint(1, 31), rng.randint(41, 71), 0, 32, 40, 72, 29, 30, 31])
        month = rng.choice([rng.randint(1, 12), 0, 13, 2])
        year = rng.choice([rng.randint(0, 99), 0, 26, 27, 5, 99])
        serial = rng.choice(["0001", "0000", f"{rng.randint(1, 9999):04d}"])
        digits = f"{kab}{rng.randint(0, 99):02d}{day:02d}{month:02d}{year:02d}{serial}"
        shape = rng.randrange(14)
        values.append(
            [
                digits,
                digits,
                digits,
                f" {digits} ",
                f"{digits[:4]} {digits[4:8]} {digits[8:12]} {digits[12:]}",
                f"{digits[:4]}-{digits[4:10]}-{digits[10:]}",
                f"{digits}.0",
                f"'{digits}",
                float(digits),
                int(digits),
                f"{float(digits):.5E}",
                digits[:15],
                digits + "7",
                digits[:8] + "A" + digits[9:],
            ][shape]
        )
    return [
        *values,
        "",
        "   ",
        None,
        "\t3575011203850001\n",
        "3.57501E+15",
        9171011203850001.0,
        -1.0,
        "ABCD",
        "．",
        "3575\u00a0011203850001",
        "3575011202290001",
        "3575016902000001",
        "3575012902000001",
        "3575010101260001",
        "3575010112260001",
    ]


def test_sql_and_python_agree_on_generated_niks():
    values = pd.Series(generated_niks(20_000), dtype=object)
    python, sql = python_form(values), sql_form(values)
    mismatches = [(v, p, s) for v, p, s in zip(values, python, sql) if p != s]
    assert not mismatches, mismatches[:5]
    reasons = {p[0] for p in python}
    assert None in reasons and len(reasons) >= 8  # every rule fired on something


def test_sql_and_python_agree_on_every_roster_of_the_corpus(synonyms):
    rosters = [CORPUS / c.path for c in CASES if c.path.startswith("rentan/") and c.status != "failed"]
    assert rosters
    for path in rosters:
        for chunk in read_chunks(path, ROSTERS.table, synonyms):
            # Each cell as the file holds it: a number cell's number, else its text.
            numbers, texts = chunk.cells["nik_number"].to_pylist(), chunk.cells["nik"].to_pylist()
            values = pd.Series([t if n is None else n for n, t in zip(numbers, texts)], dtype=object)
            assert python_form(values) == sql_form(values), path.name
