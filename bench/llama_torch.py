#!/usr/bin/python3
"""llama_torch.py — the PyTorch side of bench/llama.sh: the same LLaMA as bench/llama_bench.c (by
default llama2.c's stories15M shape), the same training step and the same generation loop, timed
the same way.

    llama_torch.py train [V=32000] [C=256] [D=288] [L=6] [H=6] [Hkv=6] [F=768] [B=8] [T=C]
                         [steps=5] [warmup=1] [clip=1] [threads=2]
    llama_torch.py gen [V=32000] [C=256] [D=288] [L=6] [H=6] [Hkv=6] [F=768] [prompt=16] [n=200]
                       [warmup=16] [threads=2]
    llama_torch.py info [threads=2]

The model is written out here with torch.nn (no Hugging Face; torch 1.13 has neither nn.RMSNorm
nor scaled_dot_product_attention): token embeddings, L pre-norm blocks (RMSNorm → wq, wk, wv
(bias-free Linear) → rotary embeddings on q and k, adjacent pairs as Meta's code → causal softmax
(q kᵀ/√hs) v, the Hkv key/value heads repeated for their query heads → wo, added back; RMSNorm →
w2(silu(w1 x) ⊙ w3 x), added back), a last RMSNorm, the output layer tied to the embeddings
(llama2.c's stories models share them).

train: one step = zero the gradients, forward over B random sequences of T tokens, mean
cross-entropy, backward, clip_grad_norm_(clip) (clip=0: none), torch.optim.AdamW(lr 3e-4, weight
decay 0.1) step. Prints "ms_median M ms_best B tokens_s R rss_mb S loss X cpu_ms U".

gen: batch 1 under torch.no_grad(): the prompt (random ids) in one forward pass that fills a key/
value cache (L × Hkv × C × hs each, allocated once), then n tokens one at a time — the new token
through the blocks against the cache, logits, softmax at temperature 1, torch.multinomial,
.item(). Timed: the n tokens after the prompt (warmup tokens first, untimed, from another prompt).
Prints "tokens_s R ms_median M prompt_ms P rss_mb S" (M: ms per generated token).
"""
import math
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import torchbench  # noqa: E402


class RMSNorm(torch.nn.Module):
    def __init__(self, D, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = torch.nn.Parameter(torch.ones(D))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(C, hs, theta=10000.0):
    freq = theta ** (-torch.arange(0, hs, 2, dtype=torch.float32) / hs)
    ang = torch.arange(C, dtype=torch.float32)[:, None] * freq[None, :]
    return torch.cos(ang), torch.sin(ang)            # C × hs/2 each


def rope(x, cos, sin):
    """x: … × T × hs, pairs (2i, 2i+1) turned by the angles of cos, sin (T × hs/2)."""
    x0, x1 = x[..., 0::2], x[..., 1::2]
    return torch.stack((x0 * cos - x1 * sin, x0 * sin + x1 * cos), dim=-1).flatten(-2)


class Block(torch.nn.Module):
    def __init__(self, D, H, Hkv, F):
        super().__init__()
        self.H, self.Hkv, self.hs = H, Hkv, D // H
        self.attention_norm = RMSNorm(D)
        self.wq = torch.nn.Linear(D, D, bias=False)
        self.wk = torch.nn.Linear(D, Hkv * self.hs, bias=False)
        self.wv = torch.nn.Linear(D, Hkv * self.hs, bias=False)
        self.wo = torch.nn.Linear(D, D, bias=False)
        self.ffn_norm = RMSNorm(D)
        self.w1 = torch.nn.Linear(D, F, bias=False)
        self.w2 = torch.nn.Linear(F, D, bias=False)
        self.w3 = torch.nn.Linear(D, F, bias=False)

    def ffn(self, x):
        h = self.ffn_norm(x)
        return self.w2(torch.nn.functional.silu(self.w1(h)) * self.w3(h))

    def qkv(self, x, cos, sin):
        B, T, _ = x.shape
        h = self.attention_norm(x)
        q = self.wq(h).view(B, T, self.H, self.hs).transpose(1, 2)
        k = self.wk(h).view(B, T, self.Hkv, self.hs).transpose(1, 2)
        v = self.wv(h).view(B, T, self.Hkv, self.hs).transpose(1, 2)
        return rope(q, cos, sin), rope(k, cos, sin), v      # B × heads × T × hs

    def attend(self, q, k, v, mask):
        rep = self.H // self.Hkv
        if rep > 1:
            k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
        s = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.hs))
        if mask is not None:
            s = s.masked_fill(mask, float("-inf"))
        B, _, T, _ = q.shape
        return (torch.softmax(s, dim=-1) @ v).transpose(1, 2).reshape(B, T, -1)

    def forward(self, x, cos, sin, mask):
        q, k, v = self.qkv(x, cos, sin)
        x = x + self.wo(self.attend(q, k, v, mask))
        return x + self.ffn(x)

    # the prompt (batch 1): the usual pass, its keys and values kept in kc, vc (Hkv × C × hs)
    def prefill(self, x, cos, sin, mask, kc, vc):
        T = x.shape[1]
        q, k, v = self.qkv(x, cos, sin)
        kc[:, :T] = k[0]
        vc[:, :T] = v[0]
        x = x + self.wo(self.attend(q, k, v, mask))
        return x + self.ffn(x)

    # one position against the cache: x 1 × 1 × D, cos/sin that position's row (1 × hs/2)
    def step(self, x, cos, sin, kc, vc, pos):
        q, k, v = self.qkv(x, cos, sin)
        kc[:, pos] = k[0, :, 0]
        vc[:, pos] = v[0, :, 0]
        y = self.attend(q, kc[None, :, : pos + 1], vc[None, :, : pos + 1], None)
        x = x + self.wo(y)
        return x + self.ffn(x)


class Llama(torch.nn.Module):
    def __init__(self, V, C, D, L, H, Hkv, F):
        super().__init__()
        self.tok_embeddings = torch.nn.Embedding(V, D)
        self.layers = torch.nn.ModuleList([Block(D, H, Hkv, F) for _ in range(L)])
        self.norm = RMSNorm(D)
        cos, sin = rope_tables(C, D // H)
        self.register_buffer("cos", cos)
        self.register_buffer("sin", sin)
        self.register_buffer("mask", torch.triu(torch.ones(C, C, dtype=torch.bool), 1))
        for name, w in self.named_parameters():          # llama2.c's model.py initialisation
            if w.dim() == 2:
                std = 0.02 / math.sqrt(2 * L) if (name.endswith("wo.weight") or name.endswith("w3.weight")) else 0.02
                torch.nn.init.normal_(w, 0.0, std)

    def logits(self, x):
        return self.norm(x) @ self.tok_embeddings.weight.t()     # tied output layer

    def forward(self, idx):
        T = idx.shape[1]
        x = self.tok_embeddings(idx)
        for b in self.layers:
            x = b(x, self.cos[:T], self.sin[:T], self.mask[:T, :T])
        return self.logits(x)


def shape(o):
    return tuple(int(o.get(k, d)) for k, d in
                 (("V", 32000), ("C", 256), ("D", 288), ("L", 6), ("H", 6), ("Hkv", 6), ("F", 768)))


def train(o):
    V, C, D, L, H, Hkv, F = shape(o)
    B, T = int(o.get("B", 8)), int(o.get("T", C))
    steps, warmup, clip = int(o.get("steps", 5)), int(o.get("warmup", 1)), float(o.get("clip", 1))
    torch.manual_seed(1)
    m = Llama(V, C, D, L, H, Hkv, F)
    m.train()
    opt = torch.optim.AdamW(m.parameters(), lr=3e-4, weight_decay=0.1)
    g = torch.Generator().manual_seed(1)
    ms, cpu, loss = [], [], None
    for s in range(warmup + steps):
        x = torch.randint(0, V, (B, T), generator=g)
        y = torch.randint(0, V, (B, T), generator=g)
        c0 = time.process_time()
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(m(x).view(B * T, V), y.view(B * T))
        loss.backward()
        if clip > 0:
            torch.nn.utils.clip_grad_norm_(m.parameters(), clip)
        opt.step()
        if s >= warmup:
            ms.append((time.perf_counter() - t0) * 1e3)
            cpu.append((time.process_time() - c0) * 1e3)
    med, best = torchbench.median_best(ms)
    print("ms_median %.3f ms_best %.3f tokens_s %.0f rss_mb %.1f loss %.4f cpu_ms %.1f"
          % (med, best, B * T / (med / 1e3), torchbench.peak_rss_mb(), loss.item(), torchbench.median_best(cpu)[0]))


def gen(o):
    V, C, D, L, H, Hkv, F = shape(o)
    P, n, warmup = int(o.get("prompt", 16)), int(o.get("n", 200)), int(o.get("warmup", 16))
    if P + max(n, warmup) > C:
        sys.exit("llama_torch.py: prompt + n is longer than the context")
    torch.manual_seed(1)
    m = Llama(V, C, D, L, H, Hkv, F)
    m.eval()
    hs = D // H
    kc = torch.zeros(L, Hkv, C, hs)
    vc = torch.zeros(L, Hkv, C, hs)
    g = torch.Generator().manual_seed(1)

    def run(prompt, count):
        x = m.tok_embeddings(prompt)
        for l, b in enumerate(m.layers):
            x = b.prefill(x, m.cos[:P], m.sin[:P], m.mask[:P, :P], kc[l], vc[l])
        tok = torch.multinomial(torch.softmax(m.logits(x[:, -1]).view(V), dim=0), 1, generator=g).item()
        t1 = time.perf_counter()
        for pos in range(P, P + count):
            x = m.tok_embeddings.weight[tok].view(1, 1, D)
            cos, sin = m.cos[pos:pos + 1], m.sin[pos:pos + 1]
            for l, b in enumerate(m.layers):
                x = b.step(x, cos, sin, kc[l], vc[l], pos)
            tok = torch.multinomial(torch.softmax(m.logits(x).view(V), dim=0), 1, generator=g).item()
        return t1

    with torch.no_grad():
        run(torch.randint(0, V, (1, P), generator=g), warmup)
        t0 = time.perf_counter()
        t1 = run(torch.randint(0, V, (1, P), generator=g), n)
        t2 = time.perf_counter()
    print("tokens_s %.1f ms_median %.4f prompt_ms %.3f rss_mb %.1f"
          % (n / (t2 - t1), (t2 - t1) * 1e3 / n, (t1 - t0) * 1e3, torchbench.peak_rss_mb()))


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("train", "gen", "info"):
        sys.exit("usage: llama_torch.py train|gen|info [key=value...]")
    o = torchbench.opts(sys.argv[2:])
    torchbench.set_threads(int(o.get("threads", 2)))
    if sys.argv[1] == "info":
        print(torchbench.info())
        return
    (train if sys.argv[1] == "train" else gen)(o)


if __name__ == "__main__":
    main()
