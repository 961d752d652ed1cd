"""The room a request comes from, for commands that mean "here": "turn off the lights" said to the bedroom's
voice satellite means the bedroom's lights.

Why: Home Assistant's own sentences for "turn off the lights", "open the blinds", "turn on the fan", "what's
the temperature" or "set the brightness to 50%" take the satellite's area (``requires_context: area``), its
handler for "set the temperature to 22 degrees" prefers the satellite's room, and only "turn off all the
lights" means the whole home.
The parser tags just the device word, so the plan targeted every light of the home: said in the bedroom,
"turn off the lights" switched off the whole house. Here such a request gets the satellite's area as an
``area`` slot that was not said (:func:`with_context_area`). It is part of the request's signature and
values, not of its template text (:func:`~.template.strip_slots` leaves unsaid slots out), so the request
is served by the plans for "turn off the {area} lights" and the reply names the room; it can never reuse
the plan of "turn off all the lights", whose signature has no area.

A request keeps its meaning when it names a place or a device itself (an area, floor or name slot), says
the whole home ("all", "every", "everywhere", "所有", "全部", …) or asks over it ("are any windows open",
"which lights are on"), is about the garage door (Home Assistant's "open the garage door" is any garage
door), or comes from no device with an area (the text Assist dialog, MQTT, a service call). Chinese device
words ("关灯") are names to the parser; the step runner already prefers the satellite's room for those.

Without a room, one device word in the singular means one device (:func:`one_device_of_its_kind`): "turn off
the switch" typed into the text dialog switched off every switch of the home (a pump, a server's plug) by
the plan of "turn off all the {domain}s", while "turn off the tv" (a name to the parser) found the one TV or
asked which one. The English singular of a domain, with nothing else saying where, is now such a name too:
the runner switches the one device of that kind or asks which one. The plural ("turn off the lights") and
"all" keep meaning every one.
"""

from __future__ import annotations

import dataclasses
import re

from .device_words import domain_of_word
from .nlu import ParsedRequest, Slot
from .speech import has_cjk

#: Slots that say what kind of device, without saying which one or where.
_KIND_SLOTS = frozenset({"domain", "device_class"})
#: Intents whose requests mean the room even without a device word, as in Home Assistant's sentences and
#: handlers: "what's the temperature", "set the brightness to 50%", "set the temperature to 22 degrees"
#: (Home Assistant's handler takes the satellite's area when none is said); so do "dim the lights" and "调亮一点".
_ROOM_INTENTS = frozenset(
    {
        "HassClimateGetTemperature",
        "HassLightSet",
        "HassClimateSetTemperature",
        "StepLightBrighter",
        "StepLightDimmer",
    }
)
#: Slots that say where or which: the request means what it says.
_PLACE_SLOTS = frozenset({"area", "floor", "name"})
#: Words for the whole home, or questions over it ("are any windows open", "which lights are on"): whole
#: words in English, anywhere in Chinese.
_WHOLE_HOME = re.compile(
    r"\b(?:all|every|everything|everywhere|whole|entire|house|home|any|anything|which|how\s+many)\b"
    r"|所有|全部|全屋|整个|整個|每个|每個|到处|到處|家里|家裡|家中|哪|有没有|有沒有|几个|幾個|多少个|多少個",
    re.IGNORECASE,
)
#: Device classes Home Assistant's sentences mean home-wide without a room: "open the garage door".
_HOME_WIDE_CLASSES = frozenset({"garage", "garage door", "garage_door"})


def base_type(slot_type: str) -> str:
    """A slot type without its repeat number ("area_2" → "area", see ``template.number_repeated_slots``)."""
    head, _, number = slot_type.rpartition("_")
    return head if head and number.isdigit() else slot_type


def with_context_area(parsed: ParsedRequest, area: str | None) -> ParsedRequest:
    """``parsed`` with the request's room (``area``, as Home Assistant names it) as an unsaid ``area`` slot
    where the request names only a kind of device (see the module doc); else ``parsed`` unchanged.

    The slot's span is empty, at the end of the text: nothing of the text was that area.
    """
    room = (area or "").strip()
    if parsed.intent is None:
        return parsed
    if not room:
        return one_device_of_its_kind(parsed)
    kinds = [slot.value.casefold() for slot in parsed.slots if base_type(slot.type) in _KIND_SLOTS]
    if not (kinds or parsed.intent in _ROOM_INTENTS) or (kinds and set(kinds) <= _HOME_WIDE_CLASSES):
        return parsed
    if any(base_type(slot.type) in _PLACE_SLOTS for slot in parsed.slots) or _WHOLE_HOME.search(parsed.text):
        return parsed
    end = len(parsed.text)
    return dataclasses.replace(parsed, slots=(*parsed.slots, Slot("area", room, end, end)))


#: Commands that switch what they name (a question about "the light" may read every light: it changes nothing).
_SWITCHING = frozenset({"HassTurnOn", "HassTurnOff"})


def one_device_of_its_kind(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` with its one English device word in the singular as a name, where nothing else says which
    or where (see the module doc); else ``parsed`` unchanged."""
    if parsed.intent not in _SWITCHING or _WHOLE_HOME.search(parsed.text):
        return parsed
    kinds = [slot for slot in parsed.slots if base_type(slot.type) in _KIND_SLOTS]
    if len(kinds) != 1 or kinds[0].type != "domain":
        return parsed
    if any(base_type(slot.type) in _PLACE_SLOTS for slot in parsed.slots):
        return parsed
    kind = kinds[0]
    word = parsed.text[kind.start : kind.end]
    if has_cjk(word) or domain_of_word(word) is None or word.casefold().endswith("s"):
        return parsed
    if parsed.text[kind.end : kind.end + 1].isalpha():
        return parsed  # "light" + "s": the parser tags a plural's stem
    name = Slot("name", kind.value, kind.start, kind.end)
    return dataclasses.replace(parsed, slots=tuple(name if slot is kind else slot for slot in parsed.slots))


def unsaid(slot: Slot) -> bool:
    """Whether a slot came from the request's context, not from its words (an empty span)."""
    return slot.start == slot.end
