"""Build dbt models of sql/ on a hand-made DuckDB database, without dbt: for fast SQL unit tests.

ref('coverage') becomes the table of that model (marts.coverage, from the folder the model lives in),
source('staging', 'rentan') becomes staging.rentan and var() reads dbt_project.yml; the rest is plain Jinja.
"""

from pathlib import Path

import duckdb
import jinja2
import yaml

from pipeline.settings import SQL_DIR

MODELS = {p.stem: p for p in (SQL_DIR / "models").rglob("*.sql")}
VARIABLES = yaml.safe_load((SQL_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


def table_of(model: str) -> str:
    return f"{MODELS[model].parent.name}.{model}"


def render(model: str) -> str:
    template = jinja2.Environment().from_string(MODELS[model].read_text(encoding="utf-8"))
    return template.render(
        ref=table_of, source=lambda schema, table: f"{schema}.{table}", var=lambda name: VARIABLES[name], config=lambda **_: ""
    )


def build_models(con: duckdb.DuckDBPyConnection, *models: str) -> None:
    for model in models:
        schema = MODELS[model].parent.name
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        con.execute(f"CREATE OR REPLACE TABLE {table_of(model)} AS {render(model)}")


def model_path(model: str) -> Path:
    return MODELS[model]
