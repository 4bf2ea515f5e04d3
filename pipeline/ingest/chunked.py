"""Chunked mode: a file of millions of rows (a roster), read CHUNK_ROWS at a time and checked inside DuckDB.

Each chunk (an Arrow table of text columns) is checked by the source's own SQL and inserted into its staging tables
in the same connection, the warehouse's, inside the sync's transaction: no row comes back through Python, and memory
holds one chunk, never the file. Blank rows are dropped while reading: rows read = loaded + rejected.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import pandas as pd
import pyarrow
import pyarrow.compute

from pipeline.ingest.columns import TOTAL_COLUMNS, contract_violations_sql
from pipeline.ingest.declared_tables import prepare_staging
from pipeline.ingest.engine import Batch, FileResult, ReadContext, Source, Staged
from pipeline.read.chunks import Chunk, ChunkedTable, read_chunks
from pipeline.settings import duckdb_memory

EMPTY_TOTALS = pd.DataFrame(columns=TOTAL_COLUMNS)


@dataclass
class ChunkedSource(Source):
    # What every chunk of one file is checked against, made once per file (context.con is the connection to stage in).
    prepare: Callable[[ReadContext], object]
    # (chunk, prepared, file_path, sha256) -> (rows staged, rows quarantined): checks the chunk and inserts its rows
    # into staging.<name> and staging.<name>_quarantine of the prepared connection.
    stage: Callable[[Chunk, object, str, str], tuple[int, int]]
    never_read: frozenset[str] = frozenset()  # fields dropped as soon as the header is read (a roster's names)
    numbers: frozenset[str] = frozenset()  # fields whose number cells are kept as numbers too (a NIK)

    @property
    def table(self) -> ChunkedTable:
        return ChunkedTable(self.name, self.required, self.never_read, self.numbers)

    def read(self, path: Path, context: ReadContext, result: FileResult) -> Iterator[Batch | Staged]:
        if context.con is None:  # outside a sync: staged in a scratch database, and handed back as rows
            yield from self._read_into_scratch(path, context, result)
            return
        prepared = self.prepare(context)
        for chunk in read_chunks(path, self.table, context.synonyms, result.notes):
            staged, quarantined = self.stage(chunk, prepared, result.file_path, result.sha256)
            self._check_contract(context.con, path, result.file_path, chunk)
            result.rows_read += len(chunk.cells)
            yield Staged(staged, quarantined)

    def _check_contract(self, con, path: Path, file_path: str, chunk: Chunk) -> None:
        """The contract's declared checks, in SQL, over the rows this chunk staged: the SQL checks that staged them must
        have let nothing through that the contract refuses; if they did, the file fails rather than publish it."""
        violations = contract_violations_sql(self.schema)
        rows = chunk.cells.column("row_number")
        counts = con.execute(
            f"SELECT {', '.join(f'count_if({condition})' for _, condition in violations)} FROM staging.{self.name} "
            "WHERE file_path = ? AND row_number BETWEEN ? AND ?",
            [file_path, pyarrow.compute.min(rows).as_py(), pyarrow.compute.max(rows).as_py()],
        ).fetchall()[0]  # fetched to the end: a half-read result would hold the connection
        broken = [f"{what}: {count:,} rows" for (what, _), count in zip(violations, counts) if count]
        if broken:
            raise RuntimeError(f"{path}: staged rows break the {self.name} contract ({'; '.join(broken)})")

    def _read_into_scratch(self, path: Path, context: ReadContext, result: FileResult) -> Iterator[Batch]:
        with duckdb.connect(config={"memory_limit": duckdb_memory()}) as scratch:
            prepare_staging(scratch, self, full_reload=False)
            for staged in self.read(path, dataclasses.replace(context, con=scratch), result):
                rows = scratch.sql(f"SELECT * FROM staging.{self.name}").to_arrow_table()
                rejections = scratch.sql(f"SELECT * FROM staging.{self.name}_quarantine").to_arrow_table()
                scratch.execute(f"DELETE FROM staging.{self.name}; DELETE FROM staging.{self.name}_quarantine")
                if (len(rows), len(rejections)) != (staged.rows, staged.rejections):  # kept under python -O too
                    raise RuntimeError(
                        f"{path}: the scratch staging holds {len(rows)} rows and {len(rejections)} rejections, "
                        f"the reader said {staged.rows} and {staged.rejections}"
                    )
                yield Batch(rows, rejections, EMPTY_TOTALS)
