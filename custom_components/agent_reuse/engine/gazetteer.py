"""Slots the parser missed or cut short, found by the names this home actually uses (areas, floors,
devices).

Why: the parser learned area and device words from its training data; a home's own rooms ("车库", "阁楼",
"Ella's room") and devices ("阁楼风扇") may be words it never saw, and then "打开车库的灯" has no area slot
(no cached plan fits, the planner is asked, and a plan for a request without an area is made) and
"关闭阁楼风扇" has the name 阁楼 (which names nothing). Home Assistant knows the home's names and aliases,
so a span of the request that is exactly one of them becomes that slot where the parser tagged nothing
there, or widens the one slot of the same type it covers (阁楼 → 阁楼风扇). Anything else the parser
tagged is kept; Latin names must match whole words (an area "den" does not tag "garden"), and one-letter
names are ignored.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .nlu import ParsedRequest, Slot
from .speech import has_cjk


@dataclass(frozen=True)
class Gazetteer:
    """Known surface forms per slot type (e.g. ``{"area": ("Garage", "车库"), "floor": ("Upstairs",)}``)."""

    names: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.names.values())


@lru_cache(maxsize=16)
def _matcher(
    names: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """One case-insensitive pattern for all names (None if there are none of two characters or more),
    longest first (so "Living Room" wins over "Living"), Chinese names anywhere, Latin names as whole
    words; and each name's slot type by its casefolded text.

    Built once per set of names: they are read per request, the pattern is not rebuilt."""
    forms = sorted(
        {(form.strip(), slot_type) for slot_type, forms in names for form in forms if len(form.strip()) >= 2},
        key=lambda item: (-len(item[0]), item[0], item[1]),
    )
    if not forms:
        return None
    parts = [re.escape(form) if has_cjk(form) else rf"(?<!\w){re.escape(form)}(?!\w)" for form, _ in forms]
    types: dict[str, str] = {}
    for form, slot_type in forms:
        types.setdefault(form.casefold(), slot_type)
    return re.compile("|".join(parts), flags=re.IGNORECASE), types


def complete_slots(parsed: ParsedRequest, gazetteer: Gazetteer, slot_types: Sequence[str]) -> ParsedRequest:
    """``parsed`` with the gazetteer's names added as slots where the parser tagged nothing, or widening the
    one slot of the same type that a longer name covers.

    Only slot types the parser's label space has (``slot_types``); a name overlapping any other slot the
    parser found is skipped.
    """
    if parsed.intent is None or not gazetteer:
        return parsed
    matcher = _matcher(
        tuple(
            (slot_type, tuple(names))
            for slot_type, names in gazetteer.names.items()
            if slot_type in slot_types
        )
    )
    if matcher is None:
        return parsed
    pattern, types = matcher
    slots = list(parsed.slots)
    changed = False
    for match in pattern.finditer(parsed.text):
        # (None only if case-insensitive matching and casefolding ever disagreed on a name: then skip it.)
        slot_type = types.get(match.group().casefold())
        if slot_type is None:
            continue
        start, end = match.start(), match.end()
        found = Slot(slot_type, match.group(), start, end)
        covered = [i for i, slot in enumerate(slots) if start < slot.end and slot.start < end]
        if not covered:
            slots.append(found)
            changed = True
        elif len(covered) == 1:
            slot = slots[covered[0]]
            if (
                slot.type == slot_type
                and start <= slot.start
                and slot.end <= end
                and (start, end)
                != (
                    slot.start,
                    slot.end,
                )
            ):
                slots[covered[0]] = found
                changed = True
    if not changed:
        return parsed
    return dataclasses.replace(parsed, slots=tuple(sorted(slots, key=lambda slot: slot.start)))
