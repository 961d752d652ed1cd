"""Intent names and words that more than one kind of repair needs (:mod:`.ha_repairs`).

Why a module: the switching, level and intent repairs each keep their own word tables; these few are
read by two or three of them, and one definition keeps them from drifting apart.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Set

from .nlu import Slot

LIGHT_SET = "HassLightSet"
SET_POSITION = "HassSetPosition"
TURN_ON, TURN_OFF = "HassTurnOn", "HassTurnOff"
ON_OFF = frozenset({TURN_ON, TURN_OFF})
SET_TEMPERATURE, SET_VOLUME = "HassClimateSetTemperature", "HassSetVolume"
START_TIMER, CANCEL_TIMER, CANCEL_ALL_TIMERS = "HassStartTimer", "HassCancelTimer", "HassCancelAllTimers"
TIMER_STATUS = "HassTimerStatus"
GET_STATE = "HassGetState"
NEVERMIND = "HassNevermind"
#: The engine's own intents for a level one step up or down, which Home Assistant 2025.4 has no intent for
#: (``repairs_levels.repair_relative_step``): a light brighter or dimmer, a player louder or quieter. Each
#: direction is an intent of its own, so its cache partition never serves the other direction.
LIGHT_BRIGHTER, LIGHT_DIMMER = "StepLightBrighter", "StepLightDimmer"
VOLUME_UP, VOLUME_DOWN = "StepVolumeUp", "StepVolumeDown"
#: A thermostat's target one degree up or down (``repairs_levels.repair_temperature_step``).
TEMPERATURE_UP, TEMPERATURE_DOWN = "StepTemperatureUp", "StepTemperatureDown"
STEP_INTENTS = frozenset(
    {LIGHT_BRIGHTER, LIGHT_DIMMER, VOLUME_UP, VOLUME_DOWN, TEMPERATURE_UP, TEMPERATURE_DOWN}
)
#: Mute and unmute, which Home Assistant 2025.4 has no intent for either (``repairs_levels.repair_mute_command``).
MUTE, UNMUTE = "MuteMedia", "UnmuteMedia"
#: A fan's speed in percent, which Home Assistant 2025.4 has no intent for (``repair_fan_speed``).
FAN_SPEED = "SetFanSpeed"
#: Every intent of the engine's own: known only after the repairs.
OWN_INTENTS = STEP_INTENTS | {MUTE, UNMUTE, FAN_SPEED}
MUTE_WORDS = re.compile(r"静音|靜音|(?<![a-z])(un)?mute(?![a-z])", re.IGNORECASE)
#: Home Assistant's timer intents (2025.4): the repairs, cancel requests and the integration's timers use them.
TIMER_INTENTS = frozenset(
    {
        START_TIMER,
        CANCEL_TIMER,
        CANCEL_ALL_TIMERS,
        TIMER_STATUS,
        "HassPauseTimer",
        "HassUnpauseTimer",
        "HassIncreaseTimer",
        "HassDecreaseTimer",
    }
)
#: Chinese switching verbs said before the thing (打开 X), and the one-character ones of the short forms
#: (开灯, 關冷氣), with the intent each asks for.
VERBS_BEFORE = {v: TURN_ON for v in ("打开", "打開", "开启", "開啟", "开一下", "開一下")}
VERBS_BEFORE |= {v: TURN_OFF for v in ("关闭", "關閉", "关掉", "關掉", "关上", "關上", "关一下", "關一下")}
SHORT_VERBS = {"开": TURN_ON, "開": TURN_ON, "关": TURN_OFF, "關": TURN_OFF}
POLITE = r"(?:请|請|帮我|幫我|麻烦|麻煩|给我|給我)?"
CHINESE_QUESTION = re.compile(
    r"(开着|關著|关着|開著|亮着|亮著|锁着|鎖著|开了|開了|关了|關了|亮了|锁了|鎖了|锁上了|鎖上了|打开了|打開了|关上了|關上了"
    r"|拉上了|拉开了|拉開了|合上了|放下了|收起了)"
    r"(吗|嗎|么|麼|没有|沒有|没|沒)\s*[?？]?\s*$|是(开|開|关|關|亮|锁|鎖)着?的?(吗|嗎)\s*[?？]?\s*$"
)


def in_text_order(slots: Iterable[Slot]) -> tuple[Slot, ...]:
    """``slots`` sorted by where they were said (the order ``ParsedRequest.slots`` keeps)."""
    return tuple(sorted(slots, key=lambda slot: slot.start))


def retyped(slots: Iterable[Slot], types: Set[str], new_type: str) -> tuple[Slot, ...]:
    """``slots`` with each slot of one of ``types`` made a ``new_type`` slot (same words, same span)."""
    return tuple(dataclasses.replace(slot, type=new_type) if slot.type in types else slot for slot in slots)
