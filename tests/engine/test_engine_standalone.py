"""The engine must stay importable and usable without Home Assistant (benchmarks, other hosts)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

INTEGRATION_DIR = Path(__file__).resolve().parents[2] / "custom_components" / "agent_reuse"

SCRIPT = """
import sys
sys.path.insert(0, sys.argv[1])
import engine.cache, engine.embedder, engine.executor, engine.nlu, engine.pipeline, engine.plan, engine.planner
parser = engine.nlu.JointParser.load()
assert parser.parse("turn on the kitchen light").intent == "HassTurnOn"
leaked = sorted(m for m in sys.modules if m == "homeassistant" or m.startswith("homeassistant."))
print("LEAKED", leaked)
"""


def test_engine_imports_and_runs_without_home_assistant() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(INTEGRATION_DIR)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "LEAKED []" in result.stdout
