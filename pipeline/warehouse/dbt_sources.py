"""The dbt side of the source registry, generated: sql/models/staging/_sources.yml, sql/macros/raw_sources.sql and
the doc blocks of the columns every source shares (sql/models/staging/_shared_columns.md).

Both are made from the sources' declarations (pipeline/sources, pipeline/ingest/columns.py) and written again
whenever they differ, before dbt parses the project (pipeline/warehouse/dbt.py); tests/test_dbt_project.py fails if
the committed copies are not current. They are never edited by hand.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from pipeline.ingest.columns import LEDGER, REJECTION, TOTAL, total_dimensions
from pipeline.ingest.declared_tables import staging_tables
from pipeline.settings import SQL_DIR
from pipeline.sources import SOURCES

SOURCES_YML = SQL_DIR / "models" / "staging" / "_sources.yml"
RAW_SOURCES_MACRO = SQL_DIR / "macros" / "raw_sources.sql"
SHARED_COLUMN_DOCS = SQL_DIR / "models" / "staging" / "_shared_columns.md"
# The columns every source's ledger, quarantine and totals share, as dbt doc blocks named <prefix>_<column>: the dq
# models that union them (sql/models/dq/_dq.yml) describe those columns with '{{ doc("ledger_status") }}'.
SHARED_COLUMNS = {"ledger": LEDGER, "rejection": REJECTION, "total": TOTAL}
GENERATED = "Generated from the source registry by pipeline/warehouse/dbt_sources.py: do not edit."

COMPANIONS = {
    "": "rows that passed ingest",
    "_files": "ledger rows, one per file",
    "_quarantine": "rejected rows",
    "_totals": "totals rows kept as cross-checks",
}

# ref.regions is written by the Python asset ref/regions from sql/ref/regions.sql.
REF_SOURCE = {
    "name": "ref",
    "schema": "ref",
    "description": "Reference tables loaded from data/reference/ by the Python asset ref/regions.",
    "tables": [
        {
            "name": "regions",
            "description": "Kemendagri 2025 provinces and kab/kota with BPS codes and aliases (sql/ref/regions.sql).",
            "meta": {"dagster": {"asset_key": ["ref", "regions"]}},
        }
    ],
}


def sources_yml() -> str:
    tables = []
    for name, source in SOURCES.items():
        for suffix, table in zip(COMPANIONS, staging_tables(source)):
            if suffix == "_totals" and getattr(source, "total_value", None) is None:
                continue  # a source that states no totals: no model reads its (empty) totals table
            tables.append(
                {
                    "name": name + suffix,
                    "description": f"{name}: {COMPANIONS[suffix]}; written by the Python ingest asset staging/{name}. {table.description}",
                    "meta": {"dagster": {"asset_key": ["staging", name]}},
                    "columns": [
                        {"name": c.name, "description": c.description, "data_type": c.sql_type} for c in table.columns
                    ],
                }
            )
    staging = {
        "name": "staging",
        "schema": "staging",
        "description": "Typed rows of the raw files with provenance, written by the Python ingest assets (one per raw folder) with their "
        "ledger, quarantine and totals companions, as each source declares them (pipeline/sources).",
        "tables": tables,
    }
    body = yaml.safe_dump(
        {"version": 2, "sources": [staging, REF_SOURCE]}, sort_keys=False, allow_unicode=True, width=120
    )
    return f"# {GENERATED}\n{body}"


def totals_sources() -> list[dict]:
    """Every source that declares what its totals rows state: its name, that field, and the dimensions its totals are
    compared for (dq.stated_totals)."""
    return [
        {"name": name, "value": source.total_value, "dimensions": total_dimensions(source.schema)}
        for name, source in SOURCES.items()
        if getattr(source, "total_value", None) is not None
    ]


def raw_sources_macro() -> str:
    names = ", ".join(f"'{name}'" for name in SOURCES)
    return (
        f"{{# {GENERATED} #}}\n"
        "{# The raw sources of the registry: dq.file_ledger and dq.rejected_rows union their staging tables. #}\n"
        f"{{% macro raw_sources() %}}{{{{ return([{names}]) }}}}{{% endmacro %}}\n"
        "{# The sources whose totals rows dq.stated_totals compares with their loaded rows. #}\n"
        f"{{% macro totals_sources() %}}{{{{ return({totals_sources()!r}) }}}}{{% endmacro %}}\n"
    )


def shared_column_docs() -> str:
    blocks = [
        f"{{% docs {prefix}_{column.name} %}}{column.description}{{% enddocs %}}"
        for prefix, columns in SHARED_COLUMNS.items()
        for column in columns
    ]
    return f"<!-- {GENERATED} (pipeline/ingest/columns.py) -->\n" + "\n".join(blocks) + "\n"


def generated_files() -> dict[Path, str]:
    return {
        SOURCES_YML: sources_yml(),
        RAW_SOURCES_MACRO: raw_sources_macro(),
        SHARED_COLUMN_DOCS: shared_column_docs(),
    }


def outdated() -> list[Path]:
    """The generated files that differ from what the registry makes (`make generated` writes them)."""
    return [
        path
        for path, text in generated_files().items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]


@functools.cache  # the registry does not change within a process: checked once, however often dbt is called
def check_generated() -> None:
    """Refuse to run dbt on sources that no longer match the registry. Nothing is written at run time: an office
    checkout is read-only, so the files are made by `make generated` and committed (a test holds them current)."""
    if stale := outdated():
        raise RuntimeError(
            f"{', '.join(str(p) for p in stale)} do not match the source registry (pipeline/sources): run `make generated`"
        )


def write_generated() -> list[Path]:
    """Write the generated files that differ from what they should be; the ones written."""
    written = outdated()
    for path in written:
        path.write_text(generated_files()[path], encoding="utf-8")
    return written


if __name__ == "__main__":
    for path in write_generated():
        print(f"wrote {path}")
