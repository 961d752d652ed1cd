"""Commands that mean "here", and the home's own device names, in a real Home Assistant (starter plans only).

"turn off the lights" said to the bedroom's satellite switched off every light of the home: the parser tags
only the device word, and a plan cannot know where it was said (``engine/context_area.py``). And "is the ac
on" was read as the device class "ac" and went to the planner (``engine/gazetteer.py``).
"""

from __future__ import annotations

from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.agent_reuse.const import CONF_STARTER_PLANS
from tests.planner_fixture import PlannerServer

from .conftest import (
    BED_LIGHT,
    DECORATIVE_SWITCH,
    KITCHEN_LIGHT,
    SECRET_LIGHT,
    ask,
    last_trace,
    place_in,
    satellite_in,
    setup_agent,
    speech,
)

AC_SWITCH = "switch.ac"  # the demo's switch called "AC"


async def lights_on(home: HomeAssistant) -> None:
    await home.services.async_call(
        "light", "turn_on", {"entity_id": [KITCHEN_LIGHT, BED_LIGHT]}, blocking=True
    )


async def agent_and_bedroom_satellite(
    home: HomeAssistant, planner: PlannerServer
) -> tuple[MockConfigEntry, str]:
    """The agent with its starter plans, and a satellite in the bedroom, with every light on."""
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    bedroom = satellite_in(home, "Bedroom")
    await lights_on(home)
    return entry, bedroom


async def test_the_lights_said_to_a_satellite_are_its_rooms_and_all_the_lights_are_all(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry, bedroom = await agent_and_bedroom_satellite(home, planner)

    result = await ask(home, entry, "turn off the lights", device_id=bedroom)
    assert speech(result) == "Turned off the lights in the Bedroom."
    assert home.states.get(BED_LIGHT).state == "off"
    assert home.states.get(KITCHEN_LIGHT).state == "on"  # the kitchen is another room
    trace = last_trace(entry)
    assert trace["slots"] == {"domain": "light", "area": "Bedroom"}  # the room was not said: not in the words
    assert trace["template_text"] == "turn off the {domain}s"
    assert trace["outcome"] == "hit"

    # Said short, the same.
    await lights_on(home)
    result = await ask(home, entry, "lights off", device_id=bedroom)
    assert speech(result) == "Turned off the lights in the Bedroom."
    assert (home.states.get(BED_LIGHT).state, home.states.get(KITCHEN_LIGHT).state) == ("off", "on")

    # "all" is the whole home, from any room.
    await lights_on(home)
    result = await ask(home, entry, "turn off all the lights", device_id=bedroom)
    assert speech(result) == "Turned off all the lights."
    assert home.states.get(BED_LIGHT).state == home.states.get(KITCHEN_LIGHT).state == "off"

    # Said where there is no room (the text dialog), the lights are all of them, as the planner would have it.
    result = await ask(home, entry, "turn on the lights")
    assert speech(result) == "Turned on all the lights."
    assert home.states.get(BED_LIGHT).state == home.states.get(KITCHEN_LIGHT).state == "on"
    assert last_trace(entry)["slots"] == {"domain": "light"}
    assert planner.calls() == 0


async def test_the_brightness_said_to_a_satellite_is_its_rooms(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry, bedroom = await agent_and_bedroom_satellite(home, planner)
    kitchen_before = home.states.get(KITCHEN_LIGHT).attributes.get("brightness")

    await ask(home, entry, "set the brightness to 20%", device_id=bedroom)
    assert last_trace(entry)["slots"] == {"brightness": "20", "area": "Bedroom"}
    assert home.states.get(BED_LIGHT).attributes.get("brightness") == 51  # 20 % of 255
    assert home.states.get(KITCHEN_LIGHT).attributes.get("brightness") == kitchen_before
    assert planner.calls() == 0


async def test_a_device_called_by_its_two_letter_name_is_that_device(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    async_expose_entity(home, "conversation", AC_SWITCH, True)
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    await home.services.async_call("switch", "turn_off", {"entity_id": AC_SWITCH}, blocking=True)

    result = await ask(home, entry, "is the ac on")
    trace = last_trace(entry)
    assert (trace["intent"], trace["slots"], trace["outcome"]) == (
        "HassGetState",
        {"name": "ac", "state": "on"},
        "hit",
    )
    assert speech(result) == "The ac is off."
    result = await ask(home, entry, "turn on the ac")
    assert home.states.get(AC_SWITCH).state == "on"
    assert planner.calls() == 0


async def test_a_lone_device_word_said_to_a_satellite_is_its_rooms_device(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry, bedroom = await agent_and_bedroom_satellite(home, planner)

    result = await ask(home, entry, "关灯", "zh-Hans", device_id=bedroom)
    assert home.states.get(BED_LIGHT).state == "off", speech(result)
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    assert planner.calls() == 0


async def test_one_device_word_typed_without_a_room_is_one_device(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """ "turn off the switch" in the text dialog switched off every switch of the home; now the one there
    is, or a question back when there are several (``context_area.one_device_of_its_kind``)."""
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    await lights_on(home)
    await home.services.async_call("switch", "turn_on", {"entity_id": DECORATIVE_SWITCH}, blocking=True)

    result = await ask(home, entry, "turn off the switch")
    assert home.states.get(DECORATIVE_SWITCH).state == "off"  # the one exposed switch
    assert last_trace(entry)["slots"] == {"name": "switch"}

    result = await ask(home, entry, "turn off the light")
    assert speech(result) == (
        "Sorry, there is more than one light (Bed Light, Kitchen Lights); please say which one."
    )
    assert home.states.get(BED_LIGHT).state == home.states.get(KITCHEN_LIGHT).state == "on"

    await ask(home, entry, "turn off the lights")  # the plural: every one
    assert home.states.get(BED_LIGHT).state == home.states.get(KITCHEN_LIGHT).state == "off"
    assert planner.calls() == 0


async def test_a_chinese_device_word_said_to_a_satellite_is_every_one_of_its_room(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """ "关灯" said in a room with two lights asked "which one?", while "turn off the light" there switched
    both: Assist takes both as the room's lights (``runners.TargetResolver._match_device_word``)."""
    place_in(home, BED_LIGHT, "Kitchen")  # two exposed lights in the kitchen
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    await lights_on(home)
    satellite = satellite_in(home, "Kitchen")

    result = await ask(home, entry, "关灯", "zh-Hans", satellite)
    assert speech(result) == "已关闭灯。"
    assert home.states.get(BED_LIGHT).state == home.states.get(KITCHEN_LIGHT).state == "off"
    assert home.states.get(SECRET_LIGHT).state == "off"  # unexposed: never switched on, never touched

    await ask(home, entry, "把灯调到30%", "zh-Hans", satellite)
    assert home.states.get(BED_LIGHT).attributes["brightness"] == 76  # 30 % of 255, rounded down
    assert home.states.get(KITCHEN_LIGHT).attributes["brightness"] == 76
    assert planner.calls() == 0
