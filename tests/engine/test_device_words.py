"""Device words in any case and either Chinese script mean the same Home Assistant domain."""

from __future__ import annotations

import pytest

from custom_components.agent_reuse.engine.device_words import (
    device_word_end,
    domain_of_word,
    media_class_of_word,
    said_device_kinds,
    said_kinds,
    spelt_plurals,
)


@pytest.mark.parametrize(
    ("word", "domain"),
    [
        ("Lights", "light"),
        ("  fan ", "fan"),
        ("灯", "light"),
        ("燈", "light"),  # Traditional, read through zh_script
        ("空調", "climate"),
        ("冷氣", "climate"),  # Taiwan's word for it, in Traditional script
        ("電視", "media_player"),
        ("掃地機器人", "vacuum"),
        ("kitchen", None),
        ("", None),
    ],
)
def test_domain_of_a_device_word(word: str, domain: str | None) -> None:
    assert domain_of_word(word) == domain


@pytest.mark.parametrize(
    ("text", "start", "min_end", "end"),
    [
        ("打开扫地机器人", 2, 3, 7),  # the longest word, not 扫地机
        ("把空调调到26度", 1, 2, 3),  # 空调 from its first character
        ("set the thermostat to 21", 8, 9, 18),  # without the space after it
        ("turn on the lampshade", 12, 13, None),  # "lamp" is not the whole word
        ("turn on the bedroom lamps", 20, 21, 25),
        ("打开灯", 2, 4, None),  # nothing reaches min_end
    ],
)
def test_device_word_end(text: str, start: int, min_end: int, end: int | None) -> None:
    assert device_word_end(text, start, min_end) == end


def test_a_device_words_plural_made_by_a_template_is_spelt_right() -> None:
    assert spelt_plurals("Turned off the switchs in the Living Room.") == (
        "Turned off the switches in the Living Room."
    )
    assert (
        spelt_plurals("Turned off the lights and the Switchs.") == "Turned off the lights and the Switches."
    )
    assert spelt_plurals("已关闭开关。") == "已关闭开关。"


@pytest.mark.parametrize(
    ("word", "media_class"),
    [("电视", "tv"), ("電視", "tv"), ("TV", "tv"), ("音箱", "speaker"), ("speaker", "speaker"), ("灯", None)],
)
def test_a_media_word_says_its_device_class(word: str, media_class: str | None) -> None:
    assert media_class_of_word(word) == media_class


def test_the_kinds_said_in_a_request() -> None:
    assert said_kinds("set the living room fan to 40%") == {"fan"}
    assert said_kinds("把客厅的风扇和灯打开") == {"fan", "light"}
    assert said_kinds("打開冷氣") == {"climate"}
    assert said_kinds("set the back lights to 30%") == {"light"}  # no "ac" inside "back"
    assert said_kinds("lampshade") == frozenset()  # Latin words whole
    assert said_kinds("set the kitchen to 50%") == frozenset()


def test_humidifiers_water_heaters_and_valves_are_kinds() -> None:
    """ "打开加湿器" was "no device called 加湿器": now the runner finds the humidifier by its kind."""
    assert [domain_of_word(w) for w in ("加湿器", "Dehumidifier", "热水器", "water heater", "閥門")] == [
        "humidifier",
        "humidifier",
        "water_heater",
        "water_heater",
        "valve",
    ]


def test_a_latin_device_word_next_to_chinese_is_a_word() -> None:
    """ "TV下一首", "暂停客厅tv": a Latin word ends where Chinese begins (the character scan took 下 and 厅 for
    letters of the same word)."""
    assert said_kinds("TV下一首") == {"media_player"}
    assert said_kinds("暂停客厅tv show") == {"media_player"}
    assert said_kinds("把電視和燈關掉") == {"media_player", "light"}


def test_said_device_kinds_tell_windows_and_players_apart() -> None:
    assert said_device_kinds("关闭所有的窗帘") == {"cover"}
    assert said_device_kinds("关闭所有的窗戶") == {"cover:window"}
    assert said_device_kinds("close the windows and the blinds") == {"cover:window", "cover"}
    assert said_device_kinds("暂停电视") == {"media_player:tv"}
    assert said_device_kinds("pause the speaker") == {"media_player:speaker"}
    assert said_device_kinds("turn off the {area} {domain}s") == frozenset()
