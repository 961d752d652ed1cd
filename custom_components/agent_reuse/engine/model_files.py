"""Where the engine's ONNX models live, and how they are opened.

Why a module of its own: a missing or damaged model file is the most likely installation fault (a partial
HACS download, a checkout without the model files). Every model is opened here, so the user always gets
the same clear message: which file, what is wrong with it, and what to do.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import onnxruntime as ort

from .errors import ModelFileError

#: Environment variable that points the engine at another model directory.
MODEL_DIR_ENV = "AGENT_REUSE_MODELS"

_PACKAGE_DIR = Path(__file__).resolve().parent


def default_model_dir() -> Path:
    """``$AGENT_REUSE_MODELS``, else ``models/`` inside the integration, else the repository's ``models/``."""
    env = os.environ.get(MODEL_DIR_ENV)
    if env:
        return Path(env)
    for candidate in (_PACKAGE_DIR.parent / "models", _PACKAGE_DIR.parents[2] / "models"):
        if candidate.is_dir():
            return candidate
    return _PACKAGE_DIR.parents[2] / "models"


@dataclass(frozen=True)
class ModelPaths:
    """The files the engine loads, relative to one model directory."""

    root: Path

    @property
    def parser(self) -> Path:
        """The lean graph (``training/lean_joint.py``): the original's outputs, one kernel per attention."""
        return self.root / "nlu" / "joint.lean.onnx"

    @property
    def parser_weights(self) -> Path:
        """The exported int8 parser graph, whose bytes hold the lean graph's weights (ONNX external data)."""
        return self.root / "nlu" / "joint.int8.onnx"

    @property
    def tokenizer(self) -> Path:
        return self.root / "nlu" / "tokenizer.json"

    @property
    def labels(self) -> Path:
        return self.root / "nlu" / "labels.json"

    @property
    def embedder(self) -> Path:
        """The lean graph (``training/lean_use.py``): same vectors as the original, half the time."""
        return self.root / "embedder" / "use_multilingual_v3.lean.onnx"

    @property
    def embedder_weights(self) -> Path:
        """The original USE graph, whose bytes hold the lean graph's weights (ONNX external data)."""
        return self.root / "embedder" / "use_multilingual_v3.uint8.onnx"


def require_file(path: Path, what: str) -> Path:
    """Return ``path`` if it is a readable, non-empty file, else raise :class:`ModelFileError`."""
    if not path.is_file():
        raise ModelFileError(
            f"{what} not found at {path}. Reinstall the integration (the file ships in its models/ "
            f"directory) or set {MODEL_DIR_ENV} to a directory that holds nlu/ and embedder/."
        )
    if path.stat().st_size == 0:
        raise ModelFileError(
            f"{what} at {path} is empty (an interrupted download?). Reinstall the integration."
        )
    return path


def open_session(path: Path, what: str, *, custom_ops: bool = False) -> ort.InferenceSession:
    """Open an ONNX model for single-request CPU inference.

    One intra-op thread per session: the parser and the embedder run one after the other for each request,
    and with two threads each on a 2-core machine they fight over the cores (measured: 9-15 ms instead of
    2-3 ms). Throughput for batches comes from batching, not threads.
    """
    require_file(path, what)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if custom_ops:
        try:
            import onnxruntime_extensions
        except ImportError as err:  # pragma: no cover - a packaging fault
            raise ModelFileError(
                f"{what} needs onnxruntime-extensions, which is not installed: pip install onnxruntime-extensions"
            ) from err
        options.register_custom_ops_library(onnxruntime_extensions.get_library_path())
    try:
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as err:  # onnxruntime raises several unrelated types for damaged files
        raise ModelFileError(
            f"{what} at {path} could not be loaded ({type(err).__name__}: {str(err)[:200]}). The file is "
            "damaged or incomplete: reinstall the integration."
        ) from err
