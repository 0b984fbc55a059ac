"""Training throughput of PyTorch on the models of bench/wasm-models.ts: the reference bench/blas.ts
measures rxtrain against, in the same run.

Fashion-MNIST (/usr/share/datasets/fashion-mnist), batch 128, Adam 1e-3, softmax cross-entropy, four
resident batches cycled (as bench/wasm-cnn.ts does), no per-step read of the loss:
  mlp  784-256-128-10 (relu)
  cnn  conv16-3x3 relu, maxPool 2, conv32-3x3 relu, maxPool 2, dense64 relu, dense10 (NCHW, torch's layout)

Needs Debian's python3-torch (1.13) with libopenblas0-pthread:

  /usr/bin/python3 bench/reference/throughput_torch.py --model mlp|cnn [--threads 1] [--steps 40] [--warmup 5]

Prints one JSON line: samples per second (wall) and per CPU-second (process time, all threads).
"""
import argparse
import json
import time

import numpy as np
import torch

from fashion_data import FASHION, idx

BATCH = 128



def model(name):
    torch.manual_seed(1)
    if name == 'mlp':
        return torch.nn.Sequential(
            torch.nn.Linear(784, 256), torch.nn.ReLU(),
            torch.nn.Linear(256, 128), torch.nn.ReLU(),
            torch.nn.Linear(128, 10))
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(16, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(800, 64), torch.nn.ReLU(),
        torch.nn.Linear(64, 10))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--model', choices=['mlp', 'cnn'], required=True)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--steps', type=int, default=40)
    p.add_argument('--warmup', type=int, default=5)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    images = idx(f'{FASHION}/train-images-idx3-ubyte.gz')[:4 * BATCH].astype(np.float32) / 255
    labels = idx(f'{FASHION}/train-labels-idx1-ubyte.gz')[:4 * BATCH].astype(np.int64)
    shape = (-1, 784) if a.model == 'mlp' else (-1, 1, 28, 28)
    batches = [(torch.from_numpy(images[b * BATCH:(b + 1) * BATCH].reshape(shape).copy()),
                torch.from_numpy(labels[b * BATCH:(b + 1) * BATCH].copy())) for b in range(4)]
    net = model(a.model)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step(i):
        x, y = batches[i % 4]
        opt.zero_grad(set_to_none=True)
        loss_fn(net(x), y).backward()
        opt.step()

    for i in range(a.warmup):
        step(i)
    c0, t0 = time.process_time(), time.perf_counter()
    for i in range(a.steps):
        step(i)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({
        'model': a.model, 'threads': a.threads, 'steps': a.steps, 'batch': BATCH,
        'samplesPerSec': a.steps * BATCH / wall, 'samplesPerCpuSec': a.steps * BATCH / cpu,
        'torch': torch.__version__,
    }))


if __name__ == '__main__':
    main()
