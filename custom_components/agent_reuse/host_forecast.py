"""A weather question for another day ("what's the weather tomorrow", "明天会下雨吗", "on Saturday") is
answered from the exposed weather entities' forecasts.

Why: the starter plans (and Home Assistant's own HassGetWeather) say the weather *now*; asked about tomorrow,
the user heard today's weather (see ``engine/forecast_days.py``). A plan cannot pick one day out of a
forecast, and the offline planner plans nothing. ``weather.get_forecasts`` gives the forecast in the
entity's own resolution (daily, twice daily, hourly); the day asked for is read from it and said with
Home Assistant's own words for the condition in the request's language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.components.weather.const import WeatherEntityFeature
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util

from .const import ASSISTANT, EXTRA_LANGUAGE, LOGGER
from .engine.forecast_days import DayForecast, day_words, forecast_day, forecast_sentence
from .engine.nlu import ParsedRequest
from .engine.pipeline import HostAnswer
from .engine.speech import join_sentences, speech_language, spoken

#: The forecast resolutions, best first for a whole day's answer.
_FORECAST_TYPES: tuple[tuple[WeatherEntityFeature, str], ...] = (
    (WeatherEntityFeature.FORECAST_DAILY, "daily"),
    (WeatherEntityFeature.FORECAST_TWICE_DAILY, "twice_daily"),
    (WeatherEntityFeature.FORECAST_HOURLY, "hourly"),
)


async def async_serve_forecast(
    hass: HomeAssistant, parsed: ParsedRequest, extra: Mapping[str, Any]
) -> HostAnswer | None:
    """The forecast for the day ``parsed`` asks about; None when it asks about no such day."""
    asked = forecast_day(parsed)
    if asked is None:
        return None
    language = speech_language(str(extra.get(EXTRA_LANGUAGE) or parsed.language or hass.config.language))
    today = dt_util.now().date()
    day = asked.on(today)
    said_day = day_words(day, today, language, by_weekday=asked.weekday is not None)
    weathers = _exposed_weathers(hass, parsed.slot_values.get("name"))
    if not weathers:
        name = parsed.slot_values.get("name")
        key = spoken("no_weather_named", name=name) if name else spoken("no_weather")
        return HostAnswer(key.render(language), False)
    conditions = await _condition_words(hass, language)
    sentences: list[str] = []
    success = True
    for state in weathers:
        forecast = await _day_forecast(hass, state, day, conditions)
        if forecast is None:
            success = False
            sentences.append(spoken("no_forecast_for", name=state.name, day=said_day).render(language))
            continue
        sentences.append(forecast_sentence(said_day, forecast, language, named=len(weathers) > 1))
    return HostAnswer(join_sentences(sentences, language), success)


def _exposed_weathers(hass: HomeAssistant, name: str | None) -> list[State]:
    """The weather entities exposed to Assist (those called ``name`` when one is said), by entity id."""
    states = [
        state
        for state in hass.states.async_all("weather")
        if async_should_expose(hass, ASSISTANT, state.entity_id)
    ]
    if name:
        wanted = name.strip().casefold()
        states = [state for state in states if state.name.casefold() == wanted]
    return sorted(states, key=lambda state: state.entity_id)


async def _condition_words(hass: HomeAssistant, language: str) -> Mapping[str, str]:
    """Home Assistant's words for each weather condition in ``language`` ("rainy" → "雨")."""
    words = await async_get_translations(hass, language, "entity_component", {"weather"})
    prefix = "component.weather.entity_component._.state."
    return {
        key.removeprefix(prefix): text.lower() if language == "en" else text
        for key, text in words.items()
        if key.startswith(prefix)
    }


async def _day_forecast(
    hass: HomeAssistant, state: State, day: date, conditions: Mapping[str, str]
) -> DayForecast | None:
    """``state``'s forecast for ``day`` in its best resolution, or None when it has none for that day."""
    features = int(state.attributes.get("supported_features") or 0)
    kind = next((name for feature, name in _FORECAST_TYPES if features & feature), None)
    if kind is None:
        return None
    try:
        response = await hass.services.async_call(
            "weather",
            "get_forecasts",
            {"type": kind},
            target={"entity_id": state.entity_id},
            blocking=True,
            return_response=True,
        )
    except HomeAssistantError as err:
        LOGGER.warning("No %s forecast from %s: %s", kind, state.entity_id, err)
        return None
    own = (response or {}).get(state.entity_id)
    entries = own.get("forecast") if isinstance(own, dict) else None
    if not isinstance(entries, list):
        return None
    return summarize_day(state, [entry for entry in entries if isinstance(entry, dict)], day, conditions)


def summarize_day(
    state: State, entries: Sequence[Mapping[str, Any]], day: date, conditions: Mapping[str, str]
) -> DayForecast | None:
    """One day out of a forecast of any resolution: the commonest daytime condition, the highest and lowest
    temperature, the largest chance of precipitation. None when no entry falls on ``day`` (local time)."""
    on_day = []
    for entry in entries:
        when = dt_util.parse_datetime(str(entry.get("datetime") or ""))
        if when is not None and dt_util.as_local(when).date() == day:
            on_day.append(entry)
    if not on_day:
        return None
    daytime = [entry for entry in on_day if entry.get("is_daytime") is not False] or on_day
    said = Counter(str(entry["condition"]) for entry in daytime if entry.get("condition"))
    condition = said.most_common(1)[0][0] if said else None
    highs = _numbers(on_day, "temperature")
    lows = _numbers(on_day, "templow") or (highs if len(on_day) > 1 else [])
    chances = _numbers(on_day, "precipitation_probability")
    return DayForecast(
        name=state.name,
        condition=conditions.get(condition, condition) if condition else None,
        high=max(highs) if highs else None,
        low=min(lows) if lows else None,
        unit=str(state.attributes.get("temperature_unit") or ""),
        precipitation_probability=max(chances) if chances else None,
    )


def _numbers(entries: Sequence[Mapping[str, Any]], key: str) -> list[float]:
    return [
        float(value)
        for entry in entries
        if isinstance(value := entry.get(key), int | float) and not isinstance(value, bool)
    ]
