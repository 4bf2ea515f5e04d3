"""The one ingest engine: a raw file -> typed rows, quarantined rows and a ledger row, in table or chunked mode."""
