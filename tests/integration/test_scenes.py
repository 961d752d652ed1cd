"""Scenes and scripts started by their name, in a real Home Assistant (``gazetteer._activation``).

"activate movie night" and "启动回家模式" came out with no intent: every one went to the planner and none was
cached, though Home Assistant's own sentences make "activate <name>" HassTurnOn. With the home's names they
are HassTurnOn of the scene, served by a starter plan from the first request.
"""

from __future__ import annotations

import pytest
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from custom_components.agent_reuse.const import CONF_STARTER_PLANS
from tests.planner_fixture import PlannerServer

from .conftest import BED_LIGHT, KITCHEN_LIGHT, ask, last_trace, setup_agent, speech


@pytest.fixture
async def scenes(home: HomeAssistant) -> HomeAssistant:
    """The demo home with two scenes: Movie Night (kitchen light on, dimmed) and 回家模式 (bed light on)."""
    config = [
        {
            "id": "movie_night",
            "name": "Movie Night",
            "entities": {KITCHEN_LIGHT: {"state": "on", "brightness": 30}},
        },
        {"id": "coming_home", "name": "回家模式", "entities": {BED_LIGHT: "on"}},
    ]
    assert await async_setup_component(home, "scene", {"scene": config})
    await home.async_block_till_done()
    for entity_id in home.states.async_entity_ids("scene"):
        async_expose_entity(home, "conversation", entity_id, True)
    return home


async def test_a_scene_is_activated_by_its_name_from_the_first_request(
    scenes: HomeAssistant, planner: PlannerServer
) -> None:
    entry = await setup_agent(scenes, planner.url, **{CONF_STARTER_PLANS: True})

    result = await ask(scenes, entry, "activate movie night")
    assert speech(result) == "Activated movie night."
    trace = last_trace(entry)
    assert (trace["outcome"], trace["intent"], trace["slots"]) == (
        "hit",
        "HassTurnOn",
        {"name": "movie night"},
    )
    kitchen = scenes.states.get(KITCHEN_LIGHT)
    assert kitchen is not None
    assert (kitchen.state, kitchen.attributes.get("brightness")) == ("on", 30)

    assert scenes.states.get(BED_LIGHT).state == "off"
    result = await ask(scenes, entry, "启动回家模式", "zh-Hans")
    assert speech(result) == "已启动回家模式。"
    assert scenes.states.get(BED_LIGHT).state == "on"

    # Said with its kind, the parser read "night" as a room; the home has none, so it is the scene's name.
    await scenes.services.async_call("light", "turn_off", {"entity_id": KITCHEN_LIGHT}, blocking=True)
    result = await ask(scenes, entry, "activate the movie night scene")
    assert speech(result) == "Activated the movie night scene."
    assert scenes.states.get(KITCHEN_LIGHT).state == "on"
    await scenes.services.async_call("light", "turn_off", {"entity_id": KITCHEN_LIGHT}, blocking=True)
    result = await ask(scenes, entry, "run the movie night scene")
    assert last_trace(entry)["outcome"] == "hit"
    assert scenes.states.get(KITCHEN_LIGHT).state == "on"
    assert planner.calls() == 0
