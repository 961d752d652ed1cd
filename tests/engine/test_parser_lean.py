"""The lean parser graph (``training/lean_joint.py``) computes the exported graph's logits, exactly.

Why this matters: every cached plan, the reuse threshold and the calibrated confidences rest on the
parser's intents and slot spans. The lean graph only swaps each layer's attention nodes for one
onnxruntime kernel doing the same maths, so its outputs must be the original's — alone, in padded batches
(the key padding mask must hide the padding exactly as the original's -10000 bias did), and at the length
limit — not merely close.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from tokenizers import Tokenizer

from benchmarks.corpus import read
from custom_components.agent_reuse.engine.errors import ModelFileError
from custom_components.agent_reuse.engine.model_files import ModelPaths, default_model_dir, open_session
from custom_components.agent_reuse.engine.nlu import MAX_TOKENS, JointParser

DATASETS = Path(__file__).resolve().parents[3] / "shared" / "datasets"
HA_TESTS = DATASETS / "home_assistant_intents" / "tests_flat.jsonl"
SMP2019 = DATASETS / "smp2019_ecdt_task1" / "train.json"

TEXTS = [
    "turn on the kitchen lights",
    "set the bedroom lights to 50% brightness",
    "what is the temperature in the living room",
    "打开客厅的灯",
    "把空调调到26度",
    "打開臥室的燈",
    "查询一下明天广州到武汉的航班",
    "a",
    "Ünïcödé and emoji 🙂 in a request",
    "turn on " * 120,  # beyond MAX_TOKENS: clipped the way the parser clips
]


@pytest.fixture(scope="module")
def graphs() -> tuple[ort.InferenceSession, ort.InferenceSession]:
    paths = ModelPaths(default_model_dir())
    lean = open_session(paths.parser, "lean parser graph")
    original = open_session(paths.parser_weights, "exported parser graph")
    return lean, original


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer.from_file(str(ModelPaths(default_model_dir()).tokenizer))


def _feed(tokenizer: Tokenizer, texts: list[str]) -> dict[str, np.ndarray]:
    rows = [tokenizer.encode(t).ids for t in texts]
    rows = [r if len(r) <= MAX_TOKENS else [*r[: MAX_TOKENS - 1], r[-1]] for r in rows]
    width = max(len(r) for r in rows)
    ids = np.ones((len(rows), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = r
        mask[i, : len(r)] = 1
    return {"input_ids": ids, "attention_mask": mask}


def _assert_same(
    graphs: tuple[ort.InferenceSession, ort.InferenceSession], feed: dict[str, np.ndarray]
) -> None:
    lean, original = (g.run(None, feed) for g in graphs)
    real = feed["attention_mask"].astype(bool)
    for name, a, b in zip(("intent", "slot"), lean, original, strict=True):
        assert a.shape == b.shape, name
        if name == "slot":  # logits at padded positions are never read
            a, b = a[real], b[real]
        # Measured bit-identical with the pinned onnxruntime; the bound leaves room for another build's
        # summation order, far below what could change an argmax the tests below also compare.
        assert np.abs(a - b).max() < 1e-4, name
        assert (a.argmax(-1) == b.argmax(-1)).all(), name


def _sample(path: Path, fmt: str, every: int) -> list[str]:
    if not path.is_file():
        pytest.skip("shared datasets not present")
    return [u.text for u in read(path, fmt)[::every]]


def test_single_requests_give_the_original_logits(graphs, tokenizer) -> None:  # type: ignore[no-untyped-def]
    for text in TEXTS:
        _assert_same(graphs, _feed(tokenizer, [text]))


def test_padded_batches_give_the_original_logits(graphs, tokenizer) -> None:  # type: ignore[no-untyped-def]
    # Lengths from one token to the limit side by side: padding must stay invisible to every row.
    _assert_same(graphs, _feed(tokenizer, TEXTS))
    _assert_same(graphs, _feed(tokenizer, ["a", "打开客厅的灯和卧室的空调然后把窗帘拉上"]))


def test_dataset_sentences_give_the_original_logits(graphs, tokenizer) -> None:  # type: ignore[no-untyped-def]
    texts = _sample(HA_TESTS, "ha-tests", 9) + _sample(SMP2019, "smp2019", 9)
    assert len(texts) > 350
    for i in range(0, len(texts), 16):
        _assert_same(graphs, _feed(tokenizer, texts[i : i + 16]))
    for text in texts[::5]:
        _assert_same(graphs, _feed(tokenizer, [text]))


def test_the_lean_graph_holds_no_weights_of_its_own() -> None:
    paths = ModelPaths(default_model_dir())
    assert paths.parser.stat().st_size < 1_000_000
    assert paths.parser_weights.stat().st_size > 20_000_000


def test_missing_or_damaged_weight_file_is_a_clear_error(tmp_path: Path) -> None:
    source = ModelPaths(default_model_dir())
    copy = ModelPaths(tmp_path)
    copy.parser.parent.mkdir(parents=True)
    for path in ("parser", "tokenizer", "labels"):
        shutil.copy(getattr(source, path), getattr(copy, path))
    with pytest.raises(ModelFileError, match="weight file not found") as err:
        JointParser.load(tmp_path)
    assert str(copy.parser_weights) in str(err.value)
    # A truncated download: the lean graph's weights lie beyond the end of the file.
    copy.parser_weights.write_bytes(source.parser_weights.read_bytes()[: 1 << 20])
    with pytest.raises(ModelFileError, match="damaged or incomplete") as err:
        JointParser.load(tmp_path)
    assert copy.parser_weights.name in str(err.value)
