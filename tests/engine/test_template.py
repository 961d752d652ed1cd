"""Slot stripping and numbered repeats (``engine/template.py``)."""

from __future__ import annotations

from custom_components.agent_reuse.engine.nlu import ParsedRequest, Slot
from custom_components.agent_reuse.engine.template import number_repeated_slots, strip_slots


def request(text: str, *slots: tuple[str, str]) -> ParsedRequest:
    found = []
    for slot_type, value in slots:
        start = text.index(value)
        found.append(Slot(slot_type, value, start, start + len(value)))
    return ParsedRequest(text, "en", "ha", "HassTurnOn", 1.0, tuple(found))


def test_a_repeated_type_is_numbered_in_order_and_gets_its_own_signature() -> None:
    two = request(
        "turn on the kitchen and bedroom lights",
        ("domain", "light"),
        ("area", "bedroom"),
        ("area", "kitchen"),
    )
    numbered = number_repeated_slots(two)
    assert numbered.slot_values == {"area": "kitchen", "area_2": "bedroom", "domain": "light"}
    template = strip_slots(numbered)
    assert template.text == "turn on the {area} and {area_2} {domain}s"
    assert template.signature == {"area", "area_2", "domain"}
    one = strip_slots(request("turn on the kitchen lights", ("area", "kitchen"), ("domain", "light")))
    assert one.signature != template.signature  # a one-room plan is never reused for two rooms


def test_three_of_a_kind_and_no_repeat() -> None:
    three = number_repeated_slots(request("a b c", ("area", "a"), ("area", "b"), ("area", "c")))
    assert [s.type for s in three.slots] == ["area", "area_2", "area_3"]
    single = request("turn on the kitchen lights", ("area", "kitchen"), ("domain", "light"))
    assert number_repeated_slots(single) is single
