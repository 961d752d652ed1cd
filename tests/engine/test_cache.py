"""Tests of the intent-partitioned plan cache, with real FAISS and seeded random unit vectors."""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from custom_components.agent_reuse.engine import cache as cache_module
from custom_components.agent_reuse.engine import files as files_module
from custom_components.agent_reuse.engine.cache import FORMAT_VERSION, MissReason, PlanCache
from custom_components.agent_reuse.engine.errors import CacheFileError

DIM = 32
EMBEDDER = "test-embedder/v1"


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


def unit(rng: np.random.Generator) -> np.ndarray:
    v = rng.standard_normal(DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def near(v: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    w = v + noise * rng.standard_normal(DIM).astype(np.float32)
    return (w / np.linalg.norm(w)).astype(np.float32)


def plan(service: str = "light.turn_on", **extra: Any) -> dict[str, Any]:
    return {"steps": [{"service": service, "target": "{slot.name}", **extra}]}


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a / np.linalg.norm(a), b / np.linalg.norm(b)))


def add(cache: PlanCache, intent: str, vector: np.ndarray, params: set[str] | None = None, **kw: Any):
    return cache.add(
        intent=intent,
        template_text=kw.pop("template_text", f"{intent} {{name}} {np.round(vector[:2], 3)}"),
        embedding=vector,
        plan=kw.pop("plan", plan()),
        parameters=params if params is not None else {"name"},
        entities=kw.pop("entities", {"light.kitchen"}),
        language=kw.pop("language", "en"),
    )


# -- lookups ---------------------------------------------------------------------------------------------


def test_partitions_isolate_intents(rng: np.random.Generator) -> None:
    cache = PlanCache(DIM, threshold=0.8)
    v = unit(rng)
    on = add(cache, "HassTurnOn", v)

    # An identical vector under another intent: that partition is empty, so no hit.
    result = cache.lookup("HassTurnOff", v, {"name"})
    assert not result.hit
    assert result.reason is MissReason.EMPTY_PARTITION
    assert result.best_score is None
    assert result.nearest is None

    # With an unrelated entry in the other partition, the near-identical vector still cannot reach "on".
    far = unit(rng)
    assert cosine(far, v) < 0.5
    off = add(cache, "HassTurnOff", far)
    result = cache.lookup("HassTurnOff", near(v, rng, 0.01), {"name"})
    assert not result.hit
    assert result.reason is MissReason.BELOW_THRESHOLD
    assert result.nearest is not None
    assert result.nearest.entry_id == off.entry_id

    hit = cache.lookup("HassTurnOn", near(v, rng, 0.01), {"name"})
    assert hit.hit
    assert hit.entry is not None
    assert hit.entry.entry_id == on.entry_id
    assert hit.score is not None
    assert hit.score > 0.99

    # The ablation searches every partition and so does find it.
    everywhere = cache.lookup_all_partitions(v, {"name"})
    assert everywhere.hit
    assert everywhere.entry is not None
    assert everywhere.entry.entry_id == on.entry_id
    assert everywhere.entry.intent == "HassTurnOn"


def test_threshold_edge_is_inclusive(rng: np.random.Generator) -> None:
    cache = PlanCache(DIM, threshold=0.0)
    v = unit(rng)
    entry = add(cache, "HassTurnOn", v)
    query = near(v, rng, 0.3)
    score = cache.lookup("HassTurnOn", query, {"name"}).score
    assert score is not None
    assert 0.5 < score < 0.99

    cache.threshold = score
    exact = cache.lookup("HassTurnOn", query, {"name"})
    assert exact.hit
    assert exact.entry is not None
    assert exact.entry.entry_id == entry.entry_id

    cache.threshold = float(np.nextafter(score, 2.0))
    above = cache.lookup("HassTurnOn", query, {"name"})
    assert not above.hit
    assert above.reason is MissReason.BELOW_THRESHOLD
    assert above.best_score == score
    assert above.nearest is not None
    assert above.nearest.entry_id == entry.entry_id


def test_signature_gate_looks_past_top1(rng: np.random.Generator) -> None:
    cache = PlanCache(DIM, threshold=0.8)
    v = unit(rng)
    name_only = add(cache, "HassLightSet", v, {"name"}, template_text="set {name}")
    with_brightness = add(
        cache,
        "HassLightSet",
        near(v, rng, 0.1),
        {"name", "brightness"},
        template_text="set {name} to {brightness}",
    )

    # Top-1 (score 1.0) takes only {name}: it must not serve a request that also carries a brightness.
    result = cache.lookup("HassLightSet", v, {"name", "brightness"})
    assert result.hit
    assert result.entry is not None
    assert result.entry.entry_id == with_brightness.entry_id
    assert result.best_score is not None
    assert result.best_score > 0.999
    assert result.nearest is not None
    assert result.nearest.entry_id == name_only.entry_id
    assert result.score is not None
    assert result.score < result.best_score

    # A request with fewer slot types gets the entry with exactly its signature.
    plain = cache.lookup("HassLightSet", v, {"name"})
    assert plain.entry is not None
    assert plain.entry.entry_id == name_only.entry_id

    # Nobody takes a colour: a signature miss (not "below threshold"), with the best score reported.
    colour = cache.lookup("HassLightSet", v, {"name", "color"})
    assert not colour.hit
    assert colour.reason is MissReason.SIGNATURE_MISMATCH
    assert colour.best_score is not None
    assert colour.best_score > 0.999


def test_plan_with_more_parameters_does_not_serve_fewer_slots(rng: np.random.Generator) -> None:
    # Only a plan for {name, brightness} is cached: a request with just {name} has no brightness to bind,
    # so reusing it would fail; it must be a signature miss, even at similarity 1.0.
    cache = PlanCache(DIM, threshold=0.8)
    v = unit(rng)
    add(cache, "HassLightSet", v, {"name", "brightness"}, template_text="set {name} to {brightness}")
    result = cache.lookup("HassLightSet", v, {"name"})
    assert not result.hit
    assert result.reason is MissReason.SIGNATURE_MISMATCH


def test_signature_gate_widens_search_beyond_first_candidates(rng: np.random.Generator) -> None:
    cache = PlanCache(DIM, threshold=0.7)
    v = unit(rng)
    for i in range(40):  # 40 closer entries that all fail the gate
        add(cache, "HassLightSet", near(v, rng, 0.02), {"name"}, template_text=f"t{i}")
    target = add(cache, "HassLightSet", near(v, rng, 0.2), {"name", "brightness"}, template_text="target")
    assert cosine(target.embedding, v) > 0.7

    result = cache.lookup("HassLightSet", v, {"name", "brightness"})
    assert result.hit
    assert result.entry is not None
    assert result.entry.entry_id == target.entry_id
    assert result.candidates == 41

    # Below-threshold candidates stop the walk: the brightness plan is not served when γ excludes it.
    cache.threshold = 0.999
    result = cache.lookup("HassLightSet", v, {"name", "brightness"})
    assert not result.hit


def test_exact_template_lookup_needs_the_same_text_and_signature(
    tmp_path: Path, rng: np.random.Generator
) -> None:
    cache = PlanCache(DIM, threshold=0.75, max_entries=10)
    on = add(cache, "HassTurnOn", unit(rng), template_text="turn on the {name}")
    add(
        cache,
        "HassTurnOn",
        unit(rng),
        {"name", "brightness"},
        template_text="turn on the {name} at {brightness}",
    )
    hit = cache.lookup_exact("HassTurnOn", "turn on the {name}", {"name"})
    assert hit is not None
    assert hit.hit
    assert hit.entry is not None
    assert hit.entry.entry_id == on.entry_id
    assert hit.score == 1.0
    assert cache.lookup_exact("HassTurnOn", "turn on the {name}", {"name", "brightness"}) is None  # the gate
    assert cache.lookup_exact("HassTurnOff", "turn on the {name}", {"name"}) is None  # another partition
    assert cache.lookup_exact("HassTurnOn", "switch on the {name}", {"name"}) is None  # another text
    assert cache.stats().lookups == 1
    assert cache.has_template("HassTurnOn", "en", "turn on the {name}")
    assert not cache.has_template("HassTurnOn", "zh", "turn on the {name}")  # another language
    assert not cache.has_template("HassTurnOff", "en", "turn on the {name}")
    # Survives a save and load; gone with the entry.
    cache.save(tmp_path / "c.json")
    loaded = PlanCache.load(tmp_path / "c.json", DIM)
    assert loaded.lookup_exact("HassTurnOn", "turn on the {name}", {"name"}) is not None
    assert loaded.remove(on.entry_id)
    assert loaded.lookup_exact("HassTurnOn", "turn on the {name}", {"name"}) is None
    assert not loaded.has_template("HassTurnOn", "en", "turn on the {name}")
    cache.clear()
    assert (
        cache.lookup_exact("HassTurnOn", "turn on the {name} at {brightness}", {"name", "brightness"}) is None
    )


def test_a_phrasing_found_by_similarity_is_served_again_without_embedding(rng: np.random.Generator) -> None:
    cache = PlanCache(DIM, threshold=0.75, max_entries=10)
    stored = unit(rng)
    on = add(cache, "HassTurnOn", stored, template_text="turn on the {name}")
    other = add(cache, "HassTurnOn", unit(rng), template_text="turn on the {name} now")
    query = near(stored, rng, 0.05)
    phrasing = "switch on the {name}"
    assert cache.lookup_exact("HassTurnOn", phrasing, {"name"}, "en") is None  # never searched yet
    searched = cache.lookup("HassTurnOn", query, {"name"}, "en", template_text=phrasing)
    assert searched.hit
    assert searched.entry is not None
    assert searched.entry.entry_id == on.entry_id
    assert searched.score is not None
    assert searched.score < 1.0

    again = cache.lookup_exact("HassTurnOn", phrasing, {"name"}, "en-GB")
    assert again is not None
    assert again.entry is not None
    assert (again.hit, again.entry.entry_id) == (True, on.entry_id)
    assert (again.score, again.best_score, again.candidates) == (
        searched.score,
        searched.best_score,
        searched.candidates,
    )
    assert cache.stats().hits == 2
    # Only for the same signature and language family, and never remembered from a lookup without the text.
    assert cache.lookup_exact("HassTurnOn", phrasing, {"name", "brightness"}, "en") is None
    assert cache.lookup_exact("HassTurnOn", phrasing, {"name"}, "zh") is None
    cache.lookup("HassTurnOn", query, {"name"}, "en")
    assert cache.lookup_exact("HassTurnOn", "turn it on {name}", {"name"}, "en") is None

    # Any change to the partition may change what a search finds: forgotten.
    add(cache, "HassTurnOn", unit(rng), template_text="power on the {name}")
    assert cache.lookup_exact("HassTurnOn", phrasing, {"name"}, "en") is None
    cache.lookup("HassTurnOn", query, {"name"}, "en", template_text=phrasing)
    assert cache.remove(other.entry_id)
    assert cache.lookup_exact("HassTurnOn", phrasing, {"name"}, "en") is None
    cache.lookup("HassTurnOn", query, {"name"}, "en", template_text=phrasing)
    # Another partition's changes do not matter; a new γ does.
    add(cache, "HassTurnOff", unit(rng), template_text="turn off the {name}")
    assert cache.lookup_exact("HassTurnOn", phrasing, {"name"}, "en") is not None
    cache.threshold = 0.8
    assert cache.lookup_exact("HassTurnOn", phrasing, {"name"}, "en") is None
    # A miss is not remembered.
    far = unit(rng)
    assert not cache.lookup("HassTurnOn", far, {"name"}, "en", template_text="open the {name}").hit
    assert cache.lookup_exact("HassTurnOn", "open the {name}", {"name"}, "en") is None


def found_order(cache: PlanCache, query: np.ndarray) -> list[str]:
    """Entry ids of the cache by decreasing cosine to ``query``."""
    return [e.entry_id for e in sorted(cache.entries(), key=lambda e: -cosine(e.embedding, query))]


def test_a_template_naming_another_day_is_passed_over(rng: np.random.Generator) -> None:
    """ "明天天气怎么样" (tomorrow's weather) was 0.97 from "天气怎么样" and heard the weather now; with the
    request's template text given, an entry whose words name another day (or none) is passed over."""
    cache = PlanCache(DIM, threshold=0.75, max_entries=10)
    vector = unit(rng)
    now = add(cache, "HassGetWeather", vector, set(), template_text="天气怎么样", language="zh")
    query = near(vector, rng, 0.05)
    for other_day in ("明天天气怎么样", "周六天气怎么样", "今晚天气怎么样"):
        miss = cache.lookup("HassGetWeather", query, set(), "zh", template_text=other_day)
        assert miss.miss, other_day
        assert miss.reason is MissReason.OTHER_DAY
        assert miss.nearest is not None
        assert miss.nearest.entry_id == now.entry_id
    # "today" and "now" name no other day than a request without a day.
    for same_day in ("今天天气怎么样", "现在天气怎么样"):
        found = cache.lookup("HassGetWeather", query, set(), "zh", template_text=same_day)
        assert found.entry is not None, same_day
        assert found.entry.entry_id == now.entry_id
    # An entry for tomorrow serves tomorrow, and never the weather now.
    tomorrow = add(cache, "HassGetWeather", vector, set(), template_text="明天天气如何", language="zh")
    found = cache.lookup("HassGetWeather", query, set(), "zh", template_text="明天天气怎么样")
    assert found.entry is not None
    assert found.entry.entry_id == tomorrow.entry_id
    found = cache.lookup("HassGetWeather", query, set(), "zh", template_text="天气如何")
    assert found.entry is not None
    assert found.entry.entry_id == now.entry_id
    # Without the template text (the benchmarks) there is no such gate.
    assert cache.lookup("HassGetWeather", query, set(), "zh").hit


def test_a_template_naming_another_device_kind_is_passed_over(rng: np.random.Generator) -> None:
    """ "关闭所有的开关" (the switches) was 0.78 from "关闭所有的灯" (the lights) and ran the lights' plan; with
    the request's template text given, an entry whose words name another kind is passed over."""
    cache = PlanCache(DIM, threshold=0.75, max_entries=10)
    near_vector = unit(rng)
    lights = add(cache, "HassTurnOff", near_vector, set(), template_text="关闭所有的灯", language="zh")
    query = near(near_vector, rng, 0.05)
    miss = cache.lookup("HassTurnOff", query, set(), "zh", template_text="关闭所有的开关")
    assert miss.miss
    assert miss.reason is MissReason.OTHER_DEVICE_KIND
    assert miss.nearest is not None
    assert miss.nearest.entry_id == lights.entry_id
    # Windows and curtains are both covers, yet different kinds to a plan.
    curtains = add(cache, "HassTurnOff", near_vector, set(), template_text="关闭所有的窗帘", language="zh")
    assert cache.lookup("HassTurnOff", query, set(), "zh", template_text="关闭所有的窗户").miss
    found = cache.lookup("HassTurnOff", query, set(), "zh", template_text="把所有的窗帘都关上")
    assert found.hit
    assert found.entry is not None
    assert found.entry.entry_id == curtains.entry_id
    # The same kind in other words, a template without device words, or no text given: not gated.
    assert cache.lookup("HassTurnOff", query, set(), "zh", template_text="关掉所有的灯光").hit
    assert cache.lookup("HassTurnOff", query, set(), "zh", template_text="全部关掉").hit
    assert cache.lookup("HassTurnOff", query, set(), "zh").hit


@pytest.mark.parametrize(
    ("wanted", "cached", "agree"),
    [
        (frozenset({"light"}), frozenset({"light"}), True),
        (frozenset({"light"}), frozenset({"switch"}), False),
        (frozenset(), frozenset({"switch"}), True),
        (frozenset({"light"}), frozenset(), True),
        (frozenset({"cover"}), frozenset({"cover:window"}), False),
    ],
)
def test_kinds_agree(wanted: frozenset[str], cached: frozenset[str], agree: bool) -> None:
    assert cache_module.kinds_agree(wanted, cached) is agree


def test_language_gate_serves_the_same_language_family_only(rng: np.random.Generator) -> None:
    """A multilingual embedder puts a Chinese question next to the English one; its plan speaks English."""
    cache = PlanCache(DIM, threshold=0.75, max_entries=10)
    question = unit(rng)
    english = add(
        cache, "HassGetState", question, {"area"}, template_text="what is the temperature in the {area}"
    )
    chinese_query = near(question, rng, 0.05)
    assert cosine(chinese_query, question) > 0.9

    miss = cache.lookup("HassGetState", chinese_query, {"area"}, language="zh-Hans")
    assert miss.miss
    assert miss.reason is MissReason.OTHER_LANGUAGE
    assert miss.nearest is not None
    assert miss.nearest.entry_id == english.entry_id  # still reported as the nearest
    for same in ("en", "en-US", "EN_gb"):
        hit = cache.lookup("HassGetState", chinese_query, {"area"}, language=same)
        assert hit.hit
    assert cache.lookup("HassGetState", chinese_query, {"area"}).hit  # no language given: no gate
    assert cache.lookup_exact("HassGetState", "what is the temperature in the {area}", {"area"}, "zh") is None
    assert cache.lookup_exact("HassGetState", "what is the temperature in the {area}", {"area"}, "en-US")

    # A Chinese plan further down serves the Chinese request: the search looks past the English one.
    chinese = add(
        cache,
        "HassGetState",
        near(question, rng, 0.1),
        {"area"},
        template_text="{area}的温度是多少",
        language="zh-Hans",
    )
    assert found_order(cache, chinese_query)[0] == english.entry_id  # the English plan is nearer
    found = cache.lookup("HassGetState", chinese_query, {"area"}, language="zh-CN")
    assert found.hit
    assert found.entry is not None
    assert found.entry.entry_id == chinese.entry_id


def test_lookup_validates_embeddings(rng: np.random.Generator) -> None:
    cache = PlanCache(DIM)
    with pytest.raises(ValueError, match="dimensions"):
        cache.lookup("x", np.ones(DIM + 1, dtype=np.float32))
    with pytest.raises(ValueError, match="zero vector"):
        cache.lookup("x", np.zeros(DIM, dtype=np.float32))
    with pytest.raises(ValueError, match="NaN"):
        cache.add("x", "t", np.full(DIM, np.nan), plan(), {"name"})
    # Unnormalised input is normalised (scores stay cosine similarities).
    v = unit(rng)
    add(cache, "x", 7.0 * v)
    result = cache.lookup("x", (3.0 * v).reshape(1, -1), {"name"})
    assert result.score == pytest.approx(1.0, abs=1e-5)


def test_entries_are_snapshots(rng: np.random.Generator) -> None:
    cache = PlanCache(DIM)
    v = unit(rng)
    original = plan()
    entry = add(cache, "x", v, plan=original)
    original["steps"].clear()
    entry.plan["steps"].clear()
    entry.hits = 99
    stored = cache.get(entry.entry_id)
    assert stored is not None
    assert stored.plan == plan()
    assert stored.hits == 0
    with pytest.raises(ValueError, match="read-only"):
        stored.embedding[0] = 1.0


def test_add_replaces_same_template_and_rejects_unserialisable_plans(rng: np.random.Generator) -> None:
    cache = PlanCache(DIM)
    first = add(cache, "x", unit(rng), template_text="turn on {name}")
    second = add(cache, "x", unit(rng), template_text="turn on {name}", plan=plan("light.toggle"))
    other_language = add(cache, "x", unit(rng), template_text="turn on {name}", language="de")
    ids = {e.entry_id for e in cache.entries()}
    assert ids == {second.entry_id, other_language.entry_id}
    assert first.entry_id not in cache
    with pytest.raises(ValueError, match="JSON"):
        cache.add("x", "t", unit(rng), {"bad": object()}, {"name"})


# -- bounded size, demotion, removal ---------------------------------------------------------------------


def test_lru_eviction_order(rng: np.random.Generator) -> None:
    cache = PlanCache(DIM, threshold=0.9, max_entries=3)
    vectors = {name: unit(rng) for name in "abcde"}
    entries = {}
    for name in "abc":
        entries[name] = add(cache, "on" if name != "b" else "off", vectors[name], template_text=name)
    assert cache.record_hit(entries["a"].entry_id)  # a is now the most recently used

    entries["d"] = add(cache, "on", vectors["d"], template_text="d")
    assert [e.template_text for e in cache.entries()] == ["c", "a", "d"]  # b (another partition) went
    assert not cache.lookup("off", vectors["b"], {"name"}).hit
    assert cache.stats().partitions == {"on": 3}

    entries["e"] = add(cache, "on", vectors["e"], template_text="e")
    assert [e.template_text for e in cache.entries()] == ["a", "d", "e"]
    assert not cache.lookup("on", vectors["c"], {"name"}).hit
    assert cache.lookup("on", vectors["a"], {"name"}).hit

    # Shrinking at run time evicts the least recently used entries at once.
    cache.max_entries = 1
    assert [e.template_text for e in cache.entries()] == ["e"]
    stats = cache.stats()
    assert stats.size == 1
    assert stats.evicted_lru == 4
    assert stats.max_entries == 1
    with pytest.raises(ValueError, match="max_entries"):
        cache.max_entries = 0


def test_failures_demote_and_hits_count(rng: np.random.Generator) -> None:
    cache = PlanCache(DIM, max_failures=2)
    v = unit(rng)
    entry = add(cache, "on", v)
    assert cache.record_hit(entry.entry_id)
    assert cache.record_hit(entry.entry_id)
    assert not cache.record_failure(entry.entry_id)  # first failure: kept
    stored = cache.get(entry.entry_id)
    assert stored is not None
    assert (stored.hits, stored.failures) == (2, 1)
    assert stored.last_used_at >= stored.created_at
    assert cache.record_failure(entry.entry_id)  # second failure: evicted
    assert entry.entry_id not in cache
    assert cache.lookup("on", v, {"name"}).reason is MissReason.EMPTY_PARTITION
    assert not cache.record_hit(entry.entry_id)
    assert not cache.record_failure(entry.entry_id)
    assert cache.stats().demoted == 1


def test_removal_by_id_intent_and_entity(rng: np.random.Generator) -> None:
    cache = PlanCache(DIM, threshold=0.9)
    v = {k: unit(rng) for k in range(6)}
    e0 = add(cache, "on", v[0], entities={"light.kitchen"})
    e1 = add(cache, "on", v[1], entities={"light.kitchen", "light.hall"})
    e2 = add(cache, "on", v[2], entities={"light.hall"})
    e3 = add(cache, "off", v[3], entities={"light.kitchen"})
    e4 = add(cache, "off", v[4], entities={"switch.fan"})
    e5 = add(cache, "climate", v[5], entities={"climate.home"})

    assert cache.remove(e2.entry_id)
    assert not cache.remove(e2.entry_id)
    assert not cache.lookup("on", v[2], {"name"}).hit

    assert cache.remove_entity("light.kitchen") == 3
    for gone, intent in ((e0, "on"), (e1, "on"), (e3, "off")):
        result = cache.lookup(intent, gone.embedding, {"name"})
        assert not result.hit
        assert result.nearest is None or result.nearest.entry_id != gone.entry_id
    assert cache.stats().partitions == {"off": 1, "climate": 1}

    assert cache.remove_intent("off") == 1
    assert cache.remove_intent("off") == 0
    assert cache.lookup("off", v[4], {"name"}).reason is MissReason.EMPTY_PARTITION
    assert not cache.lookup_all_partitions(e4.embedding, {"name"}).hit
    assert cache.lookup_all_partitions(v[5], {"name"}).hit
    assert [e.entry_id for e in cache.entries()] == [e5.entry_id]

    cache.clear()
    assert len(cache) == 0
    assert cache.stats().partitions == {}
    assert cache.lookup("climate", v[5]).reason is MissReason.EMPTY_PARTITION
    # The cache keeps working after clear().
    again = add(cache, "climate", v[5])
    assert cache.lookup("climate", v[5], {"name"}).entry.entry_id == again.entry_id  # type: ignore[union-attr]


def test_stats_count_lookups(rng: np.random.Generator) -> None:
    cache = PlanCache(DIM, threshold=0.9)
    v = unit(rng)
    add(cache, "on", v)
    cache.lookup("on", v, {"name"})
    cache.lookup("on", v, {"name", "color"})
    cache.lookup("on", unit(rng), {"name"})
    cache.lookup("off", v, {"name"})
    stats = cache.stats()
    assert (stats.lookups, stats.hits, stats.misses) == (4, 1, 3)
    assert stats.miss_reasons == {"signature_mismatch": 1, "below_threshold": 1, "empty_partition": 1}
    assert stats.hit_rate == pytest.approx(0.25)


# -- persistence -----------------------------------------------------------------------------------------


def test_persistence_round_trip(tmp_path: Path, rng: np.random.Generator) -> None:
    path = tmp_path / "agent_reuse" / "plan_cache.json"
    cache = PlanCache(DIM, threshold=0.8, path=path, embedder_id=EMBEDDER)
    a = add(
        cache, "on", unit(rng), {"name"}, plan={"steps": [{"say": "Licht an: {slot.name} ✓"}]}, language="de"
    )
    b = add(cache, "off", unit(rng), {"name", "area"}, entities={"light.a", "light.b"})
    c = add(cache, "on", unit(rng), set())
    cache.record_hit(a.entry_id)
    cache.record_failure(b.entry_id)
    assert cache.save() == path

    loaded = PlanCache.load(path, DIM, EMBEDDER, threshold=0.8)
    assert loaded.load_problem is None
    assert loaded.path == path
    before, after = cache.entries(), loaded.entries()
    assert [e.entry_id for e in after] == [b.entry_id, c.entry_id, a.entry_id]  # LRU order kept
    for old, new in zip(before, after, strict=True):
        assert new.plan == old.plan
        assert new.parameters == old.parameters
        assert new.entities == old.entities
        assert (new.intent, new.template_text, new.language) == (old.intent, old.template_text, old.language)
        assert (new.hits, new.failures) == (old.hits, old.failures)
        assert (new.created_at, new.last_used_at) == (old.created_at, old.last_used_at)
        np.testing.assert_allclose(new.embedding, old.embedding, atol=1e-6)
        assert new.embedding.dtype == np.float32
    result = loaded.lookup("off", b.embedding, {"name", "area"})
    assert result.entry is not None
    assert result.entry.entry_id == b.entry_id
    assert loaded.stats().partitions == {"off": 1, "on": 2}
    # Failure counts survive: one more failure demotes b.
    assert loaded.record_failure(b.entry_id)

    # Loading into a smaller cache keeps the most recently used entries.
    small = PlanCache.load(path, DIM, EMBEDDER, max_entries=1)
    assert [e.entry_id for e in small.entries()] == [a.entry_id]


def test_missing_file_gives_empty_cache(tmp_path: Path) -> None:
    loaded = PlanCache.load(tmp_path / "nope.json", DIM, EMBEDDER)
    assert len(loaded) == 0
    assert loaded.load_problem is None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe garbage",
        b"[1, 2, 3]",
        json.dumps(
            {"format_version": FORMAT_VERSION, "dim": DIM, "embedder_id": EMBEDDER, "entries": [{"x": 1}]}
        ).encode(),
    ],
    ids=["bad-json", "not-utf8", "not-an-object", "bad-entry"],
)
def test_corrupt_file_is_moved_aside(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: bytes
) -> None:
    path = tmp_path / "plan_cache.json"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING):
        loaded = PlanCache.load(path, DIM, EMBEDDER)
    assert len(loaded) == 0
    assert loaded.load_problem is not None
    assert loaded.load_problem_kind == "corrupt"
    assert not path.exists()
    aside = list(tmp_path.glob("plan_cache.json.corrupt-*"))
    assert len(aside) == 1
    assert loaded.moved_aside_to == aside[0]
    assert aside[0].read_bytes() == content
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and r.name == cache_module.__name__]
    assert len(warnings) == 1
    assert "corrupt" in warnings[0].getMessage()
    # The cache works and can be saved again afterwards.
    loaded.add("on", "t", np.ones(DIM), plan(), {"name"})
    loaded.save()
    assert PlanCache.load(path, DIM, EMBEDDER).load_problem is None


def test_corrupt_embedding_is_detected(tmp_path: Path, rng: np.random.Generator) -> None:
    path = tmp_path / "c.json"
    cache = PlanCache(DIM, path=path, embedder_id=EMBEDDER)
    add(cache, "on", unit(rng))
    data = cache.to_json()
    data["entries"][0]["embedding"] = data["entries"][0]["embedding"][:-8]  # truncated
    path.write_text(json.dumps(data))
    loaded = PlanCache.load(path, DIM, EMBEDDER)
    assert loaded.load_problem_kind == "corrupt"
    assert len(loaded) == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("format_version", FORMAT_VERSION + 1), ("dim", DIM * 2), ("embedder_id", "another-embedder")],
)
def test_stale_file_is_moved_aside(
    tmp_path: Path, rng: np.random.Generator, caplog: pytest.LogCaptureFixture, field: str, value: Any
) -> None:
    path = tmp_path / "plan_cache.json"
    cache = PlanCache(DIM, path=path, embedder_id=EMBEDDER)
    add(cache, "on", unit(rng))
    data = cache.to_json()
    data[field] = value
    path.write_text(json.dumps(data))
    with caplog.at_level(logging.WARNING):
        loaded = PlanCache.load(path, DIM, EMBEDDER)
    assert len(loaded) == 0
    assert loaded.load_problem_kind == "stale"
    assert loaded.load_problem is not None
    assert field.split("_")[0] in loaded.load_problem
    assert not path.exists()
    assert len(list(tmp_path.glob("plan_cache.json.stale-*"))) == 1
    assert any("stale" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)


def test_second_bad_file_gets_its_own_aside_name(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    for _ in range(2):
        path.write_text("{")
        PlanCache.load(path, DIM, EMBEDDER)
    assert len(list(tmp_path.glob("c.json.corrupt-*"))) == 2


def test_atomic_write_leaves_no_temp_files(
    tmp_path: Path, rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan_cache.json"
    cache = PlanCache(DIM, path=path, embedder_id=EMBEDDER)
    add(cache, "on", unit(rng))
    cache.save()
    add(cache, "on", unit(rng), template_text="second")
    cache.save()
    assert [p.name for p in tmp_path.iterdir()] == ["plan_cache.json"]
    good = path.read_bytes()

    # A failure at the rename leaves the previous file intact and removes the temp file.
    add(cache, "on", unit(rng), template_text="third")

    def fail_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files_module.os, "replace", fail_replace)
    with pytest.raises(CacheFileError, match="No space left"):
        cache.save()
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["plan_cache.json"]
    assert path.read_bytes() == good
    assert len(PlanCache.load(path, DIM, EMBEDDER)) == 2


def test_save_uses_fsync_and_needs_a_path(
    tmp_path: Path, rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(files_module.os, "fsync", spy)
    cache = PlanCache(DIM, embedder_id=EMBEDDER)
    add(cache, "on", unit(rng))
    with pytest.raises(ValueError, match="path"):
        cache.save()
    cache.save(tmp_path / "x.json")
    assert len(synced) == 2  # the file, then its directory


# -- threads ---------------------------------------------------------------------------------------------


def test_concurrent_adds_lookups_and_removals(rng: np.random.Generator) -> None:
    cache = PlanCache(DIM, threshold=0.95, max_entries=150)
    seeds = rng.integers(0, 2**31, size=8)
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(seeds))

    def worker(number: int, seed: int) -> None:
        local = np.random.default_rng(seed)
        try:
            barrier.wait()
            mine = []
            for i in range(60):
                v = unit(local)
                intent = f"intent{(number + i) % 3}"
                entry = cache.add(intent, f"w{number}-{i}", v, plan(), {"name"}, {f"light.l{number}"})
                mine.append(entry)
                result = cache.lookup(intent, v, {"name"})
                if result.hit:  # it may already have been evicted by another thread
                    assert result.entry is not None
                    assert result.entry.entry_id == entry.entry_id
                cache.lookup_all_partitions(unit(local), {"name"})
                if i % 7 == 0:
                    cache.record_hit(mine[i // 2].entry_id)
                if i % 11 == 0:
                    cache.remove(mine[i // 3].entry_id)
                if i % 13 == 0:
                    cache.record_failure(mine[i // 4].entry_id)
                    cache.stats()
            if number == 0:
                cache.remove_entity("light.l0")
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(n, int(s))) for n, s in enumerate(seeds)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    assert errors == []

    entries = cache.entries()
    stats = cache.stats()
    assert len(entries) == stats.size == sum(stats.partitions.values()) <= 150
    assert len({e.entry_id for e in entries}) == len(entries)
    for entry in entries:
        result = cache.lookup(entry.intent, entry.embedding, {"name"})
        assert result.entry is not None
        assert result.entry.entry_id == entry.entry_id
