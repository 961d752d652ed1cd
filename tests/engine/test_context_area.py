"""The room a request comes from, for commands that mean "here" (``engine/context_area.py``, real parser)."""

from __future__ import annotations

import pytest

from custom_components.agent_reuse.engine.context_area import base_type, with_context_area
from custom_components.agent_reuse.engine.ha_repairs import repair
from custom_components.agent_reuse.engine.nlu import JointParser, ParsedRequest
from custom_components.agent_reuse.engine.template import number_repeated_slots, strip_slots


def parse(parser: JointParser, text: str, language: str = "en") -> ParsedRequest:
    return number_repeated_slots(repair(parser.parse(text, language)))


def test_a_kind_of_device_alone_means_the_room_the_request_came_from(joint_parser: JointParser) -> None:
    parsed = parse(joint_parser, "turn off the lights")
    here = with_context_area(parsed, "Bedroom")
    assert here.slot_values == {"domain": "light", "area": "Bedroom"}
    template = strip_slots(here)
    # The room was not said: the template is the words', the signature has the area.
    assert template.text == strip_slots(parsed).text == "turn off the {domain}s"
    assert template.signature == {"area", "domain"}
    # Nothing of the text is the area: an empty span at its end.
    area = next(slot for slot in here.slots if slot.type == "area")
    assert (area.start, area.end) == (len(here.text), len(here.text))


@pytest.mark.parametrize(
    ("text", "slots"),
    [
        # Home Assistant's own sentences for these mean the room without any device word.
        ("what's the temperature", {"area": "Bedroom"}),
        ("set the brightness to 50%", {"brightness": "50", "area": "Bedroom"}),
        ("set the temperature to 22 degrees", {"temperature": "22", "area": "Bedroom"}),
    ],
)
def test_a_rooms_temperature_or_brightness_said_without_a_room_is_this_rooms(
    joint_parser: JointParser, text: str, slots: dict[str, str]
) -> None:
    assert with_context_area(parse(joint_parser, text), "Bedroom").slot_values == slots


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("turn off all the lights", "en"),  # the whole home, said so
        ("are any windows open", "en"),  # a question over the whole home
        ("which lights are on", "en"),
        ("open the garage door", "en"),  # Home Assistant's garage door is any garage door
        ("what is the temperature in the kitchen", "en"),
        ("switch off every light", "en"),
        ("turn off the kitchen lights", "en"),  # a room said
        ("turn off the bed light", "en"),  # a device named
        ("what time is it", "en"),  # no device at all
        ("关闭所有的灯", "zh-Hans"),
        ("关灯", "zh-Hans"),  # a device word is a name to the parser; the runner prefers the room itself
    ],
)
def test_a_request_that_says_where_or_which_keeps_its_meaning(
    joint_parser: JointParser, text: str, language: str
) -> None:
    parsed = parse(joint_parser, text, language)
    assert with_context_area(parsed, "Bedroom") is parsed


def test_no_room_no_change(joint_parser: JointParser) -> None:
    parsed = parse(joint_parser, "turn off the lights")
    assert with_context_area(parsed, None) is parsed
    assert with_context_area(parsed, "  ") is parsed
    unknown = parse(joint_parser, "tell me a joke")
    assert unknown.intent is None
    assert with_context_area(unknown, "Bedroom") is unknown


def test_base_type_drops_only_a_repeat_number() -> None:
    assert [base_type(t) for t in ("area_2", "name_10", "device_class", "area")] == [
        "area",
        "name",
        "device_class",
        "area",
    ]


@pytest.mark.parametrize(
    ("text", "slots"),
    [
        # One device word in the singular, said where there is no room: one device (or a question back).
        ("turn off the switch", {"name": "switch"}),
        ("turn on the light please", {"name": "light"}),
        ("switch off the fan", {"name": "fan"}),
        # The plural and "all" are every one; a room, or a question, says what it says.
        ("turn off the lights", {"domain": "light"}),
        ("turn on the fans", {"domain": "fan"}),
        ("turn off all the lights", {"domain": "light"}),
        ("turn off the kitchen light", {"area": "kitchen", "domain": "light"}),
        ("is the light on", {"domain": "light", "state": "on"}),
    ],
)
def test_without_a_room_one_device_word_in_the_singular_is_one_device(
    joint_parser: JointParser, text: str, slots: dict[str, str]
) -> None:
    assert with_context_area(parse(joint_parser, text), None).slot_values == slots
