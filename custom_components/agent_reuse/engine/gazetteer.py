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

A Latin device name is also found in the other number ("the kitchen light" for "Kitchen Lights"), as the
runner matches it.

Two or more of the home's device names joined by "and" / 和 are that many names (:func:`_joined_names`).
"turn off the kitchen light and the bed light" came out as the area kitchen and the device word light
twice, so only the kitchen's lights went off and the reply sounded complete; "关掉吊灯和台灯" came out as
one name 吊灯和台灯, which names nothing. The names become ``name`` slots in order (the pipeline numbers
them ``{name}``, ``{name_2}``), replacing whatever the parser tagged over them.

A device's name the parser misread is that name (:func:`_misread_name`). "is the ac on" came out as the device
class "ac", "is the garage door open" as the class "garage" with "door" left in the template, "turn off the ac
in 30 minutes" as the state "ac", "activate the movie night scene" as the area "night", and "turn off the
decorative lights" as the floor "ative" (a piece of "decorative") and the domain light: no plan took those
slots, so a planner was asked, and a plan for a floor "ative" could have been cached. Where the home has a
device called exactly so and the parser's slots over it include one that is surely wrong (a device class, a
state, a floor the home lacks, an area it lacks — "next song on the kitchen speaker" came out as the area
"kitchen speaker", and "set the living room fan to 40%" as the area "living room" in a home with a "Living
Room Fan" but no living room: a room the home does not have names nothing —, a piece of a word), they
become that one ``name``. A room is never replaced: "kitchen lights" stays the area kitchen and the device
word even when a device is called "Kitchen Lights".

A room said straight before a device word is an area, not a name (:func:`_area_before_device_word`).
"打开卧室灯" came out as the name 卧室灯 and "关闭卧室空调" as the name 卧室: no device is called so, the
request failed ("没有叫“卧室”的设备"), and worse, the plan of "关闭{name}" was reused for it. When the
home has that area and no device of that name, the span becomes the area, and the device word stays in the
template as the parser leaves it in "打开厨房的窗帘" (Chinese) or becomes the ``domain`` slot as in "turn
off the bedroom ac" (English) — so the request reads like the forms the parser knows.

A scene or script started by its name is switching it on (:func:`_activation`). "activate movie night" and
"启动回家模式" came out with no intent at all (or "activate" alone as HassTurnOn with no slot): planned every
time and never cached, though Home Assistant's own sentences ("activate <name>") make it HassTurnOn. A request
that is only a word of starting (activate, run, trigger, start, execute; 启动, 执行, 激活, 运行, 开启) and
one of the home's device names — a scene, a script, anything exposed — optionally followed by scene / script
/ routine / 场景 / 脚本, is HassTurnOn of that name.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from .device_words import device_word_end
from .nlu import ParsedRequest, Slot
from .repairs_words import TURN_ON
from .speech import has_cjk


@dataclass(frozen=True)
class Gazetteer:
    """Known surface forms per slot type (e.g. ``{"area": ("Garage", "车库"), "floor": ("Upstairs",)}``)."""

    names: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.names.values())

    @cached_property
    def _index(self) -> dict[str, list[tuple[str, bool, tuple[str, ...]]]]:
        """The names (two characters or more) by their first casefolded character, longest first (so
        "Living Room" wins over "Living"): (casefolded name, whether it is Latin and must match whole
        words, its slot types in order). Built once per Gazetteer: a home's gazetteer is cached and read
        per request, and a request's text is scanned with it in microseconds even for hundreds of names
        (one regular expression over 600 names took ~0.3 ms a request)."""
        types: dict[str, list[str]] = {}
        whole_word: dict[str, bool] = {}
        for slot_type, forms in sorted(self.names.items()):
            for form in forms:
                form = form.strip()
                key = form.casefold()
                if len(form) < 2 or len(key) != len(form):
                    continue
                keys = [key]
                if slot_type == "name" and not has_cjk(form):
                    keys.append(other_number(key))
                for one in keys:
                    types.setdefault(one, [])
                    if slot_type not in types[one]:
                        types[one].append(slot_type)
                    whole_word[one] = not has_cjk(form)
        index: dict[str, list[tuple[str, bool, tuple[str, ...]]]] = {}
        for key in sorted(types, key=lambda key: (-len(key), key)):
            index.setdefault(key[0], []).append((key, whole_word[key], tuple(types[key])))
        return index

    @cached_property
    def _folded(self) -> dict[str, frozenset[str]]:
        """The casefolded forms per slot type, for exact lookups (device names in either number)."""
        folded: dict[str, frozenset[str]] = {}
        for slot_type, forms in self.names.items():
            keys = {form.strip().casefold() for form in forms}
            if slot_type == "name":
                keys |= {other_number(key) for key in keys if not has_cjk(key)}
            folded[slot_type] = frozenset(keys)
        return folded

    def knows(self, slot_type: str, text: str) -> bool:
        """Whether ``text`` is exactly one of the forms of ``slot_type`` (case-insensitively)."""
        return text.strip().casefold() in self._folded.get(slot_type, frozenset())

    def find(self, text: str, slot_types: Sequence[str]) -> Iterator[tuple[str, int, int]]:
        """(slot type, start, end) of each known name in ``text``, left to right, longest first, not
        overlapping; Chinese names anywhere, Latin names as whole words, case-insensitively."""
        folded = text.casefold()
        if len(folded) != len(text):  # casefolding changed the length (ß): offsets would not line up
            return
        index = self._index
        allowed = frozenset(slot_types)
        position = 0
        while position < len(folded):
            end = position + 1
            for key, whole_word, types in index.get(folded[position], ()):
                stop = position + len(key)
                if not folded.startswith(key, position):
                    continue
                if whole_word and (_is_word(text, position - 1) or _is_word(text, stop)):
                    continue
                slot_type = next((t for t in types if t in allowed), None)
                if slot_type is None:
                    continue
                yield slot_type, position, stop
                end = stop
                break
            position = end


#: What may stand around a name in a request to start it (lower case; Chinese without spaces).
_ACTIVATION_BEFORE = re.compile(
    r"^\s*(?:please\s+)?(?:activate|run|trigger|start|execute)(?:\s+the)?\s+$|^\s*(?:请|請)?(?:启动|啟動|执行|執行|激活|運行|运行|开启|開啟)$",
    re.IGNORECASE,
)
_ACTIVATION_AFTER = re.compile(
    r"^(?:\s+(?:scene|script|routine))?\s*[.!。！]?\s*$|^(?:场景|場景|脚本|腳本)?[。！]?$", re.IGNORECASE
)


def _activation(parsed: ParsedRequest, names: list[tuple[int, int]]) -> ParsedRequest | None:
    """``parsed`` as HassTurnOn of the one home name (of ``names``, the spans found) it starts, if it says
    only that (see the module doc); else None."""
    if len(names) != 1:
        return None
    start, end = names[0]
    if not _ACTIVATION_BEFORE.match(parsed.text[:start]) or not _ACTIVATION_AFTER.match(parsed.text[end:]):
        return None
    name = Slot("name", parsed.text[start:end], start, end)
    return dataclasses.replace(parsed, intent=TURN_ON, slots=(name,))


def other_number(name: str) -> str:
    """A Latin device name with its last word in the other number ("kitchen lights" ↔ "kitchen light"): people
    say either. The gazetteer finds both, and the step runner retries a name that matched nothing in it."""
    if name[-1:] in ("s", "S") and name[-2:-1] not in ("s", "S"):
        return name[:-1]
    return name + "s"


def _is_word(text: str, index: int) -> bool:
    """Whether ``text[index]`` exists and is a word character (as ``\\w``: letters of any script, digits, _)."""
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] == "_")


def complete_slots(parsed: ParsedRequest, gazetteer: Gazetteer, slot_types: Sequence[str]) -> ParsedRequest:
    """``parsed`` with the gazetteer's names added as slots where the parser tagged nothing, or widening the
    one slot of the same type that a longer name covers.

    Only slot types the parser's label space has (``slot_types``); a name overlapping any other slot the
    parser found is skipped.
    """
    if not gazetteer:
        return parsed
    # One scan of the text serves a scene started by its name, the joined names and the completion below.
    found = list(gazetteer.find(parsed.text, slot_types))
    names = [(start, end) for slot_type, start, end in found if slot_type == "name"]
    if parsed.intent is None or (parsed.intent == TURN_ON and not parsed.slots):
        started = _activation(parsed, names)
        if started is not None or parsed.intent is None:
            return started or parsed
    slots = list(parsed.slots)
    changed = False
    if "name" in slot_types:
        joined = _joined_names(parsed.text, slots, names)
        changed = joined != slots
        slots = joined
    if "area" in slot_types:
        split = _area_before_device_word(parsed.text, slots, gazetteer, "domain" in slot_types)
        changed = changed or split != slots
        slots = split
    for slot_type, start, end in found:
        known = Slot(slot_type, parsed.text[start:end], start, end)
        covered = [i for i, slot in enumerate(slots) if slot.overlaps(start, end)]
        if not covered:
            slots.append(known)
            changed = True
        elif len(covered) == 1 and _widens(slots[covered[0]], slot_type, start, end):
            slots[covered[0]] = known
            changed = True
        elif slot_type == "name" and _misread_name(
            parsed.text, [slots[i] for i in covered], known, gazetteer
        ):
            slots = [slot for i, slot in enumerate(slots) if i not in covered]
            slots.append(known)
            changed = True
    if not changed:
        return parsed
    return dataclasses.replace(parsed, slots=tuple(sorted(slots, key=lambda slot: slot.start)))


def _widens(slot: Slot, slot_type: str, start: int, end: int) -> bool:
    """Whether a known name of ``slot_type`` at ``start:end`` is ``slot`` said in full (阁楼 → 阁楼风扇)."""
    wider = start <= slot.start and slot.end <= end and (start, end) != (slot.start, slot.end)
    return slot.type == slot_type and wider


#: Slot types a device's name may be misread as (an area only one the home lacks: a room it has stays a room).
_MISREADABLE = frozenset({"name", "domain", "device_class", "floor", "area", "state"})


def _misread_name(text: str, covered: list[Slot], name: Slot, gazetteer: Gazetteer) -> bool:
    """Whether the parser's slots over one of the home's device names are that name misread (see the module
    doc): all inside it, of the types a name is misread as, and at least one of them certainly wrong — a
    device class ("is the ac on": device class "ac"; "garage door": the class "garage" and "door" left
    behind), a state ("turn off the ac in 30 minutes": the state "ac"), a floor or an area the home does not
    have ("activate the movie night scene": the area "night"; "next song on the kitchen speaker": the area
    "kitchen speaker"; "the living room fan": the area "living room" where the home has no such room), or a
    piece of a word ("decorative lights": the floor "ative").
    A device word with a word of the name left untagged ("decorative lights": only the domain "light") is
    that name too: nothing serves "turn off the decorative {domain}s". A name the parser split into a name
    and a device word ("bed" + "light") is left to the runner."""
    if not covered or any(slot.start < name.start or slot.end > name.end for slot in covered):
        return False
    if any(slot.type not in _MISREADABLE for slot in covered):
        return False
    if all(slot.type in _KIND_TYPES for slot in covered) and _leaves_a_word(text, covered, name):
        return True
    return any(
        slot.type in ("device_class", "state")
        or (slot.type == "floor" and not gazetteer.knows("floor", slot.value))
        or (slot.type == "area" and not gazetteer.knows("area", slot.value))
        or _cuts_a_word(text, slot)
        for slot in covered
    )


_KIND_TYPES = frozenset({"domain", "device_class"})
_LATIN_WORD = re.compile(r"[^\W_]+")


def _leaves_a_word(text: str, covered: list[Slot], name: Slot) -> bool:
    """Whether a Latin word of ``name`` is in none of the ``covered`` slots (a word the parser left out)."""
    for word in _LATIN_WORD.finditer(text, name.start, name.end):
        if has_cjk(word.group()):
            continue
        if not any(slot.overlaps(*word.span()) for slot in covered):
            return True
    return False


def _cuts_a_word(text: str, slot: Slot) -> bool:
    """Whether a Latin slot starts or ends inside a word (the parser tagged a piece of it). A plural's "s"
    after the slot is no cut: the parser tags "light" in "lights" by design."""
    if has_cjk(text[slot.start : slot.end]):
        return False
    if _is_word(text, slot.start - 1) and _is_word(text, slot.start):
        return True
    rest = slot.end
    while _is_word(text, rest):
        rest += 1
    return _is_word(text, slot.end - 1) and text[slot.end : rest].casefold() not in ("", "s", "es")


#: What may stand between two names listed in one request, casefolded, after an English "the " is dropped.
_JOINERS = frozenset({" and ", ", ", ", and ", " & ", "和", "跟", "与", "與", "以及", "还有", "還有", "、"})


def _joins(between: str) -> bool:
    """Whether the text between two names lists them ("and the", "、", "和")."""
    between = between.casefold()
    return (between[:-4] if between.endswith(" the ") else between) in _JOINERS


def _joined_names(text: str, slots: list[Slot], names: list[tuple[int, int]]) -> list[Slot]:
    """``slots`` with each run of two or more of the home's device names (``names``: their spans, left to
    right) joined by "and" / 和 (see the module doc) made one ``name`` slot per name, replacing the slots
    the parser had over them."""
    runs: list[list[tuple[int, int]]] = []
    for span in names:
        if runs and _joins(text[runs[-1][-1][1] : span[0]]):
            runs[-1].append(span)
        else:
            runs.append([span])
    listed = [span for run in runs if len(run) > 1 for span in run]
    if not listed:
        return slots
    kept = [slot for slot in slots if not any(slot.overlaps(start, end) for start, end in listed)]
    return sorted(
        [*kept, *(Slot("name", text[start:end], start, end) for start, end in listed)],
        key=lambda slot: slot.start,
    )


def _area_before_device_word(
    text: str, slots: list[Slot], gazetteer: Gazetteer, with_domain: bool
) -> list[Slot]:
    """``slots`` with each name that is one of the home's areas said straight before a device word made that
    area (see the module doc): the name 卧室灯 (卧室 + 灯), or the name 卧室 followed by 空调.

    A device actually called so (an alias 卧室灯) keeps its name. In English the device word becomes the
    ``domain`` slot (when the label space has one and nothing is tagged there yet), as the parser tags
    "the bedroom ac"; Chinese leaves it in the template.
    """
    result: list[Slot] = []
    for slot in slots:
        if slot.type != "name" or gazetteer.knows("name", slot.value):
            result.append(slot)
            continue
        split = _split_area(text, slot, gazetteer)
        if split is None:
            result.append(slot)
            continue
        area_end, word_start, word_end = split
        result.append(Slot("area", text[slot.start : area_end], slot.start, area_end))
        word = text[word_start:word_end]
        taken = any(other.overlaps(word_start, word_end) for other in slots if other is not slot)
        if with_domain and not has_cjk(word) and not taken:
            result.append(Slot("domain", word, word_start, word_end))
    return result


def _split_area(text: str, slot: Slot, gazetteer: Gazetteer) -> tuple[int, int, int] | None:
    """(end of the area, start and end of the device word) when ``slot`` is an area of the home followed
    by a device word, inside the slot or straight after it; else None."""
    for area_end in range(slot.end, slot.start, -1):
        area = text[slot.start : area_end]
        if area != area.rstrip() or not gazetteer.knows("area", area):
            continue
        if _is_word(text, area_end - 1) and not has_cjk(text[area_end - 1]) and _is_word(text, area_end):
            continue  # a Latin area must end at a word's end ("den" is not the start of "denver")
        word_start = area_end + 1 if text[area_end : area_end + 1] == " " else area_end
        # The device word must take in the rest of the name.
        word_end = device_word_end(text, word_start, slot.end)
        if word_end is None:
            return None
        if gazetteer.knows("name", text[slot.start : word_end]):
            return None  # a device called so ("Attic Fan"): the runner joins name and word
        return area_end, word_start, word_end
    return None
