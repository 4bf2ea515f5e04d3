import pytest

from pipeline.parse.numbers import NumberError, parse_number


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
