"""The error-bounded reuse mode inside Home Assistant: learned thresholds, reports, audits, persistence."""

from __future__ import annotations

import json

import pytest
from homeassistant.components.conversation import ConversationResult, async_converse
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.agent_reuse.cache_store import policy_path
from custom_components.agent_reuse.const import (
    CONF_AUDIT_RATE,
    CONF_FALSE_REUSE_BUDGET,
    CONF_REUSE_MODE,
    DOMAIN,
    REUSE_MODE_BOUNDED,
)
from custom_components.agent_reuse.diagnostics import async_get_config_entry_diagnostics
from custom_components.agent_reuse.engine.bounded import NEVER
from tests.planner_fixture import PlannerServer

from .conftest import (
    AREA_PLAN,
    BED_LIGHT,
    KITCHEN_LIGHT,
    agent_entity_id,
    ask,
    eventually,
    last_trace,
    plan_json,
    respond_step,
    service_step,
    setup_agent,
    speech,
)

WRONG_PLAN = plan_json(
    service_step({"area": "{slot.area}"}, service="turn_off"), respond_step("Off {slot.area}.")
)


async def bounded_agent(
    home: HomeAssistant, planner: PlannerServer, audit_rate: float = 0.0
) -> MockConfigEntry:
    return await setup_agent(
        home,
        planner.url,
        **{CONF_REUSE_MODE: REUSE_MODE_BOUNDED, CONF_FALSE_REUSE_BUDGET: 1.0, CONF_AUDIT_RATE: audit_rate},
    )


async def report(home: HomeAssistant, plan_id: str) -> dict[str, object]:
    response = await home.services.async_call(
        DOMAIN, "report_wrong_reuse", {"plan_id": plan_id}, blocking=True, return_response=True
    )
    assert response is not None
    return dict(response)


async def test_reports_lift_a_plans_threshold_and_survive_a_reload(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    entry = await bounded_agent(home, planner)
    policy = entry.runtime_data.pipeline.policy
    assert policy.bounded
    # The shipped evidence (Home Assistant's test sentences) lets the mode reuse from the first day.
    assert policy.learner.global_threshold() < 1.0

    planner.queue(AREA_PLAN)
    await ask(home, entry, "turn on the kitchen light")
    assert last_trace(entry)["outcome"] == "miss"
    await ask(home, entry, "turn on the bedroom light")
    hit = last_trace(entry)
    assert hit["outcome"] == "hit"
    assert hit["threshold"] is not None
    assert hit["threshold"] <= 1.0
    assert home.states.get(BED_LIGHT).state == "on"
    assert planner.calls() == 1

    answer = await report(home, hit["matched_entry_id"])
    assert answer["recorded"] is True
    assert answer["mode"] == "bounded"
    assert answer["plan_threshold"] is None  # not reused again until evidence says otherwise
    with pytest.raises(ServiceValidationError) as err:
        await report(home, hit["matched_entry_id"])  # that reuse was reported already
    assert err.value.translation_key == "no_recent_reuse"

    # The reported plan is not reused: the request is planned again, and the fresh plan replaces it.
    await home.services.async_call("light", "turn_off", {"entity_id": KITCHEN_LIGHT}, blocking=True)
    planner.queue(AREA_PLAN)
    await ask(home, entry, "turn on the kitchen light")
    replanned = last_trace(entry)
    assert replanned["outcome"] == "miss"
    assert replanned["miss_reason"] == "below_learned_threshold"
    assert replanned["candidate_equivalent"] is True
    assert planner.calls() == 2
    assert home.states.get(KITCHEN_LIGHT).state == "on"

    # The evidence is saved beside the plans and loaded again.
    wrong_before = policy.learner.snapshot().wrong
    assert await home.config_entries.async_reload(entry.entry_id)
    await home.async_block_till_done()
    assert policy_path(home, entry.entry_id).is_file()
    reloaded = entry.runtime_data.pipeline.policy
    assert reloaded is not policy
    assert reloaded.learner.snapshot().wrong == wrong_before
    assert reloaded.learner.threshold("HassTurnOn", hit["matched_entry_id"]) == NEVER
    await ask(home, entry, "turn on the bedroom light")
    assert last_trace(entry)["outcome"] == "hit"  # the fresh plan is reused
    assert planner.calls() == 2


async def test_sampled_audit_replans_in_the_background(home: HomeAssistant, planner: PlannerServer) -> None:
    entry = await bounded_agent(home, planner, audit_rate=100.0)
    planner.queue(AREA_PLAN)
    await ask(home, entry, "turn on the kitchen light")
    planner.queue(WRONG_PLAN)  # the audit's planner disagrees: a reuse the user did not report
    await ask(home, entry, "turn on the bedroom light")
    hit = last_trace(entry)
    assert hit["outcome"] == "hit"
    assert hit["audit"] is True
    assert home.states.get(BED_LIGHT).state == "on"  # the reused plan ran, the audit's plan did not
    policy = entry.runtime_data.pipeline.policy
    await eventually(lambda: policy.audits == 1, "the audit")
    assert planner.calls() == 2
    assert home.states.get(BED_LIGHT).state == "on"
    assert policy.audit_disagreements == 1
    assert policy.threshold("HassTurnOn", hit["matched_entry_id"]) == NEVER

    diagnostics = await async_get_config_entry_diagnostics(home, entry)
    summary = diagnostics["reuse_policy"]
    assert summary["mode"] == "bounded"
    assert summary["delta"] == pytest.approx(0.01)
    assert summary["audits"] == 1
    assert summary["plans_raised"] >= 1


async def test_fixed_threshold_mode_keeps_gamma_and_reports_still_count(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    policy = agent.runtime_data.pipeline.policy
    assert not policy.bounded
    assert policy.audit_rate == 0.0
    planner.queue(AREA_PLAN)
    await ask(home, agent, "turn on the kitchen light")
    await ask(home, agent, "turn on the bedroom light")
    hit = last_trace(agent)
    assert hit["outcome"] == "hit"
    assert hit["threshold"] is None
    answer = await report(home, hit["matched_entry_id"])
    assert answer["mode"] == "threshold"
    assert answer["plan_threshold"] == 0.75  # γ decides in this mode; the evidence waits for the other
    assert policy.learner.snapshot().wrong > 0


async def test_fixed_threshold_mode_learns_from_misses_below_gamma(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """γ (here 0.99) decides; the nearest plan of a miss below γ is still labelled by the fresh plan, so the
    error-budget mode starts informed when the user switches to it."""
    entry = await setup_agent(home, planner.url, threshold=0.99)
    policy = entry.runtime_data.pipeline.policy
    before = policy.learner.snapshot().observations
    planner.queue(AREA_PLAN, AREA_PLAN)
    await ask(home, entry, "turn on the kitchen light")
    await ask(home, entry, "switch on the bedroom light")
    trace = last_trace(entry)
    assert trace["outcome"] == "miss"
    assert trace["miss_reason"] == "below_threshold"
    assert trace["similarity"] < 0.99
    assert trace["candidate_equivalent"] is True
    assert policy.learner.snapshot().observations == before + 1


async def test_a_corrupt_evidence_file_is_set_aside(home: HomeAssistant, planner: PlannerServer) -> None:
    entry = await bounded_agent(home, planner)
    path = policy_path(home, entry.entry_id)
    await home.config_entries.async_unload(entry.entry_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    assert await home.config_entries.async_setup(entry.entry_id)
    await home.async_block_till_done()
    assert not path.exists() or json.loads(path.read_text(encoding="utf-8"))
    assert list(path.parent.glob(f"{path.name}.corrupt-*"))
    # Started from the shipped evidence: still serving.
    assert entry.runtime_data.pipeline.policy.learner.global_threshold() < 1.0


async def test_nothing_is_written_after_the_final_save(home: HomeAssistant, planner: PlannerServer) -> None:
    """A late save request (an audit finishing during a reload) must not overwrite the next setup's files."""
    entry = await bounded_agent(home, planner)
    store = entry.runtime_data.store
    planner.queue(AREA_PLAN)
    await ask(home, entry, "turn on the kitchen light")
    await home.config_entries.async_unload(entry.entry_id)
    saved = store.path.read_bytes()
    saves = store.saves
    store.cache.clear()
    store.async_schedule_save()
    await store.async_save()
    assert store.saves == saves
    assert store.path.read_bytes() == saved


async def converse(
    hass: HomeAssistant, entry: MockConfigEntry, text: str, conversation_id: str | None, device_id: str | None
) -> ConversationResult:
    return await async_converse(
        hass, text, conversation_id, Context(), "en", agent_entity_id(hass, entry), device_id
    )


async def test_saying_thats_wrong_after_a_reuse_replans_next_time(
    agent: MockConfigEntry, home: HomeAssistant, planner: PlannerServer
) -> None:
    """Fixed-threshold mode: the corrected plan is dropped (γ alone would serve it again) and learned from."""
    planner.queue(AREA_PLAN)
    await ask(home, agent, "turn on the kitchen light")
    first = await converse(home, agent, "turn on the bedroom light", None, None)
    reused = last_trace(agent)
    assert reused["outcome"] == "hit"
    plan_id = reused["matched_entry_id"]

    sorry = await converse(home, agent, "No, that's wrong!", first.conversation_id, None)
    assert "won't reuse that plan" in speech(sorry)
    assert last_trace(agent)["outcome"] == "correction"
    assert last_trace(agent)["matched_entry_id"] == plan_id
    assert plan_id not in agent.runtime_data.cache
    assert agent.runtime_data.pipeline.policy.summary()["reports"] == 1
    assert planner.calls() == 1  # the correction itself never reaches the planner

    # Said again, nothing left to correct: an ordinary request (here: no plan → the planner is asked).
    planner.queue(plan_json(respond_step("Hm?", depends_on=())))
    await converse(home, agent, "No, that's wrong!", first.conversation_id, None)
    assert last_trace(agent)["outcome"] != "correction"

    planner.queue(AREA_PLAN)
    await ask(home, agent, "turn on the bedroom light")
    assert last_trace(agent)["outcome"] == "miss"  # planned afresh


async def test_a_satellite_corrects_in_chinese_in_a_new_conversation(
    home: HomeAssistant, planner: PlannerServer
) -> None:
    """Error-budget mode, a voice satellite (each wake word starts a new conversation): matched by device."""
    entry = await bounded_agent(home, planner)
    planner.queue(AREA_PLAN)
    await ask(home, entry, "turn on the kitchen light")
    await converse(home, entry, "turn on the bedroom light", None, "satellite-1")
    plan_id = last_trace(entry)["matched_entry_id"]
    assert plan_id is not None

    await async_converse(
        home, "不对", None, Context(), "zh-Hans", agent_entity_id(home, entry), "satellite-2"
    )
    assert last_trace(entry)["outcome"] != "correction"  # another satellite's reuse is not this one's
    sorry = await async_converse(
        home, "不对！", None, Context(), "zh-Hans", agent_entity_id(home, entry), "satellite-1"
    )
    assert "重新规划" in speech(sorry)
    policy = entry.runtime_data.pipeline.policy
    assert policy.threshold("HassTurnOn", plan_id) == NEVER
    assert plan_id in entry.runtime_data.cache  # kept: the learner stops it, the next plan replaces it
