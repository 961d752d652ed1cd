"""Intent names and words that more than one kind of repair needs (:mod:`.ha_repairs`).

Why a module: the switching, level and intent repairs each keep their own word tables; these few are
read by two or three of them, and one definition keeps them from drifting apart.
"""

from __future__ import annotations

import re

LIGHT_SET = "HassLightSet"
SET_POSITION = "HassSetPosition"
TURN_ON, TURN_OFF = "HassTurnOn", "HassTurnOff"
ON_OFF = frozenset({TURN_ON, TURN_OFF})
SET_TEMPERATURE, SET_VOLUME = "HassClimateSetTemperature", "HassSetVolume"
POLITE = r"(?:请|請|帮我|幫我|麻烦|麻煩|给我|給我)?"
CHINESE_QUESTION = re.compile(
    r"(开着|關著|关着|開著|亮着|亮著|锁着|鎖著|开了|開了|关了|關了|亮了|锁了|鎖了|锁上了|鎖上了|打开了|打開了|关上了|關上了"
    r"|拉上了|拉开了|拉開了|合上了|放下了|收起了)"
    r"(吗|嗎|么|麼|没有|沒有|没|沒)\s*[?？]?\s*$|是(开|開|关|關|亮|锁|鎖)着?的?(吗|嗎)\s*[?？]?\s*$"
)
