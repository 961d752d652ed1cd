"""A vacuum sent home is not set off cleaning, and sweeping said in Chinese starts it, in a real Home Assistant
(``repairs_intents.repair_vacuum_errand``, ``repair_vacuum_activity``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

from custom_components.agent_reuse.const import CONF_STARTER_PLANS
from tests.planner_fixture import PlannerServer

from .conftest import (
    ask,
    demo_home,
    last_trace,
    plan_json,
    respond_step,
    service_step,
    setup_agent,
    speech,
)

VACUUM = "vacuum.0_ground_floor"  # docked


@pytest.fixture
async def home(hass: HomeAssistant) -> AsyncIterator[HomeAssistant]:
    async with demo_home(hass, [Platform.LIGHT, Platform.VACUUM]) as furnished:
        async_expose_entity(furnished, "conversation", VACUUM, True)
        yield furnished


# The demo vacuum docks itself 30 s after it is sent home: a timer the test leaves behind on purpose.
@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_the_vacuum_goes_home_when_sent_home(home: HomeAssistant, planner: PlannerServer) -> None:
    entry = await setup_agent(home, planner.url)
    planner.queue(
        plan_json(
            service_step({"entity_id": VACUUM}, service="start", domain="vacuum"), respond_step("Cleaning.")
        )
    )
    await ask(home, entry, "start the vacuum")
    assert home.states.get(VACUUM).state == "cleaning"

    planner.queue(
        plan_json(
            service_step({"entity_id": VACUUM}, service="return_to_base", domain="vacuum"),
            respond_step("Going home."),
        )
    )
    result = await ask(home, entry, "send the vacuum home")
    assert speech(result) == "Going home."
    assert last_trace(entry)["intent"] == "HassVacuumReturnToBase"
    assert planner.calls() == 2  # the cleaning plan was not reused for it
    assert home.states.get(VACUUM).state == "returning"


@pytest.mark.parametrize("expected_lingering_timers", [True])  # sent home between the two requests
async def test_sweeping_said_in_chinese_starts_the_vacuum(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    # "开始扫地" (start sweeping) was HassVacuumStart of a device called 扫地; "去扫地" was HassTurnOff.
    entry = await setup_agent(home, planner.url)
    planner.queue(
        plan_json(
            service_step({"domain": "vacuum"}, service="start", domain="vacuum"), respond_step("开始清扫。")
        )
    )
    result = await ask(home, entry, "开始扫地", "zh-Hans")
    assert speech(result) == "开始清扫。"
    trace = last_trace(entry)
    assert (trace["intent"], trace["slots"]) == ("HassVacuumStart", {})
    prompt = str(planner.requests()[-1])
    assert "扫地" in prompt
    assert "{name}" not in prompt  # the planner was not told of a device named 扫地
    assert home.states.get(VACUUM).state == "cleaning"

    await home.services.async_call("vacuum", "return_to_base", {"entity_id": VACUUM}, blocking=True)
    planner.queue(
        plan_json(
            service_step({"domain": "vacuum"}, service="start", domain="vacuum"), respond_step("好的。")
        )
    )
    await ask(home, entry, "去扫地", "zh-Hans")
    assert last_trace(entry)["intent"] == "HassVacuumStart"
    assert home.states.get(VACUUM).state == "cleaning"


@pytest.mark.parametrize("expected_lingering_timers", [True])  # sent home at the end
async def test_starter_plans_start_the_vacuum_and_send_it_home(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """Offline from the first request: the vacuum by its device word (the home's one vacuum), in English and
    Chinese. "vacuum" was untagged or a device class no vacuum has (``repair_vacuum_word``)."""
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})

    result = await ask(home, entry, "start the vacuum")
    assert speech(result) == "Started the vacuum."
    assert home.states.get(VACUUM).state == "cleaning"

    result = await ask(home, entry, "扫地机器人返回基站", "zh-Hans")
    assert speech(result) == "扫地机器人正在返回充电。"
    assert last_trace(entry)["intent"] == "HassVacuumReturnToBase"
    assert home.states.get(VACUUM).state == "returning"

    result = await ask(home, entry, "扫地机器人开始打扫", "zh-Hans")
    assert speech(result) == "扫地机器人开始打扫了。"
    assert home.states.get(VACUUM).state == "cleaning"

    result = await ask(home, entry, "send the vacuum home")
    assert speech(result) == "Sent the vacuum back to its base."
    assert home.states.get(VACUUM).state == "returning"

    # Sweeping said with no device: the home's one vacuum.
    result = await ask(home, entry, "开始扫地", "zh-Hans")
    assert speech(result) == "开始扫地了。"
    assert home.states.get(VACUUM).state == "cleaning"

    # A room without a vacuum is said so, and nothing changes.
    await home.services.async_call("vacuum", "return_to_base", {"entity_id": VACUUM}, blocking=True)
    result = await ask(home, entry, "clean the bedroom")
    assert "bedroom" in speech(result).lower()
    assert last_trace(entry)["outcome"] == "hit"
    assert home.states.get(VACUUM).state == "returning"
    assert planner.calls() == 0
