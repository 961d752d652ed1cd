"""The reuse decision after the cache found a candidate: a fixed γ, or an error budget δ learned online.

Why a policy object next to the cache: the cache answers "which cached plan is nearest and takes these slot
types" — the same question in both modes. What differs is whether that candidate may act. With a fixed γ the
cache's own threshold decides. In the *bounded* mode the user states the risk they accept ("at most 1 % of
reused plans may be wrong", δ) and :class:`~.bounded.BoundedThresholds` turns evidence into per-intent and
per-plan thresholds that keep the estimated false-reuse rate within δ.

The evidence (it is gathered in both modes, so switching to the bounded mode starts informed):

* **Misses with a candidate** — the planner wrote a fresh plan anyway, so comparing what the fresh plan
  does with what the candidate would have done (:func:`plan_effects`) labels the candidate's score for free.
* **Reports** — a user (or an automation) says a reuse was wrong (:meth:`ReusePolicy.report_wrong`, the
  ``agent_reuse.report_wrong_reuse`` action): the last reuse of that plan becomes a wrong observation.
* **Audits** — a sampled share of reuses is re-planned in the background and compared
  (:meth:`ReusePolicy.wants_audit`); the user waits for none of it.

A ``floor`` bounds the learned thresholds from below. The integration passes the user's γ: evidence can make
an intent or a plan stricter than γ, never looser, so switching the mode on never reuses more than before
(the starter plans, for one, rely on γ to keep "打开{area}的风扇" away from "打开{area}的灯", cosine 0.52).
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .bounded import NEVER, BoundedConfig, BoundedThresholds
from .errors import CacheFileError
from .files import atomic_write, move_aside
from .plan import BoundPlan, StepRefTemplate

_LOGGER = logging.getLogger(__name__)

#: The shipped starting evidence for the shipped parser + embedder (``benchmarks/make_reuse_prior.py``).
PRIOR_PATH = Path(__file__).with_name("reuse_prior.json")

#: Actions whose inputs decide what a plan *does* (``respond`` only words the reply).
EFFECT_ACTIONS = frozenset({"ha_service", "mqtt_publish", "ha_state", "delay"})
#: How many recent reuses are remembered for reports (a report names the plan; the latest reuse counts).
JOURNAL_SIZE = 256


@dataclass(frozen=True, slots=True)
class Candidate:
    """The cached plan a request could have reused: its intent partition, entry id and cosine score."""

    intent: str
    entry_id: str
    score: float


def _canonical(value: Any) -> Any:
    if isinstance(value, StepRefTemplate):
        return f"<{value}>"
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        items = [_canonical(v) for v in value]
        return sorted(items, key=json.dumps) if all(isinstance(v, str) for v in items) else items
    if isinstance(value, str):
        return " ".join(value.casefold().split())
    return value


def plan_effects(bound: BoundPlan) -> tuple[str, ...]:
    """What a bound plan does, independent of step ids, wording and order: one canonical line per effect.

    Two plans with the same effects act the same on the home (same services on the same targets with the same
    data, same MQTT messages, same state reads); their replies may be worded differently.
    """
    lines = [
        json.dumps([step.action, _canonical(step.inputs)], ensure_ascii=False, sort_keys=True)
        for step in bound.steps
        if step.action in EFFECT_ACTIONS
    ]
    return tuple(sorted(lines))


class ReusePolicy:
    """Decides whether a candidate may be reused, and learns from feedback (thread-safe)."""

    def __init__(
        self,
        learner: BoundedThresholds | None = None,
        *,
        bounded: bool = False,
        audit_rate: float = 0.0,
        floor: float | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if not 0.0 <= audit_rate <= 1.0:
            raise ValueError(f"audit_rate must be in [0, 1], got {audit_rate}")
        self.learner = learner or BoundedThresholds()
        self.floor = max(self.learner.grid[0], -1.0 if floor is None else float(floor))
        self.bounded = bounded
        self.audit_rate = audit_rate
        self._rng = rng or random.Random()
        self._lock = threading.Lock()
        self._journal: OrderedDict[str, Candidate] = OrderedDict()  # entry id -> its latest reuse
        self.observations = 0
        self.reports = 0
        self.audits = 0
        self.audit_disagreements = 0

    @property
    def evidence_floor(self) -> float:
        """The lowest score worth labelling: the learner's grid starts there (whatever the mode or floor)."""
        return self.learner.grid[0]

    @property
    def cache_threshold_floor(self) -> float:
        """The lowest score the policy can ever accept: what the cache must return candidates down to."""
        return self.floor

    def threshold(self, intent: str, entry_id: str | None = None) -> float | None:
        """The threshold an intent (or one of its plans) is held to now; None in the fixed-γ mode."""
        if not self.bounded:
            return None
        return max(self.floor, self.learner.threshold(intent, entry_id))

    def record_reuse(self, candidate: Candidate) -> None:
        """Remember a reuse so that a later report about its plan can find the score it was reused at."""
        with self._lock:
            self._journal[candidate.entry_id] = candidate
            self._journal.move_to_end(candidate.entry_id)
            while len(self._journal) > JOURNAL_SIZE:
                self._journal.popitem(last=False)

    def wants_audit(self) -> bool:
        """Whether this reuse should be re-planned in the background and compared (sampled)."""
        return self.audit_rate > 0.0 and self._rng.random() < self.audit_rate

    def observe(self, candidate: Candidate, fresh: BoundPlan, reused: BoundPlan) -> bool:
        """A fresh plan for the request is known: label the candidate by comparing effects. Returns whether
        they were equivalent."""
        equivalent = plan_effects(fresh) == plan_effects(reused)
        self.learner.observe(candidate.intent, candidate.score, equivalent, entry=candidate.entry_id)
        with self._lock:
            self.observations += 1
        return equivalent

    def observe_audit(self, candidate: Candidate, fresh: BoundPlan, reused: BoundPlan) -> bool:
        """:meth:`observe` for a sampled audit of a reuse (counted apart for diagnostics)."""
        equivalent = self.observe(candidate, fresh, reused)
        with self._lock:
            self.audits += 1
            self.audit_disagreements += int(not equivalent)
        return equivalent

    def report_wrong(self, entry_id: str) -> Candidate | None:
        """The latest reuse of this plan was wrong: record it (None if no reuse of it is remembered)."""
        with self._lock:
            candidate = self._journal.pop(entry_id, None)
            if candidate is None:
                return None
            self.reports += 1
        self.learner.observe(candidate.intent, candidate.score, False, entry=candidate.entry_id)
        return candidate

    def forget(self, entry_id: str) -> None:
        """A plan left the cache: drop its own evidence and journal line (its partition's evidence stays)."""
        with self._lock:
            self._journal.pop(entry_id, None)
        self.learner.forget_entry(entry_id)

    def summary(self) -> dict[str, Any]:
        """Mode, budget, thresholds and counters, for diagnostics and the sensors."""
        snap = self.learner.snapshot()
        with self._lock:
            counters = {
                "observations_since_start": self.observations,
                "reports": self.reports,
                "audits": self.audits,
                "audit_disagreements": self.audit_disagreements,
            }
        return {
            "mode": "bounded" if self.bounded else "threshold",
            "delta": snap.delta,
            "floor": self.floor,
            "audit_rate": self.audit_rate,
            "global_threshold": None if snap.global_threshold >= NEVER else snap.global_threshold,
            "evidence": round(snap.observations, 2),
            "wrong": round(snap.wrong, 2),
            "partitions": {
                name: {
                    "threshold": None if p.threshold >= NEVER else p.threshold,
                    "evidence": round(p.observations, 2),
                    "wrong": round(p.wrong, 2),
                }
                for name, p in sorted(snap.partitions.items())
            },
            "plans_raised": snap.entries_raised,
            **counters,
        }


def with_delta(state: Mapping[str, Any], delta: float) -> BoundedThresholds:
    """A learner from a saved state with another budget δ (the evidence is the same whatever δ is)."""
    raw = dict(state)
    raw["config"] = {**dict(raw["config"]), "delta": float(delta)}
    return BoundedThresholds.from_json(raw)


def load_prior(delta: float, path: Path = PRIOR_PATH) -> BoundedThresholds:
    """The shipped starting evidence with budget ``delta``; an empty learner if the file is missing or bad."""
    try:
        return with_delta(json.loads(path.read_text(encoding="utf-8")), delta)
    except (OSError, ValueError, KeyError, TypeError) as err:
        _LOGGER.warning("reuse prior %s not usable (%s): the bounded mode starts without evidence", path, err)
        return BoundedThresholds(BoundedConfig(delta=delta))


@dataclass(frozen=True, slots=True)
class LoadedLearner:
    """What :func:`load_learner` found: the learner, and why a file was set aside (None if it was fine)."""

    learner: BoundedThresholds
    problem: str | None = None
    moved_aside_to: Path | None = None


def load_learner(path: Path, delta: float, prior_path: Path = PRIOR_PATH) -> LoadedLearner:
    """The evidence saved at ``path`` with budget ``delta``; the prior when there is none.

    Never raises for a bad file: a corrupt one is moved aside (``<name>.corrupt-<time>``) and the learner
    starts from the prior, with the problem reported.
    """
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LoadedLearner(load_prior(delta, prior_path))
    except (OSError, UnicodeDecodeError) as err:
        return _set_aside(path, f"cannot read {path}: {err}", delta, prior_path)
    try:
        return LoadedLearner(with_delta(json.loads(raw), delta))
    except (ValueError, KeyError, TypeError) as err:
        return _set_aside(path, f"{path} is not a reuse-policy state ({err})", delta, prior_path)


def _set_aside(path: Path, message: str, delta: float, prior_path: Path) -> LoadedLearner:
    moved, note = move_aside(path, "corrupt")
    message += note + " and starting from the shipped evidence"
    _LOGGER.warning("%s", message)
    return LoadedLearner(load_prior(delta, prior_path), message, moved)


def save_learner(learner: BoundedThresholds, path: Path) -> None:
    """Write the learner's evidence atomically. Raises CacheFileError."""
    data = json.dumps(learner.to_json(), separators=(",", ":")).encode("utf-8")
    try:
        atomic_write(path, data)
    except OSError as err:
        raise CacheFileError(f"could not write reuse-policy file {path}: {err}") from err
