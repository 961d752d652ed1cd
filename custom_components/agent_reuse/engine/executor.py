"""Run a bound plan: its steps as concurrent asyncio tasks, through pluggable step runners.

Why pluggable runners: the engine must run without Home Assistant (tests, benchmarks), yet the plan's
``ha_service``, ``ha_state`` and ``mqtt_publish`` steps need Home Assistant. So the executor only schedules;
a :class:`StepRunner` per action does the work. The integration registers the Home Assistant and MQTT
runners; the engine brings the two that need nothing outside it (:class:`RespondRunner`,
:class:`DelayRunner`).

Why dependency-driven scheduling: a voice request waits for the whole plan, so independent steps ("turn off
the kitchen light and close the blinds") run at the same time, and each step starts as soon as *its own*
dependencies are done, not when a whole level of the graph is.

Why a long wait is not waited for: "turn off the lights in 5 minutes" is a ``delay`` step before the switch,
and a voice satellite cannot hold a conversation open for minutes. A delay longer than ``defer_after_s``
(:data:`DEFAULT_DEFER_AFTER_S`) and every step after it run in the background: the report comes back once
the rest is done, says which steps are deferred, and carries the task that finishes them
(:attr:`ExecutionReport.later`, whose result is the whole plan's report). The reply is what the steps done
so far say ("Okay, in 5 minutes." from a respond step that does not wait), or a sentence saying when.

Why nothing escapes: one broken device must not cost the user the rest of the plan or an answer. A step that
fails or times out is reported, its transitive dependents are skipped, independent steps carry on, and the
spoken reply says what failed. :class:`~.errors.StepError` messages are written for the user and are spoken
in the request's language (their :class:`~.speech.Spoken` form); any other exception is logged with its
traceback and reported generically.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

from .device_words import spelt_plurals
from .errors import StepError
from .plan import BoundPlan, BoundStep, SlotValue, format_value
from .plan_schema import ACTION_DELAY, ACTION_RESPOND, DELAY_UNITS, MAX_DELAY_S
from .speech import EnglishOnly, Renderable, failure_sentence, join_sentences, spoken

_LOGGER = logging.getLogger(__name__)

DEFAULT_STEP_TIMEOUT_S = 10.0
#: A delay longer than this is not waited for before the reply (see the module doc).
DEFAULT_DEFER_AFTER_S = 10.0
_GENERIC_ERROR = spoken("step_unexpected")
#: What is left of a wait that ended while nothing ran (a ``delay`` takes more than 0 seconds).
_SHORTEST_WAIT_S = 0.001


class StepStatus(StrEnum):
    """How a step ended."""

    OK = "ok"
    FAILED = "failed"
    TIMEOUT = "timeout"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class StepResult:
    """What happened to one step.

    ``started_at`` is ``time.monotonic()`` when the runner was called (``None`` for a skipped step, which
    never starts); ``duration_ms`` is how long the runner ran. ``error`` is user-facing English text;
    ``reason`` says the same in every speech language (None for steps that did not fail).
    """

    step_id: str
    action: str
    status: StepStatus
    output: Any = None
    error: str | None = None
    started_at: float | None = None
    duration_ms: float = 0.0
    reason: Renderable | None = None
    #: The request or the home's state explains the failure, not the plan (``StepError.about_request``).
    about_request: bool = False

    @property
    def ok(self) -> bool:
        """Whether the step succeeded."""
        return self.status is StepStatus.OK

    @property
    def ended_at(self) -> float | None:
        """``time.monotonic()`` when the step ended (``None`` if it never started)."""
        return None if self.started_at is None else self.started_at + self.duration_ms / 1000.0


@dataclass(frozen=True, slots=True)
class ExecutionReport:
    """The outcome of one plan execution: every step's result (in topological order) and the reply."""

    results: tuple[StepResult, ...]
    speech: str
    duration_ms: float
    #: Steps still to run in the background, after a long delay (see the module doc); not in ``results``.
    deferred: tuple[str, ...] = ()
    #: The task that runs them; its result is the report of the whole plan. None when nothing is deferred.
    later: asyncio.Task[ExecutionReport] | None = field(default=None, compare=False, repr=False)
    #: The longest of the deferred waits, in seconds (0 when nothing is deferred).
    wait_s: float = 0.0

    @property
    def success(self) -> bool:
        """Whether every step that ran succeeded (deferred steps have not run yet: see ``later``)."""
        return all(result.ok for result in self.results)

    @property
    def failures(self) -> tuple[StepResult, ...]:
        """The steps that failed or timed out (not the ones skipped because of them)."""
        return tuple(r for r in self.results if r.status in (StepStatus.FAILED, StepStatus.TIMEOUT))

    @property
    def plan_failed(self) -> bool:
        """Whether a step failed for a reason that may be the plan's: not a time-out (a slow device) and not
        a failure the request or the home's state explains (see ``StepError.about_request``)."""
        return any(r.status is StepStatus.FAILED and not r.about_request for r in self.results)

    @property
    def outputs(self) -> Mapping[str, Any]:
        """Outputs of the steps that succeeded, by step id."""
        return MappingProxyType({r.step_id: r.output for r in self.results if r.ok})

    def result(self, step_id: str) -> StepResult:
        """The result of one step (KeyError if the plan has no such step)."""
        for result in self.results:
            if result.step_id == step_id:
                return result
        raise KeyError(step_id)


@dataclass
class Checkpoint:
    """How far one execution got: the outputs of the steps that succeeded, and when each step started (wall
    clock, ``time.time()``), kept up to date while it runs.

    Why: a command for later ("turn off the heater in 30 minutes") outlives the request, and must outlive a
    restart of Home Assistant or a reload of the entry too. Its host saves the checkpoint whenever it changes
    (``on_change``) and, after the restart, passes it back to :meth:`Executor.execute`, which then runs only
    what had not run, and lets a wait that had begun wait only what is left of it.
    """

    done: dict[str, Any] = field(default_factory=dict)
    started: dict[str, float] = field(default_factory=dict)
    on_change: Callable[[], None] | None = field(default=None, compare=False, repr=False)

    def changed(self) -> None:
        """Tell the host (if it listens)."""
        if self.on_change is not None:
            self.on_change()

    def to_dict(self) -> dict[str, Any]:
        """For a JSON file (outputs must be JSON-serialisable: those of the built-in runners are)."""
        return {"done": dict(self.done), "started": dict(self.started)}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Checkpoint:
        """The inverse of :meth:`to_dict`; ValueError when ``raw`` is not one."""
        done, started = raw.get("done"), raw.get("started")
        if not isinstance(done, Mapping) or not isinstance(started, Mapping):
            raise ValueError("a checkpoint has 'done' and 'started' mappings")
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in started.values()):
            raise ValueError("a checkpoint's start times are numbers")
        return cls(
            done={str(k): v for k, v in done.items()}, started={str(k): float(v) for k, v in started.items()}
        )


@dataclass(frozen=True, slots=True)
class ExecutionContext:
    """What a runner may know about the execution it is part of.

    ``outputs`` is a live read-only view of the outputs of the steps finished so far. ``extra`` carries what
    the caller passed to :meth:`Executor.execute` (for the integration: e.g. the Home Assistant context of
    the request, the language); the engine does not look at it.
    """

    plan: BoundPlan
    slots: Mapping[str, SlotValue]
    outputs: Mapping[str, Any]
    extra: Mapping[str, Any]


@runtime_checkable
class StepRunner(Protocol):
    """Runs the steps of one action.

    ``inputs`` are the step's bound inputs with ``{steps.<id>.output}`` resolved, as a fresh plain copy
    (dicts and lists) the runner may keep or change. The return value becomes the step's output. Raise
    :class:`~.errors.StepError` with a message for the user ("the kitchen light is unavailable") for
    expected failures; any other exception is treated as a bug. The executor enforces the timeout.
    """

    async def run(self, step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> Any:
        """Do the step's work and return its output."""
        ...


@runtime_checkable
class ExtraTimeRunner(StepRunner, Protocol):
    """A runner whose steps legitimately take longer than the executor's per-step timeout (``delay``)."""

    def extra_time_s(self, inputs: Mapping[str, Any]) -> float:
        """Seconds to add to the per-step timeout for a step with these inputs."""
        ...


class RespondRunner:
    """``respond``: renders the reply text.

    Slot values are already bound and step outputs already filled in by the time the runner sees the
    template; an output that is the whole template (a dict or list from ``ha_state``) is rendered with
    :func:`~.plan.format_value`. Returns the text, which the executor puts into the report's speech.
    """

    async def run(self, step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> str:
        """Return the rendered reply."""
        return spelt_plurals(format_value(inputs.get("template")).strip())


class DelayRunner:
    """``delay``: waits ``seconds``, ``minutes`` or ``hours`` (a number, or a numeric string from a slot),
    at most one hour."""

    async def run(self, step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> float:
        """Sleep, then return the seconds waited."""
        seconds = self._seconds(inputs)
        await asyncio.sleep(seconds)
        return seconds

    def extra_time_s(self, inputs: Mapping[str, Any]) -> float:
        """The delay itself does not count against the per-step timeout."""
        try:
            return self._seconds(inputs)
        except StepError:
            return 0.0

    @staticmethod
    def _seconds(inputs: Mapping[str, Any]) -> float:
        unit = next((unit for unit in DELAY_UNITS if unit in inputs), "seconds")
        raw: Any = inputs.get(unit)
        if isinstance(raw, bool):
            raise StepError.said("delay_not_number", value=repr(raw))
        try:
            amount = float(raw.strip().replace(",", ".")) if isinstance(raw, str) else float(raw)
        except (TypeError, ValueError):
            raise StepError.said("delay_not_number", value=repr(format_value(raw))) from None
        seconds = amount * DELAY_UNITS[unit]
        if not 0 < seconds <= MAX_DELAY_S:  # also false for NaN
            raise StepError.said("delay_out_of_range", value=f"{seconds:g}")
        return seconds


def builtin_runners() -> dict[str, StepRunner]:
    """The runners the engine provides itself: ``respond`` and ``delay``."""
    return {ACTION_RESPOND: RespondRunner(), ACTION_DELAY: DelayRunner()}


def default_failure_speech(step: BoundStep, result: StepResult, language: str = "en") -> str:
    """A sentence about a failed step in ``language``: ``"Sorry, I could not <description>: <reason>."``."""
    reason = result.reason or spoken("step_failed")
    return failure_sentence(step.description, step.id, step.action, reason, language)


def _later_sentence(seconds: float, language: str) -> str:
    """ "Okay, in 5 minutes." in ``language``: the reply when the deferred steps are all a plan does."""
    if seconds >= 60 and seconds % 60 == 0:
        minutes = seconds / 60
        key = "deferred_one_minute" if minutes == 1 else "deferred_minutes"
        return spoken(key, n=f"{minutes:g}").render(language)
    return spoken("deferred_seconds", n=f"{seconds:g}").render(language)


class Executor:
    """Runs bound plans through per-action runners.

    ``runners`` maps an action to its runner; unless ``include_builtins`` is false, :func:`builtin_runners`
    fill in ``respond`` and ``delay`` where ``runners`` has none. ``step_timeout_s`` bounds each step (an
    :class:`ExtraTimeRunner` may extend it for its step). ``failure_speech`` words a failed step for the
    reply, given the step, its result and the request's language. A ``delay`` longer than ``defer_after_s``
    and the steps after it run in the background (see the module doc), as tasks made by ``spawn`` (default:
    tasks this executor holds and :meth:`cancel_later` cancels).
    """

    def __init__(
        self,
        runners: Mapping[str, StepRunner],
        step_timeout_s: float = DEFAULT_STEP_TIMEOUT_S,
        *,
        include_builtins: bool = True,
        failure_speech: Callable[[BoundStep, StepResult, str], str] = default_failure_speech,
        defer_after_s: float = DEFAULT_DEFER_AFTER_S,
        spawn: Callable[[Coroutine[Any, Any, ExecutionReport]], asyncio.Task[ExecutionReport]] | None = None,
    ) -> None:
        if not step_timeout_s > 0:
            raise ValueError(f"step_timeout_s must be positive, got {step_timeout_s!r}")
        self._defer_after_s = float(defer_after_s)
        self._spawn = spawn or self._keep_task
        self._later: set[asyncio.Task[ExecutionReport]] = set()
        merged: dict[str, StepRunner] = builtin_runners() if include_builtins else {}
        merged.update(runners)
        self._runners: Mapping[str, StepRunner] = MappingProxyType(merged)
        self._step_timeout_s = float(step_timeout_s)
        self._failure_speech = failure_speech

    def _keep_task(self, coro: Coroutine[Any, Any, ExecutionReport]) -> asyncio.Task[ExecutionReport]:
        """The default ``spawn``: a task this executor holds on to until it ends (and can cancel)."""
        # Eager: the task is inside its steps' wait at once, so cancelling it at any time cancels them.
        task = asyncio.Task(
            coro, loop=asyncio.get_running_loop(), name="agent_reuse deferred steps", eager_start=True
        )
        self._later.add(task)
        task.add_done_callback(self._later.discard)
        return task

    async def cancel_later(self) -> None:
        """Cancel the deferred steps still waiting (the default ``spawn`` only; a host's own ``spawn``
        cancels its tasks itself, as Home Assistant does when the entry unloads)."""
        tasks = list(self._later)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    @property
    def runners(self) -> Mapping[str, StepRunner]:
        """The runner of each action this executor can run."""
        return self._runners

    @property
    def step_timeout_s(self) -> float:
        """The per-step timeout in seconds."""
        return self._step_timeout_s

    async def execute(
        self,
        plan: BoundPlan,
        slots: Mapping[str, SlotValue] | None = None,
        *,
        extra: Mapping[str, Any] | None = None,
        language: str = "en",
        checkpoint: Checkpoint | None = None,
    ) -> ExecutionReport:
        """Run every step of ``plan`` and report; runner errors never escape (cancellation does).

        ``slots`` are the request's slots for the runners' context (default: those the plan was bound
        with); ``extra`` is passed to the runners as ``context.extra``; the reply's failure sentences are in
        ``language``. If the caller is cancelled, the running steps are cancelled too. ``checkpoint`` is
        kept up to date as steps start and succeed; one that already holds steps resumes the plan after them.
        """
        began = time.monotonic()
        outputs: dict[str, Any] = {}
        results: dict[str, StepResult] = {}
        context = ExecutionContext(
            plan=plan,
            slots=plan.slots if slots is None else MappingProxyType(dict(slots)),
            outputs=MappingProxyType(outputs),
            extra=MappingProxyType(dict(extra or {})),
        )
        order = plan.topological_order()
        waiting_on = {step.id: set(step.depends_on) for step in order}
        direct_dependents: dict[str, list[BoundStep]] = {step.id: [] for step in order}
        for step in order:
            for dep in step.depends_on:
                direct_dependents[dep].append(step)
        running: dict[asyncio.Task[StepResult], BoundStep] = {}
        later: set[str] = set()
        began_before: dict[str, float] = {}
        if checkpoint is not None:
            began_before = dict(checkpoint.started)
            for step in order:
                if step.id in checkpoint.done:  # ran before a restart: its output stands
                    output = checkpoint.done[step.id]
                    results[step.id] = StepResult(step.id, step.action, StepStatus.OK, output)
                    outputs[step.id] = output
                    for dependent in direct_dependents[step.id]:
                        waiting_on[dependent.id].discard(step.id)

        def start(step: BoundStep) -> None:
            if checkpoint is not None:
                earlier = began_before.pop(step.id, None)
                if earlier is not None and step.action == ACTION_DELAY:
                    step = self._rest_of_wait(step, outputs, time.time() - earlier)
                checkpoint.started[step.id] = time.time() if earlier is None else earlier
                checkpoint.changed()
            task = asyncio.create_task(self._run_step(step, context), name=f"agent_reuse step {step.id}")
            running[task] = step
            if self._defers(step, outputs):
                later.add(step.id)
                later.update(plan.dependents_of(step.id))

        async def drive(until_deferred: bool) -> None:
            """Run steps as their dependencies finish; with ``until_deferred``, stop once only deferred
            steps are left running (steps that are not deferred never wait for deferred ones)."""
            try:
                while running and not (until_deferred and all(s.id in later for s in running.values())):
                    done, _pending = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                    for task in done:
                        step = running.pop(task)
                        result = task.result()
                        results[step.id] = result
                        if result.ok:
                            outputs[step.id] = result.output
                            if checkpoint is not None:
                                checkpoint.done[step.id] = result.output
                                checkpoint.changed()
                            for dependent in direct_dependents[step.id]:
                                waiting_on[dependent.id].discard(step.id)
                                if not waiting_on[dependent.id] and dependent.id not in results:
                                    start(dependent)
                        else:
                            for dependent_id in plan.dependents_of(step.id):
                                if dependent_id not in results:
                                    results[dependent_id] = StepResult(
                                        step_id=dependent_id,
                                        action=plan.step(dependent_id).action,
                                        status=StepStatus.SKIPPED,
                                        error=f"not run because step {step.id} did not succeed",
                                    )
            except BaseException:  # only cancellation: take the running steps down with it
                for task in running:
                    task.cancel()
                if running:
                    await asyncio.wait(running)
                raise

        def report(
            steps: tuple[BoundStep, ...], deferred: tuple[str, ...] = (), wait_s: float = 0.0
        ) -> ExecutionReport:
            ordered = tuple(results[step.id] for step in steps)
            speech = self._speech(steps, ordered, language)
            if deferred and not speech:
                speech = _later_sentence(wait_s, language)
            return ExecutionReport(
                results=ordered,
                speech=speech,
                duration_ms=(time.monotonic() - began) * 1000.0,
                deferred=deferred,
                wait_s=wait_s,
            )

        async def finish_later() -> ExecutionReport:
            await drive(until_deferred=False)
            final = report(order)
            if not final.success:
                _LOGGER.warning(
                    "Deferred steps of a plan did not all succeed: %s",
                    ", ".join(f"{r.step_id}={r.status}" for r in final.results if not r.ok),
                )
            return final

        for step in order:
            if step.id not in results and not waiting_on[step.id]:
                start(step)
        await drive(until_deferred=True)
        if running:
            deferred = tuple(step.id for step in order if step.id not in results)
            wait_s = self._deferred_seconds(plan, deferred, outputs)
            now = report(tuple(step for step in order if step.id in results), deferred, wait_s)
            later_task = self._spawn(finish_later())

            def cancel_steps(task: asyncio.Task[ExecutionReport]) -> None:
                # A task cancelled before it ever ran never reaches drive()'s clean-up: cancel the steps here.
                if task.cancelled():
                    for step_task in running:
                        step_task.cancel()

            later_task.add_done_callback(cancel_steps)
            now = dataclasses.replace(now, later=later_task)
            _LOGGER.debug("Replying after %.1f ms; deferred: %s", now.duration_ms, ", ".join(deferred))
            return now
        done_report = report(order)
        _LOGGER.debug(
            "Executed %d steps in %.1f ms: %s",
            len(done_report.results),
            done_report.duration_ms,
            ", ".join(f"{r.step_id}={r.status}" for r in done_report.results),
        )
        return done_report

    def _rest_of_wait(self, step: BoundStep, outputs: Mapping[str, Any], elapsed_s: float) -> BoundStep:
        """A ``delay`` step that began ``elapsed_s`` ago (before a restart): one that waits what is left."""
        left = max(self._wait_s(step, outputs) - elapsed_s, _SHORTEST_WAIT_S)
        return dataclasses.replace(step, inputs=MappingProxyType({"seconds": left}))

    def _defers(self, step: BoundStep, outputs: Mapping[str, Any]) -> bool:
        """Whether ``step`` is a wait longer than ``defer_after_s`` (see the module doc)."""
        return self._wait_s(step, outputs) > self._defer_after_s

    def _wait_s(self, step: BoundStep, outputs: Mapping[str, Any]) -> float:
        runner = self._runners.get(step.action)
        if step.action != ACTION_DELAY or not isinstance(runner, ExtraTimeRunner):
            return 0.0
        try:
            return runner.extra_time_s(step.resolve_inputs(outputs))
        except Exception:  # an input that does not resolve fails when the step runs, not here
            return 0.0

    def _deferred_seconds(
        self, plan: BoundPlan, deferred: tuple[str, ...], outputs: Mapping[str, Any]
    ) -> float:
        """The longest wait among the deferred steps (what the reply says when nothing else does)."""
        return max((self._wait_s(plan.step(step_id), outputs) for step_id in deferred), default=0.0)

    def _speech(self, order: tuple[BoundStep, ...], results: tuple[StepResult, ...], language: str) -> str:
        """What failed, and what the respond steps say. A respond step that depends on nothing confirms the
        whole plan ("Turned on the fan.", as planners and the starter plans write it): when a step failed
        it is not said, or the user would hear the failure and "done" in one breath."""
        sentences: list[str] = []
        failed = any(result.status in (StepStatus.FAILED, StepStatus.TIMEOUT) for result in results)
        for step, result in zip(order, results, strict=True):
            if result.status in (StepStatus.FAILED, StepStatus.TIMEOUT):
                try:
                    sentences.append(self._failure_speech(step, result, language))
                except Exception:
                    _LOGGER.exception("failure_speech raised for step %s", step.id)
                    sentences.append(default_failure_speech(step, result, language))
            elif result.ok and step.action == ACTION_RESPOND and not (failed and not step.depends_on):
                sentences.append(format_value(result.output).strip())
        return join_sentences((sentence for sentence in sentences if sentence), language)

    async def _run_step(self, step: BoundStep, context: ExecutionContext) -> StepResult:
        """Run one step; every outcome but cancellation of the caller becomes a StepResult."""
        started = time.monotonic()

        def finish(
            status: StepStatus,
            output: Any = None,
            reason: Renderable | None = None,
            error: str | None = None,
            about_request: bool = False,
        ) -> StepResult:
            return StepResult(
                step_id=step.id,
                action=step.action,
                status=status,
                output=output,
                error=error if error is not None or reason is None else reason.render("en"),
                started_at=started,
                duration_ms=(time.monotonic() - started) * 1000.0,
                reason=reason,
                about_request=about_request,
            )

        runner = self._runners.get(step.action)
        if runner is None:
            _LOGGER.warning("No runner for action %r (step %s)", step.action, step.id)
            return finish(StepStatus.FAILED, reason=spoken("no_runner", action=step.action))
        try:
            inputs = step.resolve_inputs(context.outputs)
            timeout_s = self._step_timeout_s
            if isinstance(runner, ExtraTimeRunner):
                timeout_s += max(0.0, float(runner.extra_time_s(inputs)))
        except Exception:
            _LOGGER.exception("Could not prepare step %s (%s)", step.id, step.action)
            return finish(StepStatus.FAILED, reason=_GENERIC_ERROR)
        scope = asyncio.timeout(timeout_s)
        started = time.monotonic()
        try:
            async with scope:
                output = await runner.run(step, inputs, context)
        except TimeoutError as err:
            if scope.expired():
                _LOGGER.warning("Step %s (%s) timed out after %.3g s", step.id, step.action, timeout_s)
                return finish(
                    StepStatus.TIMEOUT, reason=spoken("step_took_too_long", seconds=f"{timeout_s:g}")
                )
            _LOGGER.warning("Step %s (%s) timed out inside its runner: %r", step.id, step.action, err)
            return finish(StepStatus.FAILED, reason=spoken("step_timed_out"))
        except StepError as err:
            _LOGGER.info("Step %s (%s) failed: %s", step.id, step.action, err)
            # A StepError without a catalogue message (a third-party runner's) is said as written in English.
            reason: Renderable = err.spoken or (
                EnglishOnly(str(err), spoken("step_failed")) if str(err) else spoken("step_failed")
            )
            return finish(StepStatus.FAILED, reason=reason, about_request=err.about_request)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # the execution itself is being cancelled
            _LOGGER.warning("Step %s (%s) was cancelled by its runner", step.id, step.action)
            return finish(StepStatus.FAILED, reason=spoken("step_cancelled"))
        except Exception:
            _LOGGER.exception("Step %s (%s) raised an unexpected error", step.id, step.action)
            return finish(StepStatus.FAILED, reason=_GENERIC_ERROR)
        return finish(StepStatus.OK, output=output)
