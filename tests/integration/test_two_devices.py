"""Two devices named in one request, in a real Home Assistant (``gazetteer._joined_names``).

"turn off the kitchen lights and the bed light" was read as the area kitchen and the device word "lights"
twice: the kitchen's lights went off, the bed light stayed on, and the reply sounded complete. "关掉吊灯和
台灯" was one name 吊灯和台灯, which names nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.agent_reuse.const import CONF_STARTER_PLANS
from tests.planner_fixture import PlannerServer

from .conftest import (
    BED_LIGHT,
    DECORATIVE_SWITCH,
    KITCHEN_LIGHT,
    ask,
    demo_home,
    last_trace,
    setup_agent,
    speech,
)


@pytest.fixture
async def home(hass: HomeAssistant) -> AsyncIterator[HomeAssistant]:
    async with demo_home(hass, [Platform.LIGHT, Platform.SWITCH]) as furnished:
        entities = er.async_get(furnished)
        entities.async_update_entity(KITCHEN_LIGHT, aliases={"吊灯"})
        entities.async_update_entity(BED_LIGHT, aliases={"台灯"})
        yield furnished


async def test_two_named_devices_are_both_switched(home: HomeAssistant, planner: PlannerServer) -> None:
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    await home.services.async_call(
        "light", "turn_on", {"entity_id": [KITCHEN_LIGHT, BED_LIGHT]}, blocking=True
    )

    result = await ask(home, entry, "turn off the kitchen lights and the bed light")
    assert speech(result) == "Turned off the kitchen lights and the bed light."
    assert home.states.get(KITCHEN_LIGHT).state == "off"
    assert home.states.get(BED_LIGHT).state == "off"
    assert last_trace(entry)["slots"] == {"name": "kitchen lights", "name_2": "bed light"}

    # A light and a switch: the same plan, bound to other names.
    result = await ask(home, entry, "turn on the bed light and the decorative lights")
    assert speech(result) == "Turned on the bed light and the decorative lights."
    assert home.states.get(BED_LIGHT).state == "on"
    assert home.states.get(DECORATIVE_SWITCH).state == "on"

    result = await ask(home, entry, "关掉吊灯和台灯", "zh-Hans")
    assert speech(result) == "已关闭吊灯和台灯。"
    assert home.states.get(BED_LIGHT).state == "off"
    result = await ask(home, entry, "打开吊灯和台灯", "zh-Hans")
    assert speech(result) == "已打开吊灯和台灯。"
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    assert home.states.get(BED_LIGHT).state == "on"
    assert planner.calls() == 0


async def test_a_switch_named_for_the_lights_it_drives_is_found_by_its_whole_name(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """ "turn on the decorative lights" is tagged as the name "decorative" and the device word "light": no
    *light* is called so ("Sorry, there is no light called decorative"), but the switch "Decorative Lights"
    (a smart plug driving lights) is."""
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    await home.services.async_call("switch", "turn_off", {"entity_id": DECORATIVE_SWITCH}, blocking=True)

    result = await ask(home, entry, "turn on the decorative lights")
    assert last_trace(entry)["slots"] == {"name": "decorative", "domain": "light"}
    assert speech(result) == "Turned on the decorative lights."
    assert home.states.get(DECORATIVE_SWITCH).state == "on"
    assert home.states.get(KITCHEN_LIGHT).state == "off"  # no light was switched instead

    # A light's own service cannot act on a switch: said so, nothing done.
    result = await ask(home, entry, "set the decorative lights to 50%")
    assert result.response.response_type.value == "error"
    assert home.states.get(DECORATIVE_SWITCH).state == "on"
    assert planner.calls() == 0
