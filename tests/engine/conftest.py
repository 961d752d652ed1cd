"""Fixtures of the engine tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from custom_components.agent_reuse.engine.embedder import SentenceEmbedder
from custom_components.agent_reuse.engine.nlu import JointParser
from custom_components.agent_reuse.engine.pipeline import ReusePipeline
from custom_components.agent_reuse.engine.reuse_policy import ReusePolicy
from tests.engine.pipeline_helpers import PipelineFactory, RecordingServiceRunner, make_pipeline
from tests.planner_fixture import PlannerServer


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


@pytest.fixture
def build_pipeline(
    joint_parser: JointParser,
    sentence_embedder: SentenceEmbedder,
    session: aiohttp.ClientSession,
    planner_server: PlannerServer,
    tmp_path: Path,
) -> PipelineFactory:
    """Pipelines on the real models, a real FAISS cache and the test's planner server, with a recording runner."""

    def build(
        *, timeout_s: float = 5.0, policy: ReusePolicy | None = None
    ) -> tuple[ReusePipeline, RecordingServiceRunner]:
        runner = RecordingServiceRunner()
        pipeline = make_pipeline(
            joint_parser, sentence_embedder, session, planner_server, runner, tmp_path, timeout_s, policy
        )
        return pipeline, runner

    return build
