"""docs/warehouse.md is generated from COMMENT ON metadata, and stays in step with the warehouse."""

from pipeline.outputs.dictionary import DOCUMENT, EXAMPLE_QUERIES, render, undocumented


def test_every_analyst_column_has_a_comment(demo):
    con, _ = demo
    assert undocumented(con) == []


def test_the_committed_dictionary_is_up_to_date(demo):
    con, _ = demo
    assert DOCUMENT.read_text(encoding="utf-8") == render(con), "docs/warehouse.md is out of date: run `make docs`"


def test_example_queries_run(demo):
    con, _ = demo
    for title, sql in EXAMPLE_QUERIES:
        # Every example the dictionary shows runs and, on the demo, returns something to look at.
        assert con.execute(sql).fetchall(), title
