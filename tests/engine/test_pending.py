"""Cancelling commands for later by voice: "cancel turning off the lights", "取消关灯", "cancel the timer".

On the real parser and the real pipeline (models, FAISS cache, the test's planner server). The waits are real
``delay`` steps of minutes: a command that is not cancelled would still be waiting when the test ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator

import pytest

from custom_components.agent_reuse.engine.executor import DelayRunner, Executor
from custom_components.agent_reuse.engine.ha_repairs import repair
from custom_components.agent_reuse.engine.later_requests import CancelRequest, cancel_request
from custom_components.agent_reuse.engine.nlu import JointParser, ParsedRequest
from custom_components.agent_reuse.engine.pending import SavedCommand
from custom_components.agent_reuse.engine.pipeline import Reply, Request, ReusePipeline
from custom_components.agent_reuse.engine.template import number_repeated_slots
from tests.engine.pipeline_helpers import PipelineFactory, RecordingServiceRunner
from tests.planner_fixture import PlannerServer


def _later(service: str, target: dict[str, str], reply: str) -> str:
    """Confirm now; wait the request's minutes; then switch ``target``."""
    return json.dumps(
        {
            "steps": [
                {"id": "s1", "action": "respond", "inputs": {"template": reply}},
                {"id": "s2", "action": "delay", "inputs": {"minutes": "{slot.minutes}"}},
                {
                    "id": "s3",
                    "action": "ha_service",
                    "inputs": {"domain": "light", "service": service, "target": target},
                    "depends_on": ["s2"],
                },
            ]
        }
    )


TURN_OFF_AREA_LATER = _later("turn_off", {"area": "{slot.area}"}, "Okay, in {slot.minutes} minutes.")
TURN_ON_AREA_LATER = _later("turn_on", {"area": "{slot.area}"}, "Okay, in {slot.minutes} minutes.")
ZH_TURN_OFF_AREA_LATER = _later("turn_off", {"area": "{slot.area}"}, "好的，{slot.minutes}分钟后执行。")


def what_is_cancelled(parser: JointParser, text: str, language: str = "en") -> CancelRequest | None:
    def parse(words: str) -> ParsedRequest:  # as the pipeline parses (without a home's names)
        return number_repeated_slots(repair(parser.parse(words, language)))

    return cancel_request(parse(text), parse)


@pytest.mark.parametrize(
    ("text", "language", "intent", "every", "bare"),
    [
        ("cancel turning off the kitchen lights", "en", "HassTurnOff", False, False),
        ("please cancel turning on the lights", "en", "HassTurnOn", False, False),
        ("cancel the timer", "en", None, False, False),
        ("cancel all timers", "en", None, True, False),
        # Words that only point back are a cancel word alone; "everything" is every waiting command.
        ("cancel that", "en", None, False, True),
        ("Cancel it, please.", "en", None, False, True),
        ("cancel everything", "en", None, True, False),
        ("取消关灯", "zh-Hans", "HassTurnOff", False, False),
        # After 取消 the parser reads 開燈 (turn on) as HassTurnOff; the words after the cancel word alone are
        # HassTurnOn.
        ("取消開燈", "zh-Hant", "HassTurnOn", False, False),
        ("取消", "zh-Hans", None, False, True),
        ("取消吧", "zh-Hans", None, False, True),
        ("取消剛才的", "zh-Hant", None, False, True),
        ("取消所有的", "zh-Hans", None, True, False),
        ("取消定时", "zh-Hans", None, False, False),
        ("撤销五分钟后关灯", "zh-Hans", "HassTurnOff", False, False),
    ],
)
def test_what_a_cancel_request_names(
    joint_parser: JointParser, text: str, language: str, intent: str | None, every: bool, bare: bool
) -> None:
    cancel = what_is_cancelled(joint_parser, text, language)
    assert cancel is not None
    assert (cancel.intent, cancel.every, cancel.bare) == (intent, every, bare)
    assert cancel.names_a_command is (intent is not None)


@pytest.mark.parametrize(
    "text",
    [
        "turn off the kitchen lights in 5 minutes",
        "关灯",
        "is the light on",
        "never mind",
        "turn on the abort light",
    ],
)
def test_other_requests_cancel_nothing(joint_parser: JointParser, text: str) -> None:
    assert what_is_cancelled(joint_parser, text, "zh-Hans" if text == "关灯" else "en") is None


@pytest.fixture
async def later_pipeline(
    build_pipeline: PipelineFactory,
) -> AsyncIterator[tuple[ReusePipeline, RecordingServiceRunner]]:
    """A pipeline whose delays really wait (minutes: longer than any test), cleaned up afterwards."""
    pipeline, runner = build_pipeline()
    pipeline.executor = Executor({"ha_service": runner, "delay": DelayRunner()})
    yield pipeline, runner
    left = pipeline.pending.waiting()
    pipeline.pending.cancel(left)
    await asyncio.gather(*(c.task for c in left), return_exceptions=True)


async def ask(pipeline: ReusePipeline, text: str, language: str = "en") -> Reply:
    return await pipeline.handle(Request(text, language))


async def test_cancel_turning_off_the_lights_stops_that_command_and_only_that_one(
    later_pipeline: tuple[ReusePipeline, RecordingServiceRunner], planner_server: PlannerServer
) -> None:
    pipeline, runner = later_pipeline
    planner_server.queue(TURN_OFF_AREA_LATER)
    planner_server.queue(TURN_ON_AREA_LATER)
    off = await ask(pipeline, "turn off the kitchen lights in 5 minutes")
    on = await ask(pipeline, "turn on the bedroom lights in 10 minutes")
    assert (off.speech, on.speech) == ("Okay, in 5 minutes.", "Okay, in 10 minutes.")
    assert [c.text for c in pipeline.pending.waiting()] == [
        "turn off the kitchen lights in 5 minutes",
        "turn on the bedroom lights in 10 minutes",
    ]

    # Names a command nothing like which waits: it says so, and the lights are not turned off now either.
    reply = await ask(pipeline, "cancel turning off the bedroom lights")
    assert (reply.speech, reply.success, reply.trace.outcome) == (
        "Nothing like that is waiting.",
        True,
        "cancel",
    )
    assert len(pipeline.pending.waiting()) == 2

    reply = await ask(pipeline, "cancel turning off the lights")
    assert reply.speech == 'Cancelled "turn off the kitchen lights in 5 minutes".'
    assert reply.trace.cancelled == ["turn off the kitchen lights in 5 minutes"]
    assert off.report is not None
    assert off.report.later is not None
    with contextlib.suppress(asyncio.CancelledError):
        await off.report.later
    assert off.report.later.cancelled()
    assert [c.text for c in pipeline.pending.waiting()] == ["turn on the bedroom lights in 10 minutes"]

    assert runner.calls == []  # nothing switched, now or by the cancelled command
    assert len(pipeline.cache) == 0  # a plan is cached once it has run: the cancelled one never did
    assert planner_server.calls() == 2


async def test_cancel_the_timer_takes_the_latest_and_cancel_all_timers_every_one(
    later_pipeline: tuple[ReusePipeline, RecordingServiceRunner], planner_server: PlannerServer
) -> None:
    pipeline, _ = later_pipeline
    planner_server.set_default(TURN_OFF_AREA_LATER)
    # The same in other words: "cancel that" is the latest too, "cancel everything" every one of them.
    for latest, every in (("cancel the timer", "cancel all timers"), ("cancel that", "cancel everything")):
        for text in (
            "turn off the kitchen lights in 5 minutes",
            "turn off the bedroom lights in 10 minutes",
            "turn off the office lights in 20 minutes",
        ):
            assert (await ask(pipeline, text)).success
        reply = await ask(pipeline, latest)
        assert reply.speech == 'Cancelled "turn off the office lights in 20 minutes".'
        reply = await ask(pipeline, every)
        assert (reply.speech, len(reply.trace.cancelled)) == ("Cancelled 2 commands.", 2)
        assert pipeline.pending.waiting() == []

    # Nothing waits any more: "cancel the timer" is an ordinary request again (here: planned).
    planner_server.queue(
        json.dumps({"steps": [{"id": "s1", "action": "respond", "inputs": {"template": "No timer."}}]})
    )
    reply = await ask(pipeline, "cancel the timer")
    assert (reply.speech, reply.trace.outcome) == ("No timer.", "miss")


async def test_chinese_cancel_matches_the_words_of_the_waiting_command(
    later_pipeline: tuple[ReusePipeline, RecordingServiceRunner], planner_server: PlannerServer
) -> None:
    pipeline, runner = later_pipeline
    planner_server.set_default(ZH_TURN_OFF_AREA_LATER)
    reply = await ask(pipeline, "五分钟后关闭客厅的灯", "zh-Hans")
    assert (reply.speech, reply.trace.intent) == ("好的，5分钟后执行。", "HassTurnOff")

    reply = await ask(pipeline, "取消开灯", "zh-Hans")  # the other direction
    assert reply.speech == "没有这样的命令在等待执行。"
    reply = await ask(
        pipeline, "取消關燈", "zh-Hant"
    )  # 灯 is in the waiting command's words, in either script
    assert reply.speech == "已取消「五分钟后关闭客厅的灯」。"
    assert pipeline.pending.waiting() == []
    assert runner.calls == []


async def test_a_waiting_command_is_saved_with_its_plan_and_checkpoint_and_can_be_read_back(
    later_pipeline: tuple[ReusePipeline, RecordingServiceRunner], planner_server: PlannerServer
) -> None:
    pipeline, _ = later_pipeline
    changes: list[int] = []
    pipeline.pending.on_change = lambda: changes.append(len(pipeline.pending.saved()))
    planner_server.queue(TURN_OFF_AREA_LATER)
    await ask(pipeline, "turn off the kitchen lights in 5 minutes")
    (saved,) = pipeline.pending.saved()
    assert changes
    assert saved.plan_slots["area"] == "kitchen"
    assert saved.request_slots == {"area": "kitchen", "domain": "light", "minutes": "5"}
    assert saved.checkpoint.done == {"s1": "Okay, in 5 minutes."}
    assert set(saved.checkpoint.started) == {"s1", "s2"}
    assert saved.due_at == pytest.approx(time.time() + 300, abs=5)
    assert SavedCommand.from_dict(json.loads(json.dumps(saved.to_dict()))) == saved

    # Cut short by something else than a cancel request (Home Assistant stops): kept to run again.
    (waiting,) = pipeline.pending.waiting()
    waiting.task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await waiting.task
    assert pipeline.pending.waiting() == []
    assert [c.command_id for c in pipeline.pending.held()] == [saved.command_id]

    # Run on (the wait had begun 299.9 s ago): the lights go off and nothing is kept any more.
    saved.checkpoint.started["s2"] = time.time() - 299.9
    report = await pipeline.resume(saved)
    assert report.success
    assert pipeline.pending.saved() == []


@pytest.mark.parametrize(
    "raw",
    [
        None,
        {"id": "x"},
        {
            "id": "x",
            "text": "t",
            "language": "en",
            "intent": None,
            "request_slots": {},
            "plan": {},
            "plan_slots": {},
            "checkpoint": {"done": {}, "started": {}},
            "due_at": "soon",
            "host": {},
        },
    ],
)
def test_a_saved_command_that_cannot_be_read_is_refused(raw: object) -> None:
    with pytest.raises(ValueError, match="saved command"):
        SavedCommand.from_dict(raw)


async def test_how_long_is_left_is_answered_from_the_waiting_commands(
    later_pipeline: tuple[ReusePipeline, RecordingServiceRunner], planner_server: PlannerServer
) -> None:
    pipeline, runner = later_pipeline
    planner_server.set_default(TURN_OFF_AREA_LATER)
    await ask(pipeline, "turn off the kitchen lights in 5 minutes")
    await ask(pipeline, "turn off the bedroom lights in 10 minutes")

    reply = await ask(pipeline, "how much time is left on the timer")
    assert (reply.speech, reply.trace.outcome) == (
        "\u201cturn off the kitchen lights in 5 minutes\u201d: 5 minutes left. "
        "\u201cturn off the bedroom lights in 10 minutes\u201d: 10 minutes left.",
        "time_left",
    )
    # "how long until the bedroom lights turn off" came out as HassTurnOff: they went off at once.
    reply = await ask(pipeline, "how long until the bedroom lights turn off")
    assert reply.speech == "\u201cturn off the bedroom lights in 10 minutes\u201d: 10 minutes left."
    reply = await ask(pipeline, "how long until the living room lights turn off")
    assert reply.speech == "Nothing like that is waiting."
    reply = await ask(pipeline, "计时器还剩多久", "zh-Hans")
    assert reply.speech == (
        "“turn off the kitchen lights in 5 minutes”：还剩5分钟。“turn off the bedroom lights in 10 minutes”：还剩10分钟。"
    )
    # Asked alone: the parser read "how much time is left" as the clock's time, "还有多久" as nothing.
    for text, language in (("how much time is left", "en"), ("还有多久", "zh-Hans")):
        reply = await ask(pipeline, text, language)
        assert reply.trace.outcome == "time_left", text
        assert "10" in reply.speech
    assert runner.calls == []
    assert planner_server.calls() == 2  # (a new plan is cached once it has run: not yet)


async def test_never_mind_does_nothing_and_asks_no_planner(
    later_pipeline: tuple[ReusePipeline, RecordingServiceRunner], planner_server: PlannerServer
) -> None:
    pipeline, runner = later_pipeline
    for text, language in (
        ("never mind", "en"),
        ("算了", "zh-Hans"),
        ("cancel", "en"),
        ("cancel that", "en"),
        ("取消", "zh-Hans"),
        ("取消吧", "zh-Hans"),
    ):
        reply = await ask(pipeline, text, language)
        assert (reply.speech, reply.success, reply.trace.outcome) == ("", True, "nevermind"), text
    assert planner_server.calls() == 0

    # A lone cancel word with a command waiting cancels it; "never mind" leaves it be.
    planner_server.queue(TURN_OFF_AREA_LATER)
    await ask(pipeline, "turn off the kitchen lights in 5 minutes")
    assert (await ask(pipeline, "never mind")).trace.outcome == "nevermind"
    assert len(pipeline.pending.waiting()) == 1
    reply = await ask(pipeline, "取消", "zh-Hans")
    assert reply.speech == "已取消“turn off the kitchen lights in 5 minutes”。"
    assert pipeline.pending.waiting() == []
    assert runner.calls == []
