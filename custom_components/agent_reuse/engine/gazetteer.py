"""Slots the parser missed, found by the names this home actually uses (its areas and floors).

Why: the parser learned area words from its training data; a home's own rooms ("车库", "阁楼", "Ella's
room") may be words it never saw, and then "打开车库的灯" has no area slot — no cached plan fits, the
planner is asked, and a plan for a request without an area is made. Home Assistant knows the home's areas
and floors (names and aliases), so a span of the request that is exactly one of them, and that the parser
left untagged, becomes that slot. Nothing the parser tagged is changed; Latin names must match whole words
(an area "den" does not tag "garden"), and one-letter names are ignored.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .nlu import ParsedRequest, Slot


@dataclass(frozen=True)
class Gazetteer:
    """Known surface forms per slot type (e.g. ``{"area": ("Garage", "车库"), "floor": ("Upstairs",)}``)."""

    names: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.names.values())


def _is_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def _occurrences(text: str, form: str) -> list[tuple[int, int]]:
    """Where ``form`` occurs in ``text``: case-insensitive; whole words unless it is Chinese."""
    escaped = re.escape(form)
    pattern = escaped if _is_cjk(form) else rf"(?<!\w){escaped}(?!\w)"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text, flags=re.IGNORECASE)]


def complete_slots(parsed: ParsedRequest, gazetteer: Gazetteer, slot_types: Sequence[str]) -> ParsedRequest:
    """``parsed`` with the gazetteer's names added as slots where the parser tagged nothing.

    Only slot types the parser's label space has (``slot_types``); longer names first, so "Living Room" wins
    over "Living"; a name overlapping any slot (the parser's or one added before) is skipped.
    """
    if parsed.intent is None or not gazetteer:
        return parsed
    allowed = set(slot_types)
    taken = [(slot.start, slot.end) for slot in parsed.slots]
    added: list[Slot] = []
    forms = sorted(
        {(form.strip(), slot_type) for slot_type, names in gazetteer.names.items() for form in names},
        key=lambda item: (-len(item[0]), item[0], item[1]),
    )
    for form, slot_type in forms:
        if slot_type not in allowed or len(form) < 2:
            continue
        for start, end in _occurrences(parsed.text, form):
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            added.append(Slot(slot_type, parsed.text[start:end], start, end))
    if not added:
        return parsed
    slots = tuple(sorted((*parsed.slots, *added), key=lambda slot: slot.start))
    return dataclasses.replace(parsed, slots=slots)
