"""A shopping-list item the parser did not tag, in a real Home Assistant (``repairs_intents.repair_list_item``).

Items are open-ended and the parser knows few: "add milk to the shopping list" came without an ``item``,
the planner's plan carried "milk" itself, and reused for "add eggs to the shopping list" it added milk
again.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.planner_fixture import PlannerServer

from .conftest import ask, last_trace, plan_json, respond_step, setup_agent, speech


async def test_each_item_said_is_the_item_added(hass: HomeAssistant, planner: PlannerServer) -> None:
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    shopping_list = MockConfigEntry(domain="shopping_list")
    shopping_list.add_to_hass(hass)
    assert await hass.config_entries.async_setup(shopping_list.entry_id)
    await hass.async_block_till_done()
    entry = await setup_agent(hass, planner.url)
    add_item = {
        "id": "s1",
        "description": "add the item",
        "action": "ha_service",
        "inputs": {"domain": "shopping_list", "service": "add_item", "data": {"name": "{slot.item}"}},
        "depends_on": [],
    }
    planner.queue(plan_json(add_item, respond_step("Added {slot.item}.")))

    result = await ask(hass, entry, "add milk to the shopping list")
    assert speech(result) == "Added milk."
    result = await ask(hass, entry, "add eggs to the shopping list")
    assert speech(result) == "Added eggs."
    assert last_trace(entry)["outcome"] == "hit"
    assert planner.calls() == 1
    items = [item["name"] for item in hass.data["shopping_list"].items]
    assert items == ["milk", "eggs"]
