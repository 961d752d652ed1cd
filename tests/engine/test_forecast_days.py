"""The days a request names, and how a day's forecast is said (``engine/forecast_days.py``)."""

from __future__ import annotations

from datetime import date

import pytest

from custom_components.agent_reuse.engine.forecast_days import (
    AskedDay,
    DayForecast,
    asked_day,
    day_words,
    forecast_day,
    forecast_sentence,
    said_days,
)
from custom_components.agent_reuse.engine.nlu import ParsedRequest

THURSDAY = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("what's the weather tomorrow", {"ahead:1"}),
        ("what's the weather like the day after tomorrow", {"ahead:2"}),  # not also tomorrow
        ("明天天气怎么样", {"ahead:1"}),
        ("后天会下雨吗", {"ahead:2"}),
        ("大后天呢", {"ahead:3"}),  # not also the day after tomorrow
        ("後天天氣如何", {"ahead:2"}),
        ("what will the weather be like on Saturday", {"weekday:5"}),
        ("星期天天气怎么样", {"weekday:6"}),
        ("周天天气", {"weekday:6"}),
        ("週六會下雨嗎", {"weekday:5"}),
        ("礼拜一冷不冷", {"weekday:0"}),
        ("下周一天气", {"weekday:0"}),  # next week's Monday, not "next week" as well
        ("will it rain tonight", {"tonight"}),
        ("今天晚上冷吗", {"tonight"}),
        ("what's the weather this weekend", {"weekend"}),
        ("tomorrow or saturday", {"ahead:1", "weekday:5"}),
        # No day: the weather now.
        ("what's the weather like today", set()),
        ("现在天气怎么样", set()),
        ("这周天气怎么样", set()),  # this week's weather: 周天 followed by 气 is no Sunday
        ("turn on the {name}", set()),
    ],
)
def test_the_days_a_text_names(text: str, days: set[str]) -> None:
    assert said_days(text) == frozenset(days)


def test_one_forecast_day_or_none() -> None:
    assert asked_day("will it rain tomorrow") == AskedDay(days_ahead=1)
    assert asked_day("what about next monday") == AskedDay(weekday=0, next_week=True)
    assert asked_day("周五天气") == AskedDay(weekday=4)
    # A part of today, two days, or none: no single forecast day.
    for text in ("will it rain tonight", "tomorrow or saturday", "what's the weather"):
        assert asked_day(text) is None, text


def test_the_date_meant() -> None:
    assert AskedDay(days_ahead=1).on(THURSDAY) == date(2026, 12, 4)
    assert AskedDay(weekday=5).on(THURSDAY) == date(2026, 12, 5)  # this Saturday
    assert AskedDay(weekday=0).on(THURSDAY) == date(2026, 12, 7)  # the coming Monday
    assert AskedDay(weekday=3).on(THURSDAY) == THURSDAY  # "on Thursday", said on a Thursday: today
    assert AskedDay(weekday=3, next_week=True).on(THURSDAY) == date(2026, 12, 10)


def parsed(text: str, intent: str | None, language: str = "en") -> ParsedRequest:
    return ParsedRequest(text, language, "ha", intent, 0.9, ())


def test_only_weather_questions_are_forecast_questions() -> None:
    assert forecast_day(parsed("明天天气怎么样", "HassGetWeather", "zh")) == AskedDay(days_ahead=1)
    assert forecast_day(parsed("what's the weather", "HassGetWeather")) is None
    assert forecast_day(parsed("will it rain tonight", "HassGetWeather")) is None
    assert forecast_day(parsed("turn on the lights tomorrow", "HassTurnOn")) is None
    assert forecast_day(ParsedRequest("明天天气", "zh", "smp2019", "weather", 0.9, ())) is None


def test_day_words() -> None:
    friday, saturday = date(2026, 12, 4), date(2026, 12, 5)
    assert day_words(friday, THURSDAY, "en") == "Tomorrow"
    assert day_words(saturday, THURSDAY, "en") == "The day after tomorrow"
    assert day_words(saturday, THURSDAY, "en", by_weekday=True) == "Saturday"
    assert day_words(THURSDAY, THURSDAY, "en", by_weekday=True) == "Today"
    assert day_words(date(2026, 12, 8), THURSDAY, "en") == "Tuesday"
    assert day_words(saturday, THURSDAY, "zh-Hans") == "后天"
    assert day_words(saturday, THURSDAY, "zh-TW") == "後天"
    assert day_words(saturday, THURSDAY, "zh", by_weekday=True) == "星期六"
    assert day_words(date(2026, 12, 6), THURSDAY, "zh") == "大后天"


def test_forecast_sentences() -> None:
    rainy = DayForecast("Garden", "rainy", 19.0, 8.0, "°C", 30.0)
    assert forecast_sentence("Tomorrow", rainy, "en") == (
        "Tomorrow: rainy, high 19 °C, low 8 °C, 30 % chance of precipitation."
    )
    assert forecast_sentence("Tomorrow", rainy, "en", named=True) == (
        "Garden, tomorrow: rainy, high 19 °C, low 8 °C, 30 % chance of precipitation."
    )
    rain = DayForecast("花园", "雨", 19.5, -2.0, "°C", None)
    assert forecast_sentence("明天", rain, "zh-Hans") == "明天：雨，最高19.5 °C，最低-2 °C。"
    assert forecast_sentence("明天", rain, "zh-Hant", named=True) == "花园明天：雨，最高19.5 °C，最低-2 °C。"
    chance = DayForecast("x", None, None, None, "", 10.0)
    assert forecast_sentence("後天", chance, "zh-Hant") == "後天：降水機率10%。"
    nothing = DayForecast("x", None, None, None, "")
    assert forecast_sentence("Saturday", nothing, "en") == "Saturday: no forecast."
