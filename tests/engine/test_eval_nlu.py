"""``scripts/eval-nlu`` (``benchmarks/eval_nlu.py``) on files written here, in every format it takes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks.eval_nlu import main

ROOT = Path(__file__).resolve().parents[2]

SMP = [
    {"text": "打开汽车之家", "domain": "app", "intent": "LAUNCH", "slots": {"name": "汽车之家"}},
    {
        "text": "明天北京天气怎么样",
        "domain": "weather",
        "intent": "QUERY",
        "slots": {"datetime_date": "明天", "location_city": "北京"},
    },
    {"text": "我想听周杰伦的歌", "domain": "music", "intent": "PLAY", "slots": {"artist": "周杰伦"}},
]
HA = [
    {
        "language": "en",
        "text": "turn on the kitchen lights",
        "intent": "HassTurnOn",
        "slots": {"area": "Kitchen", "domain": "light"},
    },
    {"language": "zh-cn", "text": "打开卧室的灯", "intent": "HassTurnOn", "slots": {"area": "卧室"}},
    {"language": "en", "text": "no intent here"},  # a must-not-match sentence: skipped
]
SNIPS = [
    {
        "split": "validate",
        "intent": "GetWeather",
        "text": "will it rain in Paris tomorrow",
        "slots": [
            {"slot": "city", "value": "Paris", "start": 15, "end": 20},
            {"slot": "timeRange", "value": "tomorrow", "start": 21, "end": 29},
        ],
    },
    {
        "split": "validate",
        "intent": "PlayMusic",
        "text": "play some jazz",
        "slots": [{"slot": "genre", "value": "jazz", "start": 10, "end": 14}],
    },
]


def run(tmp_path: Path, fmt: str, records: list[dict[str, Any]], *extra: str) -> dict[str, Any]:
    data = tmp_path / f"data.{fmt}"
    if fmt.startswith("smp"):
        data.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    else:
        data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    out = tmp_path / "out" / "figures.json"
    assert main(["--data", str(data), "--format", fmt, "--json", str(out), *extra]) == 0
    figures: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return figures


@pytest.mark.parametrize(
    ("fmt", "records", "n"), [("smp2019", SMP, 3), ("ha-tests", HA, 2), ("snips", SNIPS, 2)]
)
def test_any_file_of_a_format_gives_the_figures(
    tmp_path: Path, fmt: str, records: list[dict[str, Any]], n: int
) -> None:
    figures = run(tmp_path, fmt, records)
    assert set(figures) == {
        "n",
        "intent_accuracy",
        "slot_f1",
        "exact_match",
        "latency_ms_p50",
        "latency_ms_p99",
        "models_rss_mb",
    }
    assert figures["n"] == n
    for key in ("intent_accuracy", "slot_f1", "exact_match"):
        assert 0.0 <= figures[key] <= 1.0
    # Plain requests like these are what the shipped model gets right.
    assert figures["intent_accuracy"] >= 0.5
    assert 0 < figures["latency_ms_p50"] <= figures["latency_ms_p99"]
    # In this process the models may land in memory an earlier load freed (a delta of 0): the memory figure
    # is checked in a fresh process below.
    assert figures["models_rss_mb"] >= 0


def test_memory_figure_in_a_fresh_process(tmp_path: Path) -> None:
    """As the README runs it: a new interpreter, where loading both models shows in the resident set."""
    data = tmp_path / "data.jsonl"
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in HA), encoding="utf-8")
    out = tmp_path / "figures.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.eval_nlu",
            "--data",
            str(data),
            "--format",
            "ha-tests",
            "--json",
            str(out),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["n"] == 2
    # Both models and the tokenizer take ~180 MB here; far less means the measurement broke.
    assert 50 < figures["models_rss_mb"] < 1000


def test_language_filter_and_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, "ha-tests", HA, "--language", "zh")["n"] == 1
    broken = tmp_path / "broken.json"
    broken.write_text("[{not json", encoding="utf-8")
    assert main(["--data", str(broken), "--format", "smp2019", "--json", str(tmp_path / "x.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    missing = tmp_path / "missing.jsonl"
    assert main(["--data", str(missing), "--format", "snips", "--json", str(tmp_path / "y.json")]) == 2
