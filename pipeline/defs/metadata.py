"""Asset metadata from the warehouse itself: row count, column descriptions (COMMENT ON) and a preview."""

import ast
import functools
import hashlib
from pathlib import Path

import dagster as dg
import duckdb

from pipeline.settings import PROJECT_ROOT
from pipeline.warehouse.connection import describe


def table_metadata(con: duckdb.DuckDBPyConnection, table: str) -> dict:
    described = describe(con, table)
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn(name, str(data_type), description=comment)
            for name, data_type, comment in described["columns"]
        ]
    )
    return {
        "dagster/row_count": described["row_count"],
        "dagster/column_schema": schema,
        "dagster/table_name": table,
        "preview": dg.MetadataValue.md(described["preview"].to_markdown(index=False)),
    }


def python_closure(*modules: str) -> list[Path]:
    """The files of these pipeline modules and of every pipeline module they import, however indirectly.

    A Python asset's code version hashes what it runs; reading the imports keeps that list from going stale when a
    helper starts importing another one (the report once imported segments.py unnoticed).
    """
    seen: dict[str, Path] = {}
    pending = list(modules)
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        path = PROJECT_ROOT / (module.replace(".", "/") + ".py")
        if not path.exists():
            path = path.with_suffix("") / "__init__.py"
            if module in modules:  # a package asked for stands for all its modules (pipeline.warehouse: publish.py)
                pending += [f"{module}.{p.stem}" for p in path.parent.glob("*.py") if p.stem != "__init__"]
        if not path.exists() and module in modules:
            raise ValueError(f"{module}: no such pipeline module, so no code version could be read from it")
        if not path.exists():
            continue  # `from pipeline import x` where x is a name, not a module
        seen[module] = path
        pending += _pipeline_imports(path)
    return sorted(seen.values())


@functools.cache
def _pipeline_imports(path: Path) -> tuple[str, ...]:
    """The pipeline modules (and possible submodules) one file imports: parsed once per process, not once for each of
    the assets whose closure reaches it (#37)."""
    imports: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imports += [a.name for a in node.names if a.name.startswith("pipeline.")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "pipeline":
            imports += [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
    return tuple(imports)


def code_version(*paths: Path | str, text: str = "") -> str:
    """A version that changes when any of these files (SQL, Python, reference data), or `text`, changes."""
    digest = hashlib.sha256(text.encode())
    for path in paths:
        path = Path(path) if Path(path).is_absolute() else PROJECT_ROOT / path
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(file.relative_to(PROJECT_ROOT).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]
