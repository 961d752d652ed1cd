"""Shared test fixtures: the real local planner server, and the real shipped models (loaded once)."""

from __future__ import annotations

import os

import pytest

from custom_components.agent_reuse.engine.embedder import SentenceEmbedder
from custom_components.agent_reuse.engine.nlu import JointParser

pytest_plugins = ["tests.planner_fixture"]

# Nothing may download weights or data: fail loudly if anything tries.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def joint_parser() -> JointParser:
    """The shipped joint intent + slot model, Home Assistant label space."""
    return JointParser.load(label_space="ha")


@pytest.fixture(scope="session")
def sentence_embedder() -> SentenceEmbedder:
    """The shipped sentence embedder."""
    return SentenceEmbedder.load()
