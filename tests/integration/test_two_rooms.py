"""Two rooms in one request, in a real Home Assistant (``template.number_repeated_slots``).

"turn on the kitchen and bedroom lights" had the one-room signature: the one-room plan was reused, only
the first area was bound, the kitchen alone went on and the reply sounded complete.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

from custom_components.agent_reuse.const import CONF_STARTER_PLANS
from tests.planner_fixture import PlannerServer

from .conftest import (
    AREA_PLAN,
    BED_LIGHT,
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


@pytest.fixture
async def home(hass: HomeAssistant) -> AsyncIterator[HomeAssistant]:
    async with demo_home(hass, [Platform.LIGHT, Platform.SWITCH]) as furnished:
        yield furnished


async def test_two_rooms_are_served_by_the_two_room_starter_plan(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    result = await ask(home, entry, "turn on the kitchen and bedroom lights")
    assert speech(result) == "Turned on the lights in the kitchen and the bedroom."
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    assert home.states.get(BED_LIGHT).state == "on"
    result = await ask(home, entry, "关闭厨房和卧室的灯", "zh-Hans")
    assert speech(result) == "已关闭厨房和卧室的灯。"
    assert home.states.get(KITCHEN_LIGHT).state == "off"
    assert home.states.get(BED_LIGHT).state == "off"
    assert last_trace(entry)["slots"] == {"area": "厨房", "area_2": "卧室"}
    assert planner.calls() == 0


async def test_a_one_room_plan_is_never_reused_for_two_rooms(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry = await setup_agent(home, planner.url)
    planner.queue(AREA_PLAN)
    await ask(home, entry, "turn on the kitchen lights")
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    await home.services.async_call("light", "turn_off", {"entity_id": KITCHEN_LIGHT}, blocking=True)

    both = {"area": ["{slot.area}", "{slot.area_2}"]}
    planner.queue(plan_json(service_step(both), respond_step("OK {slot.area} + {slot.area_2}.")))
    result = await ask(home, entry, "turn on the kitchen and bedroom lights")
    assert planner.calls() == 2  # the one-room plan's signature does not take two areas
    assert speech(result) == "OK kitchen + bedroom."
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    assert home.states.get(BED_LIGHT).state == "on"
