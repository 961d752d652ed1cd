"""Actions: ``agent_reuse.process`` (text in, speech + trace out), ``agent_reuse.clear_cache`` (all plans,
or those of an intent, of an entity, or one plan by id) and ``agent_reuse.report_wrong_reuse`` (a reused plan
did the wrong thing: the reuse policy learns from it).

Why ``process`` next to ``conversation.process``: it returns the engine's trace (hit/miss, similarity,
timings), which automations and scripts can branch on and users can inspect from the developer tools; and
it lets a script pick the entry (planner) explicitly. Why registered in ``async_setup``: actions must exist
(and explain themselves) even when no entry is loaded.
"""

from __future__ import annotations

import voluptuous as vol
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from .const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_ENTITY_ID,
    ATTR_INTENT,
    ATTR_LANGUAGE,
    ATTR_PLAN_ID,
    ATTR_TEXT,
    DOMAIN,
    SERVICE_CLEAR_CACHE,
    SERVICE_PROCESS,
    SERVICE_REPORT_WRONG_REUSE,
)
from .data import AgentReuseConfigEntry
from .engine.cache import PlanCache

PROCESS_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_TEXT): vol.All(cv.string, vol.Length(min=1, max=2000)),
        vol.Optional(ATTR_LANGUAGE): cv.string,
        vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
    }
)
CLEAR_CACHE_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Optional(ATTR_INTENT): cv.string,
        vol.Optional(ATTR_ENTITY_ID): cv.string,
        vol.Optional(ATTR_PLAN_ID): cv.string,
    }
)

REPORT_WRONG_REUSE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_PLAN_ID): vol.All(cv.string, vol.Length(min=1, max=64)),
        vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
    }
)


def _loaded_entries(hass: HomeAssistant, entry_id: str | None) -> list[AgentReuseConfigEntry]:
    """The entry asked for, or all loaded ones (also for ``""``, a blueprint's empty input)."""
    if entry_id:
        entry = hass.config_entries.async_get_entry(entry_id)
        if entry is None or entry.domain != DOMAIN:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="entry_not_found",
                translation_placeholders={"entry_id": entry_id},
            )
        if entry.state is not ConfigEntryState.LOADED:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="entry_not_loaded",
                translation_placeholders={"title": entry.title},
            )
        return [entry]
    entries = hass.config_entries.async_loaded_entries(DOMAIN)
    if not entries:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="no_loaded_entry")
    return entries


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""

    async def async_process(call: ServiceCall) -> ServiceResponse:
        entry = _loaded_entries(hass, call.data.get(ATTR_CONFIG_ENTRY_ID))[0]
        reply = await entry.runtime_data.async_handle(
            call.data[ATTR_TEXT],
            call.data.get(ATTR_LANGUAGE) or hass.config.language,
            context=call.context,
        )
        return {"speech": reply.speech, "success": reply.success, "trace": reply.trace.as_dict()}

    async def async_clear_cache(call: ServiceCall) -> ServiceResponse:
        intent_name: str | None = call.data.get(ATTR_INTENT)
        entity: str | None = call.data.get(ATTR_ENTITY_ID)
        plan_id: str | None = call.data.get(ATTR_PLAN_ID)
        removed = 0
        for entry in _loaded_entries(hass, call.data.get(ATTR_CONFIG_ENTRY_ID)):
            data = entry.runtime_data
            if intent_name is None and entity is None and plan_id is None:
                removed += len(data.cache)
                data.cache.clear()
            else:
                if intent_name is not None:
                    removed += data.cache.remove_intent(intent_name)
                if entity is not None:
                    removed += _remove_entity(hass, data.cache, entity)
                if plan_id is not None:
                    # One plan that did the wrong thing: its id is the trace's matched_entry_id.
                    removed += int(data.cache.remove(plan_id.strip()))
                    data.pipeline.policy.forget(plan_id.strip())
            data.store.async_schedule_save()
            data.async_notify_changed()
        return {"removed": removed}

    async def async_report_wrong_reuse(call: ServiceCall) -> ServiceResponse:
        """The latest reuse of this plan was wrong: lift its threshold (error-bounded mode) and say how."""
        plan_id = call.data[ATTR_PLAN_ID].strip()
        for entry in _loaded_entries(hass, call.data.get(ATTR_CONFIG_ENTRY_ID)):
            data = entry.runtime_data
            candidate = data.async_report_wrong_reuse(plan_id)
            if candidate is None:
                continue
            data.async_notify_changed()
            policy = data.pipeline.policy
            # Error-budget mode: the plan's new threshold, None when it is not reused at all until new evidence
            # shows it is right again. Fixed mode: γ, unchanged (the evidence waits for the other mode).
            threshold = policy.threshold(candidate.intent, candidate.entry_id)
            if threshold is None:
                threshold = data.cache.threshold
            return {
                "recorded": True,
                "intent": candidate.intent,
                "similarity": round(candidate.score, 4),
                "mode": "bounded" if policy.bounded else "threshold",
                "plan_threshold": threshold if threshold <= 1.0 else None,
            }
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_recent_reuse",
            translation_placeholders={"plan_id": plan_id},
        )

    hass.services.async_register(
        DOMAIN,
        SERVICE_PROCESS,
        async_process,
        schema=PROCESS_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_CLEAR_CACHE,
        async_clear_cache,
        schema=CLEAR_CACHE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_REPORT_WRONG_REUSE,
        async_report_wrong_reuse,
        schema=REPORT_WRONG_REUSE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )


def _remove_entity(hass: HomeAssistant, cache: PlanCache, entity_id: str) -> int:
    """Drop the plans that use an entity by id or by its current name."""
    removed = cache.remove_entity(entity_id)
    if (state := hass.states.get(entity_id)) is not None and state.name != entity_id:
        removed += cache.remove_entity(state.name)
    return removed
