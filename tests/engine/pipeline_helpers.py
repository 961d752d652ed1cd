"""What the pipeline tests share: a plan, a recording step runner, and a pipeline on the real models."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import aiohttp

from custom_components.agent_reuse.engine.cache import PlanCache
from custom_components.agent_reuse.engine.embedder import SentenceEmbedder
from custom_components.agent_reuse.engine.executor import ExecutionContext, Executor
from custom_components.agent_reuse.engine.nlu import JointParser
from custom_components.agent_reuse.engine.pipeline import PlannerContext, ReusePipeline
from custom_components.agent_reuse.engine.plan import BoundStep, Plan
from custom_components.agent_reuse.engine.plan_fit import intent_fit_problem
from custom_components.agent_reuse.engine.plan_schema import PLAN_EXAMPLES, PLAN_JSON_SCHEMA
from custom_components.agent_reuse.engine.planner import ExposedEntity, PlannerClient
from custom_components.agent_reuse.engine.reuse_policy import ReusePolicy
from tests.planner_fixture import PlannerServer

TURN_ON_AREA = {
    "steps": [
        {
            "id": "s1",
            "description": "turn on the lights in {slot.area}",
            "action": "ha_service",
            "inputs": {"domain": "light", "service": "turn_on", "target": {"area": "{slot.area}"}},
        },
        {
            "id": "s2",
            "action": "respond",
            "inputs": {"template": "Turned on {slot.area}."},
            "depends_on": ["s1"],
        },
    ]
}


class RecordingServiceRunner:
    """A step runner that records service calls and can be told to fail for one area."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.fail_area: str | None = None
        #: An area the home does not have: a failure the request explains, not the plan.
        self.unknown_area: str | None = None

    async def run(self, step: BoundStep, inputs: Mapping[str, Any], context: ExecutionContext) -> Any:
        from custom_components.agent_reuse.engine.errors import StepError

        if self.fail_area and inputs.get("target", {}).get("area") == self.fail_area:
            raise StepError(f"no lights in {self.fail_area}")
        if self.unknown_area and inputs.get("target", {}).get("area") == self.unknown_area:
            raise StepError.of_request("no_area", area=self.unknown_area)
        self.calls.append(dict(inputs))
        return {"ok": True}


def make_pipeline(
    parser: JointParser,
    embedder: SentenceEmbedder,
    session: aiohttp.ClientSession,
    server: PlannerServer,
    runner: RecordingServiceRunner,
    tmp_path: Path,
    timeout_s: float = 5.0,
    policy: ReusePolicy | None = None,
) -> ReusePipeline:
    planner = PlannerClient(
        session,
        server.url,
        "test-planner",
        plan_schema=PLAN_JSON_SCHEMA,
        examples=PLAN_EXAMPLES,
        validate=Plan.from_dict,
        check_fit=intent_fit_problem,
        timeout_s=timeout_s,
    )
    cache = PlanCache(
        embedder.dim,
        threshold=0.8,
        max_entries=50,
        path=tmp_path / "cache.json",
        embedder_id=embedder.model_id,
    )
    context = PlannerContext(
        entities=[
            ExposedEntity("light.kitchen", "Kitchen light", "light", "Kitchen", ("turn_on", "turn_off"))
        ],
        areas=["Kitchen", "Bedroom"],
    )
    return ReusePipeline(
        parser, embedder, cache, planner, Executor({"ha_service": runner}), lambda: context, policy=policy
    )


class PipelineFactory(Protocol):
    """The ``build_pipeline`` fixture: a pipeline on the real models and the test's planner server."""

    def __call__(
        self, *, timeout_s: float = 5.0, policy: ReusePolicy | None = None
    ) -> tuple[ReusePipeline, RecordingServiceRunner]: ...
