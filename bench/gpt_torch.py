#!/usr/bin/python3
"""gpt_torch.py — the PyTorch side of bench/gpt.sh: the same GPT-2-shaped model, the same training
step and the same generation loop as bench/gpt_bench.c, timed the same way.

    gpt_torch.py train [V=512] [C=128] [D=128] [L=4] [H=4] [B=16] [T=C] [steps=20] [warmup=3]
                       [dropout=0] [clip=1] [threads=2]
    gpt_torch.py gen [V=512] [C=128] [D=128] [L=4] [H=4] [prompt=16] [n=100] [warmup=8] [threads=2]
    gpt_torch.py info [threads=2]

The model is written out here (no Hugging Face): token + position embeddings, L pre-LN blocks
(LayerNorm → one Linear(D, 3D) for q, k, v → causal softmax(q kᵀ/√hs) v → Linear(D, D), added back;
LayerNorm → Linear(D, 4D) → GELU (tanh) → Linear(4D, D), added back), a last LayerNorm and the
output layer tied to the token embeddings; dropout (when dropout > 0) where GPT-2 has it. torch
1.13 has no scaled_dot_product_attention, so attention is the matrix products and a masked
softmax, as nanoGPT's slow path.

train: one step = zero the gradients, forward over B random sequences of T tokens, mean
cross-entropy, backward, clip_grad_norm_(clip), torch.optim.AdamW(lr 3e-4, weight decay 0.1) step.
Prints "ms_median M ms_best B tokens_s R rss_mb S loss X cpu_ms U" (median and best of `steps` timed
steps after `warmup`; tokens/s = B·T / median; the process's peak resident set, the interpreter and
libtorch included; U: the median CPU time of a step, all threads together).

gen: batch 1 under torch.no_grad(): the prompt (random ids) in one forward pass that fills a key
/ value cache (L × H × C × hs each, allocated once), then n tokens one at a time: the new token's
embedding through the blocks, attending to the cache, logits, softmax, torch.multinomial,
.item(). Timed: the n tokens after the prompt (warmup tokens first, untimed, from a separate
prompt). Prints "tokens_s R ms_median M prompt_ms P rss_mb S" (M: ms per generated token).

Threads and the BLAS: bench/lib/torchbench.py (shared with bench/rnn_torch.py) sets the threads; which
OpenBLAS is loaded is chosen from outside (LD_LIBRARY_PATH, bench/lib/torch.sh).
"""
import math
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import torchbench  # noqa: E402


class Block(torch.nn.Module):
    def __init__(self, D, H, p):
        super().__init__()
        self.H = H
        self.ln_1 = torch.nn.LayerNorm(D)
        self.c_attn = torch.nn.Linear(D, 3 * D)
        self.c_proj = torch.nn.Linear(D, D)
        self.ln_2 = torch.nn.LayerNorm(D)
        self.c_fc = torch.nn.Linear(D, 4 * D)
        self.mlp_proj = torch.nn.Linear(4 * D, D)
        self.gelu = torch.nn.GELU(approximate="tanh")
        self.drop_att = torch.nn.Dropout(p)
        self.drop_res = torch.nn.Dropout(p)

    def heads(self, x, B, T):
        return x.view(B, T, self.H, -1).transpose(1, 2)     # B × H × T × hs

    def attention(self, x, mask):
        B, T, D = x.shape
        q, k, v = self.c_attn(x).split(D, dim=2)
        q, k, v = self.heads(q, B, T), self.heads(k, B, T), self.heads(v, B, T)
        s = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(q.shape[-1]))
        s = s.masked_fill(mask[:T, :T], float("-inf"))
        p = self.drop_att(torch.softmax(s, dim=-1))
        y = (p @ v).transpose(1, 2).contiguous().view(B, T, D)
        return self.drop_res(self.c_proj(y))

    def forward(self, x, mask):
        x = x + self.attention(self.ln_1(x), mask)
        return x + self.drop_res(self.mlp_proj(self.gelu(self.c_fc(self.ln_2(x)))))

    # one position at batch 1 against the cache: x 1 × 1 × D, kc/vc H × C × hs, pos its index
    def step(self, x, kc, vc, pos):
        D = x.shape[-1]
        q, k, v = self.c_attn(self.ln_1(x)).view(3, self.H, -1).unbind(0)   # H × hs each
        kc[:, pos] = k
        vc[:, pos] = v
        s = (kc[:, : pos + 1] @ q.unsqueeze(-1)).squeeze(-1) * (1.0 / math.sqrt(q.shape[-1]))
        y = (torch.softmax(s, dim=-1).unsqueeze(1) @ vc[:, : pos + 1]).reshape(1, 1, D)
        x = x + self.c_proj(y)
        return x + self.mlp_proj(self.gelu(self.c_fc(self.ln_2(x))))

    # the prompt: the usual forward pass, keeping its keys and values
    def prefill(self, x, mask, kc, vc):
        B, T, D = x.shape
        h = self.ln_1(x)
        q, k, v = self.c_attn(h).split(D, dim=2)
        kc[:, :T] = self.heads(k, 1, T)[0]
        vc[:, :T] = self.heads(v, 1, T)[0]
        q, k, v = self.heads(q, B, T), self.heads(k, B, T), self.heads(v, B, T)
        s = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(q.shape[-1]))
        s = s.masked_fill(mask[:T, :T], float("-inf"))
        y = (torch.softmax(s, dim=-1) @ v).transpose(1, 2).contiguous().view(B, T, D)
        x = x + self.c_proj(y)
        return x + self.mlp_proj(self.gelu(self.c_fc(self.ln_2(x))))


class GPT(torch.nn.Module):
    def __init__(self, V, C, D, L, H, p=0.0):
        super().__init__()
        self.wte = torch.nn.Embedding(V, D)
        self.wpe = torch.nn.Embedding(C, D)
        self.drop = torch.nn.Dropout(p)
        self.h = torch.nn.ModuleList([Block(D, H, p) for _ in range(L)])
        self.ln_f = torch.nn.LayerNorm(D)
        # True above the diagonal: the positions a query may not see
        self.register_buffer("mask", torch.triu(torch.ones(C, C, dtype=torch.bool), 1))
        for name, w in self.named_parameters():
            if name.endswith("weight") and w.dim() == 2:
                std = 0.02 / math.sqrt(2 * L) if ("c_proj" in name or "mlp_proj" in name) else 0.02
                torch.nn.init.normal_(w, 0.0, std)
            elif name.endswith("bias"):
                torch.nn.init.zeros_(w)

    def logits(self, x):
        return self.ln_f(x) @ self.wte.weight.t()           # tied output layer

    def forward(self, idx):
        B, T = idx.shape
        x = self.drop(self.wte(idx) + self.wpe(torch.arange(T)))
        for b in self.h:
            x = b(x, self.mask)
        return self.logits(x)


def train(o):
    V, C, D, L, H = (int(o.get(k, d)) for k, d in (("V", 512), ("C", 128), ("D", 128), ("L", 4), ("H", 4)))
    B, T = int(o.get("B", 16)), int(o.get("T", C))
    steps, warmup = int(o.get("steps", 20)), int(o.get("warmup", 3))
    p, clip = float(o.get("dropout", 0)), float(o.get("clip", 1))
    torch.manual_seed(1)
    m = GPT(V, C, D, L, H, p)
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
    V, C, D, L, H = (int(o.get(k, d)) for k, d in (("V", 512), ("C", 128), ("D", 128), ("L", 4), ("H", 4)))
    P, n, warmup = int(o.get("prompt", 16)), int(o.get("n", 100)), int(o.get("warmup", 8))
    if P + max(n, warmup) > C:
        sys.exit("gpt_torch.py: prompt + n is longer than the context")
    torch.manual_seed(1)
    m = GPT(V, C, D, L, H)
    m.eval()
    hs = D // H
    kc = torch.zeros(L, H, C, hs)
    vc = torch.zeros(L, H, C, hs)
    g = torch.Generator().manual_seed(1)

    def run(prompt, count):
        x = m.wte(prompt) + m.wpe(torch.arange(P))
        for l, b in enumerate(m.h):
            x = b.prefill(x, m.mask, kc[l], vc[l])
        tok = torch.multinomial(torch.softmax(m.logits(x[:, -1]).view(V), dim=0), 1, generator=g).item()
        t1 = time.perf_counter()
        for pos in range(P, P + count):
            x = (m.wte.weight[tok] + m.wpe.weight[pos]).view(1, 1, D)
            for l, b in enumerate(m.h):
                x = b.step(x, kc[l], vc[l], pos)
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
        sys.exit("usage: gpt_torch.py train|gen|info [key=value...]")
    o = torchbench.opts(sys.argv[2:])
    torchbench.set_threads(int(o.get("threads", 2)))
    if sys.argv[1] == "info":
        print(torchbench.info())
        return
    (train if sys.argv[1] == "train" else gen)(o)


if __name__ == "__main__":
    main()
