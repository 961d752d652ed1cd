"""Spoken quantities as digits (engine/numbers.py), and the parser reading them that way in the HA space."""

from __future__ import annotations

import pytest

from custom_components.agent_reuse.engine.nlu import JointParser
from custom_components.agent_reuse.engine.numbers import (
    chinese_number,
    english_number,
    spoken_numbers_to_digits,
)


@pytest.mark.parametrize(
    ("numeral", "digits"),
    [
        ("五", "5"),
        ("十", "10"),
        ("十五", "15"),
        ("二十", "20"),
        ("二十六", "26"),
        ("两百", "200"),
        ("一百零五", "105"),
        ("一千二百三十四", "1234"),
        ("二十六点五", "26.5"),
        ("三點五", "3.5"),
        ("二零二六", "2026"),
        ("二三十", None),  # "twenty or thirty": not one number
        ("十百", None),
        ("两两", None),
        ("兩兩", None),
        ("点五", None),
    ],
)
def test_chinese_numerals(numeral: str, digits: str | None) -> None:
    assert chinese_number(numeral) == digits


@pytest.mark.parametrize(
    ("words", "digits"),
    [
        ("five", "5"),
        ("fifteen", "15"),
        ("twenty two", "22"),
        ("Twenty-Five", "25"),
        ("one hundred", "100"),
        ("a hundred", "100"),
        ("one hundred and five", "105"),
        ("twenty point five", "20.5"),
        ("five six", None),
        ("twenty eleven", None),
        ("and five", None),
        ("a", None),
        ("twelve hundred", None),
    ],
)
def test_english_number_words(words: str, digits: str | None) -> None:
    assert english_number(words) == digits


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("把卧室的灯调到百分之五十", "把卧室的灯调到50%"),
        ("把卧室的灯亮度调到五十", "把卧室的灯亮度调到50"),
        ("把空调温度调到二十六度", "把空调温度调到26度"),
        ("把客厅温度调到二十六点五度。", "把客厅温度调到26.5度。"),
        ("设置一个五分钟的计时器", "设置一个5分钟的计时器"),
        ("把臥室的燈亮度調到百分之三十", "把臥室的燈亮度調到30%"),
        ("两个小时后提醒我", "2个小时后提醒我"),
        ("set the bedroom light to fifty percent", "set the bedroom light to 50 percent"),
        ("set the temperature to twenty two degrees", "set the temperature to 22 degrees"),
        ("set a timer for one hour and thirty minutes", "set a timer for 1 hour and 30 minutes"),
        ("set living room two to fifty", "set living room two to 50"),
        ("set the volume to eleven.", "set the volume to 11."),
        # Names and other words with numbers in them are left as said.
        ("打开三楼的灯", "打开三楼的灯"),
        ("把三楼的温度调到二十度", "把三楼的温度调到20度"),
        ("八点到十点", "八点到十点"),
        ("一会儿再说", "一会儿再说"),
        ("turn on living room two", "turn on living room two"),
        ("turn on one light", "turn on one light"),
        ("in a minute", "in a minute"),
        ("someone set this to tone", "someone set this to tone"),
        ("set the light to 50%", "set the light to 50%"),
        ("", ""),
    ],
)
def test_only_quantities_are_rewritten(said: str, read: str) -> None:
    assert spoken_numbers_to_digits(said) == read


def test_the_home_assistant_space_parses_spoken_numbers_as_digits(joint_parser: JointParser) -> None:
    """Before, "百分之五十" was no brightness at all and "fifty percent" became the slot "fi"."""
    zh = joint_parser.parse("把卧室的灯调到百分之五十", "zh")
    assert (zh.intent, zh.slot_values) == ("HassLightSet", {"area": "卧室", "brightness": "50"})
    assert zh.text == "把卧室的灯调到50%"  # the spans index this text
    en = joint_parser.parse("set the bedroom light to fifty percent", "en")
    assert (en.intent, en.slot_values) == ("HassLightSet", {"area": "bedroom", "brightness": "50"})
    temperature = joint_parser.parse("把空调温度调到二十六度", "zh")
    assert temperature.slot_values["temperature"] == "26"


def test_benchmark_spaces_keep_the_words_that_were_said(joint_parser: JointParser) -> None:
    """SMP's labelled spans are the said text ("五十"), so its space is parsed as said."""
    smp = joint_parser.for_space("smp2019")
    parsed = smp.parse("把音量调到五十", "zh")
    assert parsed.text == "把音量调到五十"
    assert all(slot.value == parsed.text[slot.start : slot.end] for slot in parsed.slots)
