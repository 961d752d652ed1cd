"""Tests of the planner client against the real scripted OpenAI-compatible server (no mocked HTTP)."""

from __future__ import annotations

import dataclasses
import inspect
import json
import socket
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
import pytest

from custom_components.agent_reuse.engine.errors import PlannerError, PlannerTimeoutError, PlanValidationError
from custom_components.agent_reuse.engine.planner import (
    ExposedEntity,
    PlannerClient,
    PlanRequest,
    api_base_url,
    build_system_prompt,
    build_user_prompt,
    extract_json_object,
    find_slot_placeholders,
)
from tests.planner_fixture import PlannerServer

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["steps"],
    "properties": {"steps": {"type": "array", "items": {"type": "object", "required": ["service"]}}},
}
EXAMPLES: list[dict[str, Any]] = [
    {"steps": [{"service": "light.turn_on", "target": {"entity_id": "{slot.name}"}}]},
]
GOOD_PLAN: dict[str, Any] = {
    "steps": [
        {
            "service": "light.turn_on",
            "target": {"entity_id": "{slot.name}"},
            "data": {"brightness_pct": "{slot.brightness}"},
        }
    ]
}
GOOD = json.dumps(GOOD_PLAN)

# What the user said. These values must never reach the planner.
SLOT_VALUES = {"name": "Zebra Reading Lamp", "brightness": "37"}

REQUEST = PlanRequest(
    template_text="set the {name} to {brightness} percent",
    slot_types=("name", "brightness"),
    intent="HassLightSet",
    language="en",
    entities=(
        ExposedEntity("light.kitchen", "Kitchen Light", "light", "Kitchen", ("turn_on", "turn_off")),
        ExposedEntity("switch.fan", "Fan", "switch", None, ("toggle",)),
    ),
    areas=("Kitchen", "Hall"),
    mqtt_topics=("home/fan/set",),
)


@dataclasses.dataclass(frozen=True)
class TinyPlan:
    steps: tuple[str, ...]


def validate(raw: Mapping[str, Any]) -> TinyPlan:
    """A small real validator: a non-empty list of steps, each with a 'domain.service' string."""
    steps = raw.get("steps")
    if not isinstance(steps, list) or not steps:
        raise PlanValidationError("'steps' must be a non-empty list")
    services = []
    for number, step in enumerate(steps):
        service = step.get("service") if isinstance(step, dict) else None
        if not isinstance(service, str) or "." not in service:
            raise PlanValidationError(f"steps[{number}].service must be 'domain.service'")
        services.append(service)
    return TinyPlan(tuple(services))


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


def make_client(session: aiohttp.ClientSession, url: str, **kwargs: Any) -> PlannerClient[TinyPlan]:
    options: dict[str, Any] = {"plan_schema": SCHEMA, "examples": EXAMPLES, "validate": validate}
    options.update(kwargs)
    return PlannerClient(session, url, "test-model", **options)


# -- happy paths -----------------------------------------------------------------------------------------


async def test_valid_plan_takes_one_call(
    planner_server_module: PlannerServer, session: aiohttp.ClientSession
) -> None:
    server = planner_server_module
    server.queue(GOOD)
    result = await make_client(session, server.url).plan(REQUEST)
    assert result.plan == TinyPlan(("light.turn_on",))
    assert result.raw == GOOD_PLAN
    assert result.http_calls == 1
    assert not result.repaired
    assert result.latency_ms > 0
    assert result.usage is not None
    assert result.usage.total_tokens == result.usage.prompt_tokens + result.usage.completion_tokens
    assert server.calls() == 1

    body = server.requests()[0]
    assert body["model"] == "test-model"
    assert body["temperature"] == 0
    assert body["response_format"] == {"type": "json_object"}
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "Authorization" not in server.request_headers()[0]


@pytest.mark.parametrize(
    "content",
    [
        f"```json\n{GOOD}\n```",
        f"Sure! Here is the plan:\n```\n{GOOD}\n```\nHope this helps.",
        f"The plan {{as requested}} is: {GOOD} — done.",
        f"<think>the user wants {{slot.name}}... {{</think>\n{GOOD}",
    ],
    ids=["json-fence", "bare-fence-with-prose", "prose-with-braces", "think-block"],
)
async def test_wrapped_json_is_accepted(
    planner_server_module: PlannerServer, session: aiohttp.ClientSession, content: str
) -> None:
    planner_server_module.queue(content)
    result = await make_client(session, planner_server_module.url).plan(REQUEST)
    assert result.raw == GOOD_PLAN
    assert result.http_calls == 1


async def test_base_url_with_v1_and_api_key_and_structured_output(
    planner_server_module: PlannerServer, session: aiohttp.ClientSession
) -> None:
    server = planner_server_module
    server.queue(GOOD)
    client = make_client(session, server.url + "/v1/", api_key="sk-test-123", structured_output=True)
    assert client.chat_url == server.url + "/v1/chat/completions"
    await client.plan(REQUEST)
    headers = server.request_headers()[0]
    assert headers["Authorization"] == "Bearer sk-test-123"
    body = server.requests()[0]
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "plan", "schema": SCHEMA},
    }


async def test_refused_schema_falls_back_to_json_mode_once_and_for_good(
    planner_server_module: PlannerServer, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    """A server that does not take a JSON schema as response format (HTTP 400/422) still gets JSON mode."""
    server = planner_server_module
    server.queue({"content": '{"detail": "response_format.type: unsupported"}', "status": 422}, GOOD, GOOD)
    client = make_client(session, server.url, structured_output=True)
    result = await client.plan(REQUEST)
    assert result.plan == TinyPlan(("light.turn_on",))
    assert result.http_calls == 2
    assert not result.repaired
    assert "refused the plan schema" in caplog.text
    # The next plan goes out in JSON mode straight away: one call.
    assert (await client.plan(REQUEST)).http_calls == 1
    kinds = [body["response_format"]["type"] for body in server.requests()]
    assert kinds == ["json_schema", "json_object", "json_object"]


async def test_other_http_errors_do_not_drop_the_schema(
    planner_server_module: PlannerServer, session: aiohttp.ClientSession
) -> None:
    server = planner_server_module
    server.queue({"content": "model overloaded", "status": 500}, GOOD)
    client = make_client(session, server.url, structured_output=True)
    with pytest.raises(PlannerError, match="HTTP 500"):
        await client.plan(REQUEST)
    await client.plan(REQUEST)
    assert [body["response_format"]["type"] for body in server.requests()] == ["json_schema", "json_schema"]


def test_api_base_url() -> None:
    assert api_base_url("http://h:8080") == "http://h:8080/v1"
    assert api_base_url("http://h:8080/") == "http://h:8080/v1"
    assert api_base_url("https://api.example.com/v1") == "https://api.example.com/v1"
    assert api_base_url(" http://h/v1/ ") == "http://h/v1"
    assert api_base_url("http://h/ollama") == "http://h/ollama/v1"
    with pytest.raises(ValueError, match="http"):
        api_base_url("h:8080")


# -- the planner never sees slot values ------------------------------------------------------------------


async def test_request_carries_placeholders_not_values(
    planner_server_module: PlannerServer, session: aiohttp.ClientSession
) -> None:
    # The prompt builders take no slot values at all: a PlanRequest has no field that could carry them.
    assert list(inspect.signature(build_user_prompt).parameters) == ["request"]
    fields = {f.name for f in dataclasses.fields(PlanRequest)}
    assert fields == {"template_text", "slot_types", "intent", "language", "entities", "areas", "mqtt_topics"}

    server = planner_server_module
    server.queue(GOOD)
    await make_client(session, server.url).plan(REQUEST)
    sent = json.dumps(server.requests()[0], ensure_ascii=False)
    assert "set the {name} to {brightness} percent" in sent
    assert "{slot.name}" in sent
    assert "{slot.brightness}" in sent
    for value in SLOT_VALUES.values():
        assert value not in sent
    user = server.requests()[0]["messages"][1]["content"]
    for expected in (
        "HassLightSet",
        "light.kitchen",
        "Kitchen Light",
        "turn_on,turn_off",
        "Hall",
        "home/fan/set",
    ):
        assert expected in user


def test_prompts_are_compact() -> None:
    system = build_system_prompt(SCHEMA, EXAMPLES)
    assert json.dumps(SCHEMA, separators=(",", ":")) in system
    assert json.dumps(EXAMPLES[0], separators=(",", ":")) in system
    assert "{slot.TYPE}" in system
    assert "JSON" in system
    assert len(system) < 1500
    user = build_user_prompt(REQUEST)
    assert len(user) < 400
    empty = build_user_prompt(PlanRequest("what time is it", (), None, "zh-Hans"))
    assert "Parameters: none" in empty
    assert "Intent: unknown" in empty
    assert "zh-Hans" in empty


# -- repair round ----------------------------------------------------------------------------------------


async def test_invalid_json_is_repaired(
    planner_server_module: PlannerServer, session: aiohttp.ClientSession
) -> None:
    server = planner_server_module
    server.queue("I would turn on the light.", GOOD)
    result = await make_client(session, server.url).plan(REQUEST)
    assert result.raw == GOOD_PLAN
    assert result.http_calls == 2
    assert result.repaired
    assert server.calls() == 2
    repair = server.requests()[1]["messages"]
    assert [m["role"] for m in repair] == ["system", "user", "assistant", "user"]
    assert repair[2]["content"] == "I would turn on the light."
    assert "not JSON" in repair[3]["content"]
    assert result.usage is not None
    first_usage = result.usage.prompt_tokens  # summed over both calls
    assert first_usage > len(repair[0]["content"]) // 4


async def test_invalid_twice_raises(
    planner_server_module: PlannerServer, session: aiohttp.ClientSession
) -> None:
    server = planner_server_module
    server.queue("no plan", '{"steps": [')
    with pytest.raises(PlannerError, match="after one repair round") as caught:
        await make_client(session, server.url).plan(REQUEST)
    assert not isinstance(caught.value, PlannerTimeoutError)
    assert "not JSON" in str(caught.value)
    assert server.calls() == 2


async def test_an_answer_cut_at_the_token_limit_is_called_that(
    planner_server_module: PlannerServer, session: aiohttp.ClientSession
) -> None:
    """A cut answer's JSON is a fragment; the error and the repair round say it was cut, not that the
    fragment has unknown fields."""
    server = planner_server_module
    fragment = '{"steps": [{"service": "light.turn_on"}, {"service": "light.tu'
    server.queue({"content": fragment, "finish_reason": "length"}, GOOD)
    result = await make_client(session, server.url).plan(REQUEST)
    assert result.raw == GOOD_PLAN
    repair_message = server.requests()[1]["messages"][3]["content"]
    assert "cut off at the planner's token limit" in repair_message
    assert "shorter plan" in repair_message

    server.queue(
        {"content": fragment, "finish_reason": "length"}, {"content": fragment, "finish_reason": "length"}
    )
    with pytest.raises(PlannerError, match="cut off at the planner's token limit.*cut off") as caught:
        await make_client(session, server.url).plan(REQUEST)
    # The fragment's own reading is still named: its first whole object, a step, is no plan.
    assert "does not match the schema" in str(caught.value)

    # A plan complete exactly at the limit is a plan.
    server.queue({"content": GOOD, "finish_reason": "length"})
    assert (await make_client(session, server.url).plan(REQUEST)).raw == GOOD_PLAN


async def test_schema_invalid_plan_is_repaired(
    planner_server_module: PlannerServer, session: aiohttp.ClientSession
) -> None:
    server = planner_server_module
    server.queue('{"steps": [{"service": "turn_on"}]}', GOOD)
    result = await make_client(session, server.url).plan(REQUEST)
    assert result.plan == TinyPlan(("light.turn_on",))
    assert result.http_calls == 2
    repair_message = server.requests()[1]["messages"][3]["content"]
    assert "steps[0].service must be 'domain.service'" in repair_message


async def test_schema_invalid_twice_names_the_error(
    planner_server_module: PlannerServer, session: aiohttp.ClientSession
) -> None:
    planner_server_module.queue('{"steps": []}', '{"plan": 1}')
    with pytest.raises(PlannerError, match="'steps' must be a non-empty list"):
        await make_client(session, planner_server_module.url).plan(REQUEST)


async def test_unknown_placeholder_is_repaired(
    planner_server_module: PlannerServer, session: aiohttp.ClientSession
) -> None:
    server = planner_server_module
    bad = json.dumps({"steps": [{"service": "light.turn_on", "data": {"color": "{slot.color}"}}]})
    server.queue(bad, GOOD)
    result = await make_client(session, server.url).plan(REQUEST)
    assert result.http_calls == 2
    assert "{slot.color}" in server.requests()[1]["messages"][3]["content"]
    # The check can be switched off.
    server.queue(bad)
    result = await make_client(session, server.url, check_placeholders=False).plan(REQUEST)
    assert result.http_calls == 1


async def test_a_bare_placeholder_of_the_requests_slot_is_read_as_the_slot(
    planner_server_module: PlannerServer, session: aiohttp.ClientSession
) -> None:
    """Small local planners write ``{name}`` for ``{slot.name}``: taken as meant, without a repair round.
    A bare placeholder the request has no slot for is left as it is (the plan's validation refuses it)."""
    server = planner_server_module
    server.queue(GOOD.replace("{slot.name}", "{name}").replace("{slot.brightness}", "{brightness}"))
    result = await make_client(session, server.url).plan(REQUEST)
    assert (result.raw, result.http_calls) == (GOOD_PLAN, 1)

    other = {"steps": [{"service": "light.turn_on", "data": {"color": "{color}"}}]}
    server.queue(json.dumps(other))
    result = await make_client(session, server.url).plan(REQUEST)
    assert result.raw == other  # left for the plan's validation to refuse


# -- transport errors ------------------------------------------------------------------------------------


async def test_http_error_raises(
    planner_server_module: PlannerServer, session: aiohttp.ClientSession
) -> None:
    server = planner_server_module
    server.queue({"content": "model overloaded", "status": 500})
    with pytest.raises(PlannerError, match=r"HTTP 500.*model overloaded") as caught:
        await make_client(session, server.url).plan(REQUEST)
    assert server.url + "/v1/chat/completions" in str(caught.value)
    assert server.calls() == 1


async def test_empty_queue_without_default_is_http_500(
    planner_server_module: PlannerServer, session: aiohttp.ClientSession
) -> None:
    with pytest.raises(PlannerError, match="HTTP 500"):
        await make_client(session, planner_server_module.url).plan(REQUEST)


async def test_default_response(planner_server_module: PlannerServer, session: aiohttp.ClientSession) -> None:
    planner_server_module.set_default(GOOD)
    client = make_client(session, planner_server_module.url)
    for _ in range(2):
        assert (await client.plan(REQUEST)).http_calls == 1
    assert planner_server_module.calls() == 2


async def test_timeout(planner_server_module: PlannerServer, session: aiohttp.ClientSession) -> None:
    planner_server_module.queue({"content": GOOD, "delay_s": 3.0})
    client = make_client(session, planner_server_module.url, timeout_s=0.5)
    started = time.monotonic()
    with pytest.raises(PlannerTimeoutError, match=r"within 0\.5 s"):
        await client.plan(REQUEST)
    assert time.monotonic() - started < 0.5 + 0.4


async def test_timeout_covers_the_repair_round(
    planner_server_module: PlannerServer, session: aiohttp.ClientSession
) -> None:
    planner_server_module.queue({"content": "nonsense", "delay_s": 0.3}, {"content": GOOD, "delay_s": 0.4})
    client = make_client(session, planner_server_module.url, timeout_s=0.5)
    started = time.monotonic()
    with pytest.raises(PlannerTimeoutError):
        await client.plan(REQUEST)
    assert time.monotonic() - started < 0.5 + 0.4


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_unreachable_planner_raises(socket_enabled: None, session: aiohttp.ClientSession) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    client = make_client(session, url)
    with pytest.raises(PlannerError, match="cannot reach planner") as caught:
        await client.plan(REQUEST)
    assert url in str(caught.value)
    with pytest.raises(PlannerError, match="cannot reach planner"):
        await client.check_connection()


async def test_check_connection(planner_server: PlannerServer, session: aiohttp.ClientSession) -> None:
    # Uses the function-scoped fixture once, so that it is exercised too.
    client = make_client(session, planner_server.url, api_key="k")
    await client.check_connection()
    assert await client.list_models() == ["test-planner"]
    assert planner_server.models_calls() == 2
    assert planner_server.calls() == 0


# -- pure helpers ----------------------------------------------------------------------------------------


def test_extract_json_object_errors() -> None:
    with pytest.raises(ValueError, match="empty"):
        extract_json_object("  ")
    with pytest.raises(ValueError, match="not a JSON object"):
        extract_json_object("[1, 2]")
    with pytest.raises(ValueError, match="not JSON"):
        extract_json_object("{'single': 'quotes'}")
    assert extract_json_object('[{"a": 1}]') == {"a": 1}


def test_find_slot_placeholders() -> None:
    assert find_slot_placeholders(GOOD_PLAN) == {"name", "brightness"}
    assert find_slot_placeholders({"{slot.key}": ["x {slot.a} {slot.b}", 3, None]}) == {"key", "a", "b"}
    assert find_slot_placeholders({"text": "{name} {slot.}"}) == set()
