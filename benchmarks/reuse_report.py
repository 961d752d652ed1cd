"""Markdown tables from ``scripts/eval-reuse`` result files (for benchmarks/results/README.md).

.venv/bin/python -m benchmarks.reuse_report benchmarks/results/*.json            # one table per file
.venv/bin/python -m benchmarks.reuse_report --summary benchmarks/results/*.json  # main, bounded, equivalence

The summary tables are the ones benchmarks/results/README.md and README.md show, so they come from the
committed JSON by one command instead of being copied by hand.
"""

from __future__ import annotations

import argparse
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
        "p50 ms | p99 ms | p50 ms, first of a turn | RSS MB | latency −% |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
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
            f"{_f(fig.get('overhead_ms_p50_first_of_turn'), 2)} | {_f(fig.get('peak_rss_mb'), 0)} | {_f(100 * fig['latency_reduction'], 1)} |"
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


#: Summary rows: result file stem → (data label, protocol), in the order the README shows them.
SUMMARY_ROWS = (
    ("smp2019_all_pair", "SMP2019 all"),
    ("smp2019_dev_pair", "SMP2019 dev"),
    ("smp2019_all_signature", "SMP2019 all"),
    ("smp2019_dev_signature", "SMP2019 dev"),
    ("smp2020_all_pair", "SMP2020 all"),
    ("smp2020_dev_pair", "SMP2020 dev"),
    ("ha-tests_all_pair", "HA tests all"),
    ("ha-tests_dev_pair", "HA tests dev"),
    ("ha-tests_all_signature", "HA tests all"),
    ("ha-tests_dev_signature", "HA tests dev"),
    ("slurp_iot_pair", "SLURP iot (unseen)"),
    ("slurp_iot_signature", "SLURP iot (unseen)"),
    ("snips_dev_pair", "SNIPS dev"),
)


def main_table(results: dict[str, dict[str, Any]]) -> str:
    """Strict agentreuse at its calibrated γ beside its ablation, the bounded mode and GPTCache."""
    lines = [
        "| data | protocol | n | agentreuse γ | P | R | F1 | acc | wrong-plan | local-correct (warm) | "
        "no gate: F1 / P | bounded δ=1%: P / R | GPTCache γ | GPTCache P / R / F1 | overhead p50 ms: ours / "
        "GPTCache (first of a turn) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for stem, label in SUMMARY_ROWS:
        result = results.get(stem)
        if result is None:
            continue
        ours = result["agentreuse"]["auto"]
        s = ours["strict"]
        nogate = result["agentreuse-nogate"]["auto"]["strict"]
        bounded = result["agentreuse-bounded"]["auto"]["strict"]
        gpt = result["gptcache"]["auto"]
        g = gpt["strict"]
        lines.append(
            f"| {label} | {result['meta']['protocol']} | {result['n']} | {_f(ours['gamma'], 2)} | "
            f"{_f(s['precision'])} | {_f(s['recall'])} | {_f(s['f1'])} | {_f(s['accuracy'])} | "
            f"{_f(ours['wrong_plan_rate'])} | {_f(ours['local_correct_rate'])} "
            f"({_f(ours['local_correct_rate_warm'])}) | {_f(nogate['f1'])} / {_f(nogate['precision'])} | "
            f"{_f(bounded['precision'])} / {_f(bounded['recall'])} | {_f(gpt['gamma'], 2)} | "
            f"{_f(g['precision'])} / {_f(g['recall'])} / {_f(g['f1'])} | "
            f"{_f(ours.get('overhead_ms_p50'), 2)} / {_f(gpt.get('overhead_ms_p50'), 2)} "
            f"({_f(ours.get('overhead_ms_p50_first_of_turn'), 2)} / {_f(gpt.get('overhead_ms_p50_first_of_turn'), 2)}) |"
        )
    return "\n".join(lines)


def bounded_table(results: dict[str, dict[str, Any]]) -> str:
    """The bounded mode per δ (✗: observed wrong-plan rate above δ), without its prior, and with the
    shipped floor γ = 0.75."""
    deltas = ("0.01", "0.02", "0.05", "0.1")
    lines = [
        "| run | δ=0.01 P / R / wrong | δ=0.02 | δ=0.05 | δ=0.1 | no prior, δ=0.01: P / R | "
        "floor 0.75, δ=0.01: P / R / wrong |",
        "|---|---|---|---|---|---|---|",
    ]

    def cell(fig: dict[str, Any], delta: float | None) -> str:
        s = fig["strict"]
        over = delta is not None and fig["wrong_plan_rate"] > delta
        return f"{_f(s['precision'])} / {_f(s['recall'])} / {_f(fig['wrong_plan_rate'])}" + (
            " ✗" if over else ""
        )

    for stem, _ in SUMMARY_ROWS:
        result = results.get(stem)
        if result is None or "agentreuse-bounded" not in result:
            continue
        fig = result["agentreuse-bounded"]["auto"]
        by_delta = fig["by_delta"]
        cold = fig["cold_start"]["strict"]
        lines.append(
            f"| {stem} | "
            + " | ".join(cell(by_delta[d], float(d)) for d in deltas)
            + f" | {_f(cold['precision'])} / {_f(cold['recall'])} | "
            + (cell(fig["with_floor"], 0.01) if "with_floor" in fig else "–")
            + " |"
        )
    return "\n".join(lines)


def equivalence_table(results: dict[str, dict[str, Any]]) -> str:
    """Share of reuses that make the same service calls as a fresh plan (HA test sentences)."""
    keys = ("0.75", "0.8", "0.85", "0.9", "0.95", "auto")
    lines = [
        "| run | method | γ=0.75 | 0.8 | 0.85 | 0.9 | 0.95 | auto |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for stem, _ in SUMMARY_ROWS:
        result = results.get(stem)
        equivalence = (result or {}).get("meta", {}).get("execution_equivalence")
        if not equivalence or not stem.endswith("_pair"):  # the same reuses under both protocols
            continue
        for method in ("agentreuse", "agentreuse-nogate"):
            per = equivalence.get(method, {})
            cells = [
                f"{_f(per[k]['rate'])} ({per[k]['equivalent']}/{per[k]['reuses']})" if k in per else "–"
                for k in keys
            ]
            lines.append(f"| {stem} | {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="+", type=Path, help="eval-reuse JSON files")
    ap.add_argument("--summary", action="store_true", help="the main, bounded and equivalence tables")
    args = ap.parse_args(argv)
    results: dict[Path, dict[str, Any]] = {}
    for path in args.results:
        result = json.loads(path.read_text(encoding="utf-8"))
        if "n" in result and "agentreuse" in result:
            results[path] = result
        else:  # e.g. bench-hitpath's figures, which live in the same folder
            print(f"skipped {path}: not an eval-reuse result", file=sys.stderr)
    if args.summary:
        by_stem = {path.stem: result for path, result in results.items()}
        for title, text in (
            ("Main table (calibrated γ, strict)", main_table(by_stem)),
            ("Error-bounded reuse", bounded_table(by_stem)),
            ("Execution equivalence", equivalence_table(by_stem)),
        ):
            print(f"<!-- {title} -->")
            print(text)
            print()
        return 0
    for path, result in results.items():
        print(f"<!-- {path} -->")
        print(table(result))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
