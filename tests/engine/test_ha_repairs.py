"""Repairs of the parser in Home Assistant's label space (``engine/ha_repairs.py`` and ``repairs_*``), real parser."""

from __future__ import annotations

import dataclasses

import pytest

from benchmarks.bench_hitpath import DEFAULT_DATA
from benchmarks.corpus import read
from custom_components.agent_reuse.engine.device_words import domain_of_word
from custom_components.agent_reuse.engine.ha_repairs import repair
from custom_components.agent_reuse.engine.nlu import JointParser, ParsedRequest, Slot
from custom_components.agent_reuse.engine.repairs_levels import repair_brightness
from custom_components.agent_reuse.engine.repairs_switching import repair_plural_device_word
from custom_components.agent_reuse.engine.template import strip_slots


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
        # A light's "temperature" said in percent (the parser's reading of "dim … to 30 percent").
        (
            "dim the living room lights to 30 percent",
            "HassLightSet",
            [("area", "living room"), ("temperature", "30")],
            "HassLightSet",
        ),
        (
            "set the bed light to 25 %",
            "HassLightSet",
            [("name", "bed light"), ("temperature", "25")],
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
    assert not {"position", "temperature"} & repaired.slot_types
    assert [(s.start, s.end) for s in repaired.slots] == [
        (s.start, s.end) for s in parsed(text, intent, *slots).slots
    ]


def test_a_temperature_in_degrees_stays_a_temperature() -> None:
    for request in (
        parsed("set the light to 2700 kelvin", "HassLightSet", ("temperature", "2700")),
        parsed("set the bedroom to 21 degrees", "HassClimateSetTemperature", ("temperature", "21")),
        parsed("set the bedroom to 21%", "HassClimateSetTemperature", ("temperature", "21")),
    ):
        assert repair_brightness(request) is request


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


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # The parser says HassMediaPrevious for the first three: the player went back.
        ("next track", "en", "HassMediaNext"),
        ("next song", "en", "HassMediaNext"),
        ("play the next song", "en", "HassMediaNext"),
        ("skip to the next track", "en", "HassMediaNext"),
        ("previous track", "en", "HassMediaPrevious"),
        ("go back to the previous song", "en", "HassMediaPrevious"),
        ("下一首", "zh", "HassMediaNext"),
        ("播放上一首", "zh", "HassMediaPrevious"),
        ("换一首", "zh", "HassMediaNext"),
        ("change the song", "en", "HassMediaNext"),
    ],
)
def test_a_media_step_goes_the_way_its_words_say(
    joint_parser: JointParser, text: str, language: str, expected: str
) -> None:
    raw = joint_parser.parse(text, language)
    assert raw.intent in {"HassMediaNext", "HassMediaPrevious"}
    repaired = repair(raw)
    assert repaired.intent == expected
    assert repaired.slots == raw.slots


def test_a_track_step_read_as_a_switching_is_the_step(joint_parser: JointParser) -> None:
    """ "previous track on the bedroom tv" came out as HassTurnOn (0.55): a turn-on plan would have run."""
    raw = joint_parser.parse("previous track on the bedroom tv", "en")
    assert raw.intent == "HassTurnOn"
    repaired = repair(raw)
    assert repaired.intent == "HassMediaPrevious"
    assert repaired.slots == raw.slots
    # Said as a switching, it stays one ("turn on the next song" is no request to switch anything else).
    assert repair(parsed("turn off the next song", "HassTurnOff")).intent == "HassTurnOff"
    assert repair(parsed("下一首", "HassTurnOn")).intent == "HassMediaNext"


def test_a_media_step_with_both_directions_is_left_alone() -> None:
    for intent in ("HassMediaNext", "HassMediaPrevious"):
        request = parsed("skip back", intent)
        assert repair(request) is request


@pytest.mark.parametrize(
    ("text", "language"), [("播放音乐", "zh"), ("放首歌", "zh"), ("play some music", "en")]
)
def test_a_media_step_with_no_direction_is_planned(
    joint_parser: JointParser, text: str, language: str
) -> None:
    """ "播放音乐" came out as HassMediaPrevious (1.00): a cached "previous track" plan would have run."""
    raw = joint_parser.parse(text, language)
    assert raw.intent in {"HassMediaNext", "HassMediaPrevious"}
    assert repair(raw).intent is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("dim the kitchen lights", "StepLightDimmer"),
        ("turn the bedroom light down", "StepLightDimmer"),
        ("brighten the living room lights", "StepLightBrighter"),
        ("make the kitchen light brighter", "StepLightBrighter"),
        ("turn up the heat", "StepTemperatureUp"),
        ("turn the fan down", None),
    ],
)
def test_a_relative_change_is_not_a_switching_command(
    joint_parser: JointParser, text: str, intent: str | None
) -> None:
    """The parser turns "dim the kitchen lights" into HassTurnOff and "turn up the heat" into HassTurnOn;
    Home Assistant has no intent for "dimmer" or "warmer". A light's step is the engine's own step intent
    (``repair_relative_step``), as is the heat's (``repair_temperature_step``); anything else becomes
    unknown (the planner plans it, nothing is cached) instead of switching."""
    raw = joint_parser.parse(text, "en")
    assert raw.intent in {"HassTurnOn", "HassTurnOff"}
    repaired = repair(raw)
    assert repaired.intent == intent
    # What was tagged stays; a device word after the room may be tagged too ("kitchen lights": a domain).
    assert set(raw.slots) <= set(repaired.slots) or repaired.intent == "StepTemperatureUp"
    assert {slot.type for slot in repaired.slots} - {slot.type for slot in raw.slots} <= {"domain"}


def test_up_and_down_of_a_cover_or_outside_switching_stay_as_they_are() -> None:
    for request in (
        parsed("turn the blinds down", "HassTurnOff", ("name", "blinds")),
        parsed("turn off the kitchen light", "HassTurnOff", ("area", "kitchen"), ("domain", "light")),
        parsed("dim the kitchen lights", "HassTurnOff", ("area", "kitchen"), space="snips"),
    ):
        assert repair(request) is request


@pytest.mark.parametrize(
    ("text", "language", "intent", "name"),
    [
        # None / HassCancelAllTimers / HassGetWeather from the parser.
        ("打开空调", "zh", "HassTurnOn", "空调"),
        ("关闭空调", "zh", "HassTurnOff", "空调"),
        ("请打开空调", "zh", "HassTurnOn", "空调"),
        ("帮我关掉空调", "zh", "HassTurnOff", "空调"),
        ("把空调关了", "zh", "HassTurnOff", "空调"),
        ("把空调打开", "zh", "HassTurnOn", "空调"),
        ("打開冷氣", "zh-TW", "HassTurnOn", "冷氣"),
        # The right intent, but the name cut to its first character, or missing.
        ("打开电视", "zh", "HassTurnOn", "电视"),
        ("關閉冷氣", "zh-TW", "HassTurnOff", "冷氣"),
        ("关闭电视", "zh", "HassTurnOff", "电视"),
        ("打开灯", "zh", "HassTurnOn", "灯"),
        # The short forms: a one-character verb, or the thing first without 把 ("打" was a device class).
        ("开灯", "zh", "HassTurnOn", "灯"),
        ("关灯", "zh", "HassTurnOff", "灯"),
        ("開冷氣", "zh-TW", "HassTurnOn", "冷氣"),
        ("關冷氣", "zh-TW", "HassTurnOff", "冷氣"),  # HassGetWeather from the parser
        ("电视关掉", "zh", "HassTurnOff", "电视"),
        ("空调打开", "zh", "HassTurnOn", "空调"),
    ],
)
def test_a_bare_chinese_switching_command_switches_the_thing_it_names(
    joint_parser: JointParser, text: str, language: str, intent: str, name: str
) -> None:
    repaired = repair(joint_parser.parse(text, language))
    assert repaired.intent == intent
    assert repaired.slot_values == {"name": name}
    slot = repaired.slots[0]
    assert text[slot.start : slot.end] == name


@pytest.mark.parametrize(
    ("text", "intent", "area"),
    [
        ("关闭卧室的空调", "HassTurnOff", "卧室"),
        ("打开客厅的空调", "HassTurnOn", "客厅"),
        ("把卧室的空调关了", "HassTurnOff", "卧室"),
    ],
)
def test_a_device_word_after_an_area_is_switched_when_the_parser_chose_nothing(
    joint_parser: JointParser, text: str, intent: str, area: str
) -> None:
    raw = joint_parser.parse(text, "zh")
    assert raw.intent is None  # the parser's own reading of these
    repaired = repair(raw)
    assert repaired.intent == intent
    assert repaired.slot_values == {"area": area, "name": "空调"}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("关闭计时器", "HassCancelTimer"),  # timers, alarms and music are not devices
        ("关闭闹钟", None),
        ("打开卧室的灯", "HassTurnOn"),  # an area and a device: the parser's reading stays
        ("打开卧室窗帘到50%", "HassSetPosition"),  # a target position
        ("关闭所有的灯", "HassTurnOff"),  # "all …" is a domain
        ("打开大门", "HassTurnOff"),  # the parser chose: 打开 a lock unlocks it
        ("打开门锁", None),  # a lock the parser did not place: left to the planner
    ],
)
def test_other_chinese_commands_keep_the_parsers_reading(text: str, intent: str | None) -> None:
    request = parsed(text, intent) if intent else dataclasses.replace(parsed(text, "HassTurnOn"), intent=None)
    assert repair(request) == request


@pytest.mark.parametrize(
    ("text", "language", "slots"),
    [
        ("空调开了吗", "zh", {"name": "空调"}),  # unknown to the parser
        ("卧室的空调开了吗", "zh", {"area": "卧室", "name": "空调"}),  # HassTimerStatus to the parser
        ("空调关了吗", "zh", {"name": "空调"}),
        ("电视开了没有", "zh", {"name": "电视"}),
        ("冷氣開了嗎", "zh-TW", {"name": "冷氣"}),
        # Read as a question of the room's lights already: it stays so ("{area}的灯开着吗", every light there).
        ("卧室的灯开着吗", "zh", {"area": "卧室"}),
        ("客厅的窗户关了吗", "zh", {"area": "客厅", "name": "窗户"}),  # 窗户 was left in the template
        ("is the window open", "en", {"name": "window"}),  # no slot at all from the parser
        ("is the light on", "en", {"domain": "light", "state": "on"}),  # the parser's reading stays
    ],
)
def test_a_device_word_asked_about_is_a_state_question_of_that_device(
    joint_parser: JointParser, text: str, language: str, slots: dict[str, str]
) -> None:
    repaired = repair(joint_parser.parse(text, language))
    assert repaired.intent == "HassGetState"
    assert repaired.slot_values == slots
    for slot in repaired.slots:
        assert text[slot.start : slot.end] == slot.value


@pytest.mark.parametrize("text", ["你开了吗", "天气开了吗", "空调开了", "打开空调吗"])
def test_a_question_of_no_device_word_is_left_alone(joint_parser: JointParser, text: str) -> None:
    repaired = repair(joint_parser.parse(text, "zh"))
    assert repaired.intent != "HassGetState" or "name" not in repaired.slot_types


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("close the window", "HassTurnOff"),
        ("open the window", "HassTurnOn"),
        ("shut the window please", "HassTurnOff"),
    ],
)
def test_a_covers_device_word_after_open_or_close_is_the_name(
    joint_parser: JointParser, text: str, intent: str
) -> None:
    repaired = repair(joint_parser.parse(text, "en"))
    assert repaired.intent == intent
    assert repaired.slot_values == {"name": "window"}


@pytest.mark.parametrize(
    "text", ["天气怎么样", "天气如何", "外面天气怎么样", "现在天气好吗", "今天天氣怎麼樣？"]
)
def test_the_weather_asked_in_a_few_words_is_the_weather(joint_parser: JointParser, text: str) -> None:
    repaired = repair(joint_parser.parse(text, "zh"))
    assert repaired.intent == "HassGetWeather"
    assert repaired.slots == ()  # 外面 (outside) is no place of the home


def test_no_home_assistant_test_sentence_is_made_worse(joint_parser: JointParser) -> None:
    """Over Home Assistant's own test sentences (en, zh-cn, zh-tw, zh-hk) the repairs change no intent
    that the parser got right."""
    if not DEFAULT_DATA.is_file():
        pytest.skip(f"shared data not found at {DEFAULT_DATA}")
    changed = 0
    for utterance in read(DEFAULT_DATA, "ha-tests"):
        raw = joint_parser.parse(utterance.text, utterance.language)
        repaired = repair(raw)
        if raw.intent == utterance.intent:
            if "conversation_command" in raw.slot_types and repaired.intent in ("HassTurnOn", "HassTurnOff"):
                # Deliberate: Assist files a delayed command ("12分钟后开灯") under HassStartTimer and runs it
                # only from a satellite with timers; this agent runs the command itself after a delay step.
                assert "minutes" in repaired.slot_types, utterance.text
                continue
            assert repaired.intent == raw.intent, utterance.text
        # A device word's plural "s" is left out of every such slot by design ("fans" → "fan" + "s"), and a
        # Chinese device word after the room is its name ("关闭客厅的风扇": 风扇), as the runner resolves it.
        added = set(repaired.slots) - set(raw.slots)
        by_design = all(slot.type == "name" and domain_of_word(slot.value) for slot in added)
        if by_design and added and repaired.intent == raw.intent and set(raw.slots) <= set(repaired.slots):
            assert not slot_value_spaces(added), utterance.text
            continue
        changed += int(repaired != repair_plural_device_word(raw))
    assert changed < 20  # the repairs are for what the test sentences do not say


def slot_value_spaces(slots: set[Slot]) -> bool:
    return any(slot.value != slot.value.strip() for slot in slots)


def assert_repaired_as(
    joint_parser: JointParser,
    text: str,
    language: str,
    intent: str | None,
    slots: list[tuple[str, str]] | None,
) -> None:
    """The repaired parse has ``intent`` and, unless None, exactly ``slots`` (type, value) in text order."""
    repaired = repair(joint_parser.parse(text, language))
    assert repaired.intent == intent
    if slots is not None:
        assert [(slot.type, slot.value) for slot in repaired.slots] == slots


@pytest.mark.parametrize(
    ("text", "language", "intent", "slots"),
    [
        ("mute the tv", "en", "MuteMedia", [("name", "tv")]),
        ("unmute the speaker", "en", "UnmuteMedia", [("name", "speaker")]),
        ("电视静音", "zh", "MuteMedia", [("name", "电视")]),
        ("把电视静音", "zh", "MuteMedia", [("name", "电视")]),
        ("取消静音", "zh", "UnmuteMedia", []),
        ("電視靜音", "zh-TW", "MuteMedia", [("name", "電視")]),
        ("客厅电视静音", "zh", "MuteMedia", [("area", "客厅"), ("name", "电视")]),
        ("mute the living room tv", "en", "MuteMedia", [("area", "living room"), ("domain", "tv")]),
        # Not a player's mute: left unknown (planned).
        ("don't mute the tv", "en", None, None),
        ("mute the kitchen light", "en", None, None),
    ],
)
def test_mute_is_the_engines_own_intent(
    joint_parser: JointParser,
    text: str,
    language: str,
    intent: str | None,
    slots: list[tuple[str, str]] | None,
) -> None:
    """The parser paused the player for "mute the tv" and switched on a device named 静音 for "电视静音";
    Home Assistant has no mute intent. A player's mute is the engine's own MuteMedia / UnmuteMedia, with the
    slots over the mute word dropped and the player's word as the name."""
    assert_repaired_as(joint_parser, text, language, intent, slots)


@pytest.mark.parametrize(
    ("text", "language", "intent", "slots"),
    [
        ("set the fan speed to 40%", "en", "SetFanSpeed", [("percentage", "40")]),
        ("set the ceiling fan to 30%", "en", "SetFanSpeed", [("name", "ceiling fan"), ("percentage", "30")]),
        (
            "set the attic fan speed to 25%",
            "en",
            "SetFanSpeed",
            [("name", "attic fan"), ("percentage", "25")],
        ),
        (
            "set the kitchen fan to 50 percent",
            "en",
            "SetFanSpeed",
            [("area", "kitchen"), ("percentage", "50")],
        ),
        ("把风扇调到百分之五十", "zh", "SetFanSpeed", [("name", "风扇"), ("percentage", "50")]),
        ("把厨房的风扇开到百分之五十", "zh", "SetFanSpeed", [("area", "厨房"), ("percentage", "50")]),
        ("把風扇調到百分之八十", "zh-TW", "SetFanSpeed", [("percentage", "80")]),
        # No percent said (a fan's "3" is a preset or a step count), negated, or a light too: left alone.
        ("set the fan to 3", "en", None, None),
        ("don't set the fan to 50%", "en", None, None),
        ("set the fan and the light to 50%", "en", None, None),  # both: planned
        ("set the kitchen light to 50%", "en", "HassLightSet", None),
    ],
)
def test_a_fans_percentage_is_the_engines_set_fan_speed(
    joint_parser: JointParser,
    text: str,
    language: str,
    intent: str | None,
    slots: list[tuple[str, str]] | None,
) -> None:
    """Home Assistant has no fan-speed intent, and the parser read a fan's percentage as a cover's position
    or a light's brightness. A fan alone set to a said percentage is the engine's SetFanSpeed, the number
    its ``percentage`` and " speed" no part of the fan's name."""
    assert_repaired_as(joint_parser, text, language, intent, slots)


@pytest.mark.parametrize(
    ("text", "language", "slots"),
    [
        ("set the kitchen light to warm white", "en", [("area", "kitchen"), ("color_temp", "warm white")]),
        (
            "make the living room lights cool white",
            "en",
            [("area", "living room"), ("color_temp", "cool white")],
        ),
        ("set the kitchen lights to soft white", "en", [("area", "kitchen"), ("color_temp", "soft white")]),
        ("把客厅的灯调成暖白色", "zh", [("area", "客厅"), ("color_temp", "暖白")]),
        ("把灯调成暖光", "zh", [("name", "灯"), ("color_temp", "暖光")]),
        ("把台灯调成自然光", "zh", [("name", "台灯"), ("color_temp", "自然光")]),
        ("把客廳的燈調成暖白色", "zh-TW", [("area", "客廳"), ("color_temp", "暖白")]),
        (
            "set the kitchen light to warm white at 50%",
            "en",
            [("area", "kitchen"), ("color_temp", "warm white"), ("brightness", "50")],
        ),
    ],
)
def test_a_white_of_a_colour_temperature_is_its_own_slot(
    joint_parser: JointParser, text: str, language: str, slots: list[tuple[str, str]]
) -> None:
    """The parser tagged "white" and left "warm" in the template (the plan of "set the {area} light to
    {color}" then made the light RGB white), and read 暖 in 暖白色 as a device class."""
    repaired = repair(joint_parser.parse(text, language))
    assert repaired.intent == "HassLightSet"
    assert [(slot.type, slot.value) for slot in repaired.slots] == slots


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("set the bed light to daylight", "en"),  # HassTurnOn of a "light" cut out of "daylight"
    ],
)
def test_a_white_said_alone_sets_the_light(joint_parser: JointParser, text: str, language: str) -> None:
    repaired = repair(joint_parser.parse(text, language))
    assert repaired.intent == "HassLightSet"
    assert ("color_temp", "daylight") in [(slot.type, slot.value) for slot in repaired.slots]


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [
        ("turn on the daylight lamp", "en", "HassTurnOn"),  # a name
        ("打开日光灯", "zh", "HassTurnOn"),
        ("把客厅的灯调成红色", "zh", "HassLightSet"),
    ],
)
def test_a_lamps_name_or_a_colour_is_no_white(
    joint_parser: JointParser, text: str, language: str, intent: str
) -> None:
    repaired = repair(joint_parser.parse(text, language))
    assert repaired.intent == intent
    assert "color_temp" not in repaired.slot_types


@pytest.mark.parametrize(
    ("text", "language", "slots"),
    [
        (
            "set the living room thermostat to 22 degrees",
            "en",
            [("area", "living room"), ("temperature", "22")],
        ),
        (
            "set the bedroom heat to 20 degrees",
            "en",
            [("area", "bedroom"), ("temperature", "20")],
        ),  # LightSet
        ("set the bedroom ac to 24", "en", [("area", "bedroom"), ("temperature", "24")]),  # unknown
        ("把卧室的空调调到26度", "zh", [("area", "卧室"), ("temperature", "26")]),
    ],
)
def test_a_rooms_thermostat_set_to_a_number(
    joint_parser: JointParser, text: str, language: str, slots: list[tuple[str, str]]
) -> None:
    assert_repaired_as(joint_parser, text, language, "HassClimateSetTemperature", slots)


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [
        ("set the bedroom light to 20", "en", "HassLightSet"),  # a light
        ("set the bedroom ac to 50%", "en", None),  # a percentage is no temperature
        ("don't set the bedroom heat to 20 degrees", "en", None),
        ("把卧室温度降低两度", "zh", None),  # two degrees lower: relative, planned
    ],
)
def test_a_light_a_percentage_or_a_negation_is_no_rooms_thermostat(
    joint_parser: JointParser, text: str, language: str, intent: str | None
) -> None:
    assert repair(joint_parser.parse(text, language)).intent == intent


def test_pausing_is_still_pausing(joint_parser: JointParser) -> None:
    raw = joint_parser.parse("pause the music", "en")
    assert repair(raw) == raw


@pytest.mark.parametrize(
    ("text", "intent", "name"),
    [("turn off the ac", "HassTurnOff", "ac"), ("please switch on the tv", "HassTurnOn", "tv")],
)
def test_an_english_device_word_the_parser_left_untagged_is_the_name(
    text: str, intent: str, name: str
) -> None:
    for said in (intent, None):
        request = dataclasses.replace(parsed(text, "HassTurnOn"), intent=said, language="en")
        repaired = repair(request)
        assert repaired.intent == (said or intent)
        assert repaired.slot_values == {"name": name}
        assert text[repaired.slots[0].start : repaired.slots[0].end] == name


def test_an_english_switching_command_misread_as_a_question_switches(joint_parser: JointParser) -> None:
    raw = joint_parser.parse("turn on the thermostat", "en")
    assert raw.intent == "HassClimateGetTemperature"  # with the device class "thermostat"
    repaired = repair(raw)
    assert repaired.intent == "HassTurnOn"
    assert repaired.slot_values == {"name": "thermostat"}


def test_an_english_switching_command_the_parser_tagged_stays() -> None:
    for request in (
        parsed("turn on the lights", "HassTurnOn", ("domain", "light")),
        parsed("turn off the tv", "HassTurnOff", ("name", "tv")),
        parsed("turn off the kitchen light", "HassTurnOff", ("area", "kitchen"), ("domain", "light")),
    ):
        assert repair(request) is request


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("what's the temperature in the kitchen set to", "en"),
        ("what is the thermostat set to", "en"),
        ("what's the target temperature in the bedroom", "en"),
        ("客厅空调设定的温度是多少", "zh"),
    ],
)
def test_a_question_about_a_thermostats_setting_is_planned(text: str, language: str) -> None:
    """HassClimateGetTemperature reads the *measured* temperature; its starter plan would answer with it."""
    request = dataclasses.replace(parsed(text, "HassClimateGetTemperature"), language=language)
    repaired = repair(request)
    assert repaired.intent is None
    assert repaired.slots == request.slots


def test_a_question_about_the_measured_temperature_stays(joint_parser: JointParser) -> None:
    for text, language in (("what is the temperature in the kitchen", "en"), ("客厅的温度是多少", "zh")):
        raw = joint_parser.parse(text, language)
        assert raw.intent == "HassClimateGetTemperature"
        assert repair(raw) == raw


@pytest.mark.parametrize(
    ("text", "intent", "slots"),
    [
        # The parser's readings were the other way round for all but 升起 and 拉开 without 把.
        ("把窗帘拉上", "HassTurnOff", [("name", "窗帘")]),
        ("把窗帘拉开", "HassTurnOn", [("name", "窗帘")]),
        ("放下窗帘", "HassTurnOff", [("name", "窗帘")]),
        ("收起窗帘", "HassTurnOn", [("name", "窗帘")]),
        ("合上窗帘", "HassTurnOff", [("name", "窗帘")]),  # the parser's name was 合上窗帘
        ("把窗簾拉上", "HassTurnOff", [("name", "窗簾")]),
        ("拉上客厅的窗帘", "HassTurnOff", [("area", "客厅")]),  # the word stays in the template
        ("把客厅的窗帘拉开", "HassTurnOn", [("area", "客厅")]),
    ],
)
def test_curtains_go_the_way_the_verb_draws_them(
    joint_parser: JointParser, text: str, intent: str, slots: list[tuple[str, str]]
) -> None:
    repaired = repair(joint_parser.parse(text, "zh"))
    assert repaired.intent == intent
    assert [(s.type, s.value) for s in repaired.slots] == slots


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("把客厅窗帘开到一半", "HassSetPosition"),  # a target: a position (50), not a direction
        ("拉上窗帘再拉开", "HassTurnOff"),  # both directions: left to the parser
        ("窗帘拉上了吗", "HassGetState"),  # a question about the state, not a command
        ("把灯拉上", "HassTurnOn"),  # no curtain
        ("把窗帘拉上", "HassGetCurrentTime"),  # another intent altogether
    ],
)
def test_curtain_verbs_without_one_clear_direction_switch_nothing(text: str, intent: str) -> None:
    request = parsed(text, "HassTurnOn" if intent == "HassGetState" else intent)
    assert repair(request).intent == intent


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [
        # Set *to* 3 / 2 degrees, as the parser read them.
        ("lower the thermostat by 3 degrees", "en", "HassClimateSetTemperature"),
        ("set the temperature 2 degrees higher", "en", "HassClimateSetTemperature"),
        ("把温度调高2度", "zh", "HassClimateSetTemperature"),
        ("把卧室温度降低两度", "zh", "HassClimateSetTemperature"),
        ("把风扇调到最大", "zh", "HassLightSet"),  # a fan's speed, not a light's brightness
    ],
)
def test_a_relative_level_is_planned(
    joint_parser: JointParser, text: str, language: str, intent: str
) -> None:
    raw = joint_parser.parse(text, language)
    assert raw.intent == intent
    repaired = repair(raw)
    assert repaired.intent is None
    # What was tagged stays; a device word after the room may be tagged too ("kitchen lights": a domain).
    assert set(raw.slots) <= set(repaired.slots) or repaired.intent == "StepTemperatureUp"
    assert {slot.type for slot in repaired.slots} - {slot.type for slot in raw.slots} <= {"domain"}


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [
        ("把灯调暗", "zh", "StepLightDimmer"),  # HassLightSet from the parser: its plan would serve 调亮 too
        ("把客厅的灯调暗一点", "zh", "StepLightDimmer"),
        ("客厅的灯调亮一点", "zh", "StepLightBrighter"),
        ("客廳的燈調亮一點", "zh-TW", "StepLightBrighter"),
        ("调暗一点", "zh", "StepLightDimmer"),
        ("dim the kitchen light a bit", "en", "StepLightDimmer"),
        ("dim the office", "en", "StepLightDimmer"),  # dim says light
        ("make the bed light darker", "en", "StepLightDimmer"),
        ("turn the kitchen light down", "en", "StepLightDimmer"),
        ("turn the volume up", "en", "StepVolumeUp"),
        ("louder", "en", "StepVolumeUp"),
        ("turn down the volume on the living room tv", "en", "StepVolumeDown"),
        ("大声一点", "zh", "StepVolumeUp"),
        ("音量调大一点", "zh", "StepVolumeUp"),
        ("把电视声音调小一点", "zh", "StepVolumeDown"),
        ("小声一点", "zh", "StepVolumeDown"),
        # A player or the music turned up or down is its volume; 关小 / 开大 were read as switching.
        ("turn down the living room tv", "en", "StepVolumeDown"),
        ("turn the tv up", "en", "StepVolumeUp"),
        ("turn down the music", "en", "StepVolumeDown"),
        ("把电视关小一点", "zh", "StepVolumeDown"),
        ("把客厅电视开大点", "zh", "StepVolumeUp"),
        ("把電視關小一點", "zh-TW", "StepVolumeDown"),
        ("把音箱开大一点", "zh", "StepVolumeUp"),  # HassVacuumStart from the parser
        ("把音箱关小一点", "zh", "StepVolumeDown"),  # HassMediaPause
        ("把灯关小一点", "zh", "StepLightDimmer"),
        ("把客厅的灯开大点", "zh", "StepLightBrighter"),
        # Not a fixed step of a light or a player: an amount, a target, a cover, a negation, both ways, or
        # another kind. The heat has steps of its own (test_the_heat_a_degree_up_or_down).
        ("dim the kitchen light by 20 percent", "en", None),
        ("把灯调暗到30%", "zh", "HassLightSet"),
        ("turn up the heat", "en", "StepTemperatureUp"),
        ("把温度调高一点", "zh", "StepTemperatureUp"),
        ("turn the blinds down", "en", None),
        ("don't dim the lights", "en", None),
        ("把音量调高10", "zh", None),
        ("turn the fan down", "en", None),
        ("dim the tv", "en", None),
        ("turn the channel up on the tv", "en", None),
        ("turn down the tv to 20", "en", None),
        # 大灯 / 小夜灯 are lights' names: switching them is no step.
        ("开大灯", "zh", "HassTurnOn"),
        ("关小夜灯", "zh", "HassTurnOff"),
        ("打开大灯", "zh", "HassTurnOn"),
        ("开大客厅的灯", "zh", "HassTurnOn"),
    ],
)
def test_a_step_up_or_down_has_an_intent_of_its_own(
    joint_parser: JointParser, text: str, language: str, intent: str | None
) -> None:
    """Home Assistant 2025.4 has no intent for a level a step up or down: such requests were unknown, planned
    on every request and never cached. Each direction is now an intent of the engine's own."""
    assert repair(joint_parser.parse(text, language)).intent == intent


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("把空调温度调到26度", "zh"),
        ("set the living room temperature to 22", "en"),
        ("turn up the volume to 90", "en"),  # Home Assistant's own absolute form
        ("把灯调暗到30%", "zh"),
        ("set the bed light to 30%", "en"),
    ],
)
def test_a_level_with_a_target_stays(joint_parser: JointParser, text: str, language: str) -> None:
    raw = joint_parser.parse(text, language)
    assert raw.intent in {"HassClimateSetTemperature", "HassSetVolume", "HassLightSet"}
    assert repair(raw).intent == raw.intent


def test_a_device_word_cut_short_is_widened_but_not_over_another_slot(joint_parser: JointParser) -> None:
    raw = joint_parser.parse("把空调调到26度", "zh")
    assert ("name", "空") in [(s.type, s.value) for s in raw.slots]
    assert [(s.type, s.value) for s in repair(raw).slots] == [("name", "空调"), ("temperature", "26")]
    # 电 followed by 视 that another slot holds: left alone.
    request = parsed("打开电视", "HassTurnOn", ("name", "电"), ("area", "视"))
    assert repair(request).slots == request.slots
    # A name that is no start of a device word, or Latin: left alone.
    for request in (
        parsed("打开床头灯", "HassTurnOn", ("name", "床头")),
        parsed("tv volume 20", "HassSetVolume", ("name", "t")),
    ):
        assert repair(request).slots == request.slots


@pytest.mark.parametrize(("text", "intent"), [("晚安", "HassGetWeather"), ("早上好", "HassBroadcast")])
def test_weather_or_a_broadcast_not_said_is_planned(
    joint_parser: JointParser, text: str, intent: str
) -> None:
    """ "早上好" (good morning) was a broadcast of the message 早 to every satellite."""
    raw = joint_parser.parse(text, "zh")
    assert raw.intent == intent
    assert repair(raw).intent is None


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("add milk to the shopping list", "milk"),
        ("add eggs and bread to my shopping list", "eggs and bread"),
    ],
)
def test_a_list_item_the_parser_missed_is_the_words_between(
    joint_parser: JointParser, text: str, item: str
) -> None:
    """Else the plan carries "milk" itself and, reused for "add eggs …", adds milk again."""
    raw = joint_parser.parse(text, "en")
    assert raw.intent == "HassShoppingListAddItem"
    assert "item" not in {slot.type for slot in raw.slots}
    repaired = repair(raw)
    assert [(s.type, s.value) for s in repaired.slots if s.type == "item"] == [("item", item)]
    assert strip_slots(repaired).text == text.replace(item, "{item}")


def test_list_items_in_chinese_and_tagged_items_stay() -> None:
    request = parsed("把牛奶加到购物清单", "HassShoppingListAddItem")
    assert [(s.type, s.value) for s in repair(request).slots] == [("item", "牛奶")]
    tagged = parsed("add apples to my list", "HassShoppingListAddItem", ("item", "apples"))
    assert repair(tagged) is tagged
    unmatched = parsed("milk please", "HassShoppingListAddItem")
    assert repair(unmatched) is unmatched


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("把面包加到购物清单", "面包"),
        ("把面包加入购物清单", "面包"),
        ("购物清单里加上面包", "面包"),
        ("往购物清单里加牛奶", "牛奶"),
    ],
)
def test_the_shopping_list_said_in_chinese_is_added_to(
    joint_parser: JointParser, text: str, item: str
) -> None:
    """Home Assistant's Chinese sentences have no shopping-list intent, so the parser chose none."""
    raw = joint_parser.parse(text, "zh")
    assert raw.intent is None
    repaired = repair(raw)
    assert repaired.intent == "HassShoppingListAddItem"
    assert [(s.type, s.value) for s in repaired.slots] == [("item", item)]


def test_a_list_request_follows_its_verb_and_the_shopping_list_is_no_name(joint_parser: JointParser) -> None:
    raw = joint_parser.parse("add take out the trash to my chores list", "en")
    assert raw.intent == "HassListCompleteItem"  # it would have been ticked off
    assert repair(raw).intent == "HassListAddItem"
    completing = parsed(
        "remove apples from my chores list", "HassListAddItem", ("item", "apples"), ("name", "chores")
    )
    assert repair(completing).intent == "HassListCompleteItem"
    # The home's names tag "shopping list" (its to-do entity): the shopping list's intents take no name.
    named = parsed(
        "add milk to my shopping list", "HassShoppingListAddItem", ("item", "milk"), ("name", "shopping list")
    )
    assert [(s.type, s.value) for s in repair(named).slots] == [("item", "milk")]
    # Asking what is on it, or another list, is left as it was.
    for request in (
        parsed("购物清单里有什么", None),  # type: ignore[arg-type]
        parsed("把面包加到待办清单", None),  # type: ignore[arg-type]
        parsed("add apples to my chores list", "HassListAddItem", ("item", "apples"), ("name", "chores")),
    ):
        assert repair(request) is request


@pytest.mark.parametrize(
    ("text", "language", "item"),
    [
        ("remove milk from my shopping list", "en", "milk"),
        ("check off bananas from my shopping list", "en", "bananas"),
        ("check apples off my list", "en", "apples"),
        ("把牛奶从购物清单删掉", "zh", "牛奶"),  # no intent before, and 牛奶 a name
    ],
)
def test_an_item_ticked_off_is_the_item(
    joint_parser: JointParser, text: str, language: str, item: str
) -> None:
    """Else a planner's plan carries "milk" itself and, reused for "remove eggs …", removes milk."""
    repaired = repair(joint_parser.parse(text, language))
    assert repaired.intent == "HassShoppingListCompleteItem"
    assert [(s.type, s.value) for s in repaired.slots] == [("item", item)]


@pytest.mark.parametrize(
    ("text", "language"),
    [("what's on my shopping list", "en"), ("read my shopping list", "en"), ("购物清单里有什么", "zh")],
)
def test_asking_what_is_on_a_list_is_planned(joint_parser: JointParser, text: str, language: str) -> None:
    """ "what's on my shopping list" came out as ticking an item off."""
    assert repair(joint_parser.parse(text, language)).intent is None


def test_a_vacuums_device_word_is_its_name(joint_parser: JointParser) -> None:
    for text, intent in (
        ("return the vacuum to base", "HassVacuumReturnToBase"),  # "vacuum" read as a device class
        ("start the vacuum", "HassVacuumStart"),  # "vacuum" untagged
    ):
        repaired = repair(joint_parser.parse(text, "en"))
        assert (repaired.intent, [(s.type, s.value) for s in repaired.slots]) == (
            intent,
            [("name", "vacuum")],
        )
    for request in (
        parsed("start the rover", "HassVacuumStart", ("name", "rover")),
        parsed("clean the kitchen", "HassVacuumStart", ("area", "kitchen")),
        parsed("turn on the vacuum", "HassTurnOn", ("device_class", "vacuum")),
    ):
        assert repair(request) is request


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("don't turn on the light", "en"),
        ("do not turn off the kitchen lights", "en"),
        ("不要开灯", "zh"),
        ("别关灯", "zh"),
    ],
)
def test_a_negated_command_is_planned(joint_parser: JointParser, text: str, language: str) -> None:
    raw = joint_parser.parse(text, language)
    assert raw.intent in {"HassTurnOn", "HassTurnOff"}
    assert repair(raw).intent is None


def test_a_villa_is_no_negation_and_questions_stay() -> None:
    villa = parsed("打开别墅的灯", "HassTurnOn", ("area", "别墅"))
    assert repair(villa) is villa
    question = parsed("don't you know the weather", "HassGetWeather")
    assert repair(question) is question


def test_short_forms_switch_only_device_words() -> None:
    for request in (
        parsed("开会", "HassVacuumStart"),
        parsed("天气关掉", "HassTurnOff"),
        parsed("开关", "HassNevermind"),
    ):
        assert repair(request) is request


def test_a_vacuum_sent_home_is_not_started(joint_parser: JointParser) -> None:
    raw = joint_parser.parse("send the vacuum home", "en")
    assert raw.intent == "HassVacuumStart"
    assert repair(raw).intent == "HassVacuumReturnToBase"
    start = parsed("start rover", "HassVacuumStart", ("name", "rover"))
    assert repair(start) is start


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("开始扫地", "HassVacuumStart"),  # with a device named 扫地
        ("开始拖地", "HassVacuumStart"),  # with a device named 拖地
        ("去扫地", "HassTurnOff"),
        ("开始吸尘", "HassTurnOff"),
        ("扫地", "HassNevermind"),
    ],
)
def test_cleaning_said_in_chinese_starts_the_vacuum(
    joint_parser: JointParser, text: str, read_as: str
) -> None:
    raw = joint_parser.parse(text, "zh")
    assert raw.intent == read_as
    repaired = repair(raw)
    assert repaired.intent == "HassVacuumStart"
    assert repaired.slots == ()  # no device called after the activity


def test_cleaning_words_inside_a_name_or_with_stop_are_not_a_start(joint_parser: JointParser) -> None:
    stop = joint_parser.parse("停止扫地", "zh")
    assert stop.intent == "HassCancelTimer"  # of a timer named 扫地
    assert repair(stop).intent is None  # Home Assistant has no intent to stop a vacuum: planned
    robot = repair(joint_parser.parse("让扫地机器人开始扫地", "zh"))
    assert (robot.intent, [(s.type, s.value) for s in robot.slots]) == (
        "HassVacuumStart",
        [("name", "扫地机器人")],
    )
    # 扫地 only inside the device's name: what the parser read stands.
    for request in (
        parsed("关闭扫地机器人", "HassTurnOff", ("name", "扫地机器人")),
        parsed("扫地机器人回去充电", "HassVacuumReturnToBase", ("name", "扫地机器人")),
    ):
        assert repair(request) is request
    assert repair(joint_parser.parse("扫地机器人回去充电", "zh")).intent == "HassVacuumReturnToBase"


@pytest.mark.parametrize(
    ("text", "slots"),
    [
        ("把灯调成红色", [("name", "灯"), ("color", "红")]),  # the parser tagged no colour
        ("把灯调成蓝色", [("name", "灯"), ("color", "蓝")]),  # and no light here
        ("把客厅的灯调成蓝色", [("area", "客厅"), ("color", "蓝")]),
    ],
)
def test_a_chinese_colour_is_the_colour_slot(
    joint_parser: JointParser, text: str, slots: list[tuple[str, str]]
) -> None:
    repaired = repair(joint_parser.parse(text, "zh"))
    assert repaired.intent == "HassLightSet"
    assert [(s.type, s.value) for s in repaired.slots] == slots


def test_a_colour_over_another_slot_or_outside_light_set_changes_nothing() -> None:
    for request in (
        parsed("把红色的灯关掉", "HassTurnOff"),
        parsed("把红灯调到50%", "HassLightSet", ("name", "红灯"), ("brightness", "50")),
        parsed("把客厅的灯调成红色", "HassLightSet", ("area", "客厅"), ("color", "红")),
    ):
        assert repair(request) is request


@pytest.mark.parametrize(
    ("text", "intent"),
    [("turn up the heat to 22", "HassSetVolume"), ("set the heat to 21", "HassClimateSetTemperature")],
)
def test_a_number_about_heat_is_the_thermostats_temperature(
    joint_parser: JointParser, text: str, intent: str
) -> None:
    """A TV's volume set to 22 %, or a "position" 21 that no thermostat plan takes."""
    raw = joint_parser.parse(text, "en")
    assert raw.intent == intent
    assert "temperature" not in raw.slot_types
    repaired = repair(raw)
    assert repaired.intent == "HassClimateSetTemperature"
    assert repaired.slot_types == {"temperature"}


def test_a_volume_stays_a_volume() -> None:
    for request in (
        parsed("turn up the volume to 90", "HassSetVolume", ("volume_level", "90")),
        parsed("set the tv volume to 20 degrees", "HassSetVolume", ("volume_level", "20")),
    ):
        assert repair(request) is request


@pytest.mark.parametrize("text", ["will it rain today", "is it going to snow tomorrow"])
def test_a_weather_word_is_no_place(joint_parser: JointParser, text: str) -> None:
    raw = joint_parser.parse(text, "en")
    assert raw.intent == "HassGetWeather"
    assert "name" in raw.slot_types
    repaired = repair(raw)
    assert repaired.intent == "HassGetWeather"
    assert repaired.slots == ()


@pytest.mark.parametrize(
    ("text", "language", "read_as"),
    [
        ("close the garage door halfway", "en", "HassTurnOff"),
        ("open the living room curtains halfway", "en", "HassTurnOn"),
        ("open the curtains half way", "en", "HassTurnOn"),
        ("把车库门关到一半", "zh", "HassTurnOff"),
        ("窗帘关一半", "zh", "HassTurnOff"),
        ("半开窗帘", "zh", "HassTurnOn"),
    ],
)
def test_halfway_said_of_a_cover_is_the_position_50(
    joint_parser: JointParser, text: str, language: str, read_as: str
) -> None:
    raw = joint_parser.parse(text, language)
    assert raw.intent == read_as
    repaired = repair(raw)
    assert repaired.intent == "HassSetPosition"
    position = next(s for s in repaired.slots if s.type == "position")
    assert position.value == "50"
    assert "{position}" in strip_slots(repaired).text


@pytest.mark.parametrize(
    ("text", "read_as"),
    [("close the garage door to 50%", "HassTurnOff"), ("set the garage door to 50%", "HassLightSet")],
)
def test_a_percentage_said_of_a_cover_is_its_position(
    joint_parser: JointParser, text: str, read_as: str
) -> None:
    raw = joint_parser.parse(text, "en")
    assert (raw.intent, ("brightness", "50") in {(s.type, s.value) for s in raw.slots}) == (read_as, True)
    repaired = repair(raw)
    assert repaired.intent == "HassSetPosition"
    assert [(s.type, s.value) for s in repaired.slots] == [("device_class", "garage"), ("position", "50")]


def test_halfway_of_a_light_or_without_a_cover_is_left_alone(joint_parser: JointParser) -> None:
    for text in (
        "turn on the kitchen lights halfway",
        "broadcast I am halfway home",
        "set the bedroom light to 50%",
    ):
        raw = joint_parser.parse(text, "en")
        assert repair(raw).intent == raw.intent, text
    # Both a light and a cover said: not guessed (two kinds in one command: planned).
    both = parsed("close the curtains and set the lamp to 40%", "HassTurnOff", ("brightness", "40"))
    assert (repair(both).intent, repair(both).slots) == (None, both.slots)


@pytest.mark.parametrize(
    ("text", "intent", "slots"),
    [
        ("五分钟后关灯", "HassTurnOff", [("minutes", "5"), ("name", "灯")]),  # a timer named 关灯
        (
            "10分钟后打开客厅的灯",
            "HassTurnOn",
            [("minutes", "10"), ("area", "客厅")],
        ),  # a timer in the living room
        ("12分钟后开灯", "HassTurnOn", [("minutes", "12"), ("name", "灯")]),  # Assist's delayed command
        ("定一个10分钟的计时器关灯", "HassTurnOff", [("minutes", "10")]),
        # Came out as HassCancelTimer: it would have cancelled the latest command for later.
        (
            "set a 5 minute timer to turn off the lights",
            "HassTurnOff",
            [("minutes", "5"), ("domain", "light")],
        ),
        (
            "set a timer for 5 minutes and then turn the kitchen lights off",
            "HassTurnOff",
            [("minutes", "5"), ("area", "kitchen"), ("domain", "light")],
        ),
        ("set a 1 hour timer to switch off the tv", "HassTurnOff", [("hours", "1"), ("name", "tv")]),
    ],
)
def test_a_command_for_later_is_that_command_with_its_minutes(
    joint_parser: JointParser, text: str, intent: str, slots: list[tuple[str, str]]
) -> None:
    raw = joint_parser.parse(text, "en" if text.isascii() else "zh")
    assert raw.intent in ("HassStartTimer", "HassCancelTimer")
    repaired = repair(raw)
    assert (repaired.intent, [(s.type, s.value) for s in repaired.slots]) == (intent, slots)


def test_timers_and_reminders_stay_timers(joint_parser: JointParser) -> None:
    for text in (
        "5分钟后提醒我",
        "十分钟后提醒我关灯",
        "设一个10分钟的计时器",
        "start a 5 minute timer",
        "remind me in 5 minutes to turn off the oven",
        "cancel the timer and turn on the lights",  # two commands, not one for later
    ):
        raw = joint_parser.parse(text, "en" if text.isascii() else "zh")
        assert repair(raw).intent == raw.intent, text


@pytest.mark.parametrize(
    ("text", "slots"),
    [
        # The parser: seconds 10, no slot at all, and a floor.
        (
            "turn off the bedroom lights in 10 minutes",
            [("area", "bedroom"), ("domain", "light"), ("minutes", "10")],
        ),
        (
            "turn off the bedroom lights in 2 minutes",
            [("area", "bedroom"), ("domain", "light"), ("minutes", "2")],
        ),
        (
            "turn off the kitchen lights in 1 second",
            [("area", "kitchen"), ("domain", "light"), ("seconds", "1")],
        ),
    ],
)
def test_a_number_with_a_unit_of_time_is_that_units_slot(
    joint_parser: JointParser, text: str, slots: list[tuple[str, str]]
) -> None:
    raw = joint_parser.parse(text, "en")
    assert [(s.type, s.value) for s in raw.slots] != slots
    assert [(s.type, s.value) for s in repair(raw).slots] == slots


def test_a_timers_own_length_and_fractions_keep_the_parsers_reading(joint_parser: JointParser) -> None:
    for text in ("pause 1 hour timer", "set a timer for 1 and a 1/2 hours", "turn on living room 2"):
        raw = joint_parser.parse(text, "en")
        assert repair(raw).slots == raw.slots, text


@pytest.mark.parametrize(
    ("text", "language", "read_as"),
    [
        ("把卧室的灯调到一半", "zh", "HassTurnOn"),  # with a floor 一
        ("把卧室的灯亮度调到一半", "zh", "HassLightSet"),  # with a floor 一, no brightness
        ("灯调到一半亮度", "zh", "HassLightSet"),
        ("把台灯调到一半", "zh", "HassSetPosition"),  # a cover's, with a floor 一
        ("set the kitchen lights to half", "en", "HassLightSet"),  # no brightness
        ("turn the kitchen lights to half", "en", "HassTurnOn"),
        ("set the bed light to half brightness", "en", "HassLightSet"),
    ],
)
def test_half_said_of_a_light_is_the_brightness_50(
    joint_parser: JointParser, text: str, language: str, read_as: str
) -> None:
    raw = joint_parser.parse(text, language)
    assert raw.intent == read_as
    repaired = repair(raw)
    assert repaired.intent == "HassLightSet"
    assert [(s.type, s.value) for s in repaired.slots if s.type in ("brightness", "floor")] == [
        ("brightness", "50")
    ]


def test_half_an_hour_or_half_of_a_cover_is_no_brightness(joint_parser: JointParser) -> None:
    lights_for_a_while = repair(joint_parser.parse("turn on the lights for half an hour", "en"))
    assert "brightness" not in lights_for_a_while.slot_types
    assert repair(joint_parser.parse("close the curtains halfway", "en")).intent == "HassSetPosition"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("how long until the lights turn off", "en"),  # HassTurnOff: the lights went off at once
        ("when will the kitchen lights turn off", "en"),  # HassGetState
        ("还有多久关灯", "zh"),  # HassTurnOff
    ],
)
def test_a_question_of_when_asks_about_commands_for_later(
    joint_parser: JointParser, text: str, language: str
) -> None:
    raw = joint_parser.parse(text, language)
    assert raw.intent in ("HassTurnOff", "HassGetState")
    assert repair(raw).intent == "HassTimerStatus"


def test_a_command_that_says_when_stays_a_command(joint_parser: JointParser) -> None:
    raw = joint_parser.parse("turn off the lights when I leave", "en")
    assert repair(raw).intent == raw.intent == "HassTurnOff"


@pytest.mark.parametrize(
    ("text", "template", "value"),
    [
        ("turn on all the fans", "turn on all the {domain}s", "fan"),  # tagged "fans" whole by the parser
        ("turn on all the lights", "turn on all the {domain}s", "light"),  # tagged "light" + "s" already
    ],
)
def test_an_english_device_word_in_the_plural_is_tagged_without_its_s(
    joint_parser: JointParser, text: str, template: str, value: str
) -> None:
    repaired = repair(joint_parser.parse(text, "en"))
    assert strip_slots(repaired).text == template
    assert repaired.slot_values["domain"] == value


def test_a_plural_that_is_no_device_word_keeps_its_s() -> None:
    request = parsed("turn on the bus", "HassTurnOn", ("domain", "bus"))
    assert repair(request).slot_values == {"domain": "bus"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("how much time is left", "en"),  # the parser: the clock's time
        ("how long is left", "en"),  # the parser: nothing
        ("还有多久", "zh-Hans"),
        ("還剩多久呢？", "zh-Hant"),
    ],
)
def test_a_question_of_the_time_left_alone_asks_for_the_timers(
    joint_parser: JointParser, text: str, language: str
) -> None:
    repaired = repair(joint_parser.parse(text, language))
    assert (repaired.intent, repaired.slots) == ("HassTimerStatus", ())


@pytest.mark.parametrize(("text", "language"), [("what time is it", "en"), ("现在几点", "zh-Hans")])
def test_the_time_is_still_the_clock(joint_parser: JointParser, text: str, language: str) -> None:
    assert repair(joint_parser.parse(text, language)).intent == "HassGetCurrentTime"


def test_the_home_said_as_a_room_is_no_area(joint_parser: JointParser) -> None:
    raw = joint_parser.parse("家里的灯都关了", "zh-Hans")
    assert raw.slot_values == {"area": "家里"}  # the parser's reading
    repaired = repair(raw)
    assert repaired.slots == ()
    assert repaired.intent == raw.intent == "HassTurnOff"


def test_a_room_stays_a_room() -> None:
    request = parsed("把卧室的灯关了", "HassTurnOff", ("area", "卧室"))
    assert repair(request).slot_values == {"area": "卧室"}


@pytest.mark.parametrize(
    ("text", "slots"),
    [
        # The parser tags the room and leaves the device word: it is the domain, as elsewhere.
        ("close the kitchen window", {"area": "kitchen", "domain": "window"}),
        # Device classes in the plural lose their "s" like "lights": "{device_class}s" in the template.
        ("close the kitchen curtains", {"area": "kitchen", "device_class": "curtain"}),
        ("open the living room blinds", {"area": "living room", "device_class": "blind"}),
    ],
)
def test_a_rooms_cover_word_is_its_kind(joint_parser: JointParser, text: str, slots: dict[str, str]) -> None:
    repaired = repair(joint_parser.parse(text, "en"))
    assert repaired.slot_values == slots
    for slot in repaired.slots:
        assert text[slot.start : slot.end] == slot.value


def test_an_untagged_device_word_after_a_room_becomes_its_domain_without_the_plural_s() -> None:
    repaired = repair(
        dataclasses.replace(
            parsed("shut the office blinds", "HassTurnOff", ("area", "office")), language="en"
        )
    )
    assert repaired.slot_values == {"area": "office", "domain": "blind"}
    assert repaired.text[repaired.slots[1].end :] == "s"
    for request in (
        parsed("close the office door", "HassTurnOff", ("area", "office")),  # "door" is no device word
        parsed("close the 书房 window", "HassTurnOff", ("area", "书房")),  # a Chinese room: not English
        parsed("close the kitchen window", "HassStartTimer", ("area", "kitchen")),
    ):
        assert repair(dataclasses.replace(request, language="en")).slot_values.get("domain") is None


def test_a_device_word_tagged_as_a_name_after_a_room_is_its_domain(joint_parser: JointParser) -> None:
    """ "set the living room tv volume to 30" had the name "tv" ("set the {area} {name} volume …"), while
    "turn on the living room tv" has the domain: two signatures for the same words, no plan shared."""
    raw = joint_parser.parse("set the living room tv volume to 30", "en")
    assert raw.slot_values == {"area": "living room", "name": "tv", "volume_level": "30"}
    assert repair(raw).slot_values == {"area": "living room", "domain": "tv", "volume_level": "30"}
    assert repair(
        parsed("turn off the kitchen light", "HassTurnOff", ("area", "kitchen"), ("name", "light"))
    ).slot_values == {
        "area": "kitchen",
        "domain": "light",
    }
    for request in (
        # A name of its own after the room, a name not right after it, Chinese (a room's device is its name).
        parsed("turn off the kitchen ceiling", "HassTurnOff", ("area", "kitchen"), ("name", "ceiling")),
        parsed("turn off the kitchen's light", "HassTurnOff", ("area", "kitchen"), ("name", "light")),
        parsed("打开客厅电视", "HassTurnOn", ("area", "客厅"), ("name", "电视")),
        parsed("what is the kitchen tv", "HassGetWeather", ("area", "kitchen"), ("name", "tv")),
    ):
        assert repair(request).slot_values.get("domain") is None, request.text


@pytest.mark.parametrize(
    "text", ["现在几度", "几度了", "屋里几度", "室温多少", "室温是多少", "現在幾度", "室溫是多少"]
)
def test_a_short_temperature_question_reads_the_thermostats(joint_parser: JointParser, text: str) -> None:
    """ "现在几度" came out as the clock's time and "室温是多少" as the state of a device called 室温."""
    repaired = repair(joint_parser.parse(text, "zh"))
    assert (repaired.intent, repaired.slots) == ("HassClimateGetTemperature", ())


@pytest.mark.parametrize("text", ["空调调到几度", "把温度调到二十几度", "今天几度"])
def test_other_questions_of_degrees_are_not_read_as_the_room_temperature(
    joint_parser: JointParser, text: str
) -> None:
    repaired = repair(joint_parser.parse(text, "zh"))
    assert repaired.intent != "HassClimateGetTemperature" or repaired.slots


@pytest.mark.parametrize(
    ("text", "intent", "slots"),
    [
        ("停止播放", "HassMediaPause", {}),  # was HassCancelTimer
        ("切歌", "HassMediaNext", {}),  # "切" was a device name
        ("暂停电视", "HassMediaPause", {"name": "电视"}),  # no slot: it paused whatever played
        ("暫停電視", "HassMediaPause", {"name": "電視"}),
        ("继续播放音箱", "HassMediaUnpause", {"name": "音箱"}),
        ("pause the living room tv", "HassMediaPause", {"area": "living room", "domain": "tv"}),
        ("暂停扫地", None, {"name": "扫地"}),  # cleaning, not a player called 扫地: planned
    ],
)
def test_media_commands_said_in_few_words(
    joint_parser: JointParser, text: str, intent: str | None, slots: dict[str, str]
) -> None:
    repaired = repair(joint_parser.parse(text, "zh" if not text.isascii() else "en"))
    assert (repaired.intent, repaired.slot_values) == (intent, slots)


def test_a_media_verb_before_something_that_is_no_player_is_left_alone() -> None:
    request = parsed("暂停一下", "HassMediaPause")
    assert repair(request) is request


@pytest.mark.parametrize(
    ("text", "intent", "slots"),
    [
        ("取消所有的计时器", "HassCancelAllTimers", {}),  # was HassTimerStatus
        ("停止所有计时器", "HassCancelAllTimers", {}),  # was HassCancelTimer
        ("取消定时器", "HassCancelTimer", {}),  # was HassPauseTimer
        ("取消厨房的计时器", "HassCancelTimer", {"area": "厨房"}),  # was HassPauseTimer
        ("暂停计时器", "HassPauseTimer", {}),  # pausing stays pausing
    ],
)
def test_cancelling_a_timer_in_chinese(
    joint_parser: JointParser, text: str, intent: str, slots: dict[str, str]
) -> None:
    repaired = repair(joint_parser.parse(text, "zh"))
    assert (repaired.intent, repaired.slot_values) == (intent, slots)


@pytest.mark.parametrize("text", ["cancel all timers", "stop all my timers", "取消所有计时器"])
def test_cancelling_every_timer_says_so(joint_parser: JointParser, text: str) -> None:
    assert repair(joint_parser.parse(text, "en")).intent == "HassCancelAllTimers"


def test_cancelling_every_timer_without_a_word_of_it_is_not_a_timer(joint_parser: JointParser) -> None:
    """ "dim the lights" came out as HassCancelAllTimers and was answered "Cancelled 0 timers."; it is no
    timer request (then a light's step down, ``repair_relative_step``)."""
    raw = joint_parser.parse("dim the lights", "en")
    assert raw.intent == "HassCancelAllTimers"
    assert repair(raw).intent == "StepLightDimmer"


@pytest.mark.parametrize(
    ("text", "language", "slots"),
    [
        # English: the player's word after the room is its domain, as in "pause the living room tv".
        ("skip this song on the living room tv", "en", {"area": "living room", "domain": "tv"}),
        # Chinese: the player's word after the room (with or without 的) is its name.
        ("暂停客厅电视", "zh", {"area": "客厅", "name": "电视"}),
        ("厨房的音箱下一首", "zh", {"area": "厨房", "name": "音箱"}),
        ("继续播放客厅电视", "zh", {"area": "客厅", "name": "电视"}),
        ("繼續播放客廳電視", "zh-TW", {"area": "客廳", "name": "電視"}),
        # Switching a room's device of a kind without plans of its own (not lights, covers or locks).
        ("关掉客厅的电视", "zh", {"area": "客厅", "name": "电视"}),
        ("打开客厅的风扇", "zh", {"area": "客厅", "name": "风扇"}),
        ("关闭厨房的插座", "zh", {"area": "厨房", "name": "插座"}),
    ],
)
def test_a_rooms_player_word_is_tagged(
    joint_parser: JointParser, text: str, language: str, slots: dict[str, str]
) -> None:
    """The parser left the word untagged: "暂停{area}电视" and "skip this song on the {area} tv" had no plan."""
    raw = joint_parser.parse(text, language)
    assert raw.slot_values == {"area": slots["area"]}
    repaired = repair(raw)
    assert repaired.slot_values == slots
    for slot in repaired.slots:
        assert text[slot.start : slot.end] == slot.value


def test_only_some_kinds_words_after_a_room_become_a_name_in_chinese() -> None:
    for request in (
        parsed("暂停客厅的风扇", "HassMediaPause", ("area", "客厅")),  # no player
        parsed("打开客厅的灯", "HassTurnOn", ("area", "客厅")),  # lights and covers keep their plans
        parsed("关闭客厅的窗帘", "HassTurnOff", ("area", "客厅")),
        parsed("打开卧室的门锁", "HassTurnOff", ("area", "卧室")),  # 打开 a lock unlocks it
        parsed("客厅下一首", "HassMediaNext", ("area", "客厅")),  # no device word at all
        parsed("暂停客厅电视", "HassMediaPause", ("area", "客厅"), ("domain", "电视")),  # already tagged
    ):
        assert repair(request).slots == request.slots


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [
        # HassLightSet: the room's lights went to 40 %. A fan's percentage is the engine's SetFanSpeed.
        ("set the living room fan to 40%", "en", "SetFanSpeed"),
        ("set the bedroom fan to 30%", "en", "SetFanSpeed"),
        ("set the ceiling fan to 50%", "en", "SetFanSpeed"),  # HassSetPosition, a cover's
        ("把客厅的风扇开到百分之五十", "zh", "SetFanSpeed"),
        ("把风扇调到50%", "zh", "SetFanSpeed"),
        ("把风扇调到最大", "zh", None),  # no percentage: planned
        ("set the tv brightness to 50%", "en", None),
        # Another kind joined to a light: which level is whose is the planner's.
        ("set the living room fan and light to 50%", "en", None),
        ("set the bed light and the tv to 30%", "en", None),
        ("set the fan light to 50%", "en", "HassLightSet"),  # a fan's light is a light
    ],
)
def test_a_level_of_another_kind_of_device_is_never_a_lights_or_covers(
    joint_parser: JointParser, text: str, language: str, intent: str | None
) -> None:
    raw = joint_parser.parse(text, language)
    assert raw.intent in ("HassLightSet", "HassSetPosition")
    assert repair(raw).intent == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("set the fan light to 50%", "HassLightSet"),  # a light, though a fan's
        ("set the living room lights to 40%", "HassLightSet"),
        ("set the back lights to 30%", "HassLightSet"),  # "ac" is not read out of "back"
        ("set the kitchen window to 30%", "HassSetPosition"),
        ("把客厅的窗帘开到一半", "HassSetPosition"),
        ("把客厅的灯开到百分之五十", "HassLightSet"),  # a light's position is its brightness
    ],
)
def test_a_level_of_its_own_kind_keeps_its_intent(joint_parser: JointParser, text: str, intent: str) -> None:
    assert repair(joint_parser.parse(text, "")).intent == intent


def test_a_position_in_a_covers_switching_command_is_a_position(joint_parser: JointParser) -> None:
    raw = joint_parser.parse("close the living room blinds to 20%", "en")
    assert (raw.intent, raw.slot_values["position"]) == ("HassTurnOff", "20")
    repaired = repair(raw)
    assert (repaired.intent, repaired.slots) == ("HassSetPosition", raw.slots)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "turn on the attic fan for 10 minutes",
            "en",
        ),  # HassTurnOn: the "in 10 minutes" plan (0.99) served it
        ("turn on the kitchen lights for 5 minutes", "en"),
        ("turn on the garden pump for 10 minutes", "en"),  # HassSetPosition
        ("turn off the porch light for an hour", "en"),
        ("把风扇打开十分钟", "zh"),  # a timer
        ("开灯十分钟", "zh"),
    ],
)
def test_switching_for_a_while_is_planned(joint_parser: JointParser, text: str, language: str) -> None:
    assert joint_parser.parse(text, language).intent is not None
    assert repair(joint_parser.parse(text, language)).intent is None


@pytest.mark.parametrize(
    ("text", "language", "intent"),
    [
        ("turn on the porch light in 10 minutes", "en", "HassTurnOn"),  # for later: served
        ("十分钟后开灯", "zh", "HassTurnOn"),
        ("set a timer for 10 minutes", "en", "HassStartTimer"),
        ("设一个十分钟的计时器", "zh", "HassStartTimer"),
        ("定时十分钟", "zh", "HassStartTimer"),
    ],
)
def test_later_commands_and_timers_are_not_for_a_while(
    joint_parser: JointParser, text: str, language: str, intent: str
) -> None:
    assert repair(joint_parser.parse(text, language)).intent == intent


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("关闭所有的灯和窗帘", "zh"),  # reached "关闭所有的灯" (0.79): the curtains stayed open
        ("turn off the lights and the fan", "en"),
        ("打开客厅的风扇和灯", "zh"),
    ],
)
def test_two_kinds_of_device_in_one_command_are_planned(
    joint_parser: JointParser, text: str, language: str
) -> None:
    assert joint_parser.parse(text, language).intent in ("HassTurnOn", "HassTurnOff")
    assert repair(joint_parser.parse(text, language)).intent is None


def test_two_devices_or_rooms_of_one_kind_are_still_served(joint_parser: JointParser) -> None:
    for text, language in (
        ("turn off the kitchen light and the bed light", "en"),
        ("打开厨房和卧室的灯", "zh"),
        ("turn on the fan light", "en"),  # two kinds, one device: no "and"
    ):
        assert repair(joint_parser.parse(text, language)).intent is not None, text


@pytest.mark.parametrize(
    ("text", "language", "intent", "slots"),
    [
        # What the parser read them as: switching on, a temperature question, a light's level, the weather.
        ("turn up the heat", "en", "StepTemperatureUp", []),
        ("turn the heat down", "en", "StepTemperatureDown", []),
        ("turn up the thermostat", "en", "StepTemperatureUp", []),  # "thermostat" was a name
        ("raise the temperature", "en", "StepTemperatureUp", []),
        ("lower the temperature in the bedroom", "en", "StepTemperatureDown", [("area", "bedroom")]),
        ("make it warmer", "en", "StepTemperatureUp", []),
        ("make it cooler", "en", "StepTemperatureDown", []),  # a device class "cool" switched on
        ("make the living room warmer", "en", "StepTemperatureUp", [("area", "living room")]),
        ("把卧室的温度调高一点", "zh", "StepTemperatureUp", [("area", "卧室")]),
        ("暖气调低一点", "zh", "StepTemperatureDown", []),  # a light named 暖
        ("温度低一点", "zh", "StepTemperatureDown", []),
        ("把空调温度调低一点", "zh", "StepTemperatureDown", []),
        ("把暖气开大一点", "zh", "StepTemperatureUp", []),  # a light's level of a device named 暖气
        ("把暖气关小一点", "zh", "StepTemperatureDown", []),  # switching 暖气 off
        ("reduce the temperature", "en", "StepTemperatureDown", []),  # a temperature question
        # Not a step of one degree: an amount, a target, a question, a remark, a light, a negation.
        ("turn the heat up by 2 degrees", "en", None, None),
        ("把温度调高两度", "zh", None, None),
        ("turn up the heat to 22", "en", "HassClimateSetTemperature", None),
        ("is the heat up?", "en", "HassGetState", None),
        ("it's getting colder", "en", None, None),
        ("温度太低了", "zh", None, None),
        ("make the light warmer", "en", "HassLightSet", None),
        ("don't turn up the heat", "en", None, None),
        ("turn up the heat and turn down the lights", "en", None, None),
    ],
)
def test_the_heat_a_degree_up_or_down(
    joint_parser: JointParser,
    text: str,
    language: str,
    intent: str | None,
    slots: list[tuple[str, str]] | None,
) -> None:
    """Home Assistant 2025.4 has no intent for "turn up the heat"; the parser read it and its kin as
    switching on, a question or a light's level, so they were planned every time (offline: nothing) or
    did the wrong thing. A step of one degree is the engine's own intent, one per direction."""
    repaired = repair(joint_parser.parse(text, language))
    if intent is None or not intent.startswith("StepTemperature"):
        assert not (repaired.intent or "").startswith("StepTemperature"), text
        if intent is not None:
            assert repaired.intent == intent, text
        return
    assert repaired.intent == intent, text
    assert [(slot.type, slot.value) for slot in repaired.slots] == slots, text
