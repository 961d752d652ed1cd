"""Chinese colour words, as the slot the parser should have tagged and as the colour name Home Assistant
takes.

Why: the parser tags Chinese colours unevenly ("把灯调成红色": nothing; "把灯调成蓝色": 蓝), and
``light.turn_on`` takes CSS colour names ("red"), not "红". Untagged, the colour stayed in the template,
the planner's plan for "把{name}调成红色" carried red itself and, reused for "…蓝色", turned the light red
again; tagged but passed on as said, Home Assistant rejected "蓝". One table serves both: the repair finds
the words (``repairs_levels.repair_chinese_colour``), the runner turns them into names (:func:`css_colour`).
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
