"""Pick the best of several training runs (by the dev targets, then the dev score) and split its weights
into ≤15 MB parts (what a remote training machine can send back)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

runs = [Path(p) for p in sys.argv[2:]]
out = Path(sys.argv[1])
best = None
for run in runs:
    m = json.loads((run / "train_metrics.json").read_text())
    r = m[m["chosen"]]
    key = (r["meets_targets"], r["score"])
    print(
        run.name,
        m["args"],
        m["chosen"],
        key,
        {k: (v["intent_acc"], v["slot_f1"]) for k, v in r["dev"].items()},
    )
    if best is None or key > best[0]:
        best = (key, run)
assert best is not None
run = best[1]
print("picked", run)
out.mkdir(parents=True, exist_ok=True)
shutil.copy(run / "train_metrics.json", out / "train_metrics.json")
blob = (run / "trained.npz").read_bytes()
chunk = 15 * 1024 * 1024
for i in range(0, len(blob), chunk):
    (out / f"trained.npz.part{i // chunk}").write_bytes(blob[i : i + chunk])
