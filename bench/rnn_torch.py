#!/usr/bin/python3
"""rnn_torch.py — the PyTorch side of bench/rnn.sh: the same character language model and the
same training step as bench/rnn_bench.c, timed the same way.

    rnn_torch.py train rnn|lstm|gru [H=256] [L=1] [V=96] [E=64] [T=64] [B=32] [steps=20]
                 [warmup=3] [clip=5] [threads=2]
    rnn_torch.py gen rnn|lstm|gru [H=256] [L=1] [V=96] [E=64] [n=2000] [warmup=100] [threads=2]
    rnn_torch.py info [threads=2]

One training step: zero the gradients; nn.Embedding(V, E) → nn.LSTM/GRU/RNN(tanh)(E, H,
num_layers=L), time-major, the states carried (detached) from the step before → nn.Linear(H, V)
→ cross_entropy (the mean over T·B) → backward → clip_grad_norm_(clip) → Adam(lr 1e-3) step.
The tokens are random ids, new every step. `train` prints the line rnn_bench prints:
    "ms_median M ms_best B tokens_s R rss_mb S"
(median and best of `steps` timed steps after `warmup`; tokens/s = T·B / median; the peak
resident set of the process, the interpreter and torch included). `gen` feeds one token at a
time at batch 1 under torch.no_grad() (embedding, cell, linear, softmax, torch.multinomial,
.item()) and prints "tokens_s R ms_per_token M rss_mb S". `info` prints which BLAS library the
process has mapped and the thread settings, in one line.

Threads: torch.set_num_threads(threads) (torch's OpenMP pool, which an OpenMP build of
OpenBLAS shares) and one inter-op thread (nothing here runs ops concurrently). Which OpenBLAS
is loaded is chosen from outside (LD_LIBRARY_PATH, see bench/lib/torch.sh).
"""
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from torchbench import info, opts, peak_rss_mb, set_threads  # noqa: E402  (shared with gpt_torch.py)


class Model(torch.nn.Module):
    def __init__(self, kind, V, E, H, L):
        super().__init__()
        self.emb = torch.nn.Embedding(V, E)
        cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind]
        kw = {"nonlinearity": "tanh"} if kind == "rnn" else {}
        self.rnn = cls(E, H, num_layers=L, **kw)
        self.out = torch.nn.Linear(H, V)

    def forward(self, x, state):
        h, state = self.rnn(self.emb(x), state)
        return self.out(h), state


def detach(state):
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


def zero_state(kind, L, B, H):
    h = torch.zeros(L, B, H)
    return (h, torch.zeros(L, B, H)) if kind == "lstm" else h


def train(kind, o):
    V, E, H, L = int(o.get("V", 96)), int(o.get("E", 64)), int(o.get("H", 256)), int(o.get("L", 1))
    T, B = int(o.get("T", 64)), int(o.get("B", 32))
    steps, warmup, clip = int(o.get("steps", 20)), int(o.get("warmup", 3)), float(o.get("clip", 5))
    torch.manual_seed(1)
    m = Model(kind, V, E, H, L)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    state = zero_state(kind, L, B, H)
    g = torch.Generator().manual_seed(1)
    ms = []
    loss = None
    for s in range(warmup + steps):
        x = torch.randint(0, V, (T, B), generator=g)
        y = torch.randint(0, V, (T, B), generator=g)
        t0 = time.perf_counter()
        opt.zero_grad()
        logits, state = m(x, state)
        loss = torch.nn.functional.cross_entropy(logits.reshape(T * B, V), y.reshape(T * B))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(m.parameters(), clip)
        opt.step()
        state = detach(state)
        t = time.perf_counter() - t0
        if s >= warmup:
            ms.append(t * 1e3)
    ms.sort()
    n = len(ms)
    med = ms[n // 2] if n % 2 else 0.5 * (ms[n // 2 - 1] + ms[n // 2])
    print("ms_median %.3f ms_best %.3f tokens_s %.0f rss_mb %.1f loss %.4f"
          % (med, ms[0], T * B / (med / 1e3), peak_rss_mb(), loss.item()))


def gen(kind, o):
    V, E, H, L = int(o.get("V", 96)), int(o.get("E", 64)), int(o.get("H", 256)), int(o.get("L", 1))
    n, warmup = int(o.get("n", 2000)), int(o.get("warmup", 100))
    torch.manual_seed(1)
    m = Model(kind, V, E, H, L)
    m.eval()
    g = torch.Generator().manual_seed(1)
    state = zero_state(kind, L, 1, H)
    tok = torch.zeros(1, 1, dtype=torch.long)
    t0 = 0
    with torch.no_grad():
        for i in range(warmup + n):
            if i == warmup:
                t0 = time.perf_counter()
            logits, state = m(tok, state)
            p = torch.softmax(logits.reshape(V), dim=0)
            tok[0, 0] = torch.multinomial(p, 1, generator=g).item()
    t = time.perf_counter() - t0
    print("tokens_s %.0f ms_per_token %.4f rss_mb %.1f" % (n / t, t * 1e3 / n, peak_rss_mb()))


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("train", "gen", "info"):
        sys.exit("usage: rnn_torch.py train|gen rnn|lstm|gru [key=value...] | info")
    o = opts(sys.argv[2:])
    set_threads(int(o.get("threads", 2)))
    if sys.argv[1] == "info":
        print(info())
        return
    kind = sys.argv[2]
    if kind not in ("rnn", "lstm", "gru"):
        sys.exit("rnn_torch.py: the cell is rnn, lstm or gru")
    (train if sys.argv[1] == "train" else gen)(kind, o)


if __name__ == "__main__":
    main()
