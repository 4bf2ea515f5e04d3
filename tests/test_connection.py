"""The working database's identity (pipeline/warehouse/connection.py): every fault to it reads as another database,
so that the change detector rebuilds everything; without Dagster."""

import os
import shutil

from pipeline.warehouse.connection import connect, opened, working_identity, working_path


def built(warehouse):
    with connect(warehouse) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    return working_identity(warehouse)


def test_a_new_working_database_has_a_new_identity_and_an_unchanged_one_keeps_it(tmp_path):
    assert working_identity(tmp_path) == "none"
    first = built(tmp_path)
    assert first != "none" and working_identity(tmp_path) == first
    with opened(tmp_path) as (_con, created):
        assert not created
    assert working_identity(tmp_path) == first


def test_deleted_restored_and_damaged_working_databases_read_as_other_databases(tmp_path):
    first = built(tmp_path)
    path = working_path(tmp_path)

    shutil.copy(path, tmp_path / "backup.duckdb")  # restored from a backup: the same bytes, another file
    os.replace(tmp_path / "backup.duckdb", path)
    restored = working_identity(tmp_path)
    assert restored != first

    with open(path, "r+b") as f:  # a disk error over the header
        f.write(b"\0" * 4096)
    assert working_identity(tmp_path).endswith("-damaged")
    with opened(tmp_path) as (con, created):  # set aside and created anew, with a new name
        assert created and con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 't'").fetchone() == (0,)
    renewed = working_identity(tmp_path)
    assert renewed not in (first, restored) and not renewed.endswith("-damaged")
    assert [p.name.split(".damaged-")[0] for p in path.parent.glob("*.damaged-*")] == [path.name]

    path.unlink()
    assert working_identity(tmp_path) == "none"


def test_a_working_database_cut_short_is_set_aside(tmp_path):
    built(tmp_path)
    path = working_path(tmp_path)
    with connect(tmp_path) as con:
        con.execute("CREATE TABLE big AS SELECT range AS x, repeat('y', 50) AS y FROM range(200000)")
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.truncate(size // 3)
    with opened(tmp_path) as (con, created):
        assert created
        assert con.execute("SELECT count(*) FROM duckdb_tables()").fetchone() == (0,)
