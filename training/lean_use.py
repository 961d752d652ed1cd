"""Rewrite the shipped USE embedder graph into a lean one that computes the same vectors in half the time.

Why: the Universal Sentence Encoder graph (converted from TensorFlow) spends most of its time on bookkeeping,
not arithmetic. Of its 779 nodes, about 530 handle ragged batches: a partitioned embedding lookup over 17
shards (Unique, 17 x Compress/Gather/DequantizeLinear, ScatterElements), n-gram windows built from dozens of
Slice/Equal/Where nodes per convolution, and a segment sum built from TopK/Unique/ScatterND. onnxruntime
spends about 1 µs on each node whatever its size, so a short request cost ~1 ms before any maths.

This tool keeps every node that does the model's maths (projections, layer norms, convolutions, the DNN,
with their dynamic int8 quantization exactly as they were) and replaces the bookkeeping with a few compact
ops that produce the *same tensors*:
- the embedding lookup: one Gather per shard on ``id // 17``, then a Gather picking shard ``id % 17``,
  dequantized with that shard's own scale and zero point (what DequantizeLinear did per shard);
- the n-gram windows: one window index per token (positions t-2 .. t+2 inside the token's own sentence,
  else a zero row), gathered from the conv input with a zero row appended;
- the sqrt-n combiner: a one-hot sentence matrix times the token vectors, divided by sqrt(token count).

The large weights are not copied: the lean graph stores them as ONNX *external data* that points at their
bytes inside the original file (offset and length), so the repository gains a 2.6 MB graph (mostly the
SentencePiece model, an attribute that cannot be external) instead of a second 72 MB of weights, and
onnxruntime reads each weight once instead of keeping the parsed protobuf too (less resident memory).

Run with the training venv (needs the ``onnx`` package, which the runtime does not):
    .venv-train/bin/python training/lean_use.py models/embedder/use_multilingual_v3.uint8.onnx \
        models/embedder/use_multilingual_v3.lean.onnx
``tests/engine/test_embedder_lean.py`` checks the result against the original graph.
"""

from __future__ import annotations

import argparse
import collections
import os
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

PREFIX = "StatefulPartitionedCall/EncoderDNN/"
TOKENIZER_OUT = "StatefulPartitionedCall/text_preprocessor/SentenceTokenizer/SentencepieceTokenizeOp:0"
# The tensors the lean ops produce; the original nodes that read them are kept unchanged.
EMBEDDED = PREFIX + "EmbeddingLookup/EmbeddingLookupUnique/Reshape_1:0"
SEGMENT_SUM = PREFIX + "DNN/combine_word_embeddings/SegmentSum_ReduceSum__1337:0"
SQRT_COUNT = PREFIX + "DNN/combine_word_embeddings/Sqrt:0"
TOKEN_VECTORS = PREFIX + "CNN_layers/dense/BiasAdd:0"
#: n-gram order -> tokens of left context (the window is t-left .. t-left+order-1).
ORDERS = {2: 0, 3: 1, 5: 2}
SHARDS = 17
CNN_DIM = 256
#: Initializers at least this large become external data pointing into the original file.
EXTERNAL_MIN_BYTES = 4096


class LeanGraph:
    """Collects the replacement nodes and their constants."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.constants: list[onnx.TensorProto] = []

    def const(self, name: str, value: Any) -> str:
        self.constants.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def op(self, op_type: str, inputs: list[str], output: str, **attrs: Any) -> str:
        self.nodes.append(helper.make_node(op_type, inputs, [output], name="lean/" + output, **attrs))
        return output


def shard_tables(graph: onnx.GraphProto) -> list[tuple[str, str, str]]:
    """(table, scale, zero point) initializer names of each embedding shard, in shard order.

    The original routes token ids to shard ``id % 17`` through ``Split`` output s; each shard's Gather is
    followed by its own DequantizeLinear.
    """
    init = {i.name for i in graph.initializer}
    producer = {o: n for n in graph.node for o in n.output}
    by_shard: dict[int, tuple[str, str, str]] = {}
    for gather in graph.node:
        if gather.op_type != "Gather" or gather.input[0] not in init:
            continue
        compress = producer[gather.input[1]]
        squeeze = producer[compress.input[1]]
        cast = producer[squeeze.input[0]]
        shard = int(cast.input[0].rsplit(":", 1)[1])
        (dequantize,) = [
            n for n in graph.node if n.op_type == "DequantizeLinear" and n.input[0] == gather.output[0]
        ]
        by_shard[shard] = (gather.input[0], dequantize.input[1], dequantize.input[2])
    if sorted(by_shard) != list(range(SHARDS)):
        raise SystemExit(f"expected {SHARDS} embedding shards, found {sorted(by_shard)}")
    return [by_shard[s] for s in range(SHARDS)]


def build_bookkeeping(lean: LeanGraph, graph: onnx.GraphProto) -> None:
    init = {i.name: i for i in graph.initializer}
    tokens, splits = TOKENIZER_OUT, TOKENIZER_OUT[:-1] + "1"
    op, const = lean.op, lean.const
    # Tokens, their positions in the flat batch, and the sentence each belongs to.
    ids = op("Cast", [tokens], "lean/ids", to=TensorProto.INT64)
    n = op("Shape", [ids], "lean/n")
    zero, one = const("lean/zero", np.int64(0)), const("lean/one", np.int64(1))
    pos = op("Range", [zero, op("Squeeze", [n], "lean/n0", axes=[0]), one], "lean/pos")
    ends = op("Slice", [splits, const("lean/from1", [1]), const("lean/to_end", [2**62])], "lean/ends")
    starts = op("Slice", [splits, const("lean/from0", [0]), const("lean/to_last", [-1])], "lean/starts")
    pos_col = op("Unsqueeze", [pos], "lean/pos_col", axes=[1])
    past = op("GreaterOrEqual", [pos_col, op("Unsqueeze", [ends], "lean/ends_row", axes=[0])], "lean/past")
    sentence = op(
        "ReduceSum",
        [op("Cast", [past], "lean/past_i", to=TensorProto.INT64)],
        "lean/sentence",
        axes=[1],
        keepdims=0,
    )
    first = op("Unsqueeze", [op("Gather", [starts, sentence], "lean/first0")], "lean/first", axes=[1])
    stop = op("Unsqueeze", [op("Gather", [ends, sentence], "lean/stop0")], "lean/stop", axes=[1])
    window = op(
        "Add", [pos_col, const("lean/offsets", np.array([[-2, -1, 0, 1, 2]], np.int64))], "lean/window"
    )
    inside = op(
        "And",
        [op("GreaterOrEqual", [window, first], "lean/ge_first"), op("Less", [window, stop], "lean/lt_stop")],
        "lean/inside",
    )
    # Window slots outside the token's sentence point at row n: a zero row appended to each conv input.
    window_index = op("Where", [inside, window, n], "lean/window_index")

    # Embedding lookup ("mod" partitioning: shard id % 17, row id // 17), per-shard dequantization.
    shards = shard_tables(graph)
    shard = op("Mod", [ids, const("lean/shards", np.int64(SHARDS))], "lean/shard")
    row = op("Div", [ids, "lean/shards"], "lean/row")
    rows = [op("Gather", [table, row], f"lean/rows{s}") for s, (table, _, _) in enumerate(shards)]
    stacked = op("Concat", rows, "lean/stacked", axis=0)
    flat_index = op("Add", [op("Mul", [shard, n], "lean/shard_base"), pos], "lean/flat_index")
    picked = op("Gather", [stacked, flat_index], "lean/picked")
    scales = np.array([numpy_helper.to_array(init[s]) for _, s, _ in shards], np.float32)
    zero_points = np.array([numpy_helper.to_array(init[z]) for _, _, z in shards], np.float32)
    scale = op(
        "Unsqueeze",
        [op("Gather", [const("lean/scales", scales), shard], "lean/scale0")],
        "lean/scale",
        axes=[1],
    )
    zero_point = op(
        "Unsqueeze",
        [op("Gather", [const("lean/zero_points", zero_points), shard], "lean/zp0")],
        "lean/zp",
        axes=[1],
    )
    centred = op(
        "Sub", [op("Cast", [picked], "lean/picked_f", to=TensorProto.FLOAT), zero_point], "lean/centred"
    )
    op("Mul", [centred, scale], EMBEDDED)

    # The input of each n-gram convolution: its window rows side by side.
    zero_row = const("lean/zero_row", np.zeros((1, CNN_DIM), np.float32))
    for order, left in ORDERS.items():
        columns = op(
            "Slice",
            [
                window_index,
                const(f"lean/col0_{order}", [2 - left]),
                const(f"lean/col1_{order}", [2 - left + order]),
                const(f"lean/axis1_{order}", [1]),
            ],
            f"lean/columns{order}",
        )
        for conv, source in (
            (f"Ngram-{order}-Conv", f"ngram_order_{order}/LayerNorm/batchnorm/add_1:0"),
            (f"Ngram-{order}-Conv_1", f"ngram_order_{order}/add:0"),
        ):
            padded = op("Concat", [PREFIX + "CNN_layers/" + source, zero_row], f"lean/{conv}/padded", axis=0)
            rows_ = op("Gather", [padded, columns], f"lean/{conv}/rows")
            op(
                "Reshape",
                [rows_, const(f"lean/{conv}/shape", [-1, order * CNN_DIM])],
                f"{PREFIX}CNN_layers/ngram_order_{order}/{conv}/concat_2:0",
            )

    # sqrt-n combiner: sum of each sentence's token vectors, and sqrt of its token count.
    count = op("Shape", [ends], "lean/sentences")
    sentence_ids = op(
        "Unsqueeze",
        [op("Range", [zero, op("Squeeze", [count], "lean/b0", axes=[0]), one], "lean/ids_b")],
        "lean/sentence_ids",
        axes=[1],
    )
    member = op(
        "Equal", [sentence_ids, op("Unsqueeze", [sentence], "lean/sentence_row", axes=[0])], "lean/member"
    )
    onehot = op("Cast", [member], "lean/onehot", to=TensorProto.FLOAT)
    op("MatMul", [onehot, TOKEN_VECTORS], SEGMENT_SUM)
    op("Sqrt", [op("ReduceSum", [onehot], "lean/count", axes=[1], keepdims=1)], SQRT_COUNT)


def kept_nodes(graph: onnx.GraphProto, lean: LeanGraph) -> list[onnx.NodeProto]:
    """The original nodes still needed: walk back from the outputs and from the lean nodes' inputs,
    stopping at tensors the lean nodes make, initializers and graph inputs."""
    producer = {o: n for n in graph.node for o in n.output}
    made = {o for n in lean.nodes for o in n.output}
    known = made | {i.name for i in graph.initializer} | {c.name for c in lean.constants}
    known |= {i.name for i in graph.input} | {""}
    keep: dict[int, onnx.NodeProto] = {}
    stack = [o.name for o in graph.output] + [i for n in lean.nodes for i in n.input]
    seen: set[str] = set()
    while stack:
        tensor = stack.pop()
        if tensor in seen or tensor in known:
            continue
        seen.add(tensor)
        node = producer[tensor]
        keep[id(node)] = node
        stack.extend(node.input)
    return list(keep.values())


def topological(nodes: list[onnx.NodeProto], available: set[str]) -> list[onnx.NodeProto]:
    ordered: list[onnx.NodeProto] = []
    pending = nodes
    while pending:
        rest = []
        for node in pending:
            if all(i in available for i in node.input):
                ordered.append(node)
                available |= set(node.output)
            else:
                rest.append(node)
        if len(rest) == len(pending):
            raise SystemExit(f"unresolvable inputs: {[n.name for n in rest][:5]}")
        pending = rest
    return ordered


def externalize(model: onnx.ModelProto, source: Path) -> int:
    """Point every large initializer at its bytes inside the original file instead of storing a copy."""
    blob = source.read_bytes()
    moved = 0
    for tensor in model.graph.initializer:
        if len(tensor.raw_data) < EXTERNAL_MIN_BYTES:
            continue
        offset = blob.find(tensor.raw_data)
        if offset < 0:
            raise SystemExit(f"{tensor.name}: bytes not found in {source}")
        length = len(tensor.raw_data)
        tensor.ClearField("raw_data")
        tensor.data_location = TensorProto.EXTERNAL
        for key, value in (("location", source.name), ("offset", str(offset)), ("length", str(length))):
            entry = tensor.external_data.add()
            entry.key, entry.value = key, value
        moved += length
    return moved


def require_beside(source: Path, target: Path) -> None:
    """A lean graph reads its weights from the original file by name, so both must share a directory."""
    if source.resolve().parent != target.resolve().parent:
        raise SystemExit("the lean graph must sit beside the original: its weights are read from that file")


def save_lean(
    out: onnx.ModelProto, source: Path, target: Path, nodes: list[onnx.NodeProto], was: int
) -> None:
    """Point ``out``'s large weights into ``source`` (:func:`externalize`), write it to ``target``, and say
    what was written."""
    moved = externalize(out, source)
    onnx.save(out, str(target))
    kinds = collections.Counter(n.op_type for n in nodes)
    print(
        f"{len(nodes)} nodes (was {was}), {moved / 1e6:.1f} MB of weights read from {source.name}, "
        f"{os.path.getsize(target) / 1e6:.2f} MB written; {dict(kinds.most_common(6))}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", type=Path, help="the original USE graph (stays in place: it holds the weights)")
    ap.add_argument("target", type=Path, help="the lean graph to write, in the same directory")
    args = ap.parse_args()
    require_beside(args.source, args.target)
    model = onnx.load(str(args.source))
    graph = model.graph
    lean = LeanGraph()
    build_bookkeeping(lean, graph)
    original = kept_nodes(graph, lean)
    available = {i.name for i in graph.initializer} | {c.name for c in lean.constants} | {"inputs", ""}
    nodes = topological(original + lean.nodes, available)
    used = {i for n in nodes for i in n.input}
    initializers = [i for i in graph.initializer if i.name in used] + lean.constants
    out = helper.make_model(
        helper.make_graph(
            nodes, "use_multilingual_v3_lean", list(graph.input), list(graph.output), initializers
        ),
        opset_imports=list(model.opset_import),
        producer_name="agent_reuse training/lean_use.py",
    )
    out.ir_version = model.ir_version
    save_lean(out, args.source, args.target, nodes, len(graph.node))


if __name__ == "__main__":
    main()
