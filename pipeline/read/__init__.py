"""Reading raw files: the safety guards, cell grids (files), the one header matcher (headers), row kinds (layouts),
and rosters streamed in chunks (chunks)."""
