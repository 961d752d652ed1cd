"""Intent repairs: what the words of a request rule in or out (questions, directions, negations, …).

A yes/no question read as a command (:func:`repair_question`). "is the porch light on" and
"卧室的灯开着吗" come out as HassTurnOn: a miss then asks the planner for a *turn-on* plan of that
template, and a lowered γ could reuse "打开{area}的灯" (0.70 apart) for the question. A request that
asks — English starting with "is"/"are", Chinese ending in a state and a question particle (开着吗,
关了没有) — is HassGetState, whatever the parser said; polite commands ("能打开灯吗", "帮我开一下灯好吗")
are not questions of that form. So is a question about several devices ("哪些灯开着", "有几盏灯开着",
"which lights are on in the kitchen": ``state_summary.asks_about_several``).

The direction of a media step (:func:`repair_media_step`). "next track", "next song" and "play the next
song" come out as HassMediaPrevious (0.69–1.00): the player went *back*, and a plan cached under that
partition for "next track" could later be reused for "previous track". Within the pair HassMediaNext /
HassMediaPrevious the words decide: next/skip/forward/下一/换一首 against previous/back/last/replay/上一; a
request with both keeps the parser's choice. One with neither is no step at all: "播放音乐" (play music)
came out as HassMediaPrevious at 1.00, so it is unknown and planned (Home Assistant 2025.4 has no intent
for it either), never served by a cached "previous track" plan. A name the parser cut out of the direction
word ("切" of "切歌", skip the song) is dropped.

Media said in Chinese (:func:`repair_media_command`). "停止播放" (stop playing) came out as HassCancelTimer:
it is HassMediaPause, as "stop the music" is. "暂停电视" (pause the TV) had no slot, so it paused whatever
was playing: a media device word after 暂停 / 继续播放 is the name (the runner finds that kind of device,
the satellite room's first).

The vacuum's errand (:func:`repair_vacuum_errand`). "send the vacuum home" came out as HassVacuumStart:
it set off cleaning. Within the pair HassVacuumStart / HassVacuumReturnToBase, words of going back (home,
dock, base, charge, 返回, 回去, 充电, 回充) make it HassVacuumReturnToBase.
"return the vacuum to base" had "vacuum" as a device class, which no vacuum has, so it matched nothing, and
"start the vacuum" had no slot at all: in the vacuum intents a vacuum's device word (vacuum, 扫地机器人),
tagged as a class or kind or not at all, is the name, which the runner resolves to the home's one vacuum,
the satellite room's, or asks which (:func:`repair_vacuum_word`).

Cleaning said in Chinese (:func:`repair_vacuum_activity`). "开始扫地" (start sweeping) came out as
HassVacuumStart of a device named 扫地, so it failed ("没有叫“扫地”的设备"); "去扫地" and "开始吸尘" came out
as HassTurnOff, "扫地" as HassNevermind, "停止扫地" as HassCancelTimer of a timer named 扫地, "暂停扫地" as
pausing a media player called 扫地. A request
that says sweeping, mopping or vacuuming (扫地, 拖地, 吸尘, 打扫, 清扫, outside a device name such as
扫地机器人) and was read as one of those intents is HassVacuumStart, and a name that is only the activity
is dropped; one that says stop (停, 暂停) is unknown and planned, since Home Assistant 2025.4 has no
intent to stop a vacuum.

A command for later is not a timer (:func:`repair_delayed_command`). "五分钟后关灯" (turn the light off in
five minutes) came out as HassStartTimer of a timer named 关灯, "10分钟后打开客厅的灯" as a timer in the
living room: a timer rang and the light stayed as it was. "set a 5 minute timer to turn off the lights"
came out as HassCancelTimer, which cancels the latest command for later. A timer request that says, after
后 or 定时器/计时器, to switch something (打开, 关闭, 关掉, 开, 关, …), or in English a timer "to / and / then
turn (switch) … on/off", says how long, and is no reminder (提醒, remind) is that switching command, with its minutes
(the timer's length, ``start_minutes``, becomes the wait); the plan waits them (a ``delay`` step, which
the executor runs after the reply).

A question of when (:func:`repair_how_long`). "how long until the lights turn off" and "还有多久关灯" came out
as HassTurnOff: the lights went off at once ("when will the kitchen lights turn off" as HassGetState). A
request to act, or about a state that says switching, that asks how long / when (how long, how much
longer, when will, 还有多久, 什么时候, …) is HassTimerStatus, with its slots: while commands for later wait it is
answered with their time left (``pending.py``). Asked alone (:func:`repair_time_left`), "how much time is
left" came out as the clock's time ("It is 9:22 PM") and "还有多久" / "how long is left" as nothing (planned):
a request that is only such a question is HassTimerStatus.

Cancelling a timer in Chinese (:func:`repair_timer_cancel`). "取消所有的计时器" (cancel all timers) came out as
HassTimerStatus, "取消定时器" and "取消厨房的计时器" as pausing it, "停止所有计时器" as cancelling one. A timer
request that starts with 取消 / 撤销 / 停止 / 关掉 (not 暂停, pause) and says a timer is HassCancelAllTimers
when it says 所有 / 全部, else HassCancelTimer, with its slots.

A thermostat's setting (:func:`repair_setting_question`). "what's the temperature in the kitchen set to"
and "what is the thermostat set to" come out as HassClimateGetTemperature, which reads the *measured*
temperature (and whose starter plan, 0.91 away, would answer with it). Home Assistant has no intent for
the target, so a temperature question that says set to / target / 设定 / 设置 is unknown: the planner reads
the ``temperature`` attribute.

Weather, broadcasts and cancelling every timer without their words (:func:`repair_unsaid_intent`). "晚安"
(good night) came out as HassGetWeather of a place called 晚安, "早上好" (good morning) as HassBroadcast of
the message 早 to every satellite, "dim the lights" as HassCancelAllTimers ("Cancelled 0 timers."). A
weather request says something about the weather (天气, rain, forecast, …), a broadcast says
broadcast/announce/广播/播放, cancelling timers says timer/cancel/stop/计时/取消; without those words the
request is unknown and planned.

A weather word is no place (:func:`repair_weather_name`): "will it rain today" had the name "rain",
and the weather plan looked for a weather entity called so. A name that is itself a weather word is
dropped.

The weather asked in a few words (:func:`repair_weather_question`). "天气怎么样" and "天气如何" came out as
unknown, "外面天气怎么样" as unknown with a place called 外面: they went to the planner. A request that is
only (今天 / 现在 / 外面) 天气 怎么样 / 如何 / 好吗 is HassGetWeather without slots: the current weather,
as Home Assistant answers it; so is one that names a day instead (明天, 周六, 今晚). Home Assistant files
forecast questions ("is it going to snow tomorrow") under the same intent and answers them with the weather
now; here a day the forecast covers is answered from it (``forecast_days.py``), the starter plans answer
only requests that name no day, and their reply says "now" ("The weather now: …", "现在的天气：…").

The temperature asked in a few words (:func:`repair_temperature_question`). "现在几度" (how many degrees now)
and "屋里几度" came out as the clock's time, "室温是多少" (the room temperature) as the state of a device
called 室温. A request that is only (现在 / 屋里 / 室内) 几度 / 多少度, or 室温 (是) 多少, is
HassClimateGetTemperature without slots: the satellite's room, else every thermostat.

A shopping-list item the parser did not tag (:func:`repair_list_item`). Items are open-ended and the parser
knows few ("add milk to the shopping list" had no ``item``). The plan made for it then carries "milk"
itself, and reused for "add eggs to the shopping list" it would add milk again. For HassShoppingListAddItem
and HassListAddItem without an item, the words between "add"/"put" and "to/on the … list" (把/将 X
加到/放进 …清单, 加 X 到 …, 购物清单里加上 X) are the item; for ticking one off (HassShoppingListCompleteItem,
HassListCompleteItem) the words between "remove"/"check off" and "from the … list", or 把 X 从 ….

The list's verb (:func:`repair_list_verb`). "add take out the trash to my chores list" came out as
HassListCompleteItem: the item would have been ticked off instead of added. Within a list family (shopping
list, named to-do list) a request that starts with add / put / 把…加到 is the adding intent, one that starts
with remove / check off / complete / delete / 把…删掉 the completing one. A shopping list said in Chinese
("把面包加到购物清单", "往购物清单里加牛奶") came out as no intent at all, since Home Assistant's Chinese
sentences have none: a request that names the shopping list (购物清单, 购物单, 購物清單) and says adding
is HassShoppingListAddItem, and one that says taking off (删掉, 划掉) HassShoppingListCompleteItem. Asking
what is on a list ("what's on my shopping list", came out as completing an item; "购物清单里有什么") is no
list intent: planned, and not cached. The shopping list's intents take no name: the home's names tagged "shopping
list" itself (the to-do entity of the shopping list), and no plan for the list fitted the request.

A negated command (:func:`repair_negation`). "don't turn on the light" came out as HassTurnOn and "不要开灯"
as HassTurnOff: a command said not to be done, or said in a way no cached plan should guess at. A request
to act that says don't / do not / never / 不要 / 别 / 不用 is unknown and planned.

Switching for a while (:func:`repair_for_a_while`). "turn on the attic fan for 10 minutes" came out as
HassTurnOn with minutes 10, 0.99 from "turn on the {name} in {minutes} minutes": the cached plan for later
was reused, and the fan went on *after* ten minutes instead of at once for ten. "turn on the garden pump
for 10 minutes" came out as HassSetPosition, "开灯十分钟" and "把风扇打开十分钟" as a timer. Home Assistant
has no intent for on-now-and-off-later, so a switching request with a length of time it lasts (for 10
minutes, for an hour; in Chinese a length at the end with no 后 / 以后 / 之后) is unknown: planned, never
cached.

Mute (:func:`repair_mute`). "mute the tv" came out as HassMediaPause, "电视静音" as HassTurnOn of a device
named 静音, "unmute the speaker" as HassSetVolume. Home Assistant 2025.4 has no mute intent either, so a
request that says mute/unmute/静音 is unknown here; the last repair then gives a player's mute the engine's
own intent (``repairs_levels.repair_mute_command``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Set

from .clock_answers import GET_TIME
from .device_words import domain_of_word
from .nlu import ParsedRequest, Slot
from .repairs_words import (
    CANCEL_ALL_TIMERS,
    CANCEL_TIMER,
    CHINESE_QUESTION,
    GET_STATE,
    LIGHT_SET,
    MUTE_WORDS,
    NEVERMIND,
    ON_OFF,
    SET_POSITION,
    SET_TEMPERATURE,
    SET_VOLUME,
    SHORT_VERBS,
    START_TIMER,
    TIMER_INTENTS,
    TIMER_STATUS,
    TURN_OFF,
    TURN_ON,
    VERBS_BEFORE,
    in_text_order,
)
from .state_summary import asks_about_several

_SWITCHING = ON_OFF | {LIGHT_SET}
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
_TIMER_THEN_SWITCH = re.compile(
    r"(?<![a-z])timer\s.*?(?<![a-z])(?:to|and|then|that\s+will|which\s+will)\s+(?:then\s+)?(?:turn|switch)\s+"
    r"(?:(?P<direction>on|off)(?![a-z])|.+?\s(?P<after>on|off)\s*[.!]?\s*$)",
    re.IGNORECASE,
)
_WAIT_SLOTS = frozenset({"seconds", "minutes", "hours"})
#: "cancel the timer and turn on the lights" is two commands, not one for later.
_STOPPING_TIMER = re.compile(r"\s*(?:please\s+)?(?:cancel|stop|abort|pause|end|delete|remove)(?![a-z])", re.I)
_REMINDER = re.compile(r"提醒|(?<![a-z])remind", re.IGNORECASE)
_COMMAND_SLOTS = frozenset({"name", "conversation_command"})
#: The switching verbs after 后 (see :func:`repair_delayed_command`): longest first, so 关闭 is not 关.
_LATER_VERBS = {**VERBS_BEFORE, **SHORT_VERBS}
_LATER_VERB = "|".join(sorted(_LATER_VERBS, key=len, reverse=True))
_LATER_COMMAND = re.compile(
    r"(?:[后後]|[定计計][时時]器)\s*(?:把|将|將|帮我|幫我|请|請)?\s*.*?(?P<verb>" + _LATER_VERB + ")"
)
#: Cleaning words, and the intents the parser reads them as (see :func:`repair_vacuum_activity`).
_CLEANING = re.compile(r"扫地|掃地|拖地|吸尘|吸塵|打扫|打掃|清扫|清掃")
_STOPPING = re.compile(r"停|暂停|暫停")
_CLEANING_CONFUSIONS = frozenset(
    {
        _VACUUM_START,
        *ON_OFF,
        NEVERMIND,
        CANCEL_TIMER,
        CANCEL_ALL_TIMERS,
        "HassPauseTimer",
        "HassMediaPause",  # "暂停扫地": no media player is called 扫地
        "HassMediaUnpause",
    }
)
_GET_TEMPERATURE = "HassClimateGetTemperature"
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
    # "dim the lights" came out as cancelling every timer ("Cancelled 0 timers.").
    CANCEL_ALL_TIMERS: re.compile(
        r"计时|計時|定时|定時|闹钟|鬧鐘|取消|撤销|撤銷|停止|(?<![a-z])(timers?|alarms?|cancel|stop|abort)(?![a-z])",
        re.IGNORECASE,
    ),
}
_WEATHER_NAME = re.compile(
    r"^(下雨|下雪|雨|雪|晴|(?:rain|snow|sun|sunny|cloudy|storm|wind|windy|hot|cold)(?:y|ing)?)$",
    re.IGNORECASE,
)
_LIST_ITEM = (
    re.compile(
        r"^\s*(?:please\s+)?(?:add|put)\s+(?P<item>.+?)\s+(?:to|on|onto|in)\s+(?:the|my)\s+(?:.+\s+)?list\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"^\s*(?:请|請)?(?:把|将|將)(?P<item>[^，,。]+?)(?:加到|加入|添加到|放到|放进|放進|记到|記到)"
    ),
    re.compile(r"^\s*(?:请|請)?(?:加|添加)\s*(?P<item>[^，,。]+?)\s*(?:到|进|進)"),
    # 购物清单里加上面包, 往购物清单里加牛奶: the list first, the item after the verb.
    re.compile(
        r"^\s*(?:请|請)?(?:往|在)?\s*(?:\S*?)(?:清单|清單|列表|购物单|購物單)\s*(?:里|裡|上|中)?\s*(?:再)?"
        r"(?:加上|加入|添加|加|放)\s*(?P<item>[^，,。！!？?]+?)\s*[。！!]?\s*$"
    ),
)
#: The list intents by family, each (adding, completing): Home Assistant's shopping list, a named to-do list.
_SHOPPING_LIST = ("HassShoppingListAddItem", "HassShoppingListCompleteItem")
_LIST_FAMILIES = (_SHOPPING_LIST, ("HassListAddItem", "HassListCompleteItem"))
_ADD_ITEM = frozenset(adding for adding, _ in _LIST_FAMILIES)
_DONE_ITEM = frozenset(completing for _, completing in _LIST_FAMILIES)
_ADDING = re.compile(
    r"^\s*(?:please\s+)?(?:add|put)\b|^\s*(?:请|請)?(?:把|将|將)[^，,。]+?(?:加到|加入|添加到|放到|放进|放進)",
    re.IGNORECASE,
)
_COMPLETING = re.compile(
    r"^\s*(?:please\s+)?(?:remove|check|complete|delete|cross|tick|mark)\b"
    r"|^\s*(?:请|請)?(?:把|将|將)[^，,。]+?(?:删掉|删除|刪掉|刪除|划掉|劃掉|勾掉)",
    re.IGNORECASE,
)
#: The shopping list named in Chinese, and a word of adding to it or of taking off it.
_CHINESE_SHOPPING_LIST = re.compile(r"购物清单|购物单|购物列表|購物清單|購物單|購物列表")
_CHINESE_ADDING = re.compile(r"加|添|放|记|記")
_CHINESE_TAKING_OFF = re.compile(r"删|刪|划掉|劃掉|勾掉|去掉")
#: Asking what is on a list: no list intent of Home Assistant 2025.4 answers it.
_LIST_QUESTION = re.compile(
    r"^\s*(?:please\s+)?(?:what(?:'s|\s+is|\s+are|\s+do\s+i\s+have)?\s+(?:on|in)\b|read\b|tell\s+me\b|show\b)"
    r"|有什么|有什麼|有哪些|有啥|都有",
    re.IGNORECASE,
)
#: The item of a request to tick it off: "remove X from my … list", "check X off my list", 把X从…删掉.
_LIST_DONE_ITEM = (
    re.compile(
        r"^\s*(?:please\s+)?(?:remove|delete|complete|check\s+off|cross\s+off|tick\s+off|mark)\s+(?P<item>.+?)"
        r"\s+(?:from|on|off|in|as\s+done\s+on)\s+(?:the|my)\s+(?:.+\s+)?list\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"^\s*(?:please\s+)?(?:check|cross|tick)\s+(?P<item>.+?)\s+off\s+(?:from\s+)?(?:the|my)\s+(?:.+\s+)?list\b",
        re.IGNORECASE,
    ),
    re.compile(r"^\s*(?:请|請)?(?:把|将|將)(?P<item>[^，,。]+?)(?:从|從)"),
)
_ENGLISH_WORD = re.compile(r"[A-Za-z]+")
#: Intents that act on the home (not questions), and words that negate a request to act.
_ACTIONS = _SWITCHING | {
    SET_POSITION,
    SET_TEMPERATURE,
    SET_VOLUME,
    _MEDIA_NEXT,
    _MEDIA_PREVIOUS,
    "HassMediaPause",
    "HassMediaUnpause",
    _VACUUM_START,
    _VACUUM_RETURN,
    "HassBroadcast",
}
_NEGATION = re.compile(r"不要|不用|甭|[别別](?![墅])|(?<![a-z])(don'?t|do not|never)(?![a-z])", re.IGNORECASE)
_MUTE_CONFUSIONS = frozenset({"HassMediaPause", "HassMediaUnpause", SET_VOLUME, *ON_OFF})
#: A request to act, or a state question ("when will the kitchen lights turn off" came out as HassGetState).
_ASKED_WHEN = _ACTIONS | {GET_STATE}
_SWITCHED = re.compile(r"(?<![a-z])(?:turn|switch)(?:s|ed|ing)?\s|[开关開關]", re.IGNORECASE)
_HOW_LONG = re.compile(
    r"^\s*(?:how\s+(?:long|much\s+(?:longer|time))|when\s+(?:will|does|do|is|are))(?![a-z])"
    r"|还有多久|還有多久|还要多久|還要多久|还剩多久|還剩多久|多久[以之]?[后後]|什么时候|什麼時候|几点|幾點",
    re.IGNORECASE,
)
_ENGLISH_QUESTION = re.compile(r"^\s*(is|are|was|were)\s", re.IGNORECASE)


#: A question that ends in the state asked about ("which lights are still on").
_ENDS_IN_A_STATE = re.compile(
    r"(?<![a-z])(?:on|off|open|closed|locked|unlocked)\s*[?.!]?\s*$|[着著了]\s*[?？]?\s*$", re.IGNORECASE
)


def repair_question(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassGetState when it is a yes/no question about a device's state (see the module doc)."""
    if parsed.label_space != "ha":
        return parsed
    if parsed.intent is None and asks_about_several(parsed.text) and _ENDS_IN_A_STATE.search(parsed.text):
        # "which lights are still on" was unknown to the parser: a question about several devices' state.
        return dataclasses.replace(parsed, intent=GET_STATE)
    if parsed.intent not in _SWITCHING:
        return parsed
    text = parsed.text
    if _ENGLISH_QUESTION.match(text) or CHINESE_QUESTION.search(text) or asks_about_several(text):
        return dataclasses.replace(parsed, intent=GET_STATE)
    return parsed


def repair_how_long(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassTimerStatus when it asks how long until something is done (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in _ASKED_WHEN or not _HOW_LONG.search(parsed.text):
        return parsed
    if parsed.intent == GET_STATE and not _SWITCHED.search(parsed.text):
        return parsed  # "when will the next birthday be": a calendar's state
    return dataclasses.replace(parsed, intent=TIMER_STATUS)


#: A question of the time left and nothing else ("how much time is left", "还有多久").
_TIME_LEFT = re.compile(
    r"\s*(?:how\s+much\s+(?:more\s+)?(?:time|longer)(?:\s+is)?(?:\s+(?:left|remaining|to\s+go))?"
    r"|how\s+long(?:\s+is)?\s+(?:left|remaining|to\s+go)|(?:any\s+)?time\s+left)\s*[?.!]?\s*"
    r"|\s*(?:还有|還有|还剩|還剩|还要|還要|剩下)(?:多久|多长时间|多長時間|多少时间|多少時間|几分钟|幾分鐘)(?:了|呢|啊)?\s*[?？。]?\s*",
    re.IGNORECASE,
)


def repair_time_left(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassTimerStatus when it only asks how much time is left (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in (None, GET_TIME):
        return parsed
    if not _TIME_LEFT.fullmatch(parsed.text):
        return parsed
    return dataclasses.replace(parsed, intent=TIMER_STATUS, slots=())


#: A track step said outright ("previous track on the bedroom tv", "next song", "上一首"): never a switching.
_TRACK_STEP = re.compile(
    r"(?<![a-z])(?:next|previous|prior|last)\s+(?:track|song|tune|episode|chapter)s?(?![a-z])"
    r"|(?<![a-z])skip\s+(?:this|the)\s+(?:track|song|tune)(?![a-z])|[上下]一(?:首|曲|集|个|個)",
    re.IGNORECASE,
)


def repair_media_step(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassMediaNext or HassMediaPrevious as its words say (see the module doc)."""
    if parsed.label_space != "ha":
        return parsed
    if parsed.intent in ON_OFF and _TRACK_STEP.search(parsed.text) and not _SWITCHED.search(parsed.text):
        # "previous track on the bedroom tv" came out as HassTurnOn (0.55): the step its words say.
        parsed = dataclasses.replace(parsed, intent=_MEDIA_NEXT)
    if parsed.intent not in (_MEDIA_NEXT, _MEDIA_PREVIOUS):
        return parsed
    forward, backward = bool(_NEXT_WORDS.search(parsed.text)), bool(_PREVIOUS_WORDS.search(parsed.text))
    if not forward and not backward:
        return dataclasses.replace(parsed, intent=None)
    if forward and backward:
        return parsed
    intent = _MEDIA_NEXT if forward else _MEDIA_PREVIOUS
    words = [match.span() for match in (_NEXT_WORDS if forward else _PREVIOUS_WORDS).finditer(parsed.text)]
    slots = tuple(
        slot
        for slot in parsed.slots
        if not (slot.type == "name" and any(start <= slot.start and slot.end <= end for start, end in words))
    )
    if intent == parsed.intent and slots == parsed.slots:
        return parsed
    return dataclasses.replace(parsed, intent=intent, slots=slots)


_STOP_PLAYING = re.compile(
    r"^\s*(?:请|請)?(?:停止|停)(?:播放|放歌|放音乐|放音樂|音乐|音樂)(?:吧)?\s*[。！!]?\s*$"
)
_MEDIA_VERB_THING = re.compile(
    r"^\s*(?:请|請)?(?P<verb>暂停|暫停|继续播放|繼續播放)(?P<thing>[^\s，,。？?！!的]{1,6}?)(?:吧)?\s*[。！!]?\s*$"
)
_MEDIA_VERBS = {"暂停": "HassMediaPause", "暫停": "HassMediaPause"} | dict.fromkeys(
    ("继续播放", "繼續播放"), "HassMediaUnpause"
)


def repair_media_command(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as the media command its Chinese words say (see the module doc)."""
    if parsed.label_space != "ha":
        return parsed
    if _STOP_PLAYING.match(parsed.text):
        if parsed.intent == "HassMediaPause" and not parsed.slots:
            return parsed
        return dataclasses.replace(parsed, intent="HassMediaPause", slots=())
    match = _MEDIA_VERB_THING.match(parsed.text)
    if match is None or domain_of_word(match["thing"]) != "media_player":
        return parsed
    start, end = match.span("thing")
    name = Slot("name", match["thing"], start, end)
    intent = _MEDIA_VERBS[match["verb"]]
    if parsed.intent == intent and parsed.slots == (name,):
        return parsed
    return dataclasses.replace(parsed, intent=intent, slots=(name,))


#: A length of time a switching lasts ("for 10 minutes", "for an hour", "for half an hour").
_FOR_A_WHILE = re.compile(
    r"(?<![a-z])for\s+(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|six|ten|fifteen|twenty|thirty|half\s+an?|"
    r"a\s+couple\s+of|a\s+few)\s*(?:more\s+)?(?:seconds?|secs?|minutes?|mins?|hours?|hrs?)(?![a-z])",
    re.IGNORECASE,
)
#: A Chinese switching verb, then a length of time at the end ("把风扇打开十分钟", "开灯半小时").
_CHINESE_FOR_A_WHILE = re.compile(
    r"(?:"
    + _LATER_VERB
    + r").*?(?:\d+|[一二两兩三四五六七八九十百半几幾]+)\s*(?:个|個)?\s*(?:分钟|分鐘|小时|小時|钟头|鐘頭|秒钟|秒鐘|秒)"
    r"\s*(?:吧|好吗|好嗎)?\s*[。！!.]?\s*$"
)
#: Words of later or of a timer ("十分钟后开灯", "开始计时30分钟"): not a switching for a while.
_LATER_WORDS = re.compile(r"[后後]|[定计計][时時]|timer", re.IGNORECASE)


def repair_for_a_while(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as an unknown intent when it switches something for a length of time (see the module
    doc)."""
    if parsed.label_space != "ha" or parsed.intent not in (*ON_OFF, SET_POSITION, START_TIMER):
        return parsed
    text = parsed.text
    english = parsed.intent != START_TIMER and _FOR_A_WHILE.search(text)
    chinese = _CHINESE_FOR_A_WHILE.search(text) and not _LATER_WORDS.search(text)
    return dataclasses.replace(parsed, intent=None) if english or chinese else parsed


def repair_delayed_command(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassTurnOn/HassTurnOff when a timer request says to switch something afterwards
    (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in TIMER_INTENTS or _REMINDER.search(parsed.text):
        return parsed
    if not any(slot.type.removeprefix("start_") in _WAIT_SLOTS for slot in parsed.slots):
        return parsed  # no length of time: not a command for later
    if (english := _TIMER_THEN_SWITCH.search(parsed.text)) and not _STOPPING_TIMER.match(parsed.text):
        # "set a 5 minute timer to turn off the lights": the timer's length is the wait.
        direction = (english.group("direction") or english.group("after")).casefold()
        waits = tuple(
            dataclasses.replace(slot, type=slot.type.removeprefix("start_")) for slot in parsed.slots
        )
        return dataclasses.replace(parsed, intent=TURN_ON if direction == "on" else TURN_OFF, slots=waits)
    if parsed.intent != START_TIMER:
        return parsed
    command = _LATER_COMMAND.search(parsed.text)
    if command is None:
        return parsed
    verb = command.group("verb")
    slots: list[Slot] = []
    for slot in parsed.slots:
        if (
            slot.type in _COMMAND_SLOTS
            and slot.start == command.start("verb")
            and slot.value.startswith(verb)
        ):
            # The timer's "name" or command 关灯: the device word after the verb is what to switch.
            rest = slot.value[len(verb) :]
            if rest and domain_of_word(rest) is None:
                return parsed  # a longer command ("打开客厅的灯"): not taken apart here
            if rest:
                slots.append(Slot("name", rest, slot.start + len(verb), slot.end))
            continue
        slots.append(slot)
    return dataclasses.replace(parsed, intent=_LATER_VERBS[verb], slots=tuple(slots))


def repair_vacuum_activity(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassVacuumStart when it says cleaning in Chinese, without a name that is only the
    activity, or unknown when it says stop (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in _CLEANING_CONFUSIONS:
        return parsed
    # A "name" that is only cleaning words (扫地) is the activity; any other (扫地机器人) is a device.
    activities = {s for s in parsed.slots if s.type == "name" and not _CLEANING.sub("", s.value)}
    devices = [s for s in parsed.slots if s.type == "name" and s not in activities]
    said = any(
        not any(device.overlaps(*m.span()) for device in devices) for m in _CLEANING.finditer(parsed.text)
    )
    if not said:
        return parsed
    if _STOPPING.search(parsed.text):
        return dataclasses.replace(parsed, intent=None)
    slots = tuple(s for s in parsed.slots if s not in activities)
    if parsed.intent == _VACUUM_START and slots == parsed.slots:
        return parsed
    return dataclasses.replace(parsed, intent=_VACUUM_START, slots=slots)


def repair_vacuum_errand(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassVacuumReturnToBase when a vacuum request says it goes back (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent != _VACUUM_START or not _GOING_BACK.search(parsed.text):
        return parsed
    return dataclasses.replace(parsed, intent=_VACUUM_RETURN)


def repair_vacuum_word(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` with a vacuum's device word as the name (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in (_VACUUM_START, _VACUUM_RETURN):
        return parsed
    slots = tuple(
        Slot("name", slot.value, slot.start, slot.end)
        if slot.type in ("device_class", "domain") and domain_of_word(slot.value) == "vacuum"
        else slot
        for slot in parsed.slots
    )
    if not any(slot.type in ("name", "area", "floor") for slot in slots):
        # "start the vacuum": the word untagged. The first English word that means a vacuum.
        for match in _ENGLISH_WORD.finditer(parsed.text):
            if domain_of_word(match.group()) == "vacuum" and not any(
                s.overlaps(*match.span()) for s in slots
            ):
                slots = in_text_order((*slots, Slot("name", match.group(), *match.span())))
                break
    return parsed if slots == parsed.slots else dataclasses.replace(parsed, slots=slots)


def repair_setting_question(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as an unknown intent when it asks what a thermostat is set to (see the module doc)."""
    return _unknown_when(parsed, {_GET_TEMPERATURE}, _SETTING_WORDS)


def repair_mute(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as an unknown intent when it asks to mute or unmute (see the module doc)."""
    return _unknown_when(parsed, _MUTE_CONFUSIONS, MUTE_WORDS)


def repair_negation(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as an unknown intent when it says not to act (see the module doc)."""
    return _unknown_when(parsed, _ACTIONS, _NEGATION)


def _unknown_when(parsed: ParsedRequest, intents: Set[str], words: re.Pattern[str]) -> ParsedRequest:
    """``parsed`` with no intent when the parser chose one of ``intents`` and the request says ``words``:
    what Home Assistant has no intent for goes to the planner, and is not cached."""
    if parsed.label_space != "ha" or parsed.intent not in intents or not words.search(parsed.text):
        return parsed
    return dataclasses.replace(parsed, intent=None)


_CANCEL_TIMER_WORDS = re.compile(
    r"^\s*(?:请|請|帮我|幫我)?(?:取消|撤销|撤銷|停止|停掉|关掉|關掉|关闭|關閉)(?=.*(?:计时|計時|定时|定時|倒计时|倒計時))"
)
_EVERY = re.compile(r"所有|全部|一切")


def repair_timer_cancel(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as cancelling one timer or all of them when the Chinese words say so (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in TIMER_INTENTS:
        return parsed
    if not _CANCEL_TIMER_WORDS.match(parsed.text):
        return parsed
    intent = CANCEL_ALL_TIMERS if _EVERY.search(parsed.text) else CANCEL_TIMER
    return parsed if intent == parsed.intent else dataclasses.replace(parsed, intent=intent)


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


_WEATHER_QUESTION = re.compile(
    r"^\s*(?:今天|今日|现在|現在|外面|外边|外邊|明天|明日|大?后天|大?後天|今晚|今天晚上|今夜|周末|週末"
    r"|下?(?:星期|礼拜|禮拜|周|週)[一二三四五六日天])?的?(?:天气|天氣)(?:怎么样|怎麼樣|如何|好吗|好嗎|好不好)"
    r"(?:啊|呀|呢)?\s*[?？。]?\s*$"
)


def repair_weather_question(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassGetWeather when it only asks how the weather is (see the module doc)."""
    return _only_asking(parsed, _WEATHER_QUESTION, "HassGetWeather")


_TEMPERATURE_QUESTION = re.compile(
    r"^\s*(?:(?:现在|現在|屋里|屋裡|房间里|房間裡|房间|房間|室内|室內|这里|這裡)(?:是)?(?:几度|幾度|多少度)"
    r"|(?:几度|幾度)|(?:现在的|現在的)?(?:室温|室溫|室内温度|室內溫度)(?:是|有)?多少度?)"
    r"(?:了)?(?:啊|呀|呢)?\s*[?？。]?\s*$"
)


def repair_temperature_question(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` as HassClimateGetTemperature when it only asks how warm it is (see the module doc)."""
    return _only_asking(parsed, _TEMPERATURE_QUESTION, _GET_TEMPERATURE)


def _only_asking(parsed: ParsedRequest, question: re.Pattern[str], intent: str) -> ParsedRequest:
    """``parsed`` as ``intent`` without slots when its whole text is ``question``; else unchanged."""
    if parsed.label_space != "ha" or not question.match(parsed.text):
        return parsed
    if parsed.intent == intent and not parsed.slots:
        return parsed
    return dataclasses.replace(parsed, intent=intent, slots=())


def repair_list_verb(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` with the list intent its verb says, or as adding to the shopping list when that is said in
    Chinese and the parser chose nothing (see the module doc). The shopping list's intents take no name:
    a name found in them is the list's own ("Shopping List", the to-do entity every such home exposes)."""
    if parsed.label_space != "ha":
        return parsed
    intent = _list_intent(parsed)
    slots = parsed.slots
    if intent in _SHOPPING_LIST:
        slots = tuple(slot for slot in slots if slot.type != "name")
    if intent == parsed.intent and slots == parsed.slots:
        return parsed
    return dataclasses.replace(parsed, intent=intent, slots=slots)


def _list_intent(parsed: ParsedRequest) -> str | None:
    """The list intent the words of ``parsed`` say (unchanged for other intents)."""
    text = parsed.text
    if parsed.intent is None:
        if not _CHINESE_SHOPPING_LIST.search(text) or _LIST_QUESTION.search(text):
            return None
        if _CHINESE_TAKING_OFF.search(text):
            return _SHOPPING_LIST[1]
        return _SHOPPING_LIST[0] if _CHINESE_ADDING.search(text) else None
    family = next((family for family in _LIST_FAMILIES if parsed.intent in family), None)
    if family is None:
        return parsed.intent
    if _LIST_QUESTION.search(text):
        return None  # "what's on my shopping list": planned, and not cached
    if _ADDING.search(text):
        return family[0]
    return family[1] if _COMPLETING.search(text) else parsed.intent


def repair_list_item(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` with the item of a list request the parser did not tag (see the module doc)."""
    if parsed.label_space != "ha" or parsed.intent not in _ADD_ITEM | _DONE_ITEM:
        return parsed
    if any(slot.type == "item" for slot in parsed.slots):
        return parsed
    for pattern in _LIST_ITEM if parsed.intent in _ADD_ITEM else _LIST_DONE_ITEM:
        match = pattern.match(parsed.text)
        if match is None:
            continue
        start, end = match.span("item")
        kept = tuple(slot for slot in parsed.slots if not slot.overlaps(start, end))
        item = Slot("item", parsed.text[start:end], start, end)
        return dataclasses.replace(parsed, slots=in_text_order((*kept, item)))
    return parsed
