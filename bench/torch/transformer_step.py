#!/usr/bin/env python3
"""The training-step benchmark's transformer in PyTorch, op for op as bench/transformer/ builds it
in tfjs (config: bench/transformer/config.ts). Prints one JSON line: step times and the first loss."""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F

C = dict(layers=4, batch=8, seq=64, width=256, heads=4, mlp=1024, vocab=1024, lr=1e-3, weight_decay=0.01, seed=1234)


def init_params(gen):
    w, m, v = C["width"], C["mlp"], C["vocab"]
    shapes = {"embed": (v, w), "pos": (C["seq"], w)}
    for l in range(C["layers"]):
        shapes.update({
            f"layers.{l}.ln1.gain": (w,), f"layers.{l}.ln1.bias": (w,),
            f"layers.{l}.qkv.weight": (w, 3 * w), f"layers.{l}.qkv.bias": (3 * w,),
            f"layers.{l}.proj.weight": (w, w), f"layers.{l}.proj.bias": (w,),
            f"layers.{l}.ln2.gain": (w,), f"layers.{l}.ln2.bias": (w,),
            f"layers.{l}.fc1.weight": (w, m), f"layers.{l}.fc1.bias": (m,),
            f"layers.{l}.fc2.weight": (m, w), f"layers.{l}.fc2.bias": (w,),
        })
    shapes.update({"lnf.gain": (w,), "lnf.bias": (w,), "head.weight": (w, v)})
    params = {}
    for name, shape in shapes.items():
        if name.endswith("gain"):
            t = torch.ones(shape)
        elif name.endswith("bias"):
            t = torch.zeros(shape)
        else:
            t = torch.randn(shape, generator=gen) * 0.02
        params[name] = t.requires_grad_()
    return params


def dense(x, p, name):
    return torch.addmm(p[f"{name}.bias"], x, p[f"{name}.weight"])


def attention(h, p, prefix, bias):
    b, s, w, heads = C["batch"], C["seq"], C["width"], C["heads"]
    hd = w // heads
    q, k, v = (t.reshape(b, s, heads, hd).transpose(1, 2) for t in dense(h, p, f"{prefix}.qkv").split(w, dim=-1))
    scores = q @ k.transpose(-1, -2) * (1 / math.sqrt(hd)) + bias  # [B, H, S, S]
    out = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2)  # [B, S, H, hd]
    return dense(out.reshape(b * s, w), p, f"{prefix}.proj")


def loss_fn(p, inputs, targets, bias):
    w = (C["width"],)
    x = p["embed"][inputs] + p["pos"].repeat(C["batch"], 1)  # [B*S, W]
    for l in range(C["layers"]):
        pre = f"layers.{l}"
        x = x + attention(F.layer_norm(x, w, p[f"{pre}.ln1.gain"], p[f"{pre}.ln1.bias"]), p, pre, bias)
        h = F.layer_norm(x, w, p[f"{pre}.ln2.gain"], p[f"{pre}.ln2.bias"])
        x = x + dense(F.gelu(dense(h, p, f"{pre}.fc1"), approximate="tanh"), p, f"{pre}.fc2")
    logits = F.layer_norm(x, w, p["lnf.gain"], p["lnf.bias"]) @ p["head.weight"]
    return F.cross_entropy(logits, targets)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--steps", type=int, default=10)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(C["seed"])
    params = init_params(gen)
    tokens = torch.randint(0, C["vocab"], (C["batch"], C["seq"] + 1), generator=gen)
    inputs, targets = tokens[:, :-1].reshape(-1), tokens[:, 1:].reshape(-1)
    bias = torch.triu(torch.full((C["seq"], C["seq"]), -1e9), diagonal=1)
    opt = torch.optim.AdamW(params.values(), lr=C["lr"], weight_decay=C["weight_decay"])

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(params, inputs, targets, bias)
        loss.backward()
        opt.step()
        return loss.item()

    first_loss = step()
    for _ in range(args.warmup - 1):
        step()
    times = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "firstLoss": first_loss, "stepMs": times}))


if __name__ == "__main__":
    main()
