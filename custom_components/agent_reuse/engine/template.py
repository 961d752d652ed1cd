"""Slot stripping: the request with its slot values replaced by typed placeholders.

Why: two requests that need the same plan differ mostly in their parameters ("turn on the kitchen light" /
"turn on the bedroom light"); with the values replaced the texts become the same template
("turn on the {area} light"), which is what the cache compares and what the planner sees — a cloud
planner never needs the values, so they stay local. The slot *types* form the request's signature: a plan
made for "turn on {name}" cannot serve "turn on {name} at {brightness}".
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from .context_area import unsaid
from .nlu import ParsedRequest

#: A slot placeholder as :func:`strip_slots` writes it ("{area}", "{name_2}"); the slot type in group 1.
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def template_words(text: str) -> str:
    """A template's own words, its placeholders blanked out ("turn off the {area} lights" → the words
    around them): what courtesy and device words are looked for in."""
    return PLACEHOLDER.sub(" ", text)


@dataclass(frozen=True)
class Template:
    """A slot-stripped request and its slot-type signature."""

    text: str
    signature: frozenset[str]


def strip_slots(parsed: ParsedRequest) -> Template:
    """Replace every slot span of ``parsed.text`` with ``{type}``; slots that were not said (the request's
    room, ``context_area.py``) are in the signature only."""
    parts: list[str] = []
    pos = 0
    for slot in sorted(parsed.slots, key=lambda s: s.start):
        if slot.start < pos:  # overlapping spans cannot come from BIO decoding; be safe anyway
            continue
        if unsaid(slot):  # from the request's context (its room): in the signature, not in the words
            continue
        parts.append(parsed.text[pos : slot.start])
        parts.append("{" + slot.type + "}")
        pos = slot.end
    parts.append(parsed.text[pos:])
    return Template(text="".join(parts).strip(), signature=parsed.slot_types)


def number_repeated_slots(parsed: ParsedRequest) -> ParsedRequest:
    """``parsed`` with the second and later slots of a type renamed ``{type}_2``, ``{type}_3``, … in order.

    Why: "turn on the kitchen and bedroom lights" has two areas. With one type for both, the signature was
    the one-area signature, the one-area plan was reused, only its first value was bound — and the kitchen
    alone went on while the reply sounded complete. Numbered, the request has its own signature
    (``{area, area_2, domain}``), its template says which value goes where ("turn on the {area} and
    {area_2} {domain}s"), and a plan for it can use both (``{slot.area_2}``).
    """
    seen: dict[str, int] = {}
    slots = []
    for slot in sorted(parsed.slots, key=lambda slot: slot.start):
        count = seen[slot.type] = seen.get(slot.type, 0) + 1
        slots.append(slot if count == 1 else dataclasses.replace(slot, type=f"{slot.type}_{count}"))
    if all(count == 1 for count in seen.values()):
        return parsed
    return dataclasses.replace(parsed, slots=tuple(slots))
