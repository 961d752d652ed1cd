"""Tests of the error-bounded reuse learner (engine/bounded.py): pure Python, no models."""

from __future__ import annotations

import json
import math
import threading

import pytest

from custom_components.agent_reuse.engine.bounded import (
    NEVER,
    BoundedConfig,
    BoundedThresholds,
    wilson_upper,
)

Z95 = 1.6448536269514722


def learner(**kw: float) -> BoundedThresholds:
    return BoundedThresholds(BoundedConfig(**kw))  # type: ignore[arg-type]


def feed(b: BoundedThresholds, partition: str, score: float, n: int, correct: bool = True, **kw: str) -> None:
    for _ in range(n):
        b.observe(partition, score, correct, **kw)  # type: ignore[arg-type]


def test_wilson_upper_bound() -> None:
    assert wilson_upper(0, 0, Z95) == 1.0
    # Zero errors: the bound is z²/(n + z²); about 270 observations for 1 % at 95 %.
    assert wilson_upper(0, 100, Z95) == pytest.approx(Z95**2 / (100 + Z95**2))
    assert wilson_upper(0, 260, Z95) > 0.01 > wilson_upper(0, 280, Z95)
    assert wilson_upper(1, 100, Z95) > 0.01
    assert wilson_upper(5, 100, Z95) > wilson_upper(1, 100, Z95)
    assert wilson_upper(100, 100, Z95) == pytest.approx(1.0)


def test_config_is_validated() -> None:
    for bad in (
        {"delta": 0.0},
        {"delta": 1.0},
        {"confidence": 0.3},
        {"grid_step": 0.0},
        {"partition_prior": -1},
    ):
        with pytest.raises(ValueError, match="must"):
            BoundedConfig(**bad)  # type: ignore[arg-type]


def test_starts_conservative() -> None:
    b = learner()
    assert b.global_threshold() == NEVER
    assert b.threshold("HassTurnOn") == NEVER
    assert not b.should_reuse("HassTurnOn", 1.0)
    feed(b, "HassTurnOn", 0.9, 100)  # not yet enough evidence for 1 %
    assert not b.should_reuse("HassTurnOn", 0.99)


def test_enough_correct_evidence_opens_reuse_down_to_where_it_was_observed() -> None:
    b = learner(delta=0.01)
    feed(b, "A", 0.85, 300)
    assert b.global_threshold() == pytest.approx(0.85)
    assert b.should_reuse("A", 0.86)
    assert not b.should_reuse("A", 0.84)
    # A partition never seen inherits the global threshold.
    assert b.threshold("B") == pytest.approx(0.85)


def test_wrong_observations_raise_the_threshold_above_them() -> None:
    b = learner(delta=0.01)
    feed(b, "A", 0.95, 400)
    feed(b, "A", 0.7, 400)
    assert b.global_threshold() == pytest.approx(0.7)
    feed(b, "A", 0.75, 20, correct=False)  # 20 wrong among 820 at ≥ 0.7: 2.4 %
    t = b.global_threshold()
    assert 0.75 < t <= 0.95
    assert not b.should_reuse("A", 0.75)
    assert b.should_reuse("A", 0.96)


def test_a_partition_with_errors_gets_stricter_than_the_others() -> None:
    b = learner(delta=0.01)
    feed(b, "A", 0.8, 1000)
    feed(b, "B", 0.8, 300)
    feed(b, "B", 0.85, 5, correct=False)  # 5 of B's 305 wrong (1.6 %); 5 of all 1305 (0.4 %)
    assert b.global_threshold() <= 0.8 + 1e-9
    assert b.threshold("A") == pytest.approx(b.global_threshold())
    assert b.threshold("B") > 0.85
    assert b.should_reuse("A", 0.82)
    assert not b.should_reuse("B", 0.85)


def test_one_bad_entry_is_blocked_while_its_partition_keeps_serving() -> None:
    b = learner(delta=0.01)
    feed(b, "video/QUERY", 0.9, 1000, entry="good")
    assert b.should_reuse("video/QUERY", 0.99, "good")
    b.observe("video/QUERY", 0.99, False, entry="bad")  # "{name}" served an app launch
    assert not b.should_reuse("video/QUERY", 0.995, "bad")
    assert b.threshold("video/QUERY", "bad") > 0.99
    assert b.should_reuse("video/QUERY", 0.95, "good")
    assert b.should_reuse("video/QUERY", 0.95, "unseen-entry")
    assert b.snapshot().entries_raised == 1
    b.forget_entry("bad")
    assert b.threshold("video/QUERY", "bad") == b.threshold("video/QUERY")


def test_prior_observations_count_with_their_weight() -> None:
    prior = [("A", 0.9, True)] * 1000
    heavy, light = learner(delta=0.01), learner(delta=0.01)
    assert heavy.observe_many(prior, weight=1.0) == 1000
    light.observe_many(prior, weight=0.1)  # worth 100 observations: not enough for 1 %
    assert heavy.global_threshold() == pytest.approx(0.9)
    assert light.global_threshold() == NEVER


def test_scores_below_the_grid_are_ignored_and_bad_input_rejected() -> None:
    b = learner(grid_min=0.5)
    b.observe("A", 0.2, False)
    assert b.snapshot().observations == 0
    with pytest.raises(ValueError, match="finite"):
        b.observe("A", math.nan, True)
    with pytest.raises(ValueError, match="positive"):
        b.observe("A", 0.9, True, weight=0.0)


def test_old_evidence_fades_when_a_histogram_is_full() -> None:
    b = learner(max_weight=100.0)
    feed(b, "A", 0.9, 150)
    assert b.snapshot().partitions["A"].observations <= 100


def test_state_round_trips_through_json() -> None:
    b = learner(delta=0.02)
    feed(b, "A", 0.9, 300, entry="e1")
    b.observe("A", 0.95, False, entry="e2")
    feed(b, "B", 0.7, 10)
    data = json.loads(json.dumps(b.to_json()))
    c = BoundedThresholds.from_json(data)
    assert c.config == b.config
    for partition, entry in (("A", None), ("A", "e2"), ("B", None), ("C", None)):
        assert c.threshold(partition, entry) == b.threshold(partition, entry)
    assert c.snapshot() == b.snapshot()


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(version=99),
        lambda d: d.pop("global"),
        lambda d: d["global"].update(correct=[1.0]),
        lambda d: d["partitions"].update(A={"correct": [-1.0] * 51, "wrong": [0.0] * 51}),
        lambda d: d["entries"].update(x={"partition": "A", "observations": [[999, True, 1.0]]}),
    ],
)
def test_malformed_state_is_rejected(mutate: object) -> None:
    b = learner()
    feed(b, "A", 0.9, 3, entry="e")
    data = json.loads(json.dumps(b.to_json()))
    mutate(data)  # type: ignore[operator]
    with pytest.raises(ValueError, match=r"version|malformed|buckets|finite|observation"):
        BoundedThresholds.from_json(data)


def test_concurrent_observers_do_not_lose_counts() -> None:
    b = learner()

    def work() -> None:
        feed(b, "A", 0.9, 500)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert b.snapshot().observations == pytest.approx(2000)
