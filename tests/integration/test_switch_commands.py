"""Everyday switching commands the parser alone got wrong, in a real Home Assistant (see ``ha_repairs``).

"关闭空调" was read as "cancel all timers", "打开空调" as nothing at all, "dim the kitchen lights"
as "turn the kitchen lights off", "打开卧室灯" as a device named 卧室灯 and "播放音乐" as "previous track".
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

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
    plan_json,
    respond_step,
    satellite_in,
    service_step,
    setup_agent,
    speech,
)

AIR_CONDITIONER = "climate.hvac"  # cooling; the demo's other two thermostats stay unexposed
KITCHEN_CLIMATE = "climate.ecobee"  # exposed only where a test needs a second room's


@pytest.fixture
async def home(hass: HomeAssistant) -> AsyncIterator[HomeAssistant]:
    async with demo_home(hass, [Platform.LIGHT, Platform.SWITCH, Platform.CLIMATE]) as furnished:
        async_expose_entity(furnished, "conversation", AIR_CONDITIONER, True)
        yield furnished


def thermostat_plan(data: dict[str, str], reply: str) -> str:
    """A planner's plan that sets the air conditioner with ``data`` and says ``reply``."""
    return plan_json(
        service_step({"entity_id": AIR_CONDITIONER}, service="set_temperature", domain="climate", data=data),
        respond_step(reply),
    )


def thermostats_in_bedroom_and_kitchen(home: HomeAssistant) -> None:
    """The air conditioner in the bedroom, and a second thermostat, exposed, in the kitchen."""
    place_in(home, AIR_CONDITIONER, "Bedroom")
    place_in(home, KITCHEN_CLIMATE, "Kitchen")
    async_expose_entity(home, "conversation", KITCHEN_CLIMATE, True)


async def test_the_air_conditioner_is_switched_by_its_device_word(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    assert home.states.get(AIR_CONDITIONER).state == "cool"

    result = await ask(home, entry, "关闭空调", "zh-Hans")
    assert speech(result) == "已关闭空调。"
    assert home.states.get(AIR_CONDITIONER).state == "off"
    assert last_trace(entry)["intent"] == "HassTurnOff"

    result = await ask(home, entry, "打开空调", "zh-Hans")
    assert speech(result) == "已打开空调。"
    assert home.states.get(AIR_CONDITIONER).state != "off"
    assert last_trace(entry)["intent"] == "HassTurnOn"

    await ask(home, entry, "把空调关了", "zh-Hans")
    assert home.states.get(AIR_CONDITIONER).state == "off"

    # English: the parser reads "turn on the thermostat" as a temperature question about a device class.
    await ask(home, entry, "turn on the thermostat")
    assert home.states.get(AIR_CONDITIONER).state != "off"
    assert last_trace(entry)["intent"] == "HassTurnOn"
    assert last_trace(entry)["slots"] == {"name": "thermostat"}
    assert planner.calls() == 0  # starter plans served them all


async def test_dimming_is_a_step_not_served_by_a_switching_plan(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """ "dim the kitchen lights" came out as HassTurnOff (the light went off); it is the engine's own step
    down, served by its starter plan: dimmer, still on, no planner."""
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    await ask(home, entry, "turn on the kitchen lights")
    state = home.states.get(KITCHEN_LIGHT)
    assert state.state == "on"
    before = state.attributes["brightness"]
    result = await ask(home, entry, "dim the kitchen lights")
    assert speech(result) == "Dimmed the kitchen lights."
    state = home.states.get(KITCHEN_LIGHT)
    assert state.state == "on"  # dimmer, not off
    assert state.attributes["brightness"] < before
    assert planner.calls() == 0
    assert last_trace(entry)["intent"] == "StepLightDimmer"


async def test_a_room_said_before_a_device_word_is_its_area(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """ "打开卧室灯" failed ("没有叫“卧室灯”的设备") and "关闭卧室空调" reused the plan of "关闭{name}" for a
    device named 卧室; the home's areas settle them (``gazetteer``), and the device word after the room is
    the name even where the parser first read no switching ("关闭卧室空调" as HassLightSet)."""
    thermostats_in_bedroom_and_kitchen(home)
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})

    result = await ask(home, entry, "打开卧室灯", "zh-Hans")
    assert speech(result) == "已打开卧室的灯。"
    assert home.states.get(BED_LIGHT).state == "on"
    assert home.states.get(KITCHEN_LIGHT).state == "off"
    assert last_trace(entry)["slots"] == {"area": "卧室"}
    assert planner.calls() == 0  # the starter plan of "打开{area}的灯"

    # The room's device word is its name (as in "关闭卧室的空调"): the starter plan of "关闭{area}的{name}".
    result = await ask(home, entry, "关闭卧室空调", "zh-Hans")
    assert speech(result) == "已关闭卧室的空调。"
    assert home.states.get(AIR_CONDITIONER).state == "off"
    assert home.states.get(KITCHEN_CLIMATE).state != "off"
    assert last_trace(entry)["slots"] == {"area": "卧室", "name": "空调"}
    result = await ask(home, entry, "关闭厨房空调", "zh-Hans")
    assert speech(result) == "已关闭厨房的空调。"
    assert home.states.get(KITCHEN_CLIMATE).state == "off"
    assert last_trace(entry)["slots"] == {"area": "厨房", "name": "空调"}
    assert planner.calls() == 0  # no switching plan of another template, and no planner call


async def test_play_music_never_runs_a_media_step(home: HomeAssistant, planner: PlannerServer) -> None:
    """The parser read "播放音乐" as HassMediaPrevious (1.00): now it is planned and not cached."""
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    planner.queue(plan_json(respond_step("好的。", depends_on=())))
    result = await ask(home, entry, "播放音乐", "zh-Hans")
    assert speech(result) == "好的。"
    assert planner.calls() == 1
    trace = last_trace(entry)
    assert trace["intent"] is None
    assert trace["cached"] is False


async def test_a_step_up_or_down_is_planned_each_time_never_set_to_the_step(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """ "lower the thermostat by 3 degrees" was read as "set it to 3 degrees"; a plan cached for it would
    also have served "raise …". Both are planned, neither is cached, the thermostat is not set to 3."""
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    target = home.states.get(AIR_CONDITIONER).attributes["temperature"]
    for text in ("lower the thermostat by 3 degrees", "raise the thermostat by 2 degrees"):
        planner.queue(plan_json(respond_step("OK.", depends_on=())))
        result = await ask(home, entry, text)
        assert speech(result) == "OK."
        trace = last_trace(entry)
        assert trace["intent"] is None
        assert trace["cached"] is False
    assert planner.calls() == 2
    assert home.states.get(AIR_CONDITIONER).attributes["temperature"] == target


async def test_a_device_word_cut_short_is_the_whole_word(home: HomeAssistant, planner: PlannerServer) -> None:
    """ "把空调调到26度" came out with the name 空: "no device called 空"."""
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    planner.queue(
        plan_json(
            service_step(
                {"name": "{slot.name}"},
                service="set_temperature",
                domain="climate",
                data={"temperature": "{slot.temperature}"},
            ),
            respond_step("已把{slot.name}调到{slot.temperature}度。"),
        )
    )
    result = await ask(home, entry, "把空调调到26度", "zh-Hans")
    assert speech(result) == "已把空调调到26度。"
    assert last_trace(entry)["slots"] == {"name": "空调", "temperature": "26"}
    assert home.states.get(AIR_CONDITIONER).attributes["temperature"] == 26


async def test_dont_turn_on_is_not_turn_on(home: HomeAssistant, planner: PlannerServer) -> None:
    """ "don't turn on the kitchen lights" was HassTurnOn, served by the starter plan: the lights went on."""
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    planner.queue(plan_json(respond_step("OK, I won't.", depends_on=())))
    result = await ask(home, entry, "don't turn on the kitchen lights")
    assert speech(result) == "OK, I won't."
    assert home.states.get(KITCHEN_LIGHT).state == "off"
    assert planner.calls() == 1
    assert last_trace(entry)["cached"] is False


async def test_the_shortest_chinese_commands(home: HomeAssistant, planner: PlannerServer) -> None:
    """ "关灯" / "開冷氣" / "电视关掉": a one-character verb or no 把; "關冷氣" was read as a weather question."""
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    await home.services.async_call("light", "turn_on", {"entity_id": KITCHEN_LIGHT}, blocking=True)
    result = await ask(home, entry, "关灯", "zh-Hans", satellite_in(home, "Kitchen"))
    assert speech(result) == "已关闭灯。"
    assert home.states.get(KITCHEN_LIGHT).state == "off"
    result = await ask(home, entry, "關冷氣", "zh-Hant")
    assert home.states.get(AIR_CONDITIONER).state == "off"
    assert last_trace(entry)["slots"] == {"name": "冷氣"}
    await ask(home, entry, "空调打开", "zh-Hans")
    assert home.states.get(AIR_CONDITIONER).state != "off"
    assert planner.calls() == 0  # the starter plans of 打开/关闭{name} served them all


async def test_turning_up_the_heat_to_a_number_sets_the_thermostat(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """ "turn up the heat to 22" was HassSetVolume 22: a player's volume, not the thermostat."""
    entry = await setup_agent(home, planner.url)
    planner.queue(thermostat_plan({"temperature": "{slot.temperature}"}, "Set to {slot.temperature}."))
    result = await ask(home, entry, "turn up the heat to 22")
    assert speech(result) == "Set to 22."
    assert last_trace(entry)["intent"] == "HassClimateSetTemperature"
    assert home.states.get(AIR_CONDITIONER).attributes["temperature"] == 22


async def test_asking_whether_a_device_word_is_on(home: HomeAssistant, planner: PlannerServer) -> None:
    """ "空调开了吗" was unknown to the parser and "卧室的空调开了吗" a timer question: both went to the planner
    (``repairs_switching.repair_device_question``)."""
    thermostats_in_bedroom_and_kitchen(home)
    await home.services.async_call("climate", "turn_off", {"entity_id": KITCHEN_CLIMATE}, blocking=True)
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})

    result = await ask(home, entry, "卧室的空调开了吗", "zh-Hans")
    assert speech(result) == "卧室的空调：制冷。"
    assert last_trace(entry)["template_text"] == "{area}的{name}开了吗"
    result = await ask(home, entry, "厨房的空调关了吗", "zh-Hans")
    assert speech(result) == "厨房的空调：关闭。"

    # Said to the kitchen's satellite without a room: the kitchen's air conditioner, not "which one?".
    result = await ask(home, entry, "空调开了吗", "zh-Hans", satellite_in(home, "Kitchen"))
    assert speech(result) == "空调：关闭。"
    assert last_trace(entry)["intent"] == "HassGetState"
    assert planner.calls() == 0


async def test_the_temperature_asked_of_a_satellite_is_its_rooms(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """ "现在多少度" said in the bedroom went to the planner; the room is said in Chinese in the reply."""
    place_in(home, AIR_CONDITIONER, "Bedroom")
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    bedroom = satellite_in(home, "Bedroom")
    reading = home.states.get(AIR_CONDITIONER).attributes["current_temperature"]

    # "现在几度" was read as the clock's time, "室温多少" as a device called 室温.
    for question in ("现在多少度", "温度多少", "现在几度", "室温多少"):
        result = await ask(home, entry, question, "zh-Hans", bedroom)
        assert speech(result) == f"卧室现在是{reading} °C。"
        assert last_trace(entry)["slots"] == {"area": "卧室"}
    result = await ask(home, entry, "臥室現在多少度", "zh-TW")
    assert speech(result) == f"臥室現在是{reading} °C。"
    assert planner.calls() == 0


async def test_the_temperature_asked_without_a_room_reads_every_thermostat(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """Typed into the text dialog no room is known: each thermostat is read and named (Home Assistant's own
    handler gives up when there are several)."""
    thermostats_in_bedroom_and_kitchen(home)
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    hvac = home.states.get(AIR_CONDITIONER).attributes["current_temperature"]
    ecobee = home.states.get(KITCHEN_CLIMATE).attributes["current_temperature"]

    result = await ask(home, entry, "what's the temperature")
    assert speech(result) == f"The thermostats read Ecobee: {ecobee} °C, Hvac: {hvac} °C."
    result = await ask(home, entry, "现在几度", "zh-Hans")
    assert speech(result) == f"现在是Ecobee: {ecobee} °C, Hvac: {hvac} °C。"
    assert last_trace(entry)["slots"] == {}
    assert planner.calls() == 0


async def test_home_assistants_own_error_is_said_in_the_requests_language(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """The demo's Ecobee is in heat/cool mode and takes a range, not one temperature. Home Assistant's
    refusal used to be said in English inside the Chinese reply; it has the message in Chinese itself."""
    thermostats_in_bedroom_and_kitchen(home)
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    before = home.states.get(KITCHEN_CLIMATE).attributes["target_temp_low"]

    result = await ask(home, entry, "把厨房温度调到25度", "zh-Hans")
    assert result.response.response_type.value == "error"
    assert "设置温度操作时使用了目标温度参数，但实体不支持" in speech(result)
    assert "Set temperature action" not in speech(result)
    result = await ask(home, entry, "把廚房溫度調到25度", "zh-Hant")
    assert "Set temperature action" not in speech(result)
    result = await ask(home, entry, "set the kitchen temperature to 25 degrees")
    assert "does not support" in speech(result)
    assert home.states.get(KITCHEN_CLIMATE).attributes["target_temp_low"] == before
    assert planner.calls() == 0


async def test_a_rooms_thermostat_heat_or_ac_set_to_a_number(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """ "set the bedroom thermostat to 21 degrees" (the room and "thermostat" as a name, split by the home's
    names), "set the bedroom heat to 20 degrees" (read as a light's level) and "set the bedroom ac to 24"
    (unknown, a brightness) were planned every time: they set the room's thermostat, from starter plans."""
    thermostats_in_bedroom_and_kitchen(home)
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    kitchen_before = home.states.get(KITCHEN_CLIMATE).attributes
    for text, language, temperature, reply in (
        ("set the bedroom thermostat to 21 degrees", "en", 21, "Set the bedroom thermostat to 21 degrees."),
        ("set the bedroom heat to 20 degrees", "en", 20, "Set the bedroom heat to 20 degrees."),
        ("set the bedroom ac to 24", "en", 24, "Set the bedroom ac to 24 degrees."),
        ("把卧室的空调调到26度", "zh-Hans", 26, "已把卧室的空调调到26度。"),
    ):
        await ask_cached(home, entry, text, language, reply)
        assert home.states.get(AIR_CONDITIONER).attributes["temperature"] == temperature, text
    assert home.states.get(KITCHEN_CLIMATE).attributes == kitchen_before  # the other room's untouched
    assert planner.calls() == 0


def target_of(home: HomeAssistant, entity_id: str) -> tuple[float | None, float | None, float | None]:
    """A thermostat's target temperature and the low and high ends of its range."""
    state = home.states.get(entity_id)
    assert state is not None
    attributes = state.attributes
    return (
        attributes.get("temperature"),
        attributes.get("target_temp_low"),
        attributes.get("target_temp_high"),
    )


async def test_the_heat_a_degree_up_or_down(home: HomeAssistant, planner: PlannerServer) -> None:
    """ "turn up the heat" was HassTurnOn with no target, "把卧室的温度调高一点" a light's level: planned on every
    request, offline nothing. Now the engine's own step intents, served by starter plans: the target moves
    one degree from where it is, a range (heat/cool) at both ends, within the thermostat's limits."""
    entry = await setup_agent(home, planner.url, **{CONF_STARTER_PLANS: True})
    start, _, _ = target_of(home, AIR_CONDITIONER)
    assert start is not None

    result = await ask(home, entry, "turn up the heat")
    assert speech(result) == "Raised the temperature by one degree."
    assert last_trace(entry)["outcome"] == "hit"
    assert last_trace(entry)["intent"] == "StepTemperatureUp"
    assert target_of(home, AIR_CONDITIONER)[0] == start + 1
    result = await ask(home, entry, "把温度调低一点", "zh-Hans")
    assert speech(result) == "已把温度调低一度。"
    assert target_of(home, AIR_CONDITIONER)[0] == start
    await ask(home, entry, "make it cooler")
    assert target_of(home, AIR_CONDITIONER)[0] == start - 1

    # A room's thermostat only; the kitchen's is a range, and both ends move.
    thermostats_in_bedroom_and_kitchen(home)
    _, low, high = target_of(home, KITCHEN_CLIMATE)
    assert low is not None
    assert high is not None
    result = await ask(home, entry, "lower the temperature in the kitchen")
    assert speech(result) == "Lowered the kitchen temperature by one degree."
    assert target_of(home, KITCHEN_CLIMATE)[1:] == (low - 1, high - 1)
    assert target_of(home, AIR_CONDITIONER)[0] == start - 1
    result = await ask(home, entry, "把卧室的温度调高一点", "zh-Hans")
    assert speech(result) == "已把卧室的温度调高一度。"
    assert target_of(home, AIR_CONDITIONER)[0] == start
    assert target_of(home, KITCHEN_CLIMATE)[1:] == (low - 1, high - 1)

    # At its highest it stays there.
    highest = home.states.get(AIR_CONDITIONER).attributes["max_temp"]
    await home.services.async_call(
        "climate", "set_temperature", {"entity_id": AIR_CONDITIONER, "temperature": highest}, blocking=True
    )
    await ask(home, entry, "turn up the heat in the bedroom")
    assert target_of(home, AIR_CONDITIONER)[0] == highest
    assert planner.calls() == 0  # the starter plans served every one


async def test_a_planned_step_of_a_said_size_moves_the_target_by_it(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """ "lower the thermostat by 3 degrees" stays the planner's (a said amount); the planner's prompt tells
    it about ``temperature_step``, and a negative placeholder binds to a number the runner adds."""
    entry = await setup_agent(home, planner.url)
    start = home.states.get(AIR_CONDITIONER).attributes["temperature"]
    planner.queue(
        thermostat_plan(
            {"temperature_step": "-{slot.temperature}"}, "Lowered it by {slot.temperature} degrees."
        )
    )
    result = await ask(home, entry, "lower the thermostat by 3 degrees")
    assert speech(result) == "Lowered it by 3 degrees."
    assert home.states.get(AIR_CONDITIONER).attributes["temperature"] == start - 3
    system = planner.requests()[-1]["messages"][0]
    assert system["role"] == "system"
    assert "temperature_step" in system["content"]
