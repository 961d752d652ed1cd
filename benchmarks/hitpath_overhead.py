"""The hit path's overhead without Home Assistant: parse + strip + embed + search + bind, per request.

Why separately from the end-to-end figure: this is what AgentReuse adds to every request (the paper: 23.5 ms
on an A100), and it must stay small on a 2-core CPU. Requests are the Home Assistant test sentences (en and
zh); the cache is warmed with one reference plan per (intent, slot signature) — the first request of each
kind is the "miss" that fills it — and every later request that hits is timed, single-threaded, after a
warm-up. Timings use ``time.perf_counter`` around each stage.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.corpus import Utterance, read
from custom_components.agent_reuse.engine.cache import PlanCache
from custom_components.agent_reuse.engine.embedder import SentenceEmbedder
from custom_components.agent_reuse.engine.nlu import JointParser
from custom_components.agent_reuse.engine.plan import Plan
from custom_components.agent_reuse.engine.template import strip_slots


def reference_plan(intent: str, slot_types: frozenset[str]) -> Plan:
    """A plan that takes every slot type of the signature (what a planner would return for it)."""
    data = {f"{t}": f"{{slot.{t}}}" for t in sorted(slot_types)}
    return Plan.from_dict(
        {
            "steps": [
                {
                    "id": "s1",
                    "description": f"serve {intent}",
                    "action": "ha_service",
                    "inputs": {"domain": "homeassistant", "service": "update_entity", "data": data},
                },
                {"id": "s2", "action": "respond", "inputs": {"template": "Done."}, "depends_on": ["s1"]},
            ]
        }
    )


@dataclass(frozen=True)
class OverheadResult:
    requests: int
    hits: int
    p50_ms: float
    p99_ms: float
    stage_p50_ms: dict[str, float]
    #: Share of the timed hits whose template text is cached verbatim, and their overhead when served the
    #: way the pipeline serves them (parse + exact lookup + bind, no embedding).
    exact_share: float
    exact_p50_ms: float | None
    exact_p99_ms: float | None


def measure(data: Path, min_requests: int = 500, threshold: float = 0.75) -> OverheadResult:
    utterances: list[Utterance] = read(data, "ha-tests")
    parser = JointParser.load(label_space="ha")
    embedder = SentenceEmbedder.load()
    cache = PlanCache(embedder.dim, threshold=threshold, max_entries=10_000, embedder_id=embedder.model_id)
    plans: dict[str, Plan] = {}
    # Warm: the stream's first request of each kind fills the cache (the planner's job on a miss).
    for u in utterances:
        parsed = parser.parse(u.text, u.language)
        if parsed.intent is None:
            continue
        template = strip_slots(parsed)
        vector = embedder.embed(template.text)
        if not cache.lookup(parsed.intent, vector, template.signature, u.language).hit:
            plan = reference_plan(parsed.intent, template.signature)
            entry = cache.add(
                parsed.intent, template.text, vector, plan.to_dict(), template.signature, language=u.language
            )
            plans[entry.entry_id] = plan
    totals: list[float] = []
    exact_totals: list[float] = []
    stages: dict[str, list[float]] = {"parse": [], "embed": [], "search": [], "bind": []}
    hits = 0
    passes = 0
    while len(totals) < min_requests and passes < 20:
        passes += 1
        for u in utterances:
            t0 = time.perf_counter()
            parsed = parser.parse(u.text, u.language)
            t1 = time.perf_counter()
            if parsed.intent is None:
                continue
            template = strip_slots(parsed)
            ts = time.perf_counter()
            # The pipeline first tries the template text verbatim (no embedding); timed apart.
            exact = cache.lookup_exact(parsed.intent, template.text, template.signature, u.language)
            te = time.perf_counter()
            vector = embedder.embed(template.text)
            t2 = time.perf_counter()
            lookup = cache.lookup(parsed.intent, vector, template.signature, u.language)
            t3 = time.perf_counter()
            if not lookup.hit or lookup.entry is None:
                continue
            plans[lookup.entry.entry_id].bind(parsed.slot_values)
            t4 = time.perf_counter()
            if passes == 1 and hits < 50:  # warm-up
                hits += 1
                continue
            hits += 1
            totals.append(((ts - t0) + (t4 - te)) * 1000)  # parse + strip + embed + search + bind
            if exact is not None:
                exact_totals.append(
                    ((ts - t0) + (te - ts) + (t4 - t3)) * 1000
                )  # parse + strip + exact + bind
            for name, value in (
                ("parse", t1 - t0),
                ("embed", t2 - te),
                ("search", t3 - t2),
                ("bind", t4 - t3),
            ):
                stages[name].append(value * 1000)
    arr = np.asarray(totals)
    return OverheadResult(
        requests=len(totals),
        hits=hits,
        p50_ms=round(float(np.percentile(arr, 50)), 3),
        p99_ms=round(float(np.percentile(arr, 99)), 3),
        stage_p50_ms={k: round(statistics.median(v), 3) for k, v in stages.items()},
        exact_share=round(len(exact_totals) / max(len(totals), 1), 3),
        exact_p50_ms=round(float(np.percentile(exact_totals, 50)), 3) if exact_totals else None,
        exact_p99_ms=round(float(np.percentile(exact_totals, 99)), 3) if exact_totals else None,
    )
