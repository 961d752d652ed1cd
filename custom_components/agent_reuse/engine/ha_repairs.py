"""Repairs of one confusion the parser makes in Home Assistant's label space: a light's brightness read as
a cover's position.

Why: Chinese dimming is usually said without 亮度 ("把卧室的灯调到百分之三十", "把床头灯调到百分之三十"),
and the parser then tags the percentage as a ``position`` — inside HassLightSet, or with the intent
HassSetPosition itself. No plan for lights takes a position, so the commonest Chinese dimming commands
went to the planner (the offline demo's small model fails them), and a position plan could be reused for
them. Home Assistant's intents settle what is meant: HassLightSet has no position (its percentage is a
brightness), and a position in a request that speaks of a light (灯/燈, "light", "lamp") and of nothing a
cover could be (窗帘, window, door, blind, …) is a brightness. Nothing else is changed; other label spaces
are left alone.
"""

from __future__ import annotations

import dataclasses
import re

from .nlu import ParsedRequest

_LIGHT_SET = "HassLightSet"
_SET_POSITION = "HassSetPosition"
_LIGHT_WORDS = re.compile(r"[灯燈]|(?<![a-z])(lights?|lamps?)(?![a-z])", re.IGNORECASE)
_COVER_WORDS = re.compile(
    r"[窗门門帘簾]|(?<![a-z])(windows?|doors?|blinds?|curtains?|shades?|shutters?|covers?|gates?|awnings?)(?![a-z])",
    re.IGNORECASE,
)


def repair_brightness(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` with a light's percentage as ``brightness`` under HassLightSet (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in (_LIGHT_SET, _SET_POSITION):
        return parsed
    if not any(slot.type == "position" for slot in parsed.slots):
        return parsed
    if parsed.intent == _SET_POSITION and (
        not _LIGHT_WORDS.search(parsed.text) or _COVER_WORDS.search(parsed.text)
    ):
        return parsed
    if any(slot.type == "brightness" for slot in parsed.slots):
        return parsed  # both said: leave it to the planner rather than guess which is which
    slots = tuple(
        dataclasses.replace(slot, type="brightness") if slot.type == "position" else slot
        for slot in parsed.slots
    )
    return dataclasses.replace(parsed, intent=_LIGHT_SET, slots=slots)
