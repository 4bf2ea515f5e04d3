"""Build dbt models of sql/ on a hand-made DuckDB database, without dbt: for fast SQL unit tests.

ref('coverage') becomes the table of that model (marts.coverage, from the folder the model lives in),
source('staging', 'rentan') becomes staging.rentan and env_var() reads the variables the pipeline gives dbt;
the rest is plain Jinja.
"""

from pathlib import Path

import duckdb
import jinja2
import yaml

from pipeline.settings import SQL_DIR
from pipeline.warehouse.dbt import DBT_ENVIRONMENT

MODELS = {p.stem: p for p in (SQL_DIR / "models").rglob("*.sql")}
SEEDS = {p.stem: p for p in (SQL_DIR / "seeds").glob("*.csv")}
# The project's own macros (generic tests, which use dbt's {% test %} tag, aside).
MACROS = "".join(
    p.read_text(encoding="utf-8")
    for p in sorted((SQL_DIR / "macros").glob("*.sql"))
    if "{% test" not in p.read_text(encoding="utf-8")
)


def table_of(model: str) -> str:
    return f"ref.{model}" if model in SEEDS else f"{MODELS[model].parent.name}.{model}"


def render(model: str) -> str:
    template = jinja2.Environment().from_string(MACROS + MODELS[model].read_text(encoding="utf-8"))
    return template.render(
        ref=table_of,
        source=lambda schema, table: f"{schema}.{table}",
        env_var=lambda name: DBT_ENVIRONMENT[name],
        config=lambda **_: "",
    )


def load_seeds(con: duckdb.DuckDBPyConnection) -> None:
    """The seed csv files, as dbt seed would load them, into ref."""
    con.execute("CREATE SCHEMA IF NOT EXISTS ref")
    declared = {
        s["name"]: s["config"]["column_types"]
        for s in yaml.safe_load((SQL_DIR / "seeds" / "_seeds.yml").read_text(encoding="utf-8"))["seeds"]
    }
    for name, path in SEEDS.items():
        types = ", ".join(f"'{column}': '{kind}'" for column, kind in declared[name].items())
        con.execute(
            f"CREATE OR REPLACE TABLE ref.{name} AS SELECT * FROM read_csv('{path}', header = true, types = {{{types}}})"
        )


def build_models(con: duckdb.DuckDBPyConnection, *models: str) -> None:
    for model in models:
        schema = MODELS[model].parent.name
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        con.execute(f"CREATE OR REPLACE TABLE {table_of(model)} AS {render(model)}")


def model_path(model: str) -> Path:
    return MODELS[model]
