"""Diagnostic sensors: how many plans are cached, how often they are reused, how often the LLM is called,
and how many commands for later are waiting.

Why these: the first three answer the user's question "is this saving me LLM calls?" at a glance and can be
graphed; everything finer (per-request traces, miss reasons) is in diagnostics. The fourth answers "will the
heater really go off?" — its attributes list each waiting command and when it is due. The counters behind the
hit rate and planner calls are the engine's since the entry was loaded, so they restart at a reload
(``TOTAL_INCREASING`` handles the reset for the planner-call statistics).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .const import SIGNAL_STATS_UPDATED
from .data import AgentReuseConfigEntry, AgentReuseData
from .entity import AgentReuseEntity

PARALLEL_UPDATES = 0


def hit_rate(data: AgentReuseData) -> float | None:
    """Hits among the requests with a known intent (unknown intents are never cacheable)."""
    stats = data.pipeline.stats
    looked_up = stats.hits + stats.misses
    return round(100.0 * stats.hits / looked_up, 1) if looked_up else None


@dataclass(frozen=True, kw_only=True)
class AgentReuseSensorDescription(SensorEntityDescription):
    """A sensor and the function that reads its value."""

    value_fn: Callable[[AgentReuseData], float | int | None]
    attributes_fn: Callable[[AgentReuseData], dict[str, Any]] | None = None


def commands_for_later(data: AgentReuseData) -> dict[str, Any]:
    """Each waiting command: what was said and when it is due."""
    return {
        "commands": [
            {
                "text": command.text,
                "due": dt_util.utc_from_timestamp(command.saved.due_at).isoformat(timespec="seconds"),
            }
            for command in data.pipeline.pending.waiting()
        ]
    }


SENSORS: tuple[AgentReuseSensorDescription, ...] = (
    AgentReuseSensorDescription(
        key="cached_plans",
        translation_key="cached_plans",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda data: len(data.cache),
    ),
    AgentReuseSensorDescription(
        key="hit_rate",
        translation_key="hit_rate",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=hit_rate,
    ),
    AgentReuseSensorDescription(
        key="planner_calls",
        translation_key="planner_calls",
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda data: data.pipeline.stats.planner_calls,
    ),
    AgentReuseSensorDescription(
        key="commands_for_later",
        translation_key="commands_for_later",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda data: len(data.pipeline.pending.waiting()),
        attributes_fn=commands_for_later,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AgentReuseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the diagnostic sensors of one entry."""
    async_add_entities(AgentReuseSensor(entry, description) for description in SENSORS)


class AgentReuseSensor(AgentReuseEntity, SensorEntity):
    """One counter of the entry's pipeline or cache; updated when a request was handled."""

    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_should_poll = False
    entity_description: AgentReuseSensorDescription

    def __init__(self, entry: AgentReuseConfigEntry, description: AgentReuseSensorDescription) -> None:
        super().__init__(entry, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> float | int | None:
        """Read the value from the entry's runtime data."""
        return self.entity_description.value_fn(self.entry.runtime_data)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """The details behind the value, where the sensor has any."""
        read = self.entity_description.attributes_fn
        return None if read is None else read(self.entry.runtime_data)

    async def async_added_to_hass(self) -> None:
        """Refresh whenever the entry reports a change."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, SIGNAL_STATS_UPDATED.format(self.entry.entry_id), self._async_changed
            )
        )

    @callback
    def _async_changed(self) -> None:
        self.async_write_ha_state()
