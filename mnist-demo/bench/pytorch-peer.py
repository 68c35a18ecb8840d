#!/usr/bin/env python3
"""PyTorch peer of `penx bench`: the reference model trained the same way, timed the same way.

    python3 mnist-demo/bench/pytorch-peer.py [--threads N] [--batch-size 128] [--steps 20]
                                             [--data DIR] [--eval-images N] [--json]

Same model as mnist-demo/model.ts (Conv2D 32 3x3 relu, Conv2D 64 3x3 relu, MaxPool 2, Conv2D 128
3x3 relu, MaxPool 2, Flatten, Dense 128 relu, Dense 10), every kernel from N(0, 0.25^2) and
biases 0 (seeded), cross-entropy from the logits, Keras-style Adadelta (lr 1, rho 0.95,
eps 1e-7: PyTorch's Adadelta is the same formula), an L1 penalty 1e-4 * sum|w| on every kernel
added to the loss, batch 128.

Timed like `penx bench`: the first `--steps` training steps of a fresh model on the first batches
of MNIST in a seeded order (from the IDX files in --data; random images and labels without it),
after `--warmup` untimed steps on a copy; the forward pass (inference, no gradients) on one batch;
with --data, the evaluation of the 10 000 test images. Medians; the epoch projected as `penx bench`
does (steps of an epoch x the median step + the evaluation). Prints a JSON object with --json (the
fields of `penx bench --json` it can measure).

Needs PyTorch (Debian: python3-torch); it is never a dependency of penalty-explorer. Exits 3 when
torch cannot be imported.
"""
import argparse
import json
import os
import statistics
import struct
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:
    print("pytorch-peer: PyTorch is not installed (Debian: apt-get install python3-torch)", file=sys.stderr)
    sys.exit(3)

EPOCH_SAMPLES = 60_000


def read_idx(path):
    """An uncompressed IDX file as a torch tensor of uint8."""
    with open(path, "rb") as f:
        data = f.read()
    dtype, rank = data[2], data[3]
    if dtype != 0x08:
        raise SystemExit(f"pytorch-peer: {path} is not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * rank, data[4 : 4 + 4 * rank])
    body = data[4 + 4 * rank :]
    return torch.frombuffer(bytearray(body), dtype=torch.uint8).reshape(dims)


def mnist(folder, split="train"):
    images = read_idx(os.path.join(folder, f"{split}-images-idx3-ubyte")).float().div_(255.0).unsqueeze(1)
    labels = read_idx(os.path.join(folder, f"{split}-labels-idx1-ubyte")).long()
    return images, labels


class Reference(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.conv3 = nn.Conv2d(64, 128, 3)
        self.dense1 = nn.Linear(5 * 5 * 128, 128)
        self.dense2 = nn.Linear(128, classes)
        for m in self.kernels():
            nn.init.normal_(m.weight, 0.0, 0.25)
            nn.init.zeros_(m.bias)

    def kernels(self):
        return [self.conv1, self.conv2, self.conv3, self.dense1, self.dense2]

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.max_pool2d(F.relu(self.conv3(x)), 2)
        x = F.relu(self.dense1(torch.flatten(x, 1)))
        return self.dense2(x)


def trainer(seed):
    torch.manual_seed(seed)
    model = Reference()
    opt = torch.optim.Adadelta(model.parameters(), lr=1.0, rho=0.95, eps=1e-7)

    def step(x, y):
        opt.zero_grad(set_to_none=True)
        logits = model(x)
        loss = F.cross_entropy(logits, y) + 1e-4 * sum(m.weight.abs().sum() for m in model.kernels())
        loss.backward()
        opt.step()
        return loss

    return model, step


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--data", help="folder of MNIST's IDX files (uncompressed); random data without it")
    p.add_argument("--eval-images", type=int, help="test images the evaluation is timed on, projected to all (default all)")
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    n = a.batch_size
    g = torch.Generator().manual_seed(a.seed)
    if a.data:
        images, labels = mnist(a.data)
        order = torch.randperm(images.shape[0], generator=g)
    else:
        images = torch.rand((n * (a.steps + a.warmup), 1, 28, 28), generator=g)
        labels = torch.randint(0, 10, (images.shape[0],), generator=g)
        order = torch.arange(images.shape[0])
    batches = [(images[order[i * n : (i + 1) * n]], labels[order[i * n : (i + 1) * n]]) for i in range(a.steps + a.warmup)]

    # Warm-up on a model of its own, then the first steps of a fresh one (as a real run starts).
    _, warm = trainer(a.seed)
    for x, y in batches[: a.warmup]:
        warm(x, y)
    model, step = trainer(a.seed)
    times = []
    for x, y in batches[: a.steps]:
        t0 = time.perf_counter()
        step(x, y).item()
        times.append((time.perf_counter() - t0) * 1000)

    model.eval()
    x = batches[0][0]
    forward = []
    with torch.no_grad():
        for i in range(a.warmup + a.steps):
            t0 = time.perf_counter()
            model(x).sum().item()
            if i >= a.warmup:
                forward.append((time.perf_counter() - t0) * 1000)

    # The epoch's evaluation of the test set (10 000 images with --data), in chunks of 256.
    eval_s = 0.0
    if a.data:
        tx, ty = mnist(a.data, "t10k")
        count = min(tx.shape[0], a.eval_images or tx.shape[0])
        t0 = time.perf_counter()
        with torch.no_grad():
            for i in range(0, count, 256):
                j = min(count, i + 256)
                F.cross_entropy(model(tx[i:j]), ty[i:j], reduction="sum").item()
        eval_s = (time.perf_counter() - t0) * tx.shape[0] / count

    step_ms = statistics.median(times)
    fwd_ms = statistics.median(forward)
    out = {
        "backend": "pytorch",
        "version": torch.__version__,
        "threads": torch.get_num_threads(),
        "batchSize": n,
        "forwardMs": round(fwd_ms, 1),
        "trainStepMs": round(step_ms, 1),
        "stepToForward": round(step_ms / fwd_ms, 2),
        "evalSeconds": round(eval_s, 2),
        "epochSeconds": round(-(-EPOCH_SAMPLES // n) * step_ms / 1000 + eval_s, 1),
        "msPerSample": round(step_ms / n, 3),
    }
    if a.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k:>14}: {v}")


if __name__ == "__main__":
    main()
