"""README's tables of raw folders and environment variables, held to what the code declares and reads: a new source,
field or variable that the README does not name fails here (they are written by hand for their nuance, so a test,
not a generator, keeps them true)."""

import re

from pipeline.settings import PROJECT_ROOT
from pipeline.sources import SOURCES

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
# Set by the pipeline for its own dbt invocations, or only by the tests: not for a person to set.
INTERNAL_VARIABLES = {"JAMSOSTEK_WORKING_DATABASE", "JAMSOSTEK_SOAK"}


def table_rows(heading: str) -> list[str]:
    section = README.split(heading, 1)[1]
    rows = re.search(r"\n(\|[^\n]*\|\n)+", section).group(0)
    return [row for row in rows.strip().splitlines()[2:]]


def test_every_raw_source_and_every_required_field_is_in_the_raw_files_table():
    rows = {re.match(r"\| `(\w+)/`", row).group(1): row for row in table_rows("## Raw files")}
    assert set(rows) == set(SOURCES)
    for name, source in SOURCES.items():
        for alternatives in source.required:
            assert all(f"`{field}`" in rows[name] for field in alternatives), (name, alternatives)


def test_every_variable_the_code_reads_is_in_the_environment_table():
    code = "\n".join(p.read_text(encoding="utf-8") for p in (PROJECT_ROOT / "pipeline").rglob("*.py"))
    read = set(re.findall(r"JAMSOSTEK_[A-Z_]+", code)) - INTERNAL_VARIABLES
    listed = {re.match(r"\| `(\w+)`", row).group(1) for row in table_rows("Environment variables:")}
    assert read <= listed, read - listed
    [raw_dir] = [row for row in table_rows("Environment variables:") if row.startswith("| `JAMSOSTEK_RAW_DIR`")]
    assert all(f"`{name}/`" in raw_dir for name in SOURCES)
