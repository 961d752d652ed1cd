"""Switching repairs: which thing a command switches, and which way.

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
the parser tags nothing, and "turn on the thermostat", which it reads as HassClimateGetTemperature; and for
a cover's device word after open / close / shut (:func:`_english_cover`): "close the window", where the
parser tags nothing.

Drawing curtains (:func:`repair_curtain_verb`). The verbs that draw curtains and blinds are not in Home
Assistant's sentences, and the parser got them backwards: "把窗帘拉上" (draw them closed), "放下窗帘"
(lower the blind) and "合上窗帘" came out as HassTurnOn, "把窗帘拉开" (draw them open) and "收起窗帘" (roll
the blind up) as HassTurnOff. A request about curtains or blinds with a verb of one direction only (拉开,
升起, 收起, 卷起 open; 拉上, 合上, 放下, 降下, 拉拢 close) and no target (到一半, 50%: a position) is
HassTurnOn/HassTurnOff as the verb says. A name the parser made of the verb and the curtain ("合上窗帘") is
dropped; without an area the curtain word is the name (the runner resolves 窗帘 to the cover, or asks which
one), with one it stays in the template as in "打开{area}的窗帘".

Two kinds of device in one command (:func:`repair_two_kinds`). "关闭所有的灯和窗帘" (the lights and the
curtains) reached "关闭所有的灯" (0.79): the lights went off, the curtains stayed open, and the reply said
only the lights. No switching plan takes two kinds, so a switching command that names two kinds of device
(灯, 窗帘, fan, tv, …) joined by and / 和 / 、 is unknown and planned. Two devices of one kind, or two of the
home's devices by their names ("the kitchen lights and the attic fan": ``gazetteer``), are served.

The whole home said as a room (:func:`repair_home_as_area`). "家里的灯都关了" (all the lights at home off)
came out with the area 家里, was served by "把{area}的灯关了", and failed: no area is called 家里. Without
the area it is served like "关闭所有的灯".

An English device word in the plural (:func:`repair_plural_device_word`): "fans" is tagged "fan" + "s", as
the parser tags "lights"; so are device classes ("curtains" → "curtain" + "s", as "blinds" is tagged).

A device word after a room that the parser left untagged (:func:`repair_untagged_device_word`). "close the
kitchen window" came out with the area and nothing else, where "close the living room window" has the
area and the domain "window": the request had the template "close the {area} window" and no plan to reuse
(a plan for "{area}" alone would act on the whole room). The device word right after the area is its
``domain``, as the parser tags it elsewhere.
The same for media players ("skip this song on the living room tv": the template had "{area} tv"). In
Chinese, where the words for lights and covers stay in the template ("打开{area}的灯", "打开{area}的窗户"),
a player's word after the room ("暂停客厅电视", "厨房的音箱下一首") is its ``name``, as the parser tags it in
"厨房音箱音量调到三十"; so is, in a switching command, the word of another kind ("打开卧室的空调", "关掉客厅的
电视", "关闭厨房的插座": the parser tagged 空调 sometimes, 电视 and 插座 never, so each went to the planner).
Then one plan serves every such kind in any room, and the runner finds the room's devices of that kind.

A device's state asked by its kind (:func:`repair_device_question`). "空调开了吗" (is the AC on) came out as
unknown, "卧室的空调开了吗" as HassTimerStatus: both went to the planner. A request that is only a device
word, maybe after an area ("卧室的"), and a state question (开了吗, 关着吗, 锁了没有) is HassGetState, and the
device word is its name (the runner finds the one device of that kind, in the satellite's room first);
slots the parser found in the question's tail are dropped. A room's lights that the parser read as a
question already ("卧室的灯开着吗") keep its reading: "{area}的灯开着吗" answers for every light there; other
kinds in a room ("客厅的窗户关了吗", the device word left in the template) get the name, and the runner reads
every device of that kind in that room.
English the same: "is the window open" came out with no slot at all; where the parser tagged the device
word ("is the light on": a domain), its reading stays.

A device word cut short (:func:`repair_truncated_device_word`). "把空调调到26度" came out with the name
空 ("no device called 空"). A name that is the start of a device word said right there (空 of 空调, 电 of
电视) is widened to the word, which the runner resolves.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from .device_words import device_word_end, domain_of_word, said_kinds
from .nlu import ParsedRequest, Slot
from .repairs_words import (
    CHINESE_QUESTION,
    GET_STATE,
    ON_OFF,
    POLITE,
    SHORT_VERBS,
    TURN_OFF,
    TURN_ON,
    VERBS_BEFORE,
    in_text_order,
    retyped,
)
from .speech import has_cjk

_ENGLISH_SWITCH = re.compile(
    r"^\s*(?:please\s+)?(?:turn|switch)\s+(?:(?P<on>on|off)\s+(?:the\s+)?(?P<thing>[a-z ]{2,24}?)"
    r"|(?:the\s+)?(?P<thing2>[a-z ]{2,24}?)\s+(?P<on2>on|off))(?:\s+please)?\s*[.!]?\s*$",
    re.IGNORECASE,
)
#: "open the window" / "close the blinds": a cover's verbs in English (see :func:`_english_cover`).
_ENGLISH_OPEN_CLOSE = re.compile(
    r"^\s*(?:please\s+)?(?P<verb>open|close|shut)\s+(?:the\s+)?(?P<thing>[a-z ]{2,24}?)(?:\s+please)?\s*[.!]?\s*$",
    re.IGNORECASE,
)
#: The switching verbs after the thing (把 X 关了), and what each one asks for (before it: VERBS_BEFORE).
_VERBS_AFTER = {v: TURN_ON for v in ("打开", "打開", "开开", "開開")}
_VERBS_AFTER |= {v: TURN_OFF for v in ("关了", "關了", "关上", "關上", "关掉", "關掉", "关闭", "關閉")}
# One thing: no 的/嘅/之 (an area and a name, which the parser reads well), no number or target (到 50%: a
# position), not "all …" (所有电扇 is a domain, not a name).
_THING = r"(?!所有|全部|全屋|一切|每)(?P<thing>[^\s的嘅之，,。？?！!吧吗嗎呢把到成为為\d%％]{1,12}?)"
_END = r"(?:吧|一下)?[。！!]?\s*$"
#: "卧室的" before the thing: an area (or a name) the parser tags well.
_OWNER = r"(?:(?P<owner>[^\s的嘅之，,。？?！!吧吗嗎呢把]{1,10})[的嘅之])?"
_VERB_THING = re.compile(rf"^\s*{POLITE}(?P<verb>{'|'.join(VERBS_BEFORE)}){_OWNER}{_THING}{_END}")
_THING_VERB = re.compile(rf"^\s*{POLITE}把{_OWNER}{_THING}(?P<verb>{'|'.join(_VERBS_AFTER)}){_END}")
#: The short forms — 开灯 / 關冷氣 (one-character verb), 电视关掉 (no 把) — only for a device word: 开会 and
#: 天气关掉 are no switching commands.
_SHORT_VERB_THING = re.compile(rf"^\s*{POLITE}(?P<verb>[开開关關]){_OWNER}{_THING}{_END}")
_BARE_THING_VERB = re.compile(rf"^\s*{POLITE}{_OWNER}{_THING}(?P<verb>{'|'.join(_VERBS_AFTER)}){_END}")
#: Each form, the intent each of its verbs asks for, and whether the thing must be a device word.
_SWITCH_FORMS: tuple[tuple[re.Pattern[str], Mapping[str, str], bool], ...] = (
    (_VERB_THING, VERBS_BEFORE, False),
    (_THING_VERB, _VERBS_AFTER, False),
    (_SHORT_VERB_THING, SHORT_VERBS, True),
    (_BARE_THING_VERB, _VERBS_AFTER, True),
)
#: Curtains and blinds, and the verbs that draw them open or closed (see :func:`repair_curtain_verb`).
_CURTAINS = re.compile(r"窗帘|窗簾|百叶窗|百葉窗|卷帘|捲簾|遮阳帘|遮陽簾|纱帘|紗簾|帘子|簾子")
_DRAW_OPEN = re.compile(r"拉开|拉開|升起|收起|卷起|捲起")
_DRAW_CLOSED = re.compile(r"拉上|合上|放下|降下|拉拢|拉攏")
_TARGET = re.compile(r"[到至成]|\d|一半|%|％")
_LOCK_WORDS = re.compile(r"[锁鎖]")
_NOT_A_DEVICE = re.compile(r"计时|計時|定时|定時|闹钟|鬧鐘|提醒|音乐|音樂|歌|广播|廣播|节目|節目")


#: "[卧室的]空调" + a state question tail (开了吗): the device word, then where the question starts.
_DEVICE_QUESTION = re.compile(rf"^\s*{_OWNER}{_THING}(?=(?:{CHINESE_QUESTION.pattern}))")
#: "is the window open": the same in English (no room: "is the kitchen window open" has one the parser tags).
_ENGLISH_DEVICE_QUESTION = re.compile(
    r"^\s*(?:is|are)\s+the\s+(?P<thing>[a-z ]{2,24}?)(?=\s+(?:on|off|open|closed|shut|locked|unlocked)\s*\??\s*$)",
    re.IGNORECASE,
)


def repair_device_question(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassGetState of a device word asked about (see the module doc)."""
    if parsed.label_space != "ha":
        return parsed
    match = _DEVICE_QUESTION.match(parsed.text) or _ENGLISH_DEVICE_QUESTION.match(parsed.text)
    domain = domain_of_word(match["thing"]) if match is not None else None
    if match is None or domain is None:
        return parsed
    start, end = match.span("thing")
    lights_of_a_room = domain == "light" and match.groupdict().get("owner") is not None
    if parsed.intent == GET_STATE and (
        lights_of_a_room or any(slot.overlaps(start, end) for slot in parsed.slots)
    ):
        # "卧室的灯开着吗" (served by "{area}的灯开着吗", every light there), "is the light on" (a domain and
        # a state): the parser's reading of a question of the device word stays.
        return parsed
    slots = tuple(slot for slot in parsed.slots if slot.end <= end)  # none in the question's tail
    if not any(slot.start >= start for slot in slots):
        slots = in_text_order(
            (
                *(slot for slot in slots if not slot.overlaps(start, end)),
                Slot("name", match["thing"], start, end),
            )
        )
    if parsed.intent == GET_STATE and slots == parsed.slots:
        return parsed
    return dataclasses.replace(parsed, intent=GET_STATE, slots=slots)


def repair_truncated_device_word(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` with a name that is the start of a Chinese device word widened to it (see the module doc)."""
    if parsed.label_space != "ha":
        return parsed
    slots = list(parsed.slots)
    for index, slot in enumerate(slots):
        if slot.type != "name" or not has_cjk(slot.value):
            continue
        end = device_word_end(parsed.text, slot.start, slot.end + 1)
        if end is not None and not any(other.overlaps(slot.end, end) for other in slots if other is not slot):
            slots[index] = Slot("name", parsed.text[slot.start : end], slot.start, end)
    if slots == list(parsed.slots):
        return parsed
    return dataclasses.replace(parsed, slots=tuple(slots))


#: Slot types that say a kind of device ("lights", "blinds").
_KIND_TYPES = frozenset({"domain", "device_class"})
#: Besides switching, the intents whose requests say a room's device ("is the kitchen window open", "pause
#: the living room tv").
_MEDIA_INTENTS = frozenset(
    {"HassMediaPause", "HassMediaUnpause", "HassMediaNext", "HassMediaPrevious", "HassSetVolume"}
)
_ROOM_DEVICE_INTENTS = _MEDIA_INTENTS | {GET_STATE}
#: An English word right after a room's name ("kitchen| window"), the word itself in ``word``.
_NEXT_ENGLISH_WORD = re.compile(r"\s+(?P<word>[A-Za-z]+)")
#: What may stand between a Chinese room and its device ("客厅|的|电视").
_CHINESE_OF = ("的", "")


def repair_plural_device_word(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` with an English device word tagged with its plural "s" ("fans") tagged without it.

    Why: the parser tags "lights" as "light" + "s" (the template says "{domain}s"), but "fans" whole, so "turn
    on all the fans" had the template "turn on all the {domain}" and a reply written for "{domain}s" said
    "fanss". One form for both keeps templates and replies alike; the runner reads either.
    """
    if parsed.label_space != "ha":
        return parsed
    slots = list(parsed.slots)
    for index, slot in enumerate(slots):
        value = slot.value
        if slot.type not in _KIND_TYPES or len(value) < 4 or value[-1] not in "sS" or has_cjk(value):
            continue
        if domain_of_word(value[:-1]) is not None:
            slots[index] = Slot(slot.type, value[:-1], slot.start, slot.end - 1)
    if slots == list(parsed.slots):
        return parsed
    return dataclasses.replace(parsed, slots=tuple(slots))


def repair_untagged_device_word(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` with an untagged English device word right after the area as its ``domain`` (see the
    module doc). Runs before :func:`repair_plural_device_word`, which leaves a plural's "s" in the template,
    as for "lights"."""
    if parsed.label_space != "ha" or (
        parsed.intent not in ON_OFF and parsed.intent not in _ROOM_DEVICE_INTENTS
    ):
        return parsed
    if any(slot.type in _KIND_TYPES or slot.type == "name" for slot in parsed.slots):
        return parsed
    areas = [slot for slot in parsed.slots if slot.type == "area" and slot.end > slot.start]
    if len(areas) != 1:
        return parsed
    if has_cjk(areas[0].value):
        kinds = _CHINESE_NAMED_KINDS.get(parsed.intent)
        return parsed if kinds is None else _chinese_device_word(parsed, areas[0], kinds)
    match = _NEXT_ENGLISH_WORD.match(parsed.text, areas[0].end)
    if match is None:
        return parsed
    word = match["word"]
    start, end = match.span("word")
    if domain_of_word(word) is None or any(slot.overlaps(start, end) for slot in parsed.slots):
        return parsed
    domain = Slot("domain", word, start, end)  # a plural loses its "s" in repair_plural_device_word
    return dataclasses.replace(parsed, slots=in_text_order((*parsed.slots, domain)))


def repair_device_word_named_after_area(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` with an English device word the parser tagged as a ``name`` right after the area ("set the
    living room| tv| volume to 30") as its ``domain``, as the parser itself tags "turn on the living room tv".

    Why: the same words made two templates ("set the {area} {name} volume …" and "… {area} {domain} …")
    whose signatures differ, so the plan of one never served the other; "set the living room tv volume to
    30" went to the planner. The runner resolves either to the room's device of that kind.
    """
    if parsed.label_space != "ha" or (
        parsed.intent not in ON_OFF and parsed.intent not in _ROOM_DEVICE_INTENTS
    ):
        return parsed
    if any(slot.type in _KIND_TYPES for slot in parsed.slots):
        return parsed
    areas = [slot for slot in parsed.slots if slot.type == "area"]
    names = [slot for slot in parsed.slots if slot.type == "name"]
    if len(areas) != 1 or len(names) != 1 or has_cjk(names[0].value):
        return parsed
    area, name = areas[0], names[0]
    if area.end >= name.start or parsed.text[area.end : name.start].strip():
        return parsed
    if domain_of_word(name.value) is None:
        return parsed
    return dataclasses.replace(parsed, slots=retyped(parsed.slots, {"name"}, "domain"))


#: Kinds whose Chinese word after a room is its ``name`` (see the module doc): media players in their own
#: commands; in switching commands the kinds without plans of their own (the room's lights and covers have
#: them, "打开{area}的灯"), locks excepted (打开 a lock unlocks it: ``repair_switch_command``).
_CHINESE_NAMED_KINDS: Mapping[str, frozenset[str]] = {
    **dict.fromkeys(_MEDIA_INTENTS, frozenset({"media_player"})),
    **dict.fromkeys(ON_OFF, frozenset({"climate", "fan", "media_player", "switch"})),
}


def _chinese_device_word(parsed: ParsedRequest, area: Slot, kinds: frozenset[str]) -> ParsedRequest:
    """``parsed`` with the device word of one of ``kinds`` right after a Chinese room ("暂停客厅(的)电视",
    "打开卧室的空调") as its ``name``, as the parser itself tags "厨房音箱音量调到三十" (see the module doc)."""
    for joiner in _CHINESE_OF:
        start = area.end + len(joiner)
        if not parsed.text.startswith(joiner, area.end):
            continue
        while parsed.text[start : start + 1].isspace():  # "暫停 客廳 tv show"
            start += 1
        end = device_word_end(parsed.text, start, start + 1)
        if end is None or domain_of_word(parsed.text[start:end]) not in kinds:
            continue
        if any(slot.overlaps(start, end) for slot in parsed.slots):
            return parsed
        name = Slot("name", parsed.text[start:end], start, end)
        return dataclasses.replace(parsed, slots=in_text_order((*parsed.slots, name)))
    return parsed


#: The whole home said where a room would be ("家里的灯都关了"): no area of anyone's home.
_HOME_WORDS = frozenset(
    {
        "家里",
        "家裡",
        "家中",
        "全家",
        "全屋",
        "屋里",
        "屋裡",
        "整个家",
        "整個家",
        "家",
        "house",
        "home",
        "the house",
    }
)


#: What joins two things in one request ("the lights and the curtains", "灯和窗帘").
_JOINED = re.compile(r"(?<![a-z])(?:and|&)(?![a-z])|[和跟与與、]|以及", re.IGNORECASE)


#: "switch" said as the verb ("switch off each and every light"), not the device.
_SWITCHING_VERB = re.compile(
    r"(?<![a-z])switch(?:es|ed)?(?=\s+(?:\w+\s+)?(?:on|off)(?![a-z]))", re.IGNORECASE
)


def repair_two_kinds(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as an unknown intent when one command names two kinds of device joined by and / 和 (see the
    module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in ON_OFF:
        return parsed
    if sum(slot.type == "name" for slot in parsed.slots) > 1:
        return parsed  # the home's devices by their names ("the kitchen lights and the attic fan"): served
    if not _JOINED.search(parsed.text) or len(said_kinds(_SWITCHING_VERB.sub(" ", parsed.text))) < 2:
        return parsed
    return dataclasses.replace(parsed, intent=None)


def repair_home_as_area(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` without an area slot that is the whole home (see the module doc)."""
    if parsed.label_space != "ha":
        return parsed
    slots = tuple(s for s in parsed.slots if not (s.type == "area" and s.value.casefold() in _HOME_WORDS))
    return parsed if len(slots) == len(parsed.slots) else dataclasses.replace(parsed, slots=slots)


def repair_switch_command(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassTurnOn/HassTurnOff of the thing a bare Chinese switching command names."""
    if parsed.label_space != "ha":
        return parsed
    english = _ENGLISH_SWITCH.match(parsed.text)
    if english is not None:
        return _english_switch(parsed, english)
    if (cover := _ENGLISH_OPEN_CLOSE.match(parsed.text)) is not None:
        return _english_cover(parsed, cover)
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
    if match["owner"] is not None and (intent in ON_OFF or not device_word):
        # "打开卧室的灯": the parser's reading (and the starter plans' template "打开{area}的灯") stays;
        # only a device word after an area the parser could not place ("关闭卧室的空调": unknown) is taken.
        return parsed
    if intent not in ON_OFF:
        if _LOCK_WORDS.search(match["thing"]):
            return parsed  # 打开门锁 unlocks (HassTurnOff): for a lock the verb alone does not say which
        intent = verbs[match["verb"]]
    start, end = match.span("thing")
    # Slots inside the thing (卧室 in 卧室空调) are the parser's own reading and stay; a name it cut to the
    # first character (电 for 电视) was widened by repair_truncated_device_word, which runs first.
    inside = any(slot.start >= start and slot.end <= end for slot in parsed.slots)
    # A slot the parser found inside the verb ("打" of 打开 as a device class) is no slot.
    slots = tuple(slot for slot in parsed.slots if not slot.overlaps(*match.span("verb")))
    if not inside and device_word:
        slots = in_text_order((*slots, Slot("name", match["thing"], start, end)))
    if intent == parsed.intent and slots == parsed.slots:
        return parsed
    return dataclasses.replace(parsed, intent=intent, slots=slots)


def _english_switch(parsed: ParsedRequest, match: re.Match[str]) -> ParsedRequest:
    """ "turn off the ac" / "turn on the thermostat": switching of a device word, as in Chinese.

    The parser tags nothing in the first and reads the second as HassClimateGetTemperature of a device
    class. When it chose HassTurnOn/HassTurnOff and tagged the word, its reading stays."""
    group = "thing" if match["thing"] is not None else "thing2"
    thing = match[group]
    if domain_of_word(thing) is None:
        return parsed
    start, end = match.span(group)
    overlapping = [slot for slot in parsed.slots if slot.overlaps(start, end)]
    if parsed.intent in ON_OFF:
        if overlapping:
            return parsed
        intent: str | None = parsed.intent
    else:
        intent = TURN_ON if (match["on"] or match["on2"]).casefold() == "on" else TURN_OFF
    kept = tuple(slot for slot in parsed.slots if slot not in overlapping)
    return dataclasses.replace(parsed, intent=intent, slots=(*kept, Slot("name", thing, start, end)))


def _english_cover(parsed: ParsedRequest, match: re.Match[str]) -> ParsedRequest:
    """ "close the window": the parser chose HassTurnOff but tagged nothing, so the request had no plan. A
    cover's device word with no slot in it is the name (the runner finds the satellite room's window), and
    the verb says the direction (open: HassTurnOn, as "open the {name}" is filed)."""
    thing = match["thing"]
    start, end = match.span("thing")
    if domain_of_word(thing) != "cover" or any(slot.overlaps(start, end) for slot in parsed.slots):
        return parsed
    intent = TURN_ON if match["verb"].casefold() == "open" else TURN_OFF
    return dataclasses.replace(
        parsed, intent=intent, slots=in_text_order((*parsed.slots, Slot("name", thing, start, end)))
    )


def repair_curtain_verb(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassTurnOn/HassTurnOff as a verb that draws curtains says (see the module doc)."""
    if parsed.label_space != "ha" or (parsed.intent is not None and parsed.intent not in ON_OFF):
        return parsed
    curtain = _CURTAINS.search(parsed.text)
    if curtain is None or _TARGET.search(parsed.text) or CHINESE_QUESTION.search(parsed.text):
        return parsed
    opening = [match.span() for match in _DRAW_OPEN.finditer(parsed.text)]
    closing = [match.span() for match in _DRAW_CLOSED.finditer(parsed.text)]
    if bool(opening) == bool(closing):
        return parsed
    intent = TURN_ON if opening else TURN_OFF
    verbs = opening or closing
    slots = tuple(
        slot
        for slot in parsed.slots
        if not (slot.type == "name" and any(slot.overlaps(*verb) for verb in verbs))
    )
    start, end = curtain.span()
    on_curtain = any(slot.overlaps(start, end) for slot in slots)
    if not on_curtain and not any(slot.type == "area" for slot in slots):
        slots = (*slots, Slot("name", curtain.group(), start, end))
    if intent == parsed.intent and slots == parsed.slots:
        return parsed
    return dataclasses.replace(parsed, intent=intent, slots=in_text_order(slots))
