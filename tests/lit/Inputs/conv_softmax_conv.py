"""Writes argv[1]: an ONNX model with an op the accelerator lacks in the middle:
Conv -> Relu -> Softmax over channels -> Conv -> Relu. Quantized, the Softmax stays in
float on the host between a DequantizeLinear and a QuantizeLinear, so the model runs as
host (quantize the input), accelerator, host (Softmax), accelerator, host (dequantize
the output)."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(16)
c, h, w = 16, 12, 12
weights = [
    numpy_helper.from_array(rng.uniform(-0.5, 0.5, (c, 3, 3, 3)).astype(np.float32), "w1"),
    numpy_helper.from_array(rng.uniform(-0.3, 0.3, (c, c, 3, 3)).astype(np.float32), "w2"),
    numpy_helper.from_array(rng.uniform(-0.1, 0.1, (c,)).astype(np.float32), "b1"),
    numpy_helper.from_array(rng.uniform(-0.1, 0.1, (c,)).astype(np.float32), "b2"),
]
nodes = [
    helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1], name="conv1"),
    helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
    helper.make_node("Softmax", ["r1"], ["s1"], axis=1, name="softmax1"),
    helper.make_node("Conv", ["s1", "w2", "b2"], ["c2"], pads=[1, 1, 1, 1], name="conv2"),
    helper.make_node("Relu", ["c2"], ["y"], name="relu2"),
]
graph = helper.make_graph(nodes, "conv_softmax_conv",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, h, w])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, c, h, w])], weights)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.save(model, sys.argv[1])
