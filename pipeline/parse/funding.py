"""Who pays a vulnerable worker's contribution, as a roster's "Sumber Dana" cell says it: 'DBHCHT Kota Pasuruan'."""

from __future__ import annotations

FUNDING_SOURCES = ("APBD", "DBHCHT", "CSR")
FUNDING_PROBLEM = "Sumber Dana must start with APBD, DBHCHT or CSR (e.g. 'DBHCHT Kota Pasuruan')"


def parse_funding(cell: object) -> tuple[str, str, str | None, str | None]:
    """'DBHCHT Kota Pasuruan' -> (text, 'DBHCHT', 'Kota Pasuruan', problem or None)."""
    text = str(cell).strip()
    words = text.split(maxsplit=1)
    source = words[0].upper() if words else ""
    return text, source, words[1] if len(words) > 1 else None, None if source in FUNDING_SOURCES else FUNDING_PROBLEM
