"""Shrink the shipped parser's vocabulary to the pieces Chinese and English requests use.

Why: at run time the parser's tokenizer and embedding table are most of its memory. ``tokenizers`` keeps a
unigram vocabulary as a character trie (about 0.65 KB per piece: 77 MB for the 118k Latin + CJK pieces
``tokenizer_build.kept_piece`` leaves), and the int8 embedding table holds a 384-byte row per piece. Most of
those pieces are words of other Latin-script languages (German, French, Indonesian, ...) that an English or
Chinese smart-home request never produces.

What is kept (deterministic, no retraining; the model's other weights are untouched):

* the special tokens and every single-character piece (CJK is split per character before the unigram
  model runs, so single characters are the whole Chinese vocabulary, and any Latin word can still be spelt);
* every piece the training split of the shared data produces (those rows were fine-tuned);
* every piece Home Assistant's own English UI strings produce (``components/*/translations/en.json`` of the
  pinned ``homeassistant`` package): the names of device classes, sensors and services users say
  ("apparent power", "power factor", "dehumidifier"), a domain vocabulary the multilingual unigram scores
  rank poorly ("kitchen" is only the 52,000th most probable piece);
* the ``--top`` most probable remaining pieces by the unigram model's own log-probability, so common
  English words the data never said keep their whole-word pieces.

A text that used a dropped piece is segmented into smaller kept pieces by the same unigram model (never
``<unk>``). The dev split is *not* used to choose pieces, so ``scripts/eval-nlu --split dev`` measures what
the pruning costs on unseen text.

Usage (after ``export_nlu.py``; rewrites ``tokenizer.json`` and ``joint.int8.onnx`` in ``--models``):
    python training/prune_vocab.py --data ../shared/datasets --models models/nlu \
        --ha-package .venv/lib/python3.13/site-packages/homeassistant --top 10000
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper
from tokenizers import Tokenizer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import is_dev, read  # noqa: E402

#: The shared files the parser was trained on (their train split decides the fine-tuned pieces). SLURP is
#: left out on purpose: the reuse benchmark evaluates on it.
TRAINING_FILES = (
    ("smp2019_ecdt_task1/train.json", "smp2019"),
    ("smp2020_ecdt_task1_fewjoint/train.json", "smp2020"),
    ("home_assistant_intents/tests_flat.jsonl", "ha-tests"),
    ("snips_nlu_benchmark_2017_06/snips.jsonl", "snips"),
    ("hwu64_nlu_evaluation_data/hwu64_annotated.jsonl", "hwu64"),
    ("smp2017_ecdt_task1/train.jsonl", "smp2017"),
)
EMBEDDING = "word.weight_quantized"
SPECIAL_IDS = 4  # <s>, <pad>, </s>, <unk>


def pieces_used(tokenizer: Tokenizer, data_dir: Path) -> set[int]:
    used: set[int] = set()
    for rel, fmt in TRAINING_FILES:
        path = data_dir / rel
        if fmt == "smp2017":  # intent-only JSON lines, read directly
            texts = [
                json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line
            ]
        else:
            texts = [u.text for u in read(path, fmt)]
        for text in texts:
            if not is_dev(text):
                used.update(tokenizer.encode(text, add_special_tokens=False).ids)
    return used


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def ha_pieces(tokenizer: Tokenizer, ha_package: Path) -> set[int]:
    files = sorted(ha_package.glob("components/*/translations/en.json"))
    if not files:
        raise SystemExit(
            f"no components/*/translations/en.json under {ha_package} (point --ha-package at it)"
        )
    used: set[int] = set()
    for path in files:
        for text in _strings(json.loads(path.read_text(encoding="utf-8"))):
            used.update(tokenizer.encode(text, add_special_tokens=False).ids)
    return used


def choose(vocab: list[tuple[str, float]], used: set[int], top: int) -> list[int]:
    keep = set(range(SPECIAL_IDS)) | used
    keep |= {i for i, (piece, _) in enumerate(vocab) if len(piece.removeprefix("▁")) <= 1}
    by_score = sorted((i for i in range(len(vocab)) if i not in keep), key=lambda i: (-vocab[i][1], i))
    keep |= set(by_score[:top])
    return sorted(keep)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared/datasets")
    ap.add_argument("--models", type=Path, default=ROOT / "models/nlu")
    ap.add_argument(
        "--ha-package",
        type=Path,
        default=ROOT / ".venv/lib/python3.13/site-packages/homeassistant",
        help="the installed homeassistant package (its English UI strings)",
    )
    ap.add_argument("--top", type=int, default=10000, help="most probable extra pieces to keep")
    args = ap.parse_args(argv)

    tok_path, onnx_path = args.models / "tokenizer.json", args.models / "joint.int8.onnx"
    spec = json.loads(tok_path.read_text(encoding="utf-8"))
    vocab = [(p, float(s)) for p, s in spec["model"]["vocab"]]
    tokenizer = Tokenizer.from_file(str(tok_path))
    used = pieces_used(tokenizer, args.data) | ha_pieces(tokenizer, args.ha_package)
    keep = choose(vocab, used, args.top)
    if keep[:SPECIAL_IDS] != list(range(SPECIAL_IDS)):
        raise SystemExit("special tokens must stay at ids 0-3")

    model = onnx.load(str(onnx_path))
    (table,) = [init for init in model.graph.initializer if init.name == EMBEDDING]
    weights = numpy_helper.to_array(table)
    if weights.shape[0] != len(vocab):
        raise SystemExit(f"embedding has {weights.shape[0]} rows but the tokenizer {len(vocab)} pieces")
    table.CopyFrom(numpy_helper.from_array(np.ascontiguousarray(weights[keep]), EMBEDDING))

    spec["model"]["vocab"] = [list(vocab[i]) for i in keep]
    spec["model"]["unk_id"] = 3
    tok_path.write_text(json.dumps(spec, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    onnx.save(model, str(onnx_path))
    print(json.dumps({"pieces_before": len(vocab), "pieces_after": len(keep), "top": args.top}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
