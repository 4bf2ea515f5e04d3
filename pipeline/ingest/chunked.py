"""Chunked mode: a file of millions of rows (a roster), read CHUNK_ROWS at a time and converted column-wise.

Each chunk is converted by the source's own function into (staged rows, quarantined rows) and handed on at once,
so memory holds one chunk, never the file. Blank rows are dropped while reading: rows read = loaded + rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd
import pandera.pandas as pa

from pipeline.ingest.columns import TOTAL_COLUMNS
from pipeline.ingest.engine import Batch, FileResult, ReadContext, Source
from pipeline.read.chunks import Chunk, ChunkedTable, read_chunks

EMPTY_TOTALS = pd.DataFrame(columns=TOTAL_COLUMNS)


@dataclass
class ChunkedSource(Source):
    name: str
    required: list[list[str]]
    description: str
    schema: type[pa.DataFrameModel]
    prepare: Callable[[ReadContext], object]  # what every chunk of one file is checked against, made once per file
    # (chunk, prepared, file_path, sha256) -> (staged rows with provenance, quarantined rows)
    convert: Callable[[Chunk, object, str, str], tuple[object, object]]
    never_read: frozenset[str] = frozenset()  # fields dropped as soon as the header is read (a roster's names)
    holds_nik: bool = False

    @property
    def table(self) -> ChunkedTable:
        return ChunkedTable(self.name, self.required, self.never_read)

    def read(self, path: Path, context: ReadContext, result: FileResult) -> Iterator[Batch]:
        prepared = self.prepare(context)
        for chunk in read_chunks(path, self.table, context.synonyms, result.notes):
            staged, quarantine = self.convert(chunk, prepared, result.file_path, result.sha256)
            result.rows_read += len(chunk.cells)
            yield Batch(staged, quarantine, EMPTY_TOTALS)
