"""The language a request is in, when the text says otherwise than the pipeline (``engine/said_language.py``)."""

from __future__ import annotations

import pytest

from custom_components.agent_reuse.engine.said_language import name_in_language, said_language
from custom_components.agent_reuse.engine.zh_script import script_of_text


@pytest.mark.parametrize(
    ("text", "language", "said_in"),
    [
        # Chinese typed into an English pipeline is Chinese, in the script it is written in.
        ("开灯", "en", "zh-Hans"),
        ("打开客厅的灯", "en-US", "zh-Hans"),
        ("打開客廳的燈", "en", "zh-Hant"),
        ("關燈", "en", "zh-Hant"),
        ("打开 TV", "en", "zh-Hans"),
        # A Chinese pipeline keeps its own code (zh-TW stays zh-TW, whatever the characters).
        ("开灯", "zh-TW", "zh-TW"),
        ("打開燈", "zh-Hans", "zh-Hans"),
        ("打开TV", "zh", "zh"),
        # English typed into a Chinese pipeline is English.
        ("turn on the light", "zh-CN", "en"),
        ("TV off", "zh-Hant", "en"),
        # Nothing to tell by: as it came.
        ("42", "zh", "zh"),
        ("?", "zh-CN", "zh-CN"),
        ("turn on the light", "en", "en"),
        ("", "en", "en"),
    ],
)
def test_the_text_decides_between_english_and_chinese(text: str, language: str, said_in: str) -> None:
    assert said_language(text, language) == said_in


def test_a_texts_script_is_the_one_most_of_its_telling_characters_are_in() -> None:
    assert script_of_text("打开客厅的灯") == "zh-Hans"
    assert script_of_text("打開客廳的燈") == "zh-Hant"
    assert script_of_text("打开燈") == "zh-Hans"  # one each: a tie is Simplified
    assert script_of_text("的") == "zh-Hans"  # written alike in both


@pytest.mark.parametrize(
    ("name", "aliases", "language", "said"),
    [
        ("Bedroom", {"卧室", "臥室"}, "zh-Hans", "卧室"),
        ("Bedroom", {"卧室", "臥室"}, "zh-TW", "臥室"),
        ("Bedroom", {"卧室", "master"}, "zh-HK", "卧室"),  # no Traditional alias: the Chinese one there is
        ("Bedroom", {"卧室"}, "en", "Bedroom"),
        ("Bedroom", {"master bedroom"}, "zh", "Bedroom"),  # no Chinese alias: the name
        ("主卧", {"Bedroom"}, "zh-Hans", "主卧"),
    ],
)
def test_a_rooms_name_in_the_requests_language(
    name: str, aliases: set[str], language: str, said: str
) -> None:
    assert name_in_language(name, aliases, language) == said
