"""Commands for later across restarts: an entry's waiting commands in a file, run on at the next start.

Why: "turn off the heater in 30 minutes" is confirmed at once and waits in the background. Home Assistant
restarts for an update, or the entry reloads because an option changed, and before this the command was
simply gone: the heater stayed on, and nothing said so.

The engine keeps each waiting command with its plan and a checkpoint of what has run
(``engine/pending.py``, ``engine/executor.py``); this file is that list in Home Assistant's storage
(``.storage/agent_reuse.<entry id>.later``, written a second after each change, at unload and at stop). At
the next start, once Home Assistant has started (the devices are there), each command runs on: the steps
that had not run, the wait for what is left of it. A command whose time passed more than
:data:`LATE_LIMIT_S` ago while Home Assistant was not running is not run — a light switched an hour late
surprises more than it helps — and a notification says so, in the command's language. A cancelled command is not saved.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.storage import Store

from .const import DOMAIN, LOGGER, SIGNAL_STATS_UPDATED
from .engine.pending import PendingCommands, SavedCommand
from .engine.speech import spoken

STORE_VERSION = 1
#: Seconds between a change and its write (a plan's steps start and finish in quick succession).
SAVE_DELAY_S = 1.0
#: A command overdue by more than this when Home Assistant starts again is not run.
LATE_LIMIT_S = 15 * 60.0


def later_store_key(entry_id: str) -> str:
    """The storage key of an entry's commands for later."""
    return f"{DOMAIN}.{entry_id}.later"


class LaterStore:
    """Keeps one entry's :class:`PendingCommands` in Home Assistant's storage."""

    def __init__(self, hass: HomeAssistant, entry_id: str, pending: PendingCommands) -> None:
        self._hass = hass
        self._entry_id = entry_id
        self._pending = pending
        self._store: Store[dict[str, Any]] = Store(hass, STORE_VERSION, later_store_key(entry_id))
        self.saves = 0
        pending.on_change = self._async_schedule_save

    def _async_schedule_save(self) -> None:
        self._store.async_delay_save(self._data, SAVE_DELAY_S)
        async_dispatcher_send(self._hass, SIGNAL_STATS_UPDATED.format(self._entry_id))  # the sensor

    def _data(self) -> dict[str, Any]:
        self.saves += 1
        return {"commands": [command.to_dict() for command in self._pending.saved()]}

    async def async_load(self) -> list[SavedCommand]:
        """The commands saved at the last stop (a damaged file is moved aside by the storage helper; a
        damaged command is skipped with a warning)."""
        raw = await self._store.async_load()
        commands: list[SavedCommand] = []
        for item in (raw or {}).get("commands", []):
            try:
                commands.append(SavedCommand.from_dict(item))
            except ValueError as err:
                LOGGER.warning("Skipping a saved command for later that cannot be read: %s", err)
        return commands

    async def async_save_now(self) -> None:
        """Write at once (the entry unloads: its waiting commands are about to be cancelled)."""
        await self._store.async_save(self._data())

    def async_resume_all(self, run: Callable[[SavedCommand], None]) -> None:
        """Hand every held command to ``run``, or drop it with a notification when it is too late."""
        now = time.time()
        for command in self._pending.held():
            if now - command.due_at <= LATE_LIMIT_S:
                run(command)
                continue
            self._pending.drop(command.command_id)
            late = spoken("later_not_run", text=command.text, minutes=str(round((now - command.due_at) / 60)))
            persistent_notification.async_create(
                self._hass,
                late.render(command.language),
                title=spoken("later_not_run_title").render(command.language),
                notification_id=f"{DOMAIN}_not_run_{command.command_id}",
            )


async def async_remove_later_store(hass: HomeAssistant, entry_id: str) -> None:
    """Delete an entry's commands for later (the entry is deleted)."""
    await Store[dict[str, Any]](hass, STORE_VERSION, later_store_key(entry_id)).async_remove()
