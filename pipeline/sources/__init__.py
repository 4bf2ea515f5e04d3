"""The source registry: one module per raw folder, each holding its contract, its conversion and its `SOURCE`.

The ingest assets, the dbt dq models (through the `raw_sources` var) and the data dictionary all read `SOURCES`.
A new source is a new module here, a section in data/reference/header_synonyms.toml and sql/staging/<name>.sql.
"""

from pipeline.ingest.engine import Source
from pipeline.sources import participation, potential, rentan, statements, targets, workforce

SOURCES: dict[str, Source] = {s.name: s for s in (m.SOURCE for m in (participation, workforce, targets, potential, statements, rentan))}
RAW_FOLDERS = tuple(SOURCES)
