import datetime as dt

import pytest

from pipeline.parse.periods import PeriodError, find_period, parse_as_of, parse_deadline, parse_period


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


@pytest.mark.parametrize(
    ("value", "words"),
    [("September", "no year"), ("", "empty"), ("Q3 2021", "not a month"), ("13/2021", "not a month")],
)
def test_rejects_non_months(value, words):
    with pytest.raises(PeriodError, match=words):
        parse_period(value)


@pytest.mark.parametrize(
    ("value", "period", "grain", "stated_on"),
    [
        ("Tahun 2023", "2023-01-01", "year", "2023-12-31"),
        ("2023", "2023-01-01", "year", "2023-12-31"),
        (2023, "2023-01-01", "year", "2023-12-31"),
        ("31 Maret 2025", "2025-03-01", "month", "2025-03-31"),
        ("Maret 2025", "2025-03-01", "month", "2025-03-01"),
        ("2025-03-31", "2025-03-01", "month", "2025-03-31"),
        (dt.datetime(2025, 3, 31), "2025-03-01", "month", "2025-03-31"),
    ],
)
def test_a_statement_speaks_of_a_month_a_day_or_a_year(value, period, grain, stated_on):
    assert parse_as_of(value) == (dt.date.fromisoformat(period), grain, dt.date.fromisoformat(stated_on))


@pytest.mark.parametrize(
    ("value", "deadline"),
    [("2025", "2025-12-01"), ("akhir 2025", "2025-12-01"), (2025, "2025-12-01"), ("Juni 2025", "2025-06-01")],
)
def test_a_deadline_given_as_a_year_is_its_december(value, deadline):
    assert parse_deadline(value) == dt.date.fromisoformat(deadline)


def test_a_day_that_does_not_exist_is_refused():
    with pytest.raises(PeriodError, match="does not exist"):
        parse_as_of("31 Februari 2025")
