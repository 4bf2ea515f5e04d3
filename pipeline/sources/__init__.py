"""The source registry: one module per raw folder, each holding its contract, its conversion and its `SOURCE`.

Everything else is made from each module's declaration: the ingest asset, the staging tables with their comments
(pipeline/warehouse/staging.py), the dbt sources and the raw_sources() macro the dq models union
(pipeline/warehouse/dbt_sources.py, generated), and the data dictionary. A new source is a new module here and a
section in data/reference/header_synonyms.toml (README, "Adding a raw source").
"""

from pipeline.ingest.engine import Source
from pipeline.sources import participation, potential, rentan, statements, targets, workforce

SOURCES: dict[str, Source] = {
    s.name: s for s in (m.SOURCE for m in (participation, workforce, targets, potential, statements, rentan))
}
RAW_FOLDERS = tuple(SOURCES)
