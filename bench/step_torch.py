#!/usr/bin/python3
"""PyTorch side of bench/step: one training step of the lectures' VAE (784-300-2M / M-300-784, batch 128,
Adam) and of a small 2-D diffusion denoiser (MLP [x, t-embedding] → 128 → 128 → 2, batch 256, Adam),
float32, timed after warm-up. Prints one JSON line."""
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def vae_step_ms(M, batch, steps):
    enc = nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 2 * M))
    dec = nn.Sequential(nn.Linear(M, 300), nn.ReLU(), nn.Linear(300, 784))
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)
    x = torch.bernoulli(torch.full((batch, 784), 0.2))

    def step():
        mean, log_std = enc(x).chunk(2, dim=-1)
        z = mean + log_std.exp() * torch.randn_like(mean)
        rec = -F.binary_cross_entropy_with_logits(dec(z), x, reduction="none").sum(-1)
        kl = (0.5 * (mean ** 2 + (2 * log_std).exp() - 1) - log_std).sum(-1)
        loss = -(rec - kl).mean()
        opt.zero_grad(); loss.backward(); opt.step()
        return loss.item()

    return time_steps(step, steps)


def denoiser_step_ms(batch, steps):
    net = nn.Sequential(nn.Linear(2 + 16, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 2))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x0 = torch.randn(batch, 2)
    freqs = torch.exp(-math.log(1000) * torch.arange(8) / 8)

    def step():
        t = torch.randint(1, 101, (batch,)).float()
        abar = torch.exp(-t / 50).unsqueeze(-1)
        eps = torch.randn_like(x0)
        xt = abar.sqrt() * x0 + (1 - abar).sqrt() * eps
        emb = torch.cat([torch.sin(t[:, None] * freqs), torch.cos(t[:, None] * freqs)], -1)
        loss = ((net(torch.cat([xt, emb], -1)) - eps) ** 2).sum(-1).mean()
        opt.zero_grad(); loss.backward(); opt.step()
        return loss.item()

    return time_steps(step, steps)


def time_steps(step, steps, rounds=5):
    """The median over rounds of the mean ms per step (this VM's timings are noisy)."""
    for _ in range(20):
        step()
    per_round = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        per_round.append(1000 * (time.perf_counter() - t0) / steps)
    return sorted(per_round)[rounds // 2]


if __name__ == "__main__":
    threads = int(os.environ.get("LATENT_BLAS_THREADS", "1"))
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    print(json.dumps({"torch": torch.__version__, "threads": threads, "vae_ms": vae_step_ms(16, 128, steps), "denoiser_ms": denoiser_step_ms(256, steps)}))
