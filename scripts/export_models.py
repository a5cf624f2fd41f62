#!/usr/bin/python3
"""Exports torchvision's ResNet-18, MobileNetV2 and SqueezeNet 1.1 to ONNX (opset 13).

Weights are random (nothing can be downloaded here) but fixed: every run with the same
seed writes the same models. BatchNorm running statistics and affine parameters are
randomized too, so folding them is a real test, and torch's own Conv+BatchNorm fusion
during export is turned off so the graphs keep their BatchNormalization nodes for
tessera's bn-fold pass.

For each model it writes <name>.onnx, a seeded input <name>.input.npy (1x3x224x224)
and torch's output for it, <name>.output.npy; with --batch N > 1 the files are
<name>_bN.* and the input is Nx3x224x224.

Usage: /usr/bin/python3 scripts/export_models.py --out build/models [--models resnet18,...] [--batch N]
Needs Debian's python3-torch, python3-torchvision and python3-onnx.
"""
import argparse
import os

import numpy as np
import torch
import torchvision

MODELS = {
    "resnet18": torchvision.models.resnet18,
    "mobilenet_v2": torchvision.models.mobilenet_v2,
    "squeezenet1_1": torchvision.models.squeezenet1_1,
}


def keep_batchnorm_nodes():
    """torch.onnx folds BatchNorm into Conv in eval mode; tessera's bn-fold does that."""
    torch._C._jit_pass_onnx_eval_peephole = lambda graph, params: params


def randomize_batchnorm(model, generator):
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            n = module.num_features
            module.running_mean.copy_(torch.randn(n, generator=generator) * 0.1)
            module.running_var.copy_(torch.rand(n, generator=generator) + 0.5)
            module.weight.data.copy_(torch.rand(n, generator=generator) + 0.5)
            module.bias.data.copy_(torch.randn(n, generator=generator) * 0.1)


def export(name, out_dir, seed, batch=1):
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = MODELS[name](weights=None)
    with torch.no_grad():
        randomize_batchnorm(model, generator)
    model.eval()
    x = torch.randn(batch, 3, 224, 224, generator=generator)
    if batch != 1:
        name = f"{name}_b{batch}"
    path = os.path.join(out_dir, name + ".onnx")
    torch.onnx.export(model, x, path, opset_version=13, input_names=["input"], output_names=["logits"])
    with torch.no_grad():
        y = model(x)
    np.save(os.path.join(out_dir, name + ".input.npy"), x.numpy())
    np.save(os.path.join(out_dir, name + ".output.npy"), y.numpy())
    print(f"export_models: wrote {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated subset of " + ", ".join(MODELS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=1, help="images per input; files are named NAME_bN when N > 1")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    keep_batchnorm_nodes()
    for name in args.models.split(","):
        if name not in MODELS:
            parser.error(f"unknown model '{name}'")
        export(name, args.out, args.seed, args.batch)


if __name__ == "__main__":
    main()
