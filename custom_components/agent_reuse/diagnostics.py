"""Diagnostics: settings (API key redacted), cache and pipeline counters, the last request traces.

Why traces: "why did this request call the LLM again?" is the question users will ask; the trace answers
it (intent, similarity vs threshold, miss reason, timings). Slot values appear in traces, the API key never.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .const import CONF_API_KEY
from .data import AgentReuseConfigEntry

TO_REDACT = {CONF_API_KEY}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: AgentReuseConfigEntry
) -> dict[str, Any]:
    """Diagnostics of one entry."""
    data = entry.runtime_data
    cache_stats = data.cache.stats()
    return {
        "entry": {
            "title": entry.title,
            "data": async_redact_data(dict(entry.data), TO_REDACT),
            "options": async_redact_data(dict(entry.options), TO_REDACT),
        },
        "models": {
            "parser_label_space": data.models.parser.label_space,
            "embedder": data.models.embedder.model_id,
        },
        "pipeline": dataclasses.asdict(data.pipeline.stats),
        "cache": {
            **dataclasses.asdict(cache_stats),
            "hit_rate": cache_stats.hit_rate,
            "saves": data.store.saves,
        },
        "cache_entries": [
            {
                "entry_id": item.entry_id,
                "intent": item.intent,
                "template_text": item.template_text,
                "language": item.language,
                "parameters": sorted(item.parameters),
                "entities": sorted(item.entities),
                "hits": item.hits,
                "failures": item.failures,
                "plan": item.plan,
            }
            for item in data.cache.entries()
        ],
        "reuse_policy": data.pipeline.policy.summary(),
        "invalidated_plans": data.invalidator.removed,
        "commands_for_later": [command.as_dict() for command in data.pipeline.pending.waiting()],
        "last_traces": list(data.traces),
    }
