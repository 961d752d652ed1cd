"""Data for ``scripts/eval-reuse``: the evaluated stream, its training (calibration) side, and encoding.

Splits (see :func:`benchmarks.corpus.is_dev`): ``dev`` is our 10 % dev split of the shared file, which the
NLU model never trained on; ``train`` the rest (the NLU's training data); ``all`` the whole file (it holds
the NLU's training data: figures on it are optimistic for the NLU). SNIPS: ``dev`` = its ``validate``
split, ``train`` = ``train_small`` (what the NLU trained on). SLURP devel was excluded from NLU training
altogether, so its ``all`` is unseen; its training side is HWU64 (the same corpus, the same label
inventory) minus the utterances SLURP shares with it.

Calibration data (``--threshold auto``, MeanCache's PCA, the bounded method's prior) is always a
*training* side: the train side of the same file, or for SLURP the train side of HWU64 next to it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.corpus import Utterance, is_dev, normalized_text, read
from benchmarks.reuse_methods import StreamRequest
from custom_components.agent_reuse.engine.embedder import SentenceEmbedder
from custom_components.agent_reuse.engine.nlu import JointParser
from custom_components.agent_reuse.engine.template import strip_slots

PROTOCOLS = ("pair", "signature")


@dataclass(frozen=True)
class LabelledUtterance:
    """An utterance with the label-space intent it is scored under (SLURP: scenario_action)."""

    utt: Utterance
    intent: str
    scenario: str = ""


def slurp_scenarios(path: Path) -> list[tuple[str, str]]:
    """(scenario, scenario_action) per record of a SLURP JSONL file, in file order.

    SLURP's ``intent`` lacks the scenario prefix for a few records (``cleaning``, ``hue_lightoff``,
    ``music`` for play_music): source noise. ``scenario_action`` is the intent the record means.
    """
    out = []
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                rec = json.loads(line)
                out.append(
                    (str(rec.get("scenario", "")), f"{rec.get('scenario', '')}_{rec.get('action', '')}")
                )
    return out


def load_labelled(path: Path, fmt: str) -> list[LabelledUtterance]:
    utterances = read(path, fmt)
    if fmt == "slurp":
        scen = slurp_scenarios(path)
        if len(scen) != len(utterances):
            raise ValueError("SLURP file: records and utterances do not line up")
        return [LabelledUtterance(u, intent, s) for u, (s, intent) in zip(utterances, scen, strict=True)]
    if fmt == "hwu64":
        return [LabelledUtterance(u, u.intent, u.intent.split("_", 1)[0]) for u in utterances]
    return [LabelledUtterance(u, u.intent) for u in utterances]


def in_split(item: LabelledUtterance, fmt: str, split: str) -> bool:
    if split == "all":
        return True
    if fmt == "snips":
        return item.utt.source == ("validate" if split == "dev" else "train_small")
    return is_dev(item.utt.text) == (split == "dev")


def select(
    items: Sequence[LabelledUtterance],
    fmt: str,
    split: str = "all",
    scenario: str | None = None,
    language: str | None = None,
    limit: int | None = None,
    shuffle_seed: int | None = None,
) -> list[LabelledUtterance]:
    out = [it for it in items if in_split(it, fmt, split)]
    if scenario:
        out = [it for it in out if it.scenario == scenario]
    if language:
        out = [it for it in out if it.utt.language.lower().startswith(language.lower())]
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(out)
    if limit is not None:
        out = out[:limit]
    return out


def calibration_source(data: Path, fmt: str) -> tuple[Path, str]:
    """Where the training side lives: the same file, or for SLURP the HWU64 file beside it."""
    if fmt == "slurp":
        hwu = data.resolve().parent.parent / "hwu64_nlu_evaluation_data" / "hwu64_annotated.jsonl"
        if hwu.is_file():
            return hwu, "hwu64"
    return data, fmt


def calibration_items(
    data: Path,
    fmt: str,
    evaluated: Sequence[LabelledUtterance],
    scenario: str | None,
    language: str | None,
    limit: int,
    source: tuple[Path, str] | None = None,
) -> tuple[list[LabelledUtterance], str]:
    """The training side used to calibrate γ, fit PCA and seed the bounded learner (first ``limit``)."""
    path, cfmt = source or calibration_source(data, fmt)
    items = load_labelled(path, cfmt)
    train = select(items, cfmt, "train", scenario, language)
    if cfmt != fmt:  # another file of the family: drop anything the evaluated stream also contains
        seen = {normalized_text(it.utt.text) for it in evaluated}
        train = [it for it in train if normalized_text(it.utt.text) not in seen]
    return train[:limit], f"{path} ({cfmt}, train side)"


def label_of(item: LabelledUtterance, protocol: str) -> str:
    """The plan a request needs: its intent (pair) or intent + sorted slot types (signature).

    The slot types are those the annotation gives, said or implied (HA's ``domain: light``): an implied
    slot changes the plan as much as a said one.
    """
    if protocol == "pair":
        return item.intent
    types = {s.type for s in item.utt.slots} | {t for t, _ in item.utt.unlocated_slots}
    return item.intent + "|" + ",".join(sorted(types))


def encode(
    items: Sequence[LabelledUtterance],
    protocol: str,
    parser: JointParser,
    embedder: SentenceEmbedder,
) -> list[StreamRequest]:
    """Parse, strip and embed (template and raw text) every utterance, one request at a time.

    One at a time, as the integration does: the int8 models quantize activations per call, so a padded
    batch gives slightly other numbers than the same request alone (measured on 600 SMP2019 requests in
    batches of 32: 4 slot decodes differed, embeddings down to cosine 0.995) — enough to move a decision
    that sits at γ. The stream's figures must be the decisions the integration makes.
    """
    out: list[StreamRequest] = []
    for index, it in enumerate(items):
        parsed = parser.parse(it.utt.text, it.utt.language)
        template = strip_slots(parsed)
        out.append(
            StreamRequest(
                index=index,
                text=it.utt.text,
                language=it.utt.language,
                label=label_of(it, protocol),
                intent=it.intent,
                pred_intent=parsed.intent,
                pred_signature=template.signature,
                template=template.text,
                emb_template=np.ascontiguousarray(embedder.embed(template.text), dtype=np.float32),
                emb_raw=np.ascontiguousarray(embedder.embed(it.utt.text), dtype=np.float32),
                extra={
                    "top_intent": parsed.top_intent,
                    "confidence": parsed.confidence,
                    "slot_values": parsed.slot_values,
                },
            )
        )
    return out
