#!/usr/bin/python3
"""bert_torch.py — the PyTorch side of bench/transformers.sh's BERT rows: the same BERT and the same
pre-training step (masked language modelling + next-sentence prediction) as bench/bert_bench.c,
timed the same way.

    bert_torch.py train [V=8000] [C=128] [D=128] [L=2] [H=2] [F=4D] [B=32] [T=C] [steps=20] [warmup=3]
                        [mask=0.15] [dropout=0] [clip=1] [head=all|masked] [threads=2]
    bert_torch.py info [threads=2]

The model is written out here with torch.nn (no Hugging Face), BERT's architecture as Hugging
Face's BertForPreTraining has it: word + position + token-type embeddings, LayerNorm (ε 1e-12),
then L post-LN encoder layers (one Linear(D, 3D) for query, key and value — Hugging Face has three
Linear(D, D); one is a little faster — then softmax(q kᵀ/√hs) v over every position (no causal
mask; no padding in this batch, so no padding mask either; torch 1.13 has no
scaled_dot_product_attention) → Linear(D, D), added back, LayerNorm; Linear(D, F) → exact GELU →
Linear(F, D), added back, LayerNorm), the pooler (tanh(Linear(D, D)) of [CLS]) and the NSP
classifier Linear(D, 2), and the MLM head: Linear(D, D) → GELU → LayerNorm → the decoder, tied to
the word embeddings, plus its own bias. Dropout (when dropout > 0) where BERT has it.

head=all: the MLM head over every position, as BertForPreTraining does (B·T × V logits, the
  unmasked positions ignored by the loss, ignore_index);
head=masked: the head only on the masked positions, gathered first (M × V logits, M ≈ 15 % of B·T)
  — what tezgah's bert_forward does.

train: the batch, new every step and made before the clock starts: B sequences of T random ids
"[CLS] A [SEP] B [SEP]" (ids 0–4 special), segment ids 0 then 1; 15 % of the non-special positions
chosen (80 % → [MASK], 10 % a random id, 10 % kept), their original ids the targets; NSP labels 0/1
at random. One step = zero the gradients, forward, mean MLM cross-entropy over the masked positions
+ mean NSP cross-entropy, backward, clip_grad_norm_(clip), torch.optim.AdamW(lr 1e-4, weight decay
0.01) step. Prints "ms_median M ms_best B tokens_s R rss_mb S loss X cpu_ms U masked K" (median and
best of `steps` timed steps after `warmup`; tokens/s = B·T / median; the process's peak resident
set, the interpreter and libtorch included; U the median CPU time of a step, all threads together;
K the mean number of masked positions).

Threads and the BLAS: bench/lib/torchbench.py sets the threads; which OpenBLAS is loaded is chosen
from outside (LD_LIBRARY_PATH, bench/lib/torch.sh).
"""
import math
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import torchbench  # noqa: E402

PAD, UNK, CLS, SEP, MASK, NSPECIAL = 0, 1, 2, 3, 4, 5


class Layer(torch.nn.Module):
    def __init__(self, D, H, F, p):
        super().__init__()
        self.H = H
        self.qkv = torch.nn.Linear(D, 3 * D)
        self.dense = torch.nn.Linear(D, D)
        self.ln1 = torch.nn.LayerNorm(D, eps=1e-12)
        self.inter = torch.nn.Linear(D, F)
        self.out = torch.nn.Linear(F, D)
        self.ln2 = torch.nn.LayerNorm(D, eps=1e-12)
        self.gelu = torch.nn.GELU()
        self.drop_att = torch.nn.Dropout(p)
        self.drop = torch.nn.Dropout(p)

    def forward(self, x):
        B, T, D = x.shape
        q, k, v = (t.view(B, T, self.H, -1).transpose(1, 2) for t in self.qkv(x).split(D, dim=2))
        s = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(q.shape[-1]))
        y = (self.drop_att(torch.softmax(s, dim=-1)) @ v).transpose(1, 2).contiguous().view(B, T, D)
        x = self.ln1(x + self.drop(self.dense(y)))
        return self.ln2(x + self.drop(self.out(self.gelu(self.inter(x)))))


class Bert(torch.nn.Module):
    def __init__(self, V, C, D, L, H, F, p=0.0):
        super().__init__()
        self.word = torch.nn.Embedding(V, D)
        self.pos = torch.nn.Embedding(C, D)
        self.segment = torch.nn.Embedding(2, D)
        self.eln = torch.nn.LayerNorm(D, eps=1e-12)
        self.drop = torch.nn.Dropout(p)
        self.layers = torch.nn.ModuleList([Layer(D, H, F, p) for _ in range(L)])
        self.pooler = torch.nn.Linear(D, D)
        self.nsp = torch.nn.Linear(D, 2)
        self.transform = torch.nn.Linear(D, D)
        self.tgelu = torch.nn.GELU()
        self.tln = torch.nn.LayerNorm(D, eps=1e-12)
        self.mlm_bias = torch.nn.Parameter(torch.zeros(V))
        for name, w in self.named_parameters():
            if w.dim() == 2:
                torch.nn.init.normal_(w, 0.0, 0.02)
            elif "ln" in name and name.endswith("weight"):
                torch.nn.init.ones_(w)
            else:
                torch.nn.init.zeros_(w)

    def forward(self, idx, typ):
        B, T = idx.shape
        x = self.drop(self.eln(self.word(idx) + self.pos(torch.arange(T)) + self.segment(typ)))
        for layer in self.layers:
            x = layer(x)
        return x

    def mlm(self, x):
        # the decoder is the word embeddings (tied), plus a bias of its own
        return self.tln(self.tgelu(self.transform(x))) @ self.word.weight.t() + self.mlm_bias


def batch(B, T, V, prob, g):
    x = torch.randint(NSPECIAL, V, (B, T), generator=g)
    cut = T // 2
    x[:, 0] = CLS
    x[:, cut] = SEP
    x[:, T - 1] = SEP
    typ = (torch.arange(T) > cut).long().expand(B, T).contiguous()
    chosen = (torch.rand(B, T, generator=g) < prob) & (x >= NSPECIAL)
    tgt = torch.where(chosen, x, torch.full_like(x, -100))
    u = torch.rand(B, T, generator=g)
    x = torch.where(chosen & (u < 0.8), torch.full_like(x, MASK), x)
    rnd = torch.randint(NSPECIAL, V, (B, T), generator=g)
    x = torch.where(chosen & (u >= 0.8) & (u < 0.9), rnd, x)
    nsp = torch.randint(0, 2, (B,), generator=g)
    return x, typ, tgt, nsp


def train(o):
    V, C, D, L, H = (int(o.get(k, d)) for k, d in (("V", 8000), ("C", 128), ("D", 128), ("L", 2), ("H", 2)))
    F = int(o.get("F", 4 * D))
    B, T = int(o.get("B", 32)), int(o.get("T", C))
    steps, warmup = int(o.get("steps", 20)), int(o.get("warmup", 3))
    prob, p, clip = float(o.get("mask", 0.15)), float(o.get("dropout", 0)), float(o.get("clip", 1))
    head = o.get("head", "masked")
    if head not in ("all", "masked"):
        sys.exit("bert_torch.py: head=all or head=masked")
    torch.manual_seed(1)
    m = Bert(V, C, D, L, H, F, p)
    m.train()
    opt = torch.optim.AdamW(m.parameters(), lr=1e-4, weight_decay=0.01)
    g = torch.Generator().manual_seed(1)
    ms, cpu, loss, masked = [], [], None, 0
    for s in range(warmup + steps):
        x, typ, tgt, nsp = batch(B, T, V, prob, g)
        c0 = time.process_time()
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        h = m(x, typ)
        if head == "all":
            mlm = torch.nn.functional.cross_entropy(m.mlm(h).view(B * T, V), tgt.view(B * T), ignore_index=-100)
        else:
            rows = (tgt.view(-1) >= 0).nonzero().squeeze(1)        # the masked positions, in order
            mlm = torch.nn.functional.cross_entropy(m.mlm(h.view(B * T, D).index_select(0, rows)),
                                                    tgt.view(-1).index_select(0, rows))
        nsp_loss = torch.nn.functional.cross_entropy(m.nsp(torch.tanh(m.pooler(h[:, 0]))), nsp)
        loss = mlm + nsp_loss
        loss.backward()
        if clip > 0:
            torch.nn.utils.clip_grad_norm_(m.parameters(), clip)
        opt.step()
        if s >= warmup:
            ms.append((time.perf_counter() - t0) * 1e3)
            cpu.append((time.process_time() - c0) * 1e3)
            masked += int((tgt >= 0).sum())
    med, best = torchbench.median_best(ms)
    print("ms_median %.3f ms_best %.3f tokens_s %.0f rss_mb %.1f loss %.4f cpu_ms %.1f masked %.0f"
          % (med, best, B * T / (med / 1e3), torchbench.peak_rss_mb(), loss.item(), torchbench.median_best(cpu)[0],
             masked / steps))


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("train", "info"):
        sys.exit("usage: bert_torch.py train|info [key=value...]")
    o = torchbench.opts(sys.argv[2:])
    torchbench.set_threads(int(o.get("threads", 2)))
    if sys.argv[1] == "info":
        print(torchbench.info())
        return
    train(o)


if __name__ == "__main__":
    main()
