"""Persistence of one entry's plan cache and reuse evidence: load at setup, coalesced saves, a final save.

Why a file of our own and not ``helpers.storage.Store``: the engine's :class:`PlanCache` already writes an
atomic, versioned JSON file with its FAISS embeddings and moves a corrupt or stale file aside; wrapping it
in Store would duplicate that and double the memory during a save. The file lives where Store files live
(``.storage/agent_reuse/<entry_id>.json``), so backups include it and a reload finds its plans again.

Why debounced: every hit updates the entry's counters and LRU position. Writing after each request would
cost a disk write (and an fsync) per voice command; a burst of requests is coalesced into one write a few
seconds later, and the last state is written when the entry unloads or Home Assistant stops.

The reuse policy's evidence (what the error-bounded mode has learned: ``engine/reuse_policy.py``) is a second
file beside the plans (``<entry_id>.reuse.json``), written by the same debounced save: it is what a home has
taught the agent about when reuse goes wrong, and must survive restarts like the plans do.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import CALLBACK_TYPE, Event, HassJob, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later

from .const import CACHE_SAVE_DELAY_S, DOMAIN, ISSUE_CACHE_MOVED_ASIDE, LOGGER
from .engine.bounded import BoundedThresholds
from .engine.cache import PlanCache
from .engine.errors import CacheFileError
from .engine.plan_fit import cached_plan_problem
from .engine.reuse_policy import load_learner, save_learner


def cache_path(hass: HomeAssistant, entry_id: str) -> Path:
    """Where an entry's plans are stored."""
    return Path(hass.config.path(".storage", DOMAIN, f"{entry_id}.json"))


def policy_path(hass: HomeAssistant, entry_id: str) -> Path:
    """Where an entry's reuse evidence is stored."""
    return Path(hass.config.path(".storage", DOMAIN, f"{entry_id}.reuse.json"))


async def async_load_learner(hass: HomeAssistant, entry_id: str, delta: float) -> BoundedThresholds:
    """The entry's saved reuse evidence with budget ``delta`` (the shipped prior if none; a bad file is
    moved aside with a warning)."""
    loaded = await hass.async_add_executor_job(load_learner, policy_path(hass, entry_id), delta)
    if loaded.problem is not None:
        LOGGER.warning("Reuse evidence of %s: %s", entry_id, loaded.problem)
    return loaded.learner


async def async_load_cache(
    hass: HomeAssistant,
    entry_id: str,
    *,
    dim: int,
    embedder_id: str,
    threshold: float,
    max_entries: int,
) -> PlanCache:
    """Load the entry's cache (in the executor); a moved-aside file becomes a repair issue."""
    path = cache_path(hass, entry_id)
    cache = await hass.async_add_executor_job(
        lambda: PlanCache.load(path, dim, embedder_id, threshold=threshold, max_entries=max_entries)
    )
    if cache.load_problem is not None:
        ir.async_create_issue(
            hass,
            DOMAIN,
            ISSUE_CACHE_MOVED_ASIDE.format(entry_id),
            is_fixable=True,
            is_persistent=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="cache_moved_aside",
            translation_placeholders={
                "problem": cache.load_problem,
                "moved_to": str(cache.moved_aside_to or "-"),
                "kind": cache.load_problem_kind or "corrupt",
            },
            data={"entry_id": entry_id},
        )
    return cache


def drop_unfit_plans(cache: PlanCache) -> int:
    """Remove the cached plans that do not serve their request (see ``engine/plan_fit.py``); return how many.

    Why: plans an older version cached, before those rules, stay in the file (a temperature question that
    the demo's planner answered with an MQTT command). Dropped, the next such request is planned afresh.
    Blocking (it validates every plan): call it from an executor thread.
    """
    dropped = 0
    for entry in cache.entries():
        if (problem := cached_plan_problem(entry.intent, entry.plan, entry.parameters)) is not None:
            cache.remove(entry.entry_id)
            dropped += 1
            LOGGER.warning(
                "Dropped the cached plan for %r (%s): %s", entry.template_text, entry.intent, problem
            )
    return dropped


class CacheStore:
    """Saves one cache file, at most once per :data:`CACHE_SAVE_DELAY_S` and finally on shutdown."""

    def __init__(
        self,
        hass: HomeAssistant,
        cache: PlanCache,
        path: Path,
        learner: BoundedThresholds | None = None,
        learner_path: Path | None = None,
    ) -> None:
        self.hass = hass
        self.cache = cache
        self.path = path
        self.learner = learner
        self.learner_path = learner_path
        self._dirty = False
        self._cancel_timer: CALLBACK_TYPE | None = None
        self._cancel_final_write: CALLBACK_TYPE | None = None
        self._closed = False
        self.saves = 0

    @callback
    def async_start(self) -> None:
        """Save once more when Home Assistant writes its final state (entries are not unloaded on stop)."""
        self._cancel_final_write = self.hass.bus.async_listen_once(
            EVENT_HOMEASSISTANT_FINAL_WRITE, self._async_final_write
        )

    async def _async_final_write(self, _event: Event) -> None:
        self._cancel_final_write = None
        await self.async_save()

    @callback
    def async_schedule_save(self) -> None:
        """Mark the cache changed; write it in a little while (coalesces bursts)."""
        if self._closed:  # after the final save: a late caller must not overwrite the next setup's files
            return
        self._dirty = True
        if self._cancel_timer is None:
            self._cancel_timer = async_call_later(
                self.hass,
                CACHE_SAVE_DELAY_S,
                HassJob(self._async_timer_fired, "agent_reuse cache save", cancel_on_shutdown=True),
            )

    async def _async_timer_fired(self, _now: datetime) -> None:
        self._cancel_timer = None
        await self.async_save()

    async def async_save(self) -> None:
        """Write now if anything changed (never raises: a failed write is logged and retried later)."""
        if self._cancel_timer is not None:
            self._cancel_timer()
            self._cancel_timer = None
        if not self._dirty:
            return
        self._dirty = False
        try:
            await self.hass.async_add_executor_job(self._write)
        except CacheFileError as err:
            self._dirty = True
            LOGGER.warning("Could not save the plan cache: %s", err)
            return
        self.saves += 1

    def _write(self) -> None:
        self.cache.save(self.path)
        if self.learner is not None and self.learner_path is not None:
            save_learner(self.learner, self.learner_path)

    async def async_shutdown(self) -> None:
        """Final save at unload; stops listening and ignores later requests to save."""
        if self._cancel_final_write is not None:
            self._cancel_final_write()
            self._cancel_final_write = None
        await self.async_save()
        self._closed = True
