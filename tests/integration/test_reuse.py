"""Issue #3 end to end: plan once, reuse with new slot values, and refuse what must not be reused or run.

Everything is real: Home Assistant with demo lights, the shipped NLU and embedder, FAISS, the scripted
planner over HTTP, mosquitto with Home Assistant's mqtt integration, and a separate paho client that checks
what reached the broker. Requests go through Assist (``conversation.async_converse`` with this agent).
"""

from __future__ import annotations

import json
import time

from homeassistant.core import HomeAssistant
from homeassistant.helpers import intent
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.agent_reuse.engine.embedder import SentenceEmbedder
from custom_components.agent_reuse.engine.nlu import JointParser
from custom_components.agent_reuse.engine.template import strip_slots
from tests.planner_fixture import PlannerServer

from .conftest import (
    BED_LIGHT,
    KITCHEN_LIGHT,
    SECRET_LIGHT,
    Recorder,
    ask,
    last_trace,
    plan_json,
    respond_step,
    service_step,
    setup_agent,
    speech,
)

#: What an LLM plans for "turn on the {area} {domain}": the service call, an MQTT notification, a reply.
AREA_LIGHT_PLAN = plan_json(
    service_step({"area": "{slot.area}", "domain": "{slot.domain}"}),
    {
        "id": "s2",
        "description": "tell the wall display",
        "action": "mqtt_publish",
        "inputs": {"topic": "home/{slot.area}/light", "payload": {"state": "ON", "area": "{slot.area}"}},
        "depends_on": [],
    },
    respond_step("Turned on the {slot.area} lights.", depends_on=("s1", "s2")),
)
#: The same without MQTT, for the tests that do not start a broker.
AREA_LIGHT_PLAN_NO_MQTT = plan_json(
    service_step({"area": "{slot.area}", "domain": "{slot.domain}"}),
    respond_step("Turned on the {slot.area} lights."),
)
#: What an LLM plans for "打开{area}的灯" (the request has no domain slot: the plan says "light" itself).
ZH_AREA_LIGHT_PLAN = plan_json(
    service_step({"area": "{slot.area}"}),
    respond_step("已打开{slot.area}的灯。"),
)


async def test_plan_once_then_reuse_with_new_slot_values(
    home: HomeAssistant, mqtt_ha: MockConfigEntry, mqtt_recorder: Recorder, planner: PlannerServer
) -> None:
    """First request: one planner call, the light and the MQTT message; second: no planner call."""
    entry = await setup_agent(home, planner.url)
    planner.queue(AREA_LIGHT_PLAN)

    first = await ask(home, entry, "turn on the kitchen light")

    assert speech(first) == "Turned on the kitchen lights."
    assert first.response.response_type is intent.IntentResponseType.ACTION_DONE
    assert planner.calls() == 1
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    assert home.states.get(BED_LIGHT).state == "off"
    payloads = await mqtt_recorder.wait_for("home/kitchen/light")
    assert json.loads(payloads[0]) == {"state": "ON", "area": "kitchen"}
    trace = last_trace(entry)
    assert trace["outcome"] == "miss"
    assert trace["cached"] is True
    assert trace["intent"] == "HassTurnOn"
    assert len(entry.runtime_data.cache) == 1
    # The planner saw the template, never the user's values.
    prompt = planner.requests()[0]["messages"][-1]["content"]
    assert "Request: turn on the {area} {domain}" in prompt
    assert "light.kitchen_lights | Kitchen Lights | Kitchen | " in prompt  # exposed entities, with areas
    assert "light.ceiling_lights" not in prompt  # not exposed: not offered
    # The answer is constrained to the plan schema where the server can do that.
    assert planner.requests()[0]["response_format"]["type"] == "json_schema"

    second = await ask(home, entry, "turn on the bedroom light")

    assert speech(second) == "Turned on the bedroom lights."
    assert planner.calls() == 1
    assert home.states.get(BED_LIGHT).state == "on"
    payloads = await mqtt_recorder.wait_for("home/bedroom/light")
    assert json.loads(payloads[0]) == {"state": "ON", "area": "bedroom"}
    trace = last_trace(entry)
    assert trace["outcome"] == "hit"
    assert trace["similarity"] >= entry.runtime_data.cache.threshold
    assert trace["planner_calls"] == 0
    # The sensors follow.
    assert home.states.get("sensor.agentreuse_test_planner_planner_calls").state == "1"
    assert home.states.get("sensor.agentreuse_test_planner_cache_hit_rate").state == "50.0"
    assert home.states.get("sensor.agentreuse_test_planner_cached_plans").state == "1"


async def test_chinese_pair_reuses_the_plan(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    """打开厨房的灯 plans; 打开卧室的灯 reuses it (areas found through their Chinese aliases)."""
    planner.queue(ZH_AREA_LIGHT_PLAN)

    first = await ask(home, agent, "打开厨房的灯", "zh-Hans")
    assert speech(first) == "已打开厨房的灯。"
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    assert last_trace(agent)["outcome"] == "miss"

    second = await ask(home, agent, "打开卧室的灯", "zh-Hans")
    assert speech(second) == "已打开卧室的灯。"
    assert home.states.get(BED_LIGHT).state == "on"
    assert last_trace(agent)["outcome"] == "hit"
    assert planner.calls() == 1


async def test_extra_slot_type_is_not_reused(
    home: HomeAssistant,
    planner: PlannerServer,
    joint_parser: JointParser,
    sentence_embedder: SentenceEmbedder,
) -> None:
    """A cached "turn on {area} {domain}" plan must not serve a request that also has a brightness."""
    first_text, second_text = "turn on the kitchen light", "turn on the kitchen light with 50% brightness"
    templates = [strip_slots(joint_parser.parse(text, "en")) for text in (first_text, second_text)]
    assert templates[1].signature - templates[0].signature == {"brightness"}
    similarity = float(
        sentence_embedder.embed(templates[0].text) @ sentence_embedder.embed(templates[1].text)
    )
    # A threshold just below the pair's similarity: only the slot-type gate can stop the reuse.
    entry = await setup_agent(home, planner.url, threshold=round(similarity - 0.02, 4))
    planner.queue(
        AREA_LIGHT_PLAN_NO_MQTT,
        plan_json(
            service_step(
                {"area": "{slot.area}", "domain": "{slot.domain}"},
                data={"brightness_pct": "{slot.brightness}"},
            ),
            respond_step("The {slot.area} lights are at {slot.brightness} percent."),
        ),
    )

    await ask(home, entry, first_text)
    result = await ask(home, entry, second_text)

    assert planner.calls() == 2
    trace = last_trace(entry)
    assert trace["outcome"] == "miss"
    assert trace["miss_reason"] == "signature_mismatch"
    assert speech(result) == "The kitchen lights are at 50 percent."
    assert home.states.get(KITCHEN_LIGHT).attributes["brightness"] == 128  # 50 % of 255, rounded


async def test_unknown_intent_is_planned_but_not_cached(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    joke = plan_json(
        respond_step("Why did the light bulb go to school? To get brighter.", depends_on=(), step_id="s1")
    )
    planner.queue(joke, joke)

    result = await ask(home, agent, "tell me a joke")

    assert speech(result).startswith("Why did the light bulb")
    assert last_trace(agent)["outcome"] == "unknown_intent"
    assert len(agent.runtime_data.cache) == 0
    await ask(home, agent, "tell me a joke")
    assert planner.calls() == 2


async def test_invalid_plan_is_repaired_once(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    """Invalid JSON first; the repair round's answer is valid: it runs and is cached."""
    planner.queue("Sure! Here is the plan: {steps: [oops", AREA_LIGHT_PLAN_NO_MQTT)

    result = await ask(home, agent, "turn on the kitchen light")

    assert planner.calls() == 2
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    assert speech(result) == "Turned on the kitchen lights."
    assert last_trace(agent)["cached"] is True
    repair_prompt = planner.requests()[1]["messages"][-1]["content"]
    assert "invalid" in repair_prompt


async def test_invalid_plan_twice_is_refused(
    home: HomeAssistant, mqtt_ha: MockConfigEntry, mqtt_recorder: Recorder, planner: PlannerServer
) -> None:
    """Two invalid answers: a spoken error; nothing executed, nothing published, nothing cached."""
    entry = await setup_agent(home, planner.url)
    bad_step = plan_json(
        service_step({"area": "{room}"})
    )  # not a placeholder: the request has no slot "room"
    planner.queue("not a plan at all", bad_step)

    result = await ask(home, entry, "turn on the kitchen light")

    assert planner.calls() == 2
    assert result.response.response_type is intent.IntentResponseType.ERROR
    assert speech(result).startswith("Sorry")
    assert home.states.get(KITCHEN_LIGHT).state == "off"
    assert len(entry.runtime_data.cache) == 0
    assert last_trace(entry)["outcome"] == "error"
    assert not [topic for topic in mqtt_recorder.topics() if topic.startswith("home/")]


async def test_planner_timeout_answers_within_the_timeout(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry = await setup_agent(home, planner.url, planner_timeout=1.0)
    planner.queue({"content": AREA_LIGHT_PLAN_NO_MQTT, "delay_s": 5})

    started = time.monotonic()
    result = await ask(home, entry, "turn on the kitchen light")
    elapsed = time.monotonic() - started

    assert elapsed < 2.5
    assert result.response.response_type is intent.IntentResponseType.ERROR
    assert "did not answer within 1 s" in speech(result)
    assert home.states.get(KITCHEN_LIGHT).state == "off"
    assert len(entry.runtime_data.cache) == 0


async def test_plan_with_unexposed_entity_is_refused(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    """By entity id, by name, and hidden in the service data: refused, unchanged, not cached."""
    planner.queue(
        plan_json(service_step({"entity_id": SECRET_LIGHT}), respond_step("Done.")),
        plan_json(service_step({"name": "Ceiling Lights"}), respond_step("Done.")),
        plan_json(service_step({}, data={"entity_id": SECRET_LIGHT}), respond_step("Done.")),
        plan_json(
            service_step({"area": "kitchen"}, service="turn_on", domain="homeassistant"),
            respond_step("Done."),
        ),
    )

    for _ in range(3):
        result = await ask(home, agent, "turn on the kitchen light")
        assert result.response.response_type is intent.IntentResponseType.ERROR
        assert "not exposed to Assist" in speech(result)
        assert home.states.get(SECRET_LIGHT).state == "off"
        assert len(agent.runtime_data.cache) == 0

    # An area target only reaches the area's exposed entities (the ceiling lights are in the kitchen too).
    await ask(home, agent, "turn on the kitchen light")
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    assert home.states.get(SECRET_LIGHT).state == "off"


async def test_administrative_actions_are_refused(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    planner.queue(plan_json(service_step({}, service="restart", domain="homeassistant")))

    result = await ask(home, agent, "turn on the kitchen light")

    assert "not allowed" in speech(result)
    assert len(agent.runtime_data.cache) == 0


async def test_reload_keeps_cached_plans(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    planner.queue(AREA_LIGHT_PLAN_NO_MQTT)
    await ask(home, agent, "turn on the kitchen light")
    assert len(agent.runtime_data.cache) == 1

    assert await home.config_entries.async_reload(agent.entry_id)
    await home.async_block_till_done()

    assert len(agent.runtime_data.cache) == 1
    result = await ask(home, agent, "turn on the bedroom light")
    assert speech(result) == "Turned on the bedroom lights."
    assert last_trace(agent)["outcome"] == "hit"
    assert planner.calls() == 1


async def test_a_name_split_from_its_device_word_is_joined_back(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    """The NLU reads "the bed light" as name "bed" + device word "light"; the entity is "Bed Light"."""
    planner.queue(
        plan_json(
            service_step({"name": "{slot.name}", "domain": "{slot.domain}"}, domain="homeassistant"),
            respond_step("Done."),
        ),
        plan_json(service_step({"name": "bed"}), respond_step("Done.")),
    )
    await ask(home, agent, "turn on the bed light")
    assert last_trace(agent)["slots"] == {"name": "bed", "domain": "light"}
    assert home.states.get(BED_LIGHT).state == "on"

    # With a service of a device kind and no device word, the kind completes the name ("bed" → "bed light").
    await home.services.async_call("light", "turn_off", {"entity_id": BED_LIGHT}, blocking=True)
    await ask(home, agent, "turn on the bed")
    assert home.states.get(BED_LIGHT).state == "on"
    # A name that is wrong either way is still a clear error, not a guess (the first plan, reused).
    result = await ask(home, agent, "turn on the sofa light")
    assert last_trace(agent)["outcome"] == "hit"
    assert "there is no light called sofa" in speech(result)


async def test_failures_are_said_in_the_request_language(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    """A Chinese speaker hears why a request failed in Chinese (Simplified or Traditional), not in English;
    the trace keeps the English detail."""
    planner.queue(ZH_AREA_LIGHT_PLAN, ZH_AREA_LIGHT_PLAN, AREA_LIGHT_PLAN_NO_MQTT)
    simplified = await ask(home, agent, "打开阳台的灯", "zh-CN")
    assert last_trace(agent)["slots"] == {"area": "阳台"}
    assert speech(simplified) == "抱歉，没有叫“阳台”的区域。"
    assert last_trace(agent)["outcome"] == "miss"
    # A plan that failed is not cached: the Traditional request is planned again and fails the same way.
    traditional = await ask(home, agent, "打開陽台的燈", "zh-TW")
    assert speech(traditional) == "抱歉，沒有叫「陽台」的區域。"
    english = await ask(home, agent, "turn on the garage light", "en")
    assert speech(english) == "Sorry, I could not turn_on the light: there is no area called garage."
    assert home.states.get(KITCHEN_LIGHT).state == "off"
    assert planner.calls() == 3

    planner.queue({"content": ZH_AREA_LIGHT_PLAN, "status": 401})
    refused = await ask(home, agent, "把厨房的灯关掉", "zh-Hans")
    assert speech(refused) == "抱歉，规划器拒绝了 API 密钥，请在集成设置里检查。"
    assert "HTTP 401" in last_trace(agent)["error"]
