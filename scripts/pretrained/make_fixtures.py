#!/usr/bin/python3
"""Pretrained-model fixtures made by real PyTorch (issue 13, point 4).

Trains a small MLP (784-64-10) and a small CNN (conv 8 -> pool -> conv 16 -> pool -> dense 10)
on Fashion-MNIST with PyTorch, exports both to ONNX (opset 13, as most PyTorch users export),
and writes PyTorch's own outputs on a few saved test images, so the tests can check an import
against PyTorch to 1e-4 without PyTorch (CI does not need it). Also exports a model with an
operator Transferlab does not convert (Erf, from GELU), for the refusal test.

Run with Debian's interpreter, which has python3-torch and python3-onnx:
    /usr/bin/python3 scripts/pretrained/make_fixtures.py [--out test/fixtures/pretrained]
The output is deterministic for a given torch build (seeded, one thread).
"""
import argparse
import gzip
import json
import os

import numpy as np
import torch
from torch import nn

FASHION = "/usr/share/datasets/fashion-mnist"
SEED = 12
TRAIN_ROWS = 6000
SAVED_INPUTS = 8


def idx(name: str) -> np.ndarray:
    with gzip.open(os.path.join(FASHION, name), "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class Mlp(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.hidden = nn.Linear(784, 64)
        self.out = nn.Linear(64, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(torch.relu(self.hidden(x)))


class Cnn(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.out = nn.Linear(16 * 6 * 6, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 2)  # 28 -> 14
        x = torch.max_pool2d(torch.relu(self.conv2(x)), 2)  # 12 -> 6
        return self.out(torch.flatten(x, 1))


class Unsupported(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.hidden = nn.Linear(784, 16)
        self.out = nn.Linear(16, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(nn.functional.gelu(self.hidden(x)))


def train(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> None:
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    for epoch in range(2):
        order = torch.randperm(len(x))
        for start in range(0, len(x), 64):
            batch = order[start:start + 64]
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
    model.eval()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="test/fixtures/pretrained")
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(SEED)
    torch.set_num_threads(1)

    images = idx("train-images-idx3-ubyte.gz")[:TRAIN_ROWS].astype(np.float32) / 255
    labels = idx("train-labels-idx1-ubyte.gz")[:TRAIN_ROWS].astype(np.int64)
    test = idx("t10k-images-idx3-ubyte.gz")[:SAVED_INPUTS].astype(np.float32) / 255
    flat = torch.from_numpy(images.reshape(-1, 784))
    y = torch.from_numpy(labels)
    saved = torch.from_numpy(test.reshape(-1, 784))

    outputs = {}
    models = {
        "mlp": (Mlp(), flat, lambda rows: rows),
        "cnn": (Cnn(), flat.reshape(-1, 1, 28, 28), lambda rows: rows.reshape(-1, 1, 28, 28)),
    }
    for name, (model, x, shape) in models.items():
        train(model, x, y)
        with torch.no_grad():
            outputs[name] = model(shape(saved)).tolist()
        torch.onnx.export(
            model, shape(saved[:1]), os.path.join(out, f"{name}.onnx"), opset_version=13,
            input_names=["input"], output_names=["logits"],
            dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
        )
    unsupported = Unsupported().eval()
    torch.onnx.export(unsupported, saved[:1], os.path.join(out, "unsupported.onnx"),
                      opset_version=13, input_names=["input"], output_names=["logits"])

    with open(os.path.join(out, "inputs.json"), "w") as f:
        json.dump({"mlp": saved.tolist(), "cnn": saved.tolist()}, f)
    with open(os.path.join(out, "outputs.json"), "w") as f:
        json.dump(outputs, f)
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write(
            "# Pretrained-model fixtures (issue 13)\n\n"
            "Made by `/usr/bin/python3 scripts/pretrained/make_fixtures.py` with torch "
            f"{torch.__version__}: an MLP 784-64-10 and a CNN (conv 8 + batch norm, pool, conv 16, "
            "pool, dense 10) trained for 2 epochs on the first 6,000 Fashion-MNIST training images, "
            "exported to ONNX (opset 13, batch axis dynamic). `inputs.json` holds the first "
            f"{SAVED_INPUTS} t10k images as rows of 784 pixels in [0, 1] (the CNN reads each as "
            "1x28x28, NCHW); `outputs.json` PyTorch's logits for them. `unsupported.onnx` uses GELU "
            "(exported as Erf), which Transferlab does not convert.\n"
        )


if __name__ == "__main__":
    main()
