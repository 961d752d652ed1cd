"""Loads the local NLU and embedding models once per Home Assistant instance.

Why shared: the two ONNX models take ~130 MB and 1–2 s to load; several config entries (one per planner)
use the same ones, and both are thread-safe and immutable after loading. Why in the executor: loading reads
files and builds ONNX sessions — blocking work that must not stall the event loop. A lock makes concurrent
entry setups wait for one load instead of loading twice.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from homeassistant.core import HomeAssistant
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN, LOGGER
from .engine.embedder import SentenceEmbedder
from .engine.model_files import default_model_dir
from .engine.nlu import JointParser


@dataclass(frozen=True, slots=True)
class SharedModels:
    """The models every entry of this instance uses."""

    parser: JointParser
    embedder: SentenceEmbedder


DATA_MODELS: HassKey[SharedModels] = HassKey(f"{DOMAIN}_models")
_DATA_LOCK: HassKey[asyncio.Lock] = HassKey(f"{DOMAIN}_models_lock")


def load_models() -> SharedModels:
    """Load both models from the default model directory (blocking; raises ModelFileError)."""
    model_dir = default_model_dir()
    LOGGER.debug("Loading AgentReuse models from %s", model_dir)
    return SharedModels(
        parser=JointParser.load(model_dir, label_space="ha"),
        embedder=SentenceEmbedder.load(model_dir),
    )


async def async_get_models(hass: HomeAssistant) -> SharedModels:
    """The loaded models, loading them in the executor on first use."""
    if (models := hass.data.get(DATA_MODELS)) is not None:
        return models
    lock = hass.data.setdefault(_DATA_LOCK, asyncio.Lock())
    async with lock:
        if (models := hass.data.get(DATA_MODELS)) is None:
            models = await hass.async_add_executor_job(load_models)
            hass.data[DATA_MODELS] = models
    return models


def release_models(hass: HomeAssistant) -> None:
    """Forget the models (when the last entry is removed) so their memory can be freed."""
    hass.data.pop(DATA_MODELS, None)
