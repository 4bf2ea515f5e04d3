"""Output file names made from raw text: never a path, never a collision."""

import pytest

from pipeline.outputs.filenames import output_file, safe_name


@pytest.mark.parametrize("text", ["PSR-2022-70PCT", "JATIM_2025.v2", "a"])
def test_a_safe_text_is_kept_as_it_is(text):
    assert safe_name(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "../../pwned",
        "<b>x</b>",
        "a/b",
        "a\\b",
        "..",
        ".",
        "",
        " ",
        "C:evil",
        "Kota Pasuruan",
        "مدينة",
        "NUL\x00byte",
        "x" * 300,
    ],
)
def test_hostile_text_becomes_one_plain_file_name(text, tmp_path):
    name = safe_name(text)
    assert name and "/" not in name and "\\" not in name and not name.startswith(".") and len(name) <= 71
    path = output_file(tmp_path, text, ".png")
    assert path.parent == tmp_path
    path.write_bytes(b"x")  # a real file system takes it
    assert path.exists()


def test_texts_that_slug_alike_get_different_names():
    texts = ["a/b", "a\\b", "a b", "a-b", "A/B", "a?b"]
    assert len({safe_name(t).lower() for t in texts}) == len(texts)
