"""Everyday switching commands the parser alone got wrong, in a real Home Assistant (see ``ha_repairs``).

"关闭空调" was read as "cancel all timers", "打开空调" as nothing at all, and "dim the kitchen lights"
as "turn the kitchen lights off".
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

from custom_components.agent_reuse.const import CONF_STARTER_PLANS
from tests.planner_fixture import PlannerServer

from .conftest import (
    KITCHEN_LIGHT,
    ask,
    demo_home,
    last_trace,
    plan_json,
    respond_step,
    service_step,
    setup_agent,
    speech,
)

AIR_CONDITIONER = "climate.hvac"  # cooling; the demo's other two thermostats stay unexposed


@pytest.fixture
async def home(hass: HomeAssistant) -> AsyncIterator[HomeAssistant]:
    async with demo_home(hass, [Platform.LIGHT, Platform.SWITCH, Platform.CLIMATE]) as furnished:
        async_expose_entity(furnished, "conversation", AIR_CONDITIONER, True)
        yield furnished


async def test_the_air_conditioner_is_switched_by_its_device_word(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    assert home.states.get(AIR_CONDITIONER).state == "cool"

    result = await ask(home, entry, "关闭空调", "zh-Hans")
    assert speech(result) == "已关闭空调。"
    assert home.states.get(AIR_CONDITIONER).state == "off"
    assert last_trace(entry)["intent"] == "HassTurnOff"

    result = await ask(home, entry, "打开空调", "zh-Hans")
    assert speech(result) == "已打开空调。"
    assert home.states.get(AIR_CONDITIONER).state != "off"
    assert last_trace(entry)["intent"] == "HassTurnOn"

    await ask(home, entry, "把空调关了", "zh-Hans")
    assert home.states.get(AIR_CONDITIONER).state == "off"

    # English: the parser reads "turn on the thermostat" as a temperature question about a device class.
    await ask(home, entry, "turn on the thermostat")
    assert home.states.get(AIR_CONDITIONER).state != "off"
    assert last_trace(entry)["intent"] == "HassTurnOn"
    assert last_trace(entry)["slots"] == {"name": "thermostat"}
    assert planner.calls() == 0  # starter plans served them all


async def test_dimming_is_planned_not_served_by_a_switching_plan(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    await ask(home, entry, "turn on the kitchen lights")
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    planner.queue(
        plan_json(
            service_step(
                {"entity_id": KITCHEN_LIGHT},
                service="turn_on",
                domain="light",
                data={"brightness_step_pct": -20},
            ),
            respond_step("Dimmed."),
        )
    )
    result = await ask(home, entry, "dim the kitchen lights")
    assert speech(result) == "Dimmed."
    assert home.states.get(KITCHEN_LIGHT).state == "on"  # dimmer, not off
    assert planner.calls() == 1
    trace = last_trace(entry)
    assert trace["intent"] is None
    assert trace["cached"] is False
