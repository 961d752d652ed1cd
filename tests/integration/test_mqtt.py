"""MQTT: the request/response topics round trip through the real broker, and broker trouble is spoken."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from homeassistant.const import CONF_PORT
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.agent_reuse.const import DEFAULT_REQUEST_TOPIC, DEFAULT_RESPONSE_TOPIC
from tests.planner_fixture import PlannerServer

from .conftest import (
    BED_LIGHT,
    KITCHEN_LIGHT,
    Recorder,
    eventually,
    plan_json,
    respond_step,
    service_step,
    setup_agent,
    start_mosquitto,
)

PROBE = "probe"
AREA_PLAN = plan_json(
    service_step({"area": "{slot.area}"}), respond_step("Turned on the {slot.area} lights.")
)


async def _bridge_ready(recorder: Recorder) -> None:
    """Probe until the bridge answers: Home Assistant subscribes after a cooldown, asynchronously.

    The probe is a request without text, so it gets an error reply without touching the planner.
    """
    for _ in range(60):
        recorder.publish(DEFAULT_REQUEST_TOPIC, json.dumps({"id": PROBE}))
        await asyncio.sleep(0.25)
        if _replies(recorder, with_probes=True):
            return
    raise AssertionError("the MQTT bridge never answered")


def _replies(recorder: Recorder, *, with_probes: bool = False) -> list[dict[str, Any]]:
    """The replies on the response topic, in order (probe replies only when asked for)."""
    replies = [json.loads(raw) for raw in recorder.payloads(DEFAULT_RESPONSE_TOPIC)]
    return [reply for reply in replies if (reply["id"] == PROBE) is with_probes]


async def _wait_for_replies(recorder: Recorder, count: int) -> list[dict[str, Any]]:
    await eventually(lambda: len(_replies(recorder)) >= count, f"{count} replies")
    return _replies(recorder)


async def test_request_topic_round_trip(
    home: HomeAssistant, mqtt_ha: MockConfigEntry, mqtt_recorder: Recorder, planner: PlannerServer
) -> None:
    entry = await setup_agent(home, planner.url)
    await _bridge_ready(mqtt_recorder)
    planner.queue(AREA_PLAN)

    mqtt_recorder.publish(
        DEFAULT_REQUEST_TOPIC, json.dumps({"text": "turn on the kitchen light", "language": "en", "id": "r1"})
    )
    first = (await _wait_for_replies(mqtt_recorder, 1))[0]
    mqtt_recorder.publish(DEFAULT_REQUEST_TOPIC, json.dumps({"text": "turn on the bedroom light", "id": 2}))
    second = (await _wait_for_replies(mqtt_recorder, 2))[1]

    assert first["id"] == "r1"
    assert first["speech"] == "Turned on the kitchen lights."
    assert first["success"] is True
    assert first["trace"]["outcome"] == "miss"
    assert second["id"] == 2
    assert second["trace"]["outcome"] == "hit"
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    assert home.states.get(BED_LIGHT).state == "on"
    assert planner.calls() == 1
    assert len(entry.runtime_data.traces) == 2


async def test_malformed_requests_get_error_replies(
    home: HomeAssistant, mqtt_ha: MockConfigEntry, mqtt_recorder: Recorder, planner: PlannerServer
) -> None:
    await setup_agent(home, planner.url)
    await _bridge_ready(mqtt_recorder)

    bad = [
        b"\xff\xfe not utf-8",
        b"turn on the kitchen light",
        b"[1, 2, 3]",
        json.dumps({"id": "x1"}).encode(),
        json.dumps({"id": "x2", "text": "   "}).encode(),
        json.dumps({"id": {"nested": True}, "text": "hi"}).encode(),
        json.dumps({"id": "x3", "text": "hi", "language": 5}).encode(),
        json.dumps({"id": "x4", "text": "", "language": "zh-TW"}).encode(),
    ]
    for payload in bad:
        mqtt_recorder.publish(DEFAULT_REQUEST_TOPIC, payload)
    replies = await _wait_for_replies(mqtt_recorder, len(bad))

    assert all(reply["success"] is False and reply["error"] for reply in replies)
    assert [reply["id"] for reply in replies] == [None, None, None, "x1", "x2", None, "x3", "x4"]
    assert "UTF-8" in replies[0]["error"]
    assert replies[0]["speech"] == "Sorry, the request is not UTF-8 text."  # the home's language
    assert "not JSON" in replies[1]["error"]
    # A request that names its language hears the answer in it; the detail stays in "error".
    assert replies[-1]["speech"] == "抱歉，這個請求我讀不懂。"
    assert replies[-1]["error"] == "'text' must be a non-empty string"
    assert planner.calls() == 0
    # Still alive: a good request after the bad ones is answered.
    planner.queue(AREA_PLAN)
    mqtt_recorder.publish(
        DEFAULT_REQUEST_TOPIC, json.dumps({"text": "turn on the kitchen light", "id": "ok"})
    )
    replies = await _wait_for_replies(mqtt_recorder, len(bad) + 1)
    assert replies[-1]["success"] is True

    # A Chinese home: a payload that is not even JSON is answered in Chinese.
    home.config.language = "zh-Hans"
    mqtt_recorder.publish(DEFAULT_REQUEST_TOPIC, b"kai deng")
    replies = await _wait_for_replies(mqtt_recorder, len(bad) + 2)
    assert replies[-1]["speech"] == "抱歉，这个请求我读不懂。"
    assert "not JSON" in replies[-1]["error"]


async def test_mqtt_step_without_mqtt_is_a_spoken_error(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    planner.queue(
        plan_json(
            {
                "id": "s1",
                "action": "mqtt_publish",
                "inputs": {"topic": "home/x", "payload": "ON"},
                "description": "notify",
            },
            respond_step("Sent."),
        )
    )
    reply = await agent.runtime_data.async_handle("turn on the kitchen light", "en")
    assert reply.success is False
    assert "MQTT is not set up" in reply.speech
    assert len(agent.runtime_data.cache) == 0


async def test_mqtt_step_with_broker_down_is_a_spoken_error(
    home: HomeAssistant, planner: PlannerServer, tmp_path: Path, socket_enabled: None, mock_hass_config: None
) -> None:
    """A broker of its own for this test, stopped under the running integration."""
    from homeassistant.components import mqtt

    broker = start_mosquitto(tmp_path)
    try:
        mqtt_entry = MockConfigEntry(
            domain="mqtt",
            data={mqtt.CONF_BROKER: "127.0.0.1", CONF_PORT: broker.port},
            version=mqtt.CONFIG_ENTRY_VERSION,
            minor_version=mqtt.CONFIG_ENTRY_MINOR_VERSION,
        )
        mqtt_entry.add_to_hass(home)
        assert await home.config_entries.async_setup(mqtt_entry.entry_id)
        entry = await setup_agent(home, planner.url)
        await eventually(lambda: mqtt.is_connected(home), "MQTT to connect")

        broker.process.terminate()
        broker.process.wait(timeout=5)
        await eventually(lambda: not mqtt.is_connected(home), "MQTT to notice the broker is gone")
        planner.queue(
            plan_json(
                {
                    "id": "s1",
                    "action": "mqtt_publish",
                    "inputs": {"topic": "home/x", "payload": "ON"},
                    "description": "notify",
                }
            )
        )
        reply = await entry.runtime_data.async_handle("turn on the kitchen light", "en")

        assert reply.success is False
        assert "the MQTT broker is not connected" in reply.speech
        assert len(entry.runtime_data.cache) == 0
        await home.config_entries.async_unload(entry.entry_id)
        await home.config_entries.async_unload(mqtt_entry.entry_id)
        await home.async_block_till_done()
    finally:
        if broker.process.poll() is None:
            broker.process.kill()
            broker.process.wait(timeout=5)
