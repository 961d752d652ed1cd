"""Runtime data of a config entry, and the one function every entry point uses to handle a request.

Why one ``async_handle``: requests arrive through Assist (the conversation entity), the
``agent_reuse.process`` action and the MQTT request topic. All three must pass the same per-request data
to the runners (the user's context, the satellite device), keep the same trace history for diagnostics,
schedule the same cache save and refresh the same sensors, so that lives here once.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_send

from .cache_store import CacheStore
from .const import (
    EXTRA_CONTEXT,
    EXTRA_DEVICE_ID,
    EXTRA_LANGUAGE,
    SIGNAL_STATS_UPDATED,
    TRACE_HISTORY,
)
from .engine.cache import PlanCache
from .engine.pipeline import Audit, Reply, Request, ReusePipeline
from .invalidation import CacheInvalidator
from .loader import SharedModels

#: Outcomes after which the cache changed (an entry was added, or its hit/failure counters moved).
_CACHE_TOUCHING_OUTCOMES = frozenset({"hit", "miss"})


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
    traces: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=TRACE_HISTORY))

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
        extra: dict[str, Any] = {
            EXTRA_CONTEXT: context or Context(),
            EXTRA_LANGUAGE: language,
            EXTRA_DEVICE_ID: device_id,
        }
        reply = await self.pipeline.handle(
            Request(text=text, language=language, request_id=request_id), extra
        )
        self.traces.append({"request_id": request_id, "language": language, **reply.trace.as_dict()})
        if reply.trace.outcome in _CACHE_TOUCHING_OUTCOMES:
            self.store.async_schedule_save()
        if reply.audit is not None and (entry := self.hass.config_entries.async_get_entry(self.entry_id)):
            # After the reply: the user never waits for the audit's planner call. An entry task, so an
            # unload cancels it before it could touch the files of the entry's next setup.
            entry.async_create_background_task(
                self.hass,
                self._async_audit(reply.audit),
                f"agent_reuse audit {self.entry_id}",
                eager_start=False,
            )
        self.async_notify_changed()
        return reply

    async def _async_audit(self, audit: Audit) -> None:
        """Re-plan a sampled reuse and teach the reuse policy whether it was right."""
        if await self.pipeline.run_audit(audit) is not None:
            self.store.async_schedule_save()
            self.async_notify_changed()

    def async_notify_changed(self) -> None:
        """Tell the sensors the counters or the cache changed."""
        async_dispatcher_send(self.hass, SIGNAL_STATS_UPDATED.format(self.entry_id))


type AgentReuseConfigEntry = ConfigEntry[AgentReuseData]
