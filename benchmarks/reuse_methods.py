"""The reuse methods compared by ``scripts/eval-reuse``, each driven over an encoded request stream.

Every method sees the same :class:`StreamRequest` records (the parse, slot-stripped template and
embeddings are computed once, in batches, by the caller) and keeps its own cache:

* ``agentreuse`` — the engine's :class:`PlanCache`: predicted intent → slot-stripped embedding → search
  inside that intent's partition → threshold γ and the slot-signature gate. Requests whose intent the parser
  rejects (confidence below the product's minimum) are neither reused nor cached (the paper's "undefined").
* ``agentreuse-nogate`` — the same with the signature gate off.
* ``oneintent`` — the same, searching every partition (one index for all intents).
* ``withargs`` — the same, embedding the raw request (slots not stripped).
* ``meancache`` — raw-text embeddings reduced by PCA to 64 dims (fitted on training data only), thresholded
  cosine over one index; no NLU.
* ``agentreuse-bounded`` — agentreuse's partitions and gate, but per-partition thresholds learned online
  under a false-reuse budget δ (:mod:`custom_components.agent_reuse.engine.bounded`).
* ``gptcache`` and ``ha-local`` live in :mod:`benchmarks.reuse_gptcache` and :mod:`benchmarks.reuse_halocal`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from benchmarks.reuse_core import Decision
from custom_components.agent_reuse.engine.bounded import BoundedConfig, BoundedThresholds
from custom_components.agent_reuse.engine.cache import PlanCache

ALL = "*"  # the one partition of methods that do not partition by intent


@dataclass(slots=True)
class StreamRequest:
    """One request of the stream, encoded once for every method."""

    index: int
    text: str
    language: str
    label: str  # the TRUE label under the protocol (the "plan" a method stores)
    intent: str  # the true intent
    pred_intent: str | None  # the parser's intent (None: rejected as unknown / low confidence)
    pred_signature: frozenset[str]
    template: str
    emb_template: npt.NDArray[np.float32]
    emb_raw: npt.NDArray[np.float32]
    emb_pca: npt.NDArray[np.float32] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class StreamMethod(Protocol):
    name: str
    uses_threshold: bool

    def reset(self, threshold: float) -> None: ...

    def step(self, request: StreamRequest) -> Decision: ...

    def stored(self) -> list[int]: ...


def run_stream(method: StreamMethod, requests: Sequence[StreamRequest], threshold: float) -> list[Decision]:
    """Reset the method's cache and feed it the stream in order."""
    method.reset(threshold)
    return [method.step(r) for r in requests]


class PlanCacheMethod:
    """A method built on the engine's :class:`PlanCache` (agentreuse and its ablations, meancache)."""

    uses_threshold = True

    def __init__(
        self,
        name: str,
        *,
        vector: str = "template",
        search: str = "partition",
        gate: bool = True,
        use_intent: bool = True,
        dim: int = 512,
        max_entries: int = 100_000,
    ) -> None:
        if vector not in ("template", "raw", "pca"):
            raise ValueError(f"unknown vector kind {vector!r}")
        if search not in ("partition", "all"):
            raise ValueError(f"unknown search kind {search!r}")
        self.name = name
        self.vector = vector
        self.search = search
        self.gate = gate
        self.use_intent = use_intent
        self.dim = dim
        self.max_entries = max_entries
        self.cache = PlanCache(dim, 0.75, max_entries)
        self._stored: list[int] = []

    def reset(self, threshold: float) -> None:
        self.cache = PlanCache(self.dim, threshold, self.max_entries)
        self._stored = []

    def vector_of(self, request: StreamRequest) -> npt.NDArray[np.float32]:
        if self.vector == "template":
            return request.emb_template
        if self.vector == "raw":
            return request.emb_raw
        if request.emb_pca is None:
            raise ValueError("meancache needs PCA-reduced embeddings")
        return request.emb_pca

    def key_text(self, request: StreamRequest) -> str:
        return request.template if self.vector == "template" else request.text

    def partition_of(self, request: StreamRequest) -> str | None:
        return request.pred_intent if self.use_intent else ALL

    def step(self, request: StreamRequest) -> Decision:
        partition = self.partition_of(request)
        if partition is None:  # unknown intent: planned, never cached
            return Decision(False)
        vector = self.vector_of(request)
        signature = request.pred_signature if self.gate else frozenset()
        if self.search == "all":
            lookup = self.cache.lookup_all_partitions(vector, signature)
        else:
            lookup = self.cache.lookup(partition, vector, signature)
        if lookup.hit and lookup.entry is not None:
            served = str(lookup.entry.plan["label"])
            index = lookup.entry.plan.get("index")
            return Decision(True, served == request.label, lookup.score, served, index)
        self.cache.add(
            partition,
            self.key_text(request),
            vector,
            {"label": request.label, "index": request.index},
            signature,
            language=request.language,
        )
        self._stored.append(request.index)
        return Decision(False, score=lookup.best_score)

    def stored(self) -> list[int]:
        return list(self._stored)


class BoundedMethod:
    """agentreuse with per-partition thresholds learned online under a false-reuse budget δ.

    Feedback: every reuse's correctness (the true label tells; in the product a user correction or a
    sampled audit), and on every miss the comparison of the fresh plan with the best candidate (free: the
    planner ran anyway). ``prior`` observations (from the calibration/training stream) seed the learner with
    weight ``prior_weight`` so it does not start cold. ``floor`` bounds the learned thresholds from below, as
    the integration's γ does (``engine/reuse_policy.ReusePolicy``); the default floor is no floor.
    """

    uses_threshold = False

    def __init__(
        self,
        name: str = "agentreuse-bounded",
        config: BoundedConfig | None = None,
        prior: Iterable[tuple[str, float, bool]] = (),
        prior_weight: float = 1.0,
        dim: int = 512,
        floor: float = -1.0,
    ) -> None:
        self.name = name
        self.floor = floor
        self.config = config or BoundedConfig()
        self.prior = list(prior)
        self.prior_weight = prior_weight
        self.dim = dim
        self.learner = BoundedThresholds(self.config)
        self.cache = PlanCache(dim, -1.0, 100_000)
        self._stored: list[int] = []

    def reset(self, threshold: float) -> None:  # the threshold is learned, not given
        self.learner = BoundedThresholds(self.config)
        if self.prior:
            self.learner.observe_many(self.prior, self.prior_weight)
        self.cache = PlanCache(self.dim, -1.0, 100_000)
        self._stored = []

    def step(self, request: StreamRequest) -> Decision:
        partition = request.pred_intent
        if partition is None:
            return Decision(False)
        lookup = self.cache.lookup(partition, request.emb_template, request.pred_signature)
        if lookup.hit and lookup.entry is not None and lookup.score is not None:
            served = str(lookup.entry.plan["label"])
            correct = served == request.label
            entry = lookup.entry.entry_id
            if lookup.score >= self.floor and self.learner.should_reuse(partition, lookup.score, entry):
                self.learner.observe(partition, lookup.score, correct, entry=entry)
                return Decision(True, correct, lookup.score, served, lookup.entry.plan.get("index"))
            # Miss: the planner's fresh plan labels the candidate's score for free.
            self.learner.observe(partition, lookup.score, correct, entry=entry)
        self.cache.add(
            partition,
            request.template,
            request.emb_template,
            {"label": request.label, "index": request.index},
            request.pred_signature,
            language=request.language,
        )
        self._stored.append(request.index)
        return Decision(False, score=lookup.best_score)

    def stored(self) -> list[int]:
        return list(self._stored)


def candidate_observations(requests: Sequence[StreamRequest]) -> list[tuple[str, float, bool]]:
    """(partition, score, correct) of the best gate-passing candidate for every request of a stream in which
    nothing is reused (every request is planned and cached): the calibration prior of the bounded method."""
    cache = PlanCache(len(requests[0].emb_template) if requests else 512, -1.0, 100_000)
    out: list[tuple[str, float, bool]] = []
    for r in requests:
        if r.pred_intent is None:
            continue
        lookup = cache.lookup(r.pred_intent, r.emb_template, r.pred_signature)
        if lookup.hit and lookup.entry is not None and lookup.score is not None:
            out.append((r.pred_intent, float(lookup.score), str(lookup.entry.plan["label"]) == r.label))
        cache.add(r.pred_intent, r.template, r.emb_template, {"label": r.label}, r.pred_signature, r.language)
    return out


@dataclass(frozen=True, slots=True)
class Pca:
    """Mean and components of a PCA fitted on training embeddings (MeanCache's compression)."""

    mean: npt.NDArray[np.float32]
    components: npt.NDArray[np.float32]  # (k, dim)

    @classmethod
    def fit(cls, vectors: npt.NDArray[Any], k: int = 64) -> Pca:
        x = np.asarray(vectors, dtype=np.float64)
        if x.shape[0] < 2:
            raise ValueError("PCA needs at least two training vectors")
        mean = x.mean(axis=0)
        _, _, vt = np.linalg.svd(x - mean, full_matrices=False)
        k = min(k, vt.shape[0])
        return cls(mean.astype(np.float32), vt[:k].astype(np.float32))

    def transform(self, vectors: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
        out = (np.asarray(vectors, dtype=np.float32) - self.mean) @ self.components.T
        norms = np.linalg.norm(out, axis=-1, keepdims=True)
        result: npt.NDArray[np.float32] = (out / np.maximum(norms, 1e-12)).astype(np.float32)
        return result


def cache_methods() -> list[PlanCacheMethod]:
    """The PlanCache-based methods, in report order."""
    return [
        PlanCacheMethod("agentreuse"),
        PlanCacheMethod("agentreuse-nogate", gate=False),
        PlanCacheMethod("oneintent", search="all"),
        PlanCacheMethod("withargs", vector="raw"),
        PlanCacheMethod("meancache", vector="pca", gate=False, use_intent=False, dim=64),
    ]
