"""Build the HACS release zip: ``custom_components/agent_reuse`` with the shipped models inside it.

HACS with ``"zip_release": true`` extracts the release asset into ``config/custom_components/agent_reuse/``.
The zip therefore has the integration's files at its root (``manifest.json`` first level) and the models
under ``models/`` — where ``engine.model_files.default_model_dir`` looks before anything else. Deterministic
(sorted entries, fixed timestamps), so the same tree gives the same zip. Caches and bytecode are left out.

    scripts/package-release [--out build/agent_reuse.zip]
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INTEGRATION = ROOT / "custom_components" / "agent_reuse"
MODELS = ROOT / "models"
#: The files the engine loads (engine/model_files.ModelPaths), relative to models/.
MODEL_FILES = (
    "nlu/joint.lean.onnx",
    "nlu/joint.int8.onnx",
    "nlu/tokenizer.json",
    "nlu/labels.json",
    "embedder/use_multilingual_v3.lean.onnx",
    "embedder/use_multilingual_v3.uint8.onnx",
)
_FIXED_TIME = (2025, 1, 1, 0, 0, 0)


def release_name() -> str:
    """The asset name HACS downloads (``filename`` in hacs.json)."""
    return str(json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))["filename"])


def members() -> list[tuple[Path, str]]:
    """(source file, name in the zip) for every file of the release."""
    out: list[tuple[Path, str]] = []
    for path in sorted(INTEGRATION.rglob("*")):
        rel = path.relative_to(INTEGRATION)
        if path.is_dir() or "__pycache__" in rel.parts or path.suffix == ".pyc" or rel.parts[0] == "models":
            continue
        out.append((path, rel.as_posix()))
    for name in MODEL_FILES:
        source = MODELS / name
        if not source.is_file():
            raise SystemExit(f"package-release: {source} is missing (a checkout without the model files?)")
        out.append((source, f"models/{name}"))
    return out


def build(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for source, name in members():
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, source.read_bytes())
    tmp.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "build" / release_name())
    args = ap.parse_args(argv)
    target = build(args.out)
    print(f"{target} ({target.stat().st_size / 2**20:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
