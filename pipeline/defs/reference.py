"""ref.regions: the project's region table and aliases, loaded from data/reference/."""

import dagster as dg
import pandas as pd

from pipeline.defs.metadata import code_version, table_metadata
from pipeline.defs.resources import WarehouseResource
from pipeline.defs.sources import working_database
from pipeline.parse.regions import load_aliases
from pipeline.settings import REFERENCE_DIR
from pipeline.warehouse.connection import run_sql_file

SQL_FILE = "ref/regions.sql"


@dg.asset(
    key=["ref", "regions"],
    group_name="reference",
    deps=[working_database],
    kinds={"duckdb"},
    code_version=code_version("sql/" + SQL_FILE, "data/reference"),
    description="Kemendagri 2025 provinces and kab/kota with BPS codes and matching aliases (data/reference/).",
)
def regions(warehouse: WarehouseResource) -> dg.MaterializeResult:
    regions_file = pd.read_csv(REFERENCE_DIR / "regions.csv", dtype=str, keep_default_na=False)
    aliases_file = pd.DataFrame(load_aliases(REFERENCE_DIR), columns=["alias", "region_code"])
    with warehouse.connect() as con:
        con.register("regions_file", regions_file)
        con.register("aliases_file", aliases_file)
        run_sql_file(con, SQL_FILE)
        return dg.MaterializeResult(metadata=table_metadata(con, "ref.regions"))
