"""Base entity: every entity of an entry belongs to one service device named after the entry.

Why a device: the conversation agent and its diagnostic sensors then show up together on one device page,
next to the planner's model, which is what a user opens when asking "why was this not cached?".
"""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity

from .const import CONF_MODEL, DOMAIN
from .data import AgentReuseConfigEntry


class AgentReuseEntity(Entity):
    """Common device info and naming."""

    _attr_has_entity_name = True

    def __init__(self, entry: AgentReuseConfigEntry, key: str | None = None) -> None:
        self.entry = entry
        self._attr_unique_id = entry.entry_id if key is None else f"{entry.entry_id}_{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, entry.entry_id)},
            name=entry.title,
            manufacturer="AgentReuse",
            model=str(entry.runtime_data.settings.get(CONF_MODEL, "")) or None,
            entry_type=DeviceEntryType.SERVICE,
        )
