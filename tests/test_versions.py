"""What marks an asset stale: each version covers what the asset runs and reads, and no more."""

import tomllib

from pipeline.defs.ingest import ingest_version
from pipeline.defs.metadata import python_closure
from pipeline.settings import HEADER_SYNONYMS, PROJECT_ROOT
from pipeline.sources import SOURCES


def test_a_package_closure_holds_every_module_of_the_package():
    # analyst_warehouse once hashed only pipeline/warehouse/__init__.py, so an edit to publish.py never made it stale.
    closure = {p.relative_to(PROJECT_ROOT).as_posix() for p in python_closure("pipeline.warehouse")}
    assert {
        "pipeline/warehouse/publish.py",
        "pipeline/warehouse/sync.py",
        "pipeline/warehouse/connection.py",
    } <= closure


def test_a_module_closure_follows_imports_but_not_the_whole_project():
    closure = {p.relative_to(PROJECT_ROOT).as_posix() for p in python_closure("pipeline.sources.participation")}
    assert "pipeline/parse/numbers.py" in closure  # imported through pipeline.sources.fields
    assert not {"pipeline/definitions.py", "pipeline/sources/rentan.py", "pipeline/outputs/report.py"} & closure


def test_a_staging_version_covers_its_own_synonyms_and_keeps_the_aliases_apart(monkeypatch, tmp_path):
    before = {name: ingest_version(source) for name, source in SOURCES.items()}
    changed = tmp_path / "header_synonyms.toml"
    changed.write_text(
        HEADER_SYNONYMS.read_text(encoding="utf-8").replace('employed = ["', 'employed = ["Jumlah Pekerja", "')
    )
    assert "Jumlah Pekerja" in tomllib.loads(changed.read_text())["workforce"]["employed"]
    monkeypatch.setattr("pipeline.defs.ingest.HEADER_SYNONYMS", changed)
    after = {name: ingest_version(source) for name, source in SOURCES.items()}
    assert after["workforce"].reader != before["workforce"].reader
    assert all(after[name] == before[name] for name in SOURCES if name != "workforce")  # a roster is not read again
    # A new alias changes only the aliases part, which reads again only the files it can change (tests/test_sync.py).
    assert all(v.aliases == before["participation"].aliases for v in before.values())
