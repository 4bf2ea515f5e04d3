"""Every file of the messy-input corpus (tests/corpus) ingests to its expected outcome."""

import pandas as pd
import pytest

from pipeline.ingest.engine import ingest_file
from pipeline.sources import SOURCES
from tests.corpus.cases import CASES, CORPUS


def test_corpus_is_large_and_varied():
    assert len(CASES) >= 30
    assert {case.path.split("/")[0] for case in CASES} == set(SOURCES)
    assert {case.status for case in CASES} == {"loaded", "partial", "failed"}


@pytest.mark.parametrize("case", CASES, ids=[case.path for case in CASES])
def test_corpus_file(case, matcher, synonyms):
    path = CORPUS / case.path
    assert path.exists(), "run: python tests/corpus/cases.py"
    result = ingest_file(path, CORPUS, SOURCES[case.path.split("/")[0]], synonyms, matcher, pii_key="corpus-test-key")
    skipped = sum(result.skipped.values())
    assert (result.status, result.rows_loaded, len(result.rejections), skipped) == (
        case.status,
        case.loaded,
        case.rejected,
        case.skipped,
    ), (result.error, result.rejections, result.skipped)
    assert result.rows_read == result.rows_loaded + len(result.rejections) + skipped
    if case.error:
        assert case.error in result.error and path.name in result.error
    assert (case.notes or "") in "; ".join(result.notes) and bool(case.notes) == bool(result.notes)
    assert len(result.totals) == case.totals
    for expected in case.rows:
        frame = result.rows
        for column, value in expected.items():
            frame = frame[frame[column] == (pd.Timestamp(value) if column in ("period", "deadline") else value)]
        assert len(frame) >= 1, f"no staged row with {expected}"
    by_row = {}
    for rejection in result.rejections:
        by_row.setdefault(rejection["row_number"], []).append(rejection)
    for expected in case.rejections:
        matches = [r for r in by_row.get(expected["row_number"], []) if r["check_name"] == expected["check_name"]]
        assert matches, f"row {expected['row_number']}: {by_row.get(expected['row_number'])}"
        assert expected.get("reason", "") in matches[0]["reason"]
        assert matches[0]["column_name"], "a rejection names the column"
