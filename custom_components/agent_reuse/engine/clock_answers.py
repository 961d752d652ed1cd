"""Time and date questions answered from the home's clock, never planned.

Why: "what time is it" / "现在几点" (HassGetCurrentTime) and "what's the date today" / "今天几号"
(HassGetCurrentDate) went to the LLM planner. It has no clock to read: at best it wrote a plan reading some
sensor, at worst a reply with a time in it — and that plan was cached and reused, saying the same time
every day. Home Assistant's own agent answers these from its clock; so does this one now, in the request's
language, instantly and offline, with the clock the host passes (Home Assistant's, in the home's time zone).
"""

from __future__ import annotations

from datetime import datetime

from .speech import speech_language, spoken

GET_TIME = "HassGetCurrentTime"
GET_DATE = "HassGetCurrentDate"
CLOCK_INTENTS = frozenset({GET_TIME, GET_DATE})

_EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ZH_WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")


def _time(now: datetime, language: str) -> str:
    """ "3:05 PM"; "下午3点05分" (上午 / 中午 / 下午 / 晚上 / 凌晨, 点 and 分 as said)."""
    hour12 = now.hour % 12 or 12
    if speech_language(language) == "en":
        return f"{hour12}:{now.minute:02d} {'AM' if now.hour < 12 else 'PM'}"
    if now.hour < 5:
        part = "凌晨"
    elif now.hour < 12:
        part = "上午"
    elif now.hour < 13:
        part = "中午"
    elif now.hour < 18:
        part = "下午"
    else:
        part = "晚上"
    point = "點" if speech_language(language) == "zh-Hant" else "点"
    return f"{part}{hour12}{point}" + (f"{now.minute:02d}分" if now.minute else "整")


def _date(now: datetime, language: str) -> str:
    """ "Wednesday, December 2, 2026"; "2026年12月2日，星期三"."""
    if speech_language(language) == "en":
        return f"{_EN_WEEKDAYS[now.weekday()]}, {_EN_MONTHS[now.month - 1]} {now.day}, {now.year}"
    return f"{now.year}年{now.month}月{now.day}日，星期{_ZH_WEEKDAYS[now.weekday()]}"


def clock_answer(intent: str | None, now: datetime, language: str) -> str | None:
    """The spoken answer to a time or date question at ``now``; None for any other intent."""
    if intent == GET_TIME:
        return spoken("time_now", time=_time(now, language)).render(language)
    if intent == GET_DATE:
        return spoken("date_today", date=_date(now, language)).render(language)
    return None
