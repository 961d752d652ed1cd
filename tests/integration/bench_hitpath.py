"""End-to-end latency of a cache hit inside a real Home Assistant, beside the miss path with the local LLM.

Not part of the test suite (the file name does not match ``test_*.py``): ``scripts/bench-hitpath`` runs it
explicitly with ``BENCH_JSON`` set. It uses the same real Home Assistant test harness as the integration
tests: demo lights in two areas, the shipped models, FAISS. Each hit is timed from text in (Assist's
``async_converse`` with this agent) to the reply, after the light service calls returned. The miss path asks
the embedded local planner (SmolLM2 under llama.cpp, started here) for a fresh plan every time (the cache
is cleared before each request).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from homeassistant.components.conversation import async_converse
from homeassistant.core import Context, HomeAssistant

from tests.planner_fixture import PlannerServer

from .conftest import (
    BED_LIGHT,
    KITCHEN_LIGHT,
    agent_entity_id,
    plan_json,
    respond_step,
    service_step,
    setup_agent,
)

ROOT = Path(__file__).resolve().parents[2]
HIT_REQUESTS = int(os.environ.get("BENCH_HIT_REQUESTS", "500"))
MISS_REQUESTS = int(os.environ.get("BENCH_MISS_REQUESTS", "8"))
REQUESTS = [
    ("turn on the kitchen light", "en"),
    ("turn on the bedroom light", "en"),
    ("turn off the kitchen light", "en"),
    ("turn off the bedroom light", "en"),
    ("打开厨房的灯", "zh"),
    ("打开卧室的灯", "zh"),
]


@pytest.fixture(scope="module")
def local_llm() -> Iterator[str]:
    """The embedded default planner (real model), on a free port."""
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "local_planner.py"), "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 180
    url = ""
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith("LISTENING "):
            url = line.split()[1]
            break
        if not line and proc.poll() is not None:
            break
    if not url:
        proc.kill()
        pytest.fail("the local planner did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def _percentile(values: list[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(values), q)), 3)


async def test_hit_and_miss_latency(
    home: HomeAssistant, planner: PlannerServer, local_llm: str, socket_enabled: None
) -> None:
    out: dict[str, float | int | str] = {}
    # Hit path: the scripted planner fills the cache once per kind of request, then everything hits.
    entry = await setup_agent(home, planner.url)
    agent = agent_entity_id(home, entry)
    on = plan_json(service_step({"area": "{slot.area}", "domain": "{slot.domain}"}), respond_step("OK."))
    off = plan_json(
        service_step({"area": "{slot.area}", "domain": "{slot.domain}"}, service="turn_off"),
        respond_step("OK."),
    )
    zh = plan_json(service_step({"area": "{slot.area}"}), respond_step("好的。"))
    planner.queue(on, off, zh)
    for text, language in REQUESTS:
        await async_converse(home, text, None, Context(), language, agent)
    assert planner.calls() == 3
    times: list[float] = []
    for i in range(HIT_REQUESTS + 20):
        text, language = REQUESTS[i % len(REQUESTS)]
        t0 = time.perf_counter()
        await async_converse(home, text, None, Context(), language, agent)
        elapsed = (time.perf_counter() - t0) * 1000
        assert entry.runtime_data.traces[-1]["outcome"] == "hit", entry.runtime_data.traces[-1]
        if i >= 20:  # warm-up
            times.append(elapsed)
    assert planner.calls() == 3
    # The services really ran: a hit switches the light.
    for text, language, state in (
        ("打开卧室的灯", "zh", "on"),
        ("turn off the bedroom light", "en", "off"),
        ("打开厨房的灯", "zh", "on"),
    ):
        await async_converse(home, text, None, Context(), language, agent)
        light = BED_LIGHT if "卧室" in text or "bedroom" in text else KITCHEN_LIGHT
        assert home.states.get(light).state == state  # type: ignore[union-attr]
    out.update(
        hit_requests=len(times), hit_e2e_ms_p50=_percentile(times, 50), hit_e2e_ms_p99=_percentile(times, 99)
    )

    # Miss path: the local LLM plans every request (cache cleared before each).
    llm_entry = await setup_agent(home, local_llm, model="smollm2", planner_timeout=120.0)
    llm_agent = agent_entity_id(home, llm_entry)
    miss_times: list[float] = []
    outcomes: list[str] = []
    for i in range(MISS_REQUESTS):
        await home.services.async_call("agent_reuse", "clear_cache", {}, blocking=True)
        text, language = REQUESTS[i % 2]
        t0 = time.perf_counter()
        await async_converse(home, text, None, Context(), language, llm_agent)
        miss_times.append((time.perf_counter() - t0) * 1000)
        trace = llm_entry.runtime_data.traces[-1]
        outcomes.append(
            f"{trace['outcome']}:{'cached' if trace['cached'] else trace.get('error') or 'not cached'}"
        )
    out.update(
        miss_requests=len(miss_times),
        miss_e2e_ms_p50=_percentile(miss_times, 50),
        miss_outcomes=", ".join(outcomes),
    )
    target = os.environ.get("BENCH_JSON")
    if target:
        Path(target).write_text(json.dumps(out, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False))
