"""Which day a request names ("tomorrow", "明天", "on Saturday", "後天"), and how a day's forecast is said.

Why: the starter plans answer the weather *now*, and the embedder puts "明天天气怎么样" 0.97 from
"天气怎么样", "what will the weather be like on saturday" 0.82 from "what is the weather like": the same
intent and the same (empty) slot signature, so the plan for now was reused and the user heard today's
weather when asking about tomorrow's. Two things follow from the words here:

* the cache passes over an entry whose template names another day than the request's template does
  (:func:`said_days`; "now" and "today" name none), whatever the intent: the plan for now never answers
  tomorrow, nor "tonight" the plan for now;
* a weather question for a day the forecast covers (:func:`forecast_day`: tomorrow, the day after, a
  weekday) is answered from the weather entity's forecast by the host (``host_forecast.py``), in the
  request's language (:func:`forecast_sentence`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from .nlu import ParsedRequest
from .speech import speech_language

_EN_WEEKDAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ZH_WEEKDAY_NUMBERS: Final = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}

#: Days ahead by word, longest first ("the day after tomorrow" holds "tomorrow", "大后天" holds "后天").
_DAYS_AHEAD: Final[tuple[tuple[str, int], ...]] = (
    ("the day after tomorrow", 2),
    ("day after tomorrow", 2),
    ("大后天", 3),
    ("大後天", 3),
    ("后天", 2),
    ("後天", 2),
    ("tomorrow", 1),
    ("明天", 1),
    ("明日", 1),
    ("明儿", 1),
    ("明兒", 1),
)
#: Other times of day or of the week a request may name: never the same plan as "now", but no forecast
#: day of their own (a part of today, two days, a past day).
_OTHER_TIMES: Final[tuple[tuple[str, str], ...]] = (
    ("tonight", "tonight"),
    ("this evening", "tonight"),
    ("今晚", "tonight"),
    ("今天晚上", "tonight"),
    ("今夜", "tonight"),
    ("weekend", "weekend"),
    ("周末", "weekend"),
    ("週末", "weekend"),
    ("yesterday", "yesterday"),
    ("昨天", "yesterday"),
    ("next week", "next_week"),
    ("下周", "next_week"),
    ("下週", "next_week"),
    ("下个星期", "next_week"),
    ("下個星期", "next_week"),
)
_EN_WEEKDAY: Final = re.compile(r"(?<![a-z])(next\s+)?(" + "|".join(_EN_WEEKDAYS) + r")(?![a-z])")
#: 周天 is Sunday, but 这周天气 is this week's weather.
_ZH_WEEKDAY: Final = re.compile(r"(下(?:个|個)?)?(?:星期|礼拜|禮拜|周|週)([一二三四五六日]|天(?![气氣]))")


@dataclass(frozen=True)
class AskedDay:
    """A day a request names: ``days_ahead`` of today (1 = tomorrow), or a ``weekday`` (0 = Monday)."""

    days_ahead: int | None = None
    weekday: int | None = None
    #: "next Monday", "下周一": the weekday of next week when that weekday is today.
    next_week: bool = False

    def on(self, today: date) -> date:
        """The date meant, said on ``today``: a weekday is its next occurrence (today when it is today)."""
        if self.days_ahead is not None:
            return today + timedelta(days=self.days_ahead)
        assert self.weekday is not None
        ahead = (self.weekday - today.weekday()) % 7
        if ahead == 0 and self.next_week:
            ahead = 7
        return today + timedelta(days=ahead)


def _lowered(text: str) -> str:
    return " ".join(text.lower().split())


def asked_day(text: str) -> AskedDay | None:
    """The one forecast day ``text`` names, else None (none, several, or a time with no day of its own)."""
    lowered = _lowered(text)
    days = said_days(lowered)
    if len(days) != 1:
        return None
    (day,) = days
    if day.startswith("ahead:"):
        return AskedDay(days_ahead=int(day.removeprefix("ahead:")))
    if day.startswith("weekday:"):
        weekday = int(day.removeprefix("weekday:"))
        return AskedDay(weekday=weekday, next_week=_names_next_weekday(lowered))
    return None


def _names_next_weekday(lowered: str) -> bool:
    en = _EN_WEEKDAY.search(lowered)
    zh = _ZH_WEEKDAY.search(lowered)
    return bool((en and en.group(1)) or (zh and zh.group(1)))


def said_days(text: str) -> frozenset[str]:
    """Markers of the days and times ``text`` names: ``ahead:N``, ``weekday:N``, or another time (tonight,
    weekend, yesterday, next_week). "now" and "today" are no marker: they are what a request without one
    means."""
    lowered = _lowered(text)
    found: set[str] = set()
    rest = lowered
    for word, ahead in _DAYS_AHEAD:
        if word in rest:
            found.add(f"ahead:{ahead}")
            rest = rest.replace(word, " ")
    for match in _EN_WEEKDAY.finditer(rest):
        found.add(f"weekday:{_EN_WEEKDAYS.index(match.group(2))}")
    for match in _ZH_WEEKDAY.finditer(rest):
        found.add(f"weekday:{_ZH_WEEKDAY_NUMBERS[match.group(2)]}")
    rest = _ZH_WEEKDAY.sub(" ", _EN_WEEKDAY.sub(" ", rest))
    for word, marker in _OTHER_TIMES:
        if word in rest:
            found.add(marker)
    return frozenset(found)


def forecast_day(parsed: ParsedRequest) -> AskedDay | None:
    """The day of a weather question that names one the forecast may cover (tomorrow, the day after, a
    weekday), else None: the weather now, or a time a daily forecast does not answer (tonight)."""
    if parsed.label_space != "ha" or parsed.intent != "HassGetWeather":
        return None
    return asked_day(parsed.text)


def is_forecast_question(parsed: ParsedRequest) -> bool:
    """Whether the host answers ``parsed`` from a weather forecast (see :func:`forecast_day`)."""
    return forecast_day(parsed) is not None


@dataclass(frozen=True)
class DayForecast:
    """One weather entity's forecast for one day, as said: the condition in the request's language, the
    high and low temperature with their unit, and the chance of precipitation in percent."""

    name: str
    condition: str | None
    high: float | None
    low: float | None
    unit: str
    precipitation_probability: float | None = None


_EN_WEEKDAY_NAMES: Final = tuple(day.capitalize() for day in _EN_WEEKDAYS)
_ZH_WEEKDAY_NAMES: Final = ("一", "二", "三", "四", "五", "六", "日")
_ZH_AHEAD: Final = {1: ("明天", "明天"), 2: ("后天", "後天"), 3: ("大后天", "大後天")}
_EN_AHEAD: Final = {1: "Tomorrow", 2: "The day after tomorrow", 3: "In three days"}


def day_words(day: date, today: date, language: str, *, by_weekday: bool = False) -> str:
    """How ``day`` is called said on ``today``: "Tomorrow", "明天"; its weekday ("Saturday", "星期六") when
    ``by_weekday`` (the question named it so) or when it is further ahead."""
    lang = speech_language(language)
    ahead = (day - today).days
    if lang == "en":
        if ahead == 0:
            return "Today"
        if by_weekday or ahead not in _EN_AHEAD:
            return _EN_WEEKDAY_NAMES[day.weekday()]
        return _EN_AHEAD[ahead]
    if ahead == 0:
        return "今天"
    if by_weekday or ahead not in _ZH_AHEAD:
        return f"星期{_ZH_WEEKDAY_NAMES[day.weekday()]}"
    return _ZH_AHEAD[ahead][0 if lang == "zh-Hans" else 1]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def forecast_sentence(day: str, forecast: DayForecast, language: str, *, named: bool = False) -> str:
    """ "Tomorrow: rainy, high 19 °C, low 8 °C, 30 % chance of precipitation." / "明天：雨，最高19 °C，…".

    ``named`` puts the weather entity's name first (a home with several exposed weather entities).
    """
    lang = speech_language(language)
    parts: list[str] = []
    if forecast.condition:
        parts.append(forecast.condition)
    unit = f" {forecast.unit}" if forecast.unit else ""
    probability = forecast.precipitation_probability
    if lang == "en":
        if forecast.high is not None:
            parts.append(f"high {_number(forecast.high)}{unit}")
        if forecast.low is not None:
            parts.append(f"low {_number(forecast.low)}{unit}")
        if probability is not None:
            parts.append(f"{_number(probability)} % chance of precipitation")
        head = f"{forecast.name}, {day[:1].lower()}{day[1:]}" if named else day
        return f"{head}: {', '.join(parts) or 'no forecast'}."
    if forecast.high is not None:
        parts.append(f"最高{_number(forecast.high)}{unit}")
    if forecast.low is not None:
        parts.append(f"最低{_number(forecast.low)}{unit}")
    if probability is not None:
        chance = "降水概率" if lang == "zh-Hans" else "降水機率"
        parts.append(f"{chance}{_number(probability)}%")
    head = f"{forecast.name}{day}" if named else day
    nothing = "没有预报" if lang == "zh-Hans" else "沒有預報"
    return f"{head}：{'，'.join(parts) or nothing}。"
