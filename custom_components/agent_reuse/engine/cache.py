"""The plan cache: reusable plans, found by the similarity of slot-stripped requests.

Why it is built this way:

* **One FAISS partition per intent.** A request is only compared with cached requests of the *same*
  predicted intent. "turn on the {name}" and "turn off the {name}" embed very closely; searching across
  intents would serve the wrong plan. Partitioning makes such a hit impossible and keeps each search small.
  :meth:`PlanCache.lookup_all_partitions` exists for the "one index for all intents" ablation.
* **Exact inner product over L2-normalised float32 vectors** (``IndexFlatIP`` in an ``IndexIDMap2``): the
  score is the cosine similarity, the threshold γ is meaningful across embedders, a home has at most a few
  thousand cached plans (so exact search is cheap), and entries can be removed by id.
* **A signature gate next to the threshold.** A cached plan can only serve a request whose slot types are
  exactly its parameters: "turn on {name}" must not serve "turn on {name} at {brightness}" (the brightness
  would be silently dropped), nor the other way round (no value to bind). Because the most similar entry may fail that gate while a slightly less
  similar one passes, the search looks past the top-1 (widening k until the scores fall below γ).
* **A language gate** (when the caller names the request's language). The embedder is multilingual: "what
  is the temperature in the {area}" and "{area}的温度是多少" score 0.88, so without it a Chinese question
  would run the English plan and hear an English reply. Languages compare by family ("zh-Hans" = "zh-CN").
* **Plans are opaque JSON dicts** plus the parameter/entity sets the caller derives from them, so the cache
  does not depend on the plan model and can be tested and persisted on its own.
* **Bounded, self-healing.** LRU eviction over all partitions bounds memory; plans that fail to execute
  ``max_failures`` times are dropped (demotion); plans referencing a removed entity can be dropped.
* **Thread-safe.** Home Assistant calls the cache from executor threads; one lock guards the maps and the
  FAISS indexes (FAISS indexes are not safe for concurrent add/search).
* **Crash-safe persistence that never crashes the caller.** One JSON file (embeddings as base64 float32)
  written atomically (temp file, fsync, rename, fsync of the directory). A corrupt file, or one written by
  another format version, embedding size or embedder, is moved aside, a warning is logged and the cache
  starts empty; :attr:`PlanCache.load_problem` tells the integration so it can raise a repair issue.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import enum
import functools
import json
import logging
import threading
import time
import uuid
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import faiss
import numpy as np
import numpy.typing as npt

from .device_words import said_device_kinds
from .errors import CacheFileError
from .files import atomic_write, move_aside
from .forecast_days import said_days
from .template import template_words

_LOGGER = logging.getLogger(__name__)

# A home's cache holds at most thousands of vectors: exact search is microseconds on one thread, while
# FAISS's default OpenMP team costs ~0.5 ms per search in thread start-up and contends with the NLU.
faiss.omp_set_num_threads(1)

#: Version of the JSON file layout written by :meth:`PlanCache.save`.
FORMAT_VERSION = 1

_FIRST_K = 8  # candidates fetched first; widened while every candidate is above γ but fails the gate
#: Phrasings remembered per partition (see :meth:`PlanCache.lookup_exact`), least recently used dropped first.
_REMEMBERED_PER_PARTITION = 256

type Vector = npt.NDArray[np.float32]
type LoadProblemKind = Literal["corrupt", "stale", "unreadable"]


class MissReason(enum.StrEnum):
    """Why a lookup did not produce a reusable plan."""

    EMPTY_PARTITION = "empty_partition"
    BELOW_THRESHOLD = "below_threshold"
    SIGNATURE_MISMATCH = "signature_mismatch"
    OTHER_LANGUAGE = "other_language"
    OTHER_DEVICE_KIND = "other_device_kind"
    OTHER_DAY = "other_day"


def language_family(language: str) -> str:
    """``"zh-Hans"``, ``"zh_CN"``, ``"zh"`` → ``"zh"``; ``"en-US"`` → ``"en"``; ``""`` → ``""``."""
    return language.strip().lower().replace("_", "-").split("-", 1)[0]


@dataclass(slots=True)
class CacheEntry:
    """A cached plan and what it was planned for.

    ``embedding`` is the L2-normalised float32 embedding of ``template_text`` (read-only array).
    ``parameters`` are the slot types the plan takes; ``entities`` the entity ids/names it references.
    Times are UNIX seconds. ``hits``/``failures`` count :meth:`PlanCache.record_hit` and
    :meth:`PlanCache.record_failure` calls (failures are cumulative, not reset by a hit).
    Entries handed out by :class:`PlanCache` are snapshots: changing them does not change the cache.
    """

    entry_id: str
    intent: str
    template_text: str
    embedding: Vector
    plan: dict[str, Any]
    parameters: frozenset[str]
    entities: frozenset[str]
    language: str
    created_at: float
    last_used_at: float
    hits: int = 0
    failures: int = 0

    def signature_accepts(self, slot_types: frozenset[str]) -> bool:
        """Whether this plan takes exactly the request's slot types.

        Equality, not "covers": a plan with an extra parameter cannot be bound (the request has no value
        for it) and would otherwise shadow an entry with the right signature; a plan with fewer would
        silently drop a value the user said.
        """
        return slot_types == self.parameters

    def speaks(self, family: str) -> bool:
        """Whether this plan was made for requests in this language family (``""``: any language)."""
        return not family or not self.language or language_family(self.language) == family


@dataclass(frozen=True, slots=True)
class CacheLookup:
    """Result of a lookup.

    On a hit, ``entry`` is the plan to reuse and ``score`` its cosine similarity. ``best_score`` and
    ``nearest`` describe the most similar entry seen whether or not it passed the gates (None when the
    searched partition was empty); ``reason`` says why there was no hit.
    """

    hit: bool
    entry: CacheEntry | None
    score: float | None
    best_score: float | None
    nearest: CacheEntry | None
    reason: MissReason | None
    candidates: int = 0

    @property
    def miss(self) -> bool:
        return not self.hit


@dataclass(frozen=True, slots=True)
class CacheStats:
    """Counters for diagnostics and the benchmark (lookups since construction/load)."""

    size: int
    max_entries: int
    threshold: float
    partitions: dict[str, int]
    lookups: int
    hits: int
    misses: int
    miss_reasons: dict[str, int]
    evicted_lru: int
    demoted: int
    entry_hits: int
    entry_failures: int

    @property
    def hit_rate(self) -> float:
        return self.hits / self.lookups if self.lookups else 0.0


@dataclass(slots=True)
class _Partition:
    flat: Any  # faiss.IndexFlatIP (kept referenced: the id map does not own it from Python's view)
    index: Any  # faiss.IndexIDMap2 over ``flat``
    by_faiss_id: dict[int, CacheEntry] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Remembered:
    """How a similarity search for one template text ended in a hit (valid while its partition is unchanged)."""

    entry_id: str
    score: float
    best_score: float | None
    nearest_id: str | None
    candidates: int


@dataclass(frozen=True, slots=True)
class _PartitionResult:
    hit: CacheEntry | None
    hit_score: float | None
    nearest: CacheEntry | None
    best_score: float | None
    candidates: int
    any_above_threshold: bool
    other_language: bool = False  # a candidate above γ took the slot types but spoke another language
    other_kind: bool = False  # a candidate above γ took the slot types but its words name another device kind
    other_day: bool = False  # a candidate above γ took the slot types but its words name another day


def kinds_agree(wanted: frozenset[str], cached: frozenset[str]) -> bool:
    """Whether a cached template may serve a request by the device kinds their words name: unless both name
    some and not the same ones.

    Why: the embedder puts "关闭所有的开关" (all the switches) 0.78 from "关闭所有的灯" (all the lights) and
    "关闭所有的窗户" 0.96 from "关闭所有的窗帘": above γ, same intent, same (empty) slot signature, so the
    lights' plan ran for the switches. Windows and curtains are both covers: the kinds tell them apart
    (``device_words.said_device_kinds``). A word the parser left in the template says what the plan acts on;
    placeholders ("{domain}") say nothing, so templates without such words are not gated.
    """
    return not wanted or not cached or wanted == cached


@functools.lru_cache(maxsize=4096)
def _template_kinds(template_text: str) -> frozenset[str]:
    """The device kinds the words of a template name (its placeholders taken out), cached per text."""
    return said_device_kinds(template_words(template_text))


@functools.lru_cache(maxsize=4096)
def _template_days(template_text: str) -> frozenset[str]:
    """The days and times the words of a template name (``forecast_days.said_days``), cached per text.

    Why a gate of its own: "明天天气怎么样" (tomorrow's weather) is 0.97 from "天气怎么样" and "what will the
    weather be like on saturday" 0.82 from "what is the weather like", same intent and slot signature, and
    the plan for the weather now answered them. Unlike device kinds, "no day" is a day too (now, today), so
    the days must be the same.
    """
    return said_days(template_words(template_text))


def normalize(embedding: npt.ArrayLike, dim: int) -> Vector:
    """A read-only, L2-normalised float32 copy of a ``(dim,)`` or ``(1, dim)`` embedding."""
    vector = np.array(embedding, dtype=np.float32).reshape(-1)
    if vector.shape[0] != dim:
        raise ValueError(f"embedding has {vector.shape[0]} dimensions, the cache expects {dim}")
    if not np.all(np.isfinite(vector)):
        raise ValueError("embedding contains NaN or infinite values")
    norm = float(np.linalg.norm(vector))
    if norm == 0.0:
        raise ValueError("embedding is the zero vector")
    vector /= norm
    vector.flags.writeable = False
    return vector


def _copy_json(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, scalars): what a cached plan is (``add`` checks it). Twice as
    fast as ``copy.deepcopy``, which matters because every hit hands out a copy."""
    if isinstance(value, dict):
        return {key: _copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy_json(item) for item in value]
    return value


def _snapshot(entry: CacheEntry) -> CacheEntry:
    return dataclasses.replace(entry, plan=_copy_json(entry.plan))


def _snapshot_or_none(entry: CacheEntry | None) -> CacheEntry | None:
    return None if entry is None else _snapshot(entry)


class PlanCache:
    """Cached plans partitioned by intent, searched by cosine similarity with threshold γ.

    All public methods are thread-safe. Entries returned are snapshots.
    """

    def __init__(
        self,
        dim: int,
        threshold: float = 0.75,
        max_entries: int = 1000,
        path: Path | None = None,
        *,
        embedder_id: str = "",
        max_failures: int = 2,
    ) -> None:
        if dim < 1:
            raise ValueError("dim must be positive")
        if max_failures < 1:
            raise ValueError("max_failures must be at least 1")
        self._dim = dim
        self._threshold = _check_threshold(threshold)
        self._max_entries = _check_max_entries(max_entries)
        self._path = Path(path) if path is not None else None
        self._embedder_id = embedder_id
        self._max_failures = max_failures
        self._lock = threading.Lock()
        self._save_lock = threading.Lock()
        self._partitions: dict[str, _Partition] = {}
        # entry_id -> entry, least recently used first (move_to_end on add and record_hit).
        self._lru: OrderedDict[str, CacheEntry] = OrderedDict()
        self._faiss_ids: dict[str, int] = {}
        # (intent, template text) -> ids of the entries cached for exactly that text (one per language).
        self._by_template: dict[tuple[str, str], set[str]] = {}
        # intent -> (template text, slot types, language family) -> the hit its search found; dropped whenever
        # the partition (or γ) changes, so it always says what a new search would say.
        self._remembered: dict[str, OrderedDict[tuple[str, frozenset[str], str], _Remembered]] = {}
        self._next_faiss_id = 0
        self._lookups = 0
        self._hits = 0
        self._miss_reasons: Counter[str] = Counter()
        self._evicted_lru = 0
        self._demoted = 0
        #: What went wrong loading the file (None when it loaded or did not exist).
        self.load_problem: str | None = None
        self.load_problem_kind: LoadProblemKind | None = None
        #: Where a bad cache file was moved to.
        self.moved_aside_to: Path | None = None

    # -- configuration ---------------------------------------------------------------------------------

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def embedder_id(self) -> str:
        return self._embedder_id

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def threshold(self) -> float:
        return self._threshold

    @threshold.setter
    def threshold(self, value: float) -> None:
        value = _check_threshold(value)
        with self._lock:
            self._threshold = value
            self._remembered.clear()

    @property
    def max_entries(self) -> int:
        return self._max_entries

    @max_entries.setter
    def max_entries(self, value: int) -> None:
        value = _check_max_entries(value)
        with self._lock:
            self._max_entries = value
            self._evict_over_capacity()

    @property
    def max_failures(self) -> int:
        return self._max_failures

    def __len__(self) -> int:
        with self._lock:
            return len(self._lru)

    def __contains__(self, entry_id: object) -> bool:
        with self._lock:
            return entry_id in self._lru

    # -- lookups ---------------------------------------------------------------------------------------

    def lookup(
        self,
        intent: str,
        embedding: npt.ArrayLike,
        slot_types: Iterable[str] = frozenset(),
        language: str = "",
        template_text: str | None = None,
    ) -> CacheLookup:
        """Best reusable entry in ``intent``'s partition: score ≥ threshold, parameters = slot types, and
        (when ``language`` is given) made for that language family.

        With ``template_text`` (the text ``embedding`` was computed from), a hit is remembered for
        :meth:`lookup_exact`, so the same phrasing is served next time without embedding it again; and an
        entry whose template names another kind of device (see :func:`kinds_agree`) or another day
        (:func:`_template_days`) than this text does is passed over.
        """
        query = normalize(embedding, self._dim)
        wanted = frozenset(slot_types)
        family = language_family(language)
        kinds = _template_kinds(template_text) if template_text is not None else None
        days = _template_days(template_text) if template_text is not None else None
        with self._lock:
            partition = self._partitions.get(intent)
            result = (
                self._search(partition, query, wanted, family, kinds, days) if partition is not None else None
            )
            if template_text is not None and result is not None and result.hit is not None:
                self._remember(intent, (template_text, wanted, family), result)
            return self._finish_lookup([result] if result is not None else [])

    def _remember(self, intent: str, key: tuple[str, frozenset[str], str], result: _PartitionResult) -> None:
        """Keep a hit's search result for its phrasing. Caller holds the lock."""
        assert result.hit is not None
        assert result.hit_score is not None
        remembered = self._remembered.setdefault(intent, OrderedDict())
        remembered[key] = _Remembered(
            entry_id=result.hit.entry_id,
            score=result.hit_score,
            best_score=result.best_score,
            nearest_id=None if result.nearest is None else result.nearest.entry_id,
            candidates=result.candidates,
        )
        remembered.move_to_end(key)
        while len(remembered) > _REMEMBERED_PER_PARTITION:
            remembered.popitem(last=False)

    def has_template(
        self, intent: str, language: str, template_text: str, parameters: Iterable[str] | None = None
    ) -> bool:
        """Whether an entry is cached for exactly this intent, language and template text (and, when
        ``parameters`` is given, these parameters: "现在几度" asked with the satellite's room is another
        plan than the same words asked of the whole home)."""
        wanted = None if parameters is None else frozenset(parameters)
        with self._lock:
            ids = self._by_template.get((intent, template_text), ())
            return any(
                self._lru[entry_id].language == language
                and (wanted is None or self._lru[entry_id].parameters == wanted)
                for entry_id in ids
            )

    def lookup_exact(
        self, intent: str, template_text: str, slot_types: Iterable[str] = frozenset(), language: str = ""
    ) -> CacheLookup | None:
        """A hit for this template text without embedding it, else None: an entry cached for exactly this
        text (cosine 1), or the hit a :meth:`lookup` with this text found while the partition has not changed.

        Why: a home's requests repeat their phrasing ("turn on the {name}", "switch the {area} lights on"), and
        the embedding of an identical text is identical, so the search would find the same entry with the same
        score. Skipping the embedder for these saves about a third of the hit path. The slot-signature and
        language gates apply as in :meth:`lookup`; anything else needs :meth:`lookup`.
        """
        wanted = frozenset(slot_types)
        family = language_family(language)
        with self._lock:
            for entry_id in self._by_template.get((intent, template_text), ()):
                entry = self._lru[entry_id]
                if entry.signature_accepts(wanted) and entry.speaks(family):
                    self._lookups += 1
                    self._hits += 1
                    hit = _snapshot(entry)
                    return CacheLookup(True, hit, 1.0, 1.0, hit, None, 0)
            phrasings = self._remembered.get(intent)
            key = (template_text, wanted, family)
            remembered = None if phrasings is None else phrasings.get(key)
            if phrasings is None or remembered is None or remembered.entry_id not in self._lru:
                return None
            phrasings.move_to_end(key)
            self._lookups += 1
            self._hits += 1
            hit = _snapshot(self._lru[remembered.entry_id])
            nearest = self._lru.get(remembered.nearest_id or "")
            nearest_snapshot = (
                hit if nearest is None or nearest.entry_id == hit.entry_id else _snapshot(nearest)
            )
            return CacheLookup(
                True,
                hit,
                remembered.score,
                remembered.best_score,
                nearest_snapshot,
                None,
                remembered.candidates,
            )

    def lookup_all_partitions(
        self, embedding: npt.ArrayLike, slot_types: Iterable[str] = frozenset()
    ) -> CacheLookup:
        """Like :meth:`lookup` but over every partition (the "one index for all intents" ablation)."""
        query = normalize(embedding, self._dim)
        wanted = frozenset(slot_types)
        with self._lock:
            results = [self._search(p, query, wanted, "") for p in self._partitions.values()]
            return self._finish_lookup(results)

    def _search(
        self,
        partition: _Partition,
        query: Vector,
        wanted: frozenset[str],
        family: str,
        kinds: frozenset[str] | None = None,
        days: frozenset[str] | None = None,
    ) -> _PartitionResult:
        """Walk the partition's entries by decreasing score until one passes the gates or the scores
        fall below the threshold (``kinds`` and ``days``: the device kinds and the days the query's words
        name, None for no such gate). Caller holds the lock."""
        total = int(partition.index.ntotal)
        nearest: CacheEntry | None = None
        best: float | None = None
        above = False
        other_language = False
        other_kind = False
        other_day = False
        k = min(total, _FIRST_K)
        seen = 0
        while k > 0:
            scores, ids = partition.index.search(query.reshape(1, -1), k)
            for rank in range(seen, k):
                faiss_id = int(ids[0, rank])
                if faiss_id < 0:
                    continue
                entry = partition.by_faiss_id[faiss_id]
                score = float(scores[0, rank])
                if nearest is None:
                    nearest, best = entry, score
                if score < self._threshold:
                    return _PartitionResult(
                        None, None, nearest, best, rank + 1, above, other_language, other_kind, other_day
                    )
                above = True
                if entry.signature_accepts(wanted):
                    if not entry.speaks(family):
                        other_language = True
                    elif kinds is not None and not kinds_agree(kinds, _template_kinds(entry.template_text)):
                        other_kind = True
                    elif days is not None and days != _template_days(entry.template_text):
                        other_day = True
                    else:
                        return _PartitionResult(entry, score, nearest, best, rank + 1, above)
            seen = k
            if k >= total:
                break
            k = min(total, k * 4)
        return _PartitionResult(None, None, nearest, best, seen, above, other_language, other_kind, other_day)

    def _finish_lookup(self, results: list[_PartitionResult]) -> CacheLookup:
        """Merge partition results, update counters, snapshot entries. Caller holds the lock."""
        self._lookups += 1
        candidates = sum(r.candidates for r in results)
        hits = [r for r in results if r.hit is not None and r.hit_score is not None]
        seen = [r for r in results if r.best_score is not None]
        best_seen = max(seen, key=lambda r: r.best_score if r.best_score is not None else -2.0, default=None)
        nearest_entry = best_seen.nearest if best_seen else None
        best_score = best_seen.best_score if best_seen else None
        if hits:
            winner = max(hits, key=lambda r: r.hit_score if r.hit_score is not None else -2.0)
            assert winner.hit is not None
            self._hits += 1
            hit = _snapshot(winner.hit)
            # Usually the hit is also the nearest entry: one snapshot (a deep copy of the plan) serves both.
            nearest = hit if nearest_entry is winner.hit else _snapshot_or_none(nearest_entry)
            return CacheLookup(True, hit, winner.hit_score, best_score, nearest, None, candidates)
        nearest = _snapshot_or_none(nearest_entry)
        if best_seen is None:
            reason = MissReason.EMPTY_PARTITION
        elif any(r.other_language for r in results):
            reason = MissReason.OTHER_LANGUAGE
        elif any(r.other_kind for r in results):
            reason = MissReason.OTHER_DEVICE_KIND
        elif any(r.other_day for r in results):
            reason = MissReason.OTHER_DAY
        elif any(r.any_above_threshold for r in results):
            reason = MissReason.SIGNATURE_MISMATCH
        else:
            reason = MissReason.BELOW_THRESHOLD
        self._miss_reasons[reason.value] += 1
        return CacheLookup(False, None, None, best_score, nearest, reason, candidates)

    # -- mutations -------------------------------------------------------------------------------------

    def add(
        self,
        intent: str,
        template_text: str,
        embedding: npt.ArrayLike,
        plan: Mapping[str, Any],
        parameters: Iterable[str],
        entities: Iterable[str] = frozenset(),
        language: str = "en",
    ) -> CacheEntry:
        """Cache a plan, replacing any entry for the same intent, language, template text and parameters.

        Same words with other parameters are another entry: "现在几度" said to a satellite has the room as an
        unsaid ``area``, the same words typed into the text dialog have none, and each needs its own plan.
        """
        vector = normalize(embedding, self._dim)
        try:
            # A JSON round trip: the cache's own copy, in exactly the types the file will hold (so the
            # snapshots handed out can be copied as JSON data).
            plan_copy = json.loads(json.dumps(dict(plan)))
        except (TypeError, ValueError) as err:
            raise ValueError(f"plan is not JSON-serialisable: {err}") from err
        now = time.time()
        entry = CacheEntry(
            entry_id=uuid.uuid4().hex,
            intent=intent,
            template_text=template_text,
            embedding=vector,
            plan=plan_copy,
            parameters=frozenset(parameters),
            entities=frozenset(entities),
            language=language,
            created_at=now,
            last_used_at=now,
        )
        with self._lock:
            duplicates = [
                e.entry_id
                for e in self._lru.values()
                if e.intent == intent
                and e.language == language
                and e.template_text == template_text
                and e.parameters == entry.parameters
            ]
            for entry_id in duplicates:
                self._remove_locked(entry_id)
            self._insert_locked(entry)
            self._evict_over_capacity()
            return _snapshot(entry)

    def _insert_locked(self, entry: CacheEntry) -> None:
        partition = self._partitions.get(entry.intent)
        if partition is None:
            flat = faiss.IndexFlatIP(self._dim)
            partition = _Partition(flat=flat, index=faiss.IndexIDMap2(flat))
            self._partitions[entry.intent] = partition
        faiss_id = self._next_faiss_id
        self._next_faiss_id += 1
        partition.index.add_with_ids(entry.embedding.reshape(1, -1), np.array([faiss_id], dtype=np.int64))
        partition.by_faiss_id[faiss_id] = entry
        self._faiss_ids[entry.entry_id] = faiss_id
        self._lru[entry.entry_id] = entry
        self._lru.move_to_end(entry.entry_id)
        self._by_template.setdefault((entry.intent, entry.template_text), set()).add(entry.entry_id)
        self._remembered.pop(entry.intent, None)  # a new entry may be the better match now

    def _remove_locked(self, entry_id: str) -> bool:
        entry = self._lru.pop(entry_id, None)
        if entry is None:
            return False
        faiss_id = self._faiss_ids.pop(entry_id)
        partition = self._partitions[entry.intent]
        removed = partition.index.remove_ids(np.array([faiss_id], dtype=np.int64))
        if removed != 1:  # pragma: no cover - would mean the maps and the index disagree
            raise RuntimeError(f"FAISS removed {removed} vectors for cache entry {entry_id}")
        del partition.by_faiss_id[faiss_id]
        self._remembered.pop(entry.intent, None)
        if not partition.by_faiss_id:
            del self._partitions[entry.intent]
        same_text = self._by_template[(entry.intent, entry.template_text)]
        same_text.discard(entry_id)
        if not same_text:
            del self._by_template[(entry.intent, entry.template_text)]
        return True

    def _evict_over_capacity(self) -> None:
        while len(self._lru) > self._max_entries:
            oldest = next(iter(self._lru))
            _LOGGER.debug("plan cache full (%d): evicting least recently used %s", self._max_entries, oldest)
            self._remove_locked(oldest)
            self._evicted_lru += 1

    def get(self, entry_id: str) -> CacheEntry | None:
        with self._lock:
            entry = self._lru.get(entry_id)
            return _snapshot(entry) if entry is not None else None

    def record_hit(self, entry_id: str) -> bool:
        """Count a reuse of an entry and mark it most recently used. False if it is gone (evicted)."""
        with self._lock:
            entry = self._lru.get(entry_id)
            if entry is None:
                return False
            entry.hits += 1
            entry.last_used_at = time.time()
            self._lru.move_to_end(entry_id)
            return True

    def record_failure(self, entry_id: str) -> bool:
        """Count a failed execution; the entry is evicted at ``max_failures``. Returns True if evicted."""
        with self._lock:
            entry = self._lru.get(entry_id)
            if entry is None:
                return False
            entry.failures += 1
            if entry.failures < self._max_failures:
                return False
            _LOGGER.info(
                "plan cache: dropping plan for %r after %d failures", entry.template_text, entry.failures
            )
            self._remove_locked(entry_id)
            self._demoted += 1
            return True

    def remove(self, entry_id: str) -> bool:
        with self._lock:
            return self._remove_locked(entry_id)

    def remove_intent(self, intent: str) -> int:
        """Drop a whole partition; returns the number of entries removed."""
        with self._lock:
            partition = self._partitions.get(intent)
            if partition is None:
                return 0
            ids = [e.entry_id for e in partition.by_faiss_id.values()]
            for entry_id in ids:
                self._remove_locked(entry_id)
            return len(ids)

    def remove_entity(self, entity: str) -> int:
        """Drop every entry whose plan references ``entity``; returns how many."""
        with self._lock:
            ids = [e.entry_id for e in self._lru.values() if entity in e.entities]
            for entry_id in ids:
                self._remove_locked(entry_id)
            return len(ids)

    def clear(self) -> None:
        with self._lock:
            self._partitions.clear()
            self._lru.clear()
            self._faiss_ids.clear()
            self._by_template.clear()
            self._remembered.clear()

    def entries(self) -> list[CacheEntry]:
        """Snapshots of all entries, least recently used first."""
        with self._lock:
            return [_snapshot(e) for e in self._lru.values()]

    def stats(self) -> CacheStats:
        with self._lock:
            misses = sum(self._miss_reasons.values())
            return CacheStats(
                size=len(self._lru),
                max_entries=self._max_entries,
                threshold=self._threshold,
                partitions={intent: int(p.index.ntotal) for intent, p in self._partitions.items()},
                lookups=self._lookups,
                hits=self._hits,
                misses=misses,
                miss_reasons=dict(self._miss_reasons),
                evicted_lru=self._evicted_lru,
                demoted=self._demoted,
                entry_hits=sum(e.hits for e in self._lru.values()),
                entry_failures=sum(e.failures for e in self._lru.values()),
            )

    # -- persistence -----------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The file content :meth:`save` writes (entries least recently used first)."""
        with self._lock:
            entries = [_entry_to_json(e) for e in self._lru.values()]
        return {
            "format_version": FORMAT_VERSION,
            "embedder_id": self._embedder_id,
            "dim": self._dim,
            "saved_at": time.time(),
            "entries": entries,
        }

    def save(self, path: Path | None = None) -> Path:
        """Write the cache atomically to ``path`` (default: the constructor's). Raises CacheFileError."""
        target = Path(path) if path is not None else self._path
        if target is None:
            raise ValueError("no cache file path configured")
        text = json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))
        with self._save_lock:
            try:
                atomic_write(target, text.encode("utf-8"))
            except OSError as err:
                raise CacheFileError(f"could not write plan cache file {target}: {err}") from err
        return target

    @classmethod
    def load(
        cls,
        path: Path,
        dim: int,
        embedder_id: str = "",
        *,
        threshold: float = 0.75,
        max_entries: int = 1000,
        max_failures: int = 2,
    ) -> PlanCache:
        """A cache filled from ``path``. Never raises for a bad file: a missing file gives an empty cache;
        a corrupt or stale one is moved aside (see :attr:`load_problem`) and the cache starts empty."""
        cache = cls(
            dim,
            threshold,
            max_entries,
            path,
            embedder_id=embedder_id,
            max_failures=max_failures,
        )
        cache._load_file(Path(path))
        return cache

    def _load_file(self, path: Path) -> None:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as err:
            self._report_bad_file(path, "unreadable", f"cannot read plan cache file {path}: {err}")
            return
        try:
            entries = self._parse_file(raw)
        except _StaleFile as err:
            self._report_bad_file(path, "stale", f"plan cache file {path} is stale: {err}")
            return
        except CacheFileError as err:
            self._report_bad_file(path, "corrupt", f"plan cache file {path} is corrupt: {err}")
            return
        with self._lock:
            for entry in entries:
                if entry.entry_id in self._lru:
                    continue
                self._insert_locked(entry)
            self._evict_over_capacity()

    def _parse_file(self, raw: bytes) -> list[CacheEntry]:
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise CacheFileError(f"not JSON ({err})") from None
        if not isinstance(data, dict):
            raise CacheFileError("top level is not a JSON object")
        version = data.get("format_version")
        if version != FORMAT_VERSION:
            raise _StaleFile(f"format_version {version!r}, expected {FORMAT_VERSION}")
        if data.get("dim") != self._dim:
            raise _StaleFile(f"embedding dim {data.get('dim')!r}, expected {self._dim}")
        if data.get("embedder_id") != self._embedder_id:
            raise _StaleFile(f"embedder {data.get('embedder_id')!r}, expected {self._embedder_id!r}")
        items = data.get("entries")
        if not isinstance(items, list):
            raise CacheFileError("'entries' is not a list")
        entries = []
        for number, item in enumerate(items):
            try:
                entries.append(_entry_from_json(item, self._dim))
            except (KeyError, TypeError, ValueError, binascii.Error) as err:
                raise CacheFileError(f"entry {number}: {type(err).__name__}: {err}") from None
        return entries

    def _report_bad_file(self, path: Path, kind: LoadProblemKind, message: str) -> None:
        moved: Path | None = None
        if kind != "unreadable" or path.exists():
            moved, note = move_aside(path, "stale" if kind == "stale" else "corrupt")
            message += note
        message += (
            " and starting with an empty cache" if moved is not None else "; starting with an empty cache"
        )
        _LOGGER.warning("%s", message)
        self.load_problem = message
        self.load_problem_kind = kind
        self.moved_aside_to = moved


class _StaleFile(CacheFileError):
    """The file is valid but was written for another format version, dim or embedder."""


def _check_threshold(value: float) -> float:
    value = float(value)
    if not -1.0 <= value <= 1.0:
        raise ValueError(f"threshold must be a cosine similarity in [-1, 1], got {value}")
    return value


def _check_max_entries(value: int) -> int:
    if int(value) != value or value < 1:
        raise ValueError(f"max_entries must be a positive integer, got {value}")
    return int(value)


def _entry_to_json(entry: CacheEntry) -> dict[str, Any]:
    return {
        "entry_id": entry.entry_id,
        "intent": entry.intent,
        "template_text": entry.template_text,
        "language": entry.language,
        "plan": entry.plan,
        "parameters": sorted(entry.parameters),
        "entities": sorted(entry.entities),
        "created_at": entry.created_at,
        "last_used_at": entry.last_used_at,
        "hits": entry.hits,
        "failures": entry.failures,
        "embedding": base64.b64encode(entry.embedding.astype("<f4").tobytes()).decode("ascii"),
    }


def _entry_from_json(item: Any, dim: int) -> CacheEntry:
    if not isinstance(item, dict):
        raise TypeError("entry is not an object")

    def text(key: str) -> str:
        value = item[key]
        if not isinstance(value, str):
            raise TypeError(f"{key!r} is not a string")
        return value

    def number(key: str) -> float:
        value = item[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"{key!r} is not a number")
        return float(value)

    def count(key: str) -> int:
        value = item.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise TypeError(f"{key!r} is not a count")
        return int(value)

    def strings(key: str) -> frozenset[str]:
        value = item[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise TypeError(f"{key!r} is not a list of strings")
        return frozenset(value)

    plan = item["plan"]
    if not isinstance(plan, dict):
        raise TypeError("'plan' is not an object")
    blob = base64.b64decode(text("embedding"), validate=True)
    if len(blob) != 4 * dim:
        raise ValueError(f"embedding has {len(blob)} bytes, expected {4 * dim}")
    return CacheEntry(
        entry_id=text("entry_id"),
        intent=text("intent"),
        template_text=text("template_text"),
        embedding=normalize(np.frombuffer(blob, dtype="<f4"), dim),
        plan=plan,
        parameters=strings("parameters"),
        entities=strings("entities"),
        language=text("language"),
        created_at=number("created_at"),
        last_used_at=number("last_used_at"),
        hits=count("hits"),
        failures=count("failures"),
    )
