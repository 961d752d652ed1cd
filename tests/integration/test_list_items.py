"""A shopping-list item the parser did not tag, in a real Home Assistant (``repairs_intents.repair_list_item``).

Items are open-ended and the parser knows few: "add milk to the shopping list" came without an ``item``,
the planner's plan carried "milk" itself, and reused for "add eggs to the shopping list" it added milk
again.
"""

from __future__ import annotations

import pytest
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.agent_reuse.const import CONF_STARTER_PLANS
from tests.planner_fixture import PlannerServer

from .conftest import ask, last_trace, plan_json, respond_step, service_step, setup_agent, speech

TODO_LIST = "todo.shopping_list"


@pytest.fixture
async def home(hass: HomeAssistant) -> HomeAssistant:
    """Assist and Home Assistant's shopping list (with its to-do entity), nothing else."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    shopping_list = MockConfigEntry(domain="shopping_list")
    shopping_list.add_to_hass(hass)
    assert await hass.config_entries.async_setup(shopping_list.entry_id)
    await hass.async_block_till_done()
    return hass


async def test_each_item_said_is_the_item_added(home: HomeAssistant, planner: PlannerServer) -> None:
    entry = await setup_agent(home, planner.url)
    add_item = service_step(
        None, "add_item", "shopping_list", description="add the item", data={"name": "{slot.item}"}
    )
    planner.queue(plan_json(add_item, respond_step("Added {slot.item}.")))

    result = await ask(home, entry, "add milk to the shopping list")
    assert speech(result) == "Added milk."
    result = await ask(home, entry, "add eggs to the shopping list")
    assert speech(result) == "Added eggs."
    assert last_trace(entry)["outcome"] == "hit"
    assert planner.calls() == 1
    items = [item["name"] for item in home.data["shopping_list"].items]
    assert items == ["milk", "eggs"]


async def test_starter_plans_add_to_the_shopping_list_and_to_a_named_list(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """Offline from the first request: the shopping list in English and Chinese (whose Home Assistant
    sentences have no intent for it), and a to-do list by its name, with no planner call."""
    # The shopping list's to-do entity, exposed and also called "Chores", stands in for a named list.
    er.async_get(home).async_update_entity(TODO_LIST, aliases={"Chores"})
    async_expose_entity(home, "conversation", TODO_LIST, True)
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})

    for text, language, reply in (
        ("add milk to my shopping list", "en", "Added milk to your shopping list."),
        ("把面包加到购物清单", "zh-Hans", "已把面包加到购物清单。"),
        ("往购物清单里加牛奶", "zh-Hans", "已把牛奶加到购物清单。"),
        ("把雞蛋加到購物清單", "zh-Hant", "已把雞蛋加到購物清單。"),
        # Read as completing an item before ``repair_list_verb``: it would have ticked it off.
        ("add take out the trash to my chores list", "en", "Added take out the trash to the chores list."),
    ):
        result = await ask(home, entry, text, language)
        assert speech(result) == reply, text
        assert last_trace(entry)["outcome"] == "hit", text
    await home.async_block_till_done()
    items = [item["name"] for item in home.data["shopping_list"].items]
    assert items == ["milk", "面包", "牛奶", "雞蛋", "take out the trash"]
    assert planner.calls() == 0


async def test_an_item_ticked_off_is_the_item_said_and_a_question_is_not_cached(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """ "check off milk …" had no item: the plan carried "milk", and reused for eggs it ticked off milk."""
    for name in ("milk", "eggs", "bread"):
        await home.services.async_call("shopping_list", "add_item", {"name": name}, blocking=True)
    entry = await setup_agent(home, planner.url)
    complete_item = service_step(
        None, "complete_item", "shopping_list", description="tick the item off", data={"name": "{slot.item}"}
    )
    planner.queue(plan_json(complete_item, respond_step("Checked off {slot.item}.")))

    assert speech(await ask(home, entry, "check off milk from my shopping list")) == "Checked off milk."
    assert speech(await ask(home, entry, "check off eggs from my shopping list")) == "Checked off eggs."
    assert last_trace(entry)["outcome"] == "hit"
    done = {item["name"]: item["complete"] for item in home.data["shopping_list"].items}
    assert done == {"milk": True, "eggs": True, "bread": False}

    # "what's on my shopping list" came out as ticking off: it is planned and never cached as that.
    planner.queue(plan_json(respond_step("You have bread.", depends_on=())))
    assert speech(await ask(home, entry, "what's on my shopping list")) == "You have bread."
    trace = last_trace(entry)
    assert (trace["intent"], trace["cached"]) == (None, False)
    assert planner.calls() == 2
