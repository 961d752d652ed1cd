"""Fine-tune the joint intent + slot model; evaluate each variant on the dev split; keep the best.

Runs wherever torch is (CPU or CUDA: a GPU only makes it faster). Inputs come from ``prepare_nlu.py``.
Variants differ in how many of e5's 12 layers they keep: fewer layers is faster at run time, so the
smallest variant that meets the issue's targets on the dev split is chosen (else the best one).
Deterministic: fixed seeds, deterministic data order.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from training.model import JointModel

TARGETS = {  # space: (intent accuracy, slot F1)
    "smp2019": (0.95, 0.90),
    "smp2020": (0.93, 0.88),
}
HA_TARGET = 0.97
SPACES = ["ha", "hwu64", "smp2019", "smp2020", "snips"]  # labels.json order (sorted)


def spans(tags: list[int], n_tags: int) -> set[tuple[int, int, int]]:
    """BIO tag ids → {(type, start, end)} (tag 0 = O, 2k+1 = B-type k, 2k+2 = I-type k)."""
    out: set[tuple[int, int, int]] = set()
    cur: list[int] | None = None
    for i, t in enumerate([*tags, 0]):
        typ = (t - 1) // 2 if t > 0 else -1
        is_b = t > 0 and (t - 1) % 2 == 0
        if cur is not None and (t == 0 or is_b or typ != cur[0]):
            out.add((cur[0], cur[1], i))
            cur = None
        if t > 0 and cur is None:
            cur = [typ, i]
    return out


def evaluate(
    model: JointModel, d: dict[str, np.ndarray], dev: str, device: str
) -> dict[str, dict[str, float]]:
    model.eval()
    imask = torch.from_numpy(d["space_intent_mask"]).to(device)
    tmask = torch.from_numpy(d["space_tag_mask"]).to(device)
    ids, mask, tags = d[f"{dev}_ids"], d[f"{dev}_mask"], d[f"{dev}_tags"]
    intent, space, lang = d[f"{dev}_intent"], d[f"{dev}_space"], d[f"{dev}_lang"]
    pred_int = np.zeros(len(ids), dtype=np.int64)
    pred_tags = np.zeros(tags.shape, dtype=np.int64)
    with torch.no_grad():
        for s in range(0, len(ids), 256):
            sl = slice(s, s + 256)
            w = int(mask[sl].sum(1).max())  # padding columns change nothing (see train_variant)
            x = torch.from_numpy(ids[sl, :w].astype(np.int64)).to(device)
            m = torch.from_numpy(mask[sl, :w].astype(np.int64)).to(device)
            sp = torch.from_numpy(space[sl].astype(np.int64)).to(device)
            il, tl = model(x, m)
            il = il.masked_fill(~imask[sp], -1e9)
            tl = tl.masked_fill(~tmask[sp][:, None, :], -1e9)
            pred_int[sl] = il.argmax(-1).cpu().numpy()
            pred_tags[sl, :w] = tl.argmax(-1).cpu().numpy()
    unknown_ids = set(int(i) for i in d["unknown_ids"])
    res: dict[str, dict[str, float]] = {}
    for si, name in enumerate(SPACES):
        rows = np.where(space == si)[0]
        if name == "ha":
            groups = {
                "ha-en": [r for r in rows if lang[r] == 0 and intent[r] not in unknown_ids],
                "ha-zh": [r for r in rows if lang[r] == 1 and intent[r] not in unknown_ids],
                "ha-unknown": [r for r in rows if intent[r] in unknown_ids],
            }
        else:
            groups = {name: list(rows)}
        for g, rs in groups.items():
            if not rs:
                continue
            acc = float(np.mean([pred_int[r] == intent[r] for r in rs]))
            tp = fp = fn = 0
            for r in rs:
                valid = tags[r] != -100
                gold = spans([int(t) for t in tags[r][valid]], 0)
                pred = spans([int(t) for t in pred_tags[r][valid]], 0)
                tp += len(gold & pred)
                fp += len(pred - gold)
                fn += len(gold - pred)
            f1 = 2 * tp / max(2 * tp + fp + fn, 1)
            res[g] = {"n": len(rs), "intent_acc": round(acc, 4), "slot_f1": round(f1, 4)}
    model.train()
    return res


def meets(res: dict[str, dict[str, float]]) -> bool:
    ok = all(res[s]["intent_acc"] >= a and res[s]["slot_f1"] >= f for s, (a, f) in TARGETS.items())
    return ok and res["ha-en"]["intent_acc"] >= HA_TARGET and res["ha-zh"]["intent_acc"] >= HA_TARGET


def score(res: dict[str, dict[str, float]]) -> float:
    return float(np.mean([v["intent_acc"] + v["slot_f1"] for k, v in res.items() if k != "ha-unknown"]))


def train_variant(
    d,
    init,
    layers: int,
    epochs: int,
    device: str,
    seed: int,
    lr: float = 1e-4,  # type: ignore[no-untyped-def]
    unfreeze: bool = False,
    progress: int = 0,
):
    torch.manual_seed(seed)
    np.random.seed(seed)
    n_int, n_tags = int(d["n_intents"]), int(d["n_tags"])
    model = JointModel(vocab=init["emb.word"].shape[0], n_intents=n_int, n_tags=n_tags, layers=layers)
    model.load_e5(init)
    model.word.weight.requires_grad_(unfreeze)
    model.to(device)
    imask = torch.from_numpy(d["space_intent_mask"]).to(device)
    tmask = torch.from_numpy(d["space_tag_mask"]).to(device)
    head = [p for n, p in model.named_parameters() if n.startswith(("intent_head", "slot_head"))]
    body = [
        p
        for n, p in model.named_parameters()
        if p.requires_grad and not n.startswith(("intent_head", "slot_head"))
    ]
    opt = torch.optim.AdamW([{"params": body, "lr": lr}, {"params": head, "lr": 1e-3}], weight_decay=0.01)
    ids, mask, tags = d["train_ids"], d["train_mask"], d["train_tags"]
    intent, space = d["train_intent"], d["train_space"]
    weight = np.where(space == SPACES.index("ha"), 2.0, 1.0)
    bs = 32
    steps_per_epoch = len(ids) // bs
    total = steps_per_epoch * epochs
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, s / (0.06 * total)) * max(0.0, (total - s) / (total * 0.94))
    )
    rng = np.random.default_rng(seed)
    best = (-1.0, None, None, -1)
    for ep in range(epochs):
        order = rng.choice(len(ids), size=steps_per_epoch * bs, replace=True, p=weight / weight.sum())
        t0 = time.time()
        for s in range(steps_per_epoch):
            b = order[s * bs : (s + 1) * bs]
            # Only as many columns as the batch's longest example: the padding is masked out of the
            # attention, the pooling and the tag loss, so this changes no result, only the time (a batch
            # is 64 columns wide, most utterances under 20 tokens).
            w = int(mask[b].sum(1).max())
            x = torch.from_numpy(ids[b, :w].astype(np.int64)).to(device)
            m = torch.from_numpy(mask[b, :w].astype(np.int64)).to(device)
            y = torch.from_numpy(intent[b].astype(np.int64)).to(device)
            tg = torch.from_numpy(tags[b, :w].astype(np.int64)).to(device)
            sp = torch.from_numpy(space[b].astype(np.int64)).to(device)
            il, tl = model(x, m)
            il = il.masked_fill(~imask[sp], -1e4)
            tl = tl.masked_fill(~tmask[sp][:, None, :], -1e4)
            loss = torch.nn.functional.cross_entropy(il, y) + torch.nn.functional.cross_entropy(
                tl.reshape(-1, n_tags), tg.reshape(-1), ignore_index=-100
            )
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            if progress and (s + 1) % progress == 0:
                print(f"    step {s + 1}/{steps_per_epoch} ({time.time() - t0:.0f}s)", flush=True)
        res = evaluate(model, d, "dev", device)
        sc = score(res)
        print(
            f"  L{layers} epoch {ep + 1}/{epochs} loss {loss.item():.3f} score {sc:.4f} ({time.time() - t0:.1f}s) "
            + " ".join(f"{k}:{v['intent_acc']:.3f}/{v['slot_f1']:.3f}" for k, v in res.items()),
            flush=True,
        )
        if sc > best[0]:
            best = (sc, {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}, res, ep + 1)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--layers", default="6,12")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--unfreeze", action="store_true", help="also fine-tune the (compact) word embeddings")
    ap.add_argument("--progress", type=int, default=0, metavar="N", help="print a line every N steps")
    ap.add_argument("--no-split", action="store_true", help="keep trained.npz whole (pick_best.py splits)")
    args = ap.parse_args()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.backends.cudnn.deterministic = True
    d = dict(np.load(args.work / "data.npz"))
    labels = json.loads((Path(__file__).resolve().parents[1] / "models/nlu/labels.json").read_text())
    d["unknown_ids"] = np.array(
        [i for i, n in enumerate(labels["intents"]) if n.endswith(":" + labels["unknown_intent"])]
    )
    init = dict(np.load(args.work / "init.npz"))
    print(f"device {device}; train {len(d['train_ids'])} dev {len(d['dev_ids'])}", flush=True)
    results = {}
    chosen = None
    for layers in sorted(int(x) for x in args.layers.split(",")):
        sc, state, res, ep = train_variant(
            d, init, layers, args.epochs, device, args.seed, args.lr, args.unfreeze, args.progress
        )
        results[f"L{layers}"] = {"score": sc, "best_epoch": ep, "dev": res, "meets_targets": meets(res)}
        print(f"L{layers}: best epoch {ep} meets targets: {meets(res)}", flush=True)
        if (
            chosen is None
            or (meets(res) and not results[chosen[0]]["meets_targets"])
            or (not results[chosen[0]]["meets_targets"] and sc > results[chosen[0]]["score"])
        ):
            chosen = (f"L{layers}", layers, state)
    assert chosen is not None
    name, layers, state = chosen
    args.out.mkdir(parents=True, exist_ok=True)
    results["chosen"] = name
    results["args"] = {"lr": args.lr, "unfreeze": args.unfreeze, "epochs": args.epochs, "seed": args.seed}
    (args.out / "train_metrics.json").write_text(json.dumps(results, indent=1))
    arrays = {
        k: v.numpy().astype(np.float16) for k, v in state.items() if args.unfreeze or k != "word.weight"
    }
    np.savez(args.out / "trained.npz", **arrays)
    if args.no_split:
        return
    blob = (args.out / "trained.npz").read_bytes()
    chunk = 15 * 1024 * 1024
    for i in range(0, len(blob), chunk):
        (args.out / f"trained.npz.part{i // chunk}").write_bytes(blob[i : i + chunk])
    print(json.dumps(results, indent=1))
    print(f"chosen {name}: {len(blob) / 1e6:.1f} MB in {(len(blob) + chunk - 1) // chunk} parts")


if __name__ == "__main__":
    main()
