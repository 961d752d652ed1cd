"""A light a step brighter or dimmer, a player a step louder or quieter or muted, from the starter plans.

Home Assistant 2025.4 has no intent for these: "dim the kitchen light", "把客厅的灯调亮一点" and "大声一点" were
unknown, so every one went to the planner and nothing was cached (offline: nothing happened). The engine
has an intent of its own for each direction (``repairs_levels.repair_relative_step``); a direction's plan
never serves the other.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.setup import async_setup_component

from custom_components.agent_reuse.const import CONF_STARTER_PLANS
from tests.planner_fixture import PlannerServer

from .conftest import (
    BED_LIGHT,
    KITCHEN_LIGHT,
    ask,
    ask_cached,
    demo_home,
    last_trace,
    place_in,
    satellite_in,
    setup_agent,
    speech,
)

KITCHEN_SPEAKER = "media_player.kitchen_speaker"


@pytest.fixture
async def home(hass: HomeAssistant) -> AsyncIterator[HomeAssistant]:
    """The kitchen and bed lights, on at half brightness, and a playing speaker in the kitchen at 50 %."""
    speaker = {
        "platform": "universal",
        "name": "Kitchen Speaker",
        "unique_id": "Kitchen Speaker",
        "children": ["media_player.kitchen"],
        "device_class": "speaker",
    }
    assert await async_setup_component(hass, "media_player", {"media_player": [speaker]})
    async with demo_home(hass, [Platform.LIGHT, Platform.MEDIA_PLAYER]) as furnished:
        place_in(furnished, KITCHEN_SPEAKER, "Kitchen")
        async_expose_entity(furnished, "conversation", KITCHEN_SPEAKER, True)
        await furnished.services.async_call(
            "light", "turn_on", {"entity_id": [KITCHEN_LIGHT, BED_LIGHT], "brightness_pct": 50}, blocking=True
        )
        await furnished.services.async_call(
            "media_player", "volume_set", {"entity_id": KITCHEN_SPEAKER, "volume_level": 0.5}, blocking=True
        )
        yield furnished


def brightness(home: HomeAssistant, entity_id: str) -> int:
    state = home.states.get(entity_id)
    assert state is not None
    return int(state.attributes.get("brightness") or 0)


def volume(home: HomeAssistant) -> float:
    state = home.states.get(KITCHEN_SPEAKER)
    assert state is not None
    return float(state.attributes["volume_level"])


async def test_a_light_a_step_brighter_or_dimmer(home: HomeAssistant, planner: PlannerServer) -> None:
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    bedroom = satellite_in(home, "Bedroom")
    # (request, language, satellite, the light that changes, its direction, reply)
    for text, language, device, light, sign, reply in (
        ("dim the kitchen light", "en", None, KITCHEN_LIGHT, -1, "Dimmed the kitchen light."),
        ("brighten the kitchen lights", "en", None, KITCHEN_LIGHT, 1, "Brightened the kitchen lights."),
        ("make the bed light darker", "en", None, BED_LIGHT, -1, "Dimmed the bed light."),
        ("dim the lights", "en", bedroom, BED_LIGHT, -1, "Dimmed the lights."),  # the satellite's room
        ("把厨房的灯调亮一点", "zh-Hans", None, KITCHEN_LIGHT, 1, "已把厨房的灯调亮。"),
        ("把廚房的燈調暗一點", "zh-TW", None, KITCHEN_LIGHT, -1, "已把廚房的燈調暗。"),
        ("调亮一点", "zh-Hans", bedroom, BED_LIGHT, 1, "已把灯调亮。"),
        ("把厨房的灯关小一点", "zh-Hans", None, KITCHEN_LIGHT, -1, "已把厨房的灯调暗。"),  # not switched off
    ):
        other = BED_LIGHT if light == KITCHEN_LIGHT else KITCHEN_LIGHT
        before, other_before = brightness(home, light), brightness(home, other)
        result = await ask(home, entry, text, language, device)
        assert speech(result) == reply, text
        trace = last_trace(entry)
        assert trace["outcome"] == "hit", text
        assert trace["intent"] == ("StepLightBrighter" if sign > 0 else "StepLightDimmer")
        # 20 % of full brightness (255) a step, and nothing else changed.
        assert brightness(home, light) - before == pytest.approx(sign * 51, abs=1), text
        assert brightness(home, other) == other_before, text
    assert planner.calls() == 0


async def test_a_player_a_step_louder_or_quieter(home: HomeAssistant, planner: PlannerServer) -> None:
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    for text, language, sign in (
        ("turn up the volume", "en", 1),
        ("quieter", "en", -1),
        ("大声一点", "zh-Hans", 1),
        ("把音量调小一点", "zh-Hans", -1),
        ("turn down the volume on the kitchen speaker", "en", -1),
        # No volume word: a player or the music turned up or down.
        ("turn up the kitchen speaker", "en", 1),
        ("turn the music down", "en", -1),
        ("把音箱开大一点", "zh-Hans", 1),
        ("把音乐关小一点", "zh-Hans", -1),
    ):
        before = volume(home)
        await ask(home, entry, text, language)
        assert last_trace(entry)["outcome"] == "hit", text
        # The demo player's own volume step (0.1 in Home Assistant's 0–1).
        assert volume(home) - before == pytest.approx(sign * 0.1, abs=0.001), text
    assert planner.calls() == 0


async def test_an_amount_or_heat_is_still_the_planners(home: HomeAssistant, planner: PlannerServer) -> None:
    """A step of a said size is planned (the plans here step by a fixed amount), and never cached as one."""
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    planner.set_default("not a plan")
    before = brightness(home, KITCHEN_LIGHT)
    await ask(home, entry, "dim the kitchen light by 40 percent")
    assert last_trace(entry)["outcome"] != "hit"
    assert planner.calls() >= 1
    assert brightness(home, KITCHEN_LIGHT) == before


def muted(home: HomeAssistant) -> bool:
    state = home.states.get(KITCHEN_SPEAKER)
    assert state is not None
    return bool(state.attributes.get("is_volume_muted"))


async def test_mute_and_unmute(home: HomeAssistant, planner: PlannerServer) -> None:
    """ "mute the tv" paused the player, "电视静音" switched on a device named 静音, and with no intent of
    Home Assistant's they were planned every time (offline: "Done." and nothing muted). "取消静音" is an
    unmute, not cancelling a command that waits."""
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    for text, language, reply, after in (
        ("mute the kitchen speaker", "en", "Muted the kitchen speaker.", True),
        ("unmute", "en", "Unmuted.", False),
        ("静音", "zh-Hans", "已静音。", True),
        ("取消静音", "zh-Hans", "已取消静音。", False),
        ("音箱静音", "zh-Hans", "已把音箱静音。", True),
    ):
        result = await ask(home, entry, text, language)
        assert speech(result) == reply, text
        assert last_trace(entry)["outcome"] == "hit", text
        assert muted(home) is after, text
        assert home.states.get(KITCHEN_SPEAKER).state == "playing"  # muted, not paused
    assert planner.calls() == 0


CEILING_FAN = "fan.ceiling_fan"


@pytest.fixture
async def fans(hass: HomeAssistant) -> AsyncIterator[HomeAssistant]:
    """The demo's ceiling fan, in the kitchen, the only fan exposed."""
    async with demo_home(hass, [Platform.LIGHT, Platform.FAN]) as furnished:
        place_in(furnished, CEILING_FAN, "Kitchen")
        async_expose_entity(furnished, "conversation", CEILING_FAN, True)
        yield furnished


def fan_percentage(home: HomeAssistant) -> int:
    state = home.states.get(CEILING_FAN)
    assert state is not None
    return int(state.attributes["percentage"])


async def test_a_fans_speed_in_percent(fans: HomeAssistant, planner: PlannerServer) -> None:
    """ "set the fan speed to 50%" and "把风扇调到百分之五十" were unknown (a fan's level is no light's or
    cover's): planned every time. They are the engine's SetFanSpeed (fan.set_percentage)."""
    entry = await setup_agent(fans, planner.url, **{CONF_STARTER_PLANS: True})
    lights_before = {s.entity_id: s.state for s in fans.states.async_all("light")}
    for text, language, percentage, reply in (
        ("set the ceiling fan to 30%", "en", 30, "Set the ceiling fan to 30%."),
        ("set the ceiling fan speed to 60%", "en", 60, "Set the ceiling fan to 60%."),
        ("set the fan speed to 40%", "en", 40, "Set the fan to 40%."),  # the only fan
        ("set the kitchen fan to 70%", "en", 70, "Set the kitchen fan to 70%."),
        ("set the kitchen fan speed to 20 percent", "en", 20, "Set the kitchen fan to 20%."),
        ("把厨房的风扇开到百分之五十", "zh-Hans", 50, "已把厨房的风扇调到50%。"),
        ("把风扇调到百分之八十", "zh-Hans", 80, "已把风扇调到80%。"),
    ):
        trace = await ask_cached(fans, entry, text, language, reply)
        assert trace["intent"] == "SetFanSpeed"
        assert fan_percentage(fans) == percentage, text
    assert {s.entity_id: s.state for s in fans.states.async_all("light")} == lights_before
    assert planner.calls() == 0


LIVING_ROOM_FAN = "fan.living_room_fan"
LIMITED_FAN = "fan.preset_only_limited_fan"


async def test_a_room_and_a_device_word_are_a_devices_name_when_the_room_has_none(
    fans: HomeAssistant, planner: PlannerServer
) -> None:
    """The demo's "Living Room Fan" is in no room while the home has a Living Room: "turn off the living room
    fan" read as that room's fans answered "there is no fan in the living room". Like Assist, the room and
    the device word are tried as the device's name."""
    ar.async_get(fans).async_create("Living Room")
    async_expose_entity(fans, "conversation", LIMITED_FAN, True)
    entry = await setup_agent(fans, planner.url, **{CONF_STARTER_PLANS: True})
    # Hidden from Assist: said so, rather than that the living room has no fan.
    result = await ask(fans, entry, "turn off the living room fan")
    assert speech(result) == "Sorry, living room fan is not exposed to Assist."
    async_expose_entity(fans, "conversation", LIVING_ROOM_FAN, True)
    result = await ask(fans, entry, "set the living room fan to 40%")
    assert speech(result) == "Set the living room fan to 40%."
    assert fans.states.get(LIVING_ROOM_FAN).attributes["percentage"] == 40
    result = await ask(fans, entry, "turn off the living room fan")
    assert fans.states.get(LIVING_ROOM_FAN).state == "off"
    assert fans.states.get(CEILING_FAN).attributes["percentage"] != 40  # the kitchen's fan untouched

    # A fan with presets only has no speed in percent: said so, and nothing changes.
    before = fans.states.get(LIMITED_FAN).state
    result = await ask(fans, entry, "set the preset only limited fan to 30%")
    assert result.response.response_type.value == "error"
    assert speech(result) == "Sorry, no fan can do that."
    assert fans.states.get(LIMITED_FAN).state == before
    assert planner.calls() == 0
