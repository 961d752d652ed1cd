"""Config and options flow against the real planner server (and a port where nothing listens)."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir

from custom_components.agent_reuse.const import (
    CONF_API_KEY,
    CONF_AUDIT_RATE,
    CONF_CACHE_SIZE,
    CONF_FALSE_REUSE_BUDGET,
    CONF_MODEL,
    CONF_PLANNER_TIMEOUT,
    CONF_PLANNER_URL,
    CONF_REQUEST_TOPIC,
    CONF_RESPONSE_TOPIC,
    CONF_REUSE_MODE,
    CONF_SAVE_ANYWAY,
    CONF_STARTER_PLANS,
    CONF_THRESHOLD,
    DOMAIN,
    ISSUE_PLANNER_UNREACHABLE,
)
from custom_components.agent_reuse.engine.starter import STARTER_PLANS
from tests.planner_fixture import PlannerServer

from .conftest import free_port, plan_json, service_step, setup_agent


def user_input(url: str, **changes: Any) -> dict[str, Any]:
    return {
        CONF_PLANNER_URL: url,
        CONF_MODEL: "test-planner",
        CONF_API_KEY: "sk-secret",
        CONF_THRESHOLD: 0.8,
        CONF_CACHE_SIZE: 800.0,  # number selectors send floats
        CONF_PLANNER_TIMEOUT: 12.0,
        **changes,
    }


async def test_happy_path(home: HomeAssistant, planner: PlannerServer) -> None:
    result = await home.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert CONF_SAVE_ANYWAY not in result["data_schema"].schema

    result = await home.config_entries.flow.async_configure(result["flow_id"], user_input(planner.url))
    await home.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "AgentReuse test-planner"
    entry = result["result"]
    assert entry.unique_id == f"{planner.url}/v1|test-planner"
    assert entry.data == {
        CONF_PLANNER_URL: planner.url,
        CONF_MODEL: "test-planner",
        CONF_API_KEY: "sk-secret",
    }
    assert entry.options == {
        CONF_THRESHOLD: 0.8,
        CONF_CACHE_SIZE: 800,
        CONF_PLANNER_TIMEOUT: 12.0,
        CONF_STARTER_PLANS: True,  # the form's defaults from here on
        CONF_REUSE_MODE: "threshold",
        CONF_FALSE_REUSE_BUDGET: 1.0,
        CONF_AUDIT_RATE: 5.0,
    }
    assert not entry.runtime_data.pipeline.policy.bounded
    assert planner.models_calls() >= 1
    assert entry.runtime_data.cache.threshold == 0.8
    assert entry.runtime_data.cache.max_entries == 800
    # A new entry starts with the starter plans, so everyday commands work before the planner is asked.
    assert len(entry.runtime_data.cache) == len(STARTER_PLANS)


async def test_unreachable_planner_errors_then_can_be_saved_anyway(
    home: HomeAssistant, socket_enabled: None
) -> None:
    dead_url = f"http://127.0.0.1:{free_port()}"
    result = await home.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})

    result = await home.config_entries.flow.async_configure(result["flow_id"], user_input(dead_url))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert "cannot reach planner" in result["description_placeholders"]["error"]
    assert CONF_SAVE_ANYWAY in result["data_schema"].schema

    # Without ticking the box it is refused again.
    result = await home.config_entries.flow.async_configure(result["flow_id"], user_input(dead_url))
    assert result["errors"] == {"base": "cannot_connect"}

    result = await home.config_entries.flow.async_configure(
        result["flow_id"], user_input(dead_url, save_anyway=True)
    )
    # The planner check that raises the issue is a background task of the entry.
    await home.async_block_till_done(wait_background_tasks=True)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert CONF_SAVE_ANYWAY not in entry.options
    # It loads (cached plans work without a planner) and a repair issue says what is wrong.
    assert entry.state is ConfigEntryState.LOADED
    issue = ir.async_get(home).async_get_issue(DOMAIN, ISSUE_PLANNER_UNREACHABLE.format(entry.entry_id))
    assert issue is not None
    assert issue.translation_key == "planner_unreachable"


async def test_invalid_url_is_refused(home: HomeAssistant) -> None:
    result = await home.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await home.config_entries.flow.async_configure(result["flow_id"], user_input("ftp://planner"))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_PLANNER_URL: "invalid_url"}


async def test_http_error_is_reported(home: HomeAssistant, planner: PlannerServer) -> None:
    """A server that answers with an error status is "cannot connect", with the status in the message."""
    result = await home.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await home.config_entries.flow.async_configure(
        result["flow_id"], user_input(f"{planner.url}/nowhere")
    )
    assert result["errors"] == {"base": "cannot_connect"}
    assert "HTTP 404" in result["description_placeholders"]["error"]


async def test_duplicate_is_aborted(home: HomeAssistant, planner: PlannerServer) -> None:
    await setup_agent(home, planner.url)
    result = await home.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    # The same planner, written differently (trailing /v1/): still the same unique id.
    result = await home.config_entries.flow.async_configure(
        result["flow_id"], user_input(f"{planner.url}/v1/")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_options_flow_changes_everything_and_keeps_plans(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry = await setup_agent(home, planner.url)
    planner.queue(plan_json(service_step({"area": "{slot.area}"})))
    assert (await entry.runtime_data.async_handle("turn on the kitchen light", "en")).trace.cached

    result = await home.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert CONF_REQUEST_TOPIC in result["data_schema"].schema
    result = await home.config_entries.options.async_configure(
        result["flow_id"],
        {
            **user_input(planner.url, model="other-model", threshold=0.9, cache_size=50.0),
            CONF_REQUEST_TOPIC: "home/agent/in",
            CONF_RESPONSE_TOPIC: "home/agent/out",
            CONF_STARTER_PLANS: True,
            CONF_REUSE_MODE: "bounded",
            CONF_FALSE_REUSE_BUDGET: 2.5,
            CONF_AUDIT_RATE: 10.0,
        },
    )
    await home.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.unique_id == f"{planner.url}/v1|other-model"
    assert entry.title == "AgentReuse other-model"
    assert entry.options[CONF_REQUEST_TOPIC] == "home/agent/in"
    # Reloaded with the new settings, and the plan survived the reload (saved at unload, loaded again).
    assert entry.runtime_data.settings[CONF_MODEL] == "other-model"
    assert entry.runtime_data.cache.max_entries == 50
    policy = entry.runtime_data.pipeline.policy
    assert policy.bounded
    assert policy.learner.config.delta == 0.025
    assert policy.audit_rate == 0.1
    # In the error-budget mode the cache hands candidates down to the learner's floor; the learner decides.
    assert entry.runtime_data.cache.threshold == policy.cache_threshold_floor == 0.9  # γ is the floor
    # The planner's plan is kept, and switching the starter plans on added them beside it — as many as
    # the 50 places allow: seeding never evicts.
    assert len(STARTER_PLANS) > 49
    assert len(entry.runtime_data.cache) == 50


async def test_options_flow_refuses_another_entrys_planner(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    first = await setup_agent(home, planner.url)
    second = await setup_agent(home, f"{planner.url}/v1")
    # Two entries for one URL need different unique ids; the fixture gives both the same model, so fix one.
    home.config_entries.async_update_entry(second, unique_id=f"{planner.url}/v1|second")
    await home.async_block_till_done()

    result = await home.config_entries.options.async_init(second.entry_id)
    result = await home.config_entries.options.async_configure(result["flow_id"], user_input(planner.url))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "already_configured"}
    assert first.unique_id != second.unique_id
