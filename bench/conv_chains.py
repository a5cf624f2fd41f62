"""Writes chains of 3x3 convs (C -> C channels, pads 1, bias) + ReLU at S x S with seeded
weights as ONNX models, with their input (NAME.npy for `tessera run`, NAME.bin and
NAME.bin.shape for bench/ort_bench.js), into the folder argv[1]:
l1 (C 64, S 56, one conv), l1x4 (64, 56, four), l2x4 (128, 28, four), l3x4 (256, 14,
four), l4x4 (512, 7, four). The conv chains of docs/performance.md ("Row-split
convolutions")."""
import json
import os
import sys

import numpy as np
import torch

CHAINS = {"l1": (64, 56, 1), "l1x4": (64, 56, 4), "l2x4": (128, 28, 4), "l3x4": (256, 14, 4), "l4x4": (512, 7, 4)}


def chain(channels, convs):
    layers = []
    for _ in range(convs):
        conv = torch.nn.Conv2d(channels, channels, 3, padding=1)
        torch.nn.init.normal_(conv.weight, std=(2.0 / (9 * channels)) ** 0.5)
        layers += [conv, torch.nn.ReLU()]
    return torch.nn.Sequential(*layers).eval()


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    for name, (channels, size, convs) in CHAINS.items():
        model = chain(channels, convs)
        x = torch.randn(1, channels, size, size)
        torch.onnx.export(model, x, os.path.join(out, name + ".onnx"), opset_version=13, input_names=["input"],
                          output_names=["out"])
        np.save(os.path.join(out, name + ".npy"), x.numpy())
        x.numpy().astype("<f4").tofile(os.path.join(out, name + ".bin"))
        with open(os.path.join(out, name + ".bin.shape"), "w") as f:
            f.write(json.dumps(list(x.shape)))
        print(f"conv_chains: wrote {name}.onnx")


if __name__ == "__main__":
    main()
