"""Two files that report the same figure differently: the one modified later is published, whatever their names
sort as, and both files and both figures are named (dq.conflicting_figures, dq.file_ledger.conflicts)."""

import datetime as dt

import duckdb

from pipeline.ingest.declared_tables import prepare_staging
from pipeline.sources import SOURCES
from tests.sql_models import build_models, model_path

ORIGINAL, RESENT = "participation/2021-03_kepesertaan_jatim.csv", "participation/2021-03_kepesertaan_jatim (1).csv"


def test_a_resent_month_saved_as_a_copy_is_published_and_the_difference_named():
    con = duckdb.connect()
    for source in ("participation", "workforce", "targets"):
        prepare_staging(con, SOURCES[source], full_reload=False)
    con.execute("CREATE SCHEMA ref; CREATE SCHEMA core; CREATE SCHEMA dq")
    con.execute(
        "CREATE TABLE ref.regions AS SELECT * FROM (VALUES ('35.79', 'Kota Batu', 'city', '35'), ('35.73', 'Kota Malang', 'city', '35'), "
        "('35', 'Jawa Timur', 'province', '35')) r(region_code, region_name, region_level, province_code)"
    )
    # The browser saved the corrected file beside the original: " (1)" sorts before ".csv", but it is newer.
    for path, modified, batu in (
        (ORIGINAL, dt.datetime(2021, 4, 5), 14_044),
        (RESENT, dt.datetime(2021, 4, 9), 15_044),
    ):
        con.execute(
            "INSERT INTO staging.participation (period, region_code, segment, active_participants, file_path, sheet, row_number, file_sha256) "
            "VALUES ('2021-03-01', '35.79', 'PU', ?, ?, '', 2, 'x'), ('2021-03-01', '35.73', 'PU', 20000, ?, '', 3, 'x')",
            [batu, path, path],
        )
        con.execute(
            "INSERT INTO staging.participation_files (file_path, sha256, source, status, modified_at) VALUES (?, 'x', 'participation', 'loaded', ?)",
            [path, modified],
        )
    build_models(con, "conflicting_figures")
    assert con.execute("SELECT * EXCLUDE (source, region_name) FROM dq.conflicting_figures").fetchall() == [
        ("2021-03", "35.79", "PU", RESENT, 15_044.0, ORIGINAL, 14_044.0)
    ]
    # core.participation and core.workforce choose by the same order (the end-to-end rerun test checks the mart).
    for model in ("participation", "workforce"):
        assert "ORDER BY f.modified_at DESC NULLS LAST" in model_path(model).read_text(encoding="utf-8")
