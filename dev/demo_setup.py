"""Seeds, provisions and checks the AgentReuse demo Home Assistant that ``scripts/run`` starts.

Three steps, each a subcommand (``scripts/run`` calls them; they can be run by hand too):

``seed CONFIG_DIR`` — before the first start, writes what onboarding and the UI would have created into
``CONFIG_DIR/.storage``, using Home Assistant's own auth manager and storage helpers (so the files have the
exact format of the installed HA): onboarding marked done; an owner user ``demo`` (password ``demo``) for the
UI; a long-lived access token for that user (written to ``--token-file``, for the REST API); the MQTT config
entry for the local broker; the AgentReuse config entry pointing at the local planner, with the data/options
split and title the integration's config flow produces; and Assist exposure set to "do not expose new
entities" so that only the curated demo set below is exposed.

``provision URL`` — after Home Assistant answers, through its websocket API (what a user clicks in the UI):
waits for the AgentReuse agent entity, exposes the demo devices to Assist, puts them into areas, gives the
areas and a few devices Chinese aliases, creates an Assist pipeline "AgentReuse" whose conversation agent is
that entity and makes it the preferred pipeline. Idempotent. Prints the agent's entity id (also written to ``--agent-file``).

``smoke URL`` — turns the demo lights off, then asks the agent through ``POST /api/conversation/process``
"turn on the bed light", "关闭卧室的灯", "打開臥室的燈" (zh-TW), "turn on the kitchen lights" and "turn on the porch
light" (an MQTT light) and checks each device's state afterwards (exit 1 if one did not change). A fresh demo serves all five
from the starter plans (``engine/starter.py``) in milliseconds, without the planner.

Only the standard library, aiohttp and Home Assistant are used (all in the project venv).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]

DEMO_USER = "demo"
DEMO_PASSWORD = "demo"
DEMO_NAME = "Demo"
TOKEN_CLIENT_NAME = "AgentReuse demo (scripts/run)"
TOKEN_LIFETIME_DAYS = 3650
PIPELINE_NAME = "AgentReuse"

#: Entities exposed to Assist (and so to the agent and its planner), with the area each one's device gets.
DEMO_EXPOSED: Mapping[str, str | None] = MappingProxyType(
    {
        "light.bed_light": "Bedroom",
        "light.ceiling_lights": "Living Room",
        "light.kitchen_lights": "Kitchen",
        "light.office_rgbw_lights": "Office",
        "light.living_room_rgbww_lights": "Living Room",
        "switch.decorative_lights": "Living Room",
        "switch.ac": "Bedroom",
        "climate.hvac": "Living Room",
        "climate.ecobee": "Bedroom",
        "cover.kitchen_window": "Kitchen",
        "cover.living_room_window": "Living Room",
        "cover.garage_door": "Garage",
        # MQTT devices from configuration.yaml (their areas come from suggested_area there).
        "light.porch_light": None,
        "switch.garden_pump": None,
        "fan.attic_fan": None,
        # A fan with a speed in percent ("set the living room fan to 40%", "把客厅的风扇调到百分之五十").
        "fan.living_room_fan": "Living Room",
        # The weather now ("what's the weather", "天气怎么样"); the demo's second weather entity stays hidden.
        "weather.demo_weather_south": None,
        # Media players ("pause", "下一首", "set the volume to 30%"): universal players in front of the
        # demo's own (configuration.yaml), which have no unique id and so no room.
        "media_player.living_room_tv": "Living Room",
        "media_player.kitchen_speaker": "Kitchen",
        # A vacuum ("start the vacuum", "扫地机器人返回基站"); the demo's have no unique id, so no room.
        "vacuum.0_ground_floor": None,
        # The shopping list's to-do entity ("add milk to my shopping list"; todo is exposed by default).
        "todo.shopping_list": None,
        # Scenes from configuration.yaml ("activate movie night", "启动回家模式").
        "scene.movie_night": None,
        "scene.coming_home": None,
    }
)


#: Chinese names (Simplified and Traditional) for the demo's areas and a few devices, so the same home
#: answers "打开卧室的灯" and "打開臥室的燈".
DEMO_AREA_ALIASES: Mapping[str, list[str]] = MappingProxyType(
    {
        "Bedroom": ["卧室", "臥室"],
        "Living Room": ["客厅", "客廳"],
        "Kitchen": ["厨房", "廚房"],
        "Office": ["书房", "書房"],
        "Garage": ["车库", "車庫"],
    }
)
DEMO_ENTITY_ALIASES: Mapping[str, list[str]] = MappingProxyType(
    {
        "light.bed_light": ["床头灯", "床頭燈"],
        "light.porch_light": ["门廊灯", "門廊燈"],
        "fan.attic_fan": ["阁楼风扇", "閣樓風扇"],
        "switch.garden_pump": ["花园水泵", "花園水泵"],
        "cover.garage_door": ["车库门", "車庫門"],
        "light.kitchen_lights": ["厨房灯", "廚房燈"],
        "media_player.living_room_tv": ["客厅电视", "客廳電視"],
        "media_player.kitchen_speaker": ["厨房音箱", "廚房音箱"],
        "scene.movie_night": ["观影模式", "觀影模式"],
        "scene.coming_home": ["回家模式"],
    }
)


class DemoError(RuntimeError):
    """Something the demo needs is missing or failed; the message says what to do."""


# -- seed ---------------------------------------------------------------------------------------------------


async def seed(args: argparse.Namespace) -> None:
    """Write onboarding, auth, config entries and exposure defaults into a fresh config directory."""
    from datetime import timedelta

    from homeassistant import config_entries as ce
    from homeassistant.auth import auth_manager_from_config
    from homeassistant.auth.const import GROUP_ID_ADMIN
    from homeassistant.auth.models import TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN
    from homeassistant.components.mqtt import const as mqtt_const
    from homeassistant.components.onboarding import const as onboarding_const
    from homeassistant.const import CONF_PORT
    from homeassistant.core import CoreState, HomeAssistant
    from homeassistant.helpers.storage import Store

    from custom_components.agent_reuse import const as ar
    from custom_components.agent_reuse.config_flow import default_title, unique_id_for

    config_dir = Path(args.config_dir).resolve()
    if (config_dir / ".storage" / "auth").exists():
        raise DemoError(f"{config_dir} is already seeded (.storage/auth exists); seed only fresh copies")
    (config_dir / ".storage").mkdir(parents=True, exist_ok=True)

    hass = HomeAssistant(str(config_dir))
    # -- the demo user (UI login) and a long-lived access token for the REST API
    hass.auth = await auth_manager_from_config(hass, [{"type": "homeassistant"}], [])
    provider = hass.auth.auth_providers[0]
    await provider.async_initialize()
    # The same calls as onboarding's user step (the first user becomes the owner).
    user = await hass.auth.async_create_user(DEMO_NAME, group_ids=[GROUP_ID_ADMIN])
    await provider.async_add_auth(args.username, args.password)  # type: ignore[attr-defined]
    credentials = await provider.async_get_or_create_credentials({"username": args.username})
    await hass.auth.async_link_user(user, credentials)
    refresh_token = await hass.auth.async_create_refresh_token(
        user,
        client_name=TOKEN_CLIENT_NAME,
        token_type=TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN,
        access_token_expiration=timedelta(days=TOKEN_LIFETIME_DAYS),
    )
    access_token = hass.auth.async_create_access_token(refresh_token)

    # -- onboarding done (the UI goes straight to the login page)
    await Store(hass, 4, onboarding_const.DOMAIN, private=True).async_save(
        {"done": list(onboarding_const.STEPS)}
    )

    # -- config entries: what the MQTT and AgentReuse config flows would create
    def entry(
        domain: str,
        title: str,
        version: int,
        minor: int,
        data: dict[str, Any],
        options: dict[str, Any],
        unique_id: str | None,
    ) -> ce.ConfigEntry:
        return ce.ConfigEntry(
            data=data,
            discovery_keys=MappingProxyType({}),
            domain=domain,
            minor_version=minor,
            options=options,
            source=ce.SOURCE_USER,
            subentries_data=None,
            title=title,
            unique_id=unique_id,
            version=version,
        )

    mqtt_entry = entry(
        mqtt_const.DOMAIN,
        "127.0.0.1",
        mqtt_const.CONFIG_ENTRY_VERSION,
        mqtt_const.CONFIG_ENTRY_MINOR_VERSION,
        {mqtt_const.CONF_BROKER: "127.0.0.1", CONF_PORT: args.mqtt_port},
        {mqtt_const.CONF_DISCOVERY: True},
        None,
    )
    agent_entry = entry(
        ar.DOMAIN,
        default_title(args.model),
        1,
        1,
        {ar.CONF_PLANNER_URL: args.planner_url, ar.CONF_MODEL: args.model},
        {
            ar.CONF_THRESHOLD: ar.DEFAULT_THRESHOLD,
            ar.CONF_CACHE_SIZE: ar.DEFAULT_CACHE_SIZE,
            ar.CONF_PLANNER_TIMEOUT: args.planner_timeout,
            ar.CONF_REQUEST_TOPIC: ar.DEFAULT_REQUEST_TOPIC,
            ar.CONF_RESPONSE_TOPIC: ar.DEFAULT_RESPONSE_TOPIC,
        },
        unique_id_for(args.planner_url, args.model),
    )
    # The shopping list ("add milk to my shopping list", "把面包加到购物清单"): its config flow takes no input.
    shopping_list_entry = entry("shopping_list", "Shopping list", 1, 1, {}, {}, "shopping_list")
    await Store(hass, ce.STORAGE_VERSION, ce.STORAGE_KEY, minor_version=ce.STORAGE_VERSION_MINOR).async_save(
        {
            "entries": [
                mqtt_entry.as_storage_fragment,
                agent_entry.as_storage_fragment,
                shopping_list_entry.as_storage_fragment,
            ]
        }
    )

    # -- Assist exposure: nothing new is exposed by default; `provision` exposes the demo set
    await Store(hass, 1, "homeassistant.exposed_entities").async_save(
        {"assistants": {"conversation": {"expose_new": False}}, "exposed_entities": {}}
    )

    # The auth store saves with a delay; stopping writes it, but only from a "running" core.
    hass.set_state(CoreState.running)
    await hass.async_stop()
    token_file = Path(args.token_file)
    token_file.write_text(access_token + "\n")
    token_file.chmod(0o600)
    print(
        f"seeded {config_dir}: user {args.username!r}, agent entry {agent_entry.title!r} → {args.planner_url}"
    )


# -- HTTP / websocket helpers ------------------------------------------------------------------------------


class HAClient:
    """Minimal REST + websocket client for the running demo instance."""

    def __init__(self, session: aiohttp.ClientSession, url: str, token: str) -> None:
        self.session = session
        self.url = url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}"}
        self.token = token
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._next_id = 1

    async def rest(self, method: str, path: str, body: Any = None, limit_s: float = 60) -> Any:
        async with self.session.request(
            method,
            self.url + path,
            json=body,
            headers=self.headers,
            timeout=aiohttp.ClientTimeout(total=limit_s),
        ) as response:
            text = await response.text()
            if response.status >= 400:
                raise DemoError(f"{method} {path}: HTTP {response.status}: {text[:500]}")
            return json.loads(text) if text else None

    async def ws_connect(self) -> None:
        self._ws = await self.session.ws_connect(self.url + "/api/websocket")
        hello = await self._ws.receive_json()
        if hello.get("type") != "auth_required":
            raise DemoError(f"unexpected websocket greeting: {hello}")
        await self._ws.send_json({"type": "auth", "access_token": self.token})
        reply = await self._ws.receive_json()
        if reply.get("type") != "auth_ok":
            raise DemoError(f"websocket authentication failed: {reply}")

    async def ws(self, msg_type: str, **payload: Any) -> Any:
        if self._ws is None:
            await self.ws_connect()
        assert self._ws is not None
        msg_id = self._next_id
        self._next_id += 1
        await self._ws.send_json({"id": msg_id, "type": msg_type, **payload})
        while True:
            reply = await asyncio.wait_for(self._ws.receive_json(), timeout=60)
            if reply.get("id") == msg_id and reply.get("type") == "result":
                if not reply.get("success"):
                    raise DemoError(f"{msg_type} failed: {reply.get('error')}")
                return reply.get("result")

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()


def _token(args: argparse.Namespace) -> str:
    try:
        return Path(args.token_file).read_text().strip()
    except OSError as err:
        raise DemoError(f"cannot read the access token from {args.token_file}: {err.strerror}") from None


# -- provision ---------------------------------------------------------------------------------------------


async def find_agent(client: HAClient, wait_s: float) -> str:
    """The AgentReuse conversation entity; waits for the integration to finish setting up."""
    deadline = time.monotonic() + wait_s
    while True:
        entries = await client.ws("config_entries/get", domain="agent_reuse")
        if not entries:
            raise DemoError("there is no agent_reuse config entry (was the config directory seeded?)")
        state = entries[0].get("state")
        if state in ("setup_error", "migration_error", "failed_unload"):
            raise DemoError(
                f"the AgentReuse entry failed to set up ({state}: {entries[0].get('reason') or 'see the HA log'})"
            )
        registry = await client.ws("config/entity_registry/list")
        agents = [
            e["entity_id"]
            for e in registry
            if e.get("platform") == "agent_reuse" and e["entity_id"].startswith("conversation.")
        ]
        if agents and state == "loaded":
            return str(agents[0])
        if time.monotonic() > deadline:
            raise DemoError(
                f"the AgentReuse agent did not appear within {wait_s:g} s (entry state: {state}"
                f"{', ' + str(entries[0].get('reason')) if entries[0].get('reason') else ''}); see the HA log"
            )
        await asyncio.sleep(1)


async def provision(args: argparse.Namespace) -> None:
    async with aiohttp.ClientSession(trust_env=False) as session:
        client = HAClient(session, args.url, _token(args))
        try:
            agent = await find_agent(client, args.wait)
            states = {s["entity_id"] for s in await client.rest("GET", "/api/states")}
            exposed = [entity_id for entity_id in DEMO_EXPOSED if entity_id in states]
            missing = sorted(set(DEMO_EXPOSED) - states)
            if missing:
                print(f"provision: not present (skipped): {', '.join(missing)}", file=sys.stderr)
            await client.ws(
                "homeassistant/expose_entity",
                assistants=["conversation"],
                entity_ids=exposed,
                should_expose=True,
            )
            await _assign_areas(client, exposed)
            await _set_aliases(client)
            pipeline_id = await _ensure_pipeline(client, agent)
            await client.ws("assist_pipeline/pipeline/set_preferred", pipeline_id=pipeline_id)
        finally:
            await client.close()
    if args.agent_file:
        Path(args.agent_file).write_text(agent + "\n")
    print(
        f"provisioned: agent {agent}, {len(exposed)} entities exposed to Assist, pipeline {PIPELINE_NAME!r}"
    )
    print(agent)


async def _assign_areas(client: HAClient, exposed: list[str]) -> None:
    areas = {a["name"]: a["area_id"] for a in await client.ws("config/area_registry/list")}
    entities = {e["entity_id"]: e for e in await client.ws("config/entity_registry/list")}
    devices = {d["id"]: d for d in await client.ws("config/device_registry/list")}
    for entity_id in exposed:
        area = DEMO_EXPOSED[entity_id]
        entry = entities.get(entity_id)
        if area is None or entry is None:
            continue
        device = devices.get(entry.get("device_id") or "")
        if (device or entry).get("area_id"):
            continue
        if area not in areas:
            created = await client.ws("config/area_registry/create", name=area)
            areas[area] = created["area_id"]
        if device is None:  # an entity without a device (the universal media players): its own area
            await client.ws("config/entity_registry/update", entity_id=entity_id, area_id=areas[area])
        else:
            await client.ws("config/device_registry/update", device_id=device["id"], area_id=areas[area])


async def _set_aliases(client: HAClient) -> None:
    """Give the demo's areas and a few devices their Chinese names (idempotent: the lists are set)."""
    for area in await client.ws("config/area_registry/list"):
        if area["name"] in DEMO_AREA_ALIASES:
            await client.ws(
                "config/area_registry/update",
                area_id=area["area_id"],
                aliases=DEMO_AREA_ALIASES[area["name"]],
            )
    known = {e["entity_id"] for e in await client.ws("config/entity_registry/list")}
    for entity_id, aliases in DEMO_ENTITY_ALIASES.items():
        if entity_id in known:
            await client.ws("config/entity_registry/update", entity_id=entity_id, aliases=aliases)


async def _ensure_pipeline(client: HAClient, agent: str) -> str:
    fields = {
        "name": PIPELINE_NAME,
        "language": "en",
        "conversation_engine": agent,
        "conversation_language": "en",
        "prefer_local_intents": False,
        "stt_engine": None,
        "stt_language": None,
        "tts_engine": None,
        "tts_language": None,
        "tts_voice": None,
        "wake_word_entity": None,
        "wake_word_id": None,
    }
    listing = await client.ws("assist_pipeline/pipeline/list")
    for pipeline in listing.get("pipelines", []):
        if pipeline.get("name") == PIPELINE_NAME:
            await client.ws("assist_pipeline/pipeline/update", pipeline_id=pipeline["id"], **fields)
            return str(pipeline["id"])
    created = await client.ws("assist_pipeline/pipeline/create", **fields)
    return str(created["id"])


# -- smoke -------------------------------------------------------------------------------------------------


async def smoke(args: argparse.Namespace) -> int:
    light = "light.bed_light"
    async with aiohttp.ClientSession(trust_env=False) as session:
        client = HAClient(session, args.url, _token(args))
        agent = args.agent or (Path(args.agent_file).read_text().strip() if args.agent_file else None)
        if not agent:
            raise DemoError("no agent id: pass --agent or --agent-file (written by `provision`)")
        await client.rest(
            "POST",
            "/api/services/light/turn_off",
            {
                "entity_id": [
                    light,
                    "light.kitchen_lights",
                    "light.porch_light",
                    "light.living_room_rgbww_lights",
                ]
            },
        )
        await client.rest("POST", "/api/services/cover/close_cover", {"entity_id": "cover.garage_door"})
        await client.rest(
            "POST", "/api/services/media_player/media_play", {"entity_id": "media_player.kitchen_speaker"}
        )
        await client.rest("POST", "/api/services/vacuum/stop", {"entity_id": "vacuum.0_ground_floor"})
        ok = True
        # (request, language, entity to check, state it must have afterwards, and a brightness if it must
        # have one); the last one goes over MQTT. "forty percent" is how speech-to-text often writes it.
        for text, language, entity_id, expected, brightness in (
            ("turn on the bed light", "en", light, "on", None),
            ("关闭卧室的灯", "zh-Hans", light, "off", None),
            ("打開臥室的燈", "zh-TW", light, "on", None),
            ("set the bed light to forty percent", "en", light, "on", 102),  # 40 % of 255
            ("turn on the kitchen lights", "en", "light.kitchen_lights", "on", None),
            ("open the garage door", "en", "cover.garage_door", "open", None),
            ("pause the music", "en", "media_player.kitchen_speaker", "paused", None),
            ("start the vacuum", "en", "vacuum.0_ground_floor", "cleaning", None),
            ("activate movie night", "en", "light.living_room_rgbww_lights", "on", 60),
            ("turn on the porch light", "en", "light.porch_light", "on", None),
        ):
            before = (await client.rest("GET", f"/api/states/{entity_id}"))["state"]
            started = time.monotonic()
            result = await client.rest(
                "POST",
                "/api/conversation/process",
                {"text": text, "language": language, "agent_id": agent},
                limit_s=args.timeout,
            )
            elapsed = time.monotonic() - started
            response = result.get("response", {})
            speech = response.get("speech", {}).get("plain", {}).get("speech", "")
            state = await client.rest("GET", f"/api/states/{entity_id}")
            after = state["state"]
            level = state.get("attributes", {}).get("brightness")
            print(
                f"smoke: {text!r} → {response.get('response_type')}: {speech!r} ({elapsed * 1000:.0f} ms); "
                f"{entity_id}: {before} → {after}"
                + (f", brightness {level}" if brightness is not None else "")
            )
            ok = ok and after == expected and (brightness is None or level == brightness)
    print(
        "smoke: PASS" if ok else "smoke: FAIL (a device did not change; see the answers above and the HA log)"
    )
    return 0 if ok else 1


# -- main --------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True)
    p_seed = sub.add_parser("seed", help="seed a fresh config directory's .storage")
    p_seed.add_argument("config_dir")
    p_seed.add_argument("--mqtt-port", type=int, default=1883)
    p_seed.add_argument("--planner-url", default="http://127.0.0.1:8011")
    p_seed.add_argument("--model", default="smollm2")
    p_seed.add_argument("--planner-timeout", type=float, default=60.0)
    p_seed.add_argument("--username", default=DEMO_USER)
    p_seed.add_argument("--password", default=DEMO_PASSWORD)
    p_seed.add_argument("--token-file", required=True, help="where to write the long-lived access token")
    for name, helptext in (
        ("provision", "expose entities, areas, Assist pipeline"),
        ("smoke", "end-to-end check"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("url", help="Home Assistant base URL, e.g. http://127.0.0.1:8123")
        p.add_argument("--token-file", required=True)
        p.add_argument("--agent-file", help="provision writes the agent's entity id here; smoke reads it")
        p.add_argument("--wait", type=float, default=180.0, help="how long to wait for the agent (s)")
        if name == "smoke":
            p.add_argument("--agent", help="the agent's entity id (default: from --agent-file)")
            p.add_argument("--timeout", type=float, default=120.0, help="per request (s)")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    try:
        if args.command == "seed":
            asyncio.run(seed(args))
            return 0
        if args.command == "provision":
            asyncio.run(provision(args))
            return 0
        return asyncio.run(smoke(args))
    except DemoError as err:
        print(f"demo_setup {args.command}: error: {err}", file=sys.stderr)
        return 1
    except aiohttp.ClientError as err:
        print(f"demo_setup {args.command}: error: cannot talk to Home Assistant: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
