"""Chinese colour words: found in a request, and named for Home Assistant (``engine/colours.py``)."""

from __future__ import annotations

import pytest

from custom_components.agent_reuse.engine.colours import colour_words, css_colour, white_kelvin, white_words


@pytest.mark.parametrize(
    ("word", "name"),
    [
        ("蓝", "blue"),
        ("藍色", "blue"),
        ("粉红色", "pink"),
        ("紅", "red"),
        ("red", None),
        ("", None),
        ("色", None),
    ],
)
def test_css_colour(word: str, name: str | None) -> None:
    assert css_colour(word) == name


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("把灯调成粉红色", "粉红"),
        ("把燈調成藍色", "藍"),
        ("卧室灯红", "红"),
        ("来一杯红酒", None),
        ("白天", None),
    ],
)
def test_a_colour_is_a_colour_word_said_as_a_colour(text: str, said: str | None) -> None:
    found = colour_words().search(text)
    assert (found.group() if found else None) == said


def test_whites_are_colour_temperatures_in_kelvin() -> None:
    assert white_kelvin("warm white") == 2700
    assert white_kelvin("Warm  White") == 2700
    assert white_kelvin("cool white") == 5000
    assert white_kelvin("暖白色") == 2700
    assert white_kelvin("冷白光") == 6500
    assert white_kelvin("暖白") == 2700
    assert white_kelvin("自然光") == 4000
    assert white_kelvin("white") is None  # plain white is a colour
    assert white_kelvin("红") is None


def test_whites_are_found_as_whole_words_and_never_in_a_lamps_name() -> None:
    found = [white_words().search(text) for text in ("set it to warm white", "把燈調成暖白色")]
    assert [match.group() if match else None for match in found] == ["warm white", "暖白"]
    assert white_words().search("打开暖光灯") is None
    assert white_words().search("set it to lukewarm whitesmoke") is None
