"""Writes a one-Conv ONNX model with constant weights to argv[1]: argv[2] input channels,
argv[3] output channels, argv[4] image size, then optionally argv[5] kernel size (3),
argv[6] stride (1) and argv[7] groups (1); pads of kernel // 2 on every side."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

path, c, k, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
kernel, stride, groups = (int(a) for a in (sys.argv[5:8] + ["3", "1", "1"][len(sys.argv[5:8]):]))
pad = kernel // 2
out = (size + 2 * pad - kernel) // stride + 1
count = k * (c // groups) * kernel * kernel
weights = numpy_helper.from_array(np.linspace(-1, 1, count, dtype=np.float32).reshape(k, c // groups, kernel, kernel), "w")
node = helper.make_node("Conv", ["x", "w"], ["y"], pads=[pad] * 4, strides=[stride] * 2, group=groups, name="conv")
graph = helper.make_graph([node], "conv",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, size, size])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, k, out, out])], [weights])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.save(model, path)
