"""A command for later ("turn off the kitchen lights in 5 minutes", "五分钟后关灯"), in a real Home Assistant.

The plan waits with a ``delay`` step before it switches. A voice satellite cannot hold a conversation open
for minutes, so the reply comes at once and the steps after a long delay run as a background task of the
entry (``executor``: ``defer_after_s``); the plan is cached once they have run, and unloading the entry
cancels them. Saying "cancel turning off the lights" / "取消开灯" cancels one (``engine/pending.py``), and
a command for later that fails once its wait is over is reported in a notification.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import get_diagnostics_for_config_entry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.agent_reuse.const import CONF_STARTER_PLANS
from tests.planner_fixture import PlannerServer

from .conftest import (
    BED_LIGHT,
    KITCHEN_LIGHT,
    ask,
    entry_for,
    last_trace,
    plan_json,
    respond_step,
    satellite_in,
    service_step,
    setup_agent,
    speech,
)


def later_plan(reply: str, wait: dict[str, Any], service: str) -> str:
    """Confirm now (``reply``); wait; switch the area's lights with ``service``."""
    return plan_json(
        respond_step(reply, depends_on=(), step_id="s0"),
        {"id": "s1", "description": "wait", "action": "delay", "inputs": wait},
        {
            **service_step({"area": "{slot.area}", "domain": "light"}, service=service),
            "id": "s2",
            "depends_on": ["s1"],
        },
    )


async def test_the_reply_comes_first_and_the_lights_go_off_after_the_wait(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    await home.services.async_call(
        "light", "turn_on", {"entity_id": [KITCHEN_LIGHT, BED_LIGHT]}, blocking=True
    )
    with patch("custom_components.agent_reuse.const.DEFER_AFTER_S", 0.1):
        entry = await setup_agent(home, planner.url)
    planner.queue(
        later_plan(
            "Okay, the {slot.area} lights go off in {slot.minutes} minutes.", {"seconds": 0.3}, "turn_off"
        )
    )

    result = await ask(home, entry, "turn off the kitchen lights in 5 minutes")
    assert speech(result) == "Okay, the kitchen lights go off in 5 minutes."
    trace = last_trace(entry)
    assert (trace["deferred"], trace["slots"]["minutes"], trace["cached"]) == (["s1", "s2"], "5", False)
    assert home.states.get(KITCHEN_LIGHT).state == "on"  # not yet
    assert len(entry.runtime_data.cache) == 0

    await home.async_block_till_done(wait_background_tasks=True)
    assert home.states.get(KITCHEN_LIGHT).state == "off"
    assert len(entry.runtime_data.cache) == 1  # cached once it had run

    # Reused for the bedroom, then the entry is unloaded during the wait: the light stays on.
    result = await ask(home, entry, "turn off the bedroom lights in 10 minutes")
    assert speech(result) == "Okay, the bedroom lights go off in 10 minutes."
    assert last_trace(entry)["outcome"] == "hit"
    assert await home.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    await home.async_block_till_done(wait_background_tasks=True)
    assert home.states.get(BED_LIGHT).state == "on"
    assert planner.calls() == 1


async def test_five_minutes_later_said_in_chinese_is_the_command_not_a_timer(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    # "五分钟后关灯" was a timer named 关灯; "10分钟后打开卧室的灯" a timer in the bedroom.
    entry = await setup_agent(home, planner.url)
    planner.queue(
        later_plan(
            "好的，{slot.minutes}分钟后打开{slot.area}的灯。", {"minutes": "{slot.minutes}"}, "turn_on"
        )
    )
    await home.services.async_call("light", "turn_off", {"entity_id": BED_LIGHT}, blocking=True)
    result = await ask(home, entry, "10分钟后打开卧室的灯", "zh-Hans")
    assert speech(result) == "好的，10分钟后打开卧室的灯。"
    trace = last_trace(entry)
    assert (trace["intent"], trace["slots"], trace["deferred"]) == (
        "HassTurnOn",
        {"minutes": "10", "area": "卧室"},
        ["s1", "s2"],
    )
    assert home.states.get(BED_LIGHT).state == "off"
    assert await home.config_entries.async_unload(entry.entry_id)  # cancels the ten-minute wait
    await home.async_block_till_done(wait_background_tasks=True)
    assert home.states.get(BED_LIGHT).state == "off"


async def test_starter_plans_serve_commands_for_later_offline(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    await home.services.async_call("light", "turn_on", {"entity_id": KITCHEN_LIGHT}, blocking=True)
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    result = await ask(home, entry, "turn off the kitchen lights in 5 minutes")
    assert speech(result) == "Okay, the lights in the kitchen go off in 5 minutes."
    result = await ask(home, entry, "五分钟后关灯", "zh-Hans", satellite_in(home, "Kitchen"))
    assert speech(result) == "好的，5分钟后关灯。"
    result = await ask(home, entry, "10分鐘後打開臥室的燈", "zh-Hant")
    assert speech(result) == "好的，10分鐘後打開臥室的燈。"
    assert last_trace(entry)["deferred"] == ["s2", "s3"]
    assert planner.calls() == 0
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    assert await home.config_entries.async_unload(entry.entry_id)  # the waits are cancelled
    await home.async_block_till_done(wait_background_tasks=True)
    assert home.states.get(KITCHEN_LIGHT).state == "on"


async def test_a_command_for_later_is_cancelled_by_voice(
    home: HomeAssistant, planner: PlannerServer, hass_client: ClientSessionGenerator
) -> None:
    # Real waits of minutes: had the commands not been cancelled, waiting for the entry's background tasks
    # below would not end.
    await home.services.async_call(
        "light", "turn_on", {"entity_id": [KITCHEN_LIGHT, BED_LIGHT]}, blocking=True
    )
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    await ask(home, entry, "turn off the kitchen lights in 5 minutes")
    await ask(home, entry, "10分鐘後關閉臥室的燈", "zh-Hant")
    diagnostics = await get_diagnostics_for_config_entry(home, hass_client, entry)
    waiting = diagnostics["commands_for_later"]
    assert [(c["text"], c["intent"]) for c in waiting] == [
        ("turn off the kitchen lights in 5 minutes", "HassTurnOff"),
        ("10分鐘後關閉臥室的燈", "HassTurnOff"),
    ]
    assert 290 < waiting[0]["due_in_s"] <= 300
    sensor = home.states.get("sensor.agentreuse_test_planner_commands_for_later")
    assert sensor.state == "2"
    assert [c["text"] for c in sensor.attributes["commands"]] == [
        "turn off the kitchen lights in 5 minutes",
        "10分鐘後關閉臥室的燈",
    ]

    # "cancel turning off the lights" came out as HassTurnOff: every light went off at once.
    result = await ask(home, entry, "cancel turning off the kitchen lights")
    assert speech(result) == 'Cancelled "turn off the kitchen lights in 5 minutes".'
    result = await ask(home, entry, "取消開燈", "zh-Hant")  # turning *on*: nothing like that waits
    assert speech(result) == "沒有這樣的命令在等待執行。"
    result = await ask(home, entry, "取消关灯", "zh-Hans")
    assert speech(result) == "已取消“10分鐘後關閉臥室的燈”。"
    assert last_trace(entry)["outcome"] == "cancel"

    async with asyncio.timeout(30):
        await home.async_block_till_done(wait_background_tasks=True)
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    assert home.states.get(BED_LIGHT).state == "on"
    assert (await get_diagnostics_for_config_entry(home, hass_client, entry))["commands_for_later"] == []
    assert home.states.get("sensor.agentreuse_test_planner_commands_for_later").state == "0"
    assert planner.calls() == 0


async def test_a_command_for_later_that_fails_is_reported_in_a_notification(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    notifications: list[dict[str, Any]] = []
    persistent_notification.async_register_callback(
        home, lambda kind, changed: notifications.extend(changed.values())
    )
    with patch("custom_components.agent_reuse.const.DEFER_AFTER_S", 0.1):
        entry = await setup_agent(home, planner.url)
    planner.queue(later_plan("Okay, in {slot.minutes} minutes.", {"seconds": 0.3}, "turn_off"))

    result = await ask(home, entry, "turn off the garage lights in 5 minutes")  # no such area
    assert speech(result) == "Okay, in 5 minutes."
    assert notifications == []
    await home.async_block_till_done(wait_background_tasks=True)
    assert [n["title"] for n in notifications] == ["AgentReuse: a command for later did not work"]
    message = notifications[0]["message"]
    assert message.startswith("\u201cturn off the garage lights in 5 minutes\u201d: ")
    assert "garage" in message.split(": ", 1)[1]
    assert len(entry.runtime_data.cache) == 0  # a plan that failed is not cached


@asynccontextmanager
async def kitchen_lights_off_later(
    home: HomeAssistant, planner: PlannerServer
) -> AsyncIterator[MockConfigEntry]:
    """The kitchen light on, an agent that defers waits over 0.1 s, and "turn off the kitchen lights in 5
    minutes" asked (its plan waits 1 s); the agent's setups inside the block defer the same way."""
    await home.services.async_call("light", "turn_on", {"entity_id": KITCHEN_LIGHT}, blocking=True)
    with patch("custom_components.agent_reuse.const.DEFER_AFTER_S", 0.1):
        entry = await setup_agent(home, planner.url)
        planner.queue(later_plan("Okay, in {slot.minutes} minutes.", {"seconds": 1.0}, "turn_off"))
        result = await ask(home, entry, "turn off the kitchen lights in 5 minutes")
        assert speech(result) == "Okay, in 5 minutes."
        yield entry


async def test_a_command_for_later_runs_on_after_the_entry_reloads(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    # Options changed (or an update restarted Home Assistant) during the wait: the command still runs.
    async with kitchen_lights_off_later(home, planner) as entry:
        assert await home.config_entries.async_reload(entry.entry_id)
        await home.async_block_till_done()
        assert home.states.get(KITCHEN_LIGHT).state == "on"
        assert [c.text for c in entry.runtime_data.pipeline.pending.waiting()] == [
            "turn off the kitchen lights in 5 minutes"
        ]
        async with asyncio.timeout(30):
            await home.async_block_till_done(wait_background_tasks=True)
    assert home.states.get(KITCHEN_LIGHT).state == "off"
    assert entry.runtime_data.pipeline.pending.saved() == []
    assert planner.calls() == 1


async def test_a_cancelled_command_for_later_stays_cancelled_after_a_reload(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    async with kitchen_lights_off_later(home, planner) as entry:
        assert speech(await ask(home, entry, "cancel the timer")).startswith("Cancelled")
        assert await home.config_entries.async_reload(entry.entry_id)
        async with asyncio.timeout(30):
            await home.async_block_till_done(wait_background_tasks=True)
    assert entry.runtime_data.pipeline.pending.saved() == []
    assert home.states.get(KITCHEN_LIGHT).state == "on"


def saved_command(text: str, area: str, due_in_s: float, *, command_id: str) -> dict[str, Any]:
    """A command for later as the entry saved it before Home Assistant stopped: its confirmation ran, and
    its 5-minute wait began so long ago that it ends ``due_in_s`` from now."""
    began = time.time() + due_in_s - 300
    return {
        "id": command_id,
        "text": text,
        "language": "en",
        "intent": "HassTurnOff",
        "request_slots": {"area": area, "domain": "light", "minutes": "5"},
        "plan": {
            "steps": [
                {"id": "s1", "action": "respond", "inputs": {"template": "Okay."}},
                {"id": "s2", "action": "delay", "inputs": {"minutes": "{slot.minutes}"}},
                {
                    "id": "s3",
                    "action": "ha_service",
                    "inputs": {"domain": "light", "service": "turn_off", "target": {"area": "{slot.area}"}},
                    "depends_on": ["s2"],
                },
            ]
        },
        "plan_slots": {"area": area, "minutes": "5"},
        "checkpoint": {"done": {"s1": "Okay."}, "started": {"s1": began, "s2": began}},
        "due_at": time.time() + due_in_s,
        "host": {},
    }


def entry_saved_with(
    home: HomeAssistant, planner: PlannerServer, hass_storage: dict[str, Any], commands: list[dict[str, Any]]
) -> MockConfigEntry:
    """An entry (not set up yet) whose storage holds these commands for later, as saved at the last stop."""
    entry = entry_for(planner.url)
    entry.add_to_hass(home)
    key = f"agent_reuse.{entry.entry_id}.later"
    hass_storage[key] = {"version": 1, "minor_version": 1, "key": key, "data": {"commands": commands}}
    return entry


async def test_commands_for_later_saved_before_a_restart_run_on_unless_long_overdue(
    home: HomeAssistant,
    planner: PlannerServer,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    await home.services.async_call(
        "light", "turn_on", {"entity_id": [KITCHEN_LIGHT, BED_LIGHT]}, blocking=True
    )
    notifications: list[dict[str, Any]] = []
    persistent_notification.async_register_callback(
        home, lambda kind, changed: notifications.extend(changed.values())
    )
    entry = entry_saved_with(
        home,
        planner,
        hass_storage,
        [
            # Due a minute ago, while Home Assistant restarted: it runs now.
            saved_command("turn off the kitchen lights in 5 minutes", "kitchen", -60, command_id="a"),
            # Due an hour ago: not run, and a notification says so (in the command's language).
            {**saved_command("五分钟后关闭卧室的灯", "卧室", -3600, command_id="b"), "language": "zh-Hans"},
            {"id": "c", "text": "damaged"},
        ],
    )
    assert await home.config_entries.async_setup(entry.entry_id)
    async with asyncio.timeout(30):
        await home.async_block_till_done(wait_background_tasks=True)

    assert home.states.get(KITCHEN_LIGHT).state == "off"
    assert home.states.get(BED_LIGHT).state == "on"
    assert [(n["title"], n["message"]) for n in notifications] == [
        (
            "AgentReuse：定时命令没有执行",
            "“五分钟后关闭卧室的灯”本应在60分钟前执行，当时 Home Assistant 没有运行，所以没有执行。",
        )
    ]
    assert "cannot be read" in caplog.text
    assert entry.runtime_data.pipeline.pending.saved() == []
    assert planner.calls() == 0


async def test_a_saved_wait_that_has_begun_waits_only_what_is_left(
    home: HomeAssistant, planner: PlannerServer, hass_storage: dict[str, Any]
) -> None:
    await home.services.async_call("light", "turn_on", {"entity_id": KITCHEN_LIGHT}, blocking=True)
    entry = entry_saved_with(
        home,
        planner,
        hass_storage,
        [saved_command("turn off the kitchen lights in 5 minutes", "kitchen", 120, command_id="a")],
    )
    assert await home.config_entries.async_setup(entry.entry_id)
    await home.async_block_till_done()
    (waiting,) = entry.runtime_data.pipeline.pending.waiting()
    assert 110 < waiting.as_dict()["due_in_s"] <= 120  # two minutes left of five
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    assert await home.config_entries.async_unload(entry.entry_id)
    await home.async_block_till_done(wait_background_tasks=True)
    # Saved again at unload, still with its original start.
    (kept,) = hass_storage[f"agent_reuse.{entry.entry_id}.later"]["data"]["commands"]
    assert kept["id"] == "a"
    assert kept["checkpoint"]["started"]["s2"] < time.time() - 170
