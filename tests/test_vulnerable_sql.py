"""The vulnerable-worker SQL on a hand-made roster: spells merge, people count once, flows follow the months.

core.vulnerable_spells and the marts work from spells (start and stop events), not worker-months; these cases
pin down what the worker-month definition means: overlapping and following-on rows are one spell, a gap is two.
"""

import duckdb
import pytest

from tests.sql_models import build_models, load_seeds

KAB, PROVINCE = "35.75", "35"  # Kota Pasuruan, Jawa Timur
KABUPATEN = "35.14"  # Kabupaten Pasuruan


@pytest.fixture
def roster():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging; CREATE SCHEMA ref")
    con.execute(
        "CREATE TABLE ref.regions (region_code VARCHAR, region_name VARCHAR, region_level VARCHAR, province_code VARCHAR)"
    )
    con.execute(
        "INSERT INTO ref.regions VALUES ('ID', 'Indonesia', 'national', NULL), (?, 'Jawa Timur', 'province', ?), "
        "(?, 'Kota Pasuruan', 'city', ?), (?, 'Kabupaten Pasuruan', 'regency', ?)",
        [PROVINCE, PROVINCE, KAB, PROVINCE, KABUPATEN, PROVINCE],
    )
    con.execute(
        "CREATE TABLE staging.rentan (worker_key VARCHAR, region_code VARCHAR, funding_source VARCHAR, funder VARCHAR, "
        "occupation VARCHAR, start_period DATE, end_period DATE)"
    )

    def listed(*rows):
        """(worker, funding, occupation, start, end[, funder[, region]]): the payer is Kota Pasuruan, in Kota Pasuruan,
        unless given."""
        for worker, funding, occupation, start, end, *where in rows:
            funder, region = (where + ["Kota Pasuruan", KAB][len(where) :])[:2]
            con.execute(
                "INSERT INTO staging.rentan VALUES (?, ?, ?, ?, ?, ?, ?)",
                [worker, region, funding, funder, occupation, f"{start}-01", f"{end}-01"],
            )
        load_seeds(con)
        build_models(con, "vulnerable_spells", "vulnerable_workers", "funding_overlaps")
        return con

    return listed


def insured(con, region=KAB, funding="ALL", occupation="ALL"):
    rows = con.execute(
        "SELECT strftime(period, '%Y-%m'), insured_workers, new_workers, ended_workers FROM marts.vulnerable_workers "
        "WHERE region_code = ? AND funding_source = ? AND occupation = ? ORDER BY period",
        [region, funding, occupation],
    ).fetchall()
    return {period: (count, new, ended) for period, count, new, ended in rows}


def test_overlapping_and_following_rows_are_one_spell_and_a_gap_makes_two(roster):
    con = roster(
        ("a", "APBD", "Petani", "2024-01", "2024-03"),
        ("a", "APBD", "Petani", "2024-02", "2024-04"),  # overlaps
        ("a", "APBD", "Petani", "2024-05", "2024-05"),  # follows on
        ("a", "APBD", "Petani", "2024-08", "2024-09"),  # after a gap
    )
    spells = con.execute(
        "SELECT strftime(start_period, '%Y-%m'), strftime(end_period, '%Y-%m'), roster_rows FROM core.vulnerable_spells ORDER BY 1"
    ).fetchall()
    assert spells == [("2024-01", "2024-05", 3), ("2024-08", "2024-09", 1)]
    assert insured(con) == {
        "2024-01": (1, 1, 0),
        "2024-02": (1, 0, 0),
        "2024-03": (1, 0, 0),
        "2024-04": (1, 0, 0),
        "2024-05": (1, 0, 1),
        "2024-08": (1, 1, 0),
        "2024-09": (1, 0, 1),
    }


def test_a_person_on_two_rosters_counts_once_in_all_and_is_a_double_payment(roster):
    con = roster(
        ("a", "APBD", "Petani", "2024-01", "2024-06"),
        ("a", "DBHCHT", "Petani", "2024-04", "2024-09"),
        ("b", "DBHCHT", "Nelayan", "2024-03", "2024-03"),
    )
    assert insured(con)["2024-05"] == (1, 0, 0)
    assert insured(con)["2024-03"] == (2, 1, 1)
    assert insured(con, funding="DBHCHT")["2024-04"] == (1, 1, 0)
    assert insured(con, funding="APBD")["2024-06"] == (1, 0, 1)
    assert insured(con, region=PROVINCE) == insured(con) == insured(con, region="ID")
    assert insured(con, occupation="Nelayan") == {"2024-03": (1, 1, 1)}
    overlaps = con.execute(
        "SELECT strftime(period, '%Y-%m'), funding_sources, double_paid_idr FROM marts.funding_overlaps ORDER BY 1"
    ).fetchall()
    assert overlaps == [(f"2024-0{m}", "APBD,DBHCHT", 16800) for m in (4, 5, 6)]


def overlaps_of(con):
    return con.execute(
        "SELECT strftime(period, '%Y-%m'), region_code, regions, funding_sources, payers, funders, double_paid_idr "
        "FROM marts.funding_overlaps ORDER BY 1"
    ).fetchall()


def test_two_payers_of_different_regions_are_a_double_payment(roster):
    # Insured all of 2024 by APBD Kota Pasuruan (listed in Kota Pasuruan) and by DBHCHT Kabupaten Pasuruan (listed in
    # Kabupaten Pasuruan): one person paid twice every month, whichever region each roster names.
    con = roster(
        ("a", "APBD", "Petani", "2024-01", "2024-12", "Kota Pasuruan", KAB),
        ("a", "DBHCHT", "Petani", "2024-01", "2024-12", "Kabupaten Pasuruan", KABUPATEN),
    )
    overlaps = overlaps_of(con)
    assert len(overlaps) == 12 and sum(o[-1] for o in overlaps) == 12 * 16800
    assert overlaps[0] == (
        "2024-01",
        KABUPATEN,
        f"{KABUPATEN},{KAB}",
        "APBD,DBHCHT",
        "APBD KOTA PASURUAN; DBHCHT KABUPATEN PASURUAN",
        2,
        16800,
    )


def test_two_governments_paying_from_their_apbd_are_two_payers(roster):
    con = roster(
        ("a", "APBD", "Petani", "2024-01", "2024-06", "Kota Pasuruan"),
        ("a", "APBD", "Petani", "2024-04", "2024-09", "Provinsi Jawa Timur"),
    )
    assert [o[0] for o in overlaps_of(con)] == ["2024-04", "2024-05", "2024-06"]
    assert {o[3:6] for o in overlaps_of(con)} == {("APBD", "APBD KOTA PASURUAN; APBD PROVINSI JAWA TIMUR", 2)}
    # Counted once as an APBD worker all the same.
    assert insured(con, funding="APBD")["2024-05"] == (1, 0, 0) and len(insured(con, funding="APBD")) == 9


def test_one_payer_written_two_ways_is_not_a_double_payment(roster):
    con = roster(
        ("a", "DBHCHT", "Petani", "2024-01", "2024-06", "Kota Pasuruan"),
        ("a", "DBHCHT", "Nelayan", "2024-03", "2024-09", "kota  PASURUAN"),
    )
    assert overlaps_of(con) == []


def test_many_people_with_one_spell_each_are_counted_per_month(roster):
    con = roster(*[(f"w{i}", "CSR", "Ojek", "2024-01", "2024-02" if i % 2 else "2024-03") for i in range(10)])
    assert insured(con) == {"2024-01": (10, 10, 0), "2024-02": (10, 0, 5), "2024-03": (5, 0, 5)}
    [(contribution,)] = con.execute(
        "SELECT contribution_idr FROM marts.vulnerable_workers "
        "WHERE region_code = 'ID' AND period = '2024-03-01' AND funding_source = 'ALL' AND occupation = 'ALL'"
    ).fetchall()
    assert contribution == 5 * 16800


def test_rows_with_the_same_months_are_one_spell_however_the_engine_orders_them():
    # Two funders listing 50,000 people for the same months: every ALL cell counts each person once. Before the
    # tie order was fixed, DuckDB's threads sometimes split such a pair into two spells (a person counted twice).
    con = duckdb.connect()
    con.execute("SET threads = 4")
    con.execute("CREATE SCHEMA staging; CREATE SCHEMA ref")
    con.execute(
        "CREATE TABLE ref.regions AS SELECT * FROM (VALUES ('ID', 'Indonesia', 'national', NULL), (?, 'Jawa Timur', 'province', ?), "
        "(?, 'Kota Pasuruan', 'city', ?)) r(region_code, region_name, region_level, province_code)",
        [PROVINCE, PROVINCE, KAB, PROVINCE],
    )
    con.execute(
        "CREATE TABLE staging.rentan AS SELECT 'w' || i AS worker_key, ? AS region_code, funding_source, 'X' AS funder, 'Ojek' AS occupation, "
        "DATE '2024-01-01' AS start_period, DATE '2024-06-01' AS end_period "
        "FROM range(50000) r(i), (VALUES ('APBD'), ('DBHCHT')) f(funding_source)",
        [KAB],
    )
    load_seeds(con)
    build_models(con, "vulnerable_spells", "vulnerable_workers", "funding_overlaps")
    assert insured(con)["2024-03"] == (50000, 0, 0)
    assert insured(con, region="ID")["2024-01"] == (50000, 50000, 0)
    assert con.execute("SELECT count(*) FROM marts.funding_overlaps").fetchone()[0] == 50000 * 6
