"""``scripts/bench-hitpath``: the hit path's overhead and end-to-end latency, beside the miss path.

Prints and writes ``{"overhead_ms_p50", "overhead_ms_p99", "hit_e2e_ms_p50", "hit_e2e_ms_p99",
"miss_e2e_ms_p50", ...}``; ``exact_template_*`` are the hits whose template text is cached verbatim, served
as the pipeline serves them (no embedding). Overhead = parse + strip + embed + search + bind of one request,
engine only (``benchmarks/hitpath_overhead.py``); end to end = text in → services called → reply inside a real Home
Assistant (``tests/integration/bench_hitpath.py``, the integration tests' harness), with the miss path
planned by the embedded local LLM. Targets: overhead p50 ≤ 3 ms, hit end-to-end p50 ≤ 30 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.hitpath_overhead import measure  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared/datasets/home_assistant_intents/tests_flat.jsonl"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", type=Path, required=True)
    ap.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="Home Assistant test sentences (ha-tests)"
    )
    ap.add_argument("--requests", type=int, default=500)
    ap.add_argument("--skip-e2e", action="store_true", help="only the engine overhead")
    args = ap.parse_args(argv)

    overhead = measure(args.data, min_requests=args.requests)
    result: dict[str, object] = {
        "overhead_ms_p50": overhead.p50_ms,
        "overhead_ms_p99": overhead.p99_ms,
        "overhead_requests": overhead.requests,
        "overhead_stage_p50_ms": overhead.stage_p50_ms,
        "exact_template_share": overhead.exact_share,
        "exact_template_overhead_ms_p50": overhead.exact_p50_ms,
        "exact_template_overhead_ms_p99": overhead.exact_p99_ms,
    }
    print("overhead:", json.dumps(result), flush=True)
    if not args.skip_e2e:
        with tempfile.TemporaryDirectory() as tmp:
            e2e_json = Path(tmp) / "e2e.json"
            env = {**os.environ, "BENCH_JSON": str(e2e_json), "BENCH_HIT_REQUESTS": str(args.requests)}
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    "-q",
                    "-p",
                    "no:cacheprovider",
                    "-s",
                    "tests/integration/bench_hitpath.py",
                ],
                cwd=ROOT,
                env=env,
                check=False,
            )
            if proc.returncode != 0 or not e2e_json.exists():
                print("bench-hitpath: the end-to-end run failed", file=sys.stderr)
                return 1
            result.update(json.loads(e2e_json.read_text(encoding="utf-8")))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
