"""The HACS release zip (scripts/package_release.py): a HACS install must find its models offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from scripts.package_release import MODEL_FILES, build, release_name

ROOT = Path(__file__).resolve().parents[2]


def test_release_zip_installs_with_its_models(tmp_path: Path) -> None:
    hacs = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))
    assert hacs["zip_release"] is True
    assert release_name() == hacs["filename"] == "agent_reuse.zip"

    archive = build(tmp_path / "agent_reuse.zip")
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        # HACS extracts the zip into custom_components/agent_reuse/: the manifest sits at the root.
        assert "manifest.json" in names
        assert "engine/reuse_prior.json" in names
        for name in MODEL_FILES:
            assert f"models/{name}" in names
        assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
        install = tmp_path / "config" / "custom_components" / "agent_reuse"
        zf.extractall(install)
    assert build(tmp_path / "again.zip").read_bytes() == archive.read_bytes()  # deterministic

    # A fresh interpreter that knows only the HACS install (no repository, no AGENT_REUSE_MODELS) finds the
    # models inside the integration and parses a request with them.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from custom_components.agent_reuse.engine.model_files import default_model_dir\n"
        "from custom_components.agent_reuse.engine.nlu import JointParser\n"
        "parsed = JointParser.load().parse('turn on the kitchen light', 'en')\n"
        "print(default_model_dir()); print(parsed.intent)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("AGENT_REUSE_MODELS", "PYTHONPATH")}
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "config")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    model_dir, intent = result.stdout.split()
    assert Path(model_dir) == install / "models"
    assert intent == "HassTurnOn"
