"""The DuckDB warehouse: the connection, the per-source staging tables, publishing the analyst file, and dbt."""
