"""The ``agent_reuse.process`` and ``agent_reuse.clear_cache`` actions."""

from __future__ import annotations

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.agent_reuse.const import DOMAIN
from tests.planner_fixture import PlannerServer

from .conftest import AREA_PLAN, KITCHEN_LIGHT, area_step, plan_json, respond_step, service_step

NAME_PLAN = plan_json(
    service_step({"entity_id": "switch.decorative_lights"}, service="turn_off", domain="switch"),
    area_step("turn_off"),
    respond_step("Off."),
)


async def test_process_returns_speech_success_and_trace(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    planner.queue(AREA_PLAN)

    response = await home.services.async_call(
        DOMAIN,
        "process",
        {"text": "turn on the kitchen light", "language": "en"},
        blocking=True,
        return_response=True,
    )

    assert response is not None
    assert response["speech"] == "OK kitchen."
    assert response["success"] is True
    trace = response["trace"]
    assert trace["outcome"] == "miss"
    assert trace["slots"] == {"area": "kitchen", "domain": "light"}
    assert set(trace["timings_ms"]) >= {"parse", "embed", "search", "plan", "execute", "total"}
    assert home.states.get(KITCHEN_LIGHT).state == "on"

    again = await home.services.async_call(
        DOMAIN,
        "process",
        {"text": "turn on the bedroom light", "config_entry_id": agent.entry_id},
        blocking=True,
        return_response=True,
    )
    assert again is not None
    assert again["trace"]["outcome"] == "hit"


async def test_process_without_a_loaded_entry(home: HomeAssistant) -> None:
    assert await async_setup_component(home, DOMAIN, {})
    with pytest.raises(ServiceValidationError) as err:
        await home.services.async_call(
            DOMAIN, "process", {"text": "hello"}, blocking=True, return_response=True
        )
    assert err.value.translation_key == "no_loaded_entry"
    with pytest.raises(ServiceValidationError) as err:
        await home.services.async_call(
            DOMAIN,
            "process",
            {"text": "hello", "config_entry_id": "nope"},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "entry_not_found"


async def test_clear_cache_all_by_intent_and_by_entity(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    cache = agent.runtime_data.cache

    async def fill() -> None:
        cache.clear()
        planner.queue(AREA_PLAN, NAME_PLAN)
        await agent.runtime_data.async_handle("turn on the kitchen light", "en")
        await agent.runtime_data.async_handle("turn off the kitchen light", "en")
        assert len(cache) == 2

    await fill()
    response = await home.services.async_call(DOMAIN, "clear_cache", {}, blocking=True, return_response=True)
    assert response == {"removed": 2}
    assert len(cache) == 0
    assert home.states.get("sensor.agentreuse_test_planner_cached_plans").state == "0"

    await fill()
    response = await home.services.async_call(
        DOMAIN, "clear_cache", {"intent": "HassTurnOff"}, blocking=True, return_response=True
    )
    assert response == {"removed": 1}
    assert [entry.intent for entry in cache.entries()] == ["HassTurnOn"]

    await fill()
    response = await home.services.async_call(
        DOMAIN, "clear_cache", {"entity_id": "switch.decorative_lights"}, blocking=True, return_response=True
    )
    assert response == {"removed": 1}
    assert [entry.intent for entry in cache.entries()] == ["HassTurnOn"]

    # One plan by the id a trace reports for it (a reuse that did the wrong thing).
    await fill()
    reply = await agent.runtime_data.async_handle("turn on the bedroom light", "en")
    plan_id = reply.trace.matched_entry_id
    assert plan_id is not None
    response = await home.services.async_call(
        DOMAIN, "clear_cache", {"plan_id": plan_id}, blocking=True, return_response=True
    )
    assert response == {"removed": 1}
    assert plan_id not in cache
    assert [entry.intent for entry in cache.entries()] == ["HassTurnOff"]
    response = await home.services.async_call(
        DOMAIN, "clear_cache", {"plan_id": plan_id}, blocking=True, return_response=True
    )
    assert response == {"removed": 0}
