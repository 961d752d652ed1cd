"""Files the engine owns (the plan cache, the reuse policy's evidence): written atomically, set aside when bad.

Why shared: both files hold what a home has learned. A crash mid-write must leave the old or the new file,
never half of one, and a file that cannot be read is moved aside for inspection (never deleted, never a
crash) while the engine starts fresh.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path


def move_aside(path: Path, label: str) -> tuple[Path | None, str]:
    """Rename a bad file to a free name beside it (``<name>.<label>-<time>[-n]``).

    Returns where it went (None if it could not be moved) and a note for the caller's warning:
    ``"; moved it to <name>"`` or ``"; could not move it aside: <error>"``.
    """
    target = _aside_path(path, label)
    try:
        os.replace(path, target)
    except OSError as err:
        return None, f"; could not move it aside: {err}"
    return target, f"; moved it to {target.name}"


def _aside_path(path: Path, label: str) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.{label}-{stamp}")
    number = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{label}-{stamp}-{number}")
        number += 1
    return candidate


def atomic_write(target: Path, data: bytes) -> None:
    """Replace ``target`` with ``data`` so that a crash leaves either the old or the new file."""
    directory = target.parent
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
