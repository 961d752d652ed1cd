"""The reuse policy: the error-bounded mode (learned thresholds under a budget δ) inside the real pipeline.

Real models, a real FAISS cache and a real planner server; the runner records what plans would do.
"""

from __future__ import annotations

import json
import random

import pytest

from custom_components.agent_reuse.engine.bounded import NEVER, BoundedConfig, BoundedThresholds
from custom_components.agent_reuse.engine.pipeline import Request
from custom_components.agent_reuse.engine.plan import Plan
from custom_components.agent_reuse.engine.reuse_policy import ReusePolicy, plan_effects
from tests.engine.pipeline_helpers import TURN_ON_AREA, PipelineFactory
from tests.planner_fixture import PlannerServer

TURN_OFF_AREA = {
    "steps": [
        {
            "id": "off",
            "action": "ha_service",
            "inputs": {"domain": "light", "service": "turn_off", "target": {"area": "{slot.area}"}},
        }
    ]
}


def informed_learner(delta: float = 0.01) -> BoundedThresholds:
    """A learner that has seen 400 right reuses at scores 0.90-0.99 (what a shipped prior provides)."""
    learner = BoundedThresholds(BoundedConfig(delta=delta))
    rng = random.Random(5)
    learner.observe_many(("__prior__", 0.9 + rng.random() * 0.099, True) for _ in range(400))
    return learner


def test_plan_effects_ignore_ids_wording_and_order() -> None:
    a = Plan.from_dict(TURN_ON_AREA).bind({"area": "Kitchen"})
    renamed = {
        "steps": [
            {
                "id": "say",
                "action": "respond",
                "inputs": {"template": "Done: {slot.area}."},
                "depends_on": ["go"],
            },
            {
                "id": "go",
                "description": "lights on",
                "action": "ha_service",
                "inputs": {"target": {"area": "{slot.area}"}, "service": "turn_on", "domain": "light"},
            },
        ]
    }
    b = Plan.from_dict(renamed).bind({"area": "kitchen "})
    assert plan_effects(a) == plan_effects(b)
    assert plan_effects(a) != plan_effects(Plan.from_dict(TURN_ON_AREA).bind({"area": "bedroom"}))
    assert plan_effects(a) != plan_effects(Plan.from_dict(TURN_OFF_AREA).bind({"area": "kitchen"}))


async def test_bounded_mode_starts_conservative_and_learns_from_fresh_plans(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    policy = ReusePolicy(BoundedThresholds(), bounded=True)
    pipeline, runner = build_pipeline(policy=policy)
    assert pipeline.cache.threshold == policy.cache_threshold_floor  # the learner decides, not γ
    planner_server.queue(json.dumps(TURN_ON_AREA), json.dumps(TURN_ON_AREA))
    assert (await pipeline.handle(Request("turn on the kitchen light", "en"))).trace.cached

    # No evidence yet: even the same phrasing is not reused, but the fresh plan labels the candidate.
    second = await pipeline.handle(Request("turn on the bedroom light", "en"))
    assert second.success
    assert second.trace.outcome == "miss"
    assert second.trace.miss_reason == "below_learned_threshold"
    assert second.trace.threshold == NEVER
    assert second.trace.candidate_equivalent is True
    assert planner_server.calls() == 2
    assert runner.calls[-1]["target"] == {"area": "bedroom"}
    assert policy.learner.snapshot().observations == 1
    assert policy.summary()["global_threshold"] is None


async def test_bounded_mode_reuses_with_evidence_and_a_report_stops_the_plan(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    policy = ReusePolicy(informed_learner(), bounded=True)
    pipeline, runner = build_pipeline(policy=policy)
    planner_server.queue(json.dumps(TURN_ON_AREA))
    await pipeline.handle(Request("turn on the kitchen light", "en"))
    hit = await pipeline.handle(Request("turn on the bedroom light", "en"))
    assert hit.trace.outcome == "hit"
    assert hit.trace.threshold is not None
    assert 0.9 <= hit.trace.threshold <= 1.0
    assert planner_server.calls() == 1
    entry_id = hit.trace.matched_entry_id
    assert entry_id is not None

    # The user says that reuse was wrong: this plan stops being reused at that score, its neighbours not.
    assert policy.report_wrong(entry_id) is not None
    assert policy.report_wrong("no-such-plan") is None
    assert policy.threshold(hit.trace.intent or "", entry_id) == NEVER
    planner_server.queue(json.dumps(TURN_ON_AREA))
    again = await pipeline.handle(Request("turn on the garage light", "en"))
    assert again.trace.outcome == "miss"
    assert again.trace.miss_reason == "below_learned_threshold"
    assert planner_server.calls() == 2
    assert policy.summary()["reports"] == 1


async def test_a_different_fresh_plan_is_evidence_against_the_candidate(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    policy = ReusePolicy(BoundedThresholds(), bounded=True)
    pipeline, _ = build_pipeline(policy=policy)
    planner_server.queue(json.dumps(TURN_ON_AREA), json.dumps(TURN_OFF_AREA))
    await pipeline.handle(Request("turn on the kitchen light", "en"))
    reply = await pipeline.handle(Request("turn on the bedroom light", "en"))
    assert reply.trace.candidate_equivalent is False
    assert policy.learner.snapshot().wrong == 1


async def test_fixed_threshold_mode_gathers_evidence_too(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    """Below γ, a nearest plan that takes the same slot types is labelled by the fresh plan (so switching to
    the bounded mode later starts informed); reuse decisions stay γ's."""
    policy = ReusePolicy()
    pipeline, _ = build_pipeline(policy=policy)
    pipeline.cache.threshold = 0.999
    planner_server.queue(json.dumps(TURN_ON_AREA), json.dumps(TURN_ON_AREA))
    await pipeline.handle(Request("turn on the kitchen light", "en"))
    reply = await pipeline.handle(Request("switch on the bedroom light", "en"))
    assert reply.trace.outcome == "miss"
    assert reply.trace.miss_reason == "below_threshold"
    assert reply.trace.threshold is None
    assert reply.trace.candidate_equivalent is True
    assert policy.summary()["mode"] == "threshold"
    assert policy.learner.snapshot().observations == 1


async def test_sampled_audit_replans_in_the_background_and_runs_nothing(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    policy = ReusePolicy(informed_learner(), bounded=True, audit_rate=1.0)
    pipeline, runner = build_pipeline(policy=policy)
    planner_server.queue(json.dumps(TURN_ON_AREA))
    await pipeline.handle(Request("turn on the kitchen light", "en"))
    hit = await pipeline.handle(Request("turn on the bedroom light", "en"))
    assert hit.trace.outcome == "hit"
    assert hit.trace.audit
    assert hit.audit is not None
    assert planner_server.calls() == 1  # the user did not wait for the audit
    calls_before = len(runner.calls)

    planner_server.queue(json.dumps(TURN_OFF_AREA))
    assert await pipeline.run_audit(hit.audit) is False
    assert planner_server.calls() == 2
    assert len(runner.calls) == calls_before
    assert policy.summary()["audits"] == 1
    assert policy.summary()["audit_disagreements"] == 1
    assert policy.threshold(hit.trace.intent or "", hit.trace.matched_entry_id) == NEVER


def test_the_floor_bounds_learned_thresholds_from_below() -> None:
    policy = ReusePolicy(informed_learner(), bounded=True, floor=0.95)
    learned = policy.learner.threshold("HassTurnOn")
    assert learned < 0.95
    assert policy.threshold("HassTurnOn") == 0.95
    assert policy.cache_threshold_floor == 0.95
    assert ReusePolicy(informed_learner(), bounded=True).threshold("HassTurnOn") == learned
    assert ReusePolicy(bounded=False, floor=0.95).threshold("HassTurnOn") is None


def test_policy_rejects_a_bad_audit_rate() -> None:
    with pytest.raises(ValueError, match="audit_rate"):
        ReusePolicy(audit_rate=1.5)
