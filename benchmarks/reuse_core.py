"""The reuse benchmark's stream protocol and scoring, independent of any model (``scripts/eval-reuse``).

Protocol (the paper's, made precise): requests arrive one by one in file order into an empty cache. Each
request has a *label* — the plan it needs. Under protocol ``pair`` the label is the intent (SMP: the pair
domain/intent); under ``signature`` it is the intent plus the sorted slot types. A request is *reusable*
iff an earlier request of the stream has the same label. A method decides per request whether to reuse a
cached entry; on a miss its cache stores the request with the request's TRUE label as the "plan".

Scoring. ``positive`` = the request could be served without the planner (reusable; for a method with no
cache, such as Home Assistant's matcher, "an HA intent serves its label"). ``reused`` = the method served
it from its cache (or matcher). ``correct`` = what it served has the request's label.

* lenient (the paper's): TP = reused ∧ positive, FP = reused ∧ ¬positive, FN = ¬reused ∧ positive.
* strict (what counts): TP = reused ∧ positive ∧ correct; every reuse that is not a strict TP is a FP (a
  wrong plan would run); every positive that is not a strict TP is a FN; TN = ¬reused ∧ ¬positive.
  accuracy = (TP + TN) / n.

``wrong_plan_rate`` = reuses that served another label / reuses. ``local_correct_rate`` = strict TP / n:
the share of all requests served without the LLM and with the right plan. ``local_correct_rate_warm`` =
strict TP among the positive requests (after each label's own first occurrence, the "warm" stream).
``latency_reduction`` (the paper's way): every request that is not a strict TP costs one plan generation
(31.8 s), every request costs the method's measured overhead; compared with no reuse (n plan generations).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

#: Seconds per plan generation (the paper: GPT-4 through AutoGen).
PLAN_SECONDS = 31.8


@dataclass(frozen=True, slots=True)
class Decision:
    """One request's outcome under one method."""

    reused: bool
    correct: bool = False  # what was served has the request's label (meaningless when not reused)
    score: float | None = None  # similarity of the served / nearest entry, when the method has one
    served_label: str | None = None
    served_index: int | None = None  # stream index of the request whose plan was served (caches)


def reusable_flags(labels: Sequence[str]) -> list[bool]:
    """Per request: whether an earlier request of the stream has the same label."""
    seen: set[str] = set()
    flags = []
    for label in labels:
        flags.append(label in seen)
        seen.add(label)
    return flags


@dataclass(frozen=True, slots=True)
class Confusion:
    tp: int
    fp: int
    fn: int
    tn: int

    def rates(self, n: int) -> dict[str, float]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        positives = self.tp + self.fn
        recall = self.tp / positives if positives else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        accuracy = (self.tp + self.tn) / n if n else 0.0
        return {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "accuracy": round(accuracy, 4),
        }


def confusions(decisions: Sequence[Decision], positives: Sequence[bool]) -> tuple[Confusion, Confusion]:
    """(strict, lenient) confusion counts. In the strict one a wrong reuse of a positive request is both a
    FP (a wrong plan ran) and a FN (the right plan was not served)."""
    if len(decisions) != len(positives):
        raise ValueError("one decision per request expected")
    s_tp = s_fp = s_fn = s_tn = 0
    l_tp = l_fp = l_fn = l_tn = 0
    for d, pos in zip(decisions, positives, strict=True):
        if d.reused:
            if pos:
                l_tp += 1
            else:
                l_fp += 1
            if pos and d.correct:
                s_tp += 1
            else:
                s_fp += 1
                if pos:
                    s_fn += 1
        else:
            if pos:
                l_fn += 1
                s_fn += 1
            else:
                l_tn += 1
                s_tn += 1
    return Confusion(s_tp, s_fp, s_fn, s_tn), Confusion(l_tp, l_fp, l_fn, l_tn)


def score(
    decisions: Sequence[Decision],
    positives: Sequence[bool],
    overhead_ms_mean: float = 0.0,
    plan_seconds: float = PLAN_SECONDS,
) -> dict[str, Any]:
    """The per-method, per-threshold figures (without the latency and memory measurements)."""
    n = len(decisions)
    strict, lenient = confusions(decisions, positives)
    reused = sum(d.reused for d in decisions)
    wrong = sum(d.reused and not d.correct for d in decisions)
    n_pos = sum(positives)
    baseline = n * plan_seconds
    overhead_s = n * overhead_ms_mean / 1000.0

    def reduction(tp: int) -> float:
        return round(1.0 - ((n - tp) * plan_seconds + overhead_s) / baseline, 4) if n else 0.0

    return {
        "strict": strict.rates(n),
        "lenient": lenient.rates(n),
        "counts": {
            "n": n,
            "positives": n_pos,
            "reused": reused,
            "wrong_plans": wrong,
            "strict_tp": strict.tp,
            "lenient_tp": lenient.tp,
        },
        "wrong_plan_rate": round(wrong / reused, 4) if reused else 0.0,
        "hit_rate": round(reused / n, 4) if n else 0.0,
        "local_correct_rate": round(strict.tp / n, 4) if n else 0.0,
        "local_correct_rate_warm": round(strict.tp / n_pos, 4) if n_pos else 0.0,
        "latency_reduction": reduction(strict.tp),
        "latency_reduction_lenient": reduction(lenient.tp),
    }


def strict_precision_recall(decisions: Sequence[Decision], positives: Sequence[bool]) -> tuple[float, float]:
    strict, _ = confusions(decisions, positives)
    precision = strict.tp / (strict.tp + strict.fp) if strict.tp + strict.fp else 1.0
    recall = strict.tp / (strict.tp + strict.fn) if strict.tp + strict.fn else 1.0
    return precision, recall


@dataclass(frozen=True, slots=True)
class Calibration:
    gamma: float
    precision: float
    recall: float
    target_met: bool
    evaluated: int


def calibrate(
    run: Callable[[float], tuple[float, float]],
    min_precision: float = 0.995,
    coarse: Sequence[float] = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99),
    fine_step: float = 0.01,
) -> Calibration:
    """The γ with the largest recall at precision ≥ ``min_precision`` (strict), searched coarse to fine.

    ``run(γ)`` returns (precision, recall) of the method on the calibration stream. Recall falls and
    precision (mostly) rises with γ, so the coarse grid brackets the smallest qualifying γ and the fine grid
    refines below it. Ties in recall go to the larger γ (safer). If no γ qualifies, the one with the best
    precision is returned with ``target_met`` False.
    """
    results: dict[float, tuple[float, float]] = {}

    def evaluate(gamma: float) -> None:
        gamma = round(gamma, 4)
        if gamma not in results:
            results[gamma] = run(gamma)

    for gamma in coarse:
        evaluate(gamma)
    qualifying = sorted(g for g, (p, _) in results.items() if p >= min_precision)
    if qualifying:
        smallest = qualifying[0]
        lower = max((g for g in results if g < smallest), default=smallest)
        g = lower + fine_step
        while g < smallest - 1e-9:
            evaluate(g)
            g += fine_step
    qualifying = [g for g, (p, _) in results.items() if p >= min_precision]
    if qualifying:
        best = max(qualifying, key=lambda g: (results[g][1], g))
        met = True
    else:
        best = max(results, key=lambda g: (results[g][0], results[g][1], g))
        met = False
    precision, recall = results[best]
    return Calibration(best, round(precision, 4), round(recall, 4), met, len(results))
