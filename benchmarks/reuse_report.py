"""Markdown tables from ``scripts/eval-reuse`` result files (for benchmarks/results/README.md).

.venv/bin/python -m benchmarks.reuse_report benchmarks/results/*.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ORDER = (
    "agentreuse",
    "agentreuse-nogate",
    "agentreuse-bounded",
    "oneintent",
    "withargs",
    "gptcache",
    "meancache",
    "ha-local",
)


def _f(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def table(result: dict[str, Any], key: str = "auto") -> str:
    meta = result.get("meta", {})
    lines = [
        f"**{Path(meta.get('data', '?')).parent.name} — {meta.get('format')} {meta.get('split')}"
        + (f", scenario {meta['scenario']}" if meta.get("scenario") else "")
        + f", protocol {meta.get('protocol')}, n = {result['n']}** ({meta.get('split_note', '')}; NLU intent "
        f"accuracy {meta.get('intent_accuracy')}; {meta.get('reusable')} reusable)",
        "",
        "| method | γ | P | R | F1 | acc | P (lenient) | wrong-plan | hit | local-correct | warm | "
        "p50 ms | p99 ms | RSS MB | latency −% |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in ORDER:
        per = result.get(name)
        if not per:
            continue
        fig = per.get(key) or per[next(iter(per))]
        gamma = fig.get("gamma")
        if name == "agentreuse-bounded":
            gamma_text = f"δ={fig.get('delta')}"
        elif name == "ha-local":
            gamma_text = "–"
        else:
            gamma_text = _f(gamma, 2) if gamma is not None else key
        s = fig["strict"]
        lines.append(
            f"| {name} | {gamma_text} | {_f(s['precision'])} | {_f(s['recall'])} | {_f(s['f1'])} | "
            f"{_f(s['accuracy'])} | {_f(fig['lenient']['precision'])} | {_f(fig['wrong_plan_rate'])} | "
            f"{_f(fig['hit_rate'])} | {_f(fig['local_correct_rate'])} | {_f(fig.get('local_correct_rate_warm'))} | "
            f"{_f(fig.get('overhead_ms_p50'), 2)} | {_f(fig.get('overhead_ms_p99'), 2)} | "
            f"{_f(fig.get('peak_rss_mb'), 0)} | {_f(100 * fig['latency_reduction'], 1)} |"
        )
    return "\n".join(lines)


def sweep(result: dict[str, Any], name: str = "agentreuse") -> str:
    per = result.get(name, {})
    rows = [f"| {name} γ | P | R | F1 | acc | wrong-plan |", "|---|---|---|---|---|---|"]
    for key, fig in per.items():
        s = fig["strict"]
        label = f"auto ({fig['gamma']})" if key == "auto" else key
        rows.append(
            f"| {label} | {_f(s['precision'])} | {_f(s['recall'])} | {_f(s['f1'])} | {_f(s['accuracy'])} | "
            f"{_f(fig['wrong_plan_rate'])} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    for path in argv if argv is not None else sys.argv[1:]:
        result = json.loads(Path(path).read_text(encoding="utf-8"))
        print(f"<!-- {path} -->")
        print(table(result))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
