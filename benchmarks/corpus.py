"""Readers for the NLU data sets the models are trained and evaluated on.

Why one module: training (Python 3.11 + torch), ``scripts/eval-nlu`` and ``scripts/eval-reuse`` (Python
3.13) must read every format the same way — the same label strings, the same character spans — or the
figures they print would not be comparable. Pure standard library, so both interpreters can import it.

Every reader returns :class:`Utterance` records with:

* ``label_space`` — which label inventory the intent belongs to (``smp2019``, ``smp2020``, ``ha``,
  ``snips``, ``hwu64``). SLURP shares HWU64's inventory (both come from the same corpus).
* ``intent`` — ``domain/INTENT`` for SMP data, the intent name otherwise.
* ``slots`` — spans ``[start, end)`` over ``text`` of what was *said* (Home Assistant's canonical values
  such as area "Living Room" are located case-insensitively in the text; implied slots that were not
  said, such as ``domain: light``, go to ``unlocated_slots`` and are not span-labelled).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMATS = ("smp2019", "smp2020", "ha-tests", "snips", "hwu64", "slurp")

#: The label space each file format's intents belong to.
FORMAT_LABEL_SPACE = {
    "smp2019": "smp2019",
    "smp2020": "smp2020",
    "ha-tests": "ha",
    "snips": "snips",
    "hwu64": "hwu64",
    "slurp": "hwu64",
}


@dataclass(frozen=True)
class SlotSpan:
    """One slot: its type and the character span ``[start, end)`` of its value in the text."""

    type: str
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class Utterance:
    """One labelled request."""

    text: str
    label_space: str
    intent: str
    slots: tuple[SlotSpan, ...]
    language: str
    source: str = ""
    unlocated_slots: tuple[tuple[str, str], ...] = field(default=())

    @property
    def slot_types(self) -> frozenset[str]:
        return frozenset(s.type for s in self.slots)


def dev_bucket(text: str) -> int:
    """A stable 0..99 bucket per text (sha256), so a text is always on the same side of a split."""
    return int(hashlib.sha256(text.strip().encode("utf-8")).hexdigest(), 16) % 100


def is_dev(text: str, dev_percent: int = 10) -> bool:
    """Our dev split, carved out of the shared (training) side of every data set.

    Salted, because the shared SMP files are themselves the side of an unsalted sha256 split (buckets
    30..99): an unsalted bucket < 10 would select nothing from them.
    """
    return dev_bucket("dev-split:" + text.strip()) < dev_percent


def _locate(
    text: str, value: str, taken: list[tuple[int, int]], ignore_case: bool = False
) -> tuple[int, int] | None:
    """Find ``value`` in ``text`` at a position not overlapping spans already taken."""
    if not value:
        return None
    hay = text.lower() if ignore_case else text
    needle = value.lower() if ignore_case else value
    start = 0
    while True:
        i = hay.find(needle, start)
        if i < 0:
            return None
        j = i + len(needle)
        if all(j <= a or i >= b for a, b in taken):
            return i, j
        start = i + 1


def _spans_from_values(
    text: str, slots: dict[str, Any], ignore_case: bool
) -> tuple[tuple[SlotSpan, ...], tuple[tuple[str, str], ...]]:
    located: list[SlotSpan] = []
    unlocated: list[tuple[str, str]] = []
    taken: list[tuple[int, int]] = []
    # Longer values first so that "living room lamp" is not split by a shorter "living room".
    items: list[tuple[str, list[str]]] = []
    for name, raw in slots.items():
        values = raw if isinstance(raw, list) else [raw]
        items.append((name, [str(v).strip() for v in values if isinstance(v, str | int | float)]))
    items.sort(key=lambda kv: -max((len(v) for v in kv[1]), default=0))
    for name, values in items:
        for value in values:
            pos = _locate(text, value, taken, ignore_case)
            if pos is not None:
                taken.append(pos)
                located.append(SlotSpan(name, pos[0], pos[1], text[pos[0] : pos[1]]))
                break
        else:
            unlocated.append((name, values[0] if values else ""))
    located.sort(key=lambda s: s.start)
    return tuple(located), tuple(unlocated)


def read_smp(path: Path, label_space: str) -> Iterator[Utterance]:
    """SMP2019 / SMP2020 ECDT task 1: a JSON array of {text, domain, intent, slots: {name: value}}."""
    records = json.loads(Path(path).read_text(encoding="utf-8"))
    for rec in records:
        text = str(rec["text"])
        slots, unlocated = _spans_from_values(text, dict(rec.get("slots") or {}), ignore_case=False)
        yield Utterance(
            text=text,
            label_space=label_space,
            intent=f"{rec['domain']}/{rec['intent']}",
            slots=slots,
            language="zh",
            source=str(rec.get("id", "")),
            unlocated_slots=unlocated,
        )


def _iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                yield json.loads(line)


def read_ha_tests(path: Path) -> Iterator[Utterance]:
    """Home Assistant intent test sentences, flattened JSONL {language, text, intent, slots}."""
    for rec in _iter_jsonl(path):
        if "intent" not in rec:  # the negative (must-not-match) sentences carry no intent
            continue
        text = str(rec["text"])
        slots, unlocated = _spans_from_values(text, dict(rec.get("slots") or {}), ignore_case=True)
        yield Utterance(
            text=text,
            label_space="ha",
            intent=str(rec["intent"]),
            slots=slots,
            language=str(rec.get("language", "en")),
            source=str(rec.get("file", "")),
            unlocated_slots=unlocated,
        )


def _spans_from_offsets(text: str, items: Iterable[dict[str, Any]], type_key: str) -> tuple[SlotSpan, ...]:
    spans = []
    for it in items:
        start, end = int(it["start"]), int(it["end"])
        if 0 <= start < end <= len(text):
            spans.append(SlotSpan(str(it[type_key]), start, end, text[start:end]))
    return tuple(sorted(spans, key=lambda s: s.start))


def read_snips(path: Path) -> Iterator[Utterance]:
    """SNIPS 2017 benchmark JSONL {split, intent, text, slots: [{slot, value, start, end}]}."""
    for rec in _iter_jsonl(path):
        text = str(rec["text"])
        yield Utterance(
            text=text,
            label_space="snips",
            intent=str(rec["intent"]),
            slots=_spans_from_offsets(text, rec.get("slots") or [], "slot"),
            language="en",
            source=str(rec.get("split", "")),
        )


def read_hwu64(path: Path) -> Iterator[Utterance]:
    """HWU64 annotated JSONL {text, scenario, intent, entities: [{start, end, value, entity}]}."""
    for rec in _iter_jsonl(path):
        text = str(rec["text"])
        yield Utterance(
            text=text,
            label_space="hwu64",
            intent=str(rec["intent"]),
            slots=_spans_from_offsets(text, rec.get("entities") or [], "entity"),
            language="en",
            source=str(rec.get("kfold", "")),
        )


def read_slurp(path: Path) -> Iterator[Utterance]:
    """SLURP JSONL {sentence, intent, tokens: [{surface, id}], entities: [{type, span: [token ids]}]}."""
    for rec in _iter_jsonl(path):
        text = str(rec["sentence"])
        offsets: dict[int, tuple[int, int]] = {}
        pos = 0
        for tok in rec.get("tokens") or []:
            surface = str(tok["surface"])
            i = text.find(surface, pos)
            if i < 0:
                continue
            offsets[int(tok["id"])] = (i, i + len(surface))
            pos = i + len(surface)
        spans = []
        for ent in rec.get("entities") or []:
            ids = [offsets[t] for t in ent.get("span", []) if t in offsets]
            if ids:
                start, end = min(a for a, _ in ids), max(b for _, b in ids)
                spans.append(SlotSpan(str(ent["type"]), start, end, text[start:end]))
        yield Utterance(
            text=text,
            label_space="hwu64",
            intent=str(rec["intent"]),
            slots=tuple(sorted(spans, key=lambda s: s.start)),
            language="en",
            source=str(rec.get("slurp_id", "")),
        )


def read(path: Path | str, fmt: str) -> list[Utterance]:
    """Read a file of the given format (one of :data:`FORMATS`)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"data file not found: {path}")
    readers = {
        "smp2019": lambda p: read_smp(p, "smp2019"),
        "smp2020": lambda p: read_smp(p, "smp2020"),
        "ha-tests": read_ha_tests,
        "snips": read_snips,
        "hwu64": read_hwu64,
        "slurp": read_slurp,
    }
    if fmt not in readers:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return list(readers[fmt](path))


_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


def normalized_text(text: str) -> str:
    """Lower-case, punctuation-free text: to find the same utterance across data sets."""
    return " ".join(_PUNCT.sub(" ", text.lower()).split())
