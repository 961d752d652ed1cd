"""Diagnostics over Home Assistant's HTTP API: redacted secrets, counters, traces."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.components.diagnostics import get_diagnostics_for_config_entry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from tests.planner_fixture import PlannerServer

from .conftest import entry_for, plan_json, respond_step, service_step


async def test_diagnostics_redact_the_api_key(
    home: HomeAssistant, planner: PlannerServer, hass_client: ClientSessionGenerator
) -> None:
    entry = entry_for(planner.url)
    entry.add_to_hass(home)
    home.config_entries.async_update_entry(
        entry,
        data={**entry.data, "api_key": "sk-data-secret"},
        options={**entry.options, "api_key": "sk-options-secret"},
    )
    assert await home.config_entries.async_setup(entry.entry_id)
    await home.async_block_till_done()
    planner.queue(plan_json(service_step({"area": "{slot.area}"}), respond_step("OK.")))
    await entry.runtime_data.async_handle("turn on the kitchen light", "en")
    await entry.runtime_data.async_handle("turn on the bedroom light", "en")
    assert planner.request_headers()[0]["Authorization"] == "Bearer sk-options-secret"

    diagnostics = await get_diagnostics_for_config_entry(home, hass_client, entry)

    text = json.dumps(diagnostics)
    assert "sk-data-secret" not in text
    assert "sk-options-secret" not in text
    assert diagnostics["entry"]["data"]["api_key"] == "**REDACTED**"
    assert diagnostics["entry"]["options"]["api_key"] == "**REDACTED**"
    assert diagnostics["entry"]["data"]["planner_url"] == planner.url
    assert diagnostics["pipeline"]["requests"] == 2
    assert diagnostics["pipeline"]["hits"] == 1
    assert diagnostics["cache"]["size"] == 1
    assert diagnostics["models"]["embedder"]
    assert [trace["outcome"] for trace in diagnostics["last_traces"]] == ["miss", "hit"]
    assert diagnostics["cache_entries"][0]["template_text"] == "turn on the {area} {domain}"
    assert diagnostics["cache_entries"][0]["hits"] == 1
