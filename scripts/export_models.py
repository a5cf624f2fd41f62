#!/usr/bin/python3
"""Exports the benchmark set of model architectures to ONNX (opset 13).

Image models are Debian's python3-torchvision constructors (batch 1, 1x3x224x224):
ResNet-18, MobileNetV2, SqueezeNet 1.1, EfficientNet-B0 (5x5 depthwise, SiLU,
squeeze-and-excitation), ShuffleNetV2 x1.0 (channel shuffle), DenseNet-121 (concat-heavy
dense blocks), GoogLeNet (inception branches), MobileNetV3-Small (HardSwish, hard
squeeze-and-excitation), MnasNet 1.0 and RegNetY-400MF (group convs, squeeze-and-
excitation). Two more are built here: `encoder` (a BERT-style torch.nn.TransformerEncoder,
4 layers, hidden 128, 4 heads, feed-forward 512, sequence 32: input 1x32x128) and `mlp`
(784-512-256-10: input 1x784).

Weights are random (nothing can be downloaded here) but fixed: every run with the same
seed writes the same models. BatchNorm running statistics are those of the layer's own
inputs -- measured by running seeded random images through the network in training mode
-- so every layer's output is normalized as in a trained network and activations neither
vanish nor blow up through 50+ layers; the affine parameters are randomized around 1 and
0 so folding them is a real test. torch's own Conv+BatchNorm fusion during export is
turned off so the graphs keep their BatchNormalization nodes for tessera's bn-fold pass.

For each model it writes <name>.onnx, a seeded input <name>.input.npy and torch's output
for it, <name>.output.npy; with --batch N > 1 the files are <name>_bN.* and the input's
first dimension is N.

Usage: /usr/bin/python3 scripts/export_models.py --out build/models [--models resnet18,...] [--batch N]
       /usr/bin/python3 scripts/export_models.py --list
Needs Debian's python3-torch, python3-torchvision and python3-onnx.
"""
import argparse
import inspect
import os

import numpy as np
import torch
import torchvision

IMAGE = (3, 224, 224)


def encoder():
    layer = torch.nn.TransformerEncoderLayer(d_model=128, nhead=4, dim_feedforward=512, batch_first=True,
                                             dropout=0.0)
    return torch.nn.TransformerEncoder(layer, num_layers=4, enable_nested_tensor=False)


def mlp():
    return torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 256),
                               torch.nn.ReLU(), torch.nn.Linear(256, 10))


def googlenet():
    return torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True)


# name -> (constructor, input shape without the batch dimension)
MODELS = {
    "resnet18": (lambda: torchvision.models.resnet18(weights=None), IMAGE),
    "mobilenet_v2": (lambda: torchvision.models.mobilenet_v2(weights=None), IMAGE),
    "squeezenet1_1": (lambda: torchvision.models.squeezenet1_1(weights=None), IMAGE),
    "efficientnet_b0": (lambda: torchvision.models.efficientnet_b0(weights=None), IMAGE),
    "shufflenet_v2_x1_0": (lambda: torchvision.models.shufflenet_v2_x1_0(weights=None), IMAGE),
    "densenet121": (lambda: torchvision.models.densenet121(weights=None), IMAGE),
    "googlenet": (googlenet, IMAGE),
    "mobilenet_v3_small": (lambda: torchvision.models.mobilenet_v3_small(weights=None), IMAGE),
    "mnasnet1_0": (lambda: torchvision.models.mnasnet1_0(weights=None), IMAGE),
    "regnet_y_400mf": (lambda: torchvision.models.regnet_y_400mf(weights=None), IMAGE),
    "encoder": (encoder, (32, 128)),
    "mlp": (mlp, (784,)),
}
# The three models the CPU path was first tuned on: the default of --models.
DEFAULT = "resnet18,mobilenet_v2,squeezenet1_1"


def keep_batchnorm_nodes():
    """torch.onnx folds BatchNorm into Conv in eval mode; tessera's bn-fold does that."""
    torch._C._jit_pass_onnx_eval_peephole = lambda graph, params: params


def realistic_batchnorm(model, shape, generator):
    """Running statistics measured on the layer's own inputs, affine parameters near (1, 0)."""
    norms = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # a cumulative average over the calibration batches
    model.train()
    with torch.no_grad():
        for _ in range(4):
            model(torch.randn(8, *shape, generator=generator))
        for norm in norms:
            n = norm.num_features
            norm.weight.copy_(torch.rand(n, generator=generator) * 0.5 + 0.75)
            norm.bias.copy_(torch.randn(n, generator=generator) * 0.1)


def export(name, out_dir, seed, batch=1):
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    make, shape = MODELS[name]
    model = make()
    realistic_batchnorm(model, shape, generator)
    model.eval()
    x = torch.randn(batch, *shape, generator=generator)
    if batch != 1:
        name = f"{name}_b{batch}"
    path = os.path.join(out_dir, name + ".onnx")
    # Newer torch exports through dynamo by default (opset 18); the TorchScript exporter
    # keeps opset 13 and the BatchNormalization nodes. Its newer versions lower attention
    # to scaled_dot_product_attention, which needs opset 14.
    legacy = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    try:
        torch.onnx.export(model, x, path, opset_version=13, input_names=["input"], output_names=["logits"], **legacy)
    except torch.onnx.errors.UnsupportedOperatorError as error:
        print(f"export_models: {name}: {error}; exporting with opset 14")
        torch.onnx.export(model, x, path, opset_version=14, input_names=["input"], output_names=["logits"], **legacy)
    with torch.no_grad():
        y = model(x)
    np.save(os.path.join(out_dir, name + ".input.npy"), x.numpy())
    np.save(os.path.join(out_dir, name + ".output.npy"), y.numpy())
    print(f"export_models: wrote {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="output directory")
    parser.add_argument("--models", default=DEFAULT,
                        help="comma-separated names, or 'all'; known: " + ", ".join(MODELS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=1, help="inputs per run; files are named NAME_bN when N > 1")
    parser.add_argument("--list", action="store_true", help="print the known model names and exit")
    args = parser.parse_args()
    if args.list:
        print(" ".join(MODELS))
        return
    if not args.out:
        parser.error("--out is required")
    names = list(MODELS) if args.models == "all" else args.models.split(",")
    for name in names:
        if name not in MODELS:
            parser.error(f"unknown model '{name}'; known: " + ", ".join(MODELS))
    os.makedirs(args.out, exist_ok=True)
    keep_batchnorm_nodes()
    for name in names:
        export(name, args.out, args.seed, args.batch)


if __name__ == "__main__":
    main()
