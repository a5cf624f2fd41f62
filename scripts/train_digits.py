#!/usr/bin/python3
"""Trains the digits CNN that tessera's examples and quantization tests use.

The data set is scikit-learn's bundled handwritten digits (1,797 8x8 images, 10 classes;
no download). A fixed split (80% train, 20% held out) and fixed seeds make the result
reproducible; training takes a few seconds on one CPU core. Writes, under
examples/models/:

  digits_cnn.onnx            the trained model, opset 13, input "input" f32[1,1,8,8],
                             output "logits" f32[1,10]
  digits_test_x.npy          the held-out images, f32[N,1,8,8] (pixel / 16)
  digits_test_y.npy          their labels, i64[N]
  digits_calib/NN.npy        32 training images, f32[1,1,8,8] each (calibration set)
  digits_samples/NN_dK.npy   5 held-out images (K is the label), for the demo

Run with Debian's interpreter: /usr/bin/python3 scripts/train_digits.py
"""
import argparse
import os

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

SEED = 0


class DigitsCnn(nn.Module):
    """conv-relu, conv-relu, maxpool, conv-relu + residual add, two fully connected."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.conv3 = nn.Conv2d(32, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 4 * 4, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = torch.relu(self.conv1(x))
        x = self.pool(torch.relu(self.conv2(x)))
        x = torch.relu(x + torch.relu(self.conv3(x)))
        x = torch.flatten(x, 1)
        return self.fc2(torch.relu(self.fc1(x)))


def load_split():
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    y = digits.target.astype(np.int64)
    return train_test_split(x, y, test_size=0.2, random_state=SEED, stratify=y)


def train(model, x, y, epochs):
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    generator = torch.Generator().manual_seed(SEED)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    for _ in range(epochs):
        order = torch.randperm(len(xt), generator=generator)
        for start in range(0, len(xt), 32):
            batch = order[start:start + 32]
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(xt[batch]), yt[batch])
            loss.backward()
            optimizer.step()


def accuracy(model, x, y):
    with torch.no_grad():
        return float((model(torch.from_numpy(x)).argmax(1).numpy() == y).mean())


def write_arrays(out, x_train, x_test, y_test):
    np.save(os.path.join(out, "digits_test_x.npy"), x_test)
    np.save(os.path.join(out, "digits_test_y.npy"), y_test)
    for folder, images, names in (
            ("digits_calib", x_train[:32], ["%02d" % i for i in range(32)]),
            ("digits_samples", x_test[:5], ["%02d_d%d" % (i, y_test[i]) for i in range(5)])):
        os.makedirs(os.path.join(out, folder), exist_ok=True)
        for image, name in zip(images, names):
            np.save(os.path.join(out, folder, name + ".npy"), image[None])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "examples", "models"))
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(1)
    x_train, x_test, y_train, y_test = load_split()
    model = DigitsCnn()
    train(model, x_train, y_train, args.epochs)
    model.eval()
    print("train top-1 %.4f, held-out top-1 %.4f (%d images)" %
          (accuracy(model, x_train, y_train), accuracy(model, x_test, y_test), len(y_test)))
    os.makedirs(args.out, exist_ok=True)
    torch.onnx.export(model, torch.zeros(1, 1, 8, 8), os.path.join(args.out, "digits_cnn.onnx"),
                      input_names=["input"], output_names=["logits"], opset_version=13)
    write_arrays(args.out, x_train, x_test, y_test)


if __name__ == "__main__":
    main()
