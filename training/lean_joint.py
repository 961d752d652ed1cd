"""Rewrite the joint parser graph so that each layer's attention is one onnxruntime kernel, not ~30 nodes.

Why: the parser's encoder run is most of a request's local cost (about two thirds of the hit path), and a
short request is dominated by per-node overhead, not arithmetic. The graph torch exported computes each
layer's attention as Shape/Gather/Unsqueeze/Concat chains that build the head shapes at run time, three
Reshapes and four Transposes, the score MatMul, a Div, the mask Add, Softmax and the context MatMul.
onnxruntime's own optimizer folds some of that (the Div into a FusedMatMul, the Add and layer norm into a
SkipLayerNormalization) but still runs 228 nodes. onnxruntime's contrib op ``MultiHeadAttention``
(``com.microsoft``, part of every onnxruntime build) does the same maths in one kernel: softmax(QKᵀ/√d +
mask)·V with a -10000 bias on padded keys, which is exactly what ``training/model.py`` computes.

This tool keeps every node that does the model's maths unchanged: the quantized projections (with their
dynamic int8 quantization), the layer norms, GELU and the heads. It replaces, per layer, everything from
the Q/K/V bias adds to the merged context vector with one ``MultiHeadAttention`` whose key padding mask is
the request's ``attention_mask`` as int32; the then unused mask arithmetic and shape chains are dropped.
Measured: the outputs are bit-identical to the original graph's (the original's FusedMatMul already
multiplies by 1/√d), 93 nodes run instead of 228 after onnxruntime's own fusions, and the encoder run is
about 20 % faster on one thread.

The weights are not copied: the new graph stores them as ONNX *external data* that points at their bytes
inside the original file (as ``training/lean_use.py`` does for the embedder), so the repository gains a
small graph, not a second 24 MB.

Run with the training venv (needs the ``onnx`` package, which the runtime does not), after
``training/prune_vocab.py`` has written the final ``joint.int8.onnx``:
    .venv-train/bin/python training/lean_joint.py models/nlu/joint.int8.onnx models/nlu/joint.lean.onnx
``tests/engine/test_parser_lean.py`` checks the result against the original graph.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import onnx
from onnx import TensorProto, helper

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from training.lean_use import require_beside, save_lean, topological  # noqa: E402

HEADS = 12
MASK = "lean/key_padding_mask"


def node_named(graph: onnx.GraphProto, name: str) -> onnx.NodeProto:
    for node in graph.node:
        if node.name == name:
            return node
    raise SystemExit(f"node {name} not found: is this the graph training/export_nlu.py writes?")


def layer_indices(graph: onnx.GraphProto) -> list[int]:
    return sorted(
        {int(n.name.split("/")[1].split(".")[1]) for n in graph.node if n.name.startswith("/layers.")}
    )


def attention_nodes(graph: onnx.GraphProto) -> tuple[list[onnx.NodeProto], set[str]]:
    """One MultiHeadAttention per layer, reading the Q/K/V projections (bias added) and writing the tensor
    the layer's merged-heads Reshape wrote; returns the new nodes and the names of the Reshapes they replace."""
    nodes = [helper.make_node("Cast", ["attention_mask"], [MASK], to=TensorProto.INT32, name=MASK)]
    replaced: set[str] = set()
    for layer in layer_indices(graph):
        prefix = f"/layers.{layer}/"
        q, k, v = (node_named(graph, f"{prefix}{x}/Add").output[0] for x in "qkv")
        merged = node_named(graph, f"{prefix}Reshape_3")
        nodes.append(
            helper.make_node(
                "MultiHeadAttention",
                [q, k, v, "", MASK],
                [merged.output[0]],
                domain="com.microsoft",
                num_heads=HEADS,
                name=f"lean/layers.{layer}/attention",
            )
        )
        replaced.add(merged.name)
    return nodes, replaced


def live_nodes(nodes: list[onnx.NodeProto], outputs: list[str]) -> list[onnx.NodeProto]:
    """The nodes the outputs depend on (the old attention's shape chains and mask arithmetic fall away)."""
    producer = {o: n for n in nodes for o in n.output}
    keep: dict[int, onnx.NodeProto] = {}
    stack = list(outputs)
    seen: set[str] = set()
    while stack:
        tensor = stack.pop()
        if tensor in seen or tensor not in producer:
            continue
        seen.add(tensor)
        node = producer[tensor]
        keep[id(node)] = node
        stack.extend(i for i in node.input if i)
    return [n for n in nodes if id(n) in keep]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "source", type=Path, help="the exported int8 parser graph (stays in place: it holds the weights)"
    )
    ap.add_argument("target", type=Path, help="the lean graph to write, in the same directory")
    args = ap.parse_args()
    require_beside(args.source, args.target)
    model = onnx.load(str(args.source))
    graph = model.graph
    attention, replaced = attention_nodes(graph)
    candidates = [n for n in graph.node if n.name not in replaced] + attention
    live = live_nodes(candidates, [o.name for o in graph.output])
    available = {i.name for i in graph.initializer} | {i.name for i in graph.input} | {""}
    nodes = topological(live, available)
    used = {i for n in nodes for i in n.input}
    initializers = [i for i in graph.initializer if i.name in used]
    # The shapes torch recorded: onnxruntime fuses Add + LayerNormalization into SkipLayerNormalization only
    # where it knows them, and without the fusion the outputs differ from the original's in the 4th digit.
    made = {o for n in nodes for o in n.output}
    shapes = [v for v in graph.value_info if v.name in made]
    opsets = list(model.opset_import)
    if not any(o.domain == "com.microsoft" for o in opsets):
        opsets.append(helper.make_opsetid("com.microsoft", 1))
    out = helper.make_model(
        helper.make_graph(
            nodes,
            "agent_reuse_joint_lean",
            list(graph.input),
            list(graph.output),
            initializers,
            value_info=shapes,
        ),
        opset_imports=opsets,
        producer_name="agent_reuse training/lean_joint.py",
    )
    out.ir_version = model.ir_version
    onnx.checker.check_model(out)
    save_lean(out, args.source, args.target, nodes, len(graph.node))


if __name__ == "__main__":
    main()
