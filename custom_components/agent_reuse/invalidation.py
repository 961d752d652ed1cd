"""Drops cached plans whose literal entity references no longer point at an exposed entity.

Why: a cached plan may name an entity literally (``"entity_id": "light.kitchen"`` or ``"name": "Desk
lamp"``) instead of through a slot placeholder. When that entity is removed, renamed or un-exposed, the
plan would fail (the runners refuse it) until it is demoted after repeated failures; worse, a *new* entity
that takes the old name would silently inherit the plan. So the entry listens to the same signals Assist's
default agent rebuilds its slot lists on — entity-registry changes and exposure changes — and re-checks
the literal references of the cached plans. Plans that address things only through slots (``{slot.name}``,
``{slot.area}``) reference nothing literally and are never dropped here: the new name is bound on the next
request.

Removed and renamed entity ids are dropped at once; everything else is re-checked after a short delay,
because a rename writes the registry first and the entity's new state a moment later.
"""

from __future__ import annotations

from datetime import datetime

from homeassistant.components.homeassistant.exposed_entities import async_listen_entity_updates
from homeassistant.core import CALLBACK_TYPE, Event, HassJob, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_call_later

from .const import ASSISTANT, INVALIDATION_DELAY_S, LOGGER
from .engine.cache import PlanCache
from .runners import referenced_entity_ok


class CacheInvalidator:
    """Listens to registry and exposure changes of one entry and prunes its cache."""

    def __init__(self, hass: HomeAssistant, cache: PlanCache, on_change: CALLBACK_TYPE) -> None:
        self.hass = hass
        self.cache = cache
        self._on_change = on_change
        self._unsubs: list[CALLBACK_TYPE] = []
        self._cancel_sweep: CALLBACK_TYPE | None = None
        self.removed = 0

    @callback
    def async_start(self) -> None:
        """Start listening."""
        self._unsubs = [
            self.hass.bus.async_listen(er.EVENT_ENTITY_REGISTRY_UPDATED, self._async_registry_updated),
            async_listen_entity_updates(self.hass, ASSISTANT, self.async_schedule_sweep),
        ]

    @callback
    def async_stop(self) -> None:
        """Stop listening and cancel a pending sweep."""
        for unsub in self._unsubs:
            unsub()
        self._unsubs = []
        if self._cancel_sweep is not None:
            self._cancel_sweep()
            self._cancel_sweep = None

    @callback
    def _async_registry_updated(self, event: Event[er.EventEntityRegistryUpdatedData]) -> None:
        data = event.data
        if data["action"] == "create":
            return
        if data["action"] == "remove":
            self._drop(data["entity_id"], "removed")
        elif data["action"] == "update" and "old_entity_id" in data:
            self._drop(data["old_entity_id"], "renamed")
        self.async_schedule_sweep()

    @callback
    def _drop(self, reference: str, why: str) -> None:
        removed = self.cache.remove_entity(reference)
        if removed:
            LOGGER.info("Dropped %d cached plan(s) that use %s (%s)", removed, reference, why)
            self.removed += removed
            self._on_change()

    @callback
    def async_schedule_sweep(self) -> None:
        """Re-check every literal reference in a moment (bursts of events cause one sweep)."""
        if self._cancel_sweep is None:
            self._cancel_sweep = async_call_later(
                self.hass,
                INVALIDATION_DELAY_S,
                HassJob(self._async_sweep_timer, "agent_reuse cache sweep", cancel_on_shutdown=True),
            )

    @callback
    def _async_sweep_timer(self, _now: datetime) -> None:
        self._cancel_sweep = None
        self.async_sweep()

    @callback
    def async_sweep(self) -> int:
        """Drop the plans with a reference that is gone or no longer exposed; returns how many."""
        references = {reference for entry in self.cache.entries() for reference in entry.entities}
        before = self.removed
        for reference in sorted(references):
            if not referenced_entity_ok(self.hass, reference):
                self._drop(reference, "gone or no longer exposed to Assist")
        return self.removed - before
