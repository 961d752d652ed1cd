"""Local natural-language understanding: one joint ONNX model for intent + slots, Chinese and English.

Why joint and local: the reuse decision needs the intent (it picks the cache partition) and the slot spans
(they are what gets stripped before embedding and re-bound into a cached plan) for *every* request, so this
runs on the hit path and must take about a millisecond on a small CPU. One fine-tuned multilingual-e5-small
encoder (first 6 layers, int8) serves several *label spaces* — the intent inventories of the data sets it
was trained on (``ha`` for Home Assistant, ``smp2019``, ``smp2020``, ``snips``, ``hwu64``); a parser instance
reads one space. The ``ha`` space has an explicit out-of-scope class, so "tell me a joke" is reported as
an unknown intent instead of being forced into ``HassTurnOn``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

from .errors import InputError, ModelFileError
from .model_files import ModelPaths, default_model_dir, open_session, require_file
from .numbers import spoken_numbers_to_digits
from .speech import spoken

#: Requests are cut to this many tokens (the model was trained on up to 64; 128 keeps long sentences whole).
MAX_TOKENS = 128
#: The longest text accepted at all; anything longer is truncated before tokenizing (bounded work).
MAX_CHARS = 2000
#: Label spaces whose slot values become Home Assistant service data: spoken quantities are parsed as
#: digits there ("百分之五十" → "50%", see numbers.py). The benchmark spaces keep the said text, which is
#: what their labelled spans are.
NUMBERS_AS_DIGITS_SPACES = frozenset({"ha"})


@dataclass(frozen=True)
class Slot:
    """A slot the parser found: its type, the text that was said, and where (``text[start:end]``)."""

    type: str
    value: str
    start: int
    end: int

    def overlaps(self, start: int, end: int) -> bool:
        """Whether this slot shares a character with ``text[start:end]``."""
        return self.start < end and start < self.end


@dataclass(frozen=True)
class ParsedRequest:
    """What the parser understood of one request."""

    text: str
    language: str
    label_space: str
    intent: str | None  # None: unknown / out of scope
    confidence: float
    slots: tuple[Slot, ...]
    truncated: bool = False
    top_intent: str = ""  # the best-scoring label, even when it was rejected as unknown

    @property
    def known(self) -> bool:
        return self.intent is not None

    @property
    def slot_types(self) -> frozenset[str]:
        return frozenset(s.type for s in self.slots)

    @property
    def slot_values(self) -> dict[str, str]:
        """Slot type → value (the first occurrence when a type repeats)."""
        out: dict[str, str] = {}
        for s in self.slots:
            out.setdefault(s.type, s.value)
        return out


@dataclass(frozen=True)
class _Labels:
    spaces: dict[str, list[str]]
    intents: list[str]
    tags: list[str]
    space_slot_types: dict[str, list[str]]
    unknown_intent: str
    intent_rows: dict[str, npt.NDArray[Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> _Labels:
        require_file(path, "NLU label file")
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            labels = cls(
                spaces={k: list(v) for k, v in raw["spaces"].items()},
                intents=list(raw["intents"]),
                tags=list(raw["tags"]),
                space_slot_types={k: list(v) for k, v in raw["space_slot_types"].items()},
                unknown_intent=str(raw["unknown_intent"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise ModelFileError(
                f"NLU label file {path} is damaged ({err}). Reinstall the integration."
            ) from err
        index = {name: i for i, name in enumerate(labels.intents)}
        for space, names in labels.spaces.items():
            labels.intent_rows[space] = np.array([index[f"{space}:{n}"] for n in names], dtype=np.int64)
        return labels


class JointParser:
    """Intent classification + slot filling with the shipped joint model.

    Thread-safe without locks: the instance is immutable after loading, onnxruntime sessions and
    ``tokenizers`` encoders may be called from several threads at once.
    """

    def __init__(
        self,
        session: Any,
        tokenizer: Tokenizer,
        labels: _Labels,
        label_space: str = "ha",
        min_confidence: float = 0.5,
    ) -> None:
        if label_space not in labels.spaces:
            raise ValueError(f"unknown label space {label_space!r}; the model has {sorted(labels.spaces)}")
        self._session = session
        self._tokenizer = tokenizer
        self._labels = labels
        self._space = label_space
        self._min_confidence = min_confidence
        self._digits = label_space in NUMBERS_AS_DIGITS_SPACES
        self._intent_names = labels.spaces[label_space]
        self._intent_rows = labels.intent_rows[label_space]
        self._bio = _bio_rules(labels.tags, set(labels.space_slot_types.get(label_space, [])))
        self._allowed_tags = self._bio.allowed

    @classmethod
    def load(
        cls, model_dir: Path | None = None, label_space: str = "ha", min_confidence: float = 0.5
    ) -> JointParser:
        """Load the parser from ``model_dir`` (blocking: ~0.5 s; call it from an executor thread)."""
        paths = ModelPaths(model_dir or default_model_dir())
        labels = _Labels.read(paths.labels)
        require_file(paths.tokenizer, "NLU tokenizer")
        try:
            tokenizer = Tokenizer.from_file(str(paths.tokenizer))
        except Exception as err:
            raise ModelFileError(
                f"NLU tokenizer {paths.tokenizer} is damaged ({err}). Reinstall the integration."
            ) from err
        require_file(paths.parser, "NLU model")
        weights = require_file(paths.parser_weights, "NLU model's weight file")
        session = open_session(paths.parser, f"NLU model (weights in {weights.name})")
        return cls(session, tokenizer, labels, label_space, min_confidence)

    def for_space(self, label_space: str, min_confidence: float | None = None) -> JointParser:
        """Another view of the same loaded model that reads a different label space."""
        return JointParser(
            self._session,
            self._tokenizer,
            self._labels,
            label_space,
            self._min_confidence if min_confidence is None else min_confidence,
        )

    @property
    def label_space(self) -> str:
        return self._space

    @property
    def label_spaces(self) -> list[str]:
        return sorted(self._labels.spaces)

    @property
    def intents(self) -> list[str]:
        """The intents of this parser's label space (without the out-of-scope class)."""
        return [n for n in self._intent_names if n != self._labels.unknown_intent]

    @property
    def slot_types(self) -> list[str]:
        return list(self._labels.space_slot_types.get(self._space, []))

    def parse(self, text: str, language: str = "") -> ParsedRequest:
        """Parse one request. Raises :class:`InputError` for empty or non-text input."""
        return self.parse_batch([text], language)[0]

    def parse_batch(self, texts: Sequence[str], language: str = "") -> list[ParsedRequest]:
        """Parse several requests in one model call (padded batch), for throughput.

        Close to :meth:`parse` of each request, not always equal: the int8 model quantizes activations per
        call, over the whole padded batch (600 SMP2019 requests in batches of 32: 4 slot decodes differed).
        Where decisions must be the integration's (the reuse benchmark), parse one at a time.
        """
        if not texts:
            return []
        encodings = []
        for text in texts:
            if not isinstance(text, str):
                raise InputError(f"request text must be a string, not {type(text).__name__}")
            if not text.strip():
                raise InputError("the request is empty", spoken=spoken("empty_request"))
            if self._digits:
                # The parse (its text and spans) is of this text; only what the model reads is rewritten.
                text = spoken_numbers_to_digits(text[:MAX_CHARS]) + text[MAX_CHARS:]
            clipped = text[:MAX_CHARS]
            enc = self._tokenizer.encode(clipped)
            ids, offsets = list(enc.ids), list(enc.offsets)
            truncated = len(clipped) < len(text)
            if len(ids) > MAX_TOKENS:
                ids = [*ids[: MAX_TOKENS - 1], ids[-1]]
                offsets = [*offsets[: MAX_TOKENS - 1], offsets[-1]]
                truncated = True
            encodings.append((text, ids, offsets, truncated))
        width = max(len(e[1]) for e in encodings)
        input_ids = np.full((len(encodings), width), 1, dtype=np.int64)  # <pad>
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, (_, ids, _, _) in enumerate(encodings):
            input_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        intent_logits, slot_logits = self._session.run(None, {"input_ids": input_ids, "attention_mask": mask})
        return [
            self._decode(text, language, ids, offsets, truncated, intent_logits[row], slot_logits[row])
            for row, (text, ids, offsets, truncated) in enumerate(encodings)
        ]

    def _decode(
        self,
        text: str,
        language: str,
        ids: list[int],
        offsets: list[tuple[int, int]],
        truncated: bool,
        intent_logits: npt.NDArray[Any],
        slot_logits: npt.NDArray[Any],
    ) -> ParsedRequest:
        logits = intent_logits[self._intent_rows].astype(np.float64)
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        best = int(probs.argmax())
        top = self._intent_names[best]
        confidence = float(probs[best])
        intent: str | None = top
        if top == self._labels.unknown_intent or confidence < self._min_confidence:
            intent = None
        tags = self._viterbi(slot_logits[1 : len(ids) - 1])
        tags = np.concatenate([[0], tags, [0]])
        return ParsedRequest(
            text=text,
            language=language,
            label_space=self._space,
            intent=intent,
            confidence=confidence,
            slots=self._spans(text, tags, offsets),
            truncated=truncated,
            top_intent=top,
        )

    def _viterbi(self, logits: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """Best BIO tag sequence under the rule "I-x only after B-x or I-x", over this space's tags.

        Per-token argmax splits one name into pieces of different types ("周|杰|伦" as artist, name,
        artist); decoding the sequence with the BIO transition rule keeps a span's type consistent.
        """
        if len(logits) == 0:
            return np.zeros(0, dtype=np.int64)
        rules = self._bio
        allowed = rules.allowed
        scores = logits[:, allowed]
        # The rule only forbids paths, so when each token's own best tag already forms an allowed sequence
        # (most requests) that sequence is the best allowed one: no dynamic programme needed.
        greedy = scores.argmax(axis=1)
        starts_inside = rules.is_inside[greedy]
        previous, current = greedy[:-1], greedy[1:]
        broken = starts_inside[1:] & (previous != current) & (previous != rules.begin_of[current])
        if not starts_inside[0] and not broken.any():
            fast: npt.NDArray[Any] = allowed[greedy]
            return fast
        inside, inside_from = rules.inside, rules.begin_of[rules.inside]
        scores = scores.astype(np.float64)
        scores -= scores.max(axis=1, keepdims=True)
        scores -= np.log(np.exp(scores).sum(axis=1, keepdims=True))  # log-softmax over allowed tags
        score = scores[0] + np.where(rules.is_inside, -1e9, 0.0)  # no span starts with I-
        back = np.zeros(scores.shape, dtype=np.int64)
        for t in range(1, len(scores)):
            # Any tag may follow anything, except I-x: only after B-x or I-x. So each tag's best predecessor
            # is the overall best, and for I-x the better of B-x and I-x (O(tags) per token, not O(tags²)).
            best = int(score.argmax())
            row = np.full(len(score), best, dtype=np.int64)
            begin_score, inside_score = score[inside_from], score[inside]
            row[inside] = np.where(begin_score >= inside_score, inside_from, inside)
            back[t] = row
            score = score[row] + scores[t]
        path = np.zeros(len(scores), dtype=np.int64)
        path[-1] = int(score.argmax())
        for t in range(len(scores) - 1, 0, -1):
            path[t - 1] = back[t, path[t]]
        result: npt.NDArray[Any] = allowed[path]
        return result

    def _spans(self, text: str, tags: npt.NDArray[Any], offsets: list[tuple[int, int]]) -> tuple[Slot, ...]:
        names = self._labels.tags
        spans: list[tuple[str, int, int]] = []
        current: list[Any] | None = None  # [type, start, end]
        for j in range(1, len(offsets) - 1):  # skip <s> and </s>
            tag = names[int(tags[j])]
            a, b = offsets[j]
            while a < b and text[a].isspace():
                a += 1
            if tag == "O" or a >= b:
                if tag == "O" and current is not None:
                    spans.append((current[0], current[1], current[2]))
                    current = None
                continue
            prefix, typ = tag[:1], tag[2:]
            if current is not None and prefix == "I" and typ == current[0]:
                current[2] = b
                continue
            if current is not None:
                spans.append((current[0], current[1], current[2]))
            current = [typ, a, b]
        if current is not None:
            spans.append((current[0], current[1], current[2]))
        slots = []
        for typ, a, b in spans:
            value = text[a:b].rstrip()
            if value:
                slots.append(Slot(typ, value, a, a + len(value)))
        return tuple(slots)


@dataclass(frozen=True)
class _BioRules:
    """The tags one label space may use and the rule "I-x only after B-x or I-x", by position among them."""

    #: Tag ids the space may use.
    allowed: npt.NDArray[Any]
    #: Positions of the I- tags.
    inside: npt.NDArray[Any]
    #: Per position: whether it is an I- tag.
    is_inside: npt.NDArray[Any]
    #: Per position: the tag an I- tag may follow besides itself (its B- tag; itself when the space lacks it).
    begin_of: npt.NDArray[Any]


def _bio_rules(tags: list[str], slot_types: set[str]) -> _BioRules:
    allowed = np.array([i for i, t in enumerate(tags) if t == "O" or t[2:] in slot_types], dtype=np.int64)
    names = [tags[i] for i in allowed]
    position = {name: j for j, name in enumerate(names)}
    is_inside = np.array([name.startswith("I-") for name in names], dtype=bool)
    begin_of = np.array(
        [position.get("B-" + name[2:], j) if name.startswith("I-") else j for j, name in enumerate(names)],
        dtype=np.int64,
    )
    return _BioRules(allowed, np.flatnonzero(is_inside), is_inside, begin_of)
