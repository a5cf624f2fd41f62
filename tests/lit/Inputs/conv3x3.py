"""Writes a one-Conv ONNX model (3x3, pads 1, constant weights) to argv[1]:
argv[2] input channels, argv[3] output channels, argv[4] image size."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

path, c, k, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
weights = numpy_helper.from_array(np.linspace(-1, 1, k * c * 9, dtype=np.float32).reshape(k, c, 3, 3), "w")
node = helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1], name="conv")
graph = helper.make_graph([node], "conv3x3",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, size, size])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, k, size, size])], [weights])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.save(model, path)
