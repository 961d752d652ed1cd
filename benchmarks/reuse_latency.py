"""Per-method overhead latency and peak memory, measured in a fresh process per method.

Why a process per method: peak resident memory (``ru_maxrss``) is per process, and one method's models
must not be counted against another (GPTCache and MeanCache load no NLU model; ha-local loads no model).
The child loads what its method needs, fills the method's cache with the entries the stream left in it
(so searches run against a realistically sized cache), warms up, then times single requests, one at a
time, single-threaded (ONNX sessions have one intra-op thread; FAISS is set to one OpenMP thread):

* agentreuse (all variants), oneintent: parse → strip → embed the template → search (+ the bounded
  learner's threshold look-up).
* withargs: parse → embed the raw text → search.
* meancache: embed the raw text → PCA → search.
* gptcache: GPTCache's ``get`` with the real embedder (embedding + FAISS + SQLite + evaluation).
* ha-local: hassil's strict ``recognize_best``.

All methods' processes are started and loaded first; then the parent times requests 1–10 in every
method, requests 11–20 in every method, and so on (round robin in blocks, ``--latency-block``), so that
background load on a shared machine hits all methods alike instead of whichever ran during a busy minute.
Blocks, not single requests: with eight processes taking turns request by request, every request found
its weights evicted from the CPU caches by the seven others (agentreuse on SMP2019: p50 3.1 ms with eight
processes, 2.2 ms alone), which measured the machine's cache size more than the method. The first request
of each turn still pays that cost; its p50 is reported beside the steady state
(``overhead_ms_p50_first_of_turn``).

Usage (internal, driven by ``eval_reuse``): ``python -m benchmarks.reuse_latency SPEC.json``.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PARSER_METHODS = {"agentreuse", "agentreuse-nogate", "oneintent", "withargs", "agentreuse-bounded"}


def _percentile(values: list[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(values), q)), 3) if values else 0.0


def peak_rss_mb() -> float:
    """This process's peak resident memory. ``VmHWM`` (Linux) restarts at exec; ``ru_maxrss`` would
    include the parent's memory at fork time."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024.0, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def prepare(spec: dict[str, Any]) -> Any:
    """Load what the method needs, fill its cache, warm it up; return the timed callable."""
    import faiss

    faiss.omp_set_num_threads(1)
    method = spec["method"]
    prefill = np.load(spec["prefill"], allow_pickle=False) if spec.get("prefill") else None
    one: Any
    if method == "ha-local":
        from benchmarks.reuse_halocal import HaLocalMatcher, HomeEntities

        home = spec["home"]
        matcher = HaLocalMatcher(
            HomeEntities(
                areas={k: set(v) for k, v in home["areas"].items()},
                floors={k: set(v) for k, v in home["floors"].items()},
                names={k: dict(v) for k, v in home["names"].items()},
            )
        )

        def one(text: str, lang: str) -> object:
            return matcher.match(text, lang)

    else:
        from custom_components.agent_reuse.engine.embedder import SentenceEmbedder

        embedder = SentenceEmbedder.load()
        one = _method_path(method, spec, embedder, prefill)
    for text, lang in spec["warmup"]:
        one(text, lang)
    return one


def serve(spec: dict[str, Any]) -> int:
    """Round-robin protocol with the parent: after loading, print ``ready``; then for each line ``i`` on
    stdin time sample request i once and print its milliseconds; on ``end`` print the peak memory."""
    one = prepare(spec)
    sample: list[list[str]] = spec["sample"]
    print("ready", flush=True)
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "end":
            print(json.dumps({"peak_rss_mb": peak_rss_mb()}), flush=True)
            return 0
        text, lang = sample[int(cmd)]
        t0 = time.perf_counter()
        one(text, lang)
        print(f"{(time.perf_counter() - t0) * 1000.0:.4f}", flush=True)
    return 1


def summarize(
    method: str,
    timings: list[float],
    rss_mb: float,
    cache_entries: int,
    first_of_turn: list[float] | None = None,
) -> dict[str, Any]:
    """Figures of one method. ``first_of_turn``: the requests timed right after the other methods'
    processes ran — what a request costs when other programs have evicted the method's weights from the
    CPU caches (a voice command after a quiet minute), beside the steady state of the p50."""
    return {
        "method": method,
        "requests": len(timings),
        "overhead_ms_p50": _percentile(timings, 50),
        "overhead_ms_p99": _percentile(timings, 99),
        "overhead_ms_p50_first_of_turn": _percentile(first_of_turn or [], 50),
        "overhead_ms_mean": round(float(np.mean(timings)), 3) if timings else 0.0,
        "peak_rss_mb": rss_mb,
        "cache_entries": cache_entries,
    }


def _method_path(method: str, spec: dict[str, Any], embedder: Any, prefill: Any) -> Any:
    threshold = float(spec.get("threshold", 0.75))
    if method == "gptcache":
        from benchmarks.reuse_gptcache import GPTCacheMethod

        gc = GPTCacheMethod(embedder.embed, workdir=Path(spec["workdir"]) if spec.get("workdir") else None)
        gc.reset(threshold)
        if prefill is not None and len(prefill["vectors"]):
            gc.import_entries(
                [str(t) for t in prefill["texts"]], [str(x) for x in prefill["labels"]], prefill["vectors"]
            )

        def one_gc(text: str, lang: str) -> object:
            return gc.get(text)

        return one_gc

    from custom_components.agent_reuse.engine.cache import PlanCache

    if method == "meancache":
        pca = np.load(spec["pca"], allow_pickle=False)
        mean, components = pca["mean"], pca["components"]
        cache = PlanCache(int(components.shape[0]), threshold, 100_000)
        _prefill(cache, prefill)

        def one_mc(text: str, lang: str) -> object:
            v = (embedder.embed(text) - mean) @ components.T
            return cache.lookup("*", v / max(float(np.linalg.norm(v)), 1e-12))

        return one_mc

    from custom_components.agent_reuse.engine.bounded import BoundedThresholds
    from custom_components.agent_reuse.engine.nlu import JointParser
    from custom_components.agent_reuse.engine.template import strip_slots

    if method not in PARSER_METHODS:
        raise ValueError(f"unknown method {method!r}")
    parser = JointParser.load(label_space=spec["label_space"], min_confidence=float(spec["min_confidence"]))
    bounded = method == "agentreuse-bounded"
    cache = PlanCache(embedder.dim, -1.0 if bounded else threshold, 100_000)
    _prefill(cache, prefill)
    learner = BoundedThresholds()
    gate = method != "agentreuse-nogate"

    def one_ar(text: str, lang: str) -> object:
        parsed = parser.parse(text, lang)
        if parsed.intent is None:
            return None
        if method == "withargs":
            vector = embedder.embed(text)
            signature = parsed.slot_types
        else:
            template = strip_slots(parsed)
            vector = embedder.embed(template.text)
            signature = template.signature
        wanted = signature if gate else frozenset()
        if method == "oneintent":
            return cache.lookup_all_partitions(vector, wanted)
        lookup = cache.lookup(parsed.intent, vector, wanted)
        if bounded and lookup.score is not None:
            return learner.should_reuse(parsed.intent, lookup.score)
        return lookup

    return one_ar


def _prefill(cache: Any, prefill: Any) -> None:
    if prefill is None:
        return
    for i in range(len(prefill["vectors"])):
        cache.add(
            str(prefill["partitions"][i]),
            str(prefill["texts"][i]),
            prefill["vectors"][i],
            {"label": str(prefill["labels"][i])},
            [s for s in str(prefill["signatures"][i]).split(",") if s],
        )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m benchmarks.reuse_latency SPEC.json  (driven by eval_reuse)", file=sys.stderr)
        return 2
    return serve(json.loads(Path(args[0]).read_text(encoding="utf-8")))


if __name__ == "__main__":
    raise SystemExit(main())
