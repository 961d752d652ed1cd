"""Setup, persistence, repairs and cache invalidation over the life of a config entry."""

from __future__ import annotations

import json
from datetime import timedelta
from http import HTTPStatus
from unittest.mock import patch

import pytest
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.agent_reuse.cache_store import cache_path
from custom_components.agent_reuse.const import (
    DOMAIN,
    ISSUE_CACHE_MOVED_ASIDE,
    ISSUE_PLANNER_UNREACHABLE,
)
from custom_components.agent_reuse.engine.errors import ModelFileError
from custom_components.agent_reuse.engine.plan import Plan
from custom_components.agent_reuse.loader import SharedModels
from tests.planner_fixture import PlannerServer

from .conftest import (
    BED_LIGHT,
    KITCHEN_LIGHT,
    area_step,
    entry_for,
    plan_json,
    respond_step,
    service_step,
    setup_agent,
)

#: A plan that names the kitchen light literally (as LLMs often do) beside the request's area: it depends on
#: that entity existing.
LITERAL_PLAN = plan_json(service_step({"entity_id": KITCHEN_LIGHT}), area_step(), respond_step("On."))
AREA_PLAN = plan_json(service_step({"area": "{slot.area}"}), respond_step("OK."))


async def _cache_one(entry: MockConfigEntry, planner: PlannerServer, plan: str = AREA_PLAN) -> None:
    planner.queue(plan)
    reply = await entry.runtime_data.async_handle("turn on the kitchen light", "en")
    assert reply.trace.cached, reply


async def test_cache_is_saved_debounced_on_unload_and_deleted_with_the_entry(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    path = cache_path(home, agent.entry_id)
    await _cache_one(agent, planner)
    assert not path.exists()  # not written on every request...

    async_fire_time_changed(home, dt_util.utcnow() + timedelta(seconds=11))
    await home.async_block_till_done()
    assert json.loads(path.read_text())["entries"][0]["template_text"] == "turn on the {area} {domain}"

    reply = await agent.runtime_data.async_handle("turn on the bedroom light", "en")  # a hit: counters move
    assert reply.trace.outcome == "hit"
    assert await home.config_entries.async_unload(agent.entry_id)
    assert json.loads(path.read_text())["entries"][0]["hits"] == 1  # ...but always at unload

    assert await home.config_entries.async_remove(agent.entry_id)
    await home.async_block_till_done()
    assert not path.exists()


async def test_cache_is_saved_when_home_assistant_stops(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    """Home Assistant does not unload entries when it stops: its final-write event must save the plans
    learned since the last debounced write, or a restart would forget them."""
    path = cache_path(home, agent.entry_id)
    await _cache_one(agent, planner)
    assert not path.exists()

    home.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await home.async_block_till_done()

    assert json.loads(path.read_text())["entries"][0]["template_text"] == "turn on the {area} {domain}"


async def test_a_failed_save_loses_nothing_and_is_retried(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A write that fails (here: a directory where the file goes) is logged, the plans stay in memory and
    the next save writes them once the path is usable again."""
    path = cache_path(home, agent.entry_id)
    await _cache_one(agent, planner)
    path.mkdir(parents=True)
    store = agent.runtime_data.store
    saves = store.saves

    await store.async_save()

    assert "Could not save the plan cache" in caplog.text
    assert store.saves == saves
    assert len(agent.runtime_data.cache) == 1
    path.rmdir()
    await store.async_save()  # still dirty: written now
    assert store.saves == saves + 1
    assert len(json.loads(path.read_text())["entries"]) == 1


async def test_models_are_loaded_once_for_all_entries(
    home: HomeAssistant, planner: PlannerServer, shared_models: SharedModels
) -> None:
    with patch("custom_components.agent_reuse.loader.load_models", return_value=shared_models) as load:
        await setup_agent(home, planner.url)
        second = entry_for(planner.url)
        second.add_to_hass(home)
        home.config_entries.async_update_entry(second, unique_id="second")
        assert await home.config_entries.async_setup(second.entry_id)
    assert load.call_count == 1


async def test_missing_model_files_fail_setup_with_the_reason(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    error = ModelFileError("NLU model not found at /x/joint.int8.onnx. Reinstall the integration.")
    with patch("custom_components.agent_reuse.loader.load_models", side_effect=error):
        entry = entry_for(planner.url)
        entry.add_to_hass(home)
        await home.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason is not None
    assert "Reinstall" in entry.reason


async def test_corrupt_cache_file_becomes_a_repair_issue(
    home: HomeAssistant, planner: PlannerServer, hass_client: ClientSessionGenerator
) -> None:
    entry = entry_for(planner.url)
    path = cache_path(home, entry.entry_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{ this is not json")
    entry.add_to_hass(home)
    assert await home.config_entries.async_setup(entry.entry_id)
    await home.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    assert len(entry.runtime_data.cache) == 0
    issue_id = ISSUE_CACHE_MOVED_ASIDE.format(entry.entry_id)
    issue = ir.async_get(home).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["kind"] == "corrupt"
    moved = list(path.parent.glob(f"{path.name}.corrupt-*"))
    assert len(moved) == 1
    assert moved[0].read_text() == "{ this is not json"

    # The user acknowledges it in the repairs dashboard.
    assert await async_setup_component(home, "repairs", {})
    client = await hass_client()
    response = await client.post("/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id})
    assert response.status == HTTPStatus.OK
    flow = await response.json()
    assert flow["step_id"] == "confirm"
    response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    assert (await response.json())["type"] == "create_entry"
    assert ir.async_get(home).async_get_issue(DOMAIN, issue_id) is None


async def test_reachable_planner_raises_no_issue(agent: MockConfigEntry, home: HomeAssistant) -> None:
    assert (
        ir.async_get(home).async_get_issue(DOMAIN, ISSUE_PLANNER_UNREACHABLE.format(agent.entry_id)) is None
    )


async def test_removed_entity_drops_plans_that_name_it(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    await _cache_one(agent, planner, LITERAL_PLAN)
    assert agent.runtime_data.cache.entries()[0].entities == frozenset({KITCHEN_LIGHT})

    er.async_get(home).async_remove(KITCHEN_LIGHT)
    await home.async_block_till_done()

    assert len(agent.runtime_data.cache) == 0


async def test_renamed_entity_id_drops_plans_that_name_it(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    await _cache_one(agent, planner, LITERAL_PLAN)
    er.async_get(home).async_update_entity(KITCHEN_LIGHT, new_entity_id="light.cooking_area")
    await home.async_block_till_done()
    assert len(agent.runtime_data.cache) == 0


async def test_unexposed_entity_drops_plans_that_name_it_but_not_slot_plans(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    await _cache_one(agent, planner, LITERAL_PLAN)
    planner.queue(plan_json(service_step({"area": "{slot.area}"}, service="turn_off"), respond_step("Off.")))
    assert (await agent.runtime_data.async_handle("turn off the kitchen light", "en")).trace.cached
    assert len(agent.runtime_data.cache) == 2

    async_expose_entity(home, "conversation", KITCHEN_LIGHT, False)
    async_fire_time_changed(home, dt_util.utcnow() + timedelta(seconds=3))
    await home.async_block_till_done()

    # The plan that names the light is gone; the one that finds lights through {slot.area} stays.
    assert [entry.intent for entry in agent.runtime_data.cache.entries()] == ["HassTurnOff"]
    assert agent.runtime_data.invalidator.removed == 1


async def test_a_device_word_in_a_plan_stays_while_such_a_device_is_exposed(
    agent: MockConfigEntry, home: HomeAssistant
) -> None:
    """ "灯" names the lights as the runner resolves it: an exposure change keeps the plan while a light is
    exposed, and drops it when none is."""
    # As the starter plan of "开始扫地" names the vacuum (a request without slots: a planner's plan for it may
    # name the device word too).
    cache = agent.runtime_data.cache
    plan = Plan.from_dict(json.loads(plan_json(service_step({"name": "灯"}), respond_step("On."))))
    cache.add(
        intent="HassTurnOn",
        template_text="开灯",
        embedding=agent.runtime_data.pipeline.embedder.embed("开灯"),
        plan=plan.to_dict(),
        parameters=plan.parameters,
        entities=plan.referenced_entities(),
        language="zh",
    )
    assert cache.entries()[0].entities == frozenset({"灯"})

    async_expose_entity(home, "conversation", KITCHEN_LIGHT, False)
    async_fire_time_changed(home, dt_util.utcnow() + timedelta(seconds=3))
    await home.async_block_till_done()
    assert len(cache) == 1  # the bed light is still exposed

    async_expose_entity(home, "conversation", BED_LIGHT, False)
    async_fire_time_changed(home, dt_util.utcnow() + timedelta(seconds=6))
    await home.async_block_till_done()
    assert len(cache) == 0


async def test_renamed_entity_drops_plans_that_use_its_old_name(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    await _cache_one(
        agent, planner, plan_json(service_step({"name": "Kitchen Lights"}), area_step(), respond_step("On."))
    )
    assert agent.runtime_data.cache.entries()[0].entities == frozenset({"Kitchen Lights"})

    er.async_get(home).async_update_entity(KITCHEN_LIGHT, name="Cooker light")
    await home.async_block_till_done()
    assert len(agent.runtime_data.cache) == 1  # checked a moment later, once the new name is in the state
    async_fire_time_changed(home, dt_util.utcnow() + timedelta(seconds=3))
    await home.async_block_till_done()

    assert len(agent.runtime_data.cache) == 0


async def test_a_cached_plan_that_does_not_serve_its_request_is_dropped_at_load(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer, caplog: pytest.LogCaptureFixture
) -> None:
    """An older version cached the demo planner's answer to "现在多少度": one MQTT command, no answer
    (``engine/plan_fit.py``). Loaded again, it is dropped; the good plan beside it stays."""
    path = cache_path(home, agent.entry_id)
    await _cache_one(agent, planner)
    assert await home.config_entries.async_unload(agent.entry_id)
    saved = json.loads(path.read_text())
    good = saved["entries"][0]
    publish = {
        "id": "s1",
        "description": "set the temperature to 25 degrees",
        "action": "mqtt_publish",
        "inputs": {"topic": "home/temperature", "payload": "heat", "qos": 0, "retain": False},
        "depends_on": [],
    }
    bad = good | {
        "entry_id": "0" * 32,
        "intent": "HassClimateGetTemperature",
        "template_text": "现在多少度",
        "language": "zh-Hans",
        "plan": {"steps": [publish]},
        "parameters": ["area"],
    }
    saved["entries"].append(bad)
    path.write_text(json.dumps(saved))

    assert await home.config_entries.async_setup(agent.entry_id)
    await home.async_block_till_done()

    assert [entry.template_text for entry in agent.runtime_data.cache.entries()] == [good["template_text"]]
    assert "Dropped the cached plan for '现在多少度' (HassClimateGetTemperature)" in caplog.text
    # And written without it, so the next start does not find it again.
    async_fire_time_changed(home, dt_util.utcnow() + timedelta(seconds=11))
    await home.async_block_till_done()
    assert [e["template_text"] for e in json.loads(path.read_text())["entries"]] == [good["template_text"]]
