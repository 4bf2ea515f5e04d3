"""A new raw source from its one declaration, end to end: what README's "Adding a raw source" says to write (a module
with its contract, conversion and SOURCE, registered; a synonyms section), and nothing else, gives a staging table
with its comments, a ledger, a quarantine, dbt sources, the dq models' union and a line in the dictionary.

The project is copied to a temporary folder and the toy source added there, as a developer would, then built with
`make run`'s own entry point.
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

TOY_MODULE = '''"""toy/: toy libraries per kab/kota and year, a source made only to test adding a source."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pipeline.ingest.tables import RowContext, TableSource
from pipeline.sources.fields import REGION_CODE, Contract, count, region, required


class ToyRows(Contract):
    """Toy libraries counted per kab/kota and year."""

    year: Series[int] = pa.Field(ge=2000, le=2100, description="Year of the count", metadata={"sql_type": "INTEGER"})
    region_code: Series[str] = pa.Field(str_matches=REGION_CODE, description="Kemendagri code of the kab/kota")
    libraries: Series[int] = pa.Field(ge=0, description="Toy libraries open that year")


def convert_toy(record: dict, context: RowContext) -> dict:
    return {
        "year": int(record["year"]),
        "region_code": region(record, context, "kabkota"),
        "libraries": int(required(record, "libraries", count(record, "libraries"), "libraries")),
    }


SOURCE = TableSource("toy", [["region_name"], ["year"], ["libraries"]], "Toy libraries per kab/kota and year.", ToyRows, convert_toy)
'''

TOY_SYNONYMS = """
[toy]
region_name = ["Kabupaten/Kota", "Kab/Kota"]
year = ["Tahun"]
libraries = ["Jumlah Perpustakaan Mainan", "Perpustakaan"]
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
    # 1. The module, registered.
    (root / "pipeline" / "sources" / "toy.py").write_text(TOY_MODULE, encoding="utf-8")
    registry = root / "pipeline" / "sources" / "__init__.py"
    text = registry.read_text(encoding="utf-8")
    text = text.replace("statements, targets, workforce\n", "statements, targets, toy, workforce\n")
    text = text.replace("statements, rentan)", "statements, rentan, toy)")
    registry.write_text(text, encoding="utf-8")
    # 2. Its synonyms section.
    with open(root / "data" / "reference" / "header_synonyms.toml", "a", encoding="utf-8") as synonyms:
        synonyms.write(TOY_SYNONYMS)
    # 3. `make generated`: its dbt sources and the raw_sources() macro, made from the registry.
    subprocess.run([sys.executable, "-m", "pipeline.warehouse.dbt_sources"], cwd=root, check=True, capture_output=True)
    raw = root / "raw" / "toy"
    raw.mkdir(parents=True)
    (raw / "perpustakaan_2024.csv").write_text(
        "Kab/Kota,Tahun,Jumlah Perpustakaan Mainan\nKota Pasuruan,2024,12\nKota Batu,2024,7\nKota Atlantis,2024,3\n",
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


def test_a_declared_source_is_staged_with_its_comments_ledger_and_quarantine(toy_project):
    root, output = toy_project
    con = duckdb.connect(str(root / "warehouse" / "jamsostek.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT region_code, libraries FROM staging.toy ORDER BY 1").fetchall() == [
            ("35.75", 12),
            ("35.79", 7),
        ]
        comments = dict(
            con.execute(
                "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = 'staging' AND table_name = 'toy'"
            ).fetchall()
        )
        assert comments["libraries"] == "Toy libraries open that year"
        assert comments["file_path"] == "Raw file the row came from"
        assert con.execute(
            "SELECT comment FROM duckdb_tables() WHERE schema_name = 'staging' AND table_name = 'toy'"
        ).fetchone() == ("Toy libraries counted per kab/kota and year.",)
        # The dq models union the new source's ledger and quarantine with no model edited.
        assert con.execute(
            "SELECT status, rows_loaded, rows_rejected FROM dq.file_ledger WHERE source = 'toy'"
        ).fetchall() == [("partial", 2, 1)]
        assert con.execute("SELECT value, check_name FROM dq.rejected_rows WHERE source = 'toy'").fetchall() == [
            ("Kota Atlantis", "region_match")
        ]
    finally:
        con.close()
    assert "toy            partial      1 files" in output


def test_a_declared_source_gets_dbt_sources_and_a_dictionary_entry(toy_project):
    root, _ = toy_project
    sources = yaml.safe_load((root / "sql" / "models" / "staging" / "_sources.yml").read_text(encoding="utf-8"))
    tables = {t["name"]: t for s in sources["sources"] for t in s["tables"]}
    assert {"toy", "toy_files", "toy_quarantine"} <= set(tables) and "toy_totals" not in tables
    assert tables["toy"]["meta"]["dagster"]["asset_key"] == ["staging", "toy"]
    assert {"name": "libraries", "description": "Toy libraries open that year", "data_type": "BIGINT"} in tables["toy"][
        "columns"
    ]
    assert "'toy'" in (root / "sql" / "macros" / "raw_sources.sql").read_text(encoding="utf-8")
    dictionary = subprocess.run(
        [sys.executable, "-c", "from pipeline.outputs.dictionary import raw_folders; print('\\n'.join(raw_folders()))"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "| `toy/` | Toy libraries per kab/kota and year." in dictionary
    assert "| `libraries` | BIGINT | Toy libraries open that year |" in dictionary
