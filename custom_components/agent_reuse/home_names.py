"""The home's own names for the parser's gazetteer: areas, floors and the exposed devices, with aliases.

Why devices too: the parser splits or misses names it never saw — "关闭阁楼风扇" (an entity aliased
阁楼风扇) comes out as the name 阁楼 and a stray 风扇, "打开车库门" (aliased 车库门) as no slot at all —
and then no cached plan fits, or the plan is asked for a name that matches nothing. Home Assistant knows
every exposed entity's name and aliases; :func:`~.engine.gazetteer.complete_slots` uses them to tag what
the parser left untagged, or to widen a name it cut short.

Why cached: the names are read on the event loop for every request, and walking every state's exposure
costs more than the rest of the request's event-loop work in a large home. They change when an entity,
area or floor is added, renamed or (un)exposed, so the cache is dropped on those events — and after
:data:`MAX_AGE_S` in any case, for entities without a registry entry (named in YAML), which send none.

Names that would tag a command's own words are left out: one-letter Latin names, two-letter ones that are
English words ("on", "to", "it"), and single words that requests use as grammar ("all", "open", …). Two-letter
names such as "AC" or "TV" are kept: "is the ac on" came out as the device class "ac", and only the home's own
name corrects it.
"""

from __future__ import annotations

import time
from typing import Any

from homeassistant.components.homeassistant.exposed_entities import async_listen_entity_updates
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import floor_registry as fr

from .const import ASSISTANT
from .engine.gazetteer import Gazetteer
from .engine.speech import has_cjk
from .runners import iter_exposed_states

#: Single English words that are part of how requests are said, never a device's name to the parser.
_GRAMMAR_WORDS = frozenset(
    {
        "all",
        "and",
        "close",
        "down",
        "lock",
        "off",
        "on",
        "open",
        "pause",
        "play",
        "set",
        "start",
        "stop",
        "the",
        "turn",
        "unlock",
        "up",
    }
)


#: Two-letter English words: never a device's name to the parser (a device called "On" is not tagged).
_SHORT_WORDS = frozenset(
    "am an as at be by do go he hi if in is it me my no of ok on or so to up us we".split()  # noqa: SIM905
)


def usable_name(name: str) -> bool:
    """Whether ``name`` may be tagged in requests (see the module doc)."""
    name = name.strip()
    if has_cjk(name):
        return len(name) >= 2
    folded = name.casefold()
    return (
        sum(ch.isalpha() for ch in name) >= 2 and folded not in _GRAMMAR_WORDS and folded not in _SHORT_WORDS
    )


#: Longest time the cached names are used without an event saying they changed.
MAX_AGE_S = 300.0


class HomeNames:
    """Callable for :class:`~.engine.pipeline.ReusePipeline`'s ``gazetteer``: the current names, cached."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass
        self._names: Gazetteer | None = None
        self._read_at = 0.0
        self._unsubs: list[CALLBACK_TYPE] = []

    @callback
    def __call__(self) -> Gazetteer:
        now = time.monotonic()
        if self._names is None or now - self._read_at > MAX_AGE_S:
            self._names = self._read()
            self._read_at = now
        return self._names

    @callback
    def async_start(self) -> None:
        """Drop the cached names whenever what they are read from changes."""
        bus = self.hass.bus
        self._unsubs = [
            bus.async_listen(er.EVENT_ENTITY_REGISTRY_UPDATED, self.async_forget),
            bus.async_listen(ar.EVENT_AREA_REGISTRY_UPDATED, self.async_forget),
            bus.async_listen(fr.EVENT_FLOOR_REGISTRY_UPDATED, self.async_forget),
        ]
        self._unsubs.append(async_listen_entity_updates(self.hass, ASSISTANT, self.async_forget))

    @callback
    def async_stop(self) -> None:
        for unsub in self._unsubs:
            unsub()
        self._unsubs = []

    @callback
    def async_forget(self, _event: Event[Any] | None = None) -> None:
        """Read the names again on the next request (a registry event's listener, and exposure's)."""
        self._names = None

    def _read(self) -> Gazetteer:
        areas = [
            name for area in ar.async_get(self.hass).async_list_areas() for name in (area.name, *area.aliases)
        ]
        floors = [
            name
            for floor in fr.async_get(self.hass).async_list_floors()
            for name in (floor.name, *floor.aliases)
        ]
        registry = er.async_get(self.hass)
        devices: list[str] = []
        for state in iter_exposed_states(self.hass):
            devices.append(state.name)
            entry = registry.async_get(state.entity_id)
            if entry is not None:
                devices.extend(entry.aliases)
        return Gazetteer(
            {
                "area": tuple(name for name in areas if usable_name(name)),
                "floor": tuple(name for name in floors if usable_name(name)),
                "name": tuple(sorted({name for name in devices if usable_name(name)})),
            }
        )
