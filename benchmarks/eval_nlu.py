"""``scripts/eval-nlu``: run the shipped NLU models on a labelled file and write the figures as JSON.

Metrics (over the file's utterances):
* ``intent_accuracy`` — predicted intent == gold intent, within the file's label space (closed set: the
  out-of-scope class of the ``ha`` space counts as a wrong answer, not an abstention).
* ``slot_f1`` — micro F1 over (slot type, value) pairs; for Home Assistant test sentences only the slots
  that were actually said (locatable in the text, or in the text the parser read once spoken numbers
  became digits) count, since implied slots (``domain: light``) have no span to find.
* ``exact_match`` — intent right and the slot set identical.
* ``latency_ms_p50`` / ``p99`` — parse + embed of one request, single-threaded, after warm-up (the
  embedding of the slot-stripped text, as the reuse pipeline does it).
* ``models_rss_mb`` — resident memory the two models and the tokenizer added to the process, loaded and
  run over the file (Linux; ``null`` elsewhere).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.corpus import FORMAT_LABEL_SPACE, FORMATS, Utterance, is_dev, read  # noqa: E402
from custom_components.agent_reuse.engine.embedder import SentenceEmbedder  # noqa: E402
from custom_components.agent_reuse.engine.nlu import JointParser  # noqa: E402
from custom_components.agent_reuse.engine.template import strip_slots  # noqa: E402


def evaluate(
    utterances: list[Utterance], parser: JointParser, embedder: SentenceEmbedder, warmup: int = 20
) -> dict[str, float | int]:
    tp = fp = fn = 0
    correct_intent = exact = 0
    latencies: list[float] = []
    for u in utterances[:warmup]:
        embedder.embed(strip_slots(parser.parse(u.text, u.language)).text)
    for u in utterances:
        t0 = time.perf_counter()
        parsed = parser.parse(u.text, u.language)
        embedder.embed(strip_slots(parsed).text)
        latencies.append((time.perf_counter() - t0) * 1000)
        gold = {(s.type, s.value) for s in u.slots}
        if parsed.text != u.text:
            # Spoken numbers were read as digits ("one hundred percent" → "100 percent"): a value said in
            # words, which has no span in the original text, now has one and counts.
            gold |= {(t, v) for t, v in u.unlocated_slots if v and v in parsed.text}
        pred = {(s.type, s.value) for s in parsed.slots}
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
        ok_intent = parsed.top_intent == u.intent
        correct_intent += ok_intent
        exact += ok_intent and gold == pred
    n = len(utterances)
    lat = np.asarray(latencies)
    return {
        "n": n,
        "intent_accuracy": round(correct_intent / n, 4),
        "slot_f1": round(2 * tp / max(2 * tp + fp + fn, 1), 4),
        "exact_match": round(exact / n, 4),
        "latency_ms_p50": round(float(np.percentile(lat, 50)), 3),
        "latency_ms_p99": round(float(np.percentile(lat, 99)), 3),
    }


def resident_mb() -> float | None:
    """This process's resident set size in MB (Linux ``/proc``; None elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="labelled file to evaluate")
    ap.add_argument("--format", required=True, choices=FORMATS)
    ap.add_argument("--json", type=Path, required=True, help="where to write the figures")
    ap.add_argument(
        "--split",
        choices=("all", "dev", "train"),
        default="all",
        help="evaluate the whole file (default) or only our dev/train side of it (see corpus.is_dev)",
    )
    ap.add_argument("--language", default=None, help="only utterances of this language (e.g. en, zh-cn)")
    args = ap.parse_args(argv)

    try:
        utterances = read(args.data, args.format)
    except (OSError, ValueError, KeyError) as err:
        print(f"eval-nlu: cannot read {args.data} as {args.format}: {err}", file=sys.stderr)
        return 2
    if args.split != "all":
        utterances = [u for u in utterances if is_dev(u.text) == (args.split == "dev")]
    if args.language:
        utterances = [u for u in utterances if u.language.startswith(args.language)]
    if not utterances:
        print("eval-nlu: no utterances to evaluate", file=sys.stderr)
        return 2
    before = resident_mb()
    parser = JointParser.load(label_space=FORMAT_LABEL_SPACE[args.format], min_confidence=0.0)
    embedder = SentenceEmbedder.load()
    result: dict[str, float | int | None] = dict(evaluate(utterances, parser, embedder))
    after = resident_mb()
    # What loading both models (and the tokenizer) and running them added to the process's resident memory.
    result["models_rss_mb"] = None if before is None or after is None else round(after - before, 1)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
