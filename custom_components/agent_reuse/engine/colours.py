"""Chinese colour words, as the slot the parser should have tagged and as the colour name Home Assistant
takes; and the whites of a colour temperature ("warm white", 暖白), as the kelvin Home Assistant takes.

Why: the parser tags Chinese colours unevenly ("把灯调成红色": nothing; "把灯调成蓝色": 蓝), and
``light.turn_on`` takes CSS colour names ("red"), not "红". Untagged, the colour stayed in the template,
the planner's plan for "把{name}调成红色" carried red itself and, reused for "…蓝色", turned the light red
again; tagged but passed on as said, Home Assistant rejected "蓝". One table serves both: the repair finds
the words (``repairs_levels.repair_chinese_colour``), the runner turns them into names (:func:`css_colour`).

"warm white" is no colour: the parser tagged "white" and left "warm" in the template, and the plan of "set
the {area} light to {color}" made the light plain white (an RGB white, not a warm one). A white of a colour
temperature is the ``color_temp`` slot (``repairs_levels.repair_white_temperature``), and the runner turns
it into ``color_temp_kelvin`` (:func:`white_kelvin`), as HassLightSet's ``temperature`` takes it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

from .zh_script import to_script

#: Simplified Chinese colour words → Home Assistant's (CSS) colour names. Traditional forms are read
#: through ``zh_script``.
_COLOURS: Mapping[str, str] = {
    "红": "red",
    "大红": "red",
    "粉红": "pink",
    "粉": "pink",
    "玫红": "deeppink",
    "橙": "orange",
    "橘": "orange",
    "黄": "yellow",
    "金": "gold",
    "绿": "green",
    "浅绿": "lightgreen",
    "深绿": "darkgreen",
    "青": "cyan",
    "蓝": "blue",
    "天蓝": "skyblue",
    "浅蓝": "lightblue",
    "深蓝": "darkblue",
    "紫": "purple",
    "浅紫": "violet",
    "白": "white",
    "棕": "brown",
}


def css_colour(word: str) -> str | None:
    """The colour name Home Assistant takes for a Chinese colour word ("蓝", "藍色" → "blue"), else None."""
    word = to_script(word.strip(), "zh-Hans")
    if word.endswith("色") and len(word) > 1:
        word = word[:-1]
    return _COLOURS.get(word)


@cache
def colour_words() -> re.Pattern[str]:
    """A Chinese colour word said as a colour: followed by 色, or ending the request ("调成红", "红色的")."""
    words = set(_COLOURS) | {to_script(word, "zh-Hant") for word in _COLOURS}
    alternatives = "|".join(sorted(words, key=lambda word: (-len(word), word)))
    return re.compile(rf"(?:{alternatives})(?=色|[。！!]?\s*$)")


#: Whites by their colour temperature (English casefolded, Chinese Simplified) → kelvin: warm as an
#: incandescent bulb, neutral, daylight and cool as the usual bulb boxes say.
_WHITES: Mapping[str, int] = {
    "warm white": 2700,
    "soft white": 2700,
    "warm light": 2700,
    "neutral white": 4000,
    "natural white": 4000,
    "cool white": 5000,
    "daylight": 5500,
    "daylight white": 5500,
    "cold white": 6500,
    "暖白": 2700,
    "暖光": 2700,
    "暖黄": 2700,
    "暖色": 2700,
    "中性光": 4000,
    "自然光": 4000,
    "自然白": 4000,
    "冷白": 6500,
    "冷光": 6500,
    "冷色": 6500,
}


def white_kelvin(words: str) -> int | None:
    """The colour temperature of a white as said ("Warm White", "暖白色", "暖白光") in kelvin, else None."""
    said = to_script(" ".join(words.split()).casefold(), "zh-Hans")
    if said not in _WHITES and said.endswith(("色", "光")) and said[:-1] in _WHITES:
        said = said[:-1]
    return _WHITES.get(said)


@cache
def white_words() -> re.Pattern[str]:
    """A white of a colour temperature said in a request, Latin ones as whole words."""
    words = set(_WHITES) | {to_script(word, "zh-Hant") for word in _WHITES}
    parts = [
        re.escape(word).replace(r"\ ", r"\s+") if word.isascii() else re.escape(word)
        for word in sorted(words, key=lambda word: (-len(word), word))
    ]
    # Not a lamp's name: "日光灯", "暖光灯".
    return re.compile(rf"(?<![a-z])(?:{'|'.join(parts)})(?![a-z]|[灯燈])", re.IGNORECASE)
