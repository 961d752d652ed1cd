"""Words for a kind of device ("灯", "fan", "空调"), mapped to the Home Assistant domain they mean.

Why in the engine: the runner resolves such a word said as a name or a ``domain`` slot ("打开风扇": the one
fan, or the satellite room's fans), and the parser repairs (``ha_repairs``) need to know that "空调" in
"打开空调" is a thing the runner can resolve before they make it a name. One table, no Home Assistant
imports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache

from .speech import has_cjk
from .zh_script import to_script

#: Words the NLU reports as a ``domain`` slot (or a lone name), mapped to Home Assistant domains.
#: English and Simplified Chinese: Traditional forms (燈, 空調, 電視) are read through ``zh_script``.
_WORDS: Mapping[str, str] = {
    "light": "light",
    "lights": "light",
    "lamp": "light",
    "lamps": "light",
    "灯": "light",
    "灯光": "light",
    "电灯": "light",
    "switch": "switch",
    "switches": "switch",
    "plug": "switch",
    "开关": "switch",
    "插座": "switch",
    "fan": "fan",
    "fans": "fan",
    "风扇": "fan",
    "电扇": "fan",
    "电风扇": "fan",
    "cover": "cover",
    "covers": "cover",
    "blind": "cover",
    "blinds": "cover",
    "curtain": "cover",
    "curtains": "cover",
    "shade": "cover",
    "shades": "cover",
    "窗帘": "cover",
    "百叶窗": "cover",
    "卷帘": "cover",
    "帘子": "cover",
    "window": "cover",
    "windows": "cover",
    "窗户": "cover",
    "lock": "lock",
    "locks": "lock",
    "锁": "lock",
    "门锁": "lock",
    "thermostat": "climate",
    "air conditioner": "climate",
    "ac": "climate",
    "空调": "climate",
    "冷气": "climate",
    "heater": "climate",
    "vacuum": "vacuum",
    "扫地机": "vacuum",
    "扫地机器人": "vacuum",
    "tv": "media_player",
    "speaker": "media_player",
    "电视": "media_player",
    "音箱": "media_player",
    "音响": "media_player",
    "scene": "scene",
    "场景": "scene",
    "script": "script",
    "脚本": "script",
    "窗戶": "cover",
    "humidifier": "humidifier",
    "dehumidifier": "humidifier",
    "加湿器": "humidifier",
    "除湿机": "humidifier",
    "抽湿机": "humidifier",
    "water heater": "water_heater",
    "热水器": "water_heater",
    "valve": "valve",
    "valves": "valve",
    "阀门": "valve",
}


def domain_of_word(word: str) -> str | None:
    """The Home Assistant domain a device word means ("Lights", "灯", "燈", "空調" → light / climate), else None."""
    return _WORDS.get(_key(word))


def _key(word: str) -> str:
    """How the word tables are keyed: lower case, Simplified script, no surrounding spaces."""
    return to_script(word.strip().casefold(), "zh-Hans")


#: Media player words (in ``_WORDS`` too) that also say the player's device class: "电视" is a TV, "音箱" a
#: speaker.
_MEDIA_CLASSES: Mapping[str, str] = {
    "tv": "tv",
    "电视": "tv",
    "speaker": "speaker",
    "音箱": "speaker",
    "音响": "speaker",
}


def media_class_of_word(word: str) -> str | None:
    """The media player device class a device word says ("电视", "電視", "tv" → ``tv``), else None."""
    return _MEDIA_CLASSES.get(_key(word))


#: The longest device word in characters ("air conditioner"): how far a scan for one has to look.
_LONGEST = max(len(word) for word in _WORDS)


def device_word_end(text: str, start: int, min_end: int) -> int | None:
    """The end of the longest device word said at ``text[start]`` that reaches at least ``min_end``, else
    None. Latin words end at a word's end ("lamp" is not read out of "lampshade") and without the space
    after them ("thermostat", not "thermostat ")."""
    for end in range(min(len(text), start + _LONGEST), max(min_end, start + 1) - 1, -1):
        last = text[end - 1]
        if last.isspace():
            continue
        if (
            last.isalnum()
            and not has_cjk(last)
            and end < len(text)
            and (text[end].isalnum() or text[end] == "_")
        ):
            continue
        if domain_of_word(text[start:end]) is not None:
            return end
    return None


def said_kinds(text: str) -> frozenset[str]:
    """The domains of the device words said anywhere in ``text`` ("set the living room fan to 40%" →
    ``{"fan"}``); Latin words whole ("ac" is not read out of "back"). One regular expression over the
    text in the tables' form (lower case, Simplified script): a few microseconds, as it runs in the
    repairs of every request."""
    return frozenset(_WORDS[word] for word in _said_words(text))


def _said_words(text: str) -> Iterator[str]:
    """The device words said in ``text``, in the tables' form."""
    return (match.group() for match in _any_device_word().finditer(_key(text)))


@cache
def _any_device_word() -> re.Pattern[str]:
    """Every device word, longest first (so "air conditioner" wins over "air"), Latin ones as whole words."""
    parts = [
        re.escape(word) if has_cjk(word) else rf"(?<![a-z0-9_]){re.escape(word)}(?![a-z0-9_])"
        for word in sorted(_WORDS, key=len, reverse=True)
    ]
    return re.compile("|".join(parts))


#: Words whose kind is narrower than their domain: windows are covers, but no plan for the curtains serves
#: them; a TV is a media player, but "暂停电视" is not the speaker's.
_NARROWER_KINDS: Mapping[str, str] = {
    **dict.fromkeys(("window", "windows", "窗户", "窗戶"), "cover:window"),
    **{word: f"media_player:{kind}" for word, kind in _MEDIA_CLASSES.items()},
}


def said_device_kinds(text: str) -> frozenset[str]:
    """Like :func:`said_kinds`, with windows and the media player classes told apart ("cover:window",
    "media_player:tv"): what a cached template's words must agree with (``cache.kinds_agree``)."""
    return frozenset(_NARROWER_KINDS.get(word, _WORDS[word]) for word in _said_words(text))


#: A Latin word ending in "s": perhaps a plural a reply template made ("{slot.domain}s").
_ENDS_IN_S = re.compile(r"\b([A-Za-z]+)s\b")


def spelt_plurals(text: str) -> str:
    """``text`` with each device word's plural that a reply template made by appending "s" spelt as the word
    table has it: "Turned off the {slot.domain}s in the {slot.area}." said "switchs", now "switches"."""

    def spell(match: re.Match[str]) -> str:
        word, stem = match.group(0), match.group(1)
        if domain_of_word(word) is None and domain_of_word(f"{stem}es") is not None:
            return f"{stem}es"
        return word

    return _ENDS_IN_S.sub(spell, text)
