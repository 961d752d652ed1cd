"""The reuse pipeline — the paper's Algorithm 1, for one request at a time.

    parse → known intent? → strip slots → embed → search the intent's partition
          → hit:  bind this request's slot values into the cached plan → execute
          → miss: plan with the LLM → validate → execute → cache it if it ran without error
    unknown intent → plan with the LLM → execute → not cached

Why here and not in the integration: this is the product's core decision, and it must be testable and
benchmarkable without Home Assistant. The integration hands in the step runners (service calls, MQTT) and a
callable that describes what the planner may use (exposed entities, areas); everything else is here.

Every request returns a :class:`Trace` (hit/miss, similarity, matched entry, per-stage timings), so a user
can see why a request was or was not served from the cache, and benchmarks can read the overheads.

Whether a candidate the cache found may act is the :class:`~.reuse_policy.ReusePolicy`'s call (a fixed γ, or
thresholds learned under a false-reuse budget δ); the pipeline feeds it every fresh plan that a candidate
could have replaced, and hands back sampled reuses to audit (:attr:`Reply.audit`, :meth:`run_audit`).

Why an ``offload`` hook: parsing, embedding and the index search are a few milliseconds of CPU (more for a
long Chinese request) that must not block an event loop shared with everything else in Home Assistant. The
integration runs them in its executor; standalone (tests, benchmarks) they run inline.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

import numpy.typing as npt

from .cache import CacheEntry, CacheLookup, PlanCache, language_family
from .context_area import with_context_area
from .courtesy import without_courtesy
from .errors import AgentReuseError, InputError, PlannerError, PlanValidationError, spoken_error
from .executor import Checkpoint, ExecutionReport, Executor
from .gazetteer import Gazetteer, complete_slots
from .ha_repairs import repair
from .later_requests import CancelRequest, cancel_request
from .local_answers import ANSWERED_LOCALLY, answer_locally
from .nlu import ParsedRequest
from .pending import PendingCommands, SavedCommand
from .plan import BoundPlan, Plan
from .plan_fit import ignores_its_request
from .planner import ExposedEntity, PlannerResult, PlanRequest
from .repairs_words import OWN_INTENTS
from .reuse_policy import Candidate, ReusePolicy
from .speech import Spoken, spoken
from .template import Template, number_repeated_slots, strip_slots
from .zh_script import needs_conversion, with_replies_in

_LOGGER = logging.getLogger(__name__)


class Parser(Protocol):
    def parse(self, text: str, language: str = "") -> ParsedRequest: ...

    @property
    def slot_types(self) -> list[str]: ...


class Embedder(Protocol):
    def embed(self, text: str) -> npt.NDArray[Any]: ...


class Planner(Protocol):
    async def plan(self, request: PlanRequest) -> PlannerResult[Plan]: ...


@dataclass(frozen=True)
class Request:
    """One user request, from any entry point (Assist, MQTT, service call, benchmark)."""

    text: str
    language: str
    request_id: str | None = None
    #: The room of the device the request came from (a voice satellite's area, as Home Assistant names it):
    #: "turn off the lights" said there means that room's (``context_area.py``).
    area: str | None = None


@dataclass(frozen=True)
class PlannerContext:
    """What the planner may act on: the exposed entities, the areas, known MQTT topics."""

    entities: Sequence[ExposedEntity] = ()
    areas: Sequence[str] = ()
    mqtt_topics: Sequence[str] = ()


@dataclass
class Trace:
    """How one request was handled. ``outcome``: hit, miss, unknown_intent, cancel (of commands for later),
    time_left (of commands for later), nevermind (nothing to do: no reply), clock (time or date), host_intent
    (served by the host itself) or error."""

    outcome: str = "error"
    intent: str | None = None
    confidence: float = 0.0
    slots: dict[str, str] = field(default_factory=dict)
    template_text: str = ""
    similarity: float | None = None
    matched_entry_id: str | None = None
    #: Served without computing an embedding: a plan cached for exactly this template text, or the plan the
    #: same template text found by similarity before (its score is the ``similarity``).
    exact_template: bool = False
    miss_reason: str | None = None
    #: The learned threshold the candidate was held to (error-bounded mode only).
    threshold: float | None = None
    #: On a miss with a candidate: whether the fresh plan does what the candidate would have done.
    candidate_equivalent: bool | None = None
    #: This reuse will be re-planned in the background and compared (sampled audit).
    audit: bool = False
    cached: bool = False
    #: Why a planned plan that ran was not cached (it ignores every parameter of its request).
    not_cached: str | None = None
    #: Steps still running in the background after a long delay ("in 5 minutes"): a new plan is cached,
    #: and a reused one counted as a hit or a failure, only once they have run.
    deferred: list[str] = field(default_factory=list)
    #: A cancel request: the commands for later it cancelled (their request texts; none if nothing matched).
    cancelled: list[str] = field(default_factory=list)
    planner_calls: int = 0
    #: The plan came from a planner call another request of the same template had already started.
    shared_plan: bool = False
    timings_ms: dict[str, float] = field(default_factory=dict)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class HostAnswer:
    """The host's own answer to a request (see ``host_intents``): what to say, and whether it worked."""

    speech: str
    success: bool


@dataclass(frozen=True)
class HostIntents:
    """Requests the host serves itself, and how: those of ``intents`` (Home Assistant: its timers) and those
    ``claims`` picks whatever their intent (Home Assistant: questions about several devices). ``serve``
    answers one, or returns None to leave it to the pipeline (its cache and planner)."""

    intents: frozenset[str]
    serve: Callable[[ParsedRequest, Mapping[str, Any]], Awaitable[HostAnswer | None]]
    claims: Callable[[ParsedRequest], bool] = lambda parsed: False

    def takes(self, parsed: ParsedRequest) -> bool:
        """Whether ``serve`` is asked about ``parsed`` (cheap: also decides whether the cache is searched
        before the host has answered)."""
        return parsed.intent in self.intents or self.claims(parsed)


@dataclass(frozen=True)
class Audit:
    """A reuse to re-plan in the background and compare (see :meth:`ReusePipeline.run_audit`)."""

    request: Request
    parsed: ParsedRequest
    template: Template
    candidate: Candidate
    reused: BoundPlan


@dataclass(frozen=True)
class Reply:
    """The spoken answer, whether every step succeeded, the trace, and the execution report if any."""

    speech: str
    success: bool
    trace: Trace
    report: ExecutionReport | None = None
    #: Set when this reuse was sampled for an audit: the caller runs :meth:`ReusePipeline.run_audit` later.
    audit: Audit | None = None
    #: What went wrong when the request failed before or instead of executing (e.g. the planner refused
    #: the API key: the integration then asks the user for a new one).
    error: AgentReuseError | None = None


@dataclass
class PipelineStats:
    """Counters for sensors and diagnostics."""

    requests: int = 0
    hits: int = 0
    misses: int = 0
    unknown_intent: int = 0
    planner_calls: int = 0
    errors: int = 0


@dataclass(frozen=True)
class _Understanding:
    """The CPU-bound half of a request: what was said, its template, and the cache's answer (known intents)."""

    parsed: ParsedRequest
    template: Template
    lookup: CacheLookup | None = None
    embedding: npt.NDArray[Any] | None = None
    #: What it asks to cancel, if it is a cancel request (see ``pending.py``).
    cancel: CancelRequest | None = None


@dataclass
class _PlannerCall:
    """A planner call in flight and how many requests wait for it (see ``ReusePipeline._plan_once``)."""

    call: asyncio.Future[PlannerResult[Plan]]
    waiters: int = 0


def _when_done(report: ExecutionReport, then: Callable[[ExecutionReport], None]) -> None:
    """Call ``then`` with the whole plan's report: now, or when its deferred steps have run (a wait of
    minutes must not keep a new plan out of the cache or a failing one in it). Not at all when the
    deferred steps are cancelled (the entry unloads): they neither succeeded nor failed."""
    if report.later is None:
        then(report)
        return
    if not report.success:  # a step before the wait failed: the deferred ones will not change that
        then(report)
        return

    def finished(task: asyncio.Task[ExecutionReport]) -> None:
        if task.cancelled():
            return
        if (error := task.exception()) is not None:
            _LOGGER.error("Deferred steps ended with an error", exc_info=error)
            return
        then(task.result())

    report.later.add_done_callback(finished)


async def run_inline[T](func: Callable[[], T]) -> T:
    """The default ``offload``: run the blocking function right here."""
    return func()


class _Clock:
    """Per-stage wall-clock timings in milliseconds."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self._last = self.start
        self.timings: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round((now - self._last) * 1000, 3)
        self._last = now

    def total(self) -> None:
        self.timings["total"] = round((time.perf_counter() - self.start) * 1000, 3)


class ReusePipeline:
    """Serve requests from cached plans; plan with the LLM only on a miss."""

    def __init__(
        self,
        parser: Parser,
        embedder: Embedder,
        cache: PlanCache,
        planner: Planner | None,
        executor: Executor,
        planner_context: Callable[[], PlannerContext] = PlannerContext,
        policy: ReusePolicy | None = None,
        offload: Callable[[Callable[[], Any]], Awaitable[Any]] = run_inline,
        gazetteer: Callable[[], Gazetteer] | None = None,
        host_data: Callable[[Mapping[str, Any]], Mapping[str, str]] = lambda extra: {},
        clock: Callable[[], datetime] = lambda: datetime.now().astimezone(),
        host_intents: HostIntents | None = None,
    ) -> None:
        self.parser = parser
        self.embedder = embedder
        self.cache = cache
        self.planner = planner
        self.executor = executor
        self._planner_context = planner_context
        self._offload = offload
        self._gazetteer = gazetteer
        #: What of a request's ``extra`` a command for later keeps to run again after a restart.
        self._host_data = host_data
        #: The home's clock (time questions are answered from it, see ``clock_answers.py``).
        self._clock = clock
        #: Intents the host serves itself: asked after the local answers, before the cache (None: it does not).
        self._host_intents = host_intents
        self.policy = policy or ReusePolicy()
        if self.policy.bounded:
            # The learner decides: the cache must hand over candidates down to the lowest score it may accept.
            self.cache.threshold = self.policy.cache_threshold_floor
        # (entry id, script it replies in if converted) → parsed plan, so hits skip re-validation.
        self._plans: dict[tuple[str, str], Plan] = {}
        # Planner calls in flight, by what they were asked: (intent, template text, slot types, language).
        self._planning: dict[tuple[str, str, frozenset[str], str], _PlannerCall] = {}
        self.stats = PipelineStats()
        #: Commands for later still waiting: a spoken "cancel …" can stop them (see ``pending.py``).
        self.pending = PendingCommands()

    async def handle(self, request: Request, extra: Mapping[str, Any] | None = None) -> Reply:
        """Handle one request end to end. Never raises for bad input or planner trouble: it replies."""
        self.stats.requests += 1
        clock = _Clock()
        trace = Trace()
        try:
            reply = await self._handle(request, extra, clock, trace)
        except AgentReuseError as err:
            reply = self._error(trace, str(err), spoken_error(err), request.language, err)
        except Exception as err:  # a bug must not take the conversation agent down
            _LOGGER.exception("unexpected error handling %r", request.text)
            reply = self._error(
                trace, f"internal error ({type(err).__name__})", spoken("internal"), request.language
            )
        clock.total()
        trace.timings_ms = clock.timings
        return reply

    def _error(
        self, trace: Trace, message: str, said: Spoken, language: str, err: AgentReuseError | None = None
    ) -> Reply:
        """An error reply: the detail in the trace, a short sentence in the request's language as speech."""
        self.stats.errors += 1
        trace.outcome = "error"
        trace.error = message
        return Reply(speech=said.render(language), success=False, trace=trace, error=err)

    async def _handle(
        self, request: Request, extra: Mapping[str, Any] | None, clock: _Clock, trace: Trace
    ) -> Reply:
        if not isinstance(request.text, str) or not request.text.strip():
            raise InputError("the request is empty.", spoken=spoken("empty_request"))
        # The home's own names (read here, on the caller's side: Home Assistant's registries are loop-only).
        known = self._gazetteer() if self._gazetteer is not None else None
        understood: _Understanding = await self._offload(lambda: self._understand(request, clock, known))
        # Back from the executor thread (Home Assistant: about a millisecond on a busy loop), timed apart so
        # that "bind" is the binding alone.
        clock.lap("handoff")
        parsed, template, lookup, embedding, cancel = (
            understood.parsed,
            understood.template,
            understood.lookup,
            understood.embedding,
            understood.cancel,
        )
        trace.intent = parsed.intent
        trace.confidence = round(parsed.confidence, 4)
        trace.slots = parsed.slot_values
        trace.template_text = template.text

        if (local := answer_locally(parsed, cancel, self.pending, self._clock, request.language)) is not None:
            trace.outcome = local.outcome
            trace.cancelled = list(local.cancelled)
            return Reply(local.speech, True, trace)
        if (
            self._host_intents is not None
            and self._host_intents.takes(parsed)
            and (served := await self._host_intents.serve(parsed, dict(extra or {}))) is not None
        ):
            # The host serves this itself (Home Assistant: timers, on the satellite that heard them; questions
            # about several devices, from its own sentences).
            trace.outcome = "host_intent"
            return Reply(served.speech, served.success, trace)
        if parsed.intent is not None and lookup is None:  # skipped above, yet neither answered it
            intent = parsed.intent
            lookup, embedding = await self._offload(
                lambda: self._look_up(intent, template, request.language, clock)
            )

        if parsed.intent is None or lookup is None:
            trace.outcome = "unknown_intent"
            self.stats.unknown_intent += 1
            return await self._plan_and_run(request, parsed, template, None, extra, clock, trace)

        trace.similarity = None if lookup.best_score is None else round(float(lookup.best_score), 4)
        candidate: tuple[Candidate, CacheEntry] | None = None
        if lookup.hit and lookup.entry is not None and lookup.score is not None:
            found = Candidate(parsed.intent, lookup.entry.entry_id, float(lookup.score))
            # None in the fixed-γ mode (the cache already applied γ), else the learned threshold.
            trace.threshold = self.policy.threshold(found.intent, found.entry_id)
            if trace.threshold is None or found.score >= trace.threshold:
                bound = self._bind_cached(lookup.entry, parsed, request.language)
                clock.lap("bind")
                if bound is not None:
                    return await self._reuse(request, parsed, template, found, bound, extra, clock, trace)
                trace.miss_reason = "bind_failed"
            else:
                trace.miss_reason = "below_learned_threshold"
                candidate = (found, lookup.entry)
        else:
            trace.miss_reason = lookup.reason.value if lookup.reason is not None else None
            candidate = self._runner_up(parsed.intent, lookup, template, request.language)
        trace.outcome = "miss"
        self.stats.misses += 1
        if embedding is None:  # an exact match that could not be bound: the new plan needs the vector
            text = template.text
            embedding = await self._offload(lambda: self.embedder.embed(text))
        return await self._plan_and_run(request, parsed, template, embedding, extra, clock, trace, candidate)

    async def _execute(
        self, bound: BoundPlan, request: Request, trace: Trace, extra: Mapping[str, Any] | None
    ) -> ExecutionReport:
        """Run a bound plan; a command for later (steps deferred) is remembered until they have run."""
        checkpoint = Checkpoint()
        report = await self.executor.execute(
            bound, extra=extra, language=request.language, checkpoint=checkpoint
        )
        trace.deferred = list(report.deferred)
        if report.later is not None:
            saved = SavedCommand(
                command_id=uuid.uuid4().hex,
                text=request.text,
                language=request.language,
                intent=trace.intent,
                request_slots=dict(trace.slots),
                plan=bound.plan.to_dict(),
                plan_slots=dict(bound.slots),
                checkpoint=checkpoint,
                due_at=time.time() + report.wait_s,
                host=self._host_data(extra or {}),
            )
            self.pending.add(saved, report.later)
        return report

    async def resume(self, saved: SavedCommand, extra: Mapping[str, Any] | None = None) -> ExecutionReport:
        """Run the rest of a command for later saved before a restart (see ``pending.py``): the steps that
        had not run, a wait that had begun only for what is left of it. Raises PlanValidationError if the
        saved plan is no longer valid (it is then dropped)."""
        try:
            bound = Plan.from_dict(saved.plan).bind(saved.plan_slots)
        except PlanValidationError:
            self.pending.drop(saved.command_id)
            raise
        report = await self.executor.execute(
            bound, extra=extra, language=saved.language, checkpoint=saved.checkpoint
        )
        if report.later is not None:
            self.pending.add(saved, report.later)
        else:
            self.pending.drop(saved.command_id)
        return report

    def _understand(self, request: Request, clock: _Clock, known: Gazetteer | None = None) -> _Understanding:
        """Parse (completing the slots with the home's own names), strip, and for a known intent look the
        template up: verbatim first, else embedded and searched. Blocking; thread-safe (the models and the
        cache are)."""
        parsed = with_context_area(self._parse(request.text, request.language, known), request.area)
        clock.lap("parse")
        template = without_courtesy(strip_slots(parsed))
        cancel = cancel_request(parsed, lambda rest: self._parse(rest, request.language, known))
        if (
            parsed.intent is None
            # Answered without the cache (no embedding, no lookup unless the answer falls through).
            or parsed.intent in ANSWERED_LOCALLY
            or (self._host_intents is not None and self._host_intents.takes(parsed))
            or (cancel and cancel.names_a_command)
        ):
            # Answered without a plan (or planned as unknown): neither embedded nor counted as a cache lookup.
            return _Understanding(parsed, template, cancel=cancel)
        lookup, embedding = self._look_up(parsed.intent, template, request.language, clock)
        return _Understanding(parsed, template, lookup, embedding, cancel)

    def _look_up(
        self, intent: str, template: Template, language: str, clock: _Clock
    ) -> tuple[CacheLookup, npt.NDArray[Any] | None]:
        """The cache's answer for a template: verbatim first, else embedded and searched (then also the
        embedding). Blocking; thread-safe."""
        embedding: npt.NDArray[Any] | None = None
        lookup = self.cache.lookup_exact(intent, template.text, template.signature, language)
        if lookup is None:  # not cached verbatim: embed and search by similarity
            embedding = self.embedder.embed(template.text)
            clock.lap("embed")
            lookup = self.cache.lookup(
                intent, embedding, template.signature, language, template_text=template.text
            )
        clock.lap("search")
        return lookup, embedding

    def _parse(self, text: str, language: str, known: Gazetteer | None) -> ParsedRequest:
        """Parse, complete the slots with the home's own names, and repair the parser's known confusions."""
        parsed = self.parser.parse(text, language)
        unknown = parsed.intent is None
        if known:
            parsed = complete_slots(parsed, known, self.parser.slot_types)
        parsed = repair(parsed)
        if known and unknown and parsed.intent in OWN_INTENTS:
            # The home's names are completed for known intents only; the engine's own intents are known only
            # now ("dim the bed light": the bed light is the step's name, not words of its template).
            parsed = complete_slots(parsed, known, self.parser.slot_types)
        return number_repeated_slots(parsed)

    async def _reuse(
        self,
        request: Request,
        parsed: ParsedRequest,
        template: Template,
        candidate: Candidate,
        bound: BoundPlan,
        extra: Mapping[str, Any] | None,
        clock: _Clock,
        trace: Trace,
    ) -> Reply:
        trace.outcome = "hit"
        trace.matched_entry_id = candidate.entry_id
        trace.exact_template = "embed" not in clock.timings
        trace.similarity = round(candidate.score, 4)
        self.stats.hits += 1
        self.policy.record_reuse(candidate)
        report = await self._execute(bound, request, trace, extra)
        clock.lap("execute")

        def count(outcome: ExecutionReport) -> None:
            if outcome.success:
                self.cache.record_hit(candidate.entry_id)
            elif outcome.plan_failed and self.cache.record_failure(candidate.entry_id):
                # Dropped from the cache: forget its parsed plan in every script it was converted to.
                self._plans = {k: v for k, v in self._plans.items() if k[0] != candidate.entry_id}

        _when_done(report, count)
        audit = None
        if self.planner is not None and self.policy.wants_audit():
            trace.audit = True
            audit = Audit(request, parsed, template, candidate, bound)
        return Reply(report.speech, report.success, trace, report, audit)

    def _runner_up(
        self, intent: str, lookup: CacheLookup, template: Template, language: str
    ) -> tuple[Candidate, CacheEntry] | None:
        """The nearest entry of a miss, if it takes this request's slot types and scores where a learned
        threshold could ever be: the fresh plan will say whether reusing it would have been right."""
        nearest, score = lookup.nearest, lookup.best_score
        if nearest is None or score is None or score < self.policy.evidence_floor:
            return None
        if not nearest.signature_accepts(template.signature) or not nearest.speaks(language_family(language)):
            return None
        return Candidate(intent, nearest.entry_id, float(score)), nearest

    async def run_audit(self, audit: Audit) -> bool | None:
        """Re-plan a reused request and compare what the fresh plan does with what the reused plan did.

        Returns whether they were equivalent, or None when no comparison was possible (planner error, an
        invalid plan). Nothing is executed or cached: the audit only teaches the reuse policy.
        """
        if self.planner is None:
            return None
        try:
            result = await self.planner.plan(self._plan_request(audit.request, audit.parsed, audit.template))
            fresh = result.plan.bind(audit.parsed.slot_values)
        except AgentReuseError as err:
            _LOGGER.debug("audit of %r not possible: %s", audit.request.text, err)
            return None
        self.stats.planner_calls += result.http_calls
        return self.policy.observe_audit(audit.candidate, fresh, audit.reused)

    def _bind_cached(self, entry: CacheEntry, parsed: ParsedRequest, language: str) -> BoundPlan | None:
        """The cached plan bound to this request's slots (None if it needs a slot the request lacks).

        A plan made for the other Chinese script replies in the request's script (打开 → 打開)."""
        convert = needs_conversion(entry.language, language)
        key = (entry.entry_id, language.lower() if convert else "")
        plan = self._plans.get(key)
        try:
            if plan is None:
                plan = Plan.from_dict(with_replies_in(entry.plan, language) if convert else entry.plan)
                if len(self._plans) >= 2 * len(self.cache) + 16:
                    # Entries evicted, demoted or removed since: forget their parsed plans.
                    self._plans = {k: v for k, v in self._plans.items() if k[0] in self.cache}
                self._plans[key] = plan
            return plan.bind(parsed.slot_values)
        except PlanValidationError as err:
            # The cached plan needs a slot type this request lacks (it had more parameters): plan anew.
            _LOGGER.debug("cached plan %s cannot serve %r: %s", entry.entry_id, parsed.text, err)
            return None

    async def _plan_and_run(
        self,
        request: Request,
        parsed: ParsedRequest,
        template: Template,
        embedding: npt.NDArray[Any] | None,
        extra: Mapping[str, Any] | None,
        clock: _Clock,
        trace: Trace,
        candidate: tuple[Candidate, CacheEntry] | None = None,
    ) -> Reply:
        if self.planner is None:
            raise PlannerError("no planner is configured or reachable", spoken=spoken("no_planner"))
        try:
            result, shared = await self._plan_once(self.planner, request, parsed, template)
        finally:
            clock.lap("plan")
        if shared:
            trace.shared_plan = True
        else:
            trace.planner_calls = result.http_calls
            self.stats.planner_calls += result.http_calls
        bound = result.plan.bind(parsed.slot_values)
        report = await self._execute(bound, request, trace, extra)
        clock.lap("execute")
        if candidate is not None and report.success:
            # The planner ran anyway: what it wrote labels the candidate's score for the reuse policy.
            reused = self._bind_cached(candidate[1], parsed, request.language)
            if reused is not None:
                trace.candidate_equivalent = self.policy.observe(candidate[0], bound, reused)
        if parsed.intent is not None and embedding is not None:
            intent = parsed.intent

            def cache(outcome: ExecutionReport) -> None:
                if not outcome.success:
                    return
                if ignores_its_request(result.plan, template.signature):
                    # It did this request's work with values written into it: reused for other values, it
                    # would do the same work again. Served once, planned afresh next time.
                    trace.not_cached = (
                        "the plan uses none of the request's parameters "
                        f"({', '.join(sorted(template.signature))}) outside its reply"
                    )
                    return
                self.cache.add(
                    intent=intent,
                    template_text=template.text,
                    embedding=embedding,
                    plan=result.plan.to_dict(),
                    # The plan was made for this request's signature: it takes these slot types even where
                    # it does not reference them all (so the same request hits next time).
                    parameters=result.plan.parameters | template.signature,
                    entities=result.plan.referenced_entities(),
                    language=request.language,
                )
                trace.cached = True

            _when_done(report, cache)
        return Reply(report.speech, report.success, trace, report)

    async def _plan_once(
        self, planner: Planner, request: Request, parsed: ParsedRequest, template: Template
    ) -> tuple[PlannerResult[Plan], bool]:
        """The planner's plan for this request, and whether it was shared with one already being made.

        Why: a voice user who hears nothing for a few seconds says the command again, and two satellites
        can ask for the same kind of thing at once; while the planner works on a template, the cache cannot
        serve it yet. Requests with the same intent, template text, slot types and language wait for that
        one call (each then binds its own slot values and runs the plan) instead of paying for another.
        Unknown intents are never shared (their plan is not meant for reuse). A caller that gives up (Home
        Assistant cancels a conversation) does not cancel the call while others still wait for it; the last
        one to give up does.
        """
        if parsed.intent is None:
            return await planner.plan(self._plan_request(request, parsed, template)), False
        key = (parsed.intent, template.text, template.signature, request.language.lower())
        flight = self._planning.get(key)
        shared = flight is not None
        if flight is None:
            call = asyncio.ensure_future(planner.plan(self._plan_request(request, parsed, template)))
            flight = self._planning[key] = _PlannerCall(call)
        flight.waiters += 1
        try:
            return await asyncio.shield(flight.call), shared
        finally:
            flight.waiters -= 1
            if flight.waiters == 0:
                # The last one out forgets the call (later requests hit the cache or plan afresh) and, if it
                # is still running, stops it: nobody is left to use its plan. (``shield`` has retrieved any
                # exception for the waiters.)
                if self._planning.get(key) is flight:
                    del self._planning[key]
                flight.call.cancel()

    def _plan_request(self, request: Request, parsed: ParsedRequest, template: Template) -> PlanRequest:
        context = self._planner_context()
        return PlanRequest(
            template_text=template.text,
            slot_types=sorted(template.signature),
            intent=parsed.intent,
            language=request.language,
            entities=context.entities,
            areas=context.areas,
            mqtt_topics=context.mqtt_topics,
        )
