#!/usr/bin/python3
"""Exports the two models of the heterogeneous-execution figures (docs/performance.md,
"Heterogeneous execution"): torchvision's EfficientNet-B0 (SiLU, squeeze-and-excitation,
5x5 depthwise blocks; 1x3x224x224) and a BERT-style encoder (torch.nn.TransformerEncoder:
4 layers, hidden 128, 4 heads, feed-forward 512, sequence 32; 1x32x128). Weights are
seeded (nothing is downloaded). Usage: bench/heterogeneous/export.py OUT_DIR
"""
import os
import sys

import torch
import torchvision


def export(model, shape, path):
    torch.manual_seed(0)
    x = torch.randn(*shape)
    torch.onnx.export(model.eval(), x, path, opset_version=13, input_names=["input"], output_names=["out"])
    print(f"export: wrote {path}")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "build/models"
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    export(torchvision.models.efficientnet_b0(weights=None), (1, 3, 224, 224), os.path.join(out, "efficientnet_b0.onnx"))
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(d_model=128, nhead=4, dim_feedforward=512, batch_first=True, dropout=0.0)
    encoder = torch.nn.TransformerEncoder(layer, num_layers=4, enable_nested_tensor=False)
    export(encoder, (1, 32, 128), os.path.join(out, "encoder_4x128.onnx"))


if __name__ == "__main__":
    main()
