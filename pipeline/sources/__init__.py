"""The source registry: every module of this package that declares a `SOURCE` is a raw source, found by itself.

Each such module holds its contract, its conversion and its `SOURCE` (README, "Adding a raw source"). Everything
else is made from each declaration: the ingest asset, the staging tables with their comments
(pipeline/ingest/declared_tables.py), the dbt sources and the macros the dq models union (pipeline/warehouse/dbt_sources.py,
generated), and the data dictionary. Sources are ordered by name, so the order never depends on the file system.
"""

import importlib
import pkgutil

from pipeline.ingest.engine import Source


def _discover() -> dict[str, tuple[str, Source]]:
    found: dict[str, tuple[str, Source]] = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        source = getattr(module, "SOURCE", None)
        if source is None:
            continue  # a helper module (fields.py)
        if source.name in found:
            raise ValueError(f"{module.__name__} and {found[source.name][0]} both declare the source {source.name!r}")
        found[source.name] = (module.__name__, source)
    return dict(sorted(found.items()))


_FOUND = _discover()
SOURCES: dict[str, Source] = {name: source for name, (_, source) in _FOUND.items()}
# The module that declares each source: what its ingest asset's code version is read from, whatever the file is named.
SOURCE_MODULES: dict[str, str] = {name: module for name, (module, _) in _FOUND.items()}
RAW_FOLDERS = tuple(SOURCES)
