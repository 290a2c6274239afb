"""PyTorch peer for `npm run bench` (bench/run.ts): the same workloads as the engine's side.

Run by bench/run.ts through Debian's interpreter, /usr/bin/python3 (python3-torch, with
libopenblas0-pthread so torch's BLAS is OpenBLAS, not the reference one), on one thread; or, with
`--device cuda`, on a GPU machine's PyTorch (bench/gpu/run-on-gpu.sh). Prints one JSON object on
stdout.

Each workload mirrors bench/workloads.ts: same layers, batch, loss, Adam (lr 1e-3), and a step
that gathers a shuffled batch of rows from the whole set, as the engine's training loop does. On
CUDA the whole set sits on the GPU and each batch is gathered there (as the engine's loop does on
WebGPU, issue 15), TF32 is off (cuDNN's convolutions use it by default: the engine computes in
FP32), and the timed section starts and ends with torch.cuda.synchronize(): CUDA kernels run
asynchronously, and without it only their launches would be timed.
"""

import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path}: not a uint8 IDX file")
    rank = raw[3]
    shape = struct.unpack(">" + "I" * rank, raw[4 : 4 + 4 * rank])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(shape)


def workload(name, rows, fashion_dir, batch):
    rng = np.random.default_rng(0)
    if name == "mlp20":
        x = rng.standard_normal((rows, 20), dtype=np.float32)
        y = (x @ rng.standard_normal(20).astype(np.float32) > 0).astype(np.float32)
        model = nn.Sequential(nn.Linear(20, 10), nn.ReLU(), nn.Linear(10, 1))
        loss_fn = nn.BCEWithLogitsLoss()
        return model, torch.from_numpy(x), torch.from_numpy(y).reshape(-1, 1), loss_fn, batch or 32
    if fashion_dir:
        images = read_idx(os.path.join(fashion_dir, "train-images-idx3-ubyte.gz"))[:rows]
        labels = read_idx(os.path.join(fashion_dir, "train-labels-idx1-ubyte.gz"))[:rows]
    else:
        images = rng.integers(0, 256, (rows, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, rows, dtype=np.uint8)
    x = torch.from_numpy(images.astype(np.float32) / 255.0)
    y = torch.from_numpy(labels.astype(np.int64))
    loss_fn = nn.CrossEntropyLoss()
    if name == "mlp784":
        model = nn.Sequential(
            nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)
        )
        return model, x.reshape(-1, 784), y, loss_fn, batch or 128
    if name == "cnn":
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10),
        )
        return model, x.reshape(-1, 1, 28, 28), y, loss_fn, batch or 128
    raise ValueError(f"unknown workload {name}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workload", required=True, choices=["mlp20", "mlp784", "cnn"])
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--fashion-dir", default="")
    parser.add_argument("--batch", type=int, default=0, help="0: the workload's own batch size")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    device = torch.device(args.device)
    cuda = device.type == "cuda"
    if cuda:
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    model, x, y, loss_fn, batch = workload(args.workload, args.rows, args.fashion_dir, args.batch)
    model, x, y = model.to(device), x.to(device), y.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    generator = torch.Generator().manual_seed(0)

    def permutation():
        return torch.randperm(x.shape[0], generator=generator).to(device)

    def synchronize():
        if cuda:
            torch.cuda.synchronize()

    order = permutation()
    cursor = 0

    def step():
        nonlocal cursor, order
        if cursor + batch > x.shape[0]:
            order = permutation()
            cursor = 0
        rows = order[cursor : cursor + batch]
        cursor += batch
        xb = x.index_select(0, rows)
        yb = y.index_select(0, rows)
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        return loss

    start = time.perf_counter()
    warmup = 0
    while warmup < 3 or (warmup < 50 and time.perf_counter() - start < 0.5):
        step()
        warmup += 1
    synchronize()
    steps = 0
    cpu_start = time.process_time()
    start = time.perf_counter()
    while steps < 2 or time.perf_counter() - start < args.seconds:
        loss = step()
        steps += 1
    synchronize()
    elapsed = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    blas = [line.strip() for line in torch.__config__.show().splitlines() if "BLAS" in line]
    json.dump(
        {
            "workload": args.workload,
            "samplesPerSecond": steps * batch / elapsed,
            "samplesPerCpuSecond": steps * batch / cpu_seconds,
            "msPerStep": 1000 * elapsed / steps,
            "steps": steps,
            "loss": float(loss),
            "threads": torch.get_num_threads(),
            "torch": torch.__version__,
            "blas": "; ".join(blas),
            "device": torch.cuda.get_device_name(device) if cuda else "cpu",
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
