"""Repairs of the parser in Home Assistant's label space (``engine/ha_repairs.py``), with the real parser."""

from __future__ import annotations

import dataclasses

import pytest

from custom_components.agent_reuse.engine.ha_repairs import repair, repair_brightness
from custom_components.agent_reuse.engine.nlu import JointParser, ParsedRequest, Slot


def parsed(text: str, intent: str, *slots: tuple[str, str], space: str = "ha") -> ParsedRequest:
    found = []
    for slot_type, value in slots:
        start = text.index(value)
        found.append(Slot(slot_type, value, start, start + len(value)))
    return ParsedRequest(text, "zh", space, intent, 0.99, tuple(found))


@pytest.mark.parametrize(
    ("text", "intent", "slots", "expected"),
    [
        # Inside HassLightSet a percentage is a brightness.
        ("把卧室的灯调到30%", "HassLightSet", [("area", "卧室"), ("position", "30")], "HassLightSet"),
        # HassSetPosition of something said to be a light.
        ("把床头灯调到30%", "HassSetPosition", [("name", "床头灯"), ("position", "30")], "HassLightSet"),
        ("把客厅的灯开到50%", "HassSetPosition", [("area", "客厅"), ("position", "50")], "HassLightSet"),
        (
            "set the desk lamp to 40%",
            "HassSetPosition",
            [("name", "desk lamp"), ("position", "40")],
            "HassLightSet",
        ),
    ],
)
def test_a_lights_percentage_becomes_a_brightness(
    text: str, intent: str, slots: list[tuple[str, str]], expected: str
) -> None:
    repaired = repair_brightness(parsed(text, intent, *slots))
    assert repaired.intent == expected
    assert repaired.slot_values["brightness"] == slots[-1][1]
    assert "position" not in repaired.slot_types
    assert [(s.start, s.end) for s in repaired.slots] == [
        (s.start, s.end) for s in parsed(text, intent, *slots).slots
    ]


@pytest.mark.parametrize(
    "request_",
    [
        # Covers, and a fan: positions stay positions.
        parsed("把客厅的窗帘开到50%", "HassSetPosition", ("area", "客厅"), ("position", "50")),
        parsed("set the ceiling fan to 50%", "HassSetPosition", ("name", "ceiling fan"), ("position", "50")),
        # A light word and a cover word: not guessed.
        parsed("把灯旁边的窗帘开到50%", "HassSetPosition", ("position", "50")),
        # "lighthouse" is no light; "flamp" no lamp.
        parsed(
            "set the lighthouse blind to 50%",
            "HassSetPosition",
            ("name", "lighthouse blind"),
            ("position", "50"),
        ),
        # Both said: left alone.
        parsed("把卧室的灯调到30%亮度50%", "HassLightSet", ("brightness", "30"), ("position", "50")),
        # Other intents and other label spaces are not touched.
        parsed("打开卧室的灯", "HassTurnOn", ("area", "卧室")),
        parsed("把卧室的灯调到30%", "HassLightSet", ("position", "30"), space="smp2019"),
    ],
)
def test_everything_else_is_left_alone(request_: ParsedRequest) -> None:
    assert repair_brightness(request_) is request_


@pytest.mark.parametrize(
    ("text", "language", "brightness"),
    [
        ("把卧室的灯调到百分之三十", "zh", "30"),
        ("把床头灯调到百分之三十", "zh", "30"),
        ("把客厅的灯开到百分之五十", "zh", "50"),
        ("把臥室的燈調到百分之三十", "zh-TW", "30"),
    ],
)
def test_what_the_parser_says_for_chinese_dimming_is_repaired(
    joint_parser: JointParser, text: str, language: str, brightness: str
) -> None:
    raw = joint_parser.parse(text, language)
    repaired = repair_brightness(raw)
    assert repaired.intent == "HassLightSet"
    assert repaired.slot_values.get("brightness") == brightness
    assert dataclasses.replace(repaired, intent=raw.intent, slots=raw.slots) == raw  # nothing else changed


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("is the porch light on", "en"),
        ("is the bed light on", "en"),
        ("are the kitchen lights on", "en"),
        ("卧室的灯开着吗", "zh"),
        ("客厅的灯关了吗", "zh"),
        ("卧室的灯开了没有", "zh"),
        ("卧室的灯亮着吗", "zh"),
    ],
)
def test_a_question_about_a_state_is_never_a_command(
    joint_parser: JointParser, text: str, language: str
) -> None:
    """The parser says HassTurnOn/HassTurnOff/HassLightSet for these; a turn-on plan must not answer them."""
    raw = joint_parser.parse(text, language)
    assert raw.intent in {"HassTurnOn", "HassTurnOff", "HassLightSet", "HassGetState"}
    repaired = repair(raw)
    assert repaired.intent == "HassGetState"
    assert repaired.slots == raw.slots


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("turn on the bed light", "en"),
        ("please turn off the kitchen lights", "en"),
        ("打开卧室的灯", "zh"),
        # Polite commands end in 吗 too.
        ("能打开卧室的灯吗", "zh"),
        ("帮我打开卧室的灯好吗", "zh"),
        ("可以关一下客厅的灯吗", "zh"),
    ],
)
def test_commands_stay_commands(joint_parser: JointParser, text: str, language: str) -> None:
    raw = joint_parser.parse(text, language)
    assert raw.intent in {"HassTurnOn", "HassTurnOff"}
    assert repair(raw) == raw
