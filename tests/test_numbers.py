import pytest

from pipeline.parse.numbers import NumberError, Percent, number_in_words, parse_number, parse_stated


@pytest.mark.parametrize(
    ("text", "whole", "expected"),
    [
        ("119.345", True, 119345),
        ("1.234.567", True, 1234567),
        ("99 229", True, 99229),
        ("1 234 567", True, 1234567),
        ("9,83", False, 9.83),
        ("9,83%", False, 9.83),
        ("50.88", False, 50.88),
        ("1.234,5", False, 1234.5),
        ("1,234.5", False, 1234.5),
        ("1,234,567", True, 1234567),
        ("Rp16.800", True, 16800),
        ("-", True, None),
        ("", True, None),
        (None, True, None),
        (float("nan"), True, None),
        (27449, True, 27449),
        (27449.0, True, 27449),
        (23.5, False, 23.5),
        ("(1.200)", True, -1200),
    ],
)
def test_reads_indonesian_figures(text, whole, expected):
    assert parse_number(text, whole=whole) == expected


@pytest.mark.parametrize(
    ("text", "whole", "words"),
    [
        ("1.234", False, "ambiguous"),  # thousands or a decimal point: never guessed
        ("1,234", True, "ambiguous"),  # a count with an Indonesian decimal comma and three digits
        ("12.5", True, "whole number"),
        ("12,5", True, "whole number"),
        ("1.23.456", True, "groups of three"),
        ("12 34", True, "group thousands"),
        ("abc", True, "not a number"),
        ("12a", True, "not a number"),
        (True, True, "yes/no"),
    ],
)
def test_rejects_what_it_cannot_read_for_sure(text, whole, words):
    with pytest.raises(NumberError, match=words):
        parse_number(text, whole=whole)


@pytest.mark.parametrize(
    ("value", "whole", "number", "precision"),
    [
        ("80%", False, 80, 0.5),  # "80%" is 79.5-80.5: right for 79.86%
        ("79,86%", False, 79.86, 0.005),
        ("2,45 juta", True, 2_450_000, 5_000),  # millions to two decimals
        ("30,2 juta", True, 30_200_000, 50_000),
        ("935.079", True, 935_079, 0.5),
        ("1.349,88 ribu", False, 1_349_880, 5),
        (79.86, False, 79.86, 0.005),  # a number cell: the decimals it holds
        (935079.0, True, 935_079, 0.5),
        (Percent(25.46, 2), False, 25.46, 0.005),  # a percentage cell: the decimals its format shows
        (Percent(70, 0), False, 70, 0.5),
    ],
)
def test_a_stated_figure_keeps_its_precision(value, whole, number, precision):
    stated = parse_stated(value, whole=whole)
    assert stated.value == pytest.approx(number) and stated.precision == pytest.approx(precision)


def test_a_percentage_cell_is_never_a_count_of_people():
    assert parse_number(Percent(25.46, 2)) == pytest.approx(25.46)
    with pytest.raises(NumberError, match="percentage cell"):
        parse_number(Percent(25.46, 2), whole=True)


@pytest.mark.parametrize(
    ("text", "number", "precision"),
    [
        ("masih 84.960 peserta lagi", 84_960, 0.5),
        ("target 70%", 70, 0.5),
        ("sekitar 2,45 juta orang", 2_450_000, 5_000),
        ("1.873.899", 1_873_899, 0.5),
    ],
)
def test_the_figure_inside_a_phrase(text, number, precision):
    stated = number_in_words(text, whole=number > 100)
    assert (stated.value, stated.precision) == (number, precision)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2023: 1.000", "2 figures"),
        ("belum ada", "no figure"),
        ("#DIV/0!", "Excel error"),
        ("1.23.456", "groups of three"),
    ],
)
def test_a_phrase_without_one_clear_figure_is_refused(text, words):
    with pytest.raises(NumberError, match=words):
        number_in_words(text, whole=True)
