"""Runtime data of a config entry, and the one function every entry point uses to handle a request.

Why one ``async_handle``: requests arrive through Assist (the conversation entity), the
``agent_reuse.process`` action and the MQTT request topic. All three must pass the same per-request data
to the runners (the user's context, the satellite device), keep the same trace history for diagnostics,
schedule the same cache save and refresh the same sensors, so that lives here once.

It also hears spoken corrections: "that's wrong" / "不对" (``engine/corrections.py``) from the same
conversation or the same satellite within :data:`CORRECTION_WINDOW_S` of a reused plan reports that reuse to
the reuse policy and drops the plan (in the fixed-threshold mode) so the next such request is planned anew.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_send

from .cache_store import CacheStore
from .const import (
    DOMAIN,
    EXTRA_CONTEXT,
    EXTRA_DEVICE_ID,
    EXTRA_LANGUAGE,
    LOGGER,
    SIGNAL_STATS_UPDATED,
    TRACE_HISTORY,
)
from .engine.cache import PlanCache
from .engine.corrections import is_correction
from .engine.errors import PlanValidationError, is_auth_error
from .engine.executor import ExecutionReport
from .engine.pending import SavedCommand
from .engine.pipeline import Audit, Reply, Request, ReusePipeline, Trace
from .engine.reuse_policy import Candidate
from .engine.said_language import name_in_language, said_language
from .engine.speech import spoken
from .invalidation import CacheInvalidator
from .later_store import LaterStore
from .loader import SharedModels
from .runners import device_area

#: Outcomes after which the cache changed (an entry was added, or its hit/failure counters moved).
_CACHE_TOUCHING_OUTCOMES = frozenset({"hit", "miss"})
#: How long after a reuse "that's wrong" still refers to it.
CORRECTION_WINDOW_S = 120.0
#: How many conversations and satellites the latest reuse is remembered for.
_SPEAKERS_REMEMBERED = 256


@dataclass
class AgentReuseData:
    """Everything one entry runs on."""

    hass: HomeAssistant
    entry_id: str
    models: SharedModels
    pipeline: ReusePipeline
    store: CacheStore
    invalidator: CacheInvalidator
    settings: dict[str, Any]
    later: LaterStore
    traces: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=TRACE_HISTORY))
    #: conversation id or satellite device id → (plan id of its latest reuse, monotonic time), oldest first
    _last_reuse: OrderedDict[str, tuple[str, float]] = field(default_factory=OrderedDict)
    #: Numbers the notifications of failed commands for later (one each, none replaces another).
    _later_failures: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def cache(self) -> PlanCache:
        """The entry's plan cache."""
        return self.pipeline.cache

    async def async_handle(
        self,
        text: str,
        language: str,
        *,
        context: Context | None = None,
        device_id: str | None = None,
        request_id: str | None = None,
    ) -> Reply:
        """Run one request through the engine; never raises for bad input or planner trouble."""
        # Chinese typed into an English pipeline is Chinese (and English into a Chinese one is English): the
        # cache serves each language its own plans, and the reply should be in the words the user used.
        language = said_language(text, language)
        speakers = [key for key in (request_id, device_id) if key]
        reply = self._async_correct(speakers, language) if is_correction(text) else None
        if reply is None:
            reply = await self._async_run(text, language, context, device_id, request_id, speakers)
        self.traces.append({"request_id": request_id, "language": language, **reply.trace.as_dict()})
        self.async_notify_changed()
        return reply

    async def _async_run(
        self,
        text: str,
        language: str,
        context: Context | None,
        device_id: str | None,
        request_id: str | None,
        speakers: list[str],
    ) -> Reply:
        extra: dict[str, Any] = {
            EXTRA_CONTEXT: context or Context(),
            EXTRA_LANGUAGE: language,
            EXTRA_DEVICE_ID: device_id,
        }
        room = device_area(self.hass, device_id)
        area = name_in_language(room.name, room.aliases, language) if room is not None else None
        request = Request(text, language, request_id, area=area)
        reply = await self.pipeline.handle(request, extra)
        if reply.trace.outcome in _CACHE_TOUCHING_OUTCOMES:
            self.store.async_schedule_save()
        if reply.report is not None and reply.report.later is not None:
            # "in 5 minutes": the plan is cached (or its reuse counted) when the deferred steps have run.
            reply.report.later.add_done_callback(functools.partial(self._async_deferred_done, text, language))
        if is_auth_error(reply.error) and (entry := self.hass.config_entries.async_get_entry(self.entry_id)):
            # The key was revoked or rotated: ask for a new one (once; Home Assistant keeps one flow per
            # entry). Cached plans keep working meanwhile.
            entry.async_start_reauth(self.hass)
        if reply.trace.outcome == "hit" and reply.trace.matched_entry_id:
            for key in speakers:
                self._last_reuse[key] = (reply.trace.matched_entry_id, time.monotonic())
                self._last_reuse.move_to_end(key)
            while len(self._last_reuse) > _SPEAKERS_REMEMBERED:
                self._last_reuse.popitem(last=False)
        if reply.audit is not None and (entry := self.hass.config_entries.async_get_entry(self.entry_id)):
            # After the reply: the user never waits for the audit's planner call. An entry task, so an
            # unload cancels it before it could touch the files of the entry's next setup.
            entry.async_create_background_task(
                self.hass,
                self._async_audit(reply.audit),
                f"agent_reuse audit {self.entry_id}",
                eager_start=False,
            )
        return reply

    def _async_deferred_done(self, text: str, language: str, task: asyncio.Task[ExecutionReport]) -> None:
        """Deferred steps have run: save what the pipeline cached or counted for them. If one failed, say so
        in a notification: the conversation that asked is long over, and its "Okay, in 5 minutes." stands."""
        if task.cancelled():
            return
        self.store.async_schedule_save()
        self.async_notify_changed()
        report = task.result() if task.exception() is None else None
        self._async_notify_if_failed(text, language, report)

    def _async_notify_if_failed(self, text: str, language: str, report: ExecutionReport | None) -> None:
        """A notification when a command for later did not work (``report`` None: it raised)."""
        if report is not None and report.success:
            return
        said = report.speech if report is not None else spoken("internal").render(language)
        persistent_notification.async_create(
            self.hass,
            spoken("later_failed", text=text, reason=said).render(language),
            title=spoken("later_failed_title").render(language),
            notification_id=f"{DOMAIN}_later_{self.entry_id}_{next(self._later_failures)}",
        )

    def async_start_resume(self, entry: ConfigEntry, saved: SavedCommand) -> None:
        """Run on a command for later saved before a restart or reload, as a task of ``entry``."""
        entry.async_create_background_task(
            self.hass, self._async_resume(saved), f"{DOMAIN} command for later {saved.command_id}"
        )

    async def _async_resume(self, saved: SavedCommand) -> None:
        extra = {
            EXTRA_CONTEXT: Context(),
            EXTRA_LANGUAGE: saved.language,
            EXTRA_DEVICE_ID: saved.host.get("device_id"),
        }
        try:
            report = await self.pipeline.resume(saved, extra)
        except PlanValidationError as err:
            LOGGER.warning("A saved command for later (%r) cannot run any more: %s", saved.text, err)
            self._async_notify_if_failed(saved.text, saved.language, None)
            return
        LOGGER.debug("Resumed the command for later %r", saved.text)
        if report.later is not None:
            report.later.add_done_callback(
                functools.partial(self._async_deferred_done, saved.text, saved.language)
            )
        else:
            self._async_notify_if_failed(saved.text, saved.language, report)

    def async_report_wrong_reuse(self, plan_id: str) -> Candidate | None:
        """The latest reuse of this plan was wrong: tell the reuse policy and save what it learned (None if no
        reuse of that plan is remembered). The ``report_wrong_reuse`` action and spoken corrections use it."""
        candidate = self.pipeline.policy.report_wrong(plan_id)
        if candidate is not None:
            self.store.async_schedule_save()
        return candidate

    def _async_correct(self, speakers: list[str], language: str) -> Reply | None:
        """Report the speaker's latest reuse as wrong; None if there is none within the window."""
        now = time.monotonic()
        for key in speakers:
            plan_id, when = self._last_reuse.get(key, ("", 0.0))
            if not plan_id or now - when > CORRECTION_WINDOW_S:
                continue
            for other in [k for k, (p, _) in self._last_reuse.items() if p == plan_id]:
                del self._last_reuse[other]
            self.async_report_wrong_reuse(plan_id)
            if not self.pipeline.policy.bounded:
                # γ alone would serve it again: drop the plan, the next such request is planned anew.
                self.cache.remove(plan_id)
                self.pipeline.policy.forget(plan_id)
                self.store.async_schedule_save()
            trace = Trace(outcome="correction", matched_entry_id=plan_id)
            return Reply(speech=spoken("correction_ack").render(language), success=True, trace=trace)
        return None

    async def _async_audit(self, audit: Audit) -> None:
        """Re-plan a sampled reuse and teach the reuse policy whether it was right."""
        if await self.pipeline.run_audit(audit) is not None:
            self.store.async_schedule_save()
            self.async_notify_changed()

    def async_notify_changed(self) -> None:
        """Tell the sensors the counters or the cache changed."""
        async_dispatcher_send(self.hass, SIGNAL_STATS_UPDATED.format(self.entry_id))


type AgentReuseConfigEntry = ConfigEntry[AgentReuseData]
