#!/usr/bin/python3
"""Writes examples/models/qdq_conv.onnx: a small already-quantized (QDQ) model.

input f32[1,2,4,4] -> QuantizeLinear -> DequantizeLinear -> Conv (int8 weights behind a
per-channel DequantizeLinear, f32 bias) -> Relu -> QuantizeLinear -> DequantizeLinear
-> Add (with a second QDQ branch of the input) -> QuantizeLinear -> DequantizeLinear ->
output. Fixed values (seed 0), opset 13. `tessera opt examples/models/qdq_conv.onnx
--passes=qdq-import` folds it into QConv and QAdd (docs/quantization.md).

Run with Debian's interpreter: /usr/bin/python3 scripts/make_qdq_example.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def main():
    rng = np.random.default_rng(0)
    inits = [
        const("s_in", np.float32(0.02)), const("z", np.int8(0)),
        const("w_q", rng.integers(-127, 128, size=(2, 2, 3, 3), dtype=np.int8)),
        const("s_w", np.array([0.01, 0.02], dtype=np.float32)), const("z_w", np.zeros(2, dtype=np.int8)),
        const("bias", np.array([0.1, -0.2], dtype=np.float32)),
        const("s_conv", np.float32(0.05)), const("s_sum", np.float32(0.06)),
    ]
    nodes = [
        helper.make_node("QuantizeLinear", ["input", "s_in", "z"], ["x_q"]),
        helper.make_node("DequantizeLinear", ["x_q", "s_in", "z"], ["x"]),
        helper.make_node("DequantizeLinear", ["w_q", "s_w", "z_w"], ["w"], axis=0),
        helper.make_node("Conv", ["x", "w", "bias"], ["conv"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["conv"], ["relu"]),
        helper.make_node("QuantizeLinear", ["relu", "s_conv", "z"], ["relu_q"]),
        helper.make_node("DequantizeLinear", ["relu_q", "s_conv", "z"], ["relu_dq"]),
        helper.make_node("Add", ["relu_dq", "x"], ["sum"]),
        helper.make_node("QuantizeLinear", ["sum", "s_sum", "z"], ["sum_q"]),
        helper.make_node("DequantizeLinear", ["sum_q", "s_sum", "z"], ["output"]),
    ]
    graph = helper.make_graph(
        nodes, "qdq_conv", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 2, 4, 4])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 2, 4, 4])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    out = os.path.join(os.path.dirname(__file__), "..", "examples", "models", "qdq_conv.onnx")
    onnx.save(model, out)
    print("wrote", os.path.normpath(out))


if __name__ == "__main__":
    main()
