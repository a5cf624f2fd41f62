#!/usr/bin/python3
"""The peer of bench/gpu_model_bench on a GPU: PyTorch (cuDNN/cuBLAS) on the same
architectures (scripts/export_models.py's constructors, batch 1, fp32 with TF32 off),
timed like gpu_model_bench's forward: input already on the device, output copied back,
median of --repeat runs after 10 warm-ups. Two ways: eager (a Python call and a launch
per op) and the forward captured once as a CUDA graph and replayed (the kernels alone,
no per-op launch cost).

Usage: python3 bench/gpu_torch_peer.py --models resnet18,mlp [--repeat 50]
Prints one line per model: "peer NAME torch_ms EAGER graph_ms GRAPH".
"""
import argparse
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import export_models  # noqa: E402


def median_ms(forward, repeat):
    times = []
    for i in range(10 + repeat):
        torch.cuda.synchronize()
        start = time.perf_counter()
        forward().cpu()
        if i >= 10:
            times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def time_model(name, repeat):
    make, shape = export_models.MODELS[name]
    torch.manual_seed(0)
    model = make().eval().cuda()
    x = torch.randn(1, *shape, device="cuda")
    with torch.no_grad():
        eager = median_ms(lambda: model(x), repeat)
        side = torch.cuda.Stream()  # warm-up on a side stream, as CUDA graph capture requires
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):
                model(x)
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            y = model(x)

        def replay():
            graph.replay()
            return y

        graphed = median_ms(replay, repeat)
    return eager, graphed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", required=True, help="comma-separated names of scripts/export_models.py")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    if not torch.cuda.is_available():
        sys.exit("gpu_torch_peer: no CUDA device")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    print(f"peer device {torch.cuda.get_device_name(0)} torch {torch.__version__} cudnn {torch.backends.cudnn.version()}")
    for name in args.models.split(","):
        if name not in export_models.MODELS:
            print(f"peer {name}: not one of scripts/export_models.py's architectures, not timed")
            continue
        eager, graphed = time_model(name, args.repeat)
        print(f"peer {name} torch_ms {eager:.4f} graph_ms {graphed:.4f}", flush=True)


if __name__ == "__main__":
    main()
