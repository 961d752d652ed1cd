"""Starter plans in a real Home Assistant: everyday commands work from the first request, planner untouched."""

from __future__ import annotations

from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import entity_registry as er

from custom_components.agent_reuse.const import CONF_STARTER_PLANS
from tests.planner_fixture import PlannerServer

from .conftest import (
    BED_LIGHT,
    KITCHEN_LIGHT,
    SECRET_LIGHT,
    ask,
    last_trace,
    plan_json,
    respond_step,
    service_step,
    setup_agent,
    speech,
)

#: A demo light that no other test places or exposes.
GARAGE_LIGHT = "light.office_rgbw_lights"


async def test_everyday_commands_are_served_from_the_first_request(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    # The unexposed ceiling light is in the kitchen too; an area plan must leave it alone.
    await home.services.async_call("light", "turn_on", {"entity_id": SECRET_LIGHT}, blocking=True)

    # "bed" + "light" are a name and a device word to the NLU; the entity is called "Bed Light".
    result = await ask(home, entry, "turn on the bed light")
    assert speech(result) == "Turned on the bed light."
    assert home.states.get(BED_LIGHT).state == "on"
    trace = last_trace(entry)
    assert trace["outcome"] == "hit"
    assert trace["template_text"] == "turn on the {name} {domain}"

    result = await ask(home, entry, "打开厨房的灯", "zh-Hans")
    assert speech(result) == "已打开厨房的灯。"
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    assert last_trace(entry)["outcome"] == "hit"

    # Traditional Chinese gets the Traditional plan, and so its reply in Traditional characters.
    result = await ask(home, entry, "關閉廚房的燈", "zh-TW")
    assert speech(result) == "已關閉廚房的燈。"
    assert home.states.get(KITCHEN_LIGHT).state == "off"
    await ask(home, entry, "打開廚房的燈", "zh-HK")
    assert home.states.get(KITCHEN_LIGHT).state == "on"

    # Said differently than the starter template ("lights in the kitchen"): reused through similarity.
    result = await ask(home, entry, "turn off the lights in the kitchen")
    assert result.response.response_type.value == "action_done"
    assert home.states.get(KITCHEN_LIGHT).state == "off"
    assert home.states.get(SECRET_LIGHT).state == "on"  # not exposed: untouched

    # No device word said: the light service's own kind completes the name ("bed" → "Bed Light").
    await ask(home, entry, "dim the bed light to 20%")
    state = home.states.get(BED_LIGHT)
    assert state.state == "on"
    assert state.attributes["brightness"] == 51  # 20 % of 255

    assert planner.calls() == 0
    assert all(t["outcome"] == "hit" for t in entry.runtime_data.traces)


async def test_without_starter_plans_the_first_request_goes_to_the_planner(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: False})
    assert len(entry.runtime_data.cache) == 0
    planner.set_default("not json at all")
    result = await ask(home, entry, "turn on the bed light")
    trace = last_trace(entry)
    assert trace["outcome"] == "error"  # planned, and the plan was refused
    assert trace["miss_reason"] == "empty_partition"
    assert planner.calls() == 2  # the first answer and the repair round
    assert home.states.get(BED_LIGHT).state == "off"
    assert "no valid plan" in speech(result)


async def test_a_room_the_parser_does_not_know_is_found_by_its_name_in_home_assistant(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """车库 is no word the parser tags, but it is this home's garage: the area slot comes from the registry."""
    garage = ar.async_get(home).async_create("Garage", aliases={"车库"})
    er.async_get(home).async_update_entity(GARAGE_LIGHT, area_id=garage.id)
    async_expose_entity(home, "conversation", GARAGE_LIGHT, True)
    await home.services.async_call("light", "turn_off", {"entity_id": GARAGE_LIGHT}, blocking=True)
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})

    result = await ask(home, entry, "打开车库的灯", "zh-Hans")
    assert last_trace(entry)["slots"] == {"area": "车库"}
    assert last_trace(entry)["template_text"] == "打开{area}的灯"
    assert speech(result) == "已打开车库的灯。"
    assert home.states.get(GARAGE_LIGHT).state == "on"
    assert planner.calls() == 0


async def test_spoken_numbers_reach_home_assistant_as_numbers(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """Speech-to-text writes quantities in words as often as in digits; the service data must be a number
    (brightness_pct "forty" or "百分之二十" would be refused by Home Assistant)."""
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    await home.services.async_call("light", "turn_on", {"entity_id": BED_LIGHT}, blocking=True)

    result = await ask(home, entry, "set the bed light to forty percent")
    assert result.response.response_type.value == "action_done", speech(result)
    assert last_trace(entry)["slots"]["brightness"] == "40"
    assert home.states.get(BED_LIGHT).attributes["brightness"] == 102  # 40 % of 255

    planner.queue(
        plan_json(
            service_step({"area": "{slot.area}"}, data={"brightness_pct": "{slot.brightness}"}),
            respond_step("已把{slot.area}的灯调到{slot.brightness}%。"),
        )
    )
    result = await ask(home, entry, "把卧室的灯亮度调到百分之二十", "zh-Hans")
    assert speech(result) == "已把卧室的灯调到20%。"
    assert home.states.get(BED_LIGHT).attributes["brightness"] == 51  # 20 % of 255
