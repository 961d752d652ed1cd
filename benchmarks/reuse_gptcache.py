"""The ``gptcache`` baseline: the real GPTCache package (0.1.44), not a re-implementation.

Set up the way GPTCache documents it: ``get_data_manager(CacheBase("sqlite"), VectorBase("faiss",
dimension=512))`` (SQLite for the questions/answers, a FAISS ``IDMap,Flat`` L2 index for the vectors), its
``SearchDistanceEvaluation`` for the similarity, ``Config(similarity_threshold=γ)``, and the ``get``/``put``
API. The embedding function is the SAME as agentreuse's (the shipped USE-multilingual :class:`SentenceEmbedder`),
applied to the raw request text, as GPTCache does.

Threshold semantics: GPTCache's FAISS index returns squared L2 distances; for unit vectors d = 2 − 2·cos.
``SearchDistanceEvaluation(max_distance=2.0)`` scores ``2 − d = 2·cos`` (clipped at 0) and GPTCache accepts
a hit when the score ≥ γ · 2, i.e. cos ≥ γ — so γ means the same cosine for GPTCache as for every other
method here. (With the package's default ``max_distance=4.0`` γ would mean cos ≥ 2γ − 1.)

The stored "answer" is the request's true label; a hit returns the answer of the best-scoring entry.
``max_size`` is set above the stream length so GPTCache's LRU eviction never runs (the engine's cache does
not evict in the benchmark either).
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks.reuse_core import Decision
from benchmarks.reuse_methods import StreamRequest

GPTCACHE_VERSION = "0.1.44"


def gptcache_available() -> str | None:
    """None if the pinned gptcache imports, else why not."""
    try:
        import gptcache
    except Exception as err:  # ImportError, or a broken install
        return f"gptcache not importable: {type(err).__name__}: {err}"
    version = getattr(gptcache, "__version__", "?")
    if version != GPTCACHE_VERSION:
        return f"gptcache {version} installed, the benchmark pins {GPTCACHE_VERSION}"
    return None


class GPTCacheMethod:
    """One GPTCache instance per (reset, threshold), fed the stream through ``gptcache.adapter.api``."""

    name = "gptcache"
    uses_threshold = True

    def __init__(
        self,
        embed: Callable[[str], npt.NDArray[Any]],
        dim: int = 512,
        max_size: int = 100_000,
        workdir: Path | None = None,
    ) -> None:
        self._embed = embed
        self.dim = dim
        self.max_size = max_size
        self._root = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="eval-reuse-gptcache-"))
        self._run = 0
        # GPTCache registers an atexit hook per Cache that flushes its index to disk; ours is registered
        # first, so it runs after theirs (atexit is LIFO) and the directories exist until then.
        atexit.register(shutil.rmtree, self._root, True)
        self._cache: Any = None
        self._dir: Path | None = None
        self._stored: list[int] = []
        self.memo: dict[str, npt.NDArray[np.float32]] = {}

    def embedding_func(self, data: Any, **_: Any) -> npt.NDArray[np.float32]:
        text = str(data)
        vector = self.memo.get(text)
        if vector is None:
            vector = np.asarray(self._embed(text), dtype=np.float32)
        return vector

    def reset(self, threshold: float) -> None:
        from gptcache import Cache, Config
        from gptcache.manager import CacheBase, VectorBase, get_data_manager
        from gptcache.processor.pre import get_prompt
        from gptcache.similarity_evaluation.distance import SearchDistanceEvaluation

        self.close()
        self._run += 1
        self._dir = self._root / f"run{self._run}"
        self._dir.mkdir(parents=True, exist_ok=True)
        data_manager = get_data_manager(
            CacheBase("sqlite", sql_url=f"sqlite:///{self._dir / 'sqlite.db'}"),
            VectorBase("faiss", dimension=self.dim, index_path=str(self._dir / "faiss.index")),
            max_size=self.max_size,
        )
        cache = Cache()
        cache.init(
            pre_embedding_func=get_prompt,
            embedding_func=self.embedding_func,
            data_manager=data_manager,
            similarity_evaluation=SearchDistanceEvaluation(max_distance=2.0),
            config=Config(similarity_threshold=float(threshold)),
        )
        self._cache = cache
        self._stored = []

    def get(self, text: str) -> Any:
        from gptcache.adapter.api import get

        return get(text, cache_obj=self._cache)

    def put(self, text: str, answer: str) -> None:
        from gptcache.adapter.api import put

        put(text, answer, cache_obj=self._cache)

    def step(self, request: StreamRequest) -> Decision:
        self.memo.setdefault(request.text, request.emb_raw)
        answer = self.get(request.text)
        if answer is not None:
            served = str(answer)
            return Decision(True, served == request.label, None, served)
        self.put(request.text, request.label)
        self._stored.append(request.index)
        return Decision(False)

    def import_entries(self, texts: list[str], answers: list[str], vectors: npt.NDArray[Any]) -> None:
        """Bulk-load entries (GPTCache's ``import_data``), e.g. to time lookups against a filled cache."""
        self._cache.data_manager.import_data(
            texts, answers, [np.asarray(v, dtype=np.float32) for v in vectors], [None] * len(texts)
        )

    def stored(self) -> list[int]:
        return list(self._stored)

    def close(self) -> None:
        if self._cache is not None:
            # closing flushes the index to disk; a failure there is irrelevant here
            with contextlib.suppress(Exception):
                self._cache.data_manager.close()
            self._cache = None
        self._dir = None
