"""The reuse pipeline (Algorithm 1) with the real models, a real FAISS cache and a real planner server.

Step runners here record what a plan would do; the Home Assistant runners are exercised by the
integration tests against a real Home Assistant.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from custom_components.agent_reuse.engine.cache import PlanCache
from custom_components.agent_reuse.engine.embedder import SentenceEmbedder
from custom_components.agent_reuse.engine.executor import ExecutionContext, Executor
from custom_components.agent_reuse.engine.nlu import JointParser
from custom_components.agent_reuse.engine.pipeline import PlannerContext, Request, ReusePipeline
from custom_components.agent_reuse.engine.plan import BoundStep, Plan
from custom_components.agent_reuse.engine.plan_schema import PLAN_EXAMPLES, PLAN_JSON_SCHEMA
from custom_components.agent_reuse.engine.planner import ExposedEntity, PlannerClient
from tests.planner_fixture import PlannerServer

TURN_ON_AREA = {
    "steps": [
        {
            "id": "s1",
            "description": "turn on the lights in {slot.area}",
            "action": "ha_service",
            "inputs": {"domain": "light", "service": "turn_on", "target": {"area": "{slot.area}"}},
        },
        {
            "id": "s2",
            "action": "respond",
            "inputs": {"template": "Turned on {slot.area}."},
            "depends_on": ["s1"],
        },
    ]
}


class RecordingServiceRunner:
    """A step runner that records service calls and can be told to fail for one area."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.fail_area: str | None = None

    async def run(self, step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> Any:
        if self.fail_area and inputs.get("target", {}).get("area") == self.fail_area:
            from custom_components.agent_reuse.engine.errors import StepError

            raise StepError(f"no lights in {self.fail_area}")
        self.calls.append(dict(inputs))
        return {"ok": True}


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


def make_pipeline(
    parser: JointParser,
    embedder: SentenceEmbedder,
    session: aiohttp.ClientSession,
    server: PlannerServer,
    runner: RecordingServiceRunner,
    tmp_path: Path,
    timeout_s: float = 5.0,
) -> ReusePipeline:
    planner = PlannerClient(
        session,
        server.url,
        "test-planner",
        plan_schema=PLAN_JSON_SCHEMA,
        examples=PLAN_EXAMPLES,
        validate=Plan.from_dict,
        timeout_s=timeout_s,
    )
    cache = PlanCache(
        embedder.dim,
        threshold=0.8,
        max_entries=50,
        path=tmp_path / "cache.json",
        embedder_id=embedder.model_id,
    )
    context = PlannerContext(
        entities=[
            ExposedEntity("light.kitchen", "Kitchen light", "light", "Kitchen", ("turn_on", "turn_off"))
        ],
        areas=["Kitchen", "Bedroom"],
    )
    return ReusePipeline(parser, embedder, cache, planner, Executor({"ha_service": runner}), lambda: context)


async def test_miss_then_hit_rebinds_new_slot_values(
    joint_parser: JointParser,
    sentence_embedder: SentenceEmbedder,
    session: aiohttp.ClientSession,
    planner_server: PlannerServer,
    tmp_path: Path,
) -> None:
    runner = RecordingServiceRunner()
    pipeline = make_pipeline(joint_parser, sentence_embedder, session, planner_server, runner, tmp_path)
    planner_server.queue(json.dumps(TURN_ON_AREA))

    first = await pipeline.handle(Request("turn on the kitchen light", "en"))
    assert first.success, first.trace
    assert first.trace.outcome == "miss"
    assert first.trace.cached
    assert planner_server.calls() == 1
    assert runner.calls[-1]["target"] == {"area": "kitchen"}
    # The planner saw placeholders, never the value.
    user_prompt = planner_server.requests()[0]["messages"][-1]["content"]
    request_line = next(line for line in user_prompt.splitlines() if line.startswith("Request:"))
    assert request_line == "Request: turn on the {area} {domain}"

    second = await pipeline.handle(Request("turn on the bedroom light", "en"))
    assert second.success
    assert second.trace.outcome == "hit"
    assert second.trace.similarity is not None
    assert second.trace.similarity >= 0.8
    assert second.trace.matched_entry_id is not None
    assert planner_server.calls() == 1
    assert runner.calls[-1]["target"] == {"area": "bedroom"}
    assert second.speech == "Turned on bedroom."
    # The same template text as the cached entry: served without computing an embedding.
    assert second.trace.exact_template
    assert second.trace.similarity == 1.0
    assert set(second.trace.timings_ms) == {"parse", "search", "bind", "execute", "total"}

    # Phrased differently: embedded and found by similarity.
    third = await pipeline.handle(Request("switch on the bedroom light", "en"))
    assert third.trace.outcome == "hit"
    assert not third.trace.exact_template
    assert third.trace.similarity is not None
    assert 0.8 <= third.trace.similarity < 0.99
    assert third.trace.matched_entry_id == second.trace.matched_entry_id
    for stage in ("parse", "embed", "search", "bind", "execute", "total"):
        assert stage in third.trace.timings_ms
    assert planner_server.calls() == 1


async def test_chinese_pair_reuses_the_plan(
    joint_parser: JointParser,
    sentence_embedder: SentenceEmbedder,
    session: aiohttp.ClientSession,
    planner_server: PlannerServer,
    tmp_path: Path,
) -> None:
    runner = RecordingServiceRunner()
    pipeline = make_pipeline(joint_parser, sentence_embedder, session, planner_server, runner, tmp_path)
    planner_server.queue(json.dumps(TURN_ON_AREA))
    assert (await pipeline.handle(Request("打开厨房的灯", "zh"))).trace.outcome == "miss"
    reply = await pipeline.handle(Request("打开卧室的灯", "zh"))
    assert reply.trace.outcome == "hit"
    assert planner_server.calls() == 1
    assert runner.calls[-1]["target"] == {"area": "卧室"}


async def test_extra_slot_type_is_not_reused(
    joint_parser: JointParser,
    sentence_embedder: SentenceEmbedder,
    session: aiohttp.ClientSession,
    planner_server: PlannerServer,
    tmp_path: Path,
) -> None:
    runner = RecordingServiceRunner()
    pipeline = make_pipeline(joint_parser, sentence_embedder, session, planner_server, runner, tmp_path)
    planner_server.queue(json.dumps(TURN_ON_AREA))
    await pipeline.handle(Request("turn on the kitchen light", "en"))
    brightness_plan = {
        "steps": [
            {
                "id": "s1",
                "action": "ha_service",
                "inputs": {
                    "domain": "light",
                    "service": "turn_on",
                    "target": {"area": "{slot.area}"},
                    "data": {"brightness_pct": "{slot.brightness}"},
                },
            }
        ]
    }
    planner_server.queue(json.dumps(brightness_plan))
    reply = await pipeline.handle(Request("turn on the kitchen light at 40% brightness", "en"))
    assert reply.trace.outcome == "miss"
    assert planner_server.calls() == 2
    assert runner.calls[-1]["data"] == {"brightness_pct": "40"}


async def test_unknown_intent_is_planned_not_cached(
    joint_parser: JointParser,
    sentence_embedder: SentenceEmbedder,
    session: aiohttp.ClientSession,
    planner_server: PlannerServer,
    tmp_path: Path,
) -> None:
    runner = RecordingServiceRunner()
    pipeline = make_pipeline(joint_parser, sentence_embedder, session, planner_server, runner, tmp_path)
    joke = {"steps": [{"id": "s1", "action": "respond", "inputs": {"template": "Why did the lamp ..."}}]}
    planner_server.queue(json.dumps(joke), json.dumps(joke))
    for _ in range(2):
        reply = await pipeline.handle(Request("tell me a joke", "en"))
        assert reply.trace.outcome == "unknown_intent"
        assert not reply.trace.cached
        assert reply.speech.startswith("Why did the lamp")
    assert planner_server.calls() == 2
    assert len(pipeline.cache) == 0


async def test_invalid_plan_twice_is_refused_and_nothing_runs(
    joint_parser: JointParser,
    sentence_embedder: SentenceEmbedder,
    session: aiohttp.ClientSession,
    planner_server: PlannerServer,
    tmp_path: Path,
) -> None:
    runner = RecordingServiceRunner()
    pipeline = make_pipeline(joint_parser, sentence_embedder, session, planner_server, runner, tmp_path)
    planner_server.queue("not json at all", json.dumps({"steps": [{"id": "s1", "action": "reboot_house"}]}))
    reply = await pipeline.handle(Request("turn on the kitchen light", "en"))
    assert not reply.success
    assert reply.trace.outcome == "error"
    assert planner_server.calls() == 2
    assert runner.calls == []
    assert len(pipeline.cache) == 0
    assert reply.speech.startswith("Sorry")


async def test_planner_timeout_answers_within_the_timeout(
    joint_parser: JointParser,
    sentence_embedder: SentenceEmbedder,
    session: aiohttp.ClientSession,
    planner_server: PlannerServer,
    tmp_path: Path,
) -> None:
    runner = RecordingServiceRunner()
    pipeline = make_pipeline(joint_parser, sentence_embedder, session, planner_server, runner, tmp_path, 0.5)
    planner_server.queue({"content": json.dumps(TURN_ON_AREA), "delay_s": 3})
    loop = asyncio.get_running_loop()
    start = loop.time()
    reply = await pipeline.handle(Request("turn on the kitchen light", "en"))
    assert loop.time() - start < 1.5
    assert not reply.success
    assert "0.5" in reply.speech
    assert runner.calls == []
    assert len(pipeline.cache) == 0


async def test_failed_execution_is_not_cached_and_failing_hits_are_demoted(
    joint_parser: JointParser,
    sentence_embedder: SentenceEmbedder,
    session: aiohttp.ClientSession,
    planner_server: PlannerServer,
    tmp_path: Path,
) -> None:
    runner = RecordingServiceRunner()
    pipeline = make_pipeline(joint_parser, sentence_embedder, session, planner_server, runner, tmp_path)
    runner.fail_area = "kitchen"
    planner_server.queue(json.dumps(TURN_ON_AREA))
    reply = await pipeline.handle(Request("turn on the kitchen light", "en"))
    assert not reply.success
    assert "no lights in kitchen" in reply.speech
    assert len(pipeline.cache) == 0

    runner.fail_area = None
    planner_server.queue(json.dumps(TURN_ON_AREA))
    assert (await pipeline.handle(Request("turn on the bedroom light", "en"))).trace.cached
    runner.fail_area = "garage"
    for _ in range(2):  # two failing hits evict the entry (max_failures=2)
        failed = await pipeline.handle(Request("turn on the garage light", "en"))
        assert failed.trace.outcome == "hit"
        assert not failed.success
    assert len(pipeline.cache) == 0


async def test_empty_request_replies_with_an_error(
    joint_parser: JointParser,
    sentence_embedder: SentenceEmbedder,
    session: aiohttp.ClientSession,
    planner_server: PlannerServer,
    tmp_path: Path,
) -> None:
    pipeline = make_pipeline(
        joint_parser, sentence_embedder, session, planner_server, RecordingServiceRunner(), tmp_path
    )
    reply = await pipeline.handle(Request("   ", "en"))
    assert not reply.success
    assert reply.trace.outcome == "error"
    assert "empty" in reply.speech
    assert planner_server.calls() == 0
