"""Repair flows: the "cache file was moved aside" issue only needs an acknowledgement.

Why fixable at all: the issue is informational (the bad file is kept next to the new one for inspection);
a confirm step lets the user clear it instead of it staying in the list forever.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow
from homeassistant.core import HomeAssistant


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Every fixable issue of this integration is acknowledged with a confirm step."""
    return ConfirmRepairFlow()
