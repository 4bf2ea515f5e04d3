"""What people read for a code, in Indonesian: one place for the report, the workbook and the dictionary.

These are display labels only. Reading a spreadsheet uses its own synonyms (pipeline/parse/segments.py and
the header synonyms), so rewording a label here never changes which rows are read.
"""

from __future__ import annotations

SEGMENT_LABELS = {
    "PU": "Penerima Upah",
    "BPU": "Bukan Penerima Upah",
    "JAKON": "Jasa Konstruksi",
    "PMI": "Pekerja Migran Indonesia",
    "ALL": "Semua segmen",
}
STATUS_LABELS = {
    "achieved": "Tercapai",
    "missed": "Tidak tercapai",
    "on_track": "Sesuai jalur",
    "at_risk": "Berisiko",
    "off_track": "Tertinggal",
    "not_projected": "Belum dapat diproyeksikan",
    "no_data": "Tidak ada data",
}
REGION_LEVEL_LABELS = {"national": "Nasional", "province": "Provinsi", "regency": "Kabupaten", "city": "Kota"}
METRIC_LABELS = {"coverage_pct": "Cakupan (%)", "active_participants": "Peserta aktif (orang)"}
# The denominator a coverage is divided by (marts.coverage.workforce_basis, a target's denominator, a statement's).
DENOMINATOR_LABELS = {
    "bps_employed": "Penduduk bekerja (BPS)",
    "bps_formal": "Pekerja formal (BPS)",
    "bps_informal": "Pekerja informal (BPS)",
    "potential": "Pekerja potensial (penyebut UCJ)",
    "other": "Penyebut lain",
}
PARTICIPANTS_SOURCE_LABELS = {"reported": "Dilaporkan", "rolled_up": "Dijumlahkan dari kabupaten/kota"}
PERIOD_GRAIN_LABELS = {"month": "Bulan", "year": "Tahun"}

# Every code column of the workbook and the labels of its values: the label goes in a column beside the code.
CODE_LABELS = {
    "segment": SEGMENT_LABELS,
    "status": STATUS_LABELS,
    "region_level": REGION_LEVEL_LABELS,
    "metric": METRIC_LABELS,
    "target_metric": METRIC_LABELS,
    "denominator": DENOMINATOR_LABELS,
    "workforce_basis": DENOMINATOR_LABELS,
    "bps_basis": DENOMINATOR_LABELS,
    "denominator_kind": DENOMINATOR_LABELS,
    "participants_source": PARTICIPANTS_SOURCE_LABELS,
    "period_grain": PERIOD_GRAIN_LABELS,
}

# The BPS figure a segment's coverage is divided by (README "Denominators").
SEGMENT_DENOMINATORS = {"ALL": "bps_employed", "PU": "bps_formal", "BPU": "bps_informal"}


def counted(segment: str, funding_source: str | None) -> str:
    """Who a target counts, short: a funder's target counts the workers its rosters insure, not the segment."""
    return f"Pekerja rentan dibayar {funding_source}" if funding_source else SEGMENT_LABELS[segment]


def measure(segment: str, metric: str, funding_source: str | None, region_name: str) -> str:
    """What a target's figure is, in a sentence a reader cannot take for another figure."""
    if funding_source:
        return (
            f"Pekerja rentan yang iurannya dibayar {funding_source} di {region_name} (menurut daftar pekerja rentan), "
            "bukan seluruh peserta Bukan Penerima Upah"
        )
    if metric == "coverage_pct":
        basis = DENOMINATOR_LABELS.get(SEGMENT_DENOMINATORS.get(segment, ""), "penyebutnya")
        return f"Cakupan {SEGMENT_LABELS[segment]} terhadap {basis[0].lower()}{basis[1:]}"
    return f"Peserta aktif {SEGMENT_LABELS[segment]}"
