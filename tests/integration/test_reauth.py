"""A refused API key (HTTP 401 from the real planner server) asks the user for a new one: at setup and on a
request, without losing the entry's other settings or its cached plans."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.agent_reuse.const import (
    CONF_API_KEY,
    CONF_THRESHOLD,
    DOMAIN,
    ISSUE_PLANNER_UNREACHABLE,
)
from tests.planner_fixture import PlannerServer

from .conftest import ask, entry_for, last_trace, plan_json, respond_step, service_step, speech

AREA_PLAN = plan_json(service_step({"area": "{slot.area}"}), respond_step("OK {slot.area}."))


def _reauth_flows(hass: HomeAssistant) -> list[Any]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


async def _add(hass: HomeAssistant, entry: MockConfigEntry) -> MockConfigEntry:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    # The planner check (and so the reauth flow it starts) is a background task of the entry.
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


async def test_key_refused_at_setup_asks_for_a_new_one(home: HomeAssistant, planner: PlannerServer) -> None:
    planner.require_api_key("sk-new")
    base = entry_for(planner.url, **{CONF_THRESHOLD: 0.8})
    entry = await _add(
        home,
        MockConfigEntry(
            domain=DOMAIN,
            title=base.title,
            unique_id=base.unique_id,
            data={**base.data, CONF_API_KEY: "sk-old"},
            options=dict(base.options),
        ),
    )
    # The entry runs (cached plans need no planner); the user is asked for a key, not told "unreachable".
    assert entry.state is ConfigEntryState.LOADED
    assert planner.unauthorized_calls() == 1
    flows = _reauth_flows(home)
    assert len(flows) == 1
    issues = ir.async_get(home)
    assert issues.async_get_issue(DOMAIN, ISSUE_PLANNER_UNREACHABLE.format(entry.entry_id)) is None

    flow_id = flows[0]["flow_id"]
    form = await home.config_entries.flow.async_configure(flow_id)
    assert form["type"] is FlowResultType.FORM
    assert form["step_id"] == "reauth_confirm"
    assert form["description_placeholders"]["url"] == planner.url

    wrong = await home.config_entries.flow.async_configure(flow_id, {CONF_API_KEY: "sk-typo"})
    assert wrong["type"] is FlowResultType.FORM
    assert wrong["errors"] == {"base": "invalid_auth"}
    assert entry.data[CONF_API_KEY] == "sk-old"  # nothing is saved until a key works

    done = await home.config_entries.flow.async_configure(flow_id, {CONF_API_KEY: " sk-new "})
    await home.async_block_till_done()
    assert done["type"] is FlowResultType.ABORT
    assert done["reason"] == "reauth_successful"
    assert entry.data[CONF_API_KEY] == "sk-new"
    assert entry.options[CONF_THRESHOLD] == 0.8  # the other settings are kept
    assert entry.state is ConfigEntryState.LOADED

    planner.queue(AREA_PLAN)
    result = await ask(home, entry, "turn on the kitchen light")
    assert speech(result) == "OK kitchen."
    assert planner.request_headers()[-1]["Authorization"] == "Bearer sk-new"


async def test_key_refused_on_a_request_asks_once_and_plans_keep_working(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry = await _add(home, entry_for(planner.url, **{CONF_API_KEY: "sk-1"}))  # a key set in the options
    planner.queue(AREA_PLAN)
    await ask(home, entry, "turn on the kitchen light")
    assert last_trace(entry)["cached"]
    assert _reauth_flows(home) == []

    planner.require_api_key("sk-2")  # the key was rotated on the server
    for _ in range(2):
        refused = await ask(home, entry, "关掉厨房的灯", "zh-CN")
        assert speech(refused) == "抱歉，规划器拒绝了 API 密钥，请在集成设置里检查。"
        await home.async_block_till_done()
    assert len(_reauth_flows(home)) == 1  # asked once, however many requests failed
    # A cached plan needs no planner: it is still served.
    hit = await ask(home, entry, "turn on the bedroom light")
    assert speech(hit) == "OK bedroom."

    flow_id = _reauth_flows(home)[0]["flow_id"]
    done = await home.config_entries.flow.async_configure(flow_id, {CONF_API_KEY: "sk-2"})
    await home.async_block_till_done()
    assert done["reason"] == "reauth_successful"
    # The options override the data, so the key is replaced where it was stored too.
    assert entry.options[CONF_API_KEY] == "sk-2"
    assert len(entry.runtime_data.cache) == 1  # the reload kept the cached plan
    planner.queue(AREA_PLAN)
    await ask(home, entry, "turn off the kitchen light")
    assert last_trace(entry)["outcome"] == "miss"
    assert last_trace(entry)["error"] is None
