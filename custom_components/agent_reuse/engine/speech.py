"""What the agent says when something goes wrong, in the request's language (English, Simplified and
Traditional Chinese).

Why a catalogue instead of English sentences in the errors: the agent serves Chinese and English speakers by
voice, and an error is the one answer a user most needs to understand ("there is no light called 台灯 in the
kitchen"). Errors keep their English message for logs and traces; what they *say* is a :class:`Spoken`
(a message key and its parameters) rendered in the language of the request at the end. Every message exists
in every language with the same placeholders (a test checks it), so no request gets half a sentence in
another language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Literal, Protocol

type SpeechLanguage = Literal["en", "zh-Hans", "zh-Hant"]
SPEECH_LANGUAGES: Final[tuple[SpeechLanguage, ...]] = ("en", "zh-Hans", "zh-Hant")

_TRADITIONAL_REGIONS: Final = frozenset({"hant", "tw", "hk", "mo"})


def speech_language(language: str) -> SpeechLanguage:
    """``"zh-TW"``, ``"zh-Hant"``, ``"zh_HK"`` → zh-Hant; other ``zh*`` → zh-Hans; anything else → en."""
    parts = language.strip().lower().replace("_", "-").split("-")
    if parts[0] != "zh":
        return "en"
    return "zh-Hant" if _TRADITIONAL_REGIONS.intersection(parts[1:]) else "zh-Hans"


class Renderable(Protocol):
    """Something that can be said in each speech language (a message, a list of device kinds)."""

    def render(self, language: str) -> str:
        """The text in ``language`` (any language code; see :func:`speech_language`)."""
        ...


type Param = str | Renderable


@dataclass(frozen=True, slots=True)
class Spoken:
    """A message of the catalogue and its parameters: what to say, not yet in which language."""

    key: str
    params: Mapping[str, Param] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if self.key not in MESSAGES:
            raise KeyError(f"no spoken message {self.key!r}")

    def render(self, language: str) -> str:
        """The message in the speech language of ``language``."""
        lang = speech_language(language)
        values = {
            name: value if isinstance(value, str) else value.render(lang)
            for name, value in self.params.items()
        }
        return MESSAGES[self.key][lang].format(**values)


def spoken(key: str, /, **params: Param) -> Spoken:
    """``Spoken(key, params)`` with the parameters as keywords."""
    return Spoken(key, MappingProxyType(params))


#: Device kinds by Home Assistant domain (and cover device class), for "there is no light called …" (unlisted
#: ones say their id).
DEVICE_KINDS: Final[Mapping[str, Mapping[SpeechLanguage, str]]] = {
    "device": {"en": "device", "zh-Hans": "设备", "zh-Hant": "裝置"},
    "light": {"en": "light", "zh-Hans": "灯", "zh-Hant": "燈"},
    "switch": {"en": "switch", "zh-Hans": "开关", "zh-Hant": "開關"},
    "fan": {"en": "fan", "zh-Hans": "风扇", "zh-Hant": "風扇"},
    "cover": {"en": "cover", "zh-Hans": "窗帘", "zh-Hant": "窗簾"},
    "climate": {"en": "thermostat", "zh-Hans": "空调", "zh-Hant": "空調"},
    "media_player": {"en": "media player", "zh-Hans": "播放器", "zh-Hant": "播放器"},
    "lock": {"en": "lock", "zh-Hans": "锁", "zh-Hant": "鎖"},
    "sensor": {"en": "sensor", "zh-Hans": "传感器", "zh-Hant": "感測器"},
    "binary_sensor": {"en": "sensor", "zh-Hans": "传感器", "zh-Hant": "感測器"},
    "vacuum": {"en": "vacuum", "zh-Hans": "扫地机", "zh-Hant": "掃地機"},
    "scene": {"en": "scene", "zh-Hans": "场景", "zh-Hant": "場景"},
    "script": {"en": "script", "zh-Hans": "脚本", "zh-Hant": "腳本"},
    # Cover device classes, for "there is no blind in the living room" when a room has covers of other kinds.
    "blind": {"en": "blind", "zh-Hans": "百叶窗", "zh-Hant": "百葉窗"},
    "curtain": {"en": "curtain", "zh-Hans": "窗帘", "zh-Hant": "窗簾"},
    "shade": {"en": "shade", "zh-Hans": "遮阳帘", "zh-Hant": "遮陽簾"},
    "shutter": {"en": "shutter", "zh-Hans": "卷帘", "zh-Hant": "捲簾"},
    "window": {"en": "window", "zh-Hans": "窗户", "zh-Hant": "窗戶"},
    "awning": {"en": "awning", "zh-Hans": "遮阳篷", "zh-Hant": "遮陽篷"},
    "garage": {"en": "garage door", "zh-Hans": "车库门", "zh-Hant": "車庫門"},
    "humidifier": {"en": "humidifier", "zh-Hans": "加湿器", "zh-Hant": "加濕器"},
    "water_heater": {"en": "water heater", "zh-Hans": "热水器", "zh-Hant": "熱水器"},
    "valve": {"en": "valve", "zh-Hans": "阀门", "zh-Hant": "閥門"},
}
_LIST_SEPARATOR: Final[Mapping[SpeechLanguage, str]] = {"en": ", ", "zh-Hans": "、", "zh-Hant": "、"}


@dataclass(frozen=True, slots=True)
class DeviceKinds:
    """The kinds of device a request targeted (Home Assistant domains), said as a list; none → "device"."""

    domains: tuple[str, ...] = ()

    def render(self, language: str) -> str:
        lang = speech_language(language)
        names = [DEVICE_KINDS[d][lang] if d in DEVICE_KINDS else d for d in sorted(self.domains)]
        return _LIST_SEPARATOR[lang].join(names) if names else DEVICE_KINDS["device"][lang]


@dataclass(frozen=True, slots=True)
class InLanguages:
    """A text that exists in several speech languages already (Home Assistant's own translated error
    messages): said in the request's language, else in English."""

    texts: Mapping[SpeechLanguage, str]

    def render(self, language: str) -> str:
        said = self.texts.get(speech_language(language))
        return said if said else self.texts.get("en", "")


@dataclass(frozen=True, slots=True)
class EnglishOnly:
    """An English message from outside the catalogue (a third-party runner's error): said as written in
    English, and as ``otherwise`` in other languages rather than as an English clause inside Chinese."""

    text: str
    otherwise: Spoken

    def render(self, language: str) -> str:
        return self.text if speech_language(language) == "en" else self.otherwise.render(language)


def _m(en: str, hans: str, hant: str) -> Mapping[SpeechLanguage, str]:
    return MappingProxyType({"en": en, "zh-Hans": hans, "zh-Hant": hant})


#: Every message in every speech language. Keys ending in a reason of a failed step ("no_entity", …) are
#: clauses ("there is no entity light.x"): the executor puts them into its "Sorry, I could not …" sentence.
MESSAGES: Final[Mapping[str, Mapping[SpeechLanguage, str]]] = MappingProxyType(
    {
        # -- whole replies -------------------------------------------------------------------------------
        "done": _m("Done.", "好的。", "好的。"),
        "internal": _m(
            "Sorry, something went wrong handling that request.",
            "抱歉，处理请求时出错了。",
            "抱歉，處理請求時出錯了。",
        ),
        "did_not_work": _m("Sorry, that did not work.", "抱歉，没有成功。", "抱歉，沒有成功。"),
        "empty_request": _m(
            "Sorry, the request is empty.", "抱歉，我没有听到请求。", "抱歉，我沒有聽到請求。"
        ),
        "bad_request": _m(
            "Sorry, I cannot read that request.", "抱歉，这个请求我读不懂。", "抱歉，這個請求我讀不懂。"
        ),
        "models_broken": _m(
            "Sorry, the language models of AgentReuse could not be loaded.",
            "抱歉，AgentReuse 的语言模型无法加载。",
            "抱歉，AgentReuse 的語言模型無法載入。",
        ),
        "no_planner": _m(
            "Sorry, I can't plan this request: no planner is reachable.",
            "抱歉，这个请求需要规划，但现在连不上规划器。",
            "抱歉，這個請求需要規劃，但現在連不上規劃器。",
        ),
        "planner_timeout": _m(
            "Sorry, the planner did not answer within {seconds} seconds.",
            "抱歉，规划器在{seconds}秒内没有回应。",
            "抱歉，規劃器在{seconds}秒內沒有回應。",
        ),
        "planner_unreachable": _m(
            "Sorry, I can't reach the planner right now.",
            "抱歉，现在连不上规划器。",
            "抱歉，現在連不上規劃器。",
        ),
        "planner_auth": _m(
            "Sorry, the planner refused the API key. Please check it in the integration's settings.",
            "抱歉，规划器拒绝了 API 密钥，请在集成设置里检查。",
            "抱歉，規劃器拒絕了 API 金鑰，請在整合設定裡檢查。",
        ),
        "planner_http": _m(
            "Sorry, the planner answered with an error (HTTP {status}).",
            "抱歉，规划器返回了错误（HTTP {status}）。",
            "抱歉，規劃器回傳了錯誤（HTTP {status}）。",
        ),
        "planner_bad_reply": _m(
            "Sorry, the planner's answer could not be read.",
            "抱歉，规划器的回答无法读取。",
            "抱歉，規劃器的回答無法讀取。",
        ),
        "planner_no_valid_plan": _m(
            "Sorry, the planner gave no valid plan, so I did nothing.",
            "抱歉，规划器没有给出有效的计划，我什么也没做。",
            "抱歉，規劃器沒有給出有效的計劃，我什麼也沒做。",
        ),
        "planner_failed": _m(
            "Sorry, the planner could not make a plan.",
            "抱歉，规划器没能做出计划。",
            "抱歉，規劃器沒能做出計劃。",
        ),
        "plan_invalid": _m(
            "Sorry, the plan for this request is not valid, so I did nothing.",
            "抱歉，这个请求的计划无效，我什么也没做。",
            "抱歉，這個請求的計劃無效，我什麼也沒做。",
        ),
        "correction_ack": _m(
            "Sorry about that. I won't reuse that plan for this again; next time I'll plan it afresh.",
            "抱歉，刚才做错了。下次遇到这类请求我会重新规划。",
            "抱歉，剛才做錯了。下次遇到這類請求我會重新規劃。",
        ),
        # -- a failed step: "Sorry, I could not <description>: <reason>." ------------------------------
        "step_failed_with_description": _m(
            "Sorry, I could not {description}: {reason}",
            "抱歉，没能{description}：{reason}",
            "抱歉，沒能{description}：{reason}",
        ),
        "step_failed_reason_only": _m("Sorry, {reason}", "抱歉，{reason}", "抱歉，{reason}"),
        "step_failed_without_description": _m(
            "Sorry, step {step} ({action}) failed: {reason}", "抱歉，{reason}", "抱歉，{reason}"
        ),
        # -- reasons (clauses) ---------------------------------------------------------------------------
        "step_failed": _m("it failed", "没有成功", "沒有成功"),
        "step_unexpected": _m(
            "an unexpected error occurred (details are in the log)",
            "发生了意外错误（详情见日志）",
            "發生了意外錯誤（詳情見日誌）",
        ),
        "step_took_too_long": _m(
            "it took longer than {seconds} seconds", "超过{seconds}秒还没有完成", "超過{seconds}秒還沒有完成"
        ),
        "step_timed_out": _m("it timed out", "超时了", "逾時了"),
        "step_cancelled": _m("it was cancelled", "被取消了", "被取消了"),
        "no_runner": _m(
            "there is no runner for the action '{action}'",
            "无法执行“{action}”类的步骤",
            "無法執行「{action}」類的步驟",
        ),
        "deferred_one_minute": _m("Okay, in one minute.", "好的，一分钟后执行。", "好的，一分鐘後執行。"),
        "deferred_minutes": _m("Okay, in {n} minutes.", "好的，{n}分钟后执行。", "好的，{n}分鐘後執行。"),
        "deferred_seconds": _m("Okay, in {n} seconds.", "好的，{n}秒后执行。", "好的，{n}秒後執行。"),
        "cancelled_one": _m('Cancelled "{text}".', "已取消“{text}”。", "已取消「{text}」。"),
        "cancelled_many": _m("Cancelled {n} commands.", "已取消{n}个命令。", "已取消{n}個命令。"),
        "nothing_to_cancel": _m(
            "Nothing like that is waiting.", "没有这样的命令在等待执行。", "沒有這樣的命令在等待執行。"
        ),
        "time_left": _m(
            "\u201c{text}\u201d: {left} left.", "“{text}”：还剩{left}。", "「{text}」：還剩{left}。"
        ),
        "left_minutes": _m("{n} minutes", "{n}分钟", "{n}分鐘"),
        "left_one_minute": _m("1 minute", "1分钟", "1分鐘"),
        "left_hours": _m("{n} hours", "{n}小时", "{n}小時"),
        "left_one_hour": _m("1 hour", "1小时", "1小時"),
        "left_seconds": _m("{n} seconds", "{n}秒", "{n}秒"),
        "time_now": _m("It is {time}.", "现在是{time}。", "現在是{time}。"),
        "date_today": _m("Today is {date}.", "今天是{date}。", "今天是{date}。"),
        "timer_started": _m("Timer started.", "计时器已开始。", "計時器已開始。"),
        "timer_cancelled": _m("Timer cancelled.", "计时器已取消。", "計時器已取消。"),
        "timers_cancelled": _m("Cancelled {n} timers.", "已取消{n}个计时器。", "已取消{n}個計時器。"),
        "timer_updated": _m("Timer updated.", "计时器已更新。", "計時器已更新。"),
        "timer_paused": _m("Timer paused.", "计时器已暂停。", "計時器已暫停。"),
        "timer_resumed": _m("Timer resumed.", "计时器已继续。", "計時器已繼續。"),
        "no_weather": _m(
            "No weather entity is exposed to Assist.",
            "没有向语音助手公开的天气实体。",
            "沒有向語音助理公開的天氣實體。",
        ),
        "no_weather_named": _m(
            "There is no weather entity called {name}.",
            "没有叫“{name}”的天气实体。",
            "沒有叫「{name}」的天氣實體。",
        ),
        "no_forecast_for": _m(
            "{name} has no forecast for {day}.",
            "“{name}”没有{day}的天气预报。",
            "「{name}」沒有{day}的天氣預報。",
        ),
        "no_timers": _m("No timers are running.", "没有正在运行的计时器。", "沒有正在運行的計時器。"),
        "timer_left": _m("{name}{left} left.", "{name}还剩{left}。", "{name}還剩{left}。"),
        "timer_named": _m("{name} timer: ", "{name}计时器：", "{name}計時器："),
        "timer_not_found": _m("I couldn't find that timer.", "没有找到这个计时器。", "沒有找到這個計時器。"),
        "multiple_timers_matched": _m(
            "More than one timer matches: say which one.",
            "有多个计时器，请说是哪一个。",
            "有多個計時器，請說是哪一個。",
        ),
        "no_timer_support": _m(
            "This device cannot run timers.", "这个设备不支持计时器。", "這個裝置不支援計時器。"
        ),
        "later_failed_title": _m(
            "AgentReuse: a command for later did not work",
            "AgentReuse：定时命令没有成功",
            "AgentReuse：定時命令沒有成功",
        ),
        "later_failed": _m("\u201c{text}\u201d: {reason}", "“{text}”：{reason}", "「{text}」：{reason}"),
        "later_not_run_title": _m(
            "AgentReuse: a command for later was not run",
            "AgentReuse：定时命令没有执行",
            "AgentReuse：定時命令沒有執行",
        ),
        "later_not_run": _m(
            "\u201c{text}\u201d was due {minutes} minutes ago, while Home Assistant was not running; it was not run.",
            "“{text}”本应在{minutes}分钟前执行，当时 Home Assistant 没有运行，所以没有执行。",
            "「{text}」本應在{minutes}分鐘前執行，當時 Home Assistant 沒有運行，所以沒有執行。",
        ),
        "delay_not_number": _m(
            "{value} is not a length of time", "{value}不是有效的时长", "{value}不是有效的時長"
        ),
        "delay_out_of_range": _m(
            "a delay of {value} seconds is out of range (at most one hour)",
            "{value}秒的等待超出范围（最多一小时）",
            "{value}秒的等待超出範圍（最多一小時）",
        ),
        "unknown_device_word": _m(
            "I don't know which kind of device '{word}' is",
            "我不知道“{word}”是哪类设备",
            "我不知道「{word}」是哪類裝置",
        ),
        "no_area": _m("there is no area called {area}", "没有叫“{area}”的区域", "沒有叫「{area}」的區域"),
        "no_floor": _m(
            "there is no floor called {floor}", "没有叫“{floor}”的楼层", "沒有叫「{floor}」的樓層"
        ),
        "duplicate_name": _m(
            "more than one device is called {name}", "有不止一个设备叫“{name}”", "有不止一個裝置叫「{name}」"
        ),
        "not_exposed": _m(
            "{name} is not exposed to Assist", "“{name}”没有向语音助手公开", "「{name}」沒有向語音助理公開"
        ),
        "matching_not_exposed": _m(
            "the matching {kind}{where} is not exposed to Assist",
            "{where}符合条件的{kind}没有向语音助手公开",
            "{where}符合條件的{kind}沒有向語音助理公開",
        ),
        "no_named": _m(
            "there is no {kind} called {name}{where}",
            "{where}没有叫“{name}”的{kind}",
            "{where}沒有叫「{name}」的{kind}",
        ),
        "no_kind": _m("there is no {kind}{where}", "{where}没有{kind}", "{where}沒有{kind}"),
        "where_area": _m(" in the {area}", "{area}", "{area}"),
        "where_floor": _m(" on the {floor} floor", "{floor}", "{floor}"),
        "not_entity_id": _m(
            "'{entity}' is not an entity id", "“{entity}”不是实体 ID", "「{entity}」不是實體 ID"
        ),
        "no_entity": _m("there is no entity {entity}", "没有实体 {entity}", "沒有實體 {entity}"),
        "member_not_exposed": _m(
            "{name} (in {group}) is not exposed to Assist",
            "“{group}”里的“{name}”没有向语音助手公开",
            "「{group}」裡的「{name}」沒有向語音助理公開",
        ),
        "no_such_id": _m(
            "there is no device, area, floor or label with the id {id}",
            "没有 ID 为 {id} 的设备、区域、楼层或标签",
            "沒有 ID 為 {id} 的裝置、區域、樓層或標籤",
        ),
        "none_exposed": _m(
            "none of the targeted devices is exposed to Assist",
            "目标设备都没有向语音助手公开",
            "目標裝置都沒有向語音助理公開",
        ),
        "no_exposed_match": _m(
            "no exposed device matches", "没有符合条件的公开设备", "沒有符合條件的公開裝置"
        ),
        "action_not_allowed": _m(
            "the action {action} is not allowed for voice requests",
            "语音请求不允许执行 {action}",
            "語音請求不允許執行 {action}",
        ),
        "no_action": _m(
            "Home Assistant has no action {action}",
            "Home Assistant 没有 {action} 这个动作",
            "Home Assistant 沒有 {action} 這個動作",
        ),
        "no_attribute": _m(
            "{name} has no {attribute}",
            "“{name}”没有 {attribute} 这个属性",
            "「{name}」沒有 {attribute} 這個屬性",
        ),
        # A state Home Assistant's entity translations have no words for: a device not heard from yet (an
        # MQTT fan before its first message) or one that is offline.
        "state_unknown": _m("unknown", "未知", "未知"),
        "state_unavailable": _m("unavailable", "不可用", "無法使用"),
        # States a plan filters its targets by ("pause": what is playing), said when none is.
        "state_playing": _m("playing", "正在播放", "正在播放"),
        "state_paused": _m("paused", "已暂停", "已暫停"),
        "state_on": _m("on", "开着", "開著"),
        "state_off": _m("off", "关着", "關著"),
        "none_supports": _m(
            "no {kind}{where} can do that", "{where}没有能这样做的{kind}", "{where}沒有能這樣做的{kind}"
        ),
        "none_in_state": _m(
            "no {kind}{where} is {state}", "{where}没有{state}的{kind}", "{where}沒有{state}的{kind}"
        ),
        "which_one": _m(
            "there is more than one {kind} ({names}); please say which one",
            "有不止一个{kind}（{names}），请说是哪一个",
            "有不止一個{kind}（{names}），請說是哪一個",
        ),
        "cannot_switch": _m(
            "{names} cannot be turned on or off",
            "“{names}”不能打开或关闭",
            "「{names}」不能打開或關閉",
        ),
        "no_target_temperature": _m(
            "{names} has no target temperature to change",
            "“{names}”没有可以调的目标温度",
            "「{names}」沒有可以調的目標溫度",
        ),
        "wrong_kind": _m(
            "{action} does not act on {names}",
            "{action} 不能用于“{names}”",
            "{action} 不能用於「{names}」",
        ),
        "action_unauthorized": _m(
            "you are not allowed to run {action}", "你没有权限执行 {action}", "你沒有權限執行 {action}"
        ),
        "action_rejected_data": _m(
            "{action} rejected its data: {detail}",
            "{action} 不接受这些数据：{detail}",
            "{action} 不接受這些資料：{detail}",
        ),
        "action_failed": _m(
            "{action} failed: {detail}", "{action} 执行失败：{detail}", "{action} 執行失敗：{detail}"
        ),
        "mqtt_not_set_up": _m(
            "MQTT is not set up in Home Assistant",
            "Home Assistant 里还没有设置 MQTT",
            "Home Assistant 裡還沒有設定 MQTT",
        ),
        "mqtt_disconnected": _m("the MQTT broker is not connected", "MQTT 代理没有连接", "MQTT 代理沒有連線"),
        "mqtt_publish_failed": _m(
            "could not publish to {topic}: {detail}",
            "无法发布到 {topic}：{detail}",
            "無法發布到 {topic}：{detail}",
        ),
    }
)


_SERVICE_ID: Final = re.compile(r"[a-z0-9_]+\.[a-z0-9_]+")


def failure_sentence(description: str, step_id: str, action: str, reason: Renderable, language: str) -> str:
    """One sentence about a failed step: "Sorry, I could not <description>: <reason>." in ``language``
    ("Sorry, <reason>." where the description is only a service's id).

    A description is said only where it is in the reply's language (a Chinese reply does not quote an
    English step description the planner wrote); otherwise the reason stands alone.
    """
    lang = speech_language(language)
    text = reason.render(lang).rstrip()
    if not text.endswith((".", "!", "?", "。", "！", "？")):
        text += "." if lang == "en" else "。"
    description = description.strip()
    if _SERVICE_ID.fullmatch(description):
        # "homeassistant.turn_off" (the starter plans' descriptions) is no words to say: "Sorry, I could not
        # homeassistant.turn_off: …". The reason says what went wrong.
        return spoken("step_failed_reason_only", reason=text).render(lang)
    if description and (lang == "en" or has_cjk(description)):
        return spoken("step_failed_with_description", description=description, reason=text).render(lang)
    return spoken("step_failed_without_description", step=step_id, action=action, reason=text).render(lang)


def join_sentences(sentences: Iterable[str], language: str) -> str:
    """Sentences (or phrases) said one after another: a space between them in English, none in Chinese."""
    return ("" if speech_language(language) != "en" else " ").join(sentences)


def duration_words(hours: int, minutes: int, seconds: int, language: str) -> str:
    """ "1 hour 5 minutes", "5分钟", "40 seconds": the non-zero parts (seconds when all are zero)."""
    parts: list[Spoken] = []
    if hours:
        parts.append(spoken("left_one_hour") if hours == 1 else spoken("left_hours", n=str(hours)))
    if minutes:
        parts.append(spoken("left_one_minute") if minutes == 1 else spoken("left_minutes", n=str(minutes)))
    if seconds or not parts:
        parts.append(spoken("left_seconds", n=str(seconds)))
    return join_sentences((part.render(language) for part in parts), language)


def has_cjk(text: str) -> bool:
    """Whether ``text`` contains Chinese characters (CJK unified and compatibility ideographs)."""
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)
