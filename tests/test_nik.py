import datetime as dt

import duckdb
import pandas as pd
import pytest

from pipeline.ingest import pii_key
from pipeline.ingest.declared_tables import prepare_staging
from pipeline.parse import nik
from pipeline.read.chunks import read_chunks
from pipeline.read.files import sha256_of
from pipeline.read.headers import HeaderSynonyms
from pipeline.settings import HEADER_SYNONYMS, PROJECT_ROOT, REFERENCE_DIR
from pipeline.sources.rentan import SOURCE as ROSTERS
from pipeline.sources.rentan import RosterRules, kabkota_codes, stage
from tests import nik_reference

KAB = {"3575", "3574", "1674", "9101"}
TODAY = dt.date(2026, 11, 21)


def check(values):
    digits, reason = nik_reference.recover(pd.Series(values, dtype=object))
    return digits.tolist(), reason.fillna(nik_reference.validate(digits, KAB, TODAY)).tolist()


def test_valid_niks_including_women_and_numbers_that_survived_excel():
    digits, reasons = check(
        ["3575011203850001", "3575015203850002", 3575011203850003.0, " 3575 0112 0385 0004 ", "3575011203850005.0"]
    )
    assert digits == [
        "3575011203850001",
        "3575015203850002",
        "3575011203850003",
        "3575011203850004",
        "3575011203850005",
    ]
    assert all(pd.isna(r) for r in reasons)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("3.57501E+15", "scientific notation"),
        (9171011203850001.0, "too large"),  # above 2^53: a float cannot hold it exactly
        ("357501120385001", "15 characters"),
        ("35750112038500A1", "other than digits"),
        ("9999011203850001", "not a kab/kota"),
        ("3575013213850001", "birth date"),  # month 13
        ("3575017203850001", "birth date"),  # day 72 (women: 41-71)
        ("3575011203850000", "serial"),
        ("", "empty"),
        (None, "empty"),
    ],
)
def test_invalid_niks_say_why(value, words):
    _, [reason] = check([value])
    assert words in reason


def test_a_column_of_text_niks_gets_the_same_answers_as_one_mixed_with_numbers():
    text = ["3575011203850001", " 3575-0112-0385-0002", "3.57501E+15", "", "3575011203850003.0"]
    assert check(text)[0] == check([*text, 3575011203850004.0])[0][:-1]
    assert check(text)[1] == check([*text, 3575011203850004.0])[1][:-1]


def test_mask_shows_only_the_kabkota():
    assert nik_reference.mask("3575011203850001") == "3575************"
    assert "011203850001" not in nik_reference.mask("3575011203850001")


def test_pseudonyms_are_keyed_and_stable():
    digits = pd.Series(["3575011203850001", "3575011203850001", "3575011203850002"])
    a, b = nik_reference.pseudonymise(digits, "key-a"), nik_reference.pseudonymise(digits, "key-b")
    assert a[0] == a[1] != a[2] and a[0] != b[0] and len(a[0]) == 32
    assert "3575011203850001" not in a[0]


def test_the_demo_key_is_for_the_shipped_demo_rosters_only():
    """Decided by content, never by folder: a real roster dropped into data/raw/rentan gets no demo key."""
    demo = {
        sha256_of(p)
        for p in (PROJECT_ROOT / "data" / "raw" / "rentan").iterdir()
        if p.is_file() and p.name != "README.md"
    }
    assert demo == pii_key.DEMO_ROSTERS  # regenerating the demo rosters means updating pii_key.DEMO_ROSTERS
    [one] = sorted(demo)[:1]
    assert pii_key.key_for({}, one) == pii_key.DEMO_KEY
    assert pii_key.key_for({}, "0" * 64) is None
    assert (
        pii_key.key_for({"JAMSOSTEK_PII_KEY": "s3cret"}, one)
        == pii_key.key_for({"JAMSOSTEK_PII_KEY": "s3cret"}, "0" * 64)
        == "s3cret"
    )


def test_roster_chunk_drops_names_and_keeps_only_pseudonyms(tmp_path, matcher):
    path = tmp_path / "roster.csv"
    path.write_text(
        "Daftar peserta\nNIK;Nama;Pekerjaan;Kab/Kota;Sumber Dana;Program;Mulai;Selesai\n"
        "3575011203850001;Siti Rahayu;petani;Kota Pasuruan;DBHCHT Kota Pasuruan;JKK+JKM;2024-01;2024-12\n"
        "3.57501E+15;Joko Santoso;nelayan;Kota Pasuruan;APBD;JKK+JKM;Januari 2024;Desember 2024\n"
        "3575015203850002;Ani Utami;;Pasuruan;CSR PT Contoh;JKK+JKM;2024-01;2024-06\n",
        encoding="utf-8",
    )
    con = duckdb.connect()
    prepare_staging(con, ROSTERS, full_reload=False)
    queries = QueryLog(con)
    rules = RosterRules(queries, matcher, kabkota_codes(REFERENCE_DIR), "test-key")
    [chunk] = list(read_chunks(path, ROSTERS.table, HeaderSynonyms.from_file(HEADER_SYNONYMS)))
    assert "name" not in chunk.cells.column_names
    assert stage(chunk, rules, "rentan/roster.csv", "sha") == (1, 2)
    staged, quarantine = (
        con.sql(f"SELECT * FROM {t} ORDER BY row_number").df() for t in ("staging.rentan", "staging.rentan_quarantine")
    )
    # The key's padded forms are bound as parameters: no query text the roster ran carries them.
    pads = [pad.hex() for pad in pii_key.worker_key_parameters("test-key").values()]
    assert queries.texts and not any(pad in text for text in queries.texts for pad in pads)
    assert (
        staged["worker_key"].tolist()
        == nik_reference.pseudonymise(pd.Series(["3575011203850001"]), "test-key").tolist()
    )
    assert staged.iloc[0][["region_code", "funding_source", "funder", "occupation"]].tolist() == [
        "35.75",
        "DBHCHT",
        "Kota Pasuruan",
        "Petani",
    ]
    assert quarantine["row_number"].tolist() == [4, 5]
    assert quarantine["check_name"].tolist() == ["nik_valid", "region_match"]
    assert quarantine["value"].tolist()[0] == "3.57*******"  # masked, even when unreadable
    text = staged.to_csv() + quarantine.to_csv()
    assert not any(secret in text for secret in ("3575011203850001", "3575015203850002", "Siti", "Joko", "Ani Utami"))


class QueryLog:
    """A DuckDB connection that remembers the text of every query run through it."""

    def __init__(self, con):
        self.con, self.texts = con, []

    def sql(self, query, *args, **kwargs):
        self.texts.append(query)
        return self.con.sql(query, *args, **kwargs)

    def execute(self, query, *args, **kwargs):
        self.texts.append(query)
        return self.con.execute(query, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.con, name)


@pytest.mark.parametrize(
    "text",
    [
        "Unrecognized boolean cell value: 3575011203850001",  # a library quoting a cell
        "no region named '3575 0112 0385 0001'",
        "Kec 3575.0112.0385.0001 and again 3575-0112-0385-0001",
    ],
)
def test_a_nik_shaped_run_of_digits_is_masked_in_any_text(text):
    masked = nik.mask_nik_shaped(text)
    assert "0385" not in masked and "3575************" in masked
    [(in_sql,)] = duckdb.sql(f"SELECT {nik.nik_shaped_masked_sql('$t')}", params={"t": text}).fetchall()
    assert in_sql == masked


def test_short_numbers_and_words_are_left_alone():
    for text in ("Purworejo", "JKK+JKM", "Rp16.800 per bulan", "2024-06", "081234567890"):
        assert nik.mask_nik_shaped(text) == text
