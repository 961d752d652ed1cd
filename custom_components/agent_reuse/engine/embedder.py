"""Sentence embeddings for the slot-stripped request text (the cache's similarity space).

Why this model: Google's Universal Sentence Encoder multilingual v3, shipped as a uint8 ONNX graph with its
SentencePiece tokenizer inside (strings in, 512-dim L2-normalized vectors out). It scores Chinese and
English paraphrases high and unrelated requests near zero. The engine runs a lean rewrite of that graph
(``training/lean_use.py``: the same maths without the TensorFlow converter's ragged-batch bookkeeping) that
costs ~0.6 ms per short request on one core instead of ~1.1 ms — the hit path's budget is a few
milliseconds in total. Its scores are its own: the reuse threshold γ is
calibrated for *this* embedder (see ``scripts/eval-reuse --threshold auto``), not taken from the paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import InputError
from .model_files import ModelPaths, default_model_dir, open_session, require_file

EMBEDDER_ID = "use-multilingual-v3-uint8"
EMBEDDING_DIM = 512


class SentenceEmbedder:
    """Text → L2-normalized float32 vector (thread-safe; load once)."""

    model_id = EMBEDDER_ID
    dim = EMBEDDING_DIM

    def __init__(self, session: Any) -> None:
        self._session = session
        self._input = session.get_inputs()[0].name

    @classmethod
    def load(cls, model_dir: Path | None = None) -> SentenceEmbedder:
        """Load from ``model_dir`` (blocking: ~1 s; call it from an executor thread)."""
        paths = ModelPaths(model_dir or default_model_dir())
        require_file(paths.embedder, "sentence embedder")
        weights = require_file(paths.embedder_weights, "sentence embedder's weight file")
        return cls(
            open_session(paths.embedder, f"sentence embedder (weights in {weights.name})", custom_ops=True)
        )

    def embed(self, text: str) -> npt.NDArray[Any]:
        """One text → a (dim,) float32 unit vector."""
        result: npt.NDArray[Any] = self.embed_batch([text])[0]
        return result

    def embed_batch(self, texts: Sequence[str]) -> npt.NDArray[Any]:
        """Several texts → an (n, dim) float32 matrix of unit rows, in one model call.

        Close to :meth:`embed` of each text, not equal (cosine ≥ 0.995 measured): the int8 model quantizes
        activations per call, over the whole padded batch.
        """
        for text in texts:
            if not isinstance(text, str):
                raise InputError(f"text to embed must be a string, not {type(text).__name__}")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._session.run(None, {self._input: np.asarray(list(texts), dtype=object)})[0]
        vectors = np.asarray(out, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        normalized: npt.NDArray[Any] = vectors / np.maximum(norms, 1e-12)
        return normalized
