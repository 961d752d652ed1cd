"""Build the error-bounded reuse mode's starting evidence (``engine/reuse_prior.json``) from shared data.

Why a prior: the bounded learner reuses nothing until its evidence supports a threshold (with no error seen,
about z²/δ ≈ 270 labelled candidates for δ = 1 %). A fresh install would plan every request for weeks. So the
integration starts from what the shipped parser and embedder do on Home Assistant's own test sentences
(English and Chinese, 1,767: the parser's training side and the 181 dev sentences it never saw): stream them
into an empty cache that reuses nothing, and label each request's best candidate (same predicted intent,
same slot types) right when it carries the same plan label and wrong otherwise.

The label is the intent + the types of the slots that were *said*: what a plan takes as parameters.
(``eval-reuse``'s ``signature`` protocol also counts the slots HA's annotations imply — "turn on the kitchen
fan" implies a ``name`` that "turn on the kitchen lights" does not — which would call 10 % of same-plan
candidates at cosine ≥ 0.99 wrong, and the learner would then never reuse.)

Every observation counts fully (up to :data:`PRIOR_CAP`): with the 500-observation cap of ``eval-reuse``'s
bounded method the 7 wrong candidates keep δ = 1 % from any threshold at all. A home's own evidence still
acts at once where it matters: one reported wrong reuse lifts that plan's threshold (per-plan correction),
and a few lift its intent's. Deterministic: file order, no sampling.

The shipped ``reuse_prior.json`` was written when ``encode`` parsed and embedded in padded batches of 32
(until 2026-12-03): 1,631 candidates, 7 wrong, global threshold 0.50 at δ = 1 %. ``encode`` now runs each
request alone, as the integration does, and this script then writes 11 wrong candidates and no global
threshold at all (the int8 models quantize per call, so a few slot decodes differ). Five of the 11 are
label artefacts: a number said in words is not located in the text, so "one hundred percent" and "100%"
get different labels. Counting such numbers as said exposes 9 timer pairs ("half an hour" vs "half a
minute") as really wrong; leaving out the intents that never reach the cache (timers, the clock) then
gives 1,291 candidates, 8 wrong, threshold 0.62, and a single reported wrong reuse lifts the global
threshold to "never" (as it would with every variant tried). The prior sits at the edge of δ = 1 %, so
the shipped file is kept until the prior has more evidence than the 1,767 test sentences.

    .venv/bin/python -m benchmarks.make_reuse_prior [--data FILE] [--out PATH]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.reuse_data import LabelledUtterance, encode, load_labelled, select  # noqa: E402
from benchmarks.reuse_methods import candidate_observations  # noqa: E402
from custom_components.agent_reuse.engine.bounded import BoundedConfig, BoundedThresholds  # noqa: E402
from custom_components.agent_reuse.engine.embedder import SentenceEmbedder  # noqa: E402
from custom_components.agent_reuse.engine.nlu import JointParser  # noqa: E402
from custom_components.agent_reuse.engine.reuse_policy import PRIOR_PATH  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared/datasets/home_assistant_intents/tests_flat.jsonl"
#: The prior counts as at most this many observations (the same cap as eval-reuse's bounded method).
PRIOR_CAP = 2000.0


def said_signature(item: LabelledUtterance) -> str:
    """The plan a request needs: intent + sorted types of the slots said in the text."""
    return item.intent + "|" + ",".join(sorted({slot.type for slot in item.utt.slots}))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="Home Assistant test sentences (ha-tests)"
    )
    ap.add_argument("--out", type=Path, default=PRIOR_PATH)
    ap.add_argument("--split", choices=("train", "dev", "all"), default="all")
    args = ap.parse_args(argv)

    items = select(load_labelled(args.data, "ha-tests"), "ha-tests", args.split)
    parser = JointParser.load(label_space="ha")
    embedder = SentenceEmbedder.load()
    requests = [
        dataclasses.replace(r, label=said_signature(items[r.index]))
        for r in encode(items, "pair", parser, embedder)
    ]
    observations = candidate_observations(requests)
    weight = min(1.0, PRIOR_CAP / len(observations)) if observations else 1.0
    learner = BoundedThresholds(BoundedConfig())
    learner.observe_many(observations, weight)
    snapshot = learner.snapshot()
    state = learner.to_json()
    state["source"] = {
        "data": f"{args.data.name} ({args.split} side, {len(items)} sentences)",
        "embedder": embedder.model_id,
        "observations": len(observations),
        "wrong": sum(not ok for _, _, ok in observations),
        "weight": round(weight, 6),
        "global_threshold_at_delta": {"delta": snapshot.delta, "threshold": snapshot.global_threshold},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(state["source"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
