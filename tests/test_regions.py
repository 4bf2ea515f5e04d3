import pytest

from pipeline.parse.regions import RegionMatchError, split_level


def test_dotted_kemendagri_codes(matcher):
    assert matcher.match(code="35.75") == "35.75"
    assert matcher.match(code="35") == "35"


def test_bps_codes_go_through_the_crosswalk_not_the_digits(matcher):
    assert matcher.match(code="1672") == "16.74"  # Prabumulih
    assert matcher.match(code="1608") == "16.09"  # OKU Selatan
    assert matcher.match(code="1674") == "16.73"  # Lubuklinggau: BPS 1674 is not Kemendagri 16.74
    assert matcher.match(code="3575") == "35.75"
    assert matcher.match(code=9401.0) == "93.01"  # Merauke, moved to Papua Selatan in the split


def test_excel_float_codes_keep_their_second_decimal(matcher):
    assert matcher.match(code=11.1) == "11.10"
    assert matcher.match(code=35.75) == "35.75"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Kota Pasuruan", "35.75"),
        ("PASURUAN KOTA", "35.75"),
        ("Kab. Pasuruan", "35.14"),
        ("KAB PASURUAN", "35.14"),
        ("Kabupaten  Pasuruan ", "35.14"),
        ("Lubuklinggau", "16.73"),
        ("Lubuk Linggau", "16.73"),
        ("Kota Lubuk Linggau", "16.73"),
        ("Banyu Asin", "16.07"),
        ("Fakfak", "92.03"),
        ("Kota Adm. Jakarta Pusat", "31.71"),
        ("Jember", "35.09"),
        ("Toba Samosir", "12.12"),  # the BPS 2018 name of Kabupaten Toba
    ],
)
def test_name_variants(matcher, name, expected):
    assert matcher.match(name=name, level="kabkota") == expected


def test_province_names_and_aliases(matcher):
    assert matcher.match(province="Jawa Timur") == "35"
    assert matcher.match(province="DKI Jakarta") == "31"
    assert matcher.match(province="Sumsel") == "16"


def test_shared_names_are_never_guessed(matcher):
    with pytest.raises(RegionMatchError) as error:
        matcher.match(name="Pasuruan", level="kabkota")
    assert "'Kabupaten Pasuruan' (35.14)" in str(error.value) and "'Kota Pasuruan' (35.75)" in str(error.value)


def test_province_narrows_a_name(matcher):
    assert matcher.match(name="Kota Banjar", level="kabkota") == "32.79"
    assert matcher.match(name="Banjar", province="Kalimantan Selatan", level="kabkota") == "63.03"


def test_unknown_names_get_suggestions(matcher):
    with pytest.raises(RegionMatchError, match="did you mean 'Kabupaten Lumajang'"):
        matcher.match(name="Kab. Lumajangg", level="kabkota")


def test_code_and_name_must_agree(matcher):
    assert matcher.match(code="3575", name="PASURUAN") == "35.75"
    with pytest.raises(RegionMatchError, match="Kota Prabumulih"):
        matcher.match(code="16.74", name="Lubuklinggau")


@pytest.mark.parametrize("code", ["35.99", "9999", "3", "ID", "35-75"])
def test_bad_codes(matcher, code):
    with pytest.raises(RegionMatchError):
        matcher.match(code=code)


def test_aliases_used_are_tracked(matcher):
    matcher.match(province="Jatim")
    assert "Jatim" in matcher.aliases_used  # what dq.file_ledger.aliases_used and the every_alias_used check read


def test_split_level():
    assert split_level("Kab. Pasuruan") == ("PASURUAN", "regency")
    assert split_level("PASURUAN KOTA") == ("PASURUAN", "city")
    assert split_level("Kotawaringin Barat") == ("KOTAWARINGIN BARAT", None)
