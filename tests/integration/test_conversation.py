"""The agent as Assist sees it: listed as an agent, driven by a real pipeline run, errors spoken."""

from __future__ import annotations

import threading
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.conversation import async_converse, async_get_chat_log
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import intent
from homeassistant.helpers.chat_session import async_get_chat_session
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from tests.planner_fixture import PlannerServer

from .conftest import KITCHEN_LIGHT, agent_entity_id, plan_json, respond_step, service_step, setup_agent

KITCHEN_PLAN = plan_json(
    service_step({"area": "{slot.area}", "domain": "{slot.domain}"}),
    respond_step("Turned on the {slot.area} lights."),
)


async def test_agent_is_listed(
    agent: MockConfigEntry, home: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> None:
    client = await hass_ws_client(home)
    await client.send_json_auto_id({"type": "conversation/agent/list", "language": "zh-CN"})
    msg = await client.receive_json()
    agents = {item["id"]: item for item in msg["result"]["agents"]}
    entity_id = agent_entity_id(home, agent)
    assert entity_id in agents
    assert agents[entity_id]["name"] == "AgentReuse test-planner"
    assert agents[entity_id]["supported_languages"]
    # Not also registered under the entry id (that would list it twice).
    assert agent.entry_id not in agents


async def test_pipeline_run_over_websocket(
    agent: MockConfigEntry,
    home: HomeAssistant,
    planner: PlannerServer,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """An Assist pipeline with this agent as its conversation engine, run from text to intent."""
    assert await async_setup_component(home, "assist_pipeline", {})
    client = await hass_ws_client(home)
    await client.send_json_auto_id(
        {
            "type": "assist_pipeline/pipeline/create",
            "conversation_engine": agent_entity_id(home, agent),
            "conversation_language": "en",
            "language": "en",
            "name": "AgentReuse",
            "stt_engine": None,
            "stt_language": None,
            "tts_engine": None,
            "tts_language": None,
            "tts_voice": None,
            "wake_word_entity": None,
            "wake_word_id": None,
        }
    )
    created = await client.receive_json()
    assert created["success"], created
    planner.queue(KITCHEN_PLAN)

    await client.send_json_auto_id(
        {
            "type": "assist_pipeline/run",
            "start_stage": "intent",
            "end_stage": "intent",
            "input": {"text": "turn on the kitchen light"},
            "pipeline": created["result"]["id"],
        }
    )
    assert (await client.receive_json())["success"]
    events: dict[str, Any] = {}
    while "run-end" not in events:
        msg = await client.receive_json()
        assert msg["type"] == "event"
        events[msg["event"]["type"]] = msg["event"]["data"]
        assert msg["event"]["type"] != "error", msg

    assert events["intent-start"]["engine"] == agent_entity_id(home, agent)
    response = events["intent-end"]["intent_output"]["response"]
    assert response["speech"]["plain"]["speech"] == "Turned on the kitchen lights."
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    assert planner.calls() == 1


async def test_speech_lands_in_the_chat_log(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    planner.queue(KITCHEN_PLAN)
    result = await async_converse(
        home, "turn on the kitchen light", None, Context(), "en", agent_entity_id(home, agent)
    )
    with (
        async_get_chat_session(home, result.conversation_id) as session,
        async_get_chat_log(home, session) as chat_log,
    ):
        assert chat_log.content[-1].role == "assistant"
        assert chat_log.content[-1].content == "Turned on the kitchen lights."
        assert chat_log.content[-2].content == "turn on the kitchen light"


async def test_service_calls_carry_the_users_context(
    agent: MockConfigEntry,
    home: HomeAssistant,
    planner: PlannerServer,
    hass_admin_user: MockUser,
    hass_read_only_user: MockUser,
) -> None:
    """The user's context reaches the service call: the state says who, permissions apply."""
    planner.queue(KITCHEN_PLAN, KITCHEN_PLAN)
    entity_id = agent_entity_id(home, agent)

    refused = await async_converse(
        home, "turn on the kitchen light", None, Context(user_id=hass_read_only_user.id), "en", entity_id
    )
    assert "not allowed" in refused.response.speech["plain"]["speech"]
    assert home.states.get(KITCHEN_LIGHT).state == "off"

    await async_converse(
        home, "turn on the kitchen light", None, Context(user_id=hass_admin_user.id), "en", entity_id
    )
    assert home.states.get(KITCHEN_LIGHT).state == "on"
    assert home.states.get(KITCHEN_LIGHT).context.user_id == hass_admin_user.id


async def test_planner_down_is_a_spoken_error(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    planner.queue({"content": "upstream exploded", "status": 500})

    result = await async_converse(
        home, "turn on the kitchen light", None, Context(), "en", agent_entity_id(home, agent)
    )

    assert result.response.response_type is intent.IntentResponseType.ERROR
    assert result.response.error_code is intent.IntentResponseErrorCode.UNKNOWN
    assert result.response.speech["plain"]["speech"].startswith("Sorry")


async def test_empty_plan_reply_says_done(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    """A plan without a respond step still gets an answer, in the request's language."""
    planner.queue(plan_json(service_step({"area": "{slot.area}"})))
    result = await async_converse(
        home, "打开厨房的灯", None, Context(), "zh-CN", agent_entity_id(home, agent)
    )
    assert result.response.speech["plain"]["speech"] == "好的。"
    assert home.states.get(KITCHEN_LIGHT).state == "on"


async def test_parsing_and_embedding_run_off_the_event_loop(
    home: HomeAssistant, agent: MockConfigEntry, planner: PlannerServer
) -> None:
    """The models' few milliseconds per request run in Home Assistant's executor, never on the loop."""
    pipeline = agent.runtime_data.pipeline
    threads: dict[str, set[int]] = {"parse": set(), "embed": set()}
    parser, embedder = pipeline.parser, pipeline.embedder

    class Watched:
        def __init__(self, inner: Any, method: str) -> None:
            self._inner, self._method = inner, method

        def __getattr__(self, name: str) -> Any:
            value = getattr(self._inner, name)
            if name != self._method:
                return value

            def call(*args: Any, **kwargs: Any) -> Any:
                threads[name].add(threading.get_ident())
                return value(*args, **kwargs)

            return call

    pipeline.parser = Watched(parser, "parse")
    pipeline.embedder = Watched(embedder, "embed")
    planner.queue(plan_json(service_step({"area": "{slot.area}"}), respond_step("OK.")))
    await async_converse(
        home, "turn on the kitchen light", None, Context(), "en", agent_entity_id(home, agent)
    )
    await async_converse(
        home, "switch the bedroom light on", None, Context(), "en", agent_entity_id(home, agent)
    )

    loop_thread = threading.get_ident()  # the test runs on the event loop's thread
    assert threads["parse"]
    assert threads["embed"]
    assert loop_thread not in threads["parse"] | threads["embed"]
    assert home.states.get(KITCHEN_LIGHT).state == "on"


async def test_never_mind_ends_the_conversation_quietly_without_the_planner(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    # "never mind" / "算了" went to the planner (seconds and tokens) for a reply to nothing.
    entry = await setup_agent(home, planner.url)
    for text, language in (("never mind", "en"), ("算了", "zh-Hans")):
        result = await async_converse(home, text, None, Context(), language, agent_entity_id(home, entry))
        assert result.response.response_type is intent.IntentResponseType.ACTION_DONE
        assert result.response.speech["plain"]["speech"] == ""
    assert planner.calls() == 0


async def test_time_and_date_come_from_home_assistants_clock_in_the_homes_time_zone(
    home: HomeAssistant, planner: PlannerServer, freezer: FrozenDateTimeFactory
) -> None:
    # They went to the planner, which has no clock: a plan with a time in its reply would have been cached.
    await home.config.async_set_time_zone("Asia/Shanghai")
    freezer.move_to("2026-12-02 07:05:00+00:00")  # 15:05 in Shanghai
    entry = await setup_agent(home, planner.url)
    for text, language, said in (
        ("现在几点", "zh-Hans", "现在是下午3点05分。"),
        ("what time is it", "en", "It is 3:05 PM."),
        ("今天几号", "zh-Hans", "今天是2026年12月2日，星期三。"),
    ):
        result = await async_converse(home, text, None, Context(), language, agent_entity_id(home, entry))
        assert result.response.speech["plain"]["speech"] == said
    assert planner.calls() == 0
