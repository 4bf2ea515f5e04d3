import pytest

from pipeline.parse.denominators import classify_denominator


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("BPS penduduk bekerja", "bps_employed"),
        ("bps_employed", "bps_employed"),
        ("penduduk yang bekerja menurut BPS", "bps_employed"),
        ("angkatan kerja di luar ASN, TNI, Polri", "potential"),  # eligible workers: employed less civil servants
        ("Potensi", "potential"),
        ("pekerja rentan (RPJMD)", "potential"),
        ("angkatan kerja", "other"),  # the labour force counts the unemployed too
        ("jumlah warga dewasa", "other"),  # words that name no known basis: kept as said, checked as 'other'
    ],
)
def test_a_denominator_described_in_words_gets_its_kind(words, kind):
    assert classify_denominator(words) == kind
