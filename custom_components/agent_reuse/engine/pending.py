"""The commands for later that are still waiting, kept so that a cancel request can stop them and a restart
cannot lose them.

Why: "turn off the heater in 2 hours" is confirmed at once and the rest of its plan waits in the background
(the executor defers it). Its pipeline keeps it here until its steps have run: a spoken "cancel …" picks from
these (``later_requests.py``), "how much time is left" reads their due times, and each is kept as a
:class:`SavedCommand` — its plan, slot values and the executor's checkpoint — that the host writes down and
runs on after a restart or a reload (``later_store.py`` in the integration).

Which commands: those of the same pipeline (one config entry) still waiting, newest last; a command leaves the
list when its steps finish or are cancelled.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .executor import Checkpoint
from .later_requests import CancelRequest, plain, said_slots
from .plan import SlotValue


@dataclass(frozen=True)
class SavedCommand:
    """A command for later as it is kept across a restart: enough to run the rest of its plan again.

    ``checkpoint`` is live while the command runs (the executor updates it); ``host`` is what the host needs
    besides (Home Assistant: the satellite that heard it, whose area "关灯" means).
    """

    command_id: str
    text: str
    language: str
    intent: str | None
    #: The request's slots (type → value), for matching cancel requests.
    request_slots: Mapping[str, str]
    #: The plan (``Plan.to_dict()``) and the slot values it was bound with.
    plan: Mapping[str, Any]
    plan_slots: Mapping[str, SlotValue]
    checkpoint: Checkpoint
    #: ``time.time()`` when its longest wait ends.
    due_at: float
    host: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """For a JSON file."""
        return {
            "id": self.command_id,
            "text": self.text,
            "language": self.language,
            "intent": self.intent,
            "request_slots": dict(self.request_slots),
            "plan": dict(self.plan),
            "plan_slots": dict(self.plan_slots),
            "checkpoint": self.checkpoint.to_dict(),
            "due_at": self.due_at,
            "host": dict(self.host),
        }

    @classmethod
    def from_dict(cls, raw: Any) -> SavedCommand:
        """The inverse of :meth:`to_dict`; ValueError naming what is wrong when ``raw`` is not one."""
        if not isinstance(raw, Mapping):
            raise ValueError("a saved command is a mapping")
        try:
            text, language, command_id = raw["text"], raw["language"], raw["id"]
            intent, due_at = raw["intent"], raw["due_at"]
            request_slots, plan, plan_slots, host = (
                raw["request_slots"],
                raw["plan"],
                raw["plan_slots"],
                raw["host"],
            )
            checkpoint = Checkpoint.from_dict(raw["checkpoint"])
        except (KeyError, TypeError) as err:
            raise ValueError(f"a saved command lacks {err}") from None
        if not all(isinstance(v, str) for v in (text, language, command_id)):
            raise ValueError("a saved command's id, text and language are strings")
        if intent is not None and not isinstance(intent, str):
            raise ValueError("a saved command's intent is a string or null")
        if isinstance(due_at, bool) or not isinstance(due_at, int | float):
            raise ValueError("a saved command's due_at is a number")
        if not all(isinstance(m, Mapping) for m in (request_slots, plan, plan_slots, host)):
            raise ValueError("a saved command's slots, plan and host are mappings")
        return cls(
            command_id=command_id,
            text=text,
            language=language,
            intent=intent,
            request_slots={str(k): str(v) for k, v in request_slots.items()},
            plan=dict(plan),
            plan_slots=dict(plan_slots),
            checkpoint=checkpoint,
            due_at=float(due_at),
            host={str(k): str(v) for k, v in host.items()},
        )


@dataclass(frozen=True)
class PendingCommand:
    """A request whose plan still has steps waiting in the background."""

    saved: SavedCommand
    #: The request's slots and text as compared with what a cancel request says (see :func:`.plain`).
    slots: frozenset[tuple[str, str]]
    plain_text: str
    task: asyncio.Future[Any]

    @property
    def text(self) -> str:
        return self.saved.text

    @property
    def intent(self) -> str | None:
        return self.saved.intent

    def as_dict(self) -> dict[str, Any]:
        """What diagnostics show."""
        return {
            "text": self.saved.text,
            "language": self.saved.language,
            "intent": self.saved.intent,
            "due_in_s": round(max(self.saved.due_at - time.time(), 0.0), 1),
        }


class PendingCommands:
    """The commands for later of one pipeline that are still waiting (oldest first).

    :meth:`saved` is what its host keeps across a restart: the waiting commands and those whose wait was cut
    short by something else than a cancel request (the entry unloading, Home Assistant stopping) or that
    were loaded and are not running yet (:meth:`hold`). ``on_change`` is called whenever that changes: a
    command is added, one of its steps starts or succeeds, it ends, or it is cancelled.
    """

    def __init__(self, on_change: Callable[[], None] | None = None) -> None:
        self.on_change = on_change
        self._waiting: list[PendingCommand] = []
        self._held: dict[str, SavedCommand] = {}

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def add(self, saved: SavedCommand, task: asyncio.Future[Any]) -> None:
        """Remember a command until ``task`` (its deferred steps) ends."""
        self._held.pop(saved.command_id, None)
        if task.done():
            self._changed()
            return
        command = PendingCommand(saved, said_slots(saved.request_slots), plain(saved.text), task)
        self._waiting.append(command)
        saved.checkpoint.on_change = self._changed
        task.add_done_callback(lambda _: self._ended(command))
        self._changed()

    def _ended(self, command: PendingCommand) -> None:
        if command not in self._waiting:  # cancelled by a cancel request: already gone
            return
        self._waiting.remove(command)
        if command.task.cancelled():  # by an unload or a stop: it runs again after the restart
            self._held[command.saved.command_id] = command.saved
            return
        self._changed()

    def hold(self, saved: list[SavedCommand]) -> None:
        """Keep commands loaded from a file as saved until :meth:`add` runs them again (or :meth:`drop`)."""
        for command in saved:
            self._held[command.command_id] = command
        self._changed()

    def drop(self, command_id: str) -> None:
        """Forget a held command (it will not run)."""
        if self._held.pop(command_id, None) is not None:
            self._changed()

    def held(self) -> list[SavedCommand]:
        """The commands kept but not running (loaded, or cut short by an unload)."""
        return list(self._held.values())

    def saved(self) -> list[SavedCommand]:
        """What to keep across a restart (see the class doc)."""
        return [*self._held.values(), *(c.saved for c in self._waiting)]

    def waiting(self) -> list[PendingCommand]:
        """The commands still waiting, oldest first."""
        return [c for c in self._waiting if not c.task.done()]  # copies: cancelling while iterating is fine

    def matching(self, cancel: CancelRequest) -> list[PendingCommand]:
        """The waiting commands ``cancel`` means: every match, or the latest one."""
        found = [
            c
            for c in self.waiting()
            if (cancel.intent is None or c.intent == cancel.intent)
            and all(slot in c.slots or slot[1] in c.plain_text for slot in cancel.slots)
        ]
        return found if cancel.every else found[-1:]

    def asked_about(self, slots: Mapping[str, str]) -> list[PendingCommand]:
        """The waiting commands a question with these slots is about ("how long until the lights turn off")."""
        return self.matching(CancelRequest(None, said_slots(slots), every=True))

    def cancel(self, commands: list[PendingCommand]) -> None:
        """Cancel these commands' waiting steps (they do not run at all, not even after a restart)."""
        for command in commands:
            if command in self._waiting:
                self._waiting.remove(command)
            command.task.cancel()  # it ends a few loop turns later, once its running steps are cancelled
        self._changed()
