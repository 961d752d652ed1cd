"""The reuse pipeline (Algorithm 1) with the real models, a real FAISS cache and a real planner server.

Step runners here record what a plan would do; the Home Assistant runners are exercised by the
integration tests against a real Home Assistant.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Mapping
from typing import Any

from custom_components.agent_reuse.engine.executor import DelayRunner, ExecutionContext, Executor
from custom_components.agent_reuse.engine.nlu import ParsedRequest
from custom_components.agent_reuse.engine.pipeline import HostAnswer, HostIntents, Request, ReusePipeline
from custom_components.agent_reuse.engine.plan import BoundStep
from tests.engine.pipeline_helpers import TURN_ON_AREA, PipelineFactory
from tests.planner_fixture import PlannerServer


async def test_miss_then_hit_rebinds_new_slot_values(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    pipeline, runner = build_pipeline()
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
    assert set(second.trace.timings_ms) == {"parse", "search", "handoff", "bind", "execute", "total"}

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

    # The same phrasing again: the search's answer is remembered, so no embedding this time.
    fourth = await pipeline.handle(Request("switch on the kitchen light", "en"))
    assert fourth.trace.outcome == "hit"
    assert fourth.trace.exact_template
    assert "embed" not in fourth.trace.timings_ms
    assert fourth.trace.similarity == third.trace.similarity
    assert fourth.trace.matched_entry_id == third.trace.matched_entry_id
    assert runner.calls[-1]["target"] == {"area": "kitchen"}


async def test_chinese_pair_reuses_the_plan(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    pipeline, runner = build_pipeline()
    planner_server.queue(json.dumps(TURN_ON_AREA))
    assert (await pipeline.handle(Request("打开厨房的灯", "zh"))).trace.outcome == "miss"
    reply = await pipeline.handle(Request("打开卧室的灯", "zh"))
    assert reply.trace.outcome == "hit"
    assert planner_server.calls() == 1
    assert runner.calls[-1]["target"] == {"area": "卧室"}


async def test_a_polite_request_reuses_the_plain_plan(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    """Courtesy is not compared: "could you … please?" is served by the plan of the plain command (with the
    shipped embedder the polite template alone is 0.70 from it, below the threshold)."""
    pipeline, runner = build_pipeline()
    planner_server.queue(json.dumps(TURN_ON_AREA))
    # Planned from a polite request: the planner and the cache see the plain template.
    first = await pipeline.handle(Request("Could you turn on the kitchen light, please?", "en"))
    assert first.trace.outcome == "miss"
    assert first.trace.cached
    user_prompt = planner_server.requests()[0]["messages"][-1]["content"]
    assert "Request: turn on the {area} {domain}" in user_prompt.splitlines()

    for text, area in (
        ("turn on the bedroom light", "bedroom"),
        ("can you turn on the bathroom light", "bathroom"),
    ):
        reply = await pipeline.handle(Request(text, "en"))
        assert reply.trace.outcome == "hit", reply.trace
        assert reply.trace.exact_template
        assert reply.trace.template_text == "turn on the {area} {domain}"
        assert runner.calls[-1]["target"] == {"area": area}
    assert planner_server.calls() == 1

    planner_server.queue(json.dumps(TURN_ON_AREA))
    assert (await pipeline.handle(Request("打开厨房的灯", "zh"))).trace.outcome == "miss"
    for text, area in (
        ("请帮我打开卧室的灯", "卧室"),
        ("你能打开书房的灯吗", "书房"),
        ("打开客厅的灯好吗？", "客厅"),
    ):
        reply = await pipeline.handle(Request(text, "zh"))
        assert reply.trace.outcome == "hit", reply.trace
        assert reply.trace.template_text == "打开{area}的灯"
        assert runner.calls[-1]["target"] == {"area": area}
    assert planner_server.calls() == 2


async def test_extra_slot_type_is_not_reused(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    pipeline, runner = build_pipeline()
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
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    pipeline, runner = build_pipeline()
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
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    pipeline, runner = build_pipeline()
    planner_server.queue("not json at all", json.dumps({"steps": [{"id": "s1", "action": "reboot_house"}]}))
    reply = await pipeline.handle(Request("turn on the kitchen light", "en"))
    assert not reply.success
    assert reply.trace.outcome == "error"
    assert planner_server.calls() == 2
    assert runner.calls == []
    assert len(pipeline.cache) == 0
    assert reply.speech.startswith("Sorry")


async def test_planner_timeout_answers_within_the_timeout(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    pipeline, runner = build_pipeline(timeout_s=0.5)
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
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    pipeline, runner = build_pipeline()
    runner.fail_area = "kitchen"
    planner_server.queue(json.dumps(TURN_ON_AREA))
    reply = await pipeline.handle(Request("turn on the kitchen light", "en"))
    assert not reply.success
    assert "no lights in kitchen" in reply.speech
    assert len(pipeline.cache) == 0

    runner.fail_area = None
    planner_server.queue(json.dumps(TURN_ON_AREA))
    assert (await pipeline.handle(Request("turn on the bedroom light", "en"))).trace.cached
    # Failures the request explains ("there is no area called living room") are not the plan's: it stays.
    runner.unknown_area = "living room"
    for _ in range(3):
        failed = await pipeline.handle(Request("turn on the living room light", "en"))
        assert (failed.trace.outcome, failed.success) == ("hit", False), failed.trace.error
        assert "no area called living room" in failed.speech
    assert [entry.failures for entry in pipeline.cache.entries()] == [0]
    runner.fail_area = "garage"
    for _ in range(2):  # two failing hits evict the entry (max_failures=2)
        failed = await pipeline.handle(Request("turn on the garage light", "en"))
        assert failed.trace.outcome == "hit"
        assert not failed.success
    assert len(pipeline.cache) == 0


async def test_empty_request_replies_with_an_error(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    pipeline, _ = build_pipeline()
    reply = await pipeline.handle(Request("   ", "en"))
    assert not reply.success
    assert reply.trace.outcome == "error"
    assert "empty" in reply.speech
    assert planner_server.calls() == 0


async def test_a_plan_made_for_english_does_not_answer_chinese(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    """The multilingual embedder scores these 0.88 (above γ): without the language gate the Chinese question
    would run the English plan and hear an English reply."""
    pipeline, runner = build_pipeline()
    # A question's plan reads (here the recording runner, whose output reads "ok: yes") and says what it read.
    read = {
        "id": "s1",
        "action": "ha_service",
        "inputs": {"domain": "climate", "service": "read", "target": {"area": "{slot.area}"}},
    }

    def answer(template: str) -> dict[str, Any]:
        return {"id": "s2", "action": "respond", "inputs": {"template": template}, "depends_on": ["s1"]}

    english = {"steps": [read, answer("It is warm in {slot.area} ({steps.s1.output}).")]}
    chinese = {"steps": [read, answer("{slot.area}很暖和（{steps.s1.output}）。")]}
    planner_server.queue(json.dumps(english), json.dumps(chinese))
    assert (await pipeline.handle(Request("what is the temperature in the kitchen", "en"))).trace.cached

    reply = await pipeline.handle(Request("厨房的温度是多少", "zh-Hans"))
    assert reply.trace.outcome == "miss"
    assert reply.trace.miss_reason == "other_language"
    assert reply.trace.similarity is not None
    assert reply.trace.similarity >= 0.8
    assert reply.speech == "厨房很暖和（ok: yes）。"
    assert planner_server.calls() == 2

    again = await pipeline.handle(Request("卧室的温度是多少", "zh-CN"))  # another Chinese code, same family
    assert again.trace.outcome == "hit"
    assert again.speech == "卧室很暖和（ok: yes）。"
    english_again = await pipeline.handle(Request("what is the temperature in the bedroom", "en"))
    assert english_again.speech == "It is warm in bedroom (ok: yes)."
    assert planner_server.calls() == 2


async def test_errors_are_said_in_the_request_language_and_detailed_in_the_trace(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    pipeline, runner = build_pipeline(timeout_s=0.5)
    planner_server.queue({"content": json.dumps(TURN_ON_AREA), "delay_s": 3})
    slow = await pipeline.handle(Request("打开厨房的灯", "zh-CN"))
    assert slow.speech == "抱歉，规划器在0.5秒内没有回应。"
    # The trace keeps what a person debugging needs (the URL); the voice reply does not read it out.
    assert slow.trace.error is not None
    assert planner_server.url in slow.trace.error

    planner_server.queue("not json at all", json.dumps({"steps": [{"id": "s1", "action": "reboot_house"}]}))
    invalid = await pipeline.handle(Request("打開廚房的燈", "zh-TW"))
    assert invalid.speech == "抱歉，規劃器沒有給出有效的計劃，我什麼也沒做。"
    assert "no valid plan" in (invalid.trace.error or "")

    planner_server.queue({"content": json.dumps(TURN_ON_AREA), "delay_s": 3})
    english = await pipeline.handle(Request("turn on the kitchen light", "en"))
    assert english.speech == "Sorry, the planner did not answer within 0.5 seconds."
    assert runner.calls == []
    assert len(pipeline.cache) == 0

    empty = await pipeline.handle(Request("  ", "zh-Hans"))
    assert empty.speech == "抱歉，我没有听到请求。"


async def test_requests_of_one_template_in_flight_share_one_planner_call(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    """A command said again while the planner works (or the same kind from two satellites) waits for that
    call instead of paying for another; each request still runs the plan with its own slot values. Another
    template, or another language, gets its own call."""
    pipeline, runner = build_pipeline()
    planner_server.set_default(json.dumps(TURN_ON_AREA), delay_s=0.6)

    replies = await asyncio.gather(
        pipeline.handle(Request("turn on the kitchen light", "en")),
        pipeline.handle(Request("turn on the bedroom light", "en")),
        pipeline.handle(Request("turn on the kitchen light", "en")),
        pipeline.handle(Request("打开厨房的灯", "zh")),
    )

    assert all(reply.success for reply in replies), [reply.trace for reply in replies]
    assert planner_server.calls() == 2  # the English template once, the Chinese one once
    assert [reply.trace.shared_plan for reply in replies] == [False, True, True, False]
    assert [reply.trace.planner_calls for reply in replies] == [1, 0, 0, 1]
    assert pipeline.stats.planner_calls == 2
    assert sorted(call["target"]["area"] for call in runner.calls) == [
        "bedroom",
        "kitchen",
        "kitchen",
        "厨房",
    ]
    assert [reply.speech for reply in replies[:2]] == ["Turned on kitchen.", "Turned on bedroom."]
    # Once planned, the template is a plain cache hit again.
    later = await pipeline.handle(Request("turn on the living room light", "en"))
    assert later.trace.outcome == "hit", later.trace
    assert planner_server.calls() == 2


async def test_a_shared_planner_failure_reaches_every_waiting_request(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    pipeline, runner = build_pipeline(timeout_s=0.5)
    planner_server.set_default(json.dumps(TURN_ON_AREA), delay_s=3.0)

    replies = await asyncio.gather(
        pipeline.handle(Request("turn on the kitchen light", "en")),
        pipeline.handle(Request("turn on the bedroom light", "en")),
    )

    assert [reply.success for reply in replies] == [False, False]
    assert all("did not answer" in reply.speech for reply in replies), [reply.speech for reply in replies]
    assert planner_server.calls() == 1
    assert runner.calls == []
    assert len(pipeline.cache) == 0


async def test_a_caller_that_gives_up_does_not_cancel_the_shared_call(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    """Home Assistant may cancel a conversation (a satellite times out): the request waiting on the same
    planner call still gets its plan."""
    pipeline, runner = build_pipeline()
    planner_server.set_default(json.dumps(TURN_ON_AREA), delay_s=0.6)

    first = asyncio.create_task(pipeline.handle(Request("turn on the kitchen light", "en")))
    await asyncio.sleep(0.3)  # its planner call is under way
    second = asyncio.create_task(pipeline.handle(Request("turn on the bedroom light", "en")))
    await asyncio.sleep(0.05)
    first.cancel()
    reply = await second

    assert first.cancelled()
    assert reply.success, reply.trace
    assert reply.trace.shared_plan
    assert [call["target"] for call in runner.calls] == [{"area": "bedroom"}]
    assert planner_server.calls() == 1


async def test_the_last_caller_to_give_up_cancels_the_planner_call(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    """With nobody left to use the plan, the call is not kept running (nor left behind when Home Assistant
    stops); the next such request asks the planner afresh instead of waiting for a call nobody finishes."""
    pipeline, runner = build_pipeline()
    planner_server.set_default(json.dumps(TURN_ON_AREA), delay_s=0.6)

    lone = asyncio.create_task(pipeline.handle(Request("turn on the kitchen light", "en")))
    await asyncio.sleep(0.3)
    lone.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await lone

    reply = await pipeline.handle(Request("turn on the bedroom light", "en"))
    assert reply.success, reply.trace
    assert not reply.trace.shared_plan
    assert planner_server.calls() == 2
    assert [call["target"] for call in runner.calls] == [{"area": "bedroom"}]


class QuickDelay(DelayRunner):
    """A delay that says how long it is (so the executor defers it) but waits a thousandth of that."""

    async def run(self, step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> float:
        seconds = self.extra_time_s(inputs)
        await asyncio.sleep(seconds / 1000)
        return seconds


TURN_OFF_LATER = {
    "steps": [
        {"id": "s1", "action": "respond", "inputs": {"template": "Okay, in {slot.minutes} minutes."}},
        {"id": "s2", "action": "delay", "inputs": {"minutes": "{slot.minutes}"}},
        {
            "id": "s3",
            "action": "ha_service",
            "inputs": {"domain": "light", "service": "turn_off", "target": {"area": "{slot.area}"}},
            "depends_on": ["s2"],
        },
    ]
}


async def test_a_plan_that_waits_minutes_replies_at_once_and_is_cached_when_it_has_run(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    pipeline, runner = build_pipeline()
    pipeline.executor = Executor({"ha_service": runner, "delay": QuickDelay()})
    planner_server.queue(json.dumps(TURN_OFF_LATER))

    first = await pipeline.handle(Request("turn off the kitchen lights in 5 minutes", "en"))
    assert (first.speech, first.success, first.trace.outcome) == ("Okay, in 5 minutes.", True, "miss")
    assert first.trace.deferred == ["s2", "s3"]
    assert runner.calls == []  # the lights are still on
    assert not first.trace.cached
    assert len(pipeline.cache) == 0  # not before the plan has run to the end
    assert first.report is not None
    assert first.report.later is not None
    assert (await first.report.later).success
    assert runner.calls[-1]["target"] == {"area": "kitchen"}
    assert first.trace.cached
    assert len(pipeline.cache) == 1

    # Reused for another room and another wait; a failure after the wait counts against the plan.
    runner.fail_area = "bedroom"
    second = await pipeline.handle(Request("turn off the bedroom lights in 10 minutes", "en"))
    assert (second.speech, second.trace.outcome) == ("Okay, in 10 minutes.", "hit")
    assert second.report is not None
    assert second.report.later is not None
    entry_id = second.trace.matched_entry_id or ""
    before = pipeline.cache.get(entry_id)
    assert before is not None
    assert not (await second.report.later).success
    after = pipeline.cache.get(entry_id)
    assert after is not None
    assert after.failures == before.failures + 1
    assert planner_server.calls() == 1


async def test_an_intent_the_host_declines_is_looked_up_and_planned_as_usual(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    """Intents the host serves are not looked up before it answers; when it leaves one to the pipeline, the
    lookup happens then, and the request is planned, cached and reused like any other."""
    base, runner = build_pipeline()
    asked: list[str] = []

    async def decline(parsed: ParsedRequest, extra: Mapping[str, Any]) -> HostAnswer | None:
        asked.append(parsed.text)
        return None

    pipeline = _with_host(base, HostIntents(frozenset({"HassTurnOn"}), decline))
    planner_server.queue(json.dumps(TURN_ON_AREA))
    first = await pipeline.handle(Request("turn on the kitchen light", "en"))
    second = await pipeline.handle(Request("turn on the bedroom light", "en"))
    assert (first.trace.outcome, second.trace.outcome) == ("miss", "hit")
    assert asked == ["turn on the kitchen light", "turn on the bedroom light"]
    assert [call["target"] for call in runner.calls] == [{"area": "kitchen"}, {"area": "bedroom"}]
    assert planner_server.calls() == 1


async def test_requests_the_host_claims_are_served_by_it_whatever_their_intent(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    """``claims`` hands the host requests by their words (Home Assistant: questions about several devices):
    answered without a lookup, a plan or a cache entry; the rest go on as usual."""
    base, runner = build_pipeline()
    asked: list[str] = []

    async def answer(parsed: ParsedRequest, extra: Mapping[str, Any]) -> HostAnswer | None:
        asked.append(parsed.text)
        return HostAnswer("Kitchen Lights", True)

    pipeline = _with_host(
        base, HostIntents(frozenset(), answer, claims=lambda parsed: parsed.text.startswith("which"))
    )
    reply = await pipeline.handle(Request("which lights are on", "en"))
    assert (reply.speech, reply.success, reply.trace.outcome) == ("Kitchen Lights", True, "host_intent")
    assert "embed" not in reply.trace.timings_ms
    assert asked == ["which lights are on"]
    assert len(base.cache) == 0
    planner_server.queue(json.dumps(TURN_ON_AREA))
    assert (await pipeline.handle(Request("turn on the kitchen light", "en"))).trace.outcome == "miss"
    assert asked == ["which lights are on"]  # not claimed: not asked
    assert runner.calls[-1]["target"] == {"area": "kitchen"}
    assert planner_server.calls() == 1


def _with_host(base: ReusePipeline, host_intents: HostIntents) -> ReusePipeline:
    """A pipeline like ``base`` (its models, cache, planner and executor) whose host serves ``host_intents``."""
    return ReusePipeline(
        base.parser, base.embedder, base.cache, base.planner, base.executor, host_intents=host_intents
    )
