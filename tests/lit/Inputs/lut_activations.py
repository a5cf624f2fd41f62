"""Writes Conv -> ACT -> Conv as ONNX (argv[2]), ACT from argv[1]: sigmoid, silu
(x * Sigmoid(x)), gelu (x * (Erf(x / sqrt 2) + 1) * 0.5, as exporters write it before
opset 20), hardswish, tanh or hardsigmoid. Fixed weights, NCHW [1,8,6,6] input."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

act, path = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(5)
w1 = numpy_helper.from_array(rng.uniform(-0.5, 0.5, (16, 8, 3, 3)).astype(np.float32), "w1")
b1 = numpy_helper.from_array(rng.uniform(-0.5, 0.5, 16).astype(np.float32), "b1")
w2 = numpy_helper.from_array(rng.uniform(-0.3, 0.3, (16, 16, 3, 3)).astype(np.float32), "w2")
nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c"], pads=[1, 1, 1, 1], name="conv1")]
scalars = [numpy_helper.from_array(np.array(v, dtype=np.float32), n)
           for n, v in (("sqrt2", np.sqrt(2.0)), ("one", 1.0), ("half", 0.5))]
if act == "gelu":
    nodes += [helper.make_node("Div", ["c", "sqrt2"], ["d"], name="gelu_div"),
              helper.make_node("Erf", ["d"], ["e"], name="gelu_erf"),
              helper.make_node("Add", ["e", "one"], ["p"], name="gelu_add"),
              helper.make_node("Mul", ["c", "p"], ["m"], name="gelu_mul"),
              helper.make_node("Mul", ["m", "half"], ["a"], name="gelu_half")]
elif act == "silu":
    nodes += [helper.make_node("Sigmoid", ["c"], ["s"], name="sigmoid"),
              helper.make_node("Mul", ["c", "s"], ["a"], name="silu")]
else:
    op = {"sigmoid": "Sigmoid", "hardswish": "HardSwish", "tanh": "Tanh", "hardsigmoid": "HardSigmoid"}[act]
    nodes.append(helper.make_node(op, ["c"], ["a"], name=act))
nodes.append(helper.make_node("Conv", ["a", "w2"], ["y"], pads=[1, 1, 1, 1], name="conv2"))
graph = helper.make_graph(nodes, "conv_" + act + "_conv",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 6, 6])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16, 6, 6])], [w1, b1, w2] + (scalars if act == "gelu" else []))
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
model.ir_version = 8
onnx.save(model, path)
