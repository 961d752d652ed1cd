"""Slot stripping: the request with its slot values replaced by typed placeholders.

Why: two requests that need the same plan differ mostly in their parameters ("turn on the kitchen light" /
"turn on the bedroom light"); with the values replaced the texts become the same template
("turn on the {area} light"), which is what the cache compares and what the planner sees — a cloud
planner never needs the values, so they stay local. The slot *types* form the request's signature: a plan
made for "turn on {name}" cannot serve "turn on {name} at {brightness}".
"""

from __future__ import annotations

from dataclasses import dataclass

from .nlu import ParsedRequest


@dataclass(frozen=True)
class Template:
    """A slot-stripped request and its slot-type signature."""

    text: str
    signature: frozenset[str]


def strip_slots(parsed: ParsedRequest) -> Template:
    """Replace every slot span of ``parsed.text`` with ``{type}``."""
    parts: list[str] = []
    pos = 0
    for slot in sorted(parsed.slots, key=lambda s: s.start):
        if slot.start < pos:  # overlapping spans cannot come from BIO decoding; be safe anyway
            continue
        parts.append(parsed.text[pos : slot.start])
        parts.append("{" + slot.type + "}")
        pos = slot.end
    parts.append(parsed.text[pos:])
    return Template(text="".join(parts).strip(), signature=parsed.slot_types)
