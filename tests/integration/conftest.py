"""Fixtures for the integration tests: a real Home Assistant, real mosquitto, real planner server, real models.

What is real here and why:

* **Home Assistant** — the pytest-homeassistant-custom-component harness (a full core per test).
* **Devices** — the demo integration's lights and switches (registry entries, devices, real services),
  placed in areas "Kitchen" (aliases 厨房, 廚房) and "Bedroom" (aliases 卧室, 臥室), with the kitchen and bedroom lights and
  the decorative-lights switch exposed to Assist and the ceiling lights deliberately *not* exposed.
* **MQTT** — a mosquitto process per test module, Home Assistant's own mqtt integration connected to it,
  and an independent paho client that records what actually reaches the broker.
* **Planner** — the scripted OpenAI-compatible server from ``tests/planner_fixture.py`` (one process per
  module, reset before each test).
* **Models** — the shipped NLU and embedder, loaded once per session (``tests/conftest.py``) and handed to
  the integration instead of letting every test's fresh Home Assistant load them again (1–2 s each).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest.mock import patch

import paho.mqtt.client as paho
import pytest
from homeassistant.components.conversation import ConversationResult, async_converse
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.const import CONF_PORT, Platform
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.agent_reuse.const import (
    CONF_CACHE_SIZE,
    CONF_MODEL,
    CONF_PLANNER_TIMEOUT,
    CONF_PLANNER_URL,
    CONF_STARTER_PLANS,
    CONF_THRESHOLD,
    DEFAULT_THRESHOLD,
    DOMAIN,
)
from custom_components.agent_reuse.engine.embedder import SentenceEmbedder
from custom_components.agent_reuse.engine.nlu import JointParser
from custom_components.agent_reuse.loader import SharedModels
from tests.planner_fixture import PlannerServer

MOSQUITTO = "/usr/sbin/mosquitto"
KITCHEN_LIGHT = "light.kitchen_lights"
BED_LIGHT = "light.bed_light"
SECRET_LIGHT = "light.ceiling_lights"  # exists, but is not exposed to Assist
DECORATIVE_SWITCH = "switch.decorative_lights"


# -- Home Assistant basics ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load ``custom_components/agent_reuse``."""


@pytest.fixture(autouse=True)
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A per-test config directory, so cache files never land in the installed test package."""
    hass.config.config_dir = str(tmp_path)
    return tmp_path


@pytest.fixture(autouse=True)
def shared_models(joint_parser: JointParser, sentence_embedder: SentenceEmbedder) -> Iterator[SharedModels]:
    """The real models, loaded once per session and given to every test's Home Assistant."""
    models = SharedModels(parser=joint_parser, embedder=sentence_embedder)
    with patch("custom_components.agent_reuse.loader.load_models", return_value=models):
        yield models


@pytest.fixture
async def home(hass: HomeAssistant) -> AsyncIterator[HomeAssistant]:
    """Home Assistant with Assist, demo lights/switches in two areas, and the exposure set up."""
    async with demo_home(hass, [Platform.LIGHT, Platform.SWITCH]) as furnished:
        yield furnished


@asynccontextmanager
async def demo_home(hass: HomeAssistant, platforms: list[Platform]) -> AsyncIterator[HomeAssistant]:
    """Set up Assist and the demo's ``platforms`` only (the whole demo is slow), then furnish the home.

    The demo unloads the platforms of the same list, so it is unloaded here, inside the patch, rather than
    by the hass fixture's teardown.
    """
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    with patch("homeassistant.components.demo.COMPONENTS_WITH_CONFIG_ENTRY_DEMO_PLATFORM", platforms):
        assert await async_setup_component(hass, "demo", {})
        await hass.async_block_till_done()
        yield await _furnish(hass)
        for demo in hass.config_entries.async_entries("demo"):
            await hass.config_entries.async_unload(demo.entry_id)


async def _furnish(hass: HomeAssistant) -> HomeAssistant:
    areas = ar.async_get(hass)
    entities = er.async_get(hass)
    kitchen = areas.async_create("Kitchen", aliases={"厨房", "廚房"})
    bedroom = areas.async_create("Bedroom", aliases={"卧室", "臥室"})
    entities.async_update_entity(KITCHEN_LIGHT, area_id=kitchen.id)
    entities.async_update_entity(BED_LIGHT, area_id=bedroom.id)
    entities.async_update_entity(SECRET_LIGHT, area_id=kitchen.id)
    for entity_id in hass.states.async_entity_ids():
        async_expose_entity(hass, "conversation", entity_id, False)
    for entity_id in (KITCHEN_LIGHT, BED_LIGHT, DECORATIVE_SWITCH):
        async_expose_entity(hass, "conversation", entity_id, True)
    # Start from a dark house so "turn on" is visible.
    await hass.services.async_call(
        "light", "turn_off", {"entity_id": [KITCHEN_LIGHT, BED_LIGHT, SECRET_LIGHT]}, blocking=True
    )
    await hass.async_block_till_done()
    return hass


# -- the integration ------------------------------------------------------------------------------------


def entry_for(planner_url: str, **options: Any) -> MockConfigEntry:
    """A config entry as the config flow creates it."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="AgentReuse test-planner",
        unique_id=f"{planner_url}/v1|test-planner",
        data={CONF_PLANNER_URL: planner_url, CONF_MODEL: "test-planner"},
        options={
            CONF_THRESHOLD: DEFAULT_THRESHOLD,
            # Room for every starter plan (649), as the default of 2000 has: the Traditional Chinese ones come
            # last and a smaller cache leaves them out.
            CONF_CACHE_SIZE: 1000,
            CONF_PLANNER_TIMEOUT: 10.0,
            # Off unless a test asks for them: most tests start from an empty cache to watch it fill.
            CONF_STARTER_PLANS: False,
            **options,
        },
    )


async def setup_agent(hass: HomeAssistant, planner_url: str, **options: Any) -> MockConfigEntry:
    """Add and set up an AgentReuse entry against ``planner_url``."""
    entry = entry_for(planner_url, **options)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
def planner(planner_server_module: PlannerServer) -> PlannerServer:
    """The module's planner server, reset for this test."""
    return planner_server_module


@pytest.fixture
async def agent(home: HomeAssistant, planner: PlannerServer) -> MockConfigEntry:
    """A loaded AgentReuse entry on the demo home, without MQTT."""
    return await setup_agent(home, planner.url)


def agent_entity_id(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    """The conversation entity of an entry."""
    entity_id = er.async_get(hass).async_get_entity_id("conversation", DOMAIN, entry.entry_id)
    assert entity_id is not None
    return entity_id


async def ask(
    hass: HomeAssistant, entry: MockConfigEntry, text: str, language: str = "en", device_id: str | None = None
) -> ConversationResult:
    """Send text to the agent through Assist (from the satellite ``device_id``, if given)."""
    return await async_converse(
        hass, text, None, Context(), language, agent_entity_id(hass, entry), device_id
    )


def place_in(hass: HomeAssistant, entity_id: str, area_name: str) -> None:
    """Put an entity into the area ``area_name`` (which must exist)."""
    area = ar.async_get(hass).async_get_area_by_name(area_name)
    assert area is not None
    er.async_get(hass).async_update_entity(entity_id, area_id=area.id)


def satellite_in(hass: HomeAssistant, area_name: str) -> str:
    """The device id of a voice satellite placed in the area ``area_name`` (which must exist)."""
    area = ar.async_get(hass).async_get_area_by_name(area_name)
    assert area is not None
    owner = MockConfigEntry(domain="test")
    owner.add_to_hass(hass)
    devices = dr.async_get(hass)
    satellite = devices.async_get_or_create(
        config_entry_id=owner.entry_id, identifiers={("test", "satellite")}
    )
    devices.async_update_device(satellite.id, area_id=area.id)
    return satellite.id


def last_trace(entry: MockConfigEntry) -> dict[str, Any]:
    """The trace of the entry's last request."""
    trace: dict[str, Any] = entry.runtime_data.traces[-1]
    return trace


def speech(result: ConversationResult) -> str:
    """The plain speech of a conversation result."""
    return str(result.response.speech["plain"]["speech"])


async def ask_cached(
    hass: HomeAssistant, entry: MockConfigEntry, text: str, language: str, reply: str
) -> dict[str, Any]:
    """Ask, check that a cached plan served it (outcome "hit") with ``reply``, and return the trace."""
    result = await ask(hass, entry, text, language)
    assert speech(result) == reply, text
    trace = last_trace(entry)
    assert trace["outcome"] == "hit", text
    return trace


# -- plans the scripted planner returns ------------------------------------------------------------------


def plan_json(*steps: dict[str, Any]) -> str:
    """A plan document as the planner would send it."""
    return json.dumps({"steps": list(steps)}, ensure_ascii=False)


def service_step(
    target: dict[str, Any] | None,
    service: str = "turn_on",
    domain: str = "light",
    description: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An ``ha_service`` step ``s1`` (without a target for an action that takes none: ``target=None``)."""
    inputs = {"domain": domain, "service": service, **({} if target is None else {"target": target}), **extra}
    return {
        "id": "s1",
        "description": description or f"{service} the light",
        "action": "ha_service",
        "inputs": inputs,
        "depends_on": [],
    }


def area_step(service: str = "turn_on", step_id: str = "s2") -> dict[str, Any]:
    """An ``ha_service`` step on the request's ``{slot.area}`` lights: beside a step that names an entity
    literally, it makes the plan one that depends on the request (only such plans are cached)."""
    return {**service_step({"area": "{slot.area}"}, service=service), "id": step_id}


def respond_step(template: str, depends_on: tuple[str, ...] = ("s1",), step_id: str = "s9") -> dict[str, Any]:
    """A ``respond`` step."""
    return {
        "id": step_id,
        "description": "confirm",
        "action": "respond",
        "inputs": {"template": template},
        "depends_on": list(depends_on),
    }


#: "turn on the {area} ..." → light.turn_on on the area, "OK {area}."
AREA_PLAN = plan_json(service_step({"area": "{slot.area}"}), respond_step("OK {slot.area}."))


async def eventually(predicate: Callable[[], bool], what: str, within_s: float = 10.0) -> None:
    """Poll until ``predicate()`` holds: for things other processes and threads change (broker, paho)."""
    deadline = time.monotonic() + within_s
    for _ in itertools.count():
        if predicate():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within_s:g} s waiting for {what}")
        await asyncio.sleep(0.02)


# -- MQTT: mosquitto, Home Assistant's mqtt integration, an independent client -----------------------------


def _in_child(code: str) -> str:
    """Run Python in a child process: pytest-socket blocks sockets in this one outside of tests."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    ).stdout


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    return int(
        _in_child("import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
    )


def _wait_until_accepting(port: int, timeout_s: float = 10.0) -> bool:
    """Poll until something accepts TCP connections on the port."""
    code = (
        "import socket, time\n"
        f"deadline = time.monotonic() + {timeout_s}\n"
        "while time.monotonic() < deadline:\n"
        "    try:\n"
        f"        socket.create_connection(('127.0.0.1', {port}), timeout=1).close()\n"
        "        print('ok'); break\n"
        "    except OSError:\n"
        "        time.sleep(0.05)\n"
    )
    return _in_child(code).strip() == "ok"


@dataclass
class Broker:
    """A running mosquitto."""

    port: int
    process: subprocess.Popen[bytes]
    log: Path


def start_mosquitto(workdir: Path) -> Broker:
    port = free_port()
    conf = workdir / "mosquitto.conf"
    log = workdir / "mosquitto.log"
    # Logs go to stdout, a file opened here: as root, mosquitto drops to its own user and could not open
    # a log file in our temp directory itself.
    conf.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stdout\nlog_type all\n"
    )
    with log.open("wb") as log_file:
        process = subprocess.Popen([MOSQUITTO, "-c", str(conf)], stdout=log_file, stderr=subprocess.STDOUT)
    if _wait_until_accepting(port) and process.poll() is None:
        return Broker(port, process, log)
    if process.poll() is None:
        process.kill()
    process.wait(timeout=5)
    raise RuntimeError(f"mosquitto did not start (exit code {process.returncode}): {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def mosquitto() -> Iterator[Broker]:
    """One mosquitto per test module (it is stateless between tests: no persistence, no retained use)."""
    if shutil.which(MOSQUITTO) is None:
        pytest.skip("mosquitto is not installed (scripts/setup-system installs it)")
    workdir = Path(tempfile.mkdtemp(prefix="agent-reuse-mosquitto-"))
    try:
        broker = start_mosquitto(workdir)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    try:
        yield broker
    finally:
        broker.process.terminate()
        try:
            broker.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            broker.process.kill()
            broker.process.wait(timeout=5)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
async def mqtt_ha(
    home: HomeAssistant, mosquitto: Broker, socket_enabled: None, mock_hass_config: None
) -> AsyncIterator[MockConfigEntry]:
    """Home Assistant's mqtt integration connected to the real broker."""
    from homeassistant.components import mqtt

    entry = MockConfigEntry(
        domain="mqtt",
        data={mqtt.CONF_BROKER: "127.0.0.1", CONF_PORT: mosquitto.port},
        version=mqtt.CONFIG_ENTRY_VERSION,
        minor_version=mqtt.CONFIG_ENTRY_MINOR_VERSION,
    )
    entry.add_to_hass(home)
    assert await home.config_entries.async_setup(entry.entry_id)
    await home.async_block_till_done()
    await eventually(lambda: mqtt.is_connected(home), "Home Assistant's MQTT client to connect")
    yield entry
    # Our entries unsubscribe first, then MQTT goes (it cancels its pending unsubscribe timer on unload);
    # the hass fixture's parallel unload would leave that timer behind.
    for agent in home.config_entries.async_loaded_entries(DOMAIN):
        await home.config_entries.async_unload(agent.entry_id)
    await home.config_entries.async_unload(entry.entry_id)
    await home.async_block_till_done()


@dataclass
class Recorder:
    """An independent MQTT client: records every message on the broker, can publish."""

    client: paho.Client
    messages: list[tuple[str, bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def topics(self) -> list[str]:
        with self.lock:
            return [topic for topic, _ in self.messages]

    def payloads(self, topic: str) -> list[bytes]:
        with self.lock:
            return [payload for seen, payload in self.messages if seen == topic]

    async def wait_for(self, topic: str, count: int = 1) -> list[bytes]:
        """Wait until ``count`` messages arrived on ``topic``; returns all of them."""
        await eventually(lambda: len(self.payloads(topic)) >= count, f"{count} message(s) on {topic}")
        return self.payloads(topic)

    def publish(self, topic: str, payload: str | bytes) -> None:
        self.client.publish(topic, payload, qos=1).wait_for_publish(5)


@pytest.fixture
async def mqtt_recorder(mosquitto: Broker, socket_enabled: None) -> AsyncIterator[Recorder]:
    """A paho client subscribed to ``#``; its network thread is stopped at teardown."""
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"recorder-{time.monotonic_ns()}")
    recorder = Recorder(client)
    subscribed = threading.Event()

    def on_connect(client: paho.Client, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        client.subscribe("#", qos=1)

    def on_subscribe(client: paho.Client, userdata: Any, mid: int, reasons: Any, properties: Any) -> None:
        subscribed.set()

    def on_message(client: paho.Client, userdata: Any, message: paho.MQTTMessage) -> None:
        with recorder.lock:
            recorder.messages.append((message.topic, message.payload))

    client.on_connect = on_connect
    client.on_subscribe = on_subscribe
    client.on_message = on_message
    client.connect("127.0.0.1", mosquitto.port)
    client.loop_start()
    try:
        await eventually(subscribed.is_set, "the recorder's subscription")
        yield recorder
    finally:
        client.disconnect()
        client.loop_stop()
