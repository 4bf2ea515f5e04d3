"""The dbt project in sql/: one registry of raw sources, every model documented in its yml, nothing undeclared."""

import json

from pipeline.settings import SQL_DIR
from pipeline.sources import RAW_FOLDERS
from pipeline.warehouse.dbt import ensure_manifest


def manifest() -> dict:
    return json.loads(ensure_manifest().read_text(encoding="utf-8"))


def test_the_dq_unions_read_every_source_of_the_registry():
    sources = {n["name"] for n in manifest()["sources"].values()}
    assert {f"{s}{suffix}" for s in RAW_FOLDERS for suffix in ("", "_files", "_quarantine")} <= sources
    nodes = manifest()["nodes"]
    for model, suffix in (("file_ledger", "_files"), ("rejected_rows", "_quarantine")):
        [node] = [n for n in nodes.values() if n["name"] == model and n["resource_type"] == "model"]
        read = {d.rsplit(".", 1)[-1] for d in node["depends_on"]["nodes"] if d.startswith("source.")}
        assert read == {f"{s}{suffix}" for s in RAW_FOLDERS}, model


def test_every_model_and_column_an_analyst_sees_is_described_in_its_yml(demo):
    con, _ = demo
    for node in manifest()["nodes"].values():
        if node["resource_type"] != "model":
            continue
        assert node["description"], node["name"]
        built = {
            c
            for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ?",
                [node["config"]["schema"], node["name"]],
            ).fetchall()
        }
        documented = {name for name, column in node["columns"].items() if column["description"]}
        assert built and built == documented, (node["name"], built ^ documented)


def test_a_model_is_one_sql_file_beside_its_folder_yml():
    for node in manifest()["nodes"].values():
        if node["resource_type"] == "model":
            folder = SQL_DIR / "models" / node["config"]["schema"]
            assert (folder / f"{node['name']}.sql").exists() and (folder / f"_{node['config']['schema']}.yml").exists()


def test_a_failed_dbt_check_carries_its_failing_rows(tmp_path):
    """dagster-dbt reports only how many rows failed; the UI also shows which (the first 20), read after dbt is done."""
    import dagster as dg

    from pipeline.defs.models import with_failing_rows
    from pipeline.defs.resources import WarehouseResource

    target = tmp_path / "target"
    (target / "compiled" / "jamsostek" / "tests").mkdir(parents=True)
    (target / "compiled" / "jamsostek" / "tests" / "statements_hold_up.sql").write_text(
        "SELECT 'BALI' AS statement_id, 2 AS problem_count"
    )
    failed = dg.AssetCheckResult(
        asset_key=dg.AssetKey(["marts", "statement_checks"]),
        check_name="statements_hold_up",
        passed=False,
        metadata={"unique_id": "test.jamsostek.statements_hold_up", "dagster_dbt/failed_row_count": 1},
    )
    passed = dg.AssetCheckResult(
        asset_key=dg.AssetKey(["marts", "coverage"]), check_name="unique_key", passed=True, metadata={"unique_id": "x"}
    )
    warehouse = WarehouseResource(raw_dir=str(tmp_path / "raw"), warehouse_dir=str(tmp_path / "warehouse"))
    out = list(with_failing_rows(iter([failed, passed]), warehouse, target))
    assert (
        out[0] is passed and out[1].check_name == "statements_hold_up"
    )  # the failed one after dbt released the database
    examples = out[1].metadata["examples"].value
    assert "statement_id" in examples and "BALI" in examples


def test_the_generated_dbt_sources_are_current():
    """sql/models/staging/_sources.yml and sql/macros/raw_sources.sql are made from the source registry."""
    from pipeline.warehouse.dbt_sources import generated_files

    for path, text in generated_files().items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.name} is out of date: run `make run` (or `make docs`), which writes it again"
        )


def test_dagster_dbt_is_told_the_dbt_version_and_never_runs_dbt_version(monkeypatch):
    """`dbt --version` asks pypi.org for dbt's latest release; dagster-dbt runs it before every invocation unless told."""
    import importlib.metadata

    import dagster_dbt.core.resource

    from pipeline.defs.models import LocalDbtCliResource, dbt_resource
    from pipeline.warehouse.dbt import dbt_executable

    def refused(*args, **kwargs):
        raise AssertionError(f"ran {args}: dbt --version reaches the network")

    monkeypatch.setattr(dagster_dbt.core.resource, "check_output", refused)
    resource = LocalDbtCliResource(
        project_dir=dbt_resource.project_dir, profiles_dir=dbt_resource.profiles_dir, dbt_executable=dbt_executable()
    )
    assert str(resource._cli_version) == importlib.metadata.version("dbt-core")
    assert resource._cli_version.major == 1  # dagster-dbt's test for dbt-core (2 is the Fusion engine)
