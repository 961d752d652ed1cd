"""Level repairs: brightness, temperature, volume and colour — set to a value, or stepped (planned).

A light's brightness read as a cover's position (:func:`repair_brightness`). Chinese dimming is usually
said without 亮度 ("把卧室的灯调到百分之三十", "把床头灯调到百分之三十"), and the parser then tags the
percentage as a ``position`` — inside HassLightSet, or with the intent HassSetPosition itself. No plan for
lights takes a position, so the commonest Chinese dimming commands went to the planner (the offline demo's
small model fails them), and a position plan could be reused for them. Home Assistant's intents settle
what is meant: HassLightSet has no position (its percentage is a brightness), and a position in a request
that speaks of a light (灯/燈, "light", "lamp") and of nothing a cover could be (窗帘, window, door, blind,
…) is a brightness.

A cover's position read as a brightness, or said in words (:func:`repair_cover_position`). "close the
garage door to 50%" came out as HassTurnOff with a brightness (the door closed all the way) and "set the
garage door to 50%" as HassLightSet; "close the garage door halfway", "open the curtains halfway" and
"把车库门关到一半" as HassTurnOff / HassTurnOn with no level at all, so the cached "close the
{device_class} door" plan (0.92 away) closed it fully. A percentage said of a cover (a window, door,
curtain, blind, … and no light) is its ``position`` under HassSetPosition, and halfway / 一半 / 半开 is
the position 50 (the slot's value; its span is the word that was said). A position the parser tagged in a
cover's switching command ("close the living room blinds to 20%": HassTurnOff) is HassSetPosition too.

A length of time is the slot of its unit (:func:`repair_duration`). The parser's duration slots are
unreliable: "in 10 minutes" came out as ``seconds`` 10, "in 2 minutes" with no slot at all, "in 1 second" as
a ``floor``. A plan that waits "{slot.minutes}" then could not serve "in 10 minutes", and one made for the
untagged "in 2 minutes" kept the 2 in its template, so a reuse for "in 3 minutes" would wait 2. A number
followed by a unit word (minutes, min, seconds, hours; 分钟, 秒, 小时) is that unit's slot, whatever the
parser tagged over the number.

Half a light's brightness (:func:`repair_half_brightness`). "把卧室的灯调到一半" came out as HassTurnOn with a
*floor* 一 (the light went on at whatever level it had), "set the kitchen lights to half" as HassLightSet
without a level. Said of a light and no cover, to half / half brightness / 调到一半 / 一半亮度 is the
brightness 50 under HassLightSet (the slot's value; its span is the word that was said).

Relative changes (:func:`repair_relative_change`). "dim the kitchen lights" and "turn the bedroom
light down" come out as HassTurnOff: the light went *off*; "turn up the heat" and "turn the fan down" as
HassTurnOn/HassTurnOff too. Home Assistant has no intent for a relative change, so such a request becomes
unknown: the planner plans it (light.turn_on with brightness_step_pct, a thermostat's target a degree
higher) and nothing is cached, instead of a switching plan running or being reused. Only covers keep
"turn … up/down" (the blinds go up).

Relative levels (:func:`repair_relative_level`), the dangerous case: "lower the thermostat by 3 degrees",
"set the temperature 2 degrees higher" and "把温度调高2度" came out as HassClimateSetTemperature *to* 3 or
2 degrees, and "把灯调暗" / "电视声音大一点" as HassLightSet / HassSetVolume whose cached plan would then
serve the opposite direction too ("把灯调亮", 0.9 apart). A temperature, volume or brightness request that
says a direction (by, higher, lower, warmer, up, down, 调高, 调低, 大一点, 调暗, …) and no target (to, 到,
至: "turn up the volume to 90" is Home Assistant's own absolute form) is unknown.

A level one step up or down (:func:`repair_relative_step`). Such requests were unknown (above): planned on
every request and never cached, so "dim the kitchen light", "把客厅的灯调亮一点" and "大声一点" waited for the
planner each time, and offline got nothing. Home Assistant 2025.4 has no intent for them; the engine has its
own, one per direction (``StepLightBrighter``, ``StepLightDimmer``, ``StepVolumeUp``, ``StepVolumeDown``), so
each direction has a cache partition of its own and never serves the other. An unknown request becomes one
when it says one direction (brighten / dim / 调亮 / 暗一点; louder / turn the volume down / 大声 / 音量调小)
of a light (or of nothing else: "dim the office") or of a player's volume, and neither an amount ("by 20
percent", "调高10": the planner's), a target, a negation, heat or a cover. A player (or the music) turned up
or down with no volume word is its volume too (:func:`repair_player_turned_up_or_down`): "turn down the
tv", "turn the music up", "把电视关小一点" (关小 and 开大 were read as switching it off and on), not its
channel. The starter plans step a light by 20 % of its brightness and a player by its own volume
step.

The heat a degree up or down (:func:`repair_temperature_step`). "turn up the heat", "raise the
temperature", "make it cooler", "lower the temperature in the bedroom", "把卧室的温度调高一点", "暖气调低一点"
came out as switching on, a temperature question, a light's level or the weather: planned on every request
or worse. Said of the heat, the thermostat, the temperature or the room's warmth and nothing else, in one
direction, with no amount, target, negation, question or remark, they are the engine's
``StepTemperatureUp`` / ``StepTemperatureDown`` with at most a room; the starter plans move each thermostat's
target one degree from where it is (``plan_schema.TEMPERATURE_STEP_KEY``, done by the runner).

A fan's speed (:func:`repair_fan_speed`). "set the fan speed to 50%" and "把风扇调到百分之五十" are unknown
(above: a level of a fan is no light's or cover's). Said of a fan and nothing else, with one number from 0 to
100 said as a percentage, they are the engine's ``SetFanSpeed`` with that number as ``percentage``
(``fan.set_percentage``); "speed" / 速度 at the end of the parser's name is no part of the fan's name.

Mute (:func:`repair_mute_command`). "mute the tv", "电视静音" and "取消静音" are unknown for the same reason
(``repairs_intents.repair_mute``). Said of a player or of nothing named, and not negated, they are the
engine's ``MuteMedia`` / ``UnmuteMedia``, served by ``media_player.volume_mute``.

A level of another kind of device (:func:`repair_level_of_another_kind`), as dangerous. "set the living room
fan to 40%" came out as HassLightSet of the area with "fan" left in the template, 0.87 from "set the {area}
lights to {brightness}%": the living room's *lights* went to 40 %. "把风扇调到最大" (a fan's speed) came out
as HassLightSet, "set the ceiling fan to 50%" and "把客厅的风扇开到百分之五十" as HassSetPosition, a
cover's. Home Assistant 2025.4 has no intent for a fan's speed, so a HassLightSet that speaks of a device
word of another kind (fan, 风扇, 空调, tv) and of no light, or a HassSetPosition that speaks of one that is
no cover and of no cover, is unknown: planned, never cached, and no light or cover plan is reused for it.
So is one that joins another kind to its own ("set the living room fan and light to 50%").

A room's thermostat (:func:`repair_room_thermostat`). "set the bedroom thermostat to 21 degrees" came out with
the room and "thermostat" as a name, "set the bedroom heat to 20 degrees" as HassLightSet with a temperature,
"set the bedroom ac to 24" as unknown with a brightness: planned every time. A room set *to* one whole number
(to, 到: "把卧室温度降低两度" is two degrees lower, and stays the planner's) with at most the thermostat's
own word (thermostat, ac, 空调; heat) is HassClimateSetTemperature of the room's thermostats, the word left
in the template.

A thermostat's number (:func:`repair_thermostat_number`). "turn up the heat to 22" came out as
HassSetVolume 22 (a player's volume set to 22 %), "set the heat to 21" as HassClimateSetTemperature with
a *position* 21. A number in a request about heat, heating, the thermostat or a temperature (暖气, 温度)
that says nothing of volume is the thermostat's ``temperature``, under HassClimateSetTemperature.

Chinese colours (:func:`repair_chinese_colour`). For HassLightSet a colour word said as a colour (红色,
蓝色, 紫) is the ``color`` slot, widened over the parser's shorter one, and "把灯…" without a name is the
light (灯); the runner hands Home Assistant the colour's name (``colours``).

Whites of a colour temperature (:func:`repair_white_temperature`). "set the kitchen light to warm white" came
out as the colour white with "warm" left in the template (0.9 from "set the {area} light to {color}": the
light went plain white), "把客厅的灯调成暖白色" as a device class 暖 and the colour 白, "set the bed light to
daylight" as switching on a domain "light" cut out of "daylight". A white said of a light (warm / cool /
neutral white, daylight, 暖白, 暖光, 冷白, 自然光) with nothing but kind, colour or state slots over it is
HassLightSet's ``color_temp`` slot; the runner hands Home Assistant its kelvin (``colours``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Set

from .colours import colour_words, white_words
from .device_words import said_kinds
from .nlu import ParsedRequest, Slot
from .repairs_words import (
    FAN_SPEED,
    LIGHT_BRIGHTER,
    LIGHT_DIMMER,
    LIGHT_SET,
    MUTE,
    MUTE_WORDS,
    ON_OFF,
    POLITE,
    SET_POSITION,
    SET_TEMPERATURE,
    SET_VOLUME,
    TEMPERATURE_DOWN,
    TEMPERATURE_UP,
    TURN_OFF,
    TURN_ON,
    UNMUTE,
    VOLUME_DOWN,
    VOLUME_UP,
    in_text_order,
    retyped,
)

_LIGHT_WORDS = re.compile(r"[灯燈]|(?<![a-z])(lights?|lamps?)(?![a-z])", re.IGNORECASE)
_COVER_WORDS = re.compile(
    r"[窗门門帘簾]|(?<![a-z])(windows?|doors?|blinds?|curtains?|shades?|shutters?|covers?|gates?|awnings?)(?![a-z])",
    re.IGNORECASE,
)
_RELATIVE_LIGHT = re.compile(
    r"调暗|調暗|调亮|調亮|[暗亮]一?[点點些]|(?<![a-z])(dim|dimmer|darker|brighten|brighter)(?![a-z])",
    re.IGNORECASE,
)
_TURN_UP_OR_DOWN = re.compile(r"(?<![a-z])turn(?![a-z]).*(?<![a-z])(up|down)(?![a-z])", re.IGNORECASE)
#: A direction for a level (see :func:`repair_relative_level`), and a target that makes it absolute.
_RELATIVE_LEVEL = re.compile(
    r"[调調][高低大小]|升高|降低|提高|[高低大小][一两兩二三四五几幾\d]?[点點些度]|[加减減][一两兩二三四五\d]"
    r"|(?<![a-z])(by|higher|lower|warmer|cooler|colder|hotter|raise|increase|decrease|up|down|louder"
    r"|quieter|softer)(?![a-z])",
    re.IGNORECASE,
)
_ABSOLUTE_TARGET = re.compile(r"[到至]|(?<![a-z])to(?![a-z])", re.IGNORECASE)
_HEAT_WORDS = re.compile(
    r"暖气|暖氣|温度|溫度|空调|空調|冷气|冷氣|(?<![a-z])(heat\w*|thermostat|temperature|degrees?|ac)(?![a-z])",
    re.IGNORECASE,
)
_VOLUME_WORDS = re.compile(r"音量|声音|聲音|(?<![a-z])(volume|loud\w*|quiet\w*)(?![a-z])", re.IGNORECASE)
_NUMBER_SLOTS = frozenset({"volume_level", "position", "brightness"})
#: A number of a level as the parser may tag it, a temperature included ("set the fan to 40%" came out so).
_LEVEL_NUMBER_SLOTS = _NUMBER_SLOTS | {"temperature"}
_DURATION_UNITS = {
    **dict.fromkeys(("minute", "minutes", "min", "mins", "分钟", "分鐘"), "minutes"),
    **dict.fromkeys(("second", "seconds", "sec", "secs", "秒", "秒钟", "秒鐘"), "seconds"),
    **dict.fromkeys(("hour", "hours", "hr", "hrs", "小时", "小時", "个小时", "個小時"), "hours"),
}
_DURATION = re.compile(
    r"(?<![\d./])(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>"
    + "|".join(sorted(map(re.escape, _DURATION_UNITS), key=len, reverse=True))
    + r")(?![a-z])",
    re.IGNORECASE,
)
_HALF_LEVEL = re.compile(
    r"(?<=[到成为為])一半|一半(?=亮度)|(?:(?<=to )|(?<=at ))half(?![a-z])|(?<![a-z])half(?=\s+brightness)",
    re.IGNORECASE,
)
_HALFWAY = re.compile(
    r"(?<![a-z])half[\s-]?way(?![a-z])|(?<=[开開关關到拉升降])一半|半[开開关關]", re.IGNORECASE
)
#: Home Assistant's cover device classes, as the parser tags them (see :func:`repair_cover_position`).
_COVER_CLASSES = frozenset(
    {"awning", "blind", "curtain", "damper", "door", "garage", "gate", "shade", "shutter", "window"}
)
_THE_LAMP = re.compile(rf"^\s*{POLITE}把(?P<lamp>[灯燈])")


def _with_the_lamp(text: str, slots: list[Slot]) -> list[Slot]:
    """``slots`` with 灯 as the name when the request says "把灯…" and names no device or room: the light, as
    "打开灯" says it."""
    lamp = _THE_LAMP.match(text)
    if lamp is None or any(slot.type in ("name", "area") for slot in slots):
        return slots
    return [*slots, Slot("name", lamp["lamp"], *lamp.span("lamp"))]


#: A percent sign or word right after a number ("30 percent", "30%").
_PERCENT_AFTER = re.compile(r"\s*(?:%|％|percent(?![a-z])|per\s+cent(?![a-z]))", re.IGNORECASE)


def repair_brightness(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` with a light's percentage as ``brightness`` under HassLightSet (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in (LIGHT_SET, SET_POSITION):
        return parsed
    if parsed.intent == LIGHT_SET:
        parsed = _percent_temperature_as_position(parsed)
    if not any(slot.type == "position" for slot in parsed.slots):
        return parsed
    if parsed.intent == SET_POSITION and not _of_a_light(parsed):
        return parsed
    if any(slot.type == "brightness" for slot in parsed.slots):
        return parsed  # both said: leave it to the planner rather than guess which is which
    return dataclasses.replace(
        parsed, intent=LIGHT_SET, slots=retyped(parsed.slots, {"position"}, "brightness")
    )


def _percent_temperature_as_position(parsed: ParsedRequest) -> ParsedRequest:
    """A light's "temperature" said in percent is its level: "dim the living room lights to 30 percent"
    came out with the temperature 30 (a planner call each time, and a plan for a colour temperature)."""
    percent = [
        slot
        for slot in parsed.slots
        if slot.type == "temperature" and _PERCENT_AFTER.match(parsed.text, slot.end)
    ]
    if len(percent) != 1 or any(slot.type in _NUMBER_SLOTS for slot in parsed.slots):
        return parsed
    return dataclasses.replace(parsed, slots=retyped(parsed.slots, {"temperature"}, "position"))


def repair_duration(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` with each number said with a unit of time as that unit's slot (see the module doc).

    A timer's own length ("pause the 1 hour timer": ``start_hours``) keeps its kind, in the unit said."""
    if parsed.label_space != "ha" or parsed.intent is None:
        return parsed
    slots = list(parsed.slots)
    for match in _DURATION.finditer(parsed.text):
        start, end = match.span("n")
        unit = _DURATION_UNITS[match.group("unit").casefold()]
        over = [slot for slot in slots if slot.overlaps(start, end)]
        if any((slot.start, slot.end) != (start, end) for slot in over):
            continue  # the number is part of a longer slot ("Living Room 2"): the parser's reading stands
        kind = f"start_{unit}" if over and over[0].type.startswith("start_") else unit
        if over and over[0].type == kind:
            continue
        slots = [slot for slot in slots if slot not in over]
        slots.append(Slot(kind, match.group("n"), start, end))
    ordered = in_text_order(slots)
    return parsed if ordered == parsed.slots else dataclasses.replace(parsed, slots=ordered)


def repair_cover_position(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassSetPosition when it sets a cover to a percentage or halfway (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in (*ON_OFF, LIGHT_SET, SET_POSITION):
        return parsed
    if not _of_a_cover(parsed):
        return parsed
    types = {slot.type for slot in parsed.slots}
    if "brightness" in types and "position" not in types:
        slots: tuple[Slot, ...] | None = retyped(parsed.slots, {"brightness"}, "position")
    elif "position" in types:
        slots = None if parsed.intent == SET_POSITION else parsed.slots
    else:
        slots = _half(parsed, _HALFWAY, "position")
    return parsed if slots is None else dataclasses.replace(parsed, intent=SET_POSITION, slots=slots)


def repair_half_brightness(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassLightSet with the brightness 50 when it sets a light to half (see the module doc)."""
    # Also a cover's or none: "把台灯调到一半" came out as HassSetPosition, unknown once a light is seen in it.
    if (
        parsed.label_space != "ha"
        or parsed.intent not in (*ON_OFF, LIGHT_SET, SET_POSITION, None)
        or not _of_a_light(parsed)
    ):
        return parsed
    slots = _half(parsed, _HALF_LEVEL, "brightness")
    return parsed if slots is None else dataclasses.replace(parsed, intent=LIGHT_SET, slots=slots)


def _of_a_light(parsed: ParsedRequest) -> bool:
    """Whether the request speaks of a light (灯, "lamp") and of nothing a cover could be."""
    return bool(_LIGHT_WORDS.search(parsed.text)) and not _COVER_WORDS.search(parsed.text)


def _of_a_cover(parsed: ParsedRequest) -> bool:
    """Whether the request speaks of a cover (a cover word or device class) and of no light."""
    cover_class = any(
        s.type == "device_class" and s.value.casefold().rstrip("s") in _COVER_CLASSES for s in parsed.slots
    )
    return (cover_class or bool(_COVER_WORDS.search(parsed.text))) and not _LIGHT_WORDS.search(parsed.text)


def _half(parsed: ParsedRequest, words: re.Pattern[str], slot_type: str) -> tuple[Slot, ...] | None:
    """The slots with a ``slot_type`` 50 over the half-word ``words`` finds (value 50, span the word said);
    None when there is no such word, a level is already tagged, or a slot reaches beyond the word. Slots
    inside the word (the parser's floor 一 of 一半) go."""
    half = words.search(parsed.text)
    if half is None or any(slot.type in _NUMBER_SLOTS for slot in parsed.slots):
        return None
    start, end = half.span()
    inside = [slot for slot in parsed.slots if slot.overlaps(start, end)]
    if any(slot.start < start or slot.end > end for slot in inside):
        return None
    kept = [slot for slot in parsed.slots if slot not in inside]
    return in_text_order((*kept, Slot(slot_type, "50", start, end)))


def repair_relative_change(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as an unknown intent when it asks for a light brighter or dimmer, or for anything but a
    cover turned up or down (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in ON_OFF:
        return parsed
    text = parsed.text
    relative = _RELATIVE_LIGHT.search(text) or (
        _TURN_UP_OR_DOWN.search(text) and not _COVER_WORDS.search(text)
    )
    return dataclasses.replace(parsed, intent=None) if relative else parsed


def repair_relative_level(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as an unknown intent when it asks for a temperature, volume or brightness a step up or
    down rather than set to a value, or for a non-light's level (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in (SET_TEMPERATURE, SET_VOLUME, LIGHT_SET):
        return parsed
    text = parsed.text
    words = _RELATIVE_LIGHT if parsed.intent == LIGHT_SET else _RELATIVE_LEVEL
    relative = bool(words.search(text)) and not _ABSOLUTE_TARGET.search(text)
    return dataclasses.replace(parsed, intent=None) if relative else parsed


_BRIGHTER = re.compile(
    r"调亮|調亮|[开開][大亮]|亮一?[点點些]|更亮|(?<![a-z])(brighten|brighter|lighter)(?![a-z])", re.IGNORECASE
)
_DIMMER = re.compile(
    r"调暗|調暗|[关關][小暗]|暗一?[点點些]|更暗|(?<![a-z])(dim|dimmer|darker)(?![a-z])", re.IGNORECASE
)
#: A level up or down: a player's volume, and a thermostat's target ("把暖气开大一点", "升高温度").
_LOUDER = re.compile(
    r"[调調开開][高大]|[高大]一?[点點些]|大声|大聲|提高|升高|增大|加大"
    r"|(?<![a-z])(up|louder|raise|increase|higher)(?![a-z])",
    re.IGNORECASE,
)
_QUIETER = re.compile(
    r"[调調关關][低小]|[低小]一?[点點些]|小声|小聲|降低|减小|減小"
    r"|(?<![a-z])(down|quieter|softer|lower|decrease|reduce)(?![a-z])",
    re.IGNORECASE,
)
#: The music, said for its player ("turn the music down"); a channel's up and down are no volume.
_MUSIC = re.compile(r"音乐|音樂|(?<![a-z])music(?![a-z])", re.IGNORECASE)
_CHANNEL = re.compile(r"频道|頻道|[换換]台|(?<![a-z])(channels?|station)(?![a-z])", re.IGNORECASE)
_LOUDNESS = re.compile(r"大声|大聲|小声|小聲|(?<![a-z])softer(?![a-z])", re.IGNORECASE)
#: A step of a said size ("by 20 percent", "调高10", "两格") is the planner's: the plans here step by a fixed
#: amount. So is a negated one.
_SAID_AMOUNT = re.compile(
    r"\d|[%％]|百分|[一二两兩三四五六七八九十]+\s*(?:度|格)|(?<![a-z])(by|percent|degrees?)(?![a-z])",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"不要|别|別|(?<![a-z])(don'?t|do\s+not|never|not)(?![a-z])", re.IGNORECASE)
#: "关小" / "开大" (turned down / up, of a player or a light), though the parser reads 关 and 开 as switching.
_OPENED_WIDER_OR_NARROWER = re.compile(r"[关關][小低暗]|[开開][大高亮]")
#: "一点" after a direction, where the parser may tag a piece ("电视开大一点": the floor 一).
_A_BIT = re.compile(r"一?[点點些]")


def _turned_wider_or_narrower(parsed: ParsedRequest, *, a_bit: bool) -> bool:
    """Whether 关小 / 开大 is said as a step (followed by 一点 where ``a_bit``), not as switching a device whose
    name starts with 小 or 大 ("关小夜灯", "开大灯": the parser's name covers the 小 / 大)."""
    return any(
        not any(slot.overlaps(match.start() + 1, match.end()) for slot in parsed.slots)
        and (not a_bit or _A_BIT.match(parsed.text, match.end()) is not None)
        for match in _OPENED_WIDER_OR_NARROWER.finditer(parsed.text)
    )


#: Slots a step request may have: what to step, and where.
_STEP_SLOTS = frozenset({"area", "floor", "name", "domain"})


def _only_slots_of(slots: Iterable[Slot], allowed: Set[str]) -> bool:
    """Whether every slot is of an ``allowed`` type, a repeated one ("area_2") counted as its type."""
    return all(slot.type.rstrip("_0123456789") in allowed for slot in slots)


def repair_relative_step(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` under the engine's own step intent when, unknown, it asks for a light brighter or dimmer or a
    player louder or quieter by no said amount (see the module doc)."""
    text = parsed.text
    if parsed.label_space != "ha" or not (
        parsed.intent is None
        # "把灯关小一点" (dim it a bit) was read as switching the light off; a light's 关小 / 开大 must say
        # "a bit", as "开大灯" is switching on the main light.
        or (parsed.intent in (TURN_ON, TURN_OFF) and _turned_wider_or_narrower(parsed, a_bit=True))
    ):
        return parsed
    if (
        not _only_slots_of(parsed.slots, _STEP_SLOTS)
        or _ABSOLUTE_TARGET.search(text)
        or _SAID_AMOUNT.search(text)
        or _NEGATED.search(text)
        or _HEAT_WORDS.search(text)
        or _COVER_WORDS.search(text)
    ):
        return parsed
    kinds = said_kinds(text)
    step: str | None = None
    if _VOLUME_WORDS.search(text) or _LOUDNESS.search(text):
        if kinds <= {"media_player"}:
            step = _one_way(_LOUDER.search(text), _QUIETER.search(text), VOLUME_UP, VOLUME_DOWN)
    elif kinds <= {"light"}:
        step = _one_way(_BRIGHTER.search(text), _DIMMER.search(text), LIGHT_BRIGHTER, LIGHT_DIMMER)
        if step is None and kinds and (turned := _TURN_UP_OR_DOWN.search(text)):
            step = LIGHT_BRIGHTER if turned.group(1).lower() == "up" else LIGHT_DIMMER
    return parsed if step is None else dataclasses.replace(parsed, intent=step)


def repair_player_turned_up_or_down(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as a player's volume step when it turns a player (or the music) up or down with no volume
    word: "turn down the tv", "turn the music up", "把电视关小一点" (see the module doc)."""
    text = parsed.text
    if parsed.label_space != "ha" or _VOLUME_WORDS.search(text) or _LOUDNESS.search(text):
        return parsed  # said with a volume word: repair_relative_step's
    # 关小 / 开大 of a player is only ever its volume; the parser read it as switching, pausing, and
    # "把音箱开大一点" (音箱 rare in its data) as starting the vacuum.
    if parsed.intent is not None and not _turned_wider_or_narrower(parsed, a_bit=False):
        return parsed
    kinds = said_kinds(text)
    if not (kinds == {"media_player"} or (not kinds and _MUSIC.search(text))) or _CHANNEL.search(text):
        return parsed
    step = _one_way(_LOUDER.search(text), _QUIETER.search(text), VOLUME_UP, VOLUME_DOWN)
    if step is None or _ABSOLUTE_TARGET.search(text) or _SAID_AMOUNT.search(text) or _NEGATED.search(text):
        return parsed
    said = [match.span() for words in (_LOUDER, _QUIETER, _A_BIT) for match in words.finditer(text)]
    slots = tuple(slot for slot in parsed.slots if not any(slot.overlaps(*span) for span in said))
    if not _only_slots_of(slots, _STEP_SLOTS):
        return parsed
    return _player_word_as_name(dataclasses.replace(parsed, intent=step, slots=slots))


_KIND_SLOT_TYPES = frozenset({"domain", "device_class"})
_PERCENT_SAID = re.compile(r"[%％]|百分|(?<![a-z])(percent|per\s+cent)(?![a-z])", re.IGNORECASE)
#: What the parser's name for a fan may end with that is no part of it ("the attic fan speed").
_SPEED_WORD = re.compile(r"(?:\s+speed|的?(?:速度|风速|風速|转速|轉速))$", re.IGNORECASE)


def repair_fan_speed(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as the engine's SetFanSpeed with the number as ``percentage`` when, unknown, it sets a fan
    and nothing else to a percentage (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent is not None or said_kinds(parsed.text) != {"fan"}:
        return parsed
    numbers = [slot for slot in parsed.slots if slot.type in _LEVEL_NUMBER_SLOTS]
    others = [slot for slot in parsed.slots if slot not in numbers]
    if (
        len(numbers) != 1
        or not numbers[0].value.isdigit()
        or not 0 <= int(numbers[0].value) <= 100
        or not _PERCENT_SAID.search(parsed.text)
        or not _only_slots_of(others, _STEP_SLOTS | _KIND_SLOT_TYPES)
        or _NEGATED.search(parsed.text)
    ):
        return parsed
    slots = [dataclasses.replace(numbers[0], type="percentage")]
    in_area = any(slot.type == "area" for slot in others)
    for slot in others:
        if slot.type in _KIND_SLOT_TYPES:
            # "the fan" is the device word (the only fan, or the room's); a room's fan is its kind.
            if in_area:
                slots.append(dataclasses.replace(slot, type="domain"))
            continue
        speed = _SPEED_WORD.search(slot.value) if slot.type == "name" else None
        if speed is not None and speed.start() > 0:
            slot = dataclasses.replace(
                slot, value=slot.value[: speed.start()], end=slot.start + speed.start()
            )
        slots.append(slot)
    return dataclasses.replace(parsed, intent=FAN_SPEED, slots=in_text_order(slots))


_UNMUTE_WORDS = re.compile(r"取消静音|解除静音|取消靜音|解除靜音|(?<![a-z])unmute(?![a-z])", re.IGNORECASE)


def repair_mute_command(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as the engine's mute or unmute when, unknown, it asks a player (or nothing named) to be
    muted or unmuted (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent is not None or not MUTE_WORDS.search(parsed.text):
        return parsed
    text = parsed.text
    # The parser's slots over the mute words themselves ("电视静音": a name 静音, a device class 静) go.
    slots = tuple(slot for slot in parsed.slots if not any(_overlaps_mute(slot, text)))
    if (
        not _only_slots_of(slots, _STEP_SLOTS)
        or _NEGATED.search(text)
        or not said_kinds(text) <= {"media_player"}
    ):
        return parsed
    muted = dataclasses.replace(parsed, intent=UNMUTE if _UNMUTE_WORDS.search(text) else MUTE, slots=slots)
    return _player_word_as_name(muted)


def _overlaps_mute(slot: Slot, text: str) -> list[bool]:
    return [slot.overlaps(*match.span()) for match in MUTE_WORDS.finditer(text)]


_PLAYER_WORD = re.compile(
    r"电视机|電視機|电视|電視|音箱|音响|音響|播放器|喇叭|(?<![a-z])(tv|television|speaker|player)(?![a-z])",
    re.IGNORECASE,
)


def _player_word_as_name(parsed: ParsedRequest) -> ParsedRequest:
    """A player's word the parser left untagged ("电视静音", "unmute the speaker") as the ``name``, as the
    runner resolves a device word: the only such player, the satellite room's, or it asks which."""
    if any(slot.type in ("name", "domain") for slot in parsed.slots):
        return parsed
    match = _PLAYER_WORD.search(parsed.text)
    if match is None or any(slot.overlaps(*match.span()) for slot in parsed.slots):
        return parsed
    name = Slot("name", match.group(), *match.span())
    return dataclasses.replace(parsed, slots=in_text_order((*parsed.slots, name)))


def _one_way(up: object, down: object, up_intent: str, down_intent: str) -> str | None:
    """The intent of the one direction said; None for none or both."""
    if bool(up) == bool(down):
        return None
    return up_intent if up else down_intent


#: The kinds of device each level intent sets (see :func:`repair_level_of_another_kind`).
_LEVEL_KINDS = {LIGHT_SET: frozenset({"light"}), SET_POSITION: frozenset({"cover", "valve"})}


_AND = re.compile(r"[和跟与與、]|以及|(?<![a-z])and(?![a-z])", re.IGNORECASE)


def repair_level_of_another_kind(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as an unknown intent when it sets a light's or a cover's level of a device word of another
    kind and of none of its own (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in _LEVEL_KINDS:
        return parsed
    own = _LEVEL_KINDS[parsed.intent]
    said = said_kinds(parsed.text)
    if said - own and said & own and _AND.search(parsed.text):
        # "set the living room fan and light to 50%": the fan came out as the kind of a light's level.
        return dataclasses.replace(parsed, intent=None)
    if not said - own or said & own:
        return parsed
    words = _LIGHT_WORDS if parsed.intent == LIGHT_SET else _COVER_WORDS
    return parsed if words.search(parsed.text) else dataclasses.replace(parsed, intent=None)


def repair_thermostat_number(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as a thermostat's temperature when it sets a number about heat (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in (SET_VOLUME, SET_TEMPERATURE):
        return parsed
    if not _HEAT_WORDS.search(parsed.text) or _VOLUME_WORDS.search(parsed.text):
        return parsed
    if any(slot.type == "temperature" for slot in parsed.slots):
        return parsed
    slots = retyped(parsed.slots, _NUMBER_SLOTS, "temperature")
    if parsed.intent == SET_TEMPERATURE and slots == parsed.slots:
        return parsed
    return dataclasses.replace(parsed, intent=SET_TEMPERATURE, slots=slots)


#: What a thermostat step speaks of: the heat, the thermostat or the temperature (空调 alone could be its fan).
_TEMPERATURE_SAID = re.compile(
    r"暖气|暖氣|温度|溫度|(?<![a-z])(heat|heating|thermostat|temperature)(?![a-z])", re.IGNORECASE
)
#: Warmer and cooler, said of the room ("make it warmer"): a thermostat step without a thermostat word.
_WARM = re.compile(r"暖和|(?<![a-z])(warmer|hotter)(?![a-z])", re.IGNORECASE)
_COOL = re.compile(r"凉快|涼快|(?<![a-z])(cooler|colder)(?![a-z])", re.IGNORECASE)
#: A question about the temperature ("is the heat up?", "温度高吗") asks; it changes nothing. A remark about
#: it ("it's getting colder": a complaint that wants it *warmer*) says no direction to go.
_QUESTION_OR_REMARK = re.compile(
    r"[?？吗嗎]|多少|[几幾]度|太|有[点點]"
    r"|(?<![a-z])(what|how|is|are|does|did|why|when|it'?s|getting|too|feels?)(?![a-z])",
    re.IGNORECASE,
)


def _of_thermostats_only(text: str) -> bool:
    """Whether ``text`` speaks of no kind of device but a thermostat, of no light or volume, and is not
    negated: what both thermostat repairs (a number, a step) require before they take a request."""
    return not (_VOLUME_WORDS.search(text) or _LIGHT_WORDS.search(text) or _NEGATED.search(text)) and (
        said_kinds(text) <= {"climate"}
    )


def repair_temperature_step(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as the engine's StepTemperatureUp / StepTemperatureDown when it turns the heat, the
    thermostat or the temperature up or down, or asks for it warmer or cooler, by no said amount.

    Why: Home Assistant 2025.4 has no intent for it, and the parser read these everyday requests as anything:
    "turn up the heat" and "raise the temperature" as switching on (with no target), "lower the temperature
    in the bedroom" as a temperature question, "把卧室的温度调高一点" and "暖气调低一点" as a light's level (a
    light named 暖), "make it cooler" as switching on a device class "cool". They were planned on every
    request (offline: nothing) or worse. Said of a thermostat or the room and nothing else (no light, player
    or cover, no volume), in one direction, with no amount ("by 2 degrees", "调高两度": the planner's), no
    target ("to 22": HassClimateSetTemperature), no negation, question or remark ("it's getting colder"),
    the request steps the thermostats one degree; only a room (and the words of the request) may be tagged.
    """
    text = parsed.text
    if parsed.label_space != "ha":
        return parsed
    warm, cool = _WARM.search(text), _COOL.search(text)
    if not (_TEMPERATURE_SAID.search(text) or warm or cool):
        return parsed
    up = warm or _LOUDER.search(text)
    down = cool or _QUIETER.search(text)
    step = _one_way(up, down, TEMPERATURE_UP, TEMPERATURE_DOWN)
    if (
        step is None
        or _SAID_AMOUNT.search(text)
        or _ABSOLUTE_TARGET.search(text)
        or _QUESTION_OR_REMARK.search(text)
        or _COVER_WORDS.search(text)
        or not _of_thermostats_only(text)
    ):
        return parsed
    said = [
        match.span()
        for words in (_TEMPERATURE_SAID, _WARM, _COOL, _LOUDER, _QUIETER)
        for match in words.finditer(text)
    ]
    areas = []
    for slot in parsed.slots:
        if slot.type == "area":
            areas.append(slot)
        elif not any(slot.overlaps(*span) for span in said) and said_kinds(slot.value) != {"climate"}:
            return parsed  # a name, a floor, a number: not the fixed step of a room's thermostats
    if len(areas) > 1:
        return parsed
    return dataclasses.replace(parsed, intent=step, slots=tuple(areas))


#: A thermostat's own word as the parser tags it: "thermostat" a name, "ac" a device class or a domain.
_THERMOSTAT_WORD_SLOTS = frozenset({"domain", "device_class", "name"})


def repair_room_thermostat(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassClimateSetTemperature of a room's thermostats when it sets a room's thermostat, heat
    or ac to a number (see the module doc)."""
    text = parsed.text
    if parsed.label_space != "ha" or parsed.intent not in (SET_TEMPERATURE, LIGHT_SET, None):
        return parsed
    if (
        not _HEAT_WORDS.search(text)
        # Set *to* a number: "把卧室温度降低两度" (two degrees lower) is relative, the planner's.
        or not _ABSOLUTE_TARGET.search(text)
        or _PERCENT_SAID.search(text)
        or not _of_thermostats_only(text)
    ):
        return parsed
    numbers = [slot for slot in parsed.slots if slot.type in _LEVEL_NUMBER_SLOTS]
    areas = [slot for slot in parsed.slots if slot.type == "area"]
    others = [slot for slot in parsed.slots if slot not in numbers and slot not in areas]
    if len(numbers) != 1 or len(areas) != 1 or not numbers[0].value.isdigit():
        return parsed
    # Only the thermostat's own word besides.
    if any(
        slot.type not in _THERMOSTAT_WORD_SLOTS or said_kinds(slot.value) != {"climate"} for slot in others
    ):
        return parsed
    slots = in_text_order((areas[0], dataclasses.replace(numbers[0], type="temperature")))
    repaired = dataclasses.replace(parsed, intent=SET_TEMPERATURE, slots=slots)
    return parsed if repaired == parsed else repaired


#: Setting a light to something: the parser may miss HassLightSet when the white is all that is said.
_SET_TO = re.compile(
    r"[调調换換变變][成为為]|(?<![a-z])(set|make|change|turn)(?![a-z]).*(?<![a-z])to(?![a-z])", re.IGNORECASE
)
#: Slots the parser put over a white's words ("warm" a colour, 暖 a device class, "light" out of "daylight").
_OVER_A_WHITE = frozenset({"color", "device_class", "domain", "state"})


def repair_white_temperature(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassLightSet with a white of a colour temperature as its ``color_temp`` slot (see the
    module doc)."""
    text = parsed.text
    if parsed.label_space != "ha" or (found := white_words().search(text)) is None:
        return parsed
    if parsed.intent != LIGHT_SET and not (parsed.intent in (TURN_ON, None) and _SET_TO.search(text)):
        return parsed
    start, end = found.span()
    over = [slot for slot in parsed.slots if slot.overlaps(start, end)]
    if any(slot.type not in _OVER_A_WHITE for slot in over) or not said_kinds(text) <= {"light"}:
        return parsed
    slots = [slot for slot in parsed.slots if slot not in over]
    if not _only_slots_of(slots, _STEP_SLOTS | {"brightness"}):
        return parsed  # a colour as well: which one is meant is the planner's guess, not ours
    slots.append(Slot("color_temp", found.group(), start, end))
    return dataclasses.replace(parsed, intent=LIGHT_SET, slots=in_text_order(_with_the_lamp(text, slots)))


def repair_chinese_colour(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` with a Chinese colour word of HassLightSet as its ``color`` slot (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent != LIGHT_SET:
        return parsed
    found = colour_words().search(parsed.text)
    if found is None:
        return parsed
    start, end = found.span()
    overlapping = [slot for slot in parsed.slots if slot.overlaps(start, end)]
    if any(slot.type != "color" for slot in overlapping):
        return parsed
    slots = [slot for slot in parsed.slots if slot not in overlapping]
    slots.append(Slot("color", found.group(), start, end))
    ordered = in_text_order(_with_the_lamp(parsed.text, slots))
    return parsed if ordered == parsed.slots else dataclasses.replace(parsed, slots=ordered)
