import datetime as dt

import pytest

from pipeline.parse.periods import PeriodError, find_period, parse_period


@pytest.mark.parametrize(
    ("value", "year", "expected"),
    [
        ("2021-09", None, dt.date(2021, 9, 1)),
        ("2021-09-30", None, dt.date(2021, 9, 1)),
        ("September 2021", None, dt.date(2021, 9, 1)),
        ("Agustus 2024", None, dt.date(2024, 8, 1)),
        ("Agt 2024", None, dt.date(2024, 8, 1)),
        ("Agu-2024", None, dt.date(2024, 8, 1)),
        ("Des 2022", None, dt.date(2022, 12, 1)),
        ("09/2021", None, dt.date(2021, 9, 1)),
        ("September", 2021, dt.date(2021, 9, 1)),
        ("Mei", "2023", dt.date(2023, 5, 1)),
        (9, 2021, dt.date(2021, 9, 1)),
        (dt.datetime(2021, 9, 17, 10, 0), None, dt.date(2021, 9, 1)),
        (dt.date(2024, 12, 31), None, dt.date(2024, 12, 1)),
    ],
)
def test_parses_months(value, year, expected):
    assert parse_period(value, year) == expected


def test_finds_the_period_in_titles_and_file_names():
    assert find_period("Periode: September 2021") == dt.date(2021, 9, 1)
    assert find_period("Posisi Agustus 2024") == dt.date(2024, 8, 1)
    assert find_period("2021-09_kepesertaan_jatim") == dt.date(2021, 9, 1)
    assert find_period("Laporan Kepesertaan Kanwil Jawa Timur") is None


@pytest.mark.parametrize(("value", "words"), [("September", "no year"), ("", "empty"), ("Q3 2021", "not a month"), ("13/2021", "not a month")])
def test_rejects_non_months(value, words):
    with pytest.raises(PeriodError, match=words):
        parse_period(value)
