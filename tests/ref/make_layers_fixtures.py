#!/usr/bin/python3
"""make_layers_fixtures.py — the Transformer building blocks (src/engine/nn/layers.c) against
PyTorch, for tests/unit/test_layers_torch.c: one small chain through every block, its forward
values and every gradient.

Re-run (from the repository root; needs Debian's PyTorch, the package index is not used):

    scripts/need-pkgs.sh python3-torch   # once
    /usr/bin/python3 tests/ref/make_layers_fixtures.py

B=2 sequences of T=5 tokens (N = 10 rows), D=8 features, H=2 heads of 4, V=7 classes:

    h      = F.layer_norm(x, (D,), gamma, beta, eps=1e-5)          N × D
    qkv    = h W1ᵀ + b1                                           N × 3D (q | k | v, GPT-2's layout)
    a      = causal multi-head attention of qkv                   N × D   (att: B × H × T × T)
    g      = F.gelu(a, approximate="tanh")                        N × D
    logits = g W2ᵀ + b2                                           N × V
    loss   = F.cross_entropy(logits, targets, ignore_index=-1)    mean over the 9 counted rows

The inputs and weights are drawn in float32 (so the C side reads them back exactly) and
everything is computed in float64. The attention is written out as GPT-2's model.py does it
(this Debian PyTorch predates F.scaled_dot_product_attention).

It writes tests/ref/layers/chain.txt, one tensor a line: "name count v1 v2 …" (%.10g, C
order): x gamma beta W1 b1 W2 b2 targets; ln qkv att attn gelu logits loss; then the
gradients dlogits dgelu (of g) dattn (of a) dqkv dln (of h) dx dgamma dbeta dW1 db1 dW2 db2.
"""
import math
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "layers")
B, T, D, H, V = 2, 5, 8, 2, 7
N, HS = B * T, D // H


def fmt(name, t):
    v = t.detach().reshape(-1).tolist()
    return name + " " + str(len(v)) + "".join(" %.10g" % x for x in v) + "\n"


def attention(qkv):
    q, k, v = qkv.split(D, dim=1)                                  # N × D each
    q, k, v = (t.view(B, T, H, HS).transpose(1, 2) for t in (q, k, v))   # B × H × T × hs
    s = q @ k.transpose(-2, -1) / math.sqrt(HS)
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
    p = torch.softmax(s.masked_fill(~mask, float("-inf")), dim=-1)
    y = (p @ v).transpose(1, 2).reshape(N, D)
    return y, p


def main():
    torch.manual_seed(2027)

    def r32(*shape, scale=1.0):
        return ((torch.rand(*shape, dtype=torch.float32) * 2 - 1) * scale).double().requires_grad_()

    x = r32(N, D, scale=2.0)
    gamma = (1 + r32(D, scale=0.5)).detach().requires_grad_()
    beta = r32(D, scale=0.5)
    W1, b1 = r32(3 * D, D, scale=0.8), r32(3 * D, scale=0.2)
    W2, b2 = r32(V, D), r32(V, scale=0.2)
    targets = torch.randint(0, V, (N,))
    targets[3] = -1                                                # one row that does not count

    ln = F.layer_norm(x, (D,), gamma, beta, eps=1e-5)
    qkv = ln @ W1.T + b1
    attn, att = attention(qkv)
    g = F.gelu(attn, approximate="tanh")
    logits = g @ W2.T + b2
    loss = F.cross_entropy(logits, targets, ignore_index=-1)
    for t in (ln, qkv, attn, g, logits):
        t.retain_grad()
    loss.backward()

    s = ""
    for name, t in (("x", x), ("gamma", gamma), ("beta", beta), ("W1", W1), ("b1", b1), ("W2", W2),
                    ("b2", b2), ("targets", targets.double())):
        s += fmt(name, t)
    for name, t in (("ln", ln), ("qkv", qkv), ("att", att), ("attn", attn), ("gelu", g),
                    ("logits", logits), ("loss", loss.reshape(1))):
        s += fmt(name, t)
    for name, t in (("dlogits", logits.grad), ("dgelu", g.grad), ("dattn", attn.grad), ("dqkv", qkv.grad),
                    ("dln", ln.grad), ("dx", x.grad), ("dgamma", gamma.grad), ("dbeta", beta.grad),
                    ("dW1", W1.grad), ("db1", b1.grad), ("dW2", W2.grad), ("db2", b2.grad)):
        s += fmt(name, t)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "chain.txt"), "w") as f:
        f.write(s)


if __name__ == "__main__":
    main()
