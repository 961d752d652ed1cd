"""The Home Assistant step runners on a real home: what LLM plans actually name, and how each is refused.

Planners do not only say "the kitchen light": they name entity ids, Home Assistant area ids, scripts, old
style groups, response-returning actions, state reads; and a satellite in a room changes which "Lamp" is
meant. Each case runs through Assist with the real models and the scripted planner, and checks the devices
(changed or untouched), the spoken answer, and that a failed plan is not cached.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from homeassistant.components.conversation import ConversationResult
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import intent
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.agent_reuse.const import CONF_STARTER_PLANS
from tests.planner_fixture import PlannerServer

from .conftest import (
    BED_LIGHT,
    KITCHEN_LIGHT,
    SECRET_LIGHT,
    ask,
    demo_home,
    last_trace,
    plan_json,
    respond_step,
    satellite_in,
    service_step,
    setup_agent,
    speech,
)

OUTSIDE_TEMPERATURE = "sensor.outside_temperature"  # 15.6 °C
OUTSIDE_HUMIDITY = "sensor.outside_humidity"  # 54 %
CARBON_MONOXIDE = "sensor.carbon_monoxide"  # never exposed
HVAC = "climate.hvac"
WEATHER = "weather.demo_weather_south"  # sunny


@pytest.fixture
async def home(hass: HomeAssistant) -> AsyncIterator[HomeAssistant]:
    """The shared demo home plus sensors (two in a "Garden"), a thermostat and a weather service."""
    platforms = [Platform.LIGHT, Platform.SWITCH, Platform.SENSOR, Platform.CLIMATE, Platform.WEATHER]
    async with demo_home(hass, platforms) as furnished:
        garden = ar.async_get(furnished).async_create("Garden")
        for entity_id in (OUTSIDE_TEMPERATURE, OUTSIDE_HUMIDITY):
            er.async_get(furnished).async_update_entity(entity_id, area_id=garden.id)
        for entity_id in (OUTSIDE_TEMPERATURE, OUTSIDE_HUMIDITY, HVAC, WEATHER):
            async_expose_entity(furnished, "conversation", entity_id, True)
        yield furnished


def state_step(selector: dict[str, object]) -> dict[str, object]:
    """An ``ha_state`` step ``s1``."""
    return {"id": "s1", "description": "read", "action": "ha_state", "inputs": selector, "depends_on": []}


def assert_refused(result: ConversationResult, entry: MockConfigEntry, *said: str) -> None:
    """An error reply that says ``said``, and nothing cached."""
    assert result.response.response_type is intent.IntentResponseType.ERROR, speech(result)
    for text in said:
        assert text in speech(result)
    assert last_trace(entry)["outcome"] in {"miss", "unknown_intent"}  # planned afresh
    assert len(entry.runtime_data.cache) == 0


async def test_state_questions_read_exposed_entities_only(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    planner.queue(
        plan_json(state_step({"entity_id": OUTSIDE_TEMPERATURE}), respond_step("It is {steps.s1.output}.")),
        plan_json(state_step({"area": "Garden", "domain": "sensor"}), respond_step("{steps.s1.output}")),
        plan_json(state_step({"entity_id": CARBON_MONOXIDE}), respond_step("{steps.s1.output}")),
        plan_json(state_step({"domain": "spaceship"}), respond_step("{steps.s1.output}")),
    )

    result = await ask(home, agent, "what is the temperature outside")
    assert speech(result) == "It is 15.6 °C."
    agent.runtime_data.cache.clear()  # the next questions are planned afresh, not served by that plan

    # Several entities: each one named, in a stable order.
    result = await ask(home, agent, "what is the temperature outside")
    assert speech(result) == "Outside Humidity: 54 %, Outside Temperature: 15.6 °C"
    agent.runtime_data.cache.clear()

    assert_refused(
        await ask(home, agent, "what is the temperature outside"), agent, "Carbon monoxide is not exposed"
    )
    assert_refused(
        await ask(home, agent, "what is the temperature outside"),
        agent,
        "I don't know which kind of device 'spaceship' is",
    )
    assert planner.calls() == 4


async def test_an_attribute_is_read_and_said_with_its_unit(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    """A thermostat's target temperature or humidity is an attribute, not its state ("cool")."""
    planner.queue(
        plan_json(
            state_step({"entity_id": HVAC, "attribute": "temperature"}),
            respond_step("Set to {steps.s1.output}."),
        ),
        plan_json(
            state_step({"entity_id": HVAC, "attribute": "current_humidity"}),
            respond_step("{steps.s1.output}"),
        ),
        plan_json(
            state_step({"entity_id": HVAC, "attribute": "brightness"}), respond_step("{steps.s1.output}")
        ),
    )
    result = await ask(home, agent, "what is the thermostat set to")
    assert speech(result) == "Set to 21 °C."
    agent.runtime_data.cache.clear()
    result = await ask(home, agent, "what is the thermostat set to")
    assert speech(result) == "54.2 %"
    agent.runtime_data.cache.clear()
    assert_refused(await ask(home, agent, "what is the thermostat set to"), agent, "Hvac has no brightness")
    assert planner.calls() == 3


async def test_a_rooms_temperature_is_its_thermostats_from_the_starter_plans(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    living_room = ar.async_get(home).async_create("Living Room", aliases={"客厅"})
    er.async_get(home).async_update_entity(HVAC, area_id=living_room.id)
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})

    result = await ask(home, entry, "what's the temperature in the living room")
    assert speech(result) == "It is 22 °C in the living room."  # current, not the target 21
    result = await ask(home, entry, "客厅的温度是多少", "zh-Hans")
    assert speech(result) == "客厅的温度是22 °C。"
    result = await ask(home, entry, "what is the temperature in the garden")  # sensors, no thermostat
    assert result.response.response_type is intent.IntentResponseType.ERROR
    assert "thermostat" in speech(result)
    assert planner.calls() == 0


async def test_targets_by_home_assistant_ids(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    """Area ids reach the area's exposed entities only; ids that name nothing, or nothing exposed, fail."""
    areas = ar.async_get(home)
    kitchen = areas.async_get_area_by_name("Kitchen")
    assert kitchen is not None
    attic = areas.async_create("Attic")
    er.async_get(home).async_update_entity("light.office_rgbw_lights", area_id=attic.id)  # not exposed
    planner.queue(
        plan_json(service_step({"area_id": "no_such_area"}), respond_step("Done.")),
        plan_json(service_step({"area_id": attic.id}), respond_step("Done.")),
        plan_json(service_step({"area_id": kitchen.id}), respond_step("Done.")),
    )

    assert_refused(
        await ask(home, agent, "turn on the kitchen light"),
        agent,
        "there is no device, area, floor or label with the id no_such_area",
    )
    assert_refused(
        await ask(home, agent, "turn on the kitchen light"),
        agent,
        "none of the targeted devices is exposed to Assist",
    )
    await ask(home, agent, "turn on the kitchen light")
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    assert home.states.get(SECRET_LIGHT).state == "off"  # in the kitchen, not exposed


async def test_malformed_and_unknown_entity_ids_are_refused(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    planner.queue(
        plan_json(service_step({"entity_id": "kitchen"}), respond_step("Done.")),
        plan_json(service_step({"entity_id": "light.nope"}), respond_step("Done.")),
    )
    assert_refused(
        await ask(home, agent, "turn on the kitchen light"), agent, "'kitchen' is not an entity id"
    )
    assert_refused(
        await ask(home, agent, "turn on the kitchen light"), agent, "there is no entity light.nope"
    )
    assert home.states.get(KITCHEN_LIGHT).state == "off"


async def test_actions_that_reject_their_data_or_fail_are_spoken(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    before = home.states.get(HVAC).attributes["temperature"]
    planner.queue(
        plan_json(
            service_step({"entity_id": KITCHEN_LIGHT}, data={"brightness": "bright"}), respond_step("Done.")
        ),
        plan_json(
            service_step(
                {"entity_id": HVAC}, service="set_temperature", domain="climate", data={"temperature": 500}
            ),
            respond_step("Done."),
        ),
        plan_json(service_step({"entity_id": KITCHEN_LIGHT}, service="levitate"), respond_step("Done.")),
    )

    assert_refused(
        await ask(home, agent, "turn on the kitchen light"), agent, "light.turn_on rejected its data"
    )
    assert home.states.get(KITCHEN_LIGHT).state == "off"
    # The thermostat's own range check (a ServiceValidationError) is said, with its reason.
    assert_refused(
        await ask(home, agent, "set the temperature to 500 degrees"), agent, "climate.set_temperature failed"
    )
    assert home.states.get(HVAC).attributes["temperature"] == before
    assert_refused(
        await ask(home, agent, "turn on the kitchen light"),
        agent,
        "Home Assistant has no action light.levitate",
    )


async def test_an_action_response_reaches_the_reply(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    """``weather.get_forecasts`` answers with data instead of changing state: the reply can use it."""
    planner.queue(
        plan_json(
            service_step(
                {"entity_id": WEATHER}, service="get_forecasts", domain="weather", data={"type": "daily"}
            ),
            respond_step("{steps.s1.output}"),
        )
    )
    result = await ask(home, agent, "what is the weather forecast")
    assert result.response.response_type is intent.IntentResponseType.ACTION_DONE, speech(result)
    assert speech(result).startswith(f"{WEATHER}: forecast: ")
    assert "condition: sunny" in speech(result)


async def test_the_satellites_room_decides_between_devices_of_the_same_name(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    """Two exposed lights called "Lamp": asked from the bedroom satellite, the bedroom's is meant (as in
    Assist); asked from nowhere in particular, the agent says the name is ambiguous and changes nothing."""
    entities = er.async_get(home)
    for entity_id in (KITCHEN_LIGHT, BED_LIGHT):
        entities.async_update_entity(entity_id, name="Lamp")
    satellite = satellite_in(home, "Bedroom")
    lamp_plan = plan_json(service_step({"name": "Lamp"}), respond_step("Done."))
    planner.queue(lamp_plan, lamp_plan)

    assert_refused(await ask(home, agent, "turn on the lamp"), agent, "more than one device is called Lamp")
    assert home.states.get(KITCHEN_LIGHT).state == "off"
    assert home.states.get(BED_LIGHT).state == "off"

    result = await ask(home, agent, "turn on the lamp", "en", satellite)
    assert result.response.response_type is intent.IntentResponseType.ACTION_DONE, speech(result)
    assert home.states.get(BED_LIGHT).state == "on"
    assert home.states.get(KITCHEN_LIGHT).state == "off"


async def test_a_script_runs_by_name_only_when_exposed(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    sequence = [{"action": "light.turn_on", "target": {"entity_id": KITCHEN_LIGHT}}]
    assert await async_setup_component(home, "script", {"script": {"good_morning": {"sequence": sequence}}})
    await home.async_block_till_done()
    script_plan = plan_json(service_step({}, service="good_morning", domain="script"), respond_step("Done."))
    planner.queue(script_plan, script_plan)

    assert_refused(await ask(home, agent, "good morning"), agent, "is not exposed to Assist")
    assert home.states.get(KITCHEN_LIGHT).state == "off"

    async_expose_entity(home, "conversation", "script.good_morning", True)
    result = await ask(home, agent, "good morning")
    assert result.response.response_type is intent.IntentResponseType.ACTION_DONE, speech(result)
    await home.async_block_till_done()
    assert home.states.get(KITCHEN_LIGHT).state == "on"


async def test_a_group_is_refused_when_a_member_is_not_exposed(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    """An old-style group is expanded by the service call: exposing the group must not smuggle in the
    unexposed ceiling lights."""
    # The demo has set the group integration up already; ``group.set`` makes an old-style group at run time.
    members = {"object_id": "all_kitchen", "entities": [KITCHEN_LIGHT, SECRET_LIGHT]}
    await home.services.async_call("group", "set", members, blocking=True)
    await home.async_block_till_done()
    assert home.states.get("group.all_kitchen") is not None
    async_expose_entity(home, "conversation", "group.all_kitchen", True)
    planner.queue(
        plan_json(
            service_step({"entity_id": "group.all_kitchen"}, domain="homeassistant"), respond_step("Done.")
        )
    )

    assert_refused(
        await ask(home, agent, "turn on the kitchen light"),
        agent,
        "Ceiling Lights (in all_kitchen) is not exposed to Assist",
    )
    assert home.states.get(KITCHEN_LIGHT).state == "off"
    assert home.states.get(SECRET_LIGHT).state == "off"


async def test_a_temperature_step_moves_the_target_or_says_why_it_cannot(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    """``temperature_step`` (what "turn up the heat" plans use) moves a thermostat's target from where it
    is; a thermostat with no target, or a step that is no number, is refused in words, nothing cached."""
    home.states.async_set("climate.fan_unit", "fan_only", {"friendly_name": "Fan Unit"})
    async_expose_entity(home, "conversation", "climate.fan_unit", True)
    before = home.states.get(HVAC).attributes["temperature"]

    def step_plan(entity_id: str | list[str], step: str) -> str:
        return plan_json(
            service_step(
                {"entity_id": entity_id},
                service="set_temperature",
                domain="climate",
                data={"temperature_step": step},
            ),
            respond_step("Done."),
        )

    planner.queue(
        step_plan("climate.fan_unit", "1"),
        step_plan([HVAC, "climate.fan_unit"], "1"),
        step_plan(HVAC, "a lot"),
        step_plan(HVAC, "-2"),
    )
    assert_refused(
        await ask(home, agent, "warm up the fan unit"), agent, "Fan Unit has no target temperature to change"
    )
    # One that cannot move leaves the others where they were: nothing half done.
    assert_refused(
        await ask(home, agent, "warm up the hvac and the fan unit"),
        agent,
        "Fan Unit has no target temperature to change",
    )
    assert home.states.get(HVAC).attributes["temperature"] == before
    assert_refused(
        await ask(home, agent, "warm up the hvac a lot"), agent, "climate.set_temperature rejected its data"
    )
    assert home.states.get(HVAC).attributes["temperature"] == before
    result = await ask(home, agent, "cool the hvac down two")
    assert speech(result) == "Done."
    assert home.states.get(HVAC).attributes["temperature"] == before - 2
