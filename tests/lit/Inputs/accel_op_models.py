"""Writes a small ONNX model for the accelerator-op tests: argv[1] names it, argv[2] is the file.

  se          conv 3x3 + relu, then squeeze-and-excitation: GlobalAveragePool -> Conv 1x1
              -> Relu -> Conv 1x1 -> Sigmoid -> Mul (the block's activation times its
              per-channel gate)
  se_clip     the same block with the gate Clip(0, 1) instead of Sigmoid (every op has an
              int8 form)
  attention   one head: Q = x Wq, K = x Wk, V = x Wv, scores = Q K^T (MatMul of two
              activations), Softmax, out = scores V (MatMul of two activations)
  attention_batched   [B, heads, S, D] x [B, heads, D, S] batched MatMuls, no Softmax
  batch2      a conv net (conv, relu, maxpool, conv, relu, global pool, flatten, gemm) at batch 2

Weights come from a seeded generator, so the files are the same on every run.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(16)


def weight(name, shape, scale=0.3):
    return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)


def value(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def se(gate):
    c, r = 32, 8
    inits = [weight("w0", (c, 16, 3, 3)), weight("b0", (c,), 0.1), weight("w1", (r, c, 1, 1)), weight("b1", (r,), 0.1),
             weight("w2", (c, r, 1, 1)), weight("b2", (c,), 0.1)]
    gate_nodes = ([helper.make_node("Sigmoid", ["e"], ["g"], name="gate")] if gate == "sigmoid" else
                  [numpy_helper.from_array(np.float32(0), "lo"), numpy_helper.from_array(np.float32(1), "hi")])
    if gate == "clip":
        inits += gate_nodes
        gate_nodes = [helper.make_node("Clip", ["e", "lo", "hi"], ["g"], name="gate")]
    nodes = [
        helper.make_node("Conv", ["x", "w0", "b0"], ["c0"], pads=[1, 1, 1, 1], name="conv"),
        helper.make_node("Relu", ["c0"], ["y"], name="relu"),
        helper.make_node("GlobalAveragePool", ["y"], ["p"], name="squeeze"),
        helper.make_node("Conv", ["p", "w1", "b1"], ["c1"], name="reduce"),
        helper.make_node("Relu", ["c1"], ["r"], name="reduce_relu"),
        helper.make_node("Conv", ["r", "w2", "b2"], ["e"], name="expand"),
    ] + gate_nodes + [helper.make_node("Mul", ["y", "g"], ["out"], name="scale")]
    return helper.make_graph(nodes, "se_" + gate, [value("x", [1, 16, 8, 8])], [value("out", [1, c, 8, 8])], inits)


def attention():
    s, e, d = 16, 32, 16
    inits = [weight("wq", (e, d)), weight("wk", (d, e)), weight("wv", (e, d))]
    nodes = [
        helper.make_node("MatMul", ["x", "wq"], ["q"], name="q_proj"),
        helper.make_node("MatMul", ["x", "wv"], ["v"], name="v_proj"),
        helper.make_node("MatMul", ["wk", "xt"], ["kt"], name="k_proj"),
        helper.make_node("MatMul", ["q", "kt"], ["scores"], name="qk"),
        helper.make_node("Softmax", ["scores"], ["probs"], axis=-1, name="softmax"),
        helper.make_node("MatMul", ["probs", "v"], ["out"], name="pv"),
    ]
    inputs = [value("x", [s, e]), value("xt", [e, s])]
    return helper.make_graph(nodes, "attention", inputs, [value("out", [s, d])], inits)


def attention_batched():
    b, h, s, d = 2, 2, 8, 16
    nodes = [
        helper.make_node("MatMul", ["q", "kt"], ["scores"], name="qk"),
        helper.make_node("MatMul", ["scores", "v"], ["out"], name="pv"),
    ]
    inputs = [value("q", [b, h, s, d]), value("kt", [b, h, d, s]), value("v", [b, h, s, d])]
    return helper.make_graph(nodes, "attention_batched", inputs, [value("out", [b, h, s, d])], [])


def batch2():
    inits = [weight("w0", (16, 3, 3, 3)), weight("b0", (16,), 0.1), weight("w1", (32, 16, 3, 3), 0.1),
             weight("b1", (32,), 0.1), weight("fc", (10, 32), 0.3), weight("fcb", (10,), 0.1)]
    nodes = [
        helper.make_node("Conv", ["x", "w0", "b0"], ["c0"], pads=[1, 1, 1, 1], name="conv0"),
        helper.make_node("Relu", ["c0"], ["r0"], name="relu0"),
        helper.make_node("MaxPool", ["r0"], ["p0"], kernel_shape=[2, 2], strides=[2, 2], name="pool"),
        helper.make_node("Conv", ["p0", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1], name="conv1"),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("GlobalAveragePool", ["r1"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "fc", "fcb"], ["out"], transB=1, name="fc"),
    ]
    return helper.make_graph(nodes, "batch2", [value("x", [2, 3, 16, 16])], [value("out", [2, 10])], inits)


BUILDERS = {"se": lambda: se("sigmoid"), "se_clip": lambda: se("clip"), "attention": attention,
            "attention_batched": attention_batched, "batch2": batch2}

model = helper.make_model(BUILDERS[sys.argv[1]](), opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, sys.argv[2])
