#!/usr/bin/env python3
"""PyTorch side of the side-by-side step benchmarks (bench/interleaved.ts drives it): a worker that builds
the same models as the TypeScript side and times training steps on request, so that the driver can
interleave rounds (ours, theirs, ours, theirs …). PyTorch runs in its own default configuration: its
default BLAS and convolution backends, the environment's OPENBLAS_CORETYPE (none forced), threads from
the command line (torch.set_num_threads, and OMP/OpenBLAS/MKL_NUM_THREADS set by the driver).

Protocol: one request per stdin line, "<model> <steps>"; one JSON line per request on stdout,
{"model": …, "ms": mean ms per step}. The first request for a model builds it and runs warm-up steps.
Models (all float32, Adam lr 1e-3):
  vae       the lectures' VAE, 784-300-2·16 / 16-300-784, batch 128, Bernoulli likelihood
  denoiser  2-D diffusion MLP [x, 16-dim t-embedding] → 128 → 128 → 2, batch 256
  unet      the small DDPM U-Net of bench/unet.ts on 28×28×1, batch 128 (ε-prediction, 1000 linear-β steps)
  conv-vae  the convolutional VAE of bench/conv-vae.ts, batch 128, 28×28 binarized
  unet-sample  one ancestral sampling step of that U-Net for 128 images (no gradients)
  realnvp   the multi-scale RealNVP of bench/real-nvp.ts on 28×28×1 8-bit pixels, batch 128 (maximum likelihood)
  vq-vae    the VQ-VAE of bench/vq-vae.ts (32 codes of dimension 8 on a 7×7 grid), batch 128, 28×28 binarized
  pixelcnn  the PixelCNN of bench/pixel-cnn.ts (masked convolutions, 32 channels), batch 128, 28×28 binary (maximum likelihood)
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def vae_step(batch=128, M=16):
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
    return step


def denoiser_step(batch=256):
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
    return step


def sinusoidal(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(1000) * torch.arange(half) / half)
    arg = t[:, None] * freqs[None, :]
    return torch.cat([torch.sin(arg), torch.cos(arg)], -1)


class ResBlock(nn.Module):
    """GN → SiLU → conv3×3, + the time embedding's projection, GN → SiLU → conv3×3, + (1×1 conv of) x."""

    def __init__(self, cin, cout, temb, groups=8):
        super().__init__()
        self.gn1, self.conv1 = nn.GroupNorm(groups, cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.proj = nn.Linear(temb, cout)
        self.gn2, self.conv2 = nn.GroupNorm(groups, cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, e):
        h = self.conv1(F.silu(self.gn1(x)))
        h = h + self.proj(F.silu(e))[:, :, None, None]
        h = self.conv2(F.silu(self.gn2(h)))
        return h + (self.skip(x) if self.skip is not None else x)


class UNet(nn.Module):
    """28×28×1: conv 1→32; Res 32→32 @28; avg-pool; Res 32→64 @14; avg-pool; Res 64→64 @7; nearest ×2,
    concat; Res 128→64 @14; nearest ×2, concat; Res 96→32 @28; GN, SiLU, conv 32→1. Time: sinusoidal 32 → 128 → SiLU → 128."""

    def __init__(self):
        super().__init__()
        self.t1, self.t2 = nn.Linear(32, 128), nn.Linear(128, 128)
        self.conv_in = nn.Conv2d(1, 32, 3, padding=1)
        self.d1, self.d2, self.mid = ResBlock(32, 32, 128), ResBlock(32, 64, 128), ResBlock(64, 64, 128)
        self.u2, self.u1 = ResBlock(128, 64, 128), ResBlock(96, 32, 128)
        self.gn_out, self.conv_out = nn.GroupNorm(8, 32), nn.Conv2d(32, 1, 3, padding=1)

    def forward(self, x, t):
        e = self.t2(F.silu(self.t1(sinusoidal(t, 32))))
        h1 = self.d1(self.conv_in(x), e)
        h2 = self.d2(F.avg_pool2d(h1, 2), e)
        m = self.mid(F.avg_pool2d(h2, 2), e)
        u = self.u2(torch.cat([F.interpolate(m, scale_factor=2, mode="nearest"), h2], 1), e)
        u = self.u1(torch.cat([F.interpolate(u, scale_factor=2, mode="nearest"), h1], 1), e)
        return self.conv_out(F.silu(self.gn_out(u)))


def unet_step(batch=128, T=1000):
    net = UNet()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x0 = torch.rand(batch, 1, 28, 28) * 2 - 1
    abar = torch.cumprod(1 - torch.linspace(1e-4, 0.02, T), 0)

    def step():
        t = torch.randint(1, T + 1, (batch,))
        a = abar[t - 1][:, None, None, None]
        eps = torch.randn_like(x0)
        loss = ((net(a.sqrt() * x0 + (1 - a).sqrt() * eps, t.float()) - eps) ** 2).mean()
        opt.zero_grad(); loss.backward(); opt.step()
        return loss.item()
    return step


def unet_sample_step(batch=128, T=1000):
    """One ancestral sampling step x_t → x_{t−1} of the U-Net for a batch (no gradients), at a step t that cycles."""
    net = UNet()
    betas = torch.linspace(1e-4, 0.02, T)
    abar = torch.cumprod(1 - betas, 0)
    state = {"x": torch.randn(batch, 1, 28, 28), "t": T}

    @torch.no_grad()
    def step():
        t = state["t"]
        eps = net(state["x"], torch.full((batch,), float(t)))
        x = (state["x"] - betas[t - 1] / (1 - abar[t - 1]).sqrt() * eps) / (1 - betas[t - 1]).sqrt()
        state["x"] = x + betas[t - 1].sqrt() * torch.randn_like(x) if t > 1 else x
        state["t"] = t - 1 if t > 1 else T
    return step


def conv_vae_step(batch=128, M=16):
    """bench/conv-vae.ts's network: conv 3×3 s2 1→32, conv 3×3 s2 32→64, dense 3136→2M; dense M→3136,
    conv-transpose 4×4 s2 64→32, conv-transpose 4×4 s2 32→1 (Bernoulli logits); ELBO, Adam."""
    enc = nn.Sequential(nn.Conv2d(1, 32, 3, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 3, 2, 1), nn.ReLU(), nn.Flatten(), nn.Linear(3136, 2 * M))
    dec = nn.Sequential(nn.Linear(M, 3136), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)), nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(),
                        nn.ConvTranspose2d(32, 1, 4, 2, 1))
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)
    x = torch.bernoulli(torch.full((batch, 1, 28, 28), 0.2))

    def step():
        mean, log_std = enc(x).chunk(2, dim=-1)
        z = mean + log_std.exp() * torch.randn_like(mean)
        rec = -F.binary_cross_entropy_with_logits(dec(z), x, reduction="none").sum((1, 2, 3))
        kl = (0.5 * (mean ** 2 + (2 * log_std).exp() - 1) - log_std).sum(-1)
        loss = -(rec - kl).mean()
        opt.zero_grad(); loss.backward(); opt.step()
        return loss.item()
    return step


class Coupling(nn.Module):
    """Affine coupling y = b⊙x + (1−b)⊙(x⊙exp(s) + t), (s, t) = NN(b⊙x), s = a⊙tanh(raw): a checkerboard mask
    (the net also sees the mask) or a channel mask; NN = conv 3×3 → ReLU → conv 1×1 → ReLU → conv 3×3."""

    def __init__(self, shape, mask, parity, hidden=32):
        super().__init__()
        C, H, W = shape
        self.mask_kind, self.parity = mask, parity
        cin, cout = (C + 1, C) if mask == "checkerboard" else (C // 2, C // 2)
        self.net = nn.Sequential(nn.Conv2d(cin, hidden, 3, padding=1), nn.ReLU(), nn.Conv2d(hidden, hidden, 1), nn.ReLU(),
                                 nn.Conv2d(hidden, 2 * cout, 3, padding=1))
        self.scale = nn.Parameter(torch.ones(1, cout, 1, 1))
        if mask == "checkerboard":
            self.register_buffer("b", ((torch.arange(H)[:, None] + torch.arange(W)[None, :] + parity) % 2).float()[None, None])

    def forward(self, x):
        if self.mask_kind == "checkerboard":
            cond = x * self.b
            raw, t = self.net(torch.cat([cond, self.b.expand(x.shape[0], 1, -1, -1)], 1)).chunk(2, 1)
            s = self.scale * torch.tanh(raw) * (1 - self.b)
            return x * s.exp() + t * (1 - self.b), s.sum((1, 2, 3))
        a, b = x.chunk(2, 1)
        cond, free = (a, b) if self.parity == 0 else (b, a)
        raw, t = self.net(cond).chunk(2, 1)
        s = self.scale * torch.tanh(raw)
        moved = free * s.exp() + t
        return torch.cat([cond, moved] if self.parity == 0 else [moved, cond], 1), s.sum((1, 2, 3))


class RealNVP(nn.Module):
    """3 scales on 1×28×28: [3 checkerboard, squeeze, 3 channel, factor out half] ×2, then 4 checkerboard at 4×7×7."""

    def __init__(self, scales=3, K=3, hidden=32, alpha=0.05):
        super().__init__()
        self.alpha, self.scales = alpha, nn.ModuleList()
        C, H, W = 1, 28, 28
        for s in range(scales):
            last = s == scales - 1
            pre = nn.ModuleList([Coupling((C, H, W), "checkerboard", k % 2, hidden) for k in range(K + 1 if last else K)])
            post = nn.ModuleList()
            if not last:
                C, H, W = 4 * C, H // 2, W // 2
                post = nn.ModuleList([Coupling((C, H, W), "channel", k % 2, hidden) for k in range(K)])
                C //= 2
            self.scales.append(nn.ModuleList([pre, post]))

    def log_prob(self, y):
        z = self.alpha + (1 - 2 * self.alpha) * y
        h = torch.log(z) - torch.log1p(-z)
        log_det = (math.log(1 - 2 * self.alpha) - torch.log(z) - torch.log1p(-z)).sum((1, 2, 3))
        base = torch.zeros_like(log_det)
        for i, (pre, post) in enumerate(self.scales):
            for layer in pre:
                h, ld = layer(h); log_det = log_det + ld
            if i < len(self.scales) - 1:
                B, C, H, W = h.shape
                h = h.view(B, C, H // 2, 2, W // 2, 2).permute(0, 1, 3, 5, 2, 4).reshape(B, 4 * C, H // 2, W // 2)
                for layer in post:
                    h, ld = layer(h); log_det = log_det + ld
                h, out = h.chunk(2, 1)
                base = base - 0.5 * (out ** 2).sum((1, 2, 3))
        base = base - 0.5 * (h ** 2).sum((1, 2, 3)) - 0.5 * y[0].numel() * math.log(2 * math.pi)
        return base + log_det


def realnvp_step(batch=128):
    model = RealNVP()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    k = torch.round(torch.rand(batch, 1, 28, 28) * 255)

    def step():
        loss = -model.log_prob((k + torch.rand_like(k)) / 256).mean()
        opt.zero_grad(); loss.backward(); opt.step()
        return loss.item()
    return step


def vq_vae_step(batch=128, K=32, D=8):
    """bench/vq-vae.ts's network: conv 3×3 1→32, ReLU, avg-pool 2, conv 3×3 32→64, ReLU, avg-pool 2, conv 3×3 64→64,
    ReLU, conv 1×1 64→D; the nearest of K codes with the straight-through estimator; conv 3×3 D→64, ReLU, nearest ×2,
    conv 3×3 64→32, ReLU, nearest ×2, conv 3×3 32→1 (Bernoulli logits); loss −log p(x | z_q) + Σ‖sg(z_e) − e‖²
    + 0.25 Σ‖z_e − sg(e)‖² (sums over the 49 positions), Adam."""
    enc = nn.Sequential(nn.Conv2d(1, 32, 3, 1, 1), nn.ReLU(), nn.AvgPool2d(2), nn.Conv2d(32, 64, 3, 1, 1), nn.ReLU(), nn.AvgPool2d(2),
                        nn.Conv2d(64, 64, 3, 1, 1), nn.ReLU(), nn.Conv2d(64, D, 1))
    dec = nn.Sequential(nn.Conv2d(D, 64, 3, 1, 1), nn.ReLU(), nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(64, 32, 3, 1, 1),
                        nn.ReLU(), nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(32, 1, 3, 1, 1))
    codebook = nn.Parameter((torch.rand(K, D) * 2 - 1) / K)
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()) + [codebook], lr=1e-3)
    x = torch.bernoulli(torch.full((batch, 1, 28, 28), 0.2))

    def step():
        ze = enc(x).permute(0, 2, 3, 1).reshape(-1, D)
        k = ((codebook ** 2).sum(1) - 2 * ze @ codebook.t()).argmin(1)
        e = codebook[k]
        zq = ze + (e - ze).detach()
        logits = dec(zq.reshape(batch, 7, 7, D).permute(0, 3, 1, 2))
        rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum((1, 2, 3)).mean()
        codebook_loss = 49 * ((ze.detach() - e) ** 2).sum(1).mean()
        commitment = 49 * ((ze - e.detach()) ** 2).sum(1).mean()
        loss = rec + codebook_loss + 0.25 * commitment
        opt.zero_grad(); loss.backward(); opt.step()
        return loss.item()
    return step


class MaskedConv2d(nn.Conv2d):
    """A k×k convolution whose filter is multiplied by the raster mask: rows above the centre, and the centre row left of
    the centre (type A) or up to it (type B)."""
    def __init__(self, cin, cout, k, kind):
        super().__init__(cin, cout, k, 1, k // 2)
        c = k // 2
        mask = torch.zeros(k, k)
        mask[:c, :] = 1
        mask[c, :c + (1 if kind == "B" else 0)] = 1
        self.register_buffer("mask", mask)

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias, 1, self.padding)


def pixelcnn_step(batch=128, C=32, L=5):
    """bench/pixel-cnn.ts's network: type-A 7×7 1→C, L residual blocks h + B3×3(ReLU(h)), then ReLU, 1×1 C→C, ReLU,
    1×1 C→1 (Bernoulli logits); loss −mean log p(x) (sum over the 784 pixels), Adam."""
    first = MaskedConv2d(1, C, 7, "A")
    blocks = nn.ModuleList([MaskedConv2d(C, C, 3, "B") for _ in range(L)])
    head = nn.Sequential(nn.ReLU(), nn.Conv2d(C, C, 1), nn.ReLU(), nn.Conv2d(C, 1, 1))
    params = list(first.parameters()) + list(blocks.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    x = torch.bernoulli(torch.full((batch, 1, 28, 28), 0.2))

    def step():
        h = first(x)
        for b in blocks:
            h = h + b(F.relu(h))
        loss = F.binary_cross_entropy_with_logits(head(h), x, reduction="none").sum((1, 2, 3)).mean()
        opt.zero_grad(); loss.backward(); opt.step()
        return loss.item()
    return step


def dcgan_step(batch=64, M=32, c1=16, c2=32):
    """bench/dcgan.ts's networks: G = Linear(M, 7·7·c2), ReLU, ×2 nearest, Conv3 c2→c1, ReLU, ×2 nearest, Conv3 c1→c1,
    ReLU, Conv3 c1→1, sigmoid; D = Conv3 1→c1, LeakyReLU(0.2), AvgPool2, Conv3 c1→c2, LeakyReLU, AvgPool2, Linear → logit.
    One simultaneous step: D along its logistic loss on x and G(z).detach(), G along −log D(G(z)) (D's weights not moved
    by it), one Adam over both."""
    G = nn.Sequential(nn.Linear(M, 7 * 7 * c2), nn.ReLU(), nn.Unflatten(1, (c2, 7, 7)), nn.Upsample(scale_factor=2),
                      nn.Conv2d(c2, c1, 3, padding=1), nn.ReLU(), nn.Upsample(scale_factor=2), nn.Conv2d(c1, c1, 3, padding=1),
                      nn.ReLU(), nn.Conv2d(c1, 1, 3, padding=1), nn.Sigmoid())
    D = nn.Sequential(nn.Conv2d(1, c1, 3, padding=1), nn.LeakyReLU(0.2), nn.AvgPool2d(2), nn.Conv2d(c1, c2, 3, padding=1),
                      nn.LeakyReLU(0.2), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(7 * 7 * c2, 1))
    gp, dp = list(G.parameters()), list(D.parameters())
    opt = torch.optim.Adam(gp + dp, lr=3e-4, betas=(0.5, 0.999))
    x = torch.rand(batch, 1, 28, 28)

    def step():
        fake = G(torch.randn(batch, M))
        d_loss = F.softplus(-D(x)).mean() + F.softplus(D(fake.detach())).mean()
        g_loss = F.softplus(-D(fake)).mean()
        for p, g in zip(dp + gp, list(torch.autograd.grad(d_loss, dp)) + list(torch.autograd.grad(g_loss, gp))):
            p.grad = g
        opt.step()
        return d_loss.item() + g_loss.item()
    return step


MODELS = {"dcgan": (dcgan_step, 5), "pixelcnn": (pixelcnn_step, 5), "vq-vae": (vq_vae_step, 5), "realnvp": (realnvp_step, 2), "conv-vae": (conv_vae_step, 5), "vae": (vae_step, 20), "denoiser": (denoiser_step, 20), "unet": (unet_step, 2), "unet-sample": (unet_sample_step, 2)}

if __name__ == "__main__":
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    config = torch.__config__.show()
    blas = next((l.split("=", 1)[1].strip() for l in config.splitlines() if "BLAS_INFO" in l), "?")
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas,
                      "mkldnn": torch.backends.mkldnn.is_available()}), flush=True)
    steps = {}
    for line in sys.stdin:
        name, n = line.split()
        if name not in steps:
            make, warm = MODELS[name]
            steps[name] = make()
            for _ in range(warm):
                steps[name]()
        t0 = time.perf_counter()
        for _ in range(int(n)):
            steps[name]()
        print(json.dumps({"model": name, "ms": 1000 * (time.perf_counter() - t0) / int(n)}), flush=True)
