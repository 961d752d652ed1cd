"""The weather now, in a real Home Assistant with the demo's weather entity (starter plans only).

"what's the weather" and "天气怎么样" went to the planner (the second was unknown to the parser); the offline
planner plans neither (``starter._weather``, ``repairs_intents.repair_weather_question``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

from custom_components.agent_reuse.const import CONF_STARTER_PLANS
from tests.planner_fixture import PlannerServer

from .conftest import ask, demo_home, last_trace, setup_agent, speech

WEATHER = "weather.demo_weather_south"  # sunshine; the demo's northern one stays unexposed


@pytest.fixture
async def home(hass: HomeAssistant) -> AsyncIterator[HomeAssistant]:
    async with demo_home(hass, [Platform.LIGHT, Platform.SWITCH, Platform.WEATHER]) as furnished:
        async_expose_entity(furnished, "conversation", WEATHER, True)
        yield furnished


async def test_the_weather_now_in_english_and_chinese(home: HomeAssistant, planner: PlannerServer) -> None:
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    state = home.states.get(WEATHER)
    temperature = f"{state.attributes['temperature']} {state.attributes['temperature_unit']}"

    result = await ask(home, entry, "what's the weather like today")
    assert speech(result) == f"The weather now: sunny, {temperature}."
    assert last_trace(entry)["outcome"] == "hit"

    for question in ("天气怎么样", "外面天气怎么样", "今天天气如何"):
        result = await ask(home, entry, question, "zh-Hans")
        assert speech(result) == f"现在的天气：晴，{temperature}。", question
        assert last_trace(entry)["intent"] == "HassGetWeather"
    result = await ask(home, entry, "今天天氣怎麼樣", "zh-TW")
    assert speech(result).startswith("現在的天氣：")
    assert planner.calls() == 0
