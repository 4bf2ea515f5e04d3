"""A new raw source from its one declaration, end to end: what README's "Adding a raw source" says to write (a module
with its contract, conversion and SOURCE, found by itself; a synonyms section), then `make generated`, and nothing
else, gives a staging table with its comments, a ledger, a quarantine, a totals companion compared in dq.stated_totals,
dbt sources, the dq models' union, a code version and a line in the dictionary.

The project is copied to a temporary folder and the toy source (a period from the file name, a totals row) added
there, as a developer would, then built with `make run`'s own entry point.
"""

import os
import shutil
import subprocess
import sys

import duckdb
import pytest
import yaml

from pipeline.settings import PROJECT_ROOT
from tests.conftest import make_run

# The file is named apart from its source on purpose: its code version must still be read from it.
TOY_MODULE_FILE = "migrant_placements.py"
TOY_MODULE = '''"""placements/: migrant workers placed abroad per kab/kota of origin and month, a source made only to test adding one."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pipeline.ingest.tables import RowContext, TableSource
from pipeline.sources.fields import FIRST_PERIOD, REGION_CODE, Contract, count, people, period, region, required


class PlacementRows(Contract):
    """Migrant workers placed abroad, per kab/kota of origin and month."""

    period: Series[pd.Timestamp] = pa.Field(ge=FIRST_PERIOD, description="First day of the month of placement")
    region_code: Series[str] = pa.Field(str_matches=REGION_CODE, description="Kemendagri code of the kab/kota of origin")
    placements: Series[int] = people("Migrant workers placed that month")


def convert_placements(record: dict, context: RowContext) -> dict:
    return {
        "period": period(record, context),
        "region_code": region(record, context, "kabkota"),
        "placements": int(required(record, "placements", count(record, "placements"), "placements")),
    }


SOURCE = TableSource(
    "placements",
    [["region_name"], ["placements"]],
    "Migrant workers placed abroad per kab/kota of origin and month.",
    PlacementRows,
    convert_placements,
    needs_period=True,
    total_value="placements",
)
'''

TOY_SYNONYMS = """
[placements]
region_name = ["Kabupaten/Kota", "Kab/Kota", "Daerah Asal"]
placements = ["Jumlah Penempatan", "Penempatan PMI"]
"""


@pytest.fixture(scope="module")
def toy_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    for part in ("pipeline", "sql", "data/reference", ".dagster_home/dagster.yaml"):
        if (PROJECT_ROOT / part).is_file():
            (root / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(PROJECT_ROOT / part, root / part)
            continue
        shutil.copytree(
            PROJECT_ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__", "target", "logs")
        )
    # 1. The module: found by itself (no registry to edit).
    (root / "pipeline" / "sources" / TOY_MODULE_FILE).write_text(TOY_MODULE, encoding="utf-8")
    # 2. Its synonyms section.
    with open(root / "data" / "reference" / "header_synonyms.toml", "a", encoding="utf-8") as synonyms:
        synonyms.write(TOY_SYNONYMS)
    # `make generated`: its dbt sources and the macros the dq models read, made from the declaration.
    subprocess.run([sys.executable, "-m", "pipeline.warehouse.dbt_sources"], cwd=root, check=True, capture_output=True)
    raw = root / "raw" / "placements"
    raw.mkdir(parents=True)
    # The month in the file name; a totals row that states 21 while the rows loaded add up to 19 (one is rejected).
    (raw / "penempatan_pmi_2024-03.csv").write_text(
        "Kab/Kota,Jumlah Penempatan\nKota Pasuruan,12\nKota Batu,7\nKota Atlantis,2\nJumlah,21\n",
        encoding="utf-8",
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("JAMSOSTEK_", "DAGSTER_"))}
    environment |= {
        "JAMSOSTEK_RAW_DIR": str(root / "raw"),
        "JAMSOSTEK_WAREHOUSE_DIR": str(root / "warehouse"),
        "DAGSTER_HOME": str(root / "dagster_home"),
    }
    built = make_run(environment, root)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return root, built.stdout


def test_a_declared_source_is_staged_with_its_comments_ledger_quarantine_and_totals(toy_project):
    root, output = toy_project
    con = duckdb.connect(str(root / "warehouse" / "jamsostek.duckdb"), read_only=True)
    try:
        assert con.execute(
            "SELECT region_code, strftime(period, '%Y-%m'), placements FROM staging.placements ORDER BY 1"
        ).fetchall() == [("35.75", "2024-03", 12), ("35.79", "2024-03", 7)]
        comments = dict(
            con.execute(
                "SELECT column_name, comment FROM duckdb_columns() "
                "WHERE schema_name = 'staging' AND table_name = 'placements'"
            ).fetchall()
        )
        assert comments["placements"] == "Migrant workers placed that month"
        assert comments["file_path"] == "Raw file the row came from"
        assert con.execute(
            "SELECT comment FROM duckdb_tables() WHERE schema_name = 'staging' AND table_name = 'placements'"
        ).fetchone() == ("Migrant workers placed abroad, per kab/kota of origin and month.",)
        # The dq models union the new source's ledger and quarantine, and compare its totals, with no model edited.
        assert con.execute(
            "SELECT status, rows_loaded, rows_rejected, rows_skipped FROM dq.file_ledger WHERE source = 'placements'"
        ).fetchall() == [("partial", 2, 1, 1)]
        assert con.execute("SELECT value, check_name FROM dq.rejected_rows WHERE source = 'placements'").fetchall() == [
            ("Kota Atlantis", "region_match")
        ]
        # Its total is stated for its own dimensions: the month, and no segment (it has none).
        assert con.execute(
            "SELECT label, strftime(period, '%Y-%m'), year, segment, stated_value, loaded_sum "
            "FROM dq.stated_totals WHERE source = 'placements'"
        ).fetchall() == [("Jumlah", "2024-03", None, None, 21.0, 19.0)]
    finally:
        con.close()
    assert "placements     partial      1 files" in output


def test_a_declared_source_gets_dbt_sources_a_code_version_and_a_dictionary_entry(toy_project):
    root, _ = toy_project
    sources = yaml.safe_load((root / "sql" / "models" / "staging" / "_sources.yml").read_text(encoding="utf-8"))
    tables = {t["name"]: t for s in sources["sources"] for t in s["tables"]}
    assert {"placements", "placements_files", "placements_quarantine", "placements_totals"} <= set(tables)
    assert tables["placements"]["meta"]["dagster"]["asset_key"] == ["staging", "placements"]
    assert {
        "name": "placements",
        "description": "Migrant workers placed that month",
        "data_type": "BIGINT",
    } in tables["placements"]["columns"]
    assert "'placements'" in (root / "sql" / "macros" / "raw_sources.sql").read_text(encoding="utf-8")
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from pipeline.outputs.dictionary import raw_folders; print('\\n'.join(raw_folders()))\n"
            "from pipeline.definitions import defs\n"
            "from pipeline.defs.metadata import python_closure\n"
            "from pipeline.sources import SOURCE_MODULES\n"
            "print('closure:', ' '.join(p.name for p in python_closure(SOURCE_MODULES['placements'])))\n"
            "graph = defs.resolve_asset_graph()\n"
            "print('upstream:', ' '.join(sorted(k.to_user_string() for k in graph.get(\n"
            "    __import__('dagster').AssetKey(['dq', 'stated_totals'])).parent_keys)))",
        ],
        cwd=root,
        env={k: v for k, v in os.environ.items() if not k.startswith(("JAMSOSTEK_", "DAGSTER_"))}
        | {"DAGSTER_HOME": str(root / "dagster_home")},
        capture_output=True,
        text=True,
    )
    assert shown.returncode == 0, shown.stderr[-3000:]
    assert "| `placements/` | Migrant workers placed abroad per kab/kota of origin and month." in shown.stdout
    assert "| `placements` | BIGINT | Migrant workers placed that month |" in shown.stdout
    # Its ingest asset's code version is read from its module, whatever the file is named.
    assert TOY_MODULE_FILE in shown.stdout.split("closure:")[1].split("\n")[0]
    # dq.stated_totals reads the new source's totals: it is downstream of its ingest asset.
    assert "staging/placements" in shown.stdout.split("upstream:")[1].split()
