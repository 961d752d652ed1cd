"""Error-bounded reuse: per-partition thresholds learned online under a false-reuse budget δ.

Why: one global γ is a guess about the embedder, the NLU and the user's phrasing at once. Set too low, the
cache serves wrong plans (a wrong plan *acts*: it switches the wrong device); set too high, it serves
nothing. What a user can state is the risk they accept — "at most 1 % of reused plans may be wrong" — so
this module turns a budget δ into thresholds, and keeps re-deriving them from what it observes (the idea
of vCache, arXiv 2502.03771: learn the reuse decision from feedback with an error guarantee; this is our
own, simpler estimator over score histograms).

What it observes — pairs ``(partition, score, correct)``:

* **A reuse** whose correctness became known: the user corrected it, or a sampled audit re-planned the
  request and compared the plans (in the benchmark the true label tells).
* **A miss with a candidate**: the planner wrote a fresh plan anyway, so comparing it with the nearest
  cached plan (the one a lower threshold would have reused) labels that score *for free*. This is what lets
  thresholds come *down* without ever risking a wrong reuse to find out.

How thresholds are chosen (a grid of candidate thresholds ``t``, ``grid_min`` .. 1.0):

1. **Global bound.** Over all partitions, let ``n(t)`` be the observations with score ≥ t and ``e(t)``
   the wrong ones. ``t_global`` is the smallest ``t`` whose one-sided Wilson upper confidence bound on the
   error rate ``e(t)/n(t)`` is ≤ δ, raised to the lowest score actually observed (no extrapolation into
   scores nothing was seen at). Until the evidence supports any ``t`` the cache reuses nothing (it
   *starts conservative*): with no error seen, about ``z²/δ`` observations (≈ 270 for δ = 1 % at 95 %) are
   needed. Offline calibration observations can be fed in as a weighted prior so a fresh install starts
   calibrated rather than cold.
2. **Per-partition correction.** A partition (an intent) whose own observations show wrong reuses gets a
   stricter threshold: the smallest ``t ≥ t_global`` where the partition's error estimate, shrunk towards
   the global rate at ``t`` with ``partition_prior`` pseudo-observations, is ≤ δ. One wrong reuse at
   score 0.9 therefore lifts that partition above 0.9 until enough correct observations above 0.9
   outweigh it; partitions without errors keep the global threshold.
3. **Per-entry correction.** The same rule one level down, per cached entry, shrunk towards its
   partition's rate with ``entry_prior`` pseudo-observations. This is the level where the typical failure
   lives: an entry whose template carries no information (``"{name}"``) collects requests of other intents
   that the NLU mislabelled; once one of them is found wrong (or a miss shows that a fresh plan differs from
   it), that entry stops being reused while its neighbours keep serving.

The threshold is "reuse when score ≥ t". :data:`NEVER` (above any cosine) means "do not reuse".
Everything is plain Python over small histograms (one bucket per grid step): observing and deciding cost
microseconds, and the state serialises to JSON for the integration to persist. Thread-safe.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

#: The threshold meaning "never reuse" (cosine similarities are ≤ 1).
NEVER = 2.0

#: Version of :meth:`BoundedThresholds.to_json`'s layout.
STATE_VERSION = 1


@dataclass(frozen=True, slots=True)
class BoundedConfig:
    """Parameters of :class:`BoundedThresholds`.

    ``delta``: the false-reuse budget (share of reuses allowed to be wrong). ``confidence``: one-sided
    confidence of the global upper bound. ``grid_min``/``grid_step``: candidate thresholds. ``partition_prior``:
    how many pseudo-observations the global error rate is worth inside one partition; ``entry_prior`` the
    same for the partition's rate inside one entry. ``max_weight``: when a histogram's total weight exceeds
    it, all its counts are halved (old evidence fades, memory stays bounded). Per entry the last
    ``entry_history`` observations are kept, for at most ``max_entries`` entries (least recently observed
    dropped first).
    """

    delta: float = 0.01
    confidence: float = 0.95
    grid_min: float = 0.5
    grid_step: float = 0.01
    partition_prior: float = 20.0
    entry_prior: float = 10.0
    max_weight: float = 20_000.0
    max_entries: int = 10_000
    entry_history: int = 64

    def __post_init__(self) -> None:
        if not 0.0 < self.delta < 1.0:
            raise ValueError(f"delta must be in (0, 1), got {self.delta}")
        if not 0.5 <= self.confidence < 1.0:
            raise ValueError(f"confidence must be in [0.5, 1), got {self.confidence}")
        if not -1.0 <= self.grid_min < 1.0:
            raise ValueError(f"grid_min must be in [-1, 1), got {self.grid_min}")
        if not 0.0 < self.grid_step <= 0.5:
            raise ValueError(f"grid_step must be in (0, 0.5], got {self.grid_step}")
        if self.partition_prior < 0.0 or self.entry_prior < 0.0:
            raise ValueError("partition_prior and entry_prior must not be negative")
        if self.max_entries < 1 or self.entry_history < 1:
            raise ValueError("max_entries and entry_history must be positive")
        if self.max_weight <= 0.0:
            raise ValueError("max_weight must be positive")


def wilson_upper(errors: float, total: float, z: float) -> float:
    """One-sided Wilson score upper bound on a rate ``errors/total`` (1.0 when there is no evidence)."""
    if total <= 0.0:
        return 1.0
    p = min(max(errors / total, 0.0), 1.0)
    z2 = z * z
    centre = p + z2 / (2.0 * total)
    spread = z * math.sqrt(p * (1.0 - p) / total + z2 / (4.0 * total * total))
    return min(1.0, (centre + spread) / (1.0 + z2 / total))


@dataclass(slots=True)
class _Histogram:
    """Weighted counts of correct / wrong observations per grid bucket (bucket i: scores in [t_i, t_i+1))."""

    correct: list[float]
    wrong: list[float]

    @classmethod
    def empty(cls, size: int) -> _Histogram:
        return cls([0.0] * size, [0.0] * size)

    @property
    def total(self) -> float:
        return sum(self.correct) + sum(self.wrong)

    def add(self, bucket: int, correct: bool, weight: float) -> None:
        if correct:
            self.correct[bucket] += weight
        else:
            self.wrong[bucket] += weight

    def halve(self) -> None:
        self.correct = [c / 2.0 for c in self.correct]
        self.wrong = [w / 2.0 for w in self.wrong]

    def tail_counts(self) -> tuple[list[float], list[float]]:
        """(n(t_i), e(t_i)) for every bucket i: weight of observations with score ≥ t_i, and of wrong ones."""
        size = len(self.correct)
        n = [0.0] * size
        e = [0.0] * size
        run_n = run_e = 0.0
        for i in range(size - 1, -1, -1):
            run_n += self.correct[i] + self.wrong[i]
            run_e += self.wrong[i]
            n[i], e[i] = run_n, run_e
        return n, e


@dataclass(frozen=True, slots=True)
class PartitionState:
    """What :meth:`BoundedThresholds.snapshot` reports for one partition."""

    threshold: float
    observations: float
    wrong: float


@dataclass(frozen=True, slots=True)
class BoundedSnapshot:
    """The learner's current thresholds and evidence (for diagnostics and the benchmark)."""

    delta: float
    global_threshold: float
    observations: float
    wrong: float
    partitions: dict[str, PartitionState] = field(default_factory=dict)
    entries_raised: int = 0  # entries whose own evidence lifted their threshold above their partition's


class BoundedThresholds:
    """Per-partition (and per-entry) reuse thresholds that keep the estimated false-reuse rate within δ."""

    def __init__(self, config: BoundedConfig | None = None) -> None:
        self._config = config or BoundedConfig()
        cfg = self._config
        steps = math.floor((1.0 - cfg.grid_min) / cfg.grid_step + 1e-9)
        self._grid = [round(cfg.grid_min + i * cfg.grid_step, 10) for i in range(steps + 1)]
        if self._grid[-1] < 1.0:
            self._grid.append(1.0)
        self._z = NormalDist().inv_cdf(cfg.confidence)
        self._lock = threading.Lock()
        self._partitions: dict[str, _Histogram] = {}
        self._global = _Histogram.empty(len(self._grid))
        # entry id -> (partition, recent (bucket, correct, weight) observations), least recent first
        self._entries: OrderedDict[str, tuple[str, deque[tuple[int, bool, float]]]] = OrderedDict()
        self._cache: dict[str, float] = {}
        self._entry_cache: dict[str, float] = {}
        self._global_cache: float | None = None

    @property
    def config(self) -> BoundedConfig:
        return self._config

    @property
    def grid(self) -> tuple[float, ...]:
        return tuple(self._grid)

    # -- evidence --------------------------------------------------------------------------------------

    def observe(
        self, partition: str, score: float, correct: bool, weight: float = 1.0, entry: str | None = None
    ) -> None:
        """Record that reusing the candidate at ``score`` in ``partition`` was (or would have been) right.

        ``entry`` names the cached entry the candidate was (for the per-entry correction). Scores below the
        lowest grid threshold are ignored: such a candidate is never reused.
        """
        if not math.isfinite(score):
            raise ValueError("score must be finite")
        if weight <= 0.0 or not math.isfinite(weight):
            raise ValueError("weight must be positive and finite")
        bucket = self._bucket(score)
        if bucket is None:
            return
        cfg = self._config
        with self._lock:
            hist = self._partitions.get(partition)
            if hist is None:
                hist = self._partitions[partition] = _Histogram.empty(len(self._grid))
            hist.add(bucket, correct, weight)
            self._global.add(bucket, correct, weight)
            if hist.total > cfg.max_weight:
                hist.halve()
            if self._global.total > cfg.max_weight * 4:
                self._global.halve()
            if entry is not None:
                record = self._entries.get(entry)
                if record is None or record[0] != partition:
                    record = (partition, deque(maxlen=cfg.entry_history))
                    self._entries[entry] = record
                record[1].append((bucket, correct, weight))
                self._entries.move_to_end(entry)
                while len(self._entries) > cfg.max_entries:
                    self._entries.popitem(last=False)
            self._cache.clear()
            self._entry_cache.clear()
            self._global_cache = None

    def observe_many(self, observations: Iterable[tuple[str, float, bool]], weight: float = 1.0) -> int:
        """:meth:`observe` for each ``(partition, score, correct)``, e.g. an offline calibration prior."""
        count = 0
        for partition, score, correct in observations:
            self.observe(partition, score, correct, weight)
            count += 1
        return count

    def forget_entry(self, entry: str) -> None:
        """Drop an entry's own evidence (it was evicted or removed from the cache)."""
        with self._lock:
            if self._entries.pop(entry, None) is not None:
                self._entry_cache.pop(entry, None)

    def _bucket(self, score: float) -> int | None:
        if score < self._grid[0]:
            return None
        index = math.floor((min(score, 1.0) - self._grid[0]) / self._config.grid_step + 1e-9)
        return min(index, len(self._grid) - 1)

    # -- decisions -------------------------------------------------------------------------------------

    def global_threshold(self) -> float:
        """The smallest grid threshold whose upper bound on the pooled error rate is ≤ δ, else NEVER."""
        with self._lock:
            return self._global_threshold_locked()

    def _global_threshold_locked(self) -> float:
        if self._global_cache is None:
            n, e = self._global.tail_counts()
            self._global_cache = NEVER
            for i in range(len(self._grid)):
                if wilson_upper(e[i], n[i], self._z) <= self._config.delta:
                    # Never below the lowest score actually observed: below it there is no evidence.
                    while i < len(self._grid) - 1 and n[i] == n[i + 1]:
                        i += 1
                    self._global_cache = self._grid[i]
                    break
        return self._global_cache

    def threshold(self, partition: str, entry: str | None = None) -> float:
        """The threshold for ``partition`` (≥ the global one) or for one of its entries (≥ the partition's);
        NEVER when reuse is not justified."""
        with self._lock:
            value = self._cache.get(partition)
            if value is None:
                value = self._cache[partition] = self._partition_threshold_locked(partition)
            if entry is None or value >= NEVER or entry not in self._entries:
                return value
            cached = self._entry_cache.get(entry)
            if cached is None:
                cached = self._entry_cache[entry] = self._entry_threshold_locked(partition, entry, value)
            return cached

    def _partition_threshold_locked(self, partition: str) -> float:
        t_global = self._global_threshold_locked()
        hist = self._partitions.get(partition)
        if t_global >= NEVER or hist is None or sum(hist.wrong) == 0.0:
            return t_global
        gn, ge = self._global.tail_counts()
        pn, pe = hist.tail_counts()
        return self._shrunk_threshold(t_global, pn, pe, gn, ge, self._config.partition_prior)

    def _entry_threshold_locked(self, partition: str, entry: str, t_partition: float) -> float:
        record = self._entries[entry]
        if record[0] != partition or not any(not correct for _, correct, _ in record[1]):
            return t_partition
        size = len(self._grid)
        own = _Histogram.empty(size)
        for bucket, correct, weight in record[1]:
            own.add(bucket, correct, weight)
        en, ee = own.tail_counts()
        hist = self._partitions.get(partition)
        rn, re = hist.tail_counts() if hist is not None else self._global.tail_counts()
        return self._shrunk_threshold(t_partition, en, ee, rn, re, self._config.entry_prior)

    def _shrunk_threshold(
        self,
        floor: float,
        n: list[float],
        e: list[float],
        ref_n: list[float],
        ref_e: list[float],
        prior: float,
    ) -> float:
        """Smallest grid t ≥ floor where the error estimate, shrunk towards the reference rate at t, ≤ δ."""
        for i, t in enumerate(self._grid):
            if t < floor:
                continue
            rate = ref_e[i] / ref_n[i] if ref_n[i] > 0.0 else 0.0
            denominator = n[i] + prior
            estimate = (e[i] + prior * rate) / denominator if denominator > 0.0 else rate
            if estimate <= self._config.delta:
                return t
        return NEVER

    def should_reuse(self, partition: str, score: float, entry: str | None = None) -> bool:
        """Whether a candidate at ``score`` in ``partition`` (cached as ``entry``) may be reused."""
        return score >= self.threshold(partition, entry)

    # -- inspection and persistence --------------------------------------------------------------------

    def snapshot(self) -> BoundedSnapshot:
        with self._lock:
            names = list(self._partitions)
        partitions = {}
        for name in names:
            threshold = self.threshold(name)
            with self._lock:
                hist = self._partitions[name]
                partitions[name] = PartitionState(threshold, hist.total, sum(hist.wrong))
        with self._lock:
            raised = 0
            for entry, (partition, _) in self._entries.items():
                base = partitions[partition].threshold if partition in partitions else NEVER
                if base < NEVER and self._entry_threshold_locked(partition, entry, base) > base:
                    raised += 1
            return BoundedSnapshot(
                delta=self._config.delta,
                global_threshold=self._global_threshold_locked(),
                observations=self._global.total,
                wrong=sum(self._global.wrong),
                partitions=partitions,
                entries_raised=raised,
            )

    def to_json(self) -> dict[str, Any]:
        """The learner's state as plain JSON (config, grid histograms, per-entry observations)."""
        cfg = self._config
        with self._lock:
            return {
                "version": STATE_VERSION,
                "config": {
                    "delta": cfg.delta,
                    "confidence": cfg.confidence,
                    "grid_min": cfg.grid_min,
                    "grid_step": cfg.grid_step,
                    "partition_prior": cfg.partition_prior,
                    "entry_prior": cfg.entry_prior,
                    "max_weight": cfg.max_weight,
                    "max_entries": cfg.max_entries,
                    "entry_history": cfg.entry_history,
                },
                "global": {"correct": list(self._global.correct), "wrong": list(self._global.wrong)},
                "partitions": {
                    name: {"correct": list(h.correct), "wrong": list(h.wrong)}
                    for name, h in self._partitions.items()
                },
                "entries": {
                    entry: {"partition": partition, "observations": [[b, c, w] for b, c, w in obs]}
                    for entry, (partition, obs) in self._entries.items()
                },
            }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BoundedThresholds:
        """Rebuild a learner from :meth:`to_json`. Raises ValueError for a malformed or foreign state."""
        try:
            if data["version"] != STATE_VERSION:
                raise ValueError(f"state version {data['version']!r}, expected {STATE_VERSION}")
            raw = data["config"]
            config = BoundedConfig(
                delta=float(raw["delta"]),
                confidence=float(raw["confidence"]),
                grid_min=float(raw["grid_min"]),
                grid_step=float(raw["grid_step"]),
                partition_prior=float(raw["partition_prior"]),
                entry_prior=float(raw["entry_prior"]),
                max_weight=float(raw["max_weight"]),
                max_entries=int(raw["max_entries"]),
                entry_history=int(raw["entry_history"]),
            )
            learner = cls(config)
            size = len(learner._grid)
            learner._global = _read_histogram(data["global"], size)
            learner._partitions = {
                str(name): _read_histogram(hist, size) for name, hist in dict(data["partitions"]).items()
            }
            for entry, item in dict(data.get("entries", {})).items():
                obs: deque[tuple[int, bool, float]] = deque(maxlen=config.entry_history)
                for bucket, correct, weight in item["observations"]:
                    b, w = int(bucket), float(weight)
                    if (
                        not 0 <= b < size
                        or not w > 0.0
                        or not math.isfinite(w)
                        or not isinstance(correct, bool)
                    ):
                        raise ValueError(f"bad observation for entry {entry!r}")
                    obs.append((b, correct, w))
                learner._entries[str(entry)] = (str(item["partition"]), obs)
        except (KeyError, TypeError) as err:
            raise ValueError(f"malformed bounded-reuse state: {err!r}") from err
        return learner


def _read_histogram(raw: Any, size: int) -> _Histogram:
    correct = [float(v) for v in raw["correct"]]
    wrong = [float(v) for v in raw["wrong"]]
    if len(correct) != size or len(wrong) != size:
        raise ValueError(f"histogram has {len(correct)}/{len(wrong)} buckets, expected {size}")
    if any(v < 0.0 or not math.isfinite(v) for v in correct + wrong):
        raise ValueError("histogram counts must be finite and non-negative")
    return _Histogram(correct, wrong)
