from pathlib import Path

import pytest

from pipeline.readers import HeaderSynonyms
from pipeline.regions import RegionMatcher
from pipeline.settings import HEADER_SYNONYMS, REFERENCE_DIR

SHARED_REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"


@pytest.fixture(scope="session")
def matcher() -> RegionMatcher:
    return RegionMatcher.from_reference(REFERENCE_DIR)


@pytest.fixture(scope="session")
def synonyms() -> HeaderSynonyms:
    return HeaderSynonyms.from_file(HEADER_SYNONYMS)
