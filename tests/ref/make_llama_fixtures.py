#!/usr/bin/python3
"""make_llama_fixtures.py — the whole LLaMA of src/engine/models/llama.c against PyTorch, for
tests/unit/test_llama_torch.c: one tiny model, its logits, its loss, the gradient of every
parameter tensor, and the losses after three AdamW steps.

Re-run (from the repository root; needs Debian's PyTorch, the package index is not used):

    scripts/need-pkgs.sh python3-torch   # once
    /usr/bin/python3 tests/ref/make_llama_fixtures.py

V=17 tokens, context C=8, width D=16, L=2 blocks of H=4 query heads (hs 4) sharing Hkv=2
key/value heads (grouped-query attention: query heads 0, 1 read kv head 0; 2, 3 read kv head 1),
feed-forward width F=24, output layer not tied to the embedding; a batch of B=2 sequences of T=6
tokens (N = 12 rows), one target ignored (-1). The forward pass of Meta's reference model.py
(and llama2.c's), written out with plain torch ops:

    x = tok_embeddings[tokens]
    per block:  a = rmsnorm(x, attention_norm)
                q, k = rope(a wqᵀ), rope(a wkᵀ);  v = a wvᵀ
                x = x + wo(attention(q, k, v))       causal, scores scaled by 1/√hs
                f = rmsnorm(x, ffn_norm)
                x = x + w2(silu(w1 f) * w3 f)
    logits = rmsnorm(x, norm) outputᵀ
    loss   = F.cross_entropy(logits, targets, ignore_index=-1)

rmsnorm(x, w) = w · x / √(mean(x²) + 1e-5). RoPE: in each head the features are paired
(2i, 2i+1) — Meta's and llama2.c's convention (view_as_complex on adjacent pairs), not Hugging
Face's rotate_half — and pair i at position p turns by the angle p·10000^(−2i/hs); positions
start at 0 in each sequence. No biases anywhere. Weights are nn.Linear's Out × In, as llama.h
keeps them. They are drawn in float32 (so the C side reads them back exactly) and everything is
computed in float64. The weights are large (uniform in ±0.5, RMSNorm weights in 1 ± 0.3) so that
attention is far from uniform and every gradient is big enough to mean something.

It writes tests/ref/llama/tiny.txt, one tensor a line: "name count v1 v2 …" (%.10g, C order):
every parameter under its llama_tensor name in llama_tensor's order; tokens, targets; logits,
loss; "att.<l>" the attention probabilities of block l (B × H × T × T); "grad.<name>" for every
parameter; then torch.optim.AdamW (lr 1e-2, β 0.9/0.999, ε 1e-8, weight decay 0.01 on every
tensor, as nn/optim.c) for 3 steps: "adamw.loss" holds the loss before step 1 and after each of
the 3 steps (4 values).
"""
import math
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "llama")
V, C, D, L, H, HKV, FF = 17, 8, 16, 2, 4, 2, 24
B, T = 2, 6
N, HS = B * T, D // H
KV = HKV * HS
EPS, THETA = 1e-5, 10000.0
LR, STEPS = 1e-2, 3

BLOCK = [("attention_norm.weight", (D,)), ("attention.wq.weight", (D, D)),
         ("attention.wk.weight", (KV, D)), ("attention.wv.weight", (KV, D)),
         ("attention.wo.weight", (D, D)), ("ffn_norm.weight", (D,)),
         ("feed_forward.w1.weight", (FF, D)), ("feed_forward.w2.weight", (D, FF)),
         ("feed_forward.w3.weight", (FF, D))]


def fmt(name, t):
    v = t.detach().reshape(-1).tolist()
    return name + " " + str(len(v)) + "".join(" %.10g" % x for x in v) + "\n"


def shapes():
    """(name, shape) in llama_tensor's order."""
    out = [("tok_embeddings.weight", (V, D))]
    for l in range(L):
        out += [("layers.%d.%s" % (l, n), s) for n, s in BLOCK]
    return out + [("norm.weight", (D,)), ("output.weight", (V, D))]


def rmsnorm(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * w


def rope(x, nh):
    """x: N × nh·hs; each head's pairs (2i, 2i+1) turned by pos·θ^(−2i/hs)."""
    pos = torch.arange(T, dtype=torch.float64).repeat(B)                        # N: 0 … T−1, twice
    freq = THETA ** (-torch.arange(0, HS, 2, dtype=torch.float64) / HS)         # hs/2
    ang = pos[:, None] * freq[None, :]                                          # N × hs/2
    cos, sin = torch.cos(ang)[:, None, :], torch.sin(ang)[:, None, :]           # N × 1 × hs/2
    x = x.view(N, nh, HS // 2, 2)
    x0, x1 = x[..., 0], x[..., 1]
    return torch.stack((x0 * cos - x1 * sin, x0 * sin + x1 * cos), dim=-1).reshape(N, nh * HS)


def rope_meta(x, nh):
    """Meta's model.py apply_rotary_emb (complex numbers on adjacent pairs): a check of rope()."""
    freqs = 1.0 / (THETA ** (torch.arange(0, HS, 2, dtype=torch.float64) / HS))
    cis = torch.polar(torch.ones(T, HS // 2, dtype=torch.float64), torch.outer(torch.arange(T, dtype=torch.float64), freqs))
    xc = torch.view_as_complex(x.reshape(B, T, nh, HS // 2, 2).contiguous())
    return torch.view_as_real(xc * cis[None, :, None, :]).reshape(N, nh * HS)


def attention(q, k, v):
    q = q.view(B, T, H, HS).transpose(1, 2)                                    # B × H × T × hs
    k = k.view(B, T, HKV, HS).transpose(1, 2).repeat_interleave(H // HKV, dim=1)
    v = v.view(B, T, HKV, HS).transpose(1, 2).repeat_interleave(H // HKV, dim=1)
    s = q @ k.transpose(-2, -1) / math.sqrt(HS)
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
    p = torch.softmax(s.masked_fill(~mask, float("-inf")), dim=-1)
    return (p @ v).transpose(1, 2).reshape(N, D), p


def forward(P, tokens, targets):
    lin = lambda x, n: x @ P[n + ".weight"].T
    x = P["tok_embeddings.weight"][tokens.reshape(-1)]                          # N × D
    atts = []
    for l in range(L):
        h = "layers.%d." % l
        a = rmsnorm(x, P[h + "attention_norm.weight"])
        q, k, v = rope(lin(a, h + "attention.wq"), H), rope(lin(a, h + "attention.wk"), HKV), lin(a, h + "attention.wv")
        o, p = attention(q, k, v)
        atts.append(p)
        x = x + lin(o, h + "attention.wo")
        f = rmsnorm(x, P[h + "ffn_norm.weight"])
        x = x + lin(F.silu(lin(f, h + "feed_forward.w1")) * lin(f, h + "feed_forward.w3"), h + "feed_forward.w2")
    logits = lin(rmsnorm(x, P["norm.weight"]), "output")                       # N × V
    return logits, F.cross_entropy(logits, targets.reshape(-1), ignore_index=-1), atts


def main():
    torch.manual_seed(2032)
    x = torch.randn(N, H * HS, dtype=torch.float64)
    assert torch.allclose(rope(x, H), rope_meta(x, H), rtol=0, atol=1e-12), "rope() is not Meta's pairing"
    P = {}
    for name, shape in shapes():
        u = torch.rand(*shape, dtype=torch.float32) * 2 - 1
        u = 1 + 0.3 * u if "norm" in name else 0.5 * u
        P[name] = u.double().requires_grad_()
    tokens = torch.randint(0, V, (B, T))
    targets = torch.cat([tokens[:, 1:], torch.randint(0, V, (B, 1))], dim=1)  # next tokens
    targets[1, 2] = -1                                                         # one that does not count

    s = ""
    for name, _ in shapes():
        s += fmt(name, P[name])
    s += fmt("tokens", tokens.double()) + fmt("targets", targets.double())
    logits, loss, atts = forward(P, tokens, targets)
    loss.backward()
    s += fmt("logits", logits) + fmt("loss", loss.reshape(1))
    for l in range(L):
        s += fmt("att.%d" % l, atts[l])
    for name, _ in shapes():
        s += fmt("grad." + name, P[name].grad)

    params = [P[n] for n, _ in shapes()]
    opt = torch.optim.AdamW(params, lr=LR, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    losses = [loss.item()]
    for _ in range(STEPS):
        opt.zero_grad()
        _, loss, _ = forward(P, tokens, targets)
        loss.backward()
        opt.step()
        with torch.no_grad():
            losses.append(forward(P, tokens, targets)[1].item())
    s += fmt("adamw.loss", torch.tensor(losses, dtype=torch.float64))

    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "tiny.txt"), "w") as f:
        f.write(s)


if __name__ == "__main__":
    main()
