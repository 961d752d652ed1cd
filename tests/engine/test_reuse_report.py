"""The README's summary tables come from the result files (``benchmarks/reuse_report.py --summary``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks import reuse_report


def figures(precision: float, recall: float, wrong: float, **extra: Any) -> dict[str, Any]:
    strict = {"precision": precision, "recall": recall, "f1": 0.5, "accuracy": 0.6}
    return {
        "strict": strict,
        "lenient": strict,
        "wrong_plan_rate": wrong,
        "hit_rate": 0.4,
        "local_correct_rate": 0.3,
        "local_correct_rate_warm": 0.35,
        "latency_reduction": 0.3,
        **extra,
    }


def result() -> dict[str, Any]:
    bounded = figures(
        0.99,
        0.7,
        0.02,
        by_delta={d: figures(0.99, 0.7, 0.02) for d in ("0.01", "0.02", "0.05", "0.1")},
        cold_start=figures(1.0, 0.0, 0.0),
        with_floor=figures(1.0, 0.4, 0.0),
    )
    return {
        "n": 190,
        "meta": {
            "protocol": "pair",
            "execution_equivalence": {
                "agentreuse": {"0.75": {"reuses": 10, "equivalent": 9, "rate": 0.9}},
            },
        },
        "agentreuse": {"auto": figures(0.93, 0.65, 0.07, gamma=0.5)},
        "agentreuse-nogate": {"auto": figures(0.9, 0.8, 0.1, gamma=0.5)},
        "agentreuse-bounded": {"auto": bounded},
        "gptcache": {"auto": figures(1.0, 0.01, 0.0, gamma=0.93)},
    }


def test_the_summary_tables_show_each_files_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "smp2019_dev_pair.json"
    path.write_text(json.dumps(result()), encoding="utf-8")
    assert reuse_report.main(["--summary", str(path)]) == 0
    out = capsys.readouterr().out
    assert (
        "| SMP2019 dev | pair | 190 | 0.50 | 0.930 | 0.650 | 0.500 | 0.600 | 0.070 | 0.300 (0.350) |" in out
    )
    assert "| 0.93 | 1.000 / 0.010 / 0.500 |" in out  # GPTCache at its own γ
    # δ = 1 % broken (2 % wrong) is marked, 10 % is not; the floor column is the shipped one.
    assert "| smp2019_dev_pair | 0.990 / 0.700 / 0.020 ✗ |" in out
    assert "| 0.990 / 0.700 / 0.020 | 1.000 / 0.000 | 1.000 / 0.400 / 0.000 |" in out
    assert "| smp2019_dev_pair | agentreuse | 0.900 (9/10) | – |" in out


def test_the_overhead_of_both_caches_stands_beside_each_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = result()
    data["agentreuse"]["auto"]["overhead_ms_p50"] = 3.139
    data["gptcache"]["auto"]["overhead_ms_p50"] = 3.776
    data["agentreuse"]["auto"]["overhead_ms_p50_first_of_turn"] = 3.548
    data["gptcache"]["auto"]["overhead_ms_p50_first_of_turn"] = 4.617
    path = tmp_path / "smp2019_dev_pair.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert reuse_report.main(["--summary", str(path)]) == 0
    assert "| 0.93 | 1.000 / 0.010 / 0.500 | 3.14 / 3.78 (3.55 / 4.62) |" in capsys.readouterr().out


def test_files_that_are_not_eval_reuse_results_are_skipped_with_a_word(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """bench-hitpath writes its figures into the same folder; the documented glob picks them up."""
    ours = tmp_path / "smp2019_dev_pair.json"
    ours.write_text(json.dumps(result()), encoding="utf-8")
    other = tmp_path / "hitpath_2026-12-03.json"
    other.write_text(json.dumps({"overhead_ms": {"p50": 2.0}}), encoding="utf-8")
    assert reuse_report.main([str(other), str(ours)]) == 0
    captured = capsys.readouterr()
    assert f"skipped {other}: not an eval-reuse result" in captured.err
    assert f"<!-- {ours} -->" in captured.out
    assert str(other) not in captured.out
