"""Plans that are valid but do not serve their request: refused to the repair round, or not cached.

The offline demo's planner answered "现在多少度" with one MQTT message "set the temperature to 25 degrees";
it ran without an error and was cached for every later temperature question (``engine/plan_fit.py``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from custom_components.agent_reuse.engine.pipeline import Request
from custom_components.agent_reuse.engine.plan import Plan
from custom_components.agent_reuse.engine.plan_fit import cached_plan_problem, intent_fit_problem
from custom_components.agent_reuse.engine.starter import STARTER_PLANS
from tests.engine.pipeline_helpers import TURN_ON_AREA, PipelineFactory
from tests.planner_fixture import PlannerServer

READ_AND_ANSWER: dict[str, Any] = {
    "steps": [
        {"id": "s1", "action": "ha_state", "inputs": {"area": "{slot.area}", "domain": "climate"}},
        {
            "id": "s2",
            "action": "respond",
            "inputs": {"template": "It is {steps.s1.output}."},
            "depends_on": ["s1"],
        },
    ]
}
PUBLISH_ONLY: dict[str, Any] = {
    "steps": [
        {
            "id": "s1",
            "description": "set the temperature to 25 degrees",
            "action": "mqtt_publish",
            "inputs": {"topic": "home/temperature", "payload": "heat"},
        }
    ]
}
SAY_ONLY: dict[str, Any] = {"steps": [{"id": "s1", "action": "respond", "inputs": {"template": "Okay."}}]}


@pytest.mark.parametrize(
    ("intent", "plan", "problem"),
    [
        ("HassClimateGetTemperature", READ_AND_ANSWER, None),
        ("HassClimateGetTemperature", PUBLISH_ONLY, "asks a question"),
        ("HassGetState", SAY_ONLY, "{steps.<id>.output}"),
        # Answering is not enough when it also sends a device command.
        (
            "HassGetWeather",
            {"steps": [*READ_AND_ANSWER["steps"], PUBLISH_ONLY["steps"][0] | {"id": "s3"}]},
            "without sending device commands",
        ),
        ("HassTurnOn", TURN_ON_AREA, None),
        ("HassTurnOn", PUBLISH_ONLY, None),  # an MQTT device's command
        ("HassLightSet", SAY_ONLY, "device command (HassLightSet)"),
        ("HassTurnOff", READ_AND_ANSWER, "ha_service or mqtt_publish"),
        # Timers, lists, broadcasts and requests of no known intent: left to the schema.
        ("HassStartTimer", SAY_ONLY, None),
        (None, SAY_ONLY, None),
    ],
)
def test_a_plan_has_to_do_what_its_intent_asks(
    intent: str | None, plan: dict[str, Any], problem: str | None
) -> None:
    found = intent_fit_problem(intent, Plan.from_dict(plan))  # every case is valid by the schema
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found


async def test_a_question_the_plan_does_not_answer_goes_back_to_the_planner(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    pipeline, runner = build_pipeline()
    read = {
        "steps": [
            {
                **READ_AND_ANSWER["steps"][0],
                "action": "ha_service",
                "inputs": {
                    "domain": "climate",
                    "service": "get_temperature",
                    "target": {"area": "{slot.area}"},
                },
            },
            READ_AND_ANSWER["steps"][1],
        ]
    }
    planner_server.queue(json.dumps(PUBLISH_ONLY), json.dumps(read))

    reply = await pipeline.handle(Request("what is the temperature in the kitchen", "en"))

    assert reply.trace.intent == "HassClimateGetTemperature"
    assert reply.success, reply.trace
    assert planner_server.calls() == 2  # the first plan was refused and repaired
    repair = planner_server.requests()[1]["messages"][-1]["content"]
    assert "does not fit the request" in repair
    assert "asks a question" in repair
    assert [call["target"] for call in runner.calls] == [{"area": "kitchen"}]  # the read; nothing published
    assert reply.trace.cached


async def test_a_plan_that_ignores_the_requests_values_runs_once_and_is_not_cached(
    build_pipeline: PipelineFactory, planner_server: PlannerServer
) -> None:
    pipeline, runner = build_pipeline()
    kitchen_only = {
        "steps": [
            {
                "id": "s1",
                "action": "ha_service",
                "inputs": {"domain": "light", "service": "turn_on", "target": {"entity_id": "light.kitchen"}},
            },
            # Only the reply follows the request: reused for the bedroom it would light the kitchen.
            {
                "id": "s2",
                "action": "respond",
                "inputs": {"template": "Turned on {slot.area}."},
                "depends_on": ["s1"],
            },
        ]
    }
    planner_server.queue(json.dumps(kitchen_only), json.dumps(TURN_ON_AREA))

    first = await pipeline.handle(Request("turn on the kitchen light", "en"))
    assert first.success
    assert first.speech == "Turned on kitchen."
    assert not first.trace.cached
    assert first.trace.not_cached is not None
    assert "none of the request's parameters" in first.trace.not_cached
    assert len(pipeline.cache) == 0

    # The next request of the kind is planned afresh; a plan that takes the area is cached.
    second = await pipeline.handle(Request("turn on the bedroom light", "en"))
    assert second.trace.outcome == "miss"
    assert runner.calls[-1]["target"] == {"area": "bedroom"}
    assert second.trace.cached
    assert second.trace.not_cached is None
    assert planner_server.calls() == 2


def test_every_starter_plan_keeps_the_rules() -> None:
    """Starter plans are cached at every setup and checked at every load: none may break a rule."""
    for starter in STARTER_PLANS:
        parameters = Plan.from_dict(starter.plan).parameters
        assert cached_plan_problem(starter.intent, starter.plan, parameters) is None, starter.template


def test_a_plan_cached_by_an_older_version_is_checked() -> None:
    demo_answer = cached_plan_problem("HassClimateGetTemperature", PUBLISH_ONLY, ["area"])
    assert demo_answer is not None
    assert "asks a question" in demo_answer
    kitchen_only = {
        "steps": [{**TURN_ON_AREA["steps"][0], "inputs": {"domain": "light", "service": "turn_on"}}]
    }
    ignores = cached_plan_problem("HassTurnOn", kitchen_only, ["area"])
    assert ignores is not None
    assert "none of its request's parameters" in ignores
    assert cached_plan_problem("HassTurnOn", {"steps": []}, ["area"]) is not None  # not a plan at all
    assert cached_plan_problem("HassTurnOn", TURN_ON_AREA, ["area"]) is None
    assert cached_plan_problem("HassStartTimer", SAY_ONLY, []) is None
