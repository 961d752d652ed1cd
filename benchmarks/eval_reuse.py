"""``scripts/eval-reuse``: the plan-reuse benchmark (the paper's Table 1 / Fig. 4, made strict).

    scripts/eval-reuse --data PATH --format {smp2019,smp2020,ha-tests,snips,slurp} \\
        --threshold 0.75,0.8,0.85,0.9,0.95,auto --protocol {pair,signature} \\
        --methods agentreuse,oneintent,withargs,gptcache,meancache,agentreuse-bounded,ha-local \\
        --json OUT.json [--plot OUT.png] [--split {all,dev,train}] [--scenario iot]

The stream protocol and the scoring are in :mod:`benchmarks.reuse_core`, the methods in
:mod:`benchmarks.reuse_methods` (+ ``reuse_gptcache``, ``reuse_halocal``), the data handling in
:mod:`benchmarks.reuse_data`, latency/memory in :mod:`benchmarks.reuse_latency` (a process per method) and
the execution-equivalence check for Home Assistant test sentences in :mod:`benchmarks.reuse_exec`.

Output JSON: ``{METHOD: {THRESHOLD: {"strict": {...}, "lenient": {...}, "wrong_plan_rate", "hit_rate",
"overhead_ms_p50", "overhead_ms_p99", "peak_rss_mb", "latency_reduction", "local_correct_rate", ...}},
"n": N, "meta": {...}}``. THRESHOLD keys are like ``"0.75"``; ``"auto"`` carries the calibrated ``"gamma"``.
Methods without a threshold (``agentreuse-bounded``, ``ha-local``) report the same figures under every key.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.corpus import FORMAT_LABEL_SPACE  # noqa: E402
from benchmarks.reuse_core import (  # noqa: E402
    PLAN_SECONDS,
    Decision,
    calibrate,
    reusable_flags,
    score,
    strict_precision_recall,
)
from benchmarks.reuse_data import (  # noqa: E402
    PROTOCOLS,
    LabelledUtterance,
    calibration_items,
    encode,
    load_labelled,
    select,
)
from benchmarks.reuse_methods import (  # noqa: E402
    BoundedMethod,
    Pca,
    PlanCacheMethod,
    StreamRequest,
    candidate_observations,
    run_stream,
)
from custom_components.agent_reuse.const import DEFAULT_THRESHOLD  # noqa: E402
from custom_components.agent_reuse.engine.bounded import BoundedConfig  # noqa: E402

FORMATS = ("smp2019", "smp2020", "ha-tests", "snips", "slurp")
ALL_METHODS = (
    "agentreuse",
    "agentreuse-nogate",
    "oneintent",
    "withargs",
    "gptcache",
    "meancache",
    "agentreuse-bounded",
    "ha-local",
)
DEFAULT_THRESHOLDS = "0.75,0.8,0.85,0.9,0.95,auto"
#: The bounded learner's prior (candidate observations on the training side) counts as at most this many.
PRIOR_CAP = 500.0
#: The γ values the calibration tries first (then refined in steps of 0.01 below the smallest that works).
COARSE_GRID = (0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99)
#: Other false-reuse budgets the bounded method is also run with (reported under "by_delta").
BUDGETS = (0.01, 0.02, 0.05, 0.1)


def threshold_key(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value not in (0.0, 1.0) else f"{value:.1f}"


def parse_thresholds(text: str) -> tuple[list[float], bool]:
    values: list[float] = []
    auto = False
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if part == "auto":
            auto = True
            continue
        v = float(part)
        if not -1.0 <= v <= 1.0:
            raise argparse.ArgumentTypeError(f"threshold {v} is not a cosine similarity")
        values.append(v)
    if not values and not auto:
        raise argparse.ArgumentTypeError("no threshold given")
    return values, auto


def parse_methods(text: str) -> list[str]:
    names = [m.strip() for m in text.split(",") if m.strip()]
    unknown = [m for m in names if m not in ALL_METHODS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown method(s) {unknown}; known: {', '.join(ALL_METHODS)}")
    if "agentreuse" in names and "agentreuse-nogate" not in names:
        names.insert(names.index("agentreuse") + 1, "agentreuse-nogate")
    return names


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--format", required=True, choices=FORMATS)
    ap.add_argument("--threshold", default=DEFAULT_THRESHOLDS, help="comma list of γ values and/or 'auto'")
    ap.add_argument("--protocol", default="pair", choices=PROTOCOLS)
    ap.add_argument("--methods", default=",".join(ALL_METHODS), type=parse_methods)
    ap.add_argument("--json", type=Path, required=True)
    ap.add_argument("--plot", type=Path, default=None)
    ap.add_argument("--split", default="all", choices=("all", "dev", "train"))
    ap.add_argument("--scenario", default=None, help="SLURP: only this scenario (e.g. iot)")
    ap.add_argument("--language", default=None, help="only utterances of this language (prefix, e.g. en)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N requests (after filtering)")
    ap.add_argument("--shuffle", type=int, default=None, metavar="SEED", help="shuffle the stream first")
    ap.add_argument("--min-confidence", type=float, default=0.5, help="parser's minimum intent confidence")
    ap.add_argument("--delta", type=float, default=0.01, help="false-reuse budget of agentreuse-bounded")
    ap.add_argument("--calib-limit", type=int, default=2000, help="at most this many training requests")
    ap.add_argument(
        "--calib-floor",
        type=float,
        default=0.5,
        help="lowest γ the calibration may pick (below it this embedder's similarity stops separating "
        "requests, and the NLU alone decides)",
    )
    ap.add_argument("--latency-sample", type=int, default=300, help="single requests timed per method")
    ap.add_argument("--warmup", type=int, default=30, help="untimed requests before the timed ones")
    ap.add_argument(
        "--latency-block",
        type=int,
        default=10,
        help="consecutive requests a method serves per turn of the round robin (1: every request comes "
        "right after the other methods' processes ran, with the caches they evicted)",
    )
    ap.add_argument("--no-latency", action="store_true", help="skip the latency/memory processes")
    ap.add_argument("--plan-seconds", type=float, default=PLAN_SECONDS)
    return ap


# -- the run -------------------------------------------------------------------------------------------


class Run:
    """Everything one invocation computes."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.fmt: str = args.format
        self.space = FORMAT_LABEL_SPACE[self.fmt]
        self.thresholds, self.auto = parse_thresholds(args.threshold)
        self.methods: list[str] = args.methods
        self.log_t0 = time.perf_counter()
        self.meta: dict[str, Any] = {}
        self.tmp = Path(tempfile.mkdtemp(prefix="eval-reuse-"))
        atexit.register(shutil.rmtree, self.tmp, True)
        self.figures: dict[str, Any] = {}

    def log(self, msg: str) -> None:
        print(f"[eval-reuse {time.perf_counter() - self.log_t0:6.1f}s] {msg}", file=sys.stderr, flush=True)

    # data ------------------------------------------------------------------------------------------

    def load(self) -> None:
        a = self.args
        items = load_labelled(a.data, self.fmt)
        self.items: list[LabelledUtterance] = select(
            items, self.fmt, a.split, a.scenario, a.language, a.limit, a.shuffle
        )
        if not self.items:
            raise SystemExit("eval-reuse: no requests to evaluate (check --split/--scenario/--language)")
        self.calib_items, calib_desc = calibration_items(
            a.data, self.fmt, self.items, a.scenario, a.language, a.calib_limit
        )
        self.meta.update(
            data=str(a.data),
            format=self.fmt,
            protocol=a.protocol,
            split=a.split,
            split_note=_split_note(self.fmt, a.split),
            scenario=a.scenario,
            language=a.language,
            stream_order=f"shuffled seed {a.shuffle}" if a.shuffle is not None else "file order",
            calibration_data=calib_desc,
            calibration_n=len(self.calib_items),
            min_confidence=a.min_confidence,
            plan_seconds=a.plan_seconds,
        )
        self.log(f"{len(self.items)} requests to stream, {len(self.calib_items)} training requests")

    def encode(self) -> None:
        from custom_components.agent_reuse.engine.embedder import SentenceEmbedder
        from custom_components.agent_reuse.engine.nlu import JointParser

        parser = JointParser.load(label_space=self.space, min_confidence=self.args.min_confidence)
        embedder = SentenceEmbedder.load()
        self.embedder = embedder
        t0 = time.perf_counter()
        self.requests: list[StreamRequest] = encode(self.items, self.args.protocol, parser, embedder)
        self.calib: list[StreamRequest] = (
            encode(self.calib_items, self.args.protocol, parser, embedder) if self.calib_items else []
        )
        self.log(
            f"encoded {len(self.requests) + len(self.calib)} requests in {time.perf_counter() - t0:.1f}s"
        )
        self.pca: Pca | None = None
        if "meancache" in self.methods:
            if len(self.calib) < 64:
                raise SystemExit("eval-reuse: meancache needs ≥ 64 training requests to fit its PCA")
            self.pca = Pca.fit(np.stack([r.emb_raw for r in self.calib]), 64)
            for r in [*self.requests, *self.calib]:
                r.emb_pca = self.pca.transform(r.emb_raw)
        n = len(self.requests)
        labels = [r.label for r in self.requests]
        self.positives = reusable_flags(labels)
        self.meta.update(
            reusable=sum(self.positives),
            labels=len(set(labels)),
            intent_accuracy=round(sum(r.extra["top_intent"] == r.intent for r in self.requests) / n, 4),
            rejected_intent=round(sum(r.pred_intent is None for r in self.requests) / n, 4),
        )

    # methods ---------------------------------------------------------------------------------------

    def stream_methods(self) -> dict[str, Any]:
        built: dict[str, Any] = {}
        for name in self.methods:
            if name == "agentreuse":
                built[name] = PlanCacheMethod("agentreuse")
            elif name == "agentreuse-nogate":
                built[name] = PlanCacheMethod("agentreuse-nogate", gate=False)
            elif name == "oneintent":
                built[name] = PlanCacheMethod("oneintent", search="all")
            elif name == "withargs":
                built[name] = PlanCacheMethod("withargs", vector="raw")
            elif name == "meancache":
                built[name] = PlanCacheMethod("meancache", vector="pca", gate=False, use_intent=False, dim=64)
        return built

    def evaluate(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        self.prefills: dict[str, Path] = {}
        self.latency_threshold = self.thresholds[0] if self.thresholds else 0.75
        for name, method in self.stream_methods().items():
            out[name] = self.evaluate_threshold_method(name, method)
        if "gptcache" in self.methods:
            out["gptcache"] = self.evaluate_gptcache()
        if "agentreuse-bounded" in self.methods:
            out["agentreuse-bounded"] = self.evaluate_bounded()
        if "ha-local" in self.methods:
            out["ha-local"] = self.evaluate_halocal()
        return out

    def _keys(self) -> list[str]:
        return [threshold_key(t) for t in self.thresholds] + (["auto"] if self.auto else [])

    def evaluate_threshold_method(self, name: str, method: PlanCacheMethod) -> dict[str, Any]:
        t0 = time.perf_counter()
        figures: dict[str, Any] = {}
        for t in self.thresholds:
            decisions = run_stream(method, self.requests, t)
            figures[threshold_key(t)] = score(decisions, self.positives, plan_seconds=self.args.plan_seconds)
            if t == self.latency_threshold:
                self.prefills[name] = self._save_prefill(name, method)
        if self.auto:
            figures["auto"] = self.auto_figures(method)
        if not self.thresholds:
            run_stream(method, self.requests, figures["auto"]["gamma"])
            self.prefills[name] = self._save_prefill(name, method)
        self.log(f"{name}: {len(figures)} thresholds in {time.perf_counter() - t0:.1f}s")
        return figures

    def auto_figures(self, method: Any, calib_method: Any | None = None) -> dict[str, Any]:
        calib_method = calib_method or method
        if not self.calib:
            raise SystemExit("eval-reuse: --threshold auto needs training data (none found)")
        cpos = reusable_flags([r.label for r in self.calib])

        def run(gamma: float) -> tuple[float, float]:
            return strict_precision_recall(run_stream(calib_method, self.calib, gamma), cpos)

        floor = self.args.calib_floor
        coarse = sorted({floor, *(g for g in COARSE_GRID if g > floor)})
        cal = calibrate(run, coarse=coarse)
        decisions = run_stream(method, self.requests, cal.gamma)
        fig = score(decisions, self.positives, plan_seconds=self.args.plan_seconds)
        fig["gamma"] = cal.gamma
        fig["calibration"] = {
            "precision": cal.precision,
            "recall": cal.recall,
            "target_met": cal.target_met,
            "gammas_tried": cal.evaluated,
            "floor": self.args.calib_floor,
            "n": len(self.calib),
        }
        return fig

    def _save_prefill(self, name: str, method: Any) -> Path:
        stored = method.stored()
        reqs = [self.requests[i] for i in stored]
        if isinstance(method, PlanCacheMethod):
            vectors = np.stack([method.vector_of(r) for r in reqs]) if reqs else np.zeros((0, method.dim))
            partitions = [method.partition_of(r) or "" for r in reqs]
            signatures = [",".join(sorted(r.pred_signature)) if method.gate else "" for r in reqs]
            texts = [method.key_text(r) for r in reqs]
        else:  # gptcache / bounded
            raw = name == "gptcache"
            vectors = (
                np.stack([r.emb_raw if raw else r.emb_template for r in reqs]) if reqs else np.zeros((0, 512))
            )
            partitions = [r.pred_intent or "" for r in reqs]
            signatures = [",".join(sorted(r.pred_signature)) for r in reqs]
            texts = [r.text if raw else r.template for r in reqs]
        path = self.tmp / f"prefill-{name}.npz"
        np.savez(
            path,
            vectors=np.asarray(vectors, dtype=np.float32),
            partitions=np.asarray(partitions, dtype=str),
            signatures=np.asarray(signatures, dtype=str),
            labels=np.asarray([r.label for r in reqs], dtype=str),
            texts=np.asarray(texts, dtype=str),
        )
        return path

    def evaluate_gptcache(self) -> dict[str, Any]:
        from benchmarks.reuse_gptcache import GPTCacheMethod, gptcache_available

        problem = gptcache_available()
        if problem:
            raise SystemExit(
                f"eval-reuse: {problem} (scripts/setup-venv installs it from requirements/dev.txt)"
            )
        t0 = time.perf_counter()
        shm = Path("/dev/shm")
        workdir = Path(tempfile.mkdtemp(prefix="eval-reuse-gptcache-", dir=shm if shm.is_dir() else None))
        real = GPTCacheMethod(self.embedder.embed, workdir=workdir)
        # Same decision rule on the engine's FAISS cache: one index over raw-text embeddings, top-1, cos ≥ γ.
        # Used to search γ on the training side quickly; its agreement with the real package is reported.
        twin = PlanCacheMethod("gptcache-twin", vector="raw", gate=False, use_intent=False)
        figures: dict[str, Any] = {}
        agreement: list[float] = []
        for t in self.thresholds:
            decisions = run_stream(real, self.requests, t)
            figures[threshold_key(t)] = score(decisions, self.positives, plan_seconds=self.args.plan_seconds)
            agreement.append(_agreement(decisions, run_stream(twin, self.requests, t)))
            if t == self.latency_threshold:
                self.prefills["gptcache"] = self._save_prefill("gptcache", real)
        if self.auto:
            figures["auto"] = self.auto_figures(real, calib_method=twin)
            if not self.thresholds:
                self.prefills["gptcache"] = self._save_prefill("gptcache", real)
        real.close()
        self.meta["gptcache"] = {
            "package": "gptcache 0.1.44 (real package, same Python 3.13 venv)",
            "setup": "get_data_manager(CacheBase('sqlite'), VectorBase('faiss', dimension=512)), "
            "SearchDistanceEvaluation(max_distance=2.0) so γ = cosine, Config(similarity_threshold=γ), "
            "gptcache.adapter.api get/put; SQLite file on /dev/shm",
            "embedding": "the shipped SentenceEmbedder on the raw request text (memoised per text in the "
            "stream; the real embedder in the latency measurement)",
            "calibration": "γ searched with an equivalent rule on the engine's FAISS index (top-1 cos ≥ γ)",
            "agreement_with_equivalent_rule": round(min(agreement), 4) if agreement else None,
        }
        self.log(f"gptcache: {len(figures)} thresholds in {time.perf_counter() - t0:.1f}s")
        return figures

    def evaluate_bounded(self) -> dict[str, Any]:
        t0 = time.perf_counter()
        config = BoundedConfig(delta=self.args.delta)
        prior = candidate_observations(self.calib) if self.calib else []
        # The training side is the NLU's training data (it makes almost no intent errors there): it may
        # start the learner, but must not outweigh what the stream itself shows — at most PRIOR_CAP
        # observations' worth.
        prior_weight = min(1.0, PRIOR_CAP / len(prior)) if prior else 1.0
        method = BoundedMethod(config=config, prior=prior, prior_weight=prior_weight)
        decisions = run_stream(method, self.requests, 0.0)
        fig = score(decisions, self.positives, plan_seconds=self.args.plan_seconds)
        snap = method.learner.snapshot()
        fig["delta"] = config.delta
        fig["prior_observations"] = len(prior)
        fig["prior_weight"] = round(prior_weight, 4)
        fig["entries_raised"] = snap.entries_raised
        fig["final_global_threshold"] = snap.global_threshold
        fig["partitions_raised"] = sum(p.threshold > snap.global_threshold for p in snap.partitions.values())
        fig["within_budget"] = float(fig["wrong_plan_rate"]) <= config.delta
        self.prefills["agentreuse-bounded"] = self._save_prefill("agentreuse-bounded", method)
        by_delta: dict[str, Any] = {}
        for delta in BUDGETS:
            alt = BoundedMethod(config=BoundedConfig(delta=delta), prior=prior, prior_weight=prior_weight)
            by_delta[str(delta)] = self._bounded_summary(alt, delta)
        fig["by_delta"] = by_delta
        # As the integration ships it: the user's γ (default 0.75) is the floor of every learned threshold.
        shipped = BoundedMethod(
            config=config, prior=prior, prior_weight=prior_weight, floor=DEFAULT_THRESHOLD
        )
        fig["with_floor"] = self._bounded_summary(shipped, config.delta) | {"floor": DEFAULT_THRESHOLD}
        cold = BoundedMethod(config=config)
        fig["cold_start"] = {
            k: v for k, v in self._bounded_summary(cold, config.delta).items() if k != "within_budget"
        } | {"final_global_threshold": cold.learner.snapshot().global_threshold}
        self.log(f"agentreuse-bounded in {time.perf_counter() - t0:.1f}s")
        return {k: fig for k in self._keys()}

    def _bounded_summary(self, method: BoundedMethod, delta: float) -> dict[str, Any]:
        """Stream the requests through one more bounded learner; the figures its variants report."""
        fig = score(
            run_stream(method, self.requests, 0.0), self.positives, plan_seconds=self.args.plan_seconds
        )
        return {k: fig[k] for k in ("strict", "wrong_plan_rate", "hit_rate", "local_correct_rate")} | {
            "within_budget": float(fig["wrong_plan_rate"]) <= delta
        }

    def evaluate_halocal(self) -> dict[str, Any]:
        from benchmarks.reuse_halocal import (
            HaLocalMatcher,
            HaLocalMethod,
            home_from_utterances,
            positives_for,
        )

        t0 = time.perf_counter()
        fixtures = self.args.data.resolve().parent / "tests" if self.fmt == "ha-tests" else None
        home = home_from_utterances([it.utt for it in self.items], self.fmt, fixtures)
        self.home = home
        method = HaLocalMethod(HaLocalMatcher(home), self.fmt)
        decisions = [method.step(r) for r in self.requests]
        positives = positives_for(self.fmt, [r.label for r in self.requests])
        fig = score(decisions, positives, plan_seconds=self.args.plan_seconds)
        # Comparable with the caches: the share of the *reusable* requests it serves correctly.
        warm = [d for d, p in zip(decisions, self.positives, strict=True) if p]
        fig["local_correct_rate_warm"] = (
            round(sum(d.reused and d.correct for d in warm) / len(warm), 4) if warm else 0.0
        )
        fig["servable"] = sum(positives)
        self.meta["ha-local"] = {
            "matcher": "hassil.recognize_best (strict), HA 2025.4.4 pins",
            "versions": _versions(("hassil", "home-assistant-intents")),
            "areas": sum(len(v) for v in home.areas.values()),
            "devices": sum(len(v) for v in home.names.values()),
            "scoring": "positive = an HA intent serves the label; reused = matched; correct = matched one of "
            "the serving intents",
        }
        self.log(f"ha-local in {time.perf_counter() - t0:.1f}s")
        return {k: fig for k in self._keys()}

    # latency ---------------------------------------------------------------------------------------

    def measure_latency(self) -> dict[str, dict[str, Any]]:
        import random

        rng = random.Random(0)
        n = len(self.requests)
        order = list(range(n))
        rng.shuffle(order)
        warm = [[self.requests[i].text, self.requests[i].language] for i in order[: self.args.warmup]]
        rest = order[self.args.warmup :] or order
        pick = rest[: self.args.latency_sample]
        sample = [[self.requests[i].text, self.requests[i].language] for i in pick]
        pca_path = None
        if self.pca is not None:
            pca_path = self.tmp / "pca.npz"
            np.savez(pca_path, mean=self.pca.mean, components=self.pca.components)
        env = dict(os.environ, OMP_NUM_THREADS="1")
        procs: dict[str, subprocess.Popen[str]] = {}
        entries: dict[str, int] = {}
        t0 = time.perf_counter()
        try:
            for name in self.methods:
                spec: dict[str, Any] = {
                    "method": name,
                    "label_space": self.space,
                    "min_confidence": self.args.min_confidence,
                    "sample": sample,
                    "warmup": warm,
                    "threshold": self.latency_threshold,
                    "prefill": str(self.prefills[name]) if name in self.prefills else None,
                    "pca": str(pca_path) if pca_path else None,
                }
                if name in self.prefills:
                    entries[name] = len(np.load(self.prefills[name])["labels"])
                if name == "gptcache":
                    shm = Path("/dev/shm")
                    spec["workdir"] = tempfile.mkdtemp(
                        prefix="eval-reuse-gclat-", dir=shm if shm.is_dir() else None
                    )
                if name == "ha-local":
                    spec["home"] = {
                        "areas": {k: sorted(v) for k, v in self.home.areas.items()},
                        "floors": {k: sorted(v) for k, v in self.home.floors.items()},
                        "names": self.home.names,
                    }
                spec_path = self.tmp / f"latency-{name}.json"
                spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
                with (self.tmp / f"latency-{name}.stderr").open("w") as errfile:
                    procs[name] = subprocess.Popen(
                        [sys.executable, "-m", "benchmarks.reuse_latency", str(spec_path)],
                        cwd=ROOT,
                        env=env,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=errfile,
                        text=True,
                    )
            for name, proc in procs.items():  # they load in parallel; nothing is timed until all are ready
                _expect(proc, name, "ready")
            self.log(f"latency: {len(procs)} processes ready in {time.perf_counter() - t0:.1f}s")
            timings: dict[str, list[float]] = {name: [] for name in procs}
            first_of_turn: dict[str, list[float]] = {name: [] for name in procs}
            block = max(1, self.args.latency_block)
            for start in range(0, len(sample), block):
                for name, proc in procs.items():
                    assert proc.stdin is not None
                    for i in range(start, min(start + block, len(sample))):
                        proc.stdin.write(f"{i}\n")
                        proc.stdin.flush()
                        ms = float(_expect(proc, name))
                        timings[name].append(ms)
                        if i == start:
                            first_of_turn[name].append(ms)
            results: dict[str, dict[str, Any]] = {}
            from benchmarks.reuse_latency import summarize

            for name, proc in procs.items():
                assert proc.stdin is not None
                proc.stdin.write("end\n")
                proc.stdin.flush()
                rss = json.loads(_expect(proc, name))["peak_rss_mb"]
                results[name] = summarize(name, timings[name], rss, entries.get(name, 0), first_of_turn[name])
                self.log(
                    f"latency {name}: p50 {results[name]['overhead_ms_p50']} ms, p99 "
                    f"{results[name]['overhead_ms_p99']} ms, first of a turn p50 "
                    f"{results[name]['overhead_ms_p50_first_of_turn']} ms, peak rss {rss} MB"
                )
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    proc.kill()
                proc.wait()
        self.meta["latency"] = {
            "protocol": "one process per method (own models, cache filled as the stream left it), "
            f"all loaded first, then timed round robin, {block} consecutive requests per method and turn",
            "block": block,
            "load_average_1m": round(os.getloadavg()[0], 2),
            "sample": len(sample),
            "warmup": len(warm),
            "cache_filled_as_after_the_stream_at": self.latency_threshold,
            "single_thread": True,
            "machine_cores": os.cpu_count(),
        }
        return results


def _expect(proc: subprocess.Popen[str], name: str, want: str | None = None) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line or (want is not None and line != want):
        raise SystemExit(f"eval-reuse: latency process for {name} failed ({line!r}); see its stderr file")
    return line


def _agreement(a: list[Decision], b: list[Decision]) -> float:
    same = sum(
        x.reused == y.reused and (not x.reused or x.served_label == y.served_label)
        for x, y in zip(a, b, strict=False)
    )
    return same / len(a) if a else 1.0


def _versions(packages: tuple[str, ...]) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for p in packages:
        try:
            out[p] = version(p)
        except PackageNotFoundError:
            out[p] = "missing"
    return out


def _split_note(fmt: str, split: str) -> str:
    if fmt == "slurp":
        return "SLURP devel: excluded from NLU training (all of it is unseen by the NLU)"
    if split == "dev":
        return "our dev split: unseen by the NLU model"
    if split == "train":
        return "our train split: the NLU model's training data"
    return "whole shared file: includes the NLU model's training data (optimistic)"


def attach_latency(figures: dict[str, Any], latency: dict[str, dict[str, Any]], plan_seconds: float) -> None:
    for name, per_threshold in figures.items():
        lat = latency.get(name)
        for fig in per_threshold.values():
            if lat is None:
                fig.setdefault("overhead_ms_p50", None)
                fig.setdefault("overhead_ms_p99", None)
                fig.setdefault("peak_rss_mb", None)
                continue
            fig["overhead_ms_p50"] = lat["overhead_ms_p50"]
            fig["overhead_ms_p99"] = lat["overhead_ms_p99"]
            fig["overhead_ms_mean"] = lat["overhead_ms_mean"]
            fig["overhead_ms_p50_first_of_turn"] = lat["overhead_ms_p50_first_of_turn"]
            fig["peak_rss_mb"] = lat["peak_rss_mb"]
            counts = fig["counts"]
            n = counts["n"]
            if n:
                base = n * plan_seconds
                over = n * lat["overhead_ms_mean"] / 1000.0
                fig["latency_reduction"] = round(
                    1 - ((n - counts["strict_tp"]) * plan_seconds + over) / base, 4
                )
                fig["latency_reduction_lenient"] = round(
                    1 - ((n - counts["lenient_tp"]) * plan_seconds + over) / base, 4
                )


def plot(figures: dict[str, Any], thresholds: list[float], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = ("f1", "precision", "recall", "accuracy")
    fig, axes = plt.subplots(2, 2, figsize=(11, 8), sharex=True)
    keys = [threshold_key(t) for t in thresholds]
    for ax, metric in zip(axes.ravel(), metrics, strict=True):
        for name, per in figures.items():
            if any(per[k].get("servable") == 0 for k in keys if k in per):
                continue  # ha-local on a file no HA intent serves: nothing to draw
            ys = [per[k]["strict"][metric] for k in keys if k in per]
            if not ys:
                continue
            threshold_free = len(
                {json.dumps(per[k]["strict"], sort_keys=True) for k in keys if k in per}
            ) == 1 and (name in ("agentreuse-bounded", "ha-local"))
            style = "--" if threshold_free else "-o"
            ax.plot(thresholds[: len(ys)], ys, style, label=name, markersize=4)
        ax.set_title(f"{metric} (strict)")
        ax.set_xlabel("threshold γ")
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=8, loc="lower left")
    fig.suptitle(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        parse_thresholds(args.threshold)
    except (argparse.ArgumentTypeError, ValueError) as err:
        print(f"eval-reuse: {err}", file=sys.stderr)
        return 2
    import faiss

    faiss.omp_set_num_threads(1)  # single-threaded searches (and no OpenMP spin-up on 2 shared cores)
    run = Run(args)
    t0 = time.perf_counter()
    try:
        run.load()
    except (OSError, ValueError, KeyError) as err:
        print(f"eval-reuse: cannot read {args.data} as {args.format}: {err}", file=sys.stderr)
        return 2
    run.encode()
    figures = run.evaluate()
    run.figures = figures
    latency = {} if args.no_latency else run.measure_latency()
    attach_latency(figures, latency, args.plan_seconds)
    if args.format == "ha-tests":
        from benchmarks.reuse_exec import execution_equivalence

        run.meta["execution_equivalence"] = execution_equivalence(run)
    run.meta["wall_seconds"] = round(time.perf_counter() - t0, 1)
    result: dict[str, Any] = {"n": len(run.requests), **figures, "meta": run.meta}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.plot and run.thresholds:
        title = f"{args.format} {args.split} ({len(run.requests)} requests), protocol {args.protocol}"
        if args.scenario:
            title += f", scenario {args.scenario}"
        plot(figures, run.thresholds, args.plot, title)
    run.log(f"wrote {args.json}" + (f" and {args.plot}" if args.plot else ""))
    print(json.dumps(summary(result)))
    return 0


def summary(result: dict[str, Any]) -> dict[str, Any]:
    """One line per method at the calibrated γ (or the first threshold): strict P/R/F1/acc."""
    out: dict[str, Any] = {"n": result["n"]}
    for name, per in result.items():
        if name in ("n", "meta"):
            continue
        key = "auto" if "auto" in per else next(iter(per))
        fig = per[key]
        out[name] = {
            "threshold": fig.get("gamma", key),
            **fig["strict"],
            "wrong_plan_rate": fig["wrong_plan_rate"],
            "local_correct_rate": fig["local_correct_rate"],
            "overhead_ms_p50": fig.get("overhead_ms_p50"),
        }
    return out


if __name__ == "__main__":
    raise SystemExit(main())
