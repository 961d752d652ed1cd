"""The home's own area/floor names complete the slots the parser missed (real parser)."""

from __future__ import annotations

import pytest

from custom_components.agent_reuse.engine.gazetteer import Gazetteer, complete_slots
from custom_components.agent_reuse.engine.ha_repairs import repair
from custom_components.agent_reuse.engine.nlu import JointParser, ParsedRequest, Slot
from custom_components.agent_reuse.engine.template import strip_slots

HOME = Gazetteer({"area": ("Garage", "车库", "Den", "Living Room", "Living"), "floor": ("Upstairs", "x")})


def test_a_room_the_parser_never_saw_becomes_the_area_slot(joint_parser: JointParser) -> None:
    parsed = joint_parser.parse("打开车库的灯", "zh")
    assert parsed.slots == ()  # the parser does not know this word
    completed = complete_slots(parsed, HOME, joint_parser.slot_types)
    assert [(s.type, s.value, s.start, s.end) for s in completed.slots] == [("area", "车库", 2, 4)]
    assert strip_slots(completed).text == "打开{area}的灯"
    assert completed.intent == parsed.intent


def test_what_the_parser_tagged_is_kept(joint_parser: JointParser) -> None:
    parsed = joint_parser.parse("turn on the living room lights", "en")
    completed = complete_slots(parsed, HOME, joint_parser.slot_types)
    assert completed.slots == parsed.slots  # "living room" was already an area: nothing added or changed


def test_names_match_whole_words_and_case_insensitively(joint_parser: JointParser) -> None:
    garden = joint_parser.parse("turn on the garden pump", "en")
    assert all(s.value.lower() != "den" for s in complete_slots(garden, HOME, joint_parser.slot_types).slots)
    upstairs = complete_slots(joint_parser.parse("turn off all lights upstairs", "en"), HOME, ["floor"])
    assert ("floor", "upstairs") in {(s.type, s.value) for s in upstairs.slots}


def test_no_change_without_names_or_intent_or_allowed_type(joint_parser: JointParser) -> None:
    parsed = joint_parser.parse("打开车库的灯", "zh")
    assert complete_slots(parsed, Gazetteer(), joint_parser.slot_types) is parsed
    assert complete_slots(parsed, HOME, ["name"]) is parsed  # area is not a type of that label space
    joke = joint_parser.parse("tell me a joke about the garage", "en")
    assert joke.intent is None
    assert complete_slots(joke, HOME, joint_parser.slot_types) is joke


DEVICES = Gazetteer({"name": ("阁楼风扇", "车库门", "Bed Light"), "area": ("卧室",)})


def test_a_device_name_the_parser_cut_short_is_widened(joint_parser: JointParser) -> None:
    parsed = joint_parser.parse("关闭阁楼风扇", "zh")
    assert [(s.type, s.value) for s in parsed.slots] == [("name", "阁楼")]  # 风扇 left in the template
    completed = complete_slots(parsed, DEVICES, joint_parser.slot_types)
    assert [(s.type, s.value, s.start, s.end) for s in completed.slots] == [("name", "阁楼风扇", 2, 6)]
    assert strip_slots(completed).text == "关闭{name}"


def test_a_device_name_the_parser_missed_is_tagged(joint_parser: JointParser) -> None:
    parsed = joint_parser.parse("打开车库门", "zh")
    assert parsed.slots == ()
    completed = complete_slots(parsed, DEVICES, joint_parser.slot_types)
    assert strip_slots(completed).text == "打开{name}"


def test_a_name_over_two_slots_or_over_another_type_changes_nothing(joint_parser: JointParser) -> None:
    # "bed" (name) + "light" (domain): the runner joins them; the gazetteer does not merge two slots.
    bed = joint_parser.parse("turn on the bed light", "en")
    assert complete_slots(bed, DEVICES, joint_parser.slot_types) is bed
    # 卧室 tagged as an area the home has is not widened into a device name that starts with it.
    bedroom = joint_parser.parse("打开卧室的灯", "zh")
    home = Gazetteer({"area": ("卧室",), "name": ("卧室的灯",)})
    assert complete_slots(bedroom, home, joint_parser.slot_types) is bedroom


def test_a_room_the_home_lacks_before_a_device_word_is_the_devices_name(joint_parser: JointParser) -> None:
    """ "set the living room fan to 40%" in a home with a "Living Room Fan" and no living room: the area reading
    names nothing ("there is no area called living room"), the device's name does."""
    home = Gazetteer({"area": ("Kitchen", "Bedroom"), "name": ("Living Room Fan", "卧室的灯")})
    for text, language, name in (
        ("set the living room fan to 40%", "en", "living room fan"),
        ("打开卧室的灯", "zh", "卧室的灯"),
    ):
        raw = joint_parser.parse(text, language)
        assert "area" in raw.slot_types
        completed = complete_slots(raw, home, joint_parser.slot_types)
        assert [(slot.type, slot.value) for slot in completed.slots if slot.type in ("area", "name")] == [
            ("name", name)
        ]


def test_find_scans_longest_first_whole_words_and_only_allowed_types() -> None:
    home = Gazetteer(
        {"area": ("Living", "Living Room", "Study"), "name": ("Study", "书房灯"), "floor": ("书房",)}
    )
    text = "Turn on the LIVING ROOM lamp in the study and 书房灯"
    assert list(home.find(text, ["area", "name", "floor"])) == [
        ("area", 12, 23),
        ("area", 36, 41),
        ("name", 46, 49),
    ]
    # "Study" is an area first; where areas are not allowed it is the name.
    assert ("name", 36, 41) in list(home.find(text, ["name"]))
    assert list(home.find("the livingroom", ["area"])) == []  # not a whole word
    assert list(home.find("Straße study", ["area"])) == []  # casefolding changes the length: not scanned


ROOMS = Gazetteer({"area": ("卧室", "Bedroom", "Den"), "name": ("卧室台灯", "Bedroom Fan")})


@pytest.mark.parametrize(
    ("text", "said", "template"),
    [
        # The parser's name 卧室灯 / 卧室: no device is called so.
        ("打开卧室灯", "卧室灯", "打开{area}灯"),
        ("关闭卧室空调", "卧室", "关闭{area}空调"),
        ("打开卧室风扇", None, "打开{area}风扇"),
    ],
)
def test_a_room_before_a_device_word_is_the_area(
    joint_parser: JointParser, text: str, said: str | None, template: str
) -> None:
    parsed = joint_parser.parse(text, "zh")
    if said is not None:
        assert [(s.type, s.value) for s in parsed.slots] == [("name", said)]
    completed = complete_slots(parsed, ROOMS, joint_parser.slot_types)
    assert [(s.type, s.value) for s in completed.slots] == [("area", "卧室")]
    assert strip_slots(completed).text == template


def test_an_english_room_before_a_device_word_is_the_area_and_the_word_the_domain() -> None:
    request = ParsedRequest(
        text="turn on the bedroom lamp",
        language="en",
        label_space="ha",
        intent="HassTurnOn",
        confidence=1.0,
        slots=(Slot("name", "bedroom lamp", 12, 24),),
    )
    completed = complete_slots(request, ROOMS, ["area", "name", "domain"])
    assert [(s.type, s.value, s.start, s.end) for s in completed.slots] == [
        ("area", "bedroom", 12, 19),
        ("domain", "lamp", 20, 24),
    ]
    # The word ends where the word ends, not with the space after it.
    text = "set the bedroom thermostat to 21 degrees"
    thermostat = ParsedRequest(
        text, "en", "ha", "HassClimateSetTemperature", 1.0, (Slot("name", "bedroom thermostat", 8, 26),)
    )
    completed = complete_slots(thermostat, ROOMS, ["area", "name", "domain"])
    assert [(s.type, s.value) for s in completed.slots] == [("area", "bedroom"), ("domain", "thermostat")]
    # Without a domain slot type in the label space the word stays in the template.
    only_area = complete_slots(request, ROOMS, ["area", "name"])
    assert [(s.type, s.value) for s in only_area.slots] == [("area", "bedroom")]


def test_a_room_alone_a_device_called_so_or_a_longer_word_keeps_the_name() -> None:
    def named(text: str, start: int, end: int) -> ParsedRequest:
        slot = Slot("name", text[start:end], start, end)
        return ParsedRequest(text, "", "ha", "HassTurnOn", 1.0, (slot,))

    for request in (
        named("打开卧室", 2, 4),  # the whole room: never every device in it
        named("打开卧室台灯", 2, 6),  # a device aliased 卧室台灯 (the gazetteer's own match)
        named("turn on the bedroom fan", 12, 23),  # a device called "Bedroom Fan"
        named("turn on the denver lamp", 12, 23),  # "den" is not an area inside "denver"
        named("turn on the bedroom lampshade", 12, 29),  # "lamp" is not the whole word
        named("打开卧室音乐", 2, 6),  # 音乐 is no device word
    ):
        assert complete_slots(request, ROOMS, ["area", "name", "domain"]).slots == request.slots, request.text


LISTED = Gazetteer(
    {
        "name": ("Kitchen Light", "Bed Light", "Ceiling Lights", "吊灯", "台灯", "扫地机器人"),
        "area": ("Kitchen", "Bedroom", "厨房", "卧室"),
    }
)


@pytest.mark.parametrize(
    ("text", "language", "names", "template"),
    [
        # The parser: the area kitchen and "light" twice; only the kitchen's lights would have gone off.
        (
            "turn off the kitchen light and the bed light",
            "en",
            ["kitchen light", "bed light"],
            "turn off the {name} and the {name}",
        ),
        (
            "turn on kitchen light and bed light",
            "en",
            ["kitchen light", "bed light"],
            "turn on {name} and {name}",
        ),
        (
            "turn on the ceiling lights, the kitchen light and the bed light",
            "en",
            ["ceiling lights", "kitchen light", "bed light"],
            "turn on the {name}, the {name} and the {name}",
        ),
        # The parser: one name 吊灯和台灯, which names nothing.
        ("关掉吊灯和台灯", "zh", ["吊灯", "台灯"], "关掉{name}和{name}"),
        ("打开吊灯、台灯和扫地机器人", "zh", ["吊灯", "台灯", "扫地机器人"], "打开{name}、{name}和{name}"),
    ],
)
def test_device_names_joined_by_and_are_one_name_each(
    joint_parser: JointParser, text: str, language: str, names: list[str], template: str
) -> None:
    parsed = joint_parser.parse(text, language)
    assert [s.value for s in parsed.slots if s.type == "name"] != names
    completed = complete_slots(parsed, LISTED, joint_parser.slot_types)
    assert [(s.type, s.value) for s in completed.slots] == [("name", name) for name in names]
    assert all(completed.text[s.start : s.end] == s.value for s in completed.slots)
    assert strip_slots(completed).text == template


def test_rooms_one_name_or_names_not_listed_are_left_alone(joint_parser: JointParser) -> None:
    for text, language in (
        ("turn off the kitchen and bedroom lights", "en"),  # two areas: the two-room plans serve them
        ("打开厨房和卧室的灯", "zh"),
        ("turn on the bed light", "en"),  # one name: the parser's name + domain stay
        ("turn on the bed light or the kitchen light", "en"),  # not a list
    ):
        parsed = joint_parser.parse(text, language)
        completed = complete_slots(parsed, LISTED, joint_parser.slot_types)
        assert [s.type for s in completed.slots].count("name") <= 1, text
    # One of the two is not a device of this home: nothing is split.
    parsed = joint_parser.parse("关掉吊灯和壁灯", "zh")
    assert complete_slots(parsed, LISTED, joint_parser.slot_types).slots == parsed.slots


MISREAD = Gazetteer(
    {
        "name": ("AC", "Garage Door", "Decorative Lights", "Kitchen Lights"),
        "area": ("Kitchen", "Garage"),
    }
)


@pytest.mark.parametrize(
    ("text", "misread", "completed", "template"),
    [
        # The parser's device class "ac" names no class; the home has a device called so.
        (
            "is the ac on",
            [("device_class", "ac"), ("state", "on")],
            [("name", "ac"), ("state", "on")],
            "is the {name} {state}",
        ),
        # The class "garage" with "door" left behind.
        (
            "is the garage door open",
            [("device_class", "garage")],
            [("name", "garage door")],
            "is the {name} open",
        ),
        # A state "ac" (the length of time is made minutes later, by the repairs).
        (
            "turn off the ac in 30 minutes",
            [("state", "ac"), ("temperature", "30")],
            [("name", "ac"), ("temperature", "30")],
            "turn off the {name} in {temperature} minutes",
        ),
        # A floor "ative": a piece of "decorative".
        (
            "turn off the decorative lights in 5 minutes",
            [("floor", "ative"), ("domain", "light"), ("minutes", "5")],
            [("name", "decorative lights"), ("minutes", "5")],
            "turn off the {name} in {minutes} minutes",
        ),
        # Only the device word tagged, "decorative" left out: nothing serves "turn off the decorative {domain}s".
        (
            "turn off the decorative lights",
            [("domain", "light")],
            [("name", "decorative lights")],
            "turn off the {name}",
        ),
    ],
)
def test_a_device_name_the_parser_misread_becomes_that_name(
    joint_parser: JointParser,
    text: str,
    misread: list[tuple[str, str]],
    completed: list[tuple[str, str]],
    template: str,
) -> None:
    parsed = joint_parser.parse(text, "en")
    assert [(s.type, s.value) for s in parsed.slots] == misread
    done = complete_slots(parsed, MISREAD, joint_parser.slot_types)
    assert [(s.type, s.value) for s in done.slots] == completed
    assert strip_slots(done).text == template
    assert done.intent == parsed.intent


@pytest.mark.parametrize(
    "text",
    [
        "turn on the kitchen lights",  # a room stays a room, though a device is called "Kitchen Lights"
        "turn on the decorative lights",  # a name and a device word ("lights" is no piece of a word)
        "open the garage",  # no device is called "garage"
    ],
)
def test_a_room_or_a_name_with_its_device_word_is_not_misread(joint_parser: JointParser, text: str) -> None:
    parsed = joint_parser.parse(text, "en")
    assert complete_slots(parsed, MISREAD, joint_parser.slot_types) is parsed


def test_a_device_name_is_found_in_the_other_number_too(joint_parser: JointParser) -> None:
    home = Gazetteer({"area": ("Kitchen",), "name": ("Kitchen Lights", "Porch Light")})
    # Said "kitchen light" for the device "Kitchen Lights": the parser's area and device word, then a name.
    parsed = joint_parser.parse("turn on the kitchen light and the porch light", "en")
    assert "area" in parsed.slot_types
    done = complete_slots(parsed, home, joint_parser.slot_types)
    assert [(s.type, s.value) for s in done.slots] == [("name", "kitchen light"), ("name", "porch light")]
    assert home.knows("name", "kitchen light")
    assert home.knows("name", "porch lights")
    assert not home.knows("area", "kitchens")  # rooms are matched as they are named


SCENES = Gazetteer(
    {"name": ("Movie Night", "Good Night", "回家模式", "晚安", "Kitchen Lights"), "area": ("Kitchen", "厨房")}
)


@pytest.mark.parametrize(
    ("text", "language", "template", "name"),
    [
        ("activate movie night", "en", "activate {name}", "movie night"),  # no intent before
        ("run good night", "en", "run {name}", "good night"),
        ("Activate Movie Night.", "en", "Activate {name}.", "Movie Night"),
        ("启动回家模式", "zh", "启动{name}", "回家模式"),
        ("执行晚安", "zh", "执行{name}", "晚安"),
    ],
)
def test_a_scene_or_script_started_by_its_name_is_switched_on(
    joint_parser: JointParser, text: str, language: str, template: str, name: str
) -> None:
    """Home Assistant's "activate <name>" is HassTurnOn; the parser chose no intent, so it was planned every
    time and never cached."""
    done = complete_slots(joint_parser.parse(text, language), SCENES, joint_parser.slot_types)
    assert (done.intent, [(s.type, s.value) for s in done.slots]) == ("HassTurnOn", [("name", name)])
    assert strip_slots(done).text == template


def test_a_device_name_misread_whole_as_an_area_is_the_name(joint_parser: JointParser) -> None:
    """ "next song on the kitchen speaker" had the area "kitchen speaker" ("no area called so")."""
    home = Gazetteer({"name": ("Kitchen Speaker", "Living Room TV"), "area": ("Kitchen", "Living Room")})
    parsed = joint_parser.parse("next song on the kitchen speaker", "en")
    assert [(s.type, s.value) for s in parsed.slots] == [("area", "kitchen speaker")]
    done = complete_slots(parsed, home, joint_parser.slot_types)
    assert [(s.type, s.value) for s in done.slots] == [("name", "kitchen speaker")]
    assert strip_slots(done).text == "next song on the {name}"
    # A room the home has stays the room, though a device is called "Living Room TV" (the repairs then tag
    # "tv" as its domain).
    parsed = joint_parser.parse("pause the living room tv", "en")
    assert complete_slots(parsed, home, joint_parser.slot_types).slot_values == {"area": "living room"}


def test_a_scene_name_misread_as_an_area_the_home_lacks_is_the_name(joint_parser: JointParser) -> None:
    parsed = joint_parser.parse("activate the movie night scene", "en")
    assert [(s.type, s.value) for s in parsed.slots] == [("area", "night"), ("domain", "scene")]
    done = complete_slots(parsed, SCENES, joint_parser.slot_types)
    assert [(s.type, s.value) for s in done.slots] == [("name", "movie night"), ("domain", "scene")]


@pytest.mark.parametrize(
    "text",
    [
        "movie night",  # no word of starting
        "activate movie night and good night",  # two names
        "start the movie night please",  # more than the name
        "activate the living room",  # no such name
    ],
)
def test_other_requests_with_a_scenes_name_are_left_alone(joint_parser: JointParser, text: str) -> None:
    parsed = joint_parser.parse(text, "en")
    assert complete_slots(parsed, SCENES, joint_parser.slot_types).intent == parsed.intent


def test_two_named_devices_of_two_kinds_keep_their_intent(joint_parser: JointParser) -> None:
    """Two kinds in one command are planned (``repair_two_kinds``), but not the home's devices by their
    names: the two-names plan serves them."""
    home = Gazetteer({"name": ("Kitchen Lights", "Attic Fan"), "area": ("Kitchen",)})
    parsed = joint_parser.parse("turn off the kitchen lights and the attic fan", "en")
    done = repair(complete_slots(parsed, home, joint_parser.slot_types))
    assert (done.intent, [(s.type, s.value) for s in done.slots]) == (
        "HassTurnOff",
        [("name", "kitchen lights"), ("name", "attic fan")],
    )
