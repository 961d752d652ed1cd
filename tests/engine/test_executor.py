"""Tests of the DAG executor and the engine's built-in runners (engine/executor.py)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import pytest

from custom_components.agent_reuse.engine.errors import StepError
from custom_components.agent_reuse.engine.executor import (
    Checkpoint,
    DelayRunner,
    ExecutionContext,
    ExecutionReport,
    Executor,
    RespondRunner,
    StepResult,
    StepRunner,
    StepStatus,
)
from custom_components.agent_reuse.engine.plan import BoundPlan, BoundStep, Plan

Behaviour = Callable[[BoundStep, Mapping[str, Any], ExecutionContext], Awaitable[Any]]


class FakeRunner:
    """A runner whose behaviour per step id is a coroutine function; records the inputs it got."""

    def __init__(self, behaviours: Mapping[str, Behaviour] | None = None, default: Any = "done") -> None:
        self.behaviours = dict(behaviours or {})
        self.default = default
        self.calls: dict[str, Mapping[str, Any]] = {}

    async def run(self, step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> Any:
        self.calls[step.id] = inputs
        behaviour = self.behaviours.get(step.id)
        if behaviour is None:
            return self.default
        return await behaviour(step, inputs, context)


def service(
    step_id: str, description: str = "", depends_on: tuple[str, ...] = (), **data: Any
) -> dict[str, Any]:
    return {
        "id": step_id,
        "description": description,
        "action": "ha_service",
        "inputs": {"domain": "light", "service": "turn_on", "target": {"name": "{slot.name}"}, "data": data},
        "depends_on": list(depends_on),
    }


def respond(step_id: str, template: str, depends_on: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "id": step_id,
        "action": "respond",
        "inputs": {"template": template},
        "depends_on": list(depends_on),
    }


def bound(*steps: dict[str, Any], slots: Mapping[str, Any] | None = None) -> BoundPlan:
    return Plan.from_dict({"steps": list(steps)}).bind(
        slots if slots is not None else {"name": "kitchen light"}
    )


def by_id(report: ExecutionReport) -> dict[str, StepResult]:
    return {result.step_id: result for result in report.results}


def interval(result: StepResult) -> tuple[float, float]:
    assert result.started_at is not None
    assert result.ended_at is not None
    return result.started_at, result.ended_at


def test_runner_classes_satisfy_the_protocol() -> None:
    assert isinstance(FakeRunner(), StepRunner)
    assert isinstance(RespondRunner(), StepRunner)
    assert isinstance(DelayRunner(), StepRunner)


async def test_independent_steps_run_concurrently() -> None:
    """Each step waits until the other has started: only concurrent execution lets both finish in time."""
    started = {"a": asyncio.Event(), "b": asyncio.Event()}

    def meet(me: str, other: str) -> Behaviour:
        async def behaviour(step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> str:
            started[me].set()
            await started[other].wait()
            await asyncio.sleep(0.005)
            return me

        return behaviour

    runner = FakeRunner({"a": meet("a", "b"), "b": meet("b", "a")})
    report = await Executor({"ha_service": runner}, step_timeout_s=0.5).execute(
        bound(service("a"), service("b"))
    )
    assert report.success, report
    a_start, a_end = interval(by_id(report)["a"])
    b_start, b_end = interval(by_id(report)["b"])
    assert max(a_start, b_start) < min(a_end, b_end)  # the intervals overlap
    assert report.outputs == {"a": "a", "b": "b"}


async def test_a_step_starts_when_its_own_dependencies_are_done() -> None:
    """``after_fast`` depends only on ``fast``; it must start while the unrelated ``slow`` still runs."""
    release_slow = asyncio.Event()

    async def slow(step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> str:
        await release_slow.wait()  # released only by after_fast: a level-by-level scheduler would time out
        return "slow"

    async def after_fast(step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> str:
        release_slow.set()
        return "after"

    runner = FakeRunner({"slow": slow, "after_fast": after_fast})
    plan = bound(service("fast"), service("slow"), service("after_fast", depends_on=("fast",)))
    report = await Executor({"ha_service": runner}, step_timeout_s=0.5).execute(plan)
    results = by_id(report)
    assert report.success, report
    assert interval(results["after_fast"])[0] >= interval(results["fast"])[1]
    assert interval(results["after_fast"])[0] < interval(results["slow"])[1]


async def test_dependencies_run_in_order_and_results_are_topological() -> None:
    log: list[str] = []

    def record(name: str) -> Behaviour:
        async def behaviour(step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> str:
            log.append(f"start {name}")
            await asyncio.sleep(0)
            log.append(f"end {name}")
            return name

        return behaviour

    runner = FakeRunner({name: record(name) for name in ("s1", "s2", "s3")})
    plan = bound(
        service("s3", depends_on=("s2",)),
        service("s2", depends_on=("s1",)),
        service("s1"),
    )
    report = await Executor({"ha_service": runner}).execute(plan)
    assert log == ["start s1", "end s1", "start s2", "end s2", "start s3", "end s3"]
    assert [r.step_id for r in report.results] == ["s1", "s2", "s3"]
    results = by_id(report)
    assert interval(results["s2"])[0] >= interval(results["s1"])[1]
    assert interval(results["s3"])[0] >= interval(results["s2"])[1]
    assert report.duration_ms >= 0


async def test_failure_skips_dependents_and_speech_says_what_failed() -> None:
    async def unavailable(step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> None:
        raise StepError(f"{inputs['target']['name']} is unavailable")

    runner = FakeRunner({"s1": unavailable})
    plan = bound(
        service("s1", description="turn on {slot.name}"),
        service("s2", depends_on=("s1",)),
        respond("s3", "Turned on {slot.name}.", depends_on=("s2",)),
        service("other"),
        respond("s4", "The other one is on.", depends_on=("other",)),
    )
    report = await Executor({"ha_service": runner}).execute(plan)
    results = by_id(report)
    assert not report.success
    assert results["s1"].status is StepStatus.FAILED
    assert results["s1"].error == "kitchen light is unavailable"
    assert results["s2"].status is StepStatus.SKIPPED
    assert results["s3"].status is StepStatus.SKIPPED
    assert results["s2"].started_at is None
    assert "s1" in (results["s3"].error or "")
    assert "s2" not in runner.calls  # never run
    assert results["other"].ok
    assert results["s4"].ok
    assert [r.step_id for r in report.failures] == ["s1"]
    assert report.speech == (
        "Sorry, I could not turn on kitchen light: kitchen light is unavailable. The other one is on."
    )
    assert "Turned on" not in report.speech


async def test_a_reply_that_depends_on_nothing_is_not_said_when_a_step_failed() -> None:
    """Planners (and the starter plans before) often leave the confirmation without dependencies; it must
    not say "Turned on …" after the failure."""

    async def unavailable(step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> None:
        raise StepError("no device called kitchen light")

    plan = bound(service("s1", description="turn on {slot.name}"), respond("s2", "Turned on {slot.name}."))
    report = await Executor({"ha_service": FakeRunner({"s1": unavailable})}).execute(plan)
    assert report.speech == "Sorry, I could not turn on kitchen light: no device called kitchen light."
    assert by_id(report)["s2"].ok  # it ran; it is only not said

    report = await Executor({"ha_service": FakeRunner()}).execute(plan)
    assert report.speech == "Turned on kitchen light."


async def test_timeout_marks_the_step_and_skips_dependents() -> None:
    never = asyncio.Event()

    async def hang(step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> None:
        await never.wait()

    runner = FakeRunner({"s1": hang})
    plan = bound(service("s1", description="turn on {slot.name}"), respond("s2", "Done.", depends_on=("s1",)))
    report = await Executor({"ha_service": runner}, step_timeout_s=0.03).execute(plan)
    results = by_id(report)
    assert results["s1"].status is StepStatus.TIMEOUT
    assert results["s1"].error == "it took longer than 0.03 seconds"
    assert 25 <= results["s1"].duration_ms < 500
    assert results["s2"].status is StepStatus.SKIPPED
    assert report.speech == "Sorry, I could not turn on kitchen light: it took longer than 0.03 seconds."


async def test_unknown_action_at_run_time_fails() -> None:
    plan = bound(service("s1"), respond("s2", "Done.", depends_on=("s1",)))
    report = await Executor({}).execute(plan)
    results = by_id(report)
    assert results["s1"].status is StepStatus.FAILED
    assert "ha_service" in (results["s1"].error or "")
    assert results["s2"].status is StepStatus.SKIPPED
    assert "Sorry, step s1 (ha_service) failed" in report.speech


async def test_without_builtins_respond_is_unknown() -> None:
    report = await Executor({}, include_builtins=False).execute(bound(respond("s1", "Hi.")))
    assert report.results[0].status is StepStatus.FAILED
    assert "respond" in (report.results[0].error or "")


async def test_unexpected_runner_exception_is_contained_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    async def crash(step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> None:
        raise RuntimeError("internal detail 0xdeadbeef")

    async def cancel_itself(step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> None:
        raise asyncio.CancelledError

    runner = FakeRunner({"s1": crash, "s2": cancel_itself})
    plan = bound(service("s1", description="turn on {slot.name}"), service("s2"), service("s3"))
    with caplog.at_level(logging.ERROR, logger="custom_components.agent_reuse.engine.executor"):
        report = await Executor({"ha_service": runner}).execute(plan)
    results = by_id(report)
    assert results["s1"].status is StepStatus.FAILED
    assert results["s1"].error is not None
    assert "0xdeadbeef" not in results["s1"].error
    assert "0xdeadbeef" not in report.speech
    assert "unexpected error" in results["s1"].error
    assert report.speech.startswith("Sorry, I could not turn on kitchen light: an unexpected error")
    assert results["s2"].status is StepStatus.FAILED
    assert results["s3"].ok
    logged = [r for r in caplog.records if r.exc_info and "s1" in r.getMessage()]
    assert logged, "the unexpected error must be logged with its traceback"
    assert isinstance(logged[0].exc_info[1], RuntimeError)  # type: ignore[index]


async def test_outputs_flow_into_later_steps() -> None:
    state = {"entity_id": "sensor.bedroom", "state": "21.5", "attributes": {"unit_of_measurement": "°C"}}

    async def read(step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> Any:
        return state

    states = FakeRunner({"read": read})
    services = FakeRunner()
    mqtt = FakeRunner(default=None)
    plan = bound(
        {
            "id": "read",
            "action": "ha_state",
            "inputs": {"area": "{slot.area}", "device_class": "temperature"},
        },
        service("store", depends_on=("read",), value="{steps.read.output}", text="now {steps.read.output}"),
        {
            "id": "pub",
            "action": "mqtt_publish",
            "inputs": {"topic": "home/{slot.area}/temp", "payload": {"t": "{steps.read.output}"}},
            "depends_on": ["store"],
        },
        respond("say", "It is {steps.read.output} in the {slot.area}.", depends_on=("read",)),
        respond("raw", "{steps.read.output}", depends_on=("read",)),
        respond("echo", "{steps.store.output}", depends_on=("store",)),
        slots={"area": "bedroom", "name": "x"},
    )
    report = await Executor({"ha_state": states, "ha_service": services, "mqtt_publish": mqtt}).execute(plan)
    assert report.success, report
    assert states.calls["read"] == {"area": "bedroom", "device_class": "temperature"}
    assert services.calls["store"]["data"] == {"value": state, "text": "now 21.5 °C"}
    assert mqtt.calls["pub"] == {
        "topic": "home/bedroom/temp",
        "payload": {"t": state},
        "qos": 0,
        "retain": False,
    }
    assert report.outputs["say"] == "It is 21.5 °C in the bedroom."
    assert report.outputs["raw"] == "21.5 °C"
    assert report.speech == "It is 21.5 °C in the bedroom. 21.5 °C done"


async def test_runner_gets_plain_fresh_inputs_and_a_context() -> None:
    seen: dict[str, Any] = {}

    async def inspect(step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> str:
        seen["inputs"] = inputs
        seen["outputs"] = dict(context.outputs)
        seen["extra"] = context.extra
        seen["slots"] = context.slots
        inputs["target"]["name"] = "mutated"
        return "second"

    runner = FakeRunner({"s2": inspect})
    plan = bound(service("s1"), service("s2", depends_on=("s1",), rgb=[1, 2, 3]))
    executor = Executor({"ha_service": runner})
    await executor.execute(plan, extra={"language": "en"})
    assert type(seen["inputs"]) is dict
    assert type(seen["inputs"]["target"]) is dict
    assert seen["inputs"]["data"] == {"rgb": [1, 2, 3]}
    assert type(seen["inputs"]["data"]["rgb"]) is list
    assert seen["outputs"] == {"s1": "done"}
    assert seen["extra"] == {"language": "en"}
    assert seen["slots"] == {"name": "kitchen light"}
    assert plan.step("s2").inputs["target"]["name"] == "kitchen light"  # the plan is untouched
    await executor.execute(plan, {"name": "override"})
    assert seen["slots"] == {"name": "override"}


async def test_delay_runner_waits_and_is_not_cut_by_the_step_timeout() -> None:
    plan = bound(
        {"id": "wait", "action": "delay", "inputs": {"seconds": "{slot.seconds}"}},
        respond("say", "Waited.", depends_on=("wait",)),
        slots={"seconds": "0.06"},
    )
    report = await Executor({}, step_timeout_s=0.02).execute(plan)
    results = by_id(report)
    assert report.success, report
    assert results["wait"].output == pytest.approx(0.06)
    assert results["wait"].duration_ms >= 55
    assert report.speech == "Waited."


@pytest.mark.parametrize(
    ("seconds", "message"),
    [("soon", "not a length of time"), ("7200", "out of range"), ("nan", "out of range")],
)
async def test_delay_runner_rejects_bad_slot_values(seconds: str, message: str) -> None:
    plan = bound({"id": "wait", "action": "delay", "inputs": {"seconds": "{slot.s}"}}, slots={"s": seconds})
    report = await Executor({}).execute(plan)
    assert report.results[0].status is StepStatus.FAILED
    assert message in (report.results[0].error or "")


async def test_delay_in_minutes_or_hours_waits_that_long() -> None:
    # "in {minutes} minutes": the plan cannot multiply a placeholder, so the step says its unit.
    plan = bound(
        {"id": "wait", "action": "delay", "inputs": {"minutes": "{slot.minutes}"}}, slots={"minutes": "0.001"}
    )
    report = await Executor({}, step_timeout_s=0.02).execute(plan)
    assert report.success, report
    assert report.results[0].output == pytest.approx(0.06)
    hours = bound({"id": "wait", "action": "delay", "inputs": {"hours": "{slot.h}"}}, slots={"h": "2"})
    report = await Executor({}).execute(hours)
    assert report.results[0].status is StepStatus.FAILED
    assert "7200 seconds is out of range" in (report.results[0].error or "")
    words = bound({"id": "wait", "action": "delay", "inputs": {"minutes": "{slot.m}"}}, slots={"m": "five"})
    report = await Executor({}).execute(words)
    assert "'five' is not a length of time" in (report.results[0].error or "")


async def test_cancelling_execute_cancels_running_steps() -> None:
    entered = asyncio.Event()
    cancelled = asyncio.Event()

    async def hang(step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> None:
        entered.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    runner = FakeRunner({"s1": hang})
    task = asyncio.create_task(Executor({"ha_service": runner}).execute(bound(service("s1"))))
    await asyncio.wait_for(entered.wait(), 1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cancelled.is_set()


async def test_custom_failure_speech() -> None:
    async def fail(step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> None:
        raise StepError("kaputt")

    executor = Executor(
        {"ha_service": FakeRunner({"s1": fail})},
        failure_speech=lambda step, result, language: f"[{language}] Fehler bei {step.id}: {result.error}",
    )
    report = await executor.execute(bound(service("s1")), language="de")
    assert report.speech == "[de] Fehler bei s1: kaputt"


def test_step_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError, match="step_timeout_s"):
        Executor({}, step_timeout_s=0)


# -- long waits: the reply does not wait for them ------------------------------------------------------------


def later_plan(wait: dict[str, Any], *, confirm: bool = True, minutes: str = "5") -> BoundPlan:
    """ "turn off the kitchen light in N minutes": an optional confirmation, the wait, then the switch."""
    steps = [
        {"id": "wait", "action": "delay", "inputs": wait},
        service("off", "turn off {slot.name}", depends_on=("wait",)),
        respond("done", "Turned off {slot.name}.", depends_on=("off",)),
    ]
    if confirm:
        steps.insert(0, respond("ok", "Okay, I will turn off {slot.name} later."))
    return bound(*steps, slots={"name": "kitchen light", "minutes": minutes})


async def test_steps_after_a_long_delay_run_after_the_reply() -> None:
    runner = FakeRunner()
    executor = Executor({"ha_service": runner}, defer_after_s=0.1)
    began = time.monotonic()
    report = await executor.execute(later_plan({"seconds": 0.3}))
    assert time.monotonic() - began < 0.25  # not after the wait
    assert report.speech == "Okay, I will turn off kitchen light later."
    assert report.deferred == ("wait", "off", "done")
    assert [r.step_id for r in report.results] == ["ok"]
    assert report.success
    assert "off" not in runner.calls
    assert report.later is not None
    final = await report.later
    assert time.monotonic() - began >= 0.3
    assert final.success
    assert [r.step_id for r in final.results] == ["ok", "wait", "off", "done"]
    assert final.deferred == ()
    assert final.speech == "Okay, I will turn off kitchen light later. Turned off kitchen light."
    assert runner.calls["off"]["target"] == {"name": "kitchen light"}


async def test_a_short_delay_is_waited_for_and_independent_steps_finish_before_the_reply() -> None:
    report = await Executor({"ha_service": FakeRunner()}, defer_after_s=1.0).execute(
        later_plan({"seconds": 0.05})
    )
    assert (report.deferred, report.later, report.success) == ((), None, True)
    # A step that does not wait for the delay has run when the reply comes.
    plan = bound(
        {"id": "wait", "action": "delay", "inputs": {"seconds": 0.3}},
        service("now"),
        service("after", depends_on=("wait",)),
    )
    runner = FakeRunner()
    report = await Executor({"ha_service": runner}, defer_after_s=0.1).execute(plan)
    assert [r.step_id for r in report.results] == ["now"]
    assert set(runner.calls) == {"now"}
    assert report.later is not None
    await report.later
    assert set(runner.calls) == {"now", "after"}


@pytest.mark.parametrize(
    ("wait", "language", "speech"),
    [
        ({"minutes": "{slot.minutes}"}, "en", "Okay, in 5 minutes."),
        ({"minutes": 1}, "en", "Okay, in one minute."),
        ({"seconds": 90}, "zh-Hans", "好的，90秒后执行。"),
        ({"minutes": 10}, "zh-Hant", "好的，10分鐘後執行。"),
    ],
)
async def test_without_a_confirmation_the_reply_says_when_and_unload_cancels_the_rest(
    wait: dict[str, Any], language: str, speech: str
) -> None:
    runner = FakeRunner()
    executor = Executor({"ha_service": runner})
    report = await executor.execute(later_plan(wait, confirm=False), language=language)
    assert report.speech == speech
    assert report.later is not None
    await executor.cancel_later()
    assert report.later.cancelled()
    assert runner.calls == {}


async def test_a_deferred_step_that_fails_fails_the_final_report(caplog: pytest.LogCaptureFixture) -> None:
    async def broken(step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> Any:
        raise StepError("the kitchen light is unavailable")

    executor = Executor({"ha_service": FakeRunner({"off": broken})}, defer_after_s=0.01)
    report = await executor.execute(later_plan({"seconds": 0.05}))
    assert report.success
    assert report.later is not None
    final = await report.later
    assert not final.success
    assert by_id(final)["done"].status is StepStatus.SKIPPED
    assert "Deferred steps of a plan did not all succeed: off=failed, done=skipped" in caplog.text


async def test_a_deferred_task_cancelled_before_it_ever_ran_cancels_its_steps() -> None:
    # A host's spawn need not start the task eagerly; cancelled at once, it never reaches its own clean-up.
    runner = FakeRunner()
    executor = Executor({"ha_service": runner}, defer_after_s=0.01, spawn=asyncio.create_task)
    report = await executor.execute(later_plan({"seconds": 5}))
    assert report.later is not None
    report.later.cancel()
    await asyncio.sleep(0.01)  # the wait step ends cancelled, well before its 5 s: no lingering task
    assert report.later.cancelled()
    assert runner.calls == {}


async def test_a_checkpoint_follows_the_run_and_resumes_it_after_what_had_run() -> None:
    delay = {"id": "wait", "action": "delay", "inputs": {"seconds": 60}, "depends_on": ["first"]}
    plan = bound(
        service("first"),
        delay,
        respond("then", "after {steps.first.output}", depends_on=("wait",)),
    )
    runner = FakeRunner(default="first done")
    checkpoint = Checkpoint()
    changes: list[dict[str, Any]] = []
    checkpoint.on_change = lambda: changes.append(checkpoint.to_dict())
    report = await Executor({"ha_service": runner}, defer_after_s=1).execute(plan, checkpoint=checkpoint)
    assert report.deferred == ("wait", "then")
    assert checkpoint.done == {"first": "first done"}
    assert set(checkpoint.started) == {"first", "wait"}
    assert changes  # each start and success told the host
    assert report.later is not None
    report.later.cancel()  # Home Assistant stops during the wait

    # After the restart: the wait began 59.9 s ago, so 0.1 s is left; "first" does not run again and its
    # output still feeds "then".
    saved = Checkpoint.from_dict(checkpoint.to_dict())
    saved.started["wait"] = time.time() - 59.9
    again = FakeRunner()
    began = time.monotonic()
    resumed = await Executor({"ha_service": again}, defer_after_s=1).execute(plan, checkpoint=saved)
    assert time.monotonic() - began < 5
    assert resumed.success
    assert resumed.later is None
    assert again.calls == {}  # "first" did not run again
    assert resumed.speech == "after first done"
    assert by_id(resumed)["first"].output == "first done"
    assert saved.done == {
        "first": "first done",
        "wait": pytest.approx(0.1, abs=0.08),
        "then": "after first done",
    }


def test_a_checkpoint_that_is_not_one_is_refused() -> None:
    for raw in ({}, {"done": {}, "started": []}, {"done": {}, "started": {"a": "soon"}}):
        with pytest.raises(ValueError, match="checkpoint"):
            Checkpoint.from_dict(raw)


async def test_chinese_reply_sentences_are_joined_without_a_space() -> None:
    plan = bound(respond("a", "已打开台灯。"), respond("b", "已关闭风扇。"))
    report = await Executor({}).execute(plan, language="zh-Hans")
    assert report.speech == "已打开台灯。已关闭风扇。"
    english = await Executor({}).execute(bound(respond("a", "Done."), respond("b", "Bye.")), language="en")
    assert english.speech == "Done. Bye."
