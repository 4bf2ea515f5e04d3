"""The per-file sync (pipeline/warehouse/sync.py), without Dagster: what is read again, what leaves, the PII key."""

import shutil

import duckdb
import pytest

from pipeline.ingest import pii_key
from pipeline.sources import SOURCES
from pipeline.warehouse.sync import IngestVersion, SyncRefused, sync_source
from tests.conftest import DEMO_RAW

VERSION = IngestVersion("reader-1", "aliases-1")
MONTHS = ("2021-09_kepesertaan_jatim.csv", "2021-10_kepesertaan_jatim.csv")


@pytest.fixture
def participation(tmp_path):
    raw = tmp_path / "raw"
    (raw / "participation").mkdir(parents=True)
    for name in MONTHS:
        shutil.copy(DEMO_RAW / "participation" / name, raw / "participation" / name)
    return raw, duckdb.connect()


def sync(con, raw, matcher, synonyms, source="participation", version=VERSION, environ=None):
    return sync_source(con, SOURCES[source], raw, version, matcher, synonyms, environ or {})


def read_files(outcome) -> list[str]:
    return sorted(row["file_path"] for row in outcome.ledger)


def test_unchanged_files_are_not_read_again_and_a_changed_or_deleted_file_moves_only_its_rows(
    participation, matcher, synonyms
):
    raw, con = participation
    first = sync(con, raw, matcher, synonyms)
    assert read_files(first) == [f"participation/{m}" for m in MONTHS]
    rows = dict(con.execute("SELECT file_path, count(*) FROM staging.participation GROUP BY 1").fetchall())
    assert sync(con, raw, matcher, synonyms).ledger == []  # nothing changed: nothing read

    changed = raw / "participation" / MONTHS[1]
    text = changed.read_text(encoding="utf-8").splitlines()
    changed.write_text("\n".join([text[0], *text[:0:-1]]) + "\n", encoding="utf-8")  # same rows, other order
    assert read_files(sync(con, raw, matcher, synonyms)) == [f"participation/{MONTHS[1]}"]
    after = dict(con.execute("SELECT file_path, count(*) FROM staging.participation GROUP BY 1").fetchall())
    assert after == rows

    (raw / "participation" / MONTHS[1]).unlink()
    assert sync(con, raw, matcher, synonyms).plan.deleted == [f"participation/{MONTHS[1]}"]
    assert con.execute("SELECT DISTINCT file_path FROM staging.participation").fetchall() == [
        (f"participation/{MONTHS[0]}",)
    ]
    assert con.execute("SELECT count(*) FROM staging.participation_files").fetchone()[0] == 1


def test_new_reader_code_reads_every_file_again(participation, matcher, synonyms):
    raw, con = participation
    sync(con, raw, matcher, synonyms)
    again = sync(con, raw, matcher, synonyms, version=IngestVersion("reader-2", VERSION.aliases))
    assert read_files(again) == [f"participation/{m}" for m in MONTHS]


def test_a_new_alias_reads_again_only_the_files_it_can_change(participation, matcher, synonyms):
    raw, con = participation
    (raw / "participation" / MONTHS[1]).unlink()
    # 2021-09 matches "Sidoardjo" through an alias; 2022-01 matches every name as the region list spells it; the
    # third file has a name that matches nothing, so its row is quarantined for region_match.
    shutil.copy(DEMO_RAW / "participation" / "2022-01_kepesertaan_jatim.xlsx", raw / "participation")
    odd = raw / "participation" / "2021-11_kepesertaan_jatim.csv"
    odd.write_text("Periode,Kode,Kab/Kota,Segmen,TK Aktif\n2021-11,,KAB PACITANN,PU,100\n", encoding="utf-8")
    first = sync(con, raw, matcher, synonyms)
    assert {row["file_path"]: row["aliases_used"] for row in first.ledger}[
        "participation/2021-09_kepesertaan_jatim.csv"
    ] == ["Sidoardjo"]
    assert con.execute("SELECT check_name FROM staging.participation_quarantine").fetchall() == [("region_match",)]

    new_aliases = IngestVersion(VERSION.reader, "aliases-2")
    again = sync(con, raw, matcher, synonyms, version=new_aliases)
    assert read_files(again) == [
        "participation/2021-09_kepesertaan_jatim.csv",
        "participation/2021-11_kepesertaan_jatim.csv",
    ]
    assert again.plan.unchanged == ["participation/2022-01_kepesertaan_jatim.xlsx"]
    # Every file is now recorded under the new version: nothing is read again next time.
    assert {
        v for (v,) in con.execute("SELECT DISTINCT ingest_version FROM staging.participation_files").fetchall()
    } == {str(new_aliases)}
    assert sync(con, raw, matcher, synonyms, version=new_aliases).ledger == []


def test_a_lost_folder_is_refused_before_anything_changes(participation, matcher, synonyms):
    raw, con = participation
    sync(con, raw, matcher, synonyms)
    before = con.execute("SELECT count(*) FROM staging.participation").fetchone()[0]
    shutil.rmtree(raw / "participation")
    (raw / "participation").mkdir()
    with pytest.raises(SyncRefused, match="lost all its files"):
        sync(con, raw, matcher, synonyms)
    assert con.execute("SELECT count(*) FROM staging.participation").fetchone()[0] == before
    assert sync(con, raw, matcher, synonyms, environ={"JAMSOSTEK_ALLOW_SHRINK": "1"}).plan.deleted


def test_another_pii_key_stops_the_sync_unless_a_rekey_is_asked_for(tmp_path, matcher, synonyms):
    raw = tmp_path / "raw"
    shutil.copytree(DEMO_RAW / "rentan", raw / "rentan")
    con = duckdb.connect()
    first = sync(con, raw, matcher, synonyms, source="rentan")  # the demo rosters, under the demo key
    assert first.ledger and all(row["status"] != "failed" for row in first.ledger)
    keys = {k for (k,) in con.execute("SELECT DISTINCT worker_key FROM staging.rentan LIMIT 5").fetchall()}

    office = {pii_key.PII_KEY_VARIABLE: "an-office-key-of-32-characters-or-more"}
    with pytest.raises(SyncRefused, match=pii_key.REKEY_VARIABLE):
        sync(con, raw, matcher, synonyms, source="rentan", environ=office)
    assert {k for (k,) in con.execute("SELECT DISTINCT worker_key FROM staging.rentan LIMIT 5").fetchall()} == keys

    rekeyed = sync(con, raw, matcher, synonyms, source="rentan", environ={**office, pii_key.REKEY_VARIABLE: "1"})
    assert read_files(rekeyed) == read_files(first)  # every roster read again under the new key
    assert not keys & {k for (k,) in con.execute("SELECT DISTINCT worker_key FROM staging.rentan").fetchall()}
    assert sync(con, raw, matcher, synonyms, source="rentan", environ=office).ledger == []


def test_the_key_is_compared_even_when_new_code_reads_every_roster_again(tmp_path, matcher, synonyms):
    """A new alias or new code re-reads every file; that must never re-key the rosters silently."""
    raw = tmp_path / "raw"
    shutil.copytree(DEMO_RAW / "rentan", raw / "rentan")
    con = duckdb.connect()
    sync(con, raw, matcher, synonyms, source="rentan")
    office = {pii_key.PII_KEY_VARIABLE: "an-office-key-of-32-characters-or-more"}
    with pytest.raises(SyncRefused, match="not the key this warehouse's worker_keys were made with"):
        sync(
            con, raw, matcher, synonyms, source="rentan", version=IngestVersion("reader-2", "aliases-2"), environ=office
        )


def test_a_folder_that_cannot_be_listed_is_refused_not_taken_for_empty(participation, matcher, synonyms, monkeypatch):
    raw, con = participation
    sync(con, raw, matcher, synonyms)
    import pipeline.read.folders as folders

    def unlistable(top, onerror=None, followlinks=False):  # root reads everything, so the refusal is simulated
        onerror(PermissionError(13, "Permission denied", str(top)))
        return iter(())

    monkeypatch.setattr(folders, "walk", unlistable)
    with pytest.raises(SyncRefused, match=r"cannot be listed \(Permission denied\)"):
        sync(con, raw, matcher, synonyms)
    assert con.execute("SELECT count(DISTINCT file_path) FROM staging.participation").fetchone() == (2,)


def staged(con) -> dict[str, int]:
    return dict(con.execute("SELECT file_path, count(*) FROM staging.participation GROUP BY 1").fetchall())


def ledger(con, file: str) -> dict:
    return (
        con.execute("SELECT * FROM staging.participation_files WHERE file_path = ?", [f"participation/{file}"])
        .fetchdf()
        .to_dict("records")[0]
    )


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda text: "\n".join(text.splitlines()[:2]) + "\n", id="cut-after-one-row"),
        pytest.param(lambda text: "", id="zero-bytes"),
        pytest.param(lambda text: text.splitlines()[0] + "\n", id="header-only"),
    ],
)
def test_a_resent_file_cut_short_keeps_its_last_good_rows_until_the_loss_is_confirmed(
    participation, matcher, synonyms, damage
):
    raw, con = participation
    sync(con, raw, matcher, synonyms)
    before = staged(con)
    good = ledger(con, MONTHS[1])
    resent = raw / "participation" / MONTHS[1]
    resent.write_text(damage(resent.read_text(encoding="utf-8")), encoding="utf-8")

    sync(con, raw, matcher, synonyms)
    assert staged(con) == before  # nothing left the warehouse
    kept = ledger(con, MONTHS[1])
    assert kept["status"] == "kept" and kept["last_good_sha256"] == good["sha256"] != kept["sha256"]
    assert kept["rows_loaded"] == good["rows_loaded"]  # the counts are the rows still published
    assert f"the last good version's {good['rows_loaded']:,} rows are still published" in kept["error"]
    # Not read again while it stays the same, and still kept; new reader code reads it again and still keeps it.
    assert sync(con, raw, matcher, synonyms).ledger == []
    assert ledger(con, MONTHS[1])["status"] == "kept"
    sync(con, raw, matcher, synonyms, version=IngestVersion("reader-2", VERSION.aliases))
    assert staged(con) == before and ledger(con, MONTHS[1])["status"] == "kept"

    # A person confirms: the new version is taken as it is.
    sync(
        con,
        raw,
        matcher,
        synonyms,
        version=IngestVersion("reader-3", VERSION.aliases),
        environ={"JAMSOSTEK_ALLOW_SHRINK": "1"},
    )
    assert staged(con).get(f"participation/{MONTHS[1]}", 0) < before[f"participation/{MONTHS[1]}"] / 2
    assert ledger(con, MONTHS[1])["status"] in ("loaded", "failed")
    assert ledger(con, MONTHS[1])["last_good_sha256"] is None


def test_a_good_version_after_a_kept_one_is_published_and_a_removed_file_leaves(participation, matcher, synonyms):
    raw, con = participation
    sync(con, raw, matcher, synonyms)
    resent = raw / "participation" / MONTHS[1]
    good_text = resent.read_text(encoding="utf-8")
    resent.write_bytes(b"")
    sync(con, raw, matcher, synonyms)
    assert ledger(con, MONTHS[1])["status"] == "kept"

    lines = good_text.splitlines()
    resent.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # one row fewer: a real correction
    sync(con, raw, matcher, synonyms)
    corrected = ledger(con, MONTHS[1])
    assert corrected["status"] == "loaded" and corrected["last_good_sha256"] is None
    assert staged(con)[f"participation/{MONTHS[1]}"] == corrected["rows_loaded"]

    resent.unlink()  # removing one file of two is a person's act: its rows leave at once
    sync(con, raw, matcher, synonyms)
    assert f"participation/{MONTHS[1]}" not in staged(con)


def test_a_staging_table_of_an_earlier_shape_reads_every_file_again(participation, matcher, synonyms):
    """An upgrade that adds a ledger column (an earlier release's files table had no `modified_at`): the same files and
    the same reader version still rebuild the source, and its tables take the declared columns."""
    raw, con = participation
    sync(con, raw, matcher, synonyms)
    con.execute("ALTER TABLE staging.participation_files DROP COLUMN modified_at")
    again = sync(con, raw, matcher, synonyms)
    assert read_files(again) == [f"participation/{m}" for m in MONTHS]
    columns = [c for (c,) in con.execute("SELECT column_name FROM (DESCRIBE staging.participation_files)").fetchall()]
    assert "modified_at" in columns
    assert con.execute("SELECT count(DISTINCT file_path) FROM staging.participation").fetchone()[0] == len(MONTHS)
