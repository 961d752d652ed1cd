"""Repairs of two confusions the parser makes in Home Assistant's label space (:func:`repair`).

A light's brightness read as a cover's position (:func:`repair_brightness`). Chinese dimming is usually
said without 亮度 ("把卧室的灯调到百分之三十", "把床头灯调到百分之三十"), and the parser then tags the
percentage as a ``position`` — inside HassLightSet, or with the intent HassSetPosition itself. No plan for
lights takes a position, so the commonest Chinese dimming commands went to the planner (the offline demo's
small model fails them), and a position plan could be reused for them. Home Assistant's intents settle
what is meant: HassLightSet has no position (its percentage is a brightness), and a position in a request
that speaks of a light (灯/燈, "light", "lamp") and of nothing a cover could be (窗帘, window, door, blind,
…) is a brightness.

A yes/no question read as a command (:func:`repair_question`). "is the porch light on" and
"卧室的灯开着吗" come out as HassTurnOn: a miss then asks the planner for a *turn-on* plan of that
template, and a lowered γ could reuse "打开{area}的灯" (0.70 apart) for the question. A request that
asks — English starting with "is"/"are", Chinese ending in a state and a question particle (开着吗,
关了没有) — is HassGetState, whatever the parser said; polite commands ("能打开灯吗", "帮我开一下灯好吗")
are not questions of that form.

Nothing else is changed; other label spaces are left alone.
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


_SWITCHING = frozenset({"HassTurnOn", "HassTurnOff", "HassLightSet"})
_ENGLISH_QUESTION = re.compile(r"^\s*(is|are|was|were)\s", re.IGNORECASE)
_CHINESE_QUESTION = re.compile(
    r"(开着|關著|关着|開著|亮着|亮著|锁着|鎖著|开了|開了|关了|關了|亮了|锁了|鎖了|锁上了|鎖上了|打开了|打開了|关上了|關上了)"
    r"(吗|嗎|么|麼|没有|沒有|没|沒)\s*[?？]?\s*$|是(开|開|关|關|亮|锁|鎖)着?的?(吗|嗎)\s*[?？]?\s*$"
)


def repair(parsed: ParsedRequest) -> ParsedRequest:
    """Both repairs (see the module doc), questions first."""
    return repair_brightness(repair_question(parsed))


def repair_question(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassGetState when it is a yes/no question about a device's state (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in _SWITCHING:
        return parsed
    if _ENGLISH_QUESTION.match(parsed.text) or _CHINESE_QUESTION.search(parsed.text):
        return dataclasses.replace(parsed, intent="HassGetState")
    return parsed


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
