"""Participation segments and how spreadsheets name them (for reading; what people read is pipeline/outputs/labels.py)."""

from __future__ import annotations

from pipeline.parse.text import header_key

SEGMENTS = ("PU", "BPU", "JAKON", "PMI")
# The official names a file may write a segment in: synonyms for reading, never reworded for display.
OFFICIAL_NAMES = {
    "PU": "Penerima Upah",
    "BPU": "Bukan Penerima Upah",
    "JAKON": "Jasa Konstruksi",
    "PMI": "Pekerja Migran Indonesia",
}
_BY_KEY = {header_key(code): code for code in SEGMENTS} | {
    header_key(label): code for code, label in OFFICIAL_NAMES.items()
}
_BY_KEY |= {header_key(f"{label} ({code})"): code for code, label in OFFICIAL_NAMES.items()}
_BY_KEY |= {header_key(f"{code} ({label})"): code for code, label in OFFICIAL_NAMES.items()}
_BY_KEY |= {"pekerjamigran": "PMI", "konstruksi": "JAKON", "jasakonstruksijakon": "JAKON"}


class SegmentError(ValueError):
    pass


def parse_segment(value: object, *, allow_all: bool = False) -> str:
    """'Penerima Upah' -> 'PU', 'Jakon' -> 'JAKON'; 'ALL' only where allowed (targets)."""
    key = header_key(value if value is not None else "")
    if allow_all and key in ("all", "semua", "total", "seluruh", "semuasegmen"):
        return "ALL"
    if key in _BY_KEY:
        return _BY_KEY[key]
    allowed = ", ".join(SEGMENTS) + (", ALL" if allow_all else "")
    raise SegmentError(f"{value!r} is not a segment; use one of {allowed} (or their full names)")
