"""Chinese colour words: found in a request, and named for Home Assistant (``engine/colours.py``)."""

from __future__ import annotations

import pytest

from custom_components.agent_reuse.engine.colours import colour_words, css_colour


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
