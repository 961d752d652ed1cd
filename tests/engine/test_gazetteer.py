"""The home's own area/floor names complete the slots the parser missed (real parser)."""

from __future__ import annotations

from custom_components.agent_reuse.engine.gazetteer import Gazetteer, complete_slots
from custom_components.agent_reuse.engine.nlu import JointParser
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
    # 卧室 tagged as an area is not widened into a device name that starts with it.
    bedroom = joint_parser.parse("打开卧室的灯", "zh")
    home = Gazetteer({"name": ("卧室的灯",)})
    assert complete_slots(bedroom, home, joint_parser.slot_types) is bedroom


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
