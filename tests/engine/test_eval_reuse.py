"""Tests of the plan-reuse benchmark harness (scripts/eval-reuse).

The protocol and scoring run on tiny synthetic streams (hand-made decisions, seeded unit vectors), the
methods on synthetic embeddings (the real PlanCache, the real GPTCache package, the real hassil matcher),
and one small real run drives the shipped models over Home Assistant test sentences.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from benchmarks import eval_reuse
from benchmarks.corpus import SlotSpan, Utterance
from benchmarks.reuse_core import Decision, calibrate, confusions, reusable_flags, score
from benchmarks.reuse_data import LabelledUtterance, encode, label_of, load_labelled, slurp_scenarios
from benchmarks.reuse_exec import Home, execute
from benchmarks.reuse_methods import (
    BoundedMethod,
    Pca,
    PlanCacheMethod,
    StreamRequest,
    candidate_observations,
    run_stream,
)
from custom_components.agent_reuse.engine.bounded import BoundedConfig
from custom_components.agent_reuse.engine.embedder import SentenceEmbedder
from custom_components.agent_reuse.engine.nlu import JointParser
from custom_components.agent_reuse.engine.template import strip_slots

DATASETS = Path(__file__).resolve().parents[3] / "shared" / "datasets"
HA_TESTS = DATASETS / "home_assistant_intents" / "tests_flat.jsonl"
DIM = 16


def unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def synthetic_stream(
    labels: list[str],
    intents: list[str | None] | None = None,
    noise: float = 0.05,
    seed: int = 7,
    signatures: list[frozenset[str]] | None = None,
) -> list[StreamRequest]:
    """One random direction per label; each request is its label's direction plus noise."""
    rng = np.random.default_rng(seed)
    centres = {label: rng.standard_normal(DIM) for label in sorted(set(labels))}
    out = []
    for i, label in enumerate(labels):
        v = unit(centres[label] + noise * rng.standard_normal(DIM))
        intent = label.split("|")[0]
        out.append(
            StreamRequest(
                index=i,
                text=f"request {i} for {label}",
                language="en",
                label=label,
                intent=intent,
                pred_intent=(intents[i] if intents is not None else intent),
                pred_signature=signatures[i] if signatures is not None else frozenset(),
                template=f"template {i}",
                emb_template=v,
                emb_raw=v,
            )
        )
    return out


# -- protocol and scoring ------------------------------------------------------------------------------


def test_reusable_means_an_earlier_request_had_the_same_label() -> None:
    assert reusable_flags(["a", "b", "a", "a", "c", "b"]) == [False, False, True, True, False, True]


def test_strict_scoring_counts_a_wrong_plan_as_fp_and_fn() -> None:
    positives = [False, True, True, True, False]
    decisions = [
        Decision(False),  # TN
        Decision(True, correct=True),  # TP (strict and lenient)
        Decision(True, correct=False),  # lenient TP, strict FP + FN
        Decision(False),  # FN
        Decision(True, correct=False),  # FP
    ]
    strict, lenient = confusions(decisions, positives)
    assert (strict.tp, strict.fp, strict.fn, strict.tn) == (1, 2, 2, 1)
    assert (lenient.tp, lenient.fp, lenient.fn, lenient.tn) == (2, 1, 1, 1)
    fig = score(decisions, positives, overhead_ms_mean=0.0)
    assert fig["strict"] == {"precision": 0.3333, "recall": 0.3333, "f1": 0.3333, "accuracy": 0.4}
    assert fig["lenient"]["precision"] == pytest.approx(0.6667)
    assert fig["wrong_plan_rate"] == pytest.approx(0.6667)
    assert fig["hit_rate"] == 0.6
    assert fig["local_correct_rate"] == 0.2
    assert fig["local_correct_rate_warm"] == pytest.approx(0.3333)
    # The paper's way: every request that is not a (strict) TP costs a plan generation.
    assert fig["latency_reduction"] == pytest.approx(0.2)
    assert fig["latency_reduction_lenient"] == pytest.approx(0.4)


def test_latency_reduction_includes_the_overhead() -> None:
    fig = score([Decision(True, True), Decision(True, True)], [True, True], overhead_ms_mean=318.0)
    assert fig["latency_reduction"] == pytest.approx(0.99)


def test_calibration_takes_the_largest_recall_at_the_precision_target() -> None:
    def run(gamma: float) -> tuple[float, float]:
        precision = 0.99 if gamma < 0.73 else 0.999
        return precision, 1.0 - gamma

    cal = calibrate(run, min_precision=0.995)
    assert cal.target_met
    assert cal.gamma == pytest.approx(0.73)
    assert cal.recall == pytest.approx(0.27)
    never = calibrate(lambda g: (0.9 + g / 100, 0.5), min_precision=0.995)
    assert not never.target_met
    assert never.gamma == pytest.approx(0.99)


def test_thresholds_and_methods_parse() -> None:
    assert eval_reuse.parse_thresholds("0.75,0.8,auto") == ([0.75, 0.8], True)
    assert eval_reuse.threshold_key(0.8) == "0.8"
    assert eval_reuse.threshold_key(0.75) == "0.75"
    assert eval_reuse.parse_methods("agentreuse,gptcache") == ["agentreuse", "agentreuse-nogate", "gptcache"]
    with pytest.raises(Exception, match="unknown method"):
        eval_reuse.parse_methods("agentreuse,magic")


def test_labels_per_protocol() -> None:
    utt = Utterance(
        "turn on the kitchen lights",
        "ha",
        "HassTurnOn",
        (SlotSpan("area", 12, 19, "kitchen"),),
        "en",
        unlocated_slots=(("domain", "light"),),
    )
    item = LabelledUtterance(utt, "HassTurnOn")
    assert label_of(item, "pair") == "HassTurnOn"
    assert label_of(item, "signature") == "HassTurnOn|area,domain"


def test_slurp_labels_are_scenario_action(tmp_path: Path) -> None:
    records = [
        {"slurp_id": 1, "sentence": "turn the lights off", "intent": "hue_lightoff", "scenario": "iot",
         "action": "hue_lightoff", "tokens": [], "entities": []},
        {"slurp_id": 2, "sentence": "lights off", "intent": "iot_hue_lightoff", "scenario": "iot",
         "action": "hue_lightoff", "tokens": [], "entities": []},
    ]  # fmt: skip
    path = tmp_path / "slurp.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    assert slurp_scenarios(path) == [("iot", "iot_hue_lightoff"), ("iot", "iot_hue_lightoff")]
    assert [it.intent for it in load_labelled(path, "slurp")] == ["iot_hue_lightoff"] * 2


def test_the_stream_is_encoded_as_the_integration_parses_and_embeds(
    joint_parser: JointParser, sentence_embedder: SentenceEmbedder
) -> None:
    """Every request alone, as the integration runs it: a padded batch quantizes other activations and
    moves similarities near γ, so the figures would not be the integration's decisions."""
    texts = [
        ("turn on the kitchen lights", "en"),
        ("set the bedroom light to 40%", "en"),
        ("打开客厅的灯", "zh"),
        ("what is the temperature in the living room", "en"),
        ("把卧室的空调调到二十五度", "zh"),
    ]
    items = [LabelledUtterance(Utterance(text, "ha", "x", (), lang), "x") for text, lang in texts]
    for request, (text, lang) in zip(
        encode(items, "pair", joint_parser, sentence_embedder), texts, strict=True
    ):
        parsed = joint_parser.parse(text, lang)
        template = strip_slots(parsed)
        assert (request.pred_intent, request.template) == (parsed.intent, template.text)
        assert np.array_equal(request.emb_template, sentence_embedder.embed(template.text))
        assert np.array_equal(request.emb_raw, sentence_embedder.embed(text))


# -- methods on synthetic streams ----------------------------------------------------------------------


def test_agentreuse_reuses_within_the_partition_and_stores_misses() -> None:
    labels = ["A", "B", "A", "B", "A", "C"]
    stream = synthetic_stream(labels)
    method = PlanCacheMethod("agentreuse", dim=DIM)
    decisions = run_stream(method, stream, 0.9)
    assert [d.reused for d in decisions] == [False, False, True, True, True, False]
    assert all(d.correct for d in decisions if d.reused)
    assert [d.served_index for d in decisions if d.reused] == [0, 1, 0]
    assert method.stored() == [0, 1, 5]
    # At γ above every similarity, nothing is reused and everything is stored.
    assert not any(d.reused for d in run_stream(method, stream, 1.0 - 1e-7))


def test_a_misparsed_intent_searches_the_wrong_partition() -> None:
    stream = synthetic_stream(["A", "A"], intents=["A", "B"])
    decisions = run_stream(PlanCacheMethod("agentreuse", dim=DIM), stream, 0.5)
    assert not decisions[1].reused  # partition B is empty
    decisions = run_stream(PlanCacheMethod("oneintent", search="all", dim=DIM), stream, 0.5)
    assert decisions[1].reused
    assert decisions[1].correct


def test_the_signature_gate_and_its_ablation() -> None:
    sigs = [frozenset({"area"}), frozenset({"area", "brightness"})]
    stream = synthetic_stream(["A", "A"], signatures=sigs, noise=0.0)
    assert not run_stream(PlanCacheMethod("agentreuse", dim=DIM), stream, 0.5)[1].reused
    assert run_stream(PlanCacheMethod("agentreuse-nogate", gate=False, dim=DIM), stream, 0.5)[1].reused


def test_unknown_intents_are_neither_reused_nor_cached() -> None:
    stream = synthetic_stream(["A", "A", "A"], intents=["A", None, "A"], noise=0.0)
    method = PlanCacheMethod("agentreuse", dim=DIM)
    decisions = run_stream(method, stream, 0.5)
    assert [d.reused for d in decisions] == [False, False, True]
    assert method.stored() == [0]


def test_meancache_projects_with_pca_fitted_elsewhere() -> None:
    rng = np.random.default_rng(3)
    train = rng.standard_normal((200, DIM)).astype(np.float32)
    pca = Pca.fit(train, k=4)
    assert pca.components.shape == (4, DIM)
    out = pca.transform(train[:5])
    assert out.shape == (5, 4)
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    stream = synthetic_stream(["A", "B", "A"], noise=0.01)
    for r in stream:
        r.emb_pca = pca.transform(r.emb_raw)
    method = PlanCacheMethod("meancache", vector="pca", gate=False, use_intent=False, dim=4)
    assert run_stream(method, stream, 0.9)[2].reused


def test_bounded_method_learns_from_misses_and_stays_within_budget() -> None:
    # Label A's requests are also parsed as A, but every 10th B request is misparsed as A: reusing those
    # serves A's plan for a B request. The learner must keep the wrong-plan rate within δ.
    rng = np.random.default_rng(11)
    labels = [str(rng.choice(["A", "B"])) for _ in range(1500)]
    intents: list[str | None] = ["A" if (lab == "A" or i % 10 == 0) else "B" for i, lab in enumerate(labels)]
    stream = synthetic_stream(labels, intents=intents, noise=0.6)
    prior = candidate_observations(stream[:500])
    assert prior
    assert any(not c for _, _, c in prior)
    method = BoundedMethod(config=BoundedConfig(delta=0.02), prior=prior, dim=DIM)
    decisions = run_stream(method, stream[500:], 0.0)
    reused = [d for d in decisions if d.reused]
    wrong = sum(not d.correct for d in reused)
    assert len(reused) > 100
    assert wrong / len(reused) <= 0.02 + 0.01  # the bound is on the estimate; allow sampling slack

    floored = BoundedMethod(config=BoundedConfig(delta=0.02), prior=prior, dim=DIM, floor=0.9)
    strict = [d for d in run_stream(floored, stream[500:], 0.0) if d.reused]
    assert all(d.score is not None and d.score >= 0.9 for d in strict)
    assert len(strict) <= len(reused)


def test_gptcache_is_the_real_package_and_matches_its_decision_rule(tmp_path: Path) -> None:
    from benchmarks.reuse_gptcache import GPTCacheMethod, gptcache_available

    assert gptcache_available() is None
    stream = synthetic_stream(["A", "B", "A", "C", "B", "A"], noise=0.3, seed=5)
    real = GPTCacheMethod(lambda text: np.zeros(DIM, dtype=np.float32), dim=DIM, workdir=tmp_path)
    twin = PlanCacheMethod("twin", vector="raw", gate=False, use_intent=False, dim=DIM)
    for gamma in (0.5, 0.8, 0.95):
        a, b = run_stream(real, stream, gamma), run_stream(twin, stream, gamma)
        assert [(d.reused, d.served_label) for d in a] == [(d.reused, d.served_label) for d in b]
    real.close()


# -- Home Assistant's matcher and the execution check ----------------------------------------------------


def test_ha_local_uses_hassil_with_the_files_areas_and_devices() -> None:
    from benchmarks.reuse_halocal import (
        HaLocalMatcher,
        HaLocalMethod,
        ha_intents_for,
        home_from_utterances,
    )

    utts = [
        Utterance("turn off the lights in the kitchen", "hwu64", "iot_hue_lightoff",
                  (SlotSpan("house_place", 27, 34, "kitchen"),), "en"),
        Utterance("switch on the coffee machine", "hwu64", "iot_coffee",
                  (SlotSpan("device_type", 14, 28, "coffee machine"),), "en"),
    ]  # fmt: skip
    home = home_from_utterances(utts, "slurp")
    assert home.areas["en"] == {"kitchen"}
    assert home.names["en"] == {"coffee machine": "switch"}
    matcher = HaLocalMatcher(home)
    assert matcher.match("turn off the lights in the kitchen", "en") == "HassTurnOff"
    assert matcher.match("tell me a joke", "en") is None
    assert ha_intents_for("slurp", "iot_hue_lightoff") == {"HassTurnOff"}
    assert ha_intents_for("slurp", "iot_coffee") == frozenset()
    method = HaLocalMethod(matcher, "slurp")
    req = synthetic_stream(["iot_hue_lightoff"])[0]
    req.text = "turn off the lights in the kitchen"
    decision = method.step(req)
    assert decision.reused
    assert decision.correct


def test_execution_resolves_targets_against_the_fixtures() -> None:
    home = Home(
        (
            ("light.kitchen", "Kitchen Light", "Kitchen", "First Floor"),
            ("switch.kitchen", "Kitchen Switch", "Kitchen", "First Floor"),
        )
    )
    area_lights = execute(
        "homeassistant.turn_on", frozenset({"area"}), {"domain": "light"}, {"area": "kitchen"}, home
    )
    by_name = execute("homeassistant.turn_on", frozenset({"name"}), {}, {"name": "kitchen light"}, home)
    assert area_lights == by_name == {("homeassistant.turn_on", ("light.kitchen",), ())}
    everything = execute("homeassistant.turn_on", frozenset({"area"}), {}, {"area": "Kitchen"}, home)
    assert everything != area_lights
    assert execute("light.turn_on", frozenset({"name", "brightness"}), {}, {"name": "x"}, home) == frozenset()


# -- one small real run ------------------------------------------------------------------------------------


@pytest.mark.skipif(not HA_TESTS.is_file(), reason="shared datasets not present")
def test_real_small_run_on_home_assistant_sentences(tmp_path: Path) -> None:
    out = tmp_path / "ha.json"
    png = tmp_path / "ha.png"
    rc = eval_reuse.main(
        [
            "--data", str(HA_TESTS), "--format", "ha-tests", "--split", "dev", "--limit", "60",
            "--threshold", "0.8,0.9,auto", "--calib-limit", "200",
            "--methods", "agentreuse,gptcache,meancache,agentreuse-bounded,ha-local",
            "--latency-sample", "5", "--warmup", "2", "--latency-block", "2",
            "--json", str(out), "--plot", str(png),
        ]
    )  # fmt: skip
    assert rc == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["n"] == 60
    methods = ("agentreuse", "agentreuse-nogate", "gptcache", "meancache", "agentreuse-bounded", "ha-local")
    for name in methods:
        assert set(result[name]) == {"0.8", "0.9", "auto"}
        fig = result[name]["0.8"]
        for part in ("strict", "lenient"):
            assert set(fig[part]) == {"precision", "recall", "f1", "accuracy"}
        for key in ("wrong_plan_rate", "hit_rate", "overhead_ms_p50", "overhead_ms_p99", "peak_rss_mb",
                    "latency_reduction", "local_correct_rate"):  # fmt: skip
            assert fig[key] is not None, (name, key)
        assert fig["peak_rss_mb"] > 50
        assert fig["overhead_ms_p50"] > 0
        assert fig["overhead_ms_p50_first_of_turn"] > 0  # requests 1, 3 and 5: the first of each turn
    assert result["meta"]["latency"]["block"] == 2
    assert 0.5 <= result["agentreuse"]["auto"]["gamma"] <= 0.99
    assert result["agentreuse-bounded"]["0.8"] == result["agentreuse-bounded"]["auto"]
    shipped = result["agentreuse-bounded"]["0.8"]["with_floor"]
    assert shipped["floor"] == 0.75
    # A floor can only make reuse stricter.
    assert shipped["hit_rate"] <= result["agentreuse-bounded"]["0.8"]["hit_rate"]
    # The NLU model is what agentreuse adds over GPTCache: it must show in the memory.
    assert result["agentreuse"]["0.8"]["peak_rss_mb"] > result["ha-local"]["0.8"]["peak_rss_mb"]
    assert "execution_equivalence" in result["meta"]
    assert png.stat().st_size > 10_000
