"""Repairs of confusions the parser makes in Home Assistant's label space (:func:`repair`).

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

The direction of a media step (:func:`repair_media_step`). "next track", "next song" and "play the next
song" come out as HassMediaPrevious (0.69–1.00): the player went *back*, and a plan cached under that
partition for "next track" could later be reused for "previous track". Within the pair HassMediaNext /
HassMediaPrevious the words decide: next/skip/forward/下一/换一首 against previous/back/last/replay/上一; a
request with both keeps the parser's choice. One with neither is no step at all: "播放音乐" (play music)
came out as HassMediaPrevious at 1.00, so it is unknown and planned (Home Assistant 2025.4 has no intent
for it either), never served by a cached "previous track" plan.

The vacuum's errand (:func:`repair_vacuum_errand`). "send the vacuum home" came out as HassVacuumStart:
it set off cleaning. Within the pair HassVacuumStart / HassVacuumReturnToBase, words of going back (home,
dock, base, charge, 返回, 回去, 充电, 回充) make it HassVacuumReturnToBase.

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
至: "turn up the volume to 90" is Home Assistant's own absolute form) is unknown. So is HassLightSet of a
device word that is no light ("把风扇调到最大": a fan's speed).

A thermostat's setting (:func:`repair_setting_question`). "what's the temperature in the kitchen set to"
and "what is the thermostat set to" come out as HassClimateGetTemperature, which reads the *measured*
temperature (and whose starter plan, 0.91 away, would answer with it). Home Assistant has no intent for
the target, so a temperature question that says set to / target / 设定 / 设置 is unknown: the planner reads
the ``temperature`` attribute.

Weather and broadcasts without their words (:func:`repair_unsaid_intent`). "晚安" (good night) came out
as HassGetWeather of a place called 晚安, "早上好" (good morning) as HassBroadcast of the message 早 to
every satellite. A weather request says something about the weather (天气, rain, forecast, …) and a
broadcast says broadcast/announce/广播/播放; without those words the request is unknown and planned.

A weather word is no place (:func:`repair_weather_name`): "will it rain today" had the name "rain",
and the weather plan looked for a weather entity called so. A name that is itself a weather word is
dropped.

A thermostat's number (:func:`repair_thermostat_number`). "turn up the heat to 22" came out as
HassSetVolume 22 (a player's volume set to 22 %), "set the heat to 21" as HassClimateSetTemperature with
a *position* 21. A number in a request about heat, heating, the thermostat or a temperature (暖气, 温度)
that says nothing of volume is the thermostat's ``temperature``, under HassClimateSetTemperature.

A shopping-list item the parser did not tag (:func:`repair_list_item`). Items are open-ended and the parser
knows few ("add milk to the shopping list" had no ``item``). The plan made for it then carries "milk"
itself, and reused for "add eggs to the shopping list" it would add milk again. For HassShoppingListAddItem
and HassListAddItem without an item, the words between "add"/"put" and "to/on the … list" (把/将 X
加到/放进 …清单, 加 X 到 …) are the item.

A negated command (:func:`repair_negation`). "don't turn on the light" came out as HassTurnOn and "不要开灯"
as HassTurnOff: a command said not to be done, or said in a way no cached plan should guess at. A request
to act that says don't / do not / never / 不要 / 别 / 不用 is unknown and planned.

Chinese colours (:func:`repair_chinese_colour`). For HassLightSet a colour word said as a colour (红色,
蓝色, 紫) is the ``color`` slot, widened over the parser's shorter one, and "把灯…" without a name is the
light (灯); the runner hands Home Assistant the colour's name (``colours``).

Mute (:func:`repair_mute`). "mute the tv" came out as HassMediaPause, "电视静音" as HassTurnOn of a device
named 静音, "unmute the speaker" as HassSetVolume. Home Assistant 2025.4 has no mute intent either, so a
request that says mute/unmute/静音 is unknown too (media_player.volume_mute, planned).

A Chinese switching command with a device the parser does not know (:func:`repair_switch_command`).
"关闭空调" came out as HassCancelAllTimers, "打开空调" and "把空调关了" as unknown, "打開冷氣" as
HassGetWeather; "打开电视" had the name "电", "关闭电视" none. A request that is only a switching verb and
one thing X (打开/关闭/关掉/关上/开启 X, 把 X 打开/关了/关上; for a device word also 开/关 X and X 关掉/打开
without 把: "开灯", "關冷氣", "电视关掉") is HassTurnOn/HassTurnOff as the verb says,
unless the parser already chose one of the two (打开大门 may unlock a lock: HassTurnOff) or X is a lock.
With an area before it ("关闭卧室的空调", unknown to the parser) the same holds only when X is a device
word and the parser chose neither; "打开卧室的灯" keeps the parser's reading and its template. When X is a
device word the runner resolves (空调, 电视, 灯, 窗帘: ``device_words``) and the parser found no slot in
it, or only its first character as a name, the name is X. Other things keep the parser's slots: a device's
own name or alias is already tagged by the gazetteer, and for anything else the planner, which sees the
words, does better than a name that names nothing. X is never a timer, an alarm or music, a target
("到50%"), or "all …" (所有电扇 is a domain).
The English form works the same way for a device word (:func:`_english_switch`): "turn off the ac", where
the parser tags nothing, and "turn on the thermostat", which it reads as HassClimateGetTemperature.

Drawing curtains (:func:`repair_curtain_verb`). The verbs that draw curtains and blinds are not in Home
Assistant's sentences, and the parser got them backwards: "把窗帘拉上" (draw them closed), "放下窗帘"
(lower the blind) and "合上窗帘" came out as HassTurnOn, "把窗帘拉开" (draw them open) and "收起窗帘" (roll
the blind up) as HassTurnOff. A request about curtains or blinds with a verb of one direction only (拉开,
升起, 收起, 卷起 open; 拉上, 合上, 放下, 降下, 拉拢 close) and no target (到一半, 50%: a position) is
HassTurnOn/HassTurnOff as the verb says. A name the parser made of the verb and the curtain ("合上窗帘") is
dropped; without an area the curtain word is the name (the runner resolves 窗帘 to the cover, or asks which
one), with one it stays in the template as in "打开{area}的窗帘".

A device word cut short (:func:`repair_truncated_device_word`). "把空调调到26度" came out with the name
空 ("no device called 空"). A name that is the start of a device word said right there (空 of 空调, 电 of
电视) is widened to the word, which the runner resolves.

Nothing else is changed; other label spaces are left alone.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Set

from .colours import colour_words
from .device_words import domain_of_word
from .nlu import ParsedRequest, Slot
from .speech import has_cjk

#: The longest Chinese device word (扫地机器人) in characters: how far past a cut-short name to look.
_DEVICE_WORD_MAX = 6

_LIGHT_SET = "HassLightSet"
_SET_POSITION = "HassSetPosition"
_LIGHT_WORDS = re.compile(r"[灯燈]|(?<![a-z])(lights?|lamps?)(?![a-z])", re.IGNORECASE)
_COVER_WORDS = re.compile(
    r"[窗门門帘簾]|(?<![a-z])(windows?|doors?|blinds?|curtains?|shades?|shutters?|covers?|gates?|awnings?)(?![a-z])",
    re.IGNORECASE,
)


_TURN_ON, _TURN_OFF = "HassTurnOn", "HassTurnOff"
_ON_OFF = frozenset({_TURN_ON, _TURN_OFF})
_SWITCHING = _ON_OFF | {_LIGHT_SET}
_MEDIA_NEXT, _MEDIA_PREVIOUS = "HassMediaNext", "HassMediaPrevious"
_NEXT_WORDS = re.compile(
    r"下一|下首|切歌|跳过|跳過|[换換]一?[首曲个個]|(?<![a-z])(next|skip|forward|change)(?![a-z])",
    re.IGNORECASE,
)
_PREVIOUS_WORDS = re.compile(
    r"上一|前一|再播|重播|(?<![a-z])(previous|back|prior|last|replay|again)(?![a-z])", re.IGNORECASE
)
_VACUUM_START, _VACUUM_RETURN = "HassVacuumStart", "HassVacuumReturnToBase"
_GOING_BACK = re.compile(
    r"返回|回去|回来|回來|充电|充電|回充|回座|(?<![a-z])(home|dock\w*|base|charg\w*|return\w*)(?![a-z])",
    re.IGNORECASE,
)
_RELATIVE_LIGHT = re.compile(
    r"调暗|調暗|调亮|調亮|[暗亮]一?[点點些]|(?<![a-z])(dim|dimmer|darker|brighten|brighter)(?![a-z])",
    re.IGNORECASE,
)
_TURN_UP_OR_DOWN = re.compile(r"(?<![a-z])turn(?![a-z]).*(?<![a-z])(up|down)(?![a-z])", re.IGNORECASE)
_GET_TEMPERATURE = "HassClimateGetTemperature"
_SET_TEMPERATURE, _SET_VOLUME = "HassClimateSetTemperature", "HassSetVolume"
#: A direction for a level (see :func:`repair_relative_level`), and a target that makes it absolute.
_RELATIVE_LEVEL = re.compile(
    r"[调調][高低大小]|升高|降低|提高|[高低大小][一两兩二三四五几幾\d]?[点點些度]|[加减減][一两兩二三四五\d]"
    r"|(?<![a-z])(by|higher|lower|warmer|cooler|colder|hotter|raise|increase|decrease|up|down|louder"
    r"|quieter|softer)(?![a-z])",
    re.IGNORECASE,
)
_ABSOLUTE_TARGET = re.compile(r"[到至]|(?<![a-z])to(?![a-z])", re.IGNORECASE)
_SETTING_WORDS = re.compile(
    r"设定|設定|设置|設置|设为|設為|设成|設成|调到了|調到了|(?<![a-z])(set\s+(to|at)|target|setpoint)(?![a-z])",
    re.IGNORECASE,
)
#: Intents that are only what their own words say (see :func:`repair_unsaid_intent`).
_SAID_WITH: Mapping[str, re.Pattern[str]] = {
    "HassGetWeather": re.compile(
        r"天气|天氣|下雨|下雪|[雨雪风風晴阴陰热熱]|冷(?![气氣])|气温|氣溫|温度|溫度|预报|預報|雨伞|雨傘|(?<![a-z])(weather|rain\w*"
        r"|snow\w*|forecast|temperature|sunny|cloudy|hot|cold|warm|wind\w*|umbrella|storm\w*)(?![a-z])",
        re.IGNORECASE,
    ),
    "HassBroadcast": re.compile(
        r"广播|廣播|播报|播報|播放|通知|(?<![a-z])(broadcast|announce|tell everyone)(?![a-z])", re.IGNORECASE
    ),
}
_WEATHER_NAME = re.compile(
    r"^(下雨|下雪|雨|雪|晴|(?:rain|snow|sun|sunny|cloudy|storm|wind|windy|hot|cold)(?:y|ing)?)$",
    re.IGNORECASE,
)
_HEAT_WORDS = re.compile(
    r"暖气|暖氣|温度|溫度|空调|空調|冷气|冷氣|(?<![a-z])(heat\w*|thermostat|temperature|degrees?|ac)(?![a-z])",
    re.IGNORECASE,
)
_VOLUME_WORDS = re.compile(r"音量|声音|聲音|(?<![a-z])(volume|loud\w*|quiet\w*)(?![a-z])", re.IGNORECASE)
_NUMBER_SLOTS = frozenset({"volume_level", "position", "brightness"})
_ADD_ITEM = frozenset({"HassShoppingListAddItem", "HassListAddItem"})
_LIST_ITEM = (
    re.compile(
        r"^\s*(?:please\s+)?(?:add|put)\s+(?P<item>.+?)\s+(?:to|on|onto|in)\s+(?:the|my)\s+(?:.+\s+)?list\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"^\s*(?:请|請)?(?:把|将|將)(?P<item>[^，,。]+?)(?:加到|加入|添加到|放到|放进|放進|记到|記到)"
    ),
    re.compile(r"^\s*(?:请|請)?(?:加|添加)\s*(?P<item>[^，,。]+?)\s*(?:到|进|進)"),
)
#: Intents that act on the home (not questions), and words that negate a request to act.
_ACTIONS = _SWITCHING | {
    _SET_POSITION,
    _SET_TEMPERATURE,
    _SET_VOLUME,
    _MEDIA_NEXT,
    _MEDIA_PREVIOUS,
    "HassMediaPause",
    "HassMediaUnpause",
    "HassVacuumStart",
    "HassVacuumReturnToBase",
    "HassBroadcast",
}
_NEGATION = re.compile(r"不要|不用|甭|[别別](?![墅])|(?<![a-z])(don'?t|do not|never)(?![a-z])", re.IGNORECASE)
_MUTE_WORDS = re.compile(r"静音|靜音|(?<![a-z])(un)?mute(?![a-z])", re.IGNORECASE)
_MUTE_CONFUSIONS = frozenset(
    {"HassMediaPause", "HassMediaUnpause", "HassSetVolume", "HassTurnOn", "HassTurnOff"}
)
_ENGLISH_SWITCH = re.compile(
    r"^\s*(?:please\s+)?(?:turn|switch)\s+(?:(?P<on>on|off)\s+(?:the\s+)?(?P<thing>[a-z ]{2,24}?)"
    r"|(?:the\s+)?(?P<thing2>[a-z ]{2,24}?)\s+(?P<on2>on|off))(?:\s+please)?\s*[.!]?\s*$",
    re.IGNORECASE,
)
#: The switching verbs before the thing (打开 X) and after it (把 X 关了), and what each one asks for.
_VERBS_BEFORE = {v: _TURN_ON for v in ("打开", "打開", "开启", "開啟", "开一下", "開一下")}
_VERBS_BEFORE |= {v: _TURN_OFF for v in ("关闭", "關閉", "关掉", "關掉", "关上", "關上", "关一下", "關一下")}
_VERBS_AFTER = {v: _TURN_ON for v in ("打开", "打開", "开开", "開開")}
_VERBS_AFTER |= {v: _TURN_OFF for v in ("关了", "關了", "关上", "關上", "关掉", "關掉", "关闭", "關閉")}
_POLITE = r"(?:请|請|帮我|幫我|麻烦|麻煩|给我|給我)?"
# One thing: no 的/嘅/之 (an area and a name, which the parser reads well), no number or target (到 50%: a
# position), not "all …" (所有电扇 is a domain, not a name).
_THING = r"(?!所有|全部|全屋|一切|每)(?P<thing>[^\s的嘅之，,。？?！!吧吗嗎呢把到成为為\d%％]{1,12}?)"
_END = r"(?:吧|一下)?[。！!]?\s*$"
#: "卧室的" before the thing: an area (or a name) the parser tags well.
_OWNER = r"(?:(?P<owner>[^\s的嘅之，,。？?！!吧吗嗎呢把]{1,10})[的嘅之])?"
_VERB_THING = re.compile(rf"^\s*{_POLITE}(?P<verb>{'|'.join(_VERBS_BEFORE)}){_OWNER}{_THING}{_END}")
_THING_VERB = re.compile(rf"^\s*{_POLITE}把{_OWNER}{_THING}(?P<verb>{'|'.join(_VERBS_AFTER)}){_END}")
#: The short forms — 开灯 / 關冷氣 (one-character verb), 电视关掉 (no 把) — only for a device word: 开会 and
#: 天气关掉 are no switching commands.
_SHORT_VERBS = {"开": _TURN_ON, "開": _TURN_ON, "关": _TURN_OFF, "關": _TURN_OFF}
_SHORT_VERB_THING = re.compile(rf"^\s*{_POLITE}(?P<verb>[开開关關]){_OWNER}{_THING}{_END}")
_BARE_THING_VERB = re.compile(rf"^\s*{_POLITE}{_OWNER}{_THING}(?P<verb>{'|'.join(_VERBS_AFTER)}){_END}")
#: Each form, the intent each of its verbs asks for, and whether the thing must be a device word.
_SWITCH_FORMS: tuple[tuple[re.Pattern[str], Mapping[str, str], bool], ...] = (
    (_VERB_THING, _VERBS_BEFORE, False),
    (_THING_VERB, _VERBS_AFTER, False),
    (_SHORT_VERB_THING, _SHORT_VERBS, True),
    (_BARE_THING_VERB, _VERBS_AFTER, True),
)
#: Curtains and blinds, and the verbs that draw them open or closed (see :func:`repair_curtain_verb`).
_CURTAINS = re.compile(r"窗帘|窗簾|百叶窗|百葉窗|卷帘|捲簾|遮阳帘|遮陽簾|纱帘|紗簾|帘子|簾子")
_DRAW_OPEN = re.compile(r"拉开|拉開|升起|收起|卷起|捲起")
_DRAW_CLOSED = re.compile(r"拉上|合上|放下|降下|拉拢|拉攏")
_TARGET = re.compile(r"[到至成]|\d|一半|%|％")
_THE_LAMP = re.compile(rf"^\s*{_POLITE}把(?P<lamp>[灯燈])")
_LOCK_WORDS = re.compile(r"[锁鎖]")
_NOT_A_DEVICE = re.compile(r"计时|計時|定时|定時|闹钟|鬧鐘|提醒|音乐|音樂|歌|广播|廣播|节目|節目")
_ENGLISH_QUESTION = re.compile(r"^\s*(is|are|was|were)\s", re.IGNORECASE)
_CHINESE_QUESTION = re.compile(
    r"(开着|關著|关着|開著|亮着|亮著|锁着|鎖著|开了|開了|关了|關了|亮了|锁了|鎖了|锁上了|鎖上了|打开了|打開了|关上了|關上了"
    r"|拉上了|拉开了|拉開了|合上了|放下了|收起了)"
    r"(吗|嗎|么|麼|没有|沒有|没|沒)\s*[?？]?\s*$|是(开|開|关|關|亮|锁|鎖)着?的?(吗|嗎)\s*[?？]?\s*$"
)


def repair(parsed: ParsedRequest) -> ParsedRequest:
    """Every repair (see the module doc), in order: switching commands and questions first."""
    for one in _REPAIRS:
        parsed = one(parsed)
    return parsed


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


def repair_media_step(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassMediaNext or HassMediaPrevious as its words say (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in (_MEDIA_NEXT, _MEDIA_PREVIOUS):
        return parsed
    forward, backward = bool(_NEXT_WORDS.search(parsed.text)), bool(_PREVIOUS_WORDS.search(parsed.text))
    if not forward and not backward:
        return dataclasses.replace(parsed, intent=None)
    if forward and backward:
        return parsed
    intent = _MEDIA_NEXT if forward else _MEDIA_PREVIOUS
    return parsed if intent == parsed.intent else dataclasses.replace(parsed, intent=intent)


def repair_relative_level(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as an unknown intent when it asks for a temperature, volume or brightness a step up or
    down rather than set to a value, or for a non-light's level (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in (_SET_TEMPERATURE, _SET_VOLUME, _LIGHT_SET):
        return parsed
    text = parsed.text
    words = _RELATIVE_LIGHT if parsed.intent == _LIGHT_SET else _RELATIVE_LEVEL
    relative = bool(words.search(text)) and not _ABSOLUTE_TARGET.search(text)
    if parsed.intent == _LIGHT_SET:
        named = (domain_of_word(slot.value) for slot in parsed.slots if slot.type == "name")
        relative = relative or any(domain not in (None, "light") for domain in named)
    return dataclasses.replace(parsed, intent=None) if relative else parsed


def repair_vacuum_errand(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassVacuumReturnToBase when a vacuum request says it goes back (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent != _VACUUM_START or not _GOING_BACK.search(parsed.text):
        return parsed
    return dataclasses.replace(parsed, intent=_VACUUM_RETURN)


def repair_setting_question(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as an unknown intent when it asks what a thermostat is set to (see the module doc)."""
    return _unknown_when(parsed, {_GET_TEMPERATURE}, _SETTING_WORDS)


def repair_negation(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as an unknown intent when it says not to act (see the module doc)."""
    return _unknown_when(parsed, _ACTIONS, _NEGATION)


def repair_chinese_colour(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` with a Chinese colour word of HassLightSet as its ``color`` slot (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent != _LIGHT_SET:
        return parsed
    found = colour_words().search(parsed.text)
    if found is None:
        return parsed
    start, end = found.span()
    overlapping = [slot for slot in parsed.slots if slot.start < end and start < slot.end]
    if any(slot.type != "color" for slot in overlapping):
        return parsed
    slots = [slot for slot in parsed.slots if slot not in overlapping]
    slots.append(Slot("color", found.group(), start, end))
    lamp = _THE_LAMP.match(parsed.text)
    if lamp is not None and not any(slot.type in ("name", "area") for slot in slots):
        slots.append(Slot("name", lamp["lamp"], *lamp.span("lamp")))  # 把灯…: the light, as 打开灯 says it
    slots.sort(key=lambda slot: slot.start)
    return parsed if tuple(slots) == parsed.slots else dataclasses.replace(parsed, slots=tuple(slots))


def repair_mute(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as an unknown intent when it asks to mute or unmute (see the module doc)."""
    return _unknown_when(parsed, _MUTE_CONFUSIONS, _MUTE_WORDS)


def repair_unsaid_intent(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as an unknown intent when it is weather or a broadcast without those words (see the
    module doc)."""
    words = _SAID_WITH.get(parsed.intent or "")
    if parsed.label_space != "ha" or words is None or words.search(parsed.text):
        return parsed
    return dataclasses.replace(parsed, intent=None)


def repair_weather_name(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` without a name that is a weather word (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent != "HassGetWeather":
        return parsed
    slots = tuple(s for s in parsed.slots if not (s.type == "name" and _WEATHER_NAME.match(s.value.strip())))
    return parsed if slots == parsed.slots else dataclasses.replace(parsed, slots=slots)


def repair_thermostat_number(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as a thermostat's temperature when it sets a number about heat (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in (_SET_VOLUME, _SET_TEMPERATURE):
        return parsed
    if not _HEAT_WORDS.search(parsed.text) or _VOLUME_WORDS.search(parsed.text):
        return parsed
    if any(slot.type == "temperature" for slot in parsed.slots):
        return parsed
    slots = tuple(
        dataclasses.replace(slot, type="temperature") if slot.type in _NUMBER_SLOTS else slot
        for slot in parsed.slots
    )
    if parsed.intent == _SET_TEMPERATURE and slots == parsed.slots:
        return parsed
    return dataclasses.replace(parsed, intent=_SET_TEMPERATURE, slots=slots)


def repair_list_item(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` with the item of a list request the parser did not tag (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in _ADD_ITEM:
        return parsed
    if any(slot.type == "item" for slot in parsed.slots):
        return parsed
    for pattern in _LIST_ITEM:
        match = pattern.match(parsed.text)
        if match is None:
            continue
        start, end = match.span("item")
        kept = tuple(slot for slot in parsed.slots if slot.end <= start or slot.start >= end)
        item = Slot("item", parsed.text[start:end], start, end)
        return dataclasses.replace(parsed, slots=tuple(sorted((*kept, item), key=lambda slot: slot.start)))
    return parsed


def _unknown_when(parsed: ParsedRequest, intents: Set[str], words: re.Pattern[str]) -> ParsedRequest:
    """``parsed`` with no intent when the parser chose one of ``intents`` and the request says ``words``:
    what Home Assistant has no intent for goes to the planner, and is not cached."""
    if parsed.label_space != "ha" or parsed.intent not in intents or not words.search(parsed.text):
        return parsed
    return dataclasses.replace(parsed, intent=None)


def repair_relative_change(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as an unknown intent when it asks for a light brighter or dimmer, or for anything but a
    cover turned up or down (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in _ON_OFF:
        return parsed
    text = parsed.text
    relative = _RELATIVE_LIGHT.search(text) or (
        _TURN_UP_OR_DOWN.search(text) and not _COVER_WORDS.search(text)
    )
    return dataclasses.replace(parsed, intent=None) if relative else parsed


def repair_switch_command(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassTurnOn/HassTurnOff of the thing a bare Chinese switching command names."""
    if parsed.label_space != "ha":
        return parsed
    english = _ENGLISH_SWITCH.match(parsed.text)
    if english is not None:
        return _english_switch(parsed, english)
    found = next(
        (
            (match, verbs, needs_word)
            for form, verbs, needs_word in _SWITCH_FORMS
            if (match := form.match(parsed.text))
        ),
        None,
    )
    if found is None:
        return parsed
    match, verbs, needs_word = found
    if _NOT_A_DEVICE.search(match["thing"]):
        return parsed
    intent = parsed.intent
    device_word = domain_of_word(match["thing"]) is not None
    if needs_word and not device_word:
        return parsed
    if match["owner"] is not None and (intent in _ON_OFF or not device_word):
        # "打开卧室的灯": the parser's reading (and the starter plans' template "打开{area}的灯") stays;
        # only a device word after an area the parser could not place ("关闭卧室的空调": unknown) is taken.
        return parsed
    if intent not in _ON_OFF:
        if _LOCK_WORDS.search(match["thing"]):
            return parsed  # 打开门锁 unlocks (HassTurnOff): for a lock the verb alone does not say which
        intent = verbs[match["verb"]]
    start, end = match.span("thing")
    inside = [slot for slot in parsed.slots if slot.start >= start and slot.end <= end]
    # The parser's truncations keep the first character only (电 for 电视, 冷 for 冷氣); longer slots
    # inside the thing (卧室 in 卧室空调) are its own reading of an area and a name, and stay.
    truncated = len(inside) == 1 and inside[0].type == "name" and inside[0].start == start
    truncated = truncated and inside[0].end == start + 1 < end
    # A slot the parser found inside the verb ("打" of 打开 as a device class) is no slot.
    verb_start, verb_end = match.span("verb")
    slots = tuple(slot for slot in parsed.slots if slot.end <= verb_start or slot.start >= verb_end)
    if (not inside or truncated) and device_word:
        kept = tuple(slot for slot in slots if slot not in inside)
        slots = tuple(sorted((*kept, Slot("name", match["thing"], start, end)), key=lambda slot: slot.start))
    if intent == parsed.intent and slots == parsed.slots:
        return parsed
    return dataclasses.replace(parsed, intent=intent, slots=slots)


def repair_curtain_verb(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassTurnOn/HassTurnOff as a verb that draws curtains says (see the module doc)."""
    if parsed.label_space != "ha" or (parsed.intent is not None and parsed.intent not in _ON_OFF):
        return parsed
    curtain = _CURTAINS.search(parsed.text)
    if curtain is None or _TARGET.search(parsed.text) or _CHINESE_QUESTION.search(parsed.text):
        return parsed
    opening = [match.span() for match in _DRAW_OPEN.finditer(parsed.text)]
    closing = [match.span() for match in _DRAW_CLOSED.finditer(parsed.text)]
    if bool(opening) == bool(closing):
        return parsed
    intent = _TURN_ON if opening else _TURN_OFF
    verbs = opening or closing
    slots = tuple(
        slot
        for slot in parsed.slots
        if not (slot.type == "name" and any(slot.start < end and start < slot.end for start, end in verbs))
    )
    start, end = curtain.span()
    on_curtain = any(slot.start < end and start < slot.end for slot in slots)
    if not on_curtain and not any(slot.type == "area" for slot in slots):
        slots = (*slots, Slot("name", curtain.group(), start, end))
    if intent == parsed.intent and slots == parsed.slots:
        return parsed
    return dataclasses.replace(parsed, intent=intent, slots=tuple(sorted(slots, key=lambda slot: slot.start)))


def repair_truncated_device_word(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` with a name that is the start of a Chinese device word widened to it (see the module doc)."""
    if parsed.label_space != "ha":
        return parsed
    slots = list(parsed.slots)
    for index, slot in enumerate(slots):
        if slot.type != "name" or not has_cjk(slot.value):
            continue
        for end in range(min(len(parsed.text), slot.start + _DEVICE_WORD_MAX), slot.end, -1):
            word = parsed.text[slot.start : end]
            if domain_of_word(word) is None:
                continue
            if not any(other.start < end and slot.end < other.end for other in slots if other is not slot):
                slots[index] = Slot("name", word, slot.start, end)
            break
    if slots == list(parsed.slots):
        return parsed
    return dataclasses.replace(parsed, slots=tuple(slots))


def _english_switch(parsed: ParsedRequest, match: re.Match[str]) -> ParsedRequest:
    """ "turn off the ac" / "turn on the thermostat": switching of a device word, as in Chinese.

    The parser tags nothing in the first and reads the second as HassClimateGetTemperature of a device
    class. When it chose HassTurnOn/HassTurnOff and tagged the word, its reading stays."""
    group = "thing" if match["thing"] is not None else "thing2"
    thing = match[group]
    if domain_of_word(thing) is None:
        return parsed
    start, end = match.span(group)
    overlapping = [slot for slot in parsed.slots if slot.start < end and slot.end > start]
    if parsed.intent in _ON_OFF:
        if overlapping:
            return parsed
        intent: str | None = parsed.intent
    else:
        intent = _TURN_ON if (match["on"] or match["on2"]).casefold() == "on" else _TURN_OFF
    kept = tuple(slot for slot in parsed.slots if slot not in overlapping)
    return dataclasses.replace(parsed, intent=intent, slots=(*kept, Slot("name", thing, start, end)))


#: The order matters: a switching command or a question is settled before the intent-specific repairs look.
_REPAIRS: tuple[Callable[[ParsedRequest], ParsedRequest], ...] = (
    repair_truncated_device_word,
    repair_switch_command,
    repair_curtain_verb,
    repair_question,
    repair_brightness,
    repair_media_step,
    repair_vacuum_errand,
    repair_relative_change,
    repair_relative_level,
    repair_chinese_colour,
    repair_mute,
    repair_negation,
    repair_setting_question,
    repair_unsaid_intent,
    repair_weather_name,
    repair_thermostat_number,
    repair_list_item,
)
