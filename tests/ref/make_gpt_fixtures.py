#!/usr/bin/python3
"""make_gpt_fixtures.py — the whole GPT of src/engine/models/gpt.c against PyTorch, for
tests/unit/test_gpt_torch.c: one tiny model, its logits, its loss, the gradient of every
parameter tensor, and the losses after three AdamW steps.

Re-run (from the repository root; needs Debian's PyTorch, the package index is not used):

    scripts/need-pkgs.sh python3-torch   # once
    /usr/bin/python3 tests/ref/make_gpt_fixtures.py

V=13 tokens, context C=8, width D=8, L=2 blocks of H=2 heads (hs 4); a batch of B=2 sequences
of T=6 tokens (N = 12 rows), one target ignored (-1). GPT-2's forward pass, written out with
plain torch ops (this Debian PyTorch predates F.scaled_dot_product_attention):

    x = wte[tokens] + wpe[0..T-1]
    per block:  x = x + c_proj(attention(c_attn(ln_1(x))))      causal, scores scaled by 1/√hs
                x = x + mlp.c_proj(gelu_tanh(mlp.c_fc(ln_2(x))))
    logits = ln_f(x) wteᵀ                                        tied output layer
    loss   = F.cross_entropy(logits, targets, ignore_index=-1)   mean over the counted rows

Weights are nn.Linear's Out × In, as gpt.h keeps them. They are drawn in float32 (so the C side
reads them back exactly) and everything is computed in float64. The weights are much larger
than GPT-2's 0.02 so that attention is far from uniform and every gradient is big enough to
mean something.

It writes tests/ref/gpt/tiny.txt, one tensor a line: "name count v1 v2 …" (%.10g, C order):
every parameter under its gpt_tensor name in gpt_tensor's order; tokens, targets; logits, loss;
"grad.<name>" for every parameter; then torch.optim.AdamW (lr 1e-2, β 0.9/0.999, ε 1e-8,
weight decay 0.01 on every tensor, as nn/optim.c) for 3 steps: "adamw.loss" holds the loss
before step 1 and after each of the 3 steps (4 values).
"""
import math
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gpt")
V, C, D, L, H = 13, 8, 8, 2, 2
B, T = 2, 6
N, HS = B * T, D // H
LR, STEPS = 1e-2, 3

BLOCK = [("ln_1.weight", (D,)), ("ln_1.bias", (D,)),
         ("attn.c_attn.weight", (3 * D, D)), ("attn.c_attn.bias", (3 * D,)),
         ("attn.c_proj.weight", (D, D)), ("attn.c_proj.bias", (D,)),
         ("ln_2.weight", (D,)), ("ln_2.bias", (D,)),
         ("mlp.c_fc.weight", (4 * D, D)), ("mlp.c_fc.bias", (4 * D,)),
         ("mlp.c_proj.weight", (D, 4 * D)), ("mlp.c_proj.bias", (D,))]


def fmt(name, t):
    v = t.detach().reshape(-1).tolist()
    return name + " " + str(len(v)) + "".join(" %.10g" % x for x in v) + "\n"


def shapes():
    """(name, shape) in gpt_tensor's order."""
    out = [("wte.weight", (V, D)), ("wpe.weight", (C, D))]
    for l in range(L):
        out += [("h.%d.%s" % (l, n), s) for n, s in BLOCK]
    return out + [("ln_f.weight", (D,)), ("ln_f.bias", (D,))]


def attention(qkv):
    q, k, v = qkv.split(D, dim=1)                                        # N × D each
    q, k, v = (t.view(B, T, H, HS).transpose(1, 2) for t in (q, k, v))   # B × H × T × hs
    s = q @ k.transpose(-2, -1) / math.sqrt(HS)
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
    p = torch.softmax(s.masked_fill(~mask, float("-inf")), dim=-1)
    return (p @ v).transpose(1, 2).reshape(N, D)


def forward(P, tokens, targets):
    ln = lambda x, n: F.layer_norm(x, (D,), P[n + ".weight"], P[n + ".bias"], eps=1e-5)
    lin = lambda x, n: x @ P[n + ".weight"].T + P[n + ".bias"]
    x = P["wte.weight"][tokens.reshape(-1)] + P["wpe.weight"][:T].repeat(B, 1)          # N × D
    for l in range(L):
        h = "h.%d." % l
        x = x + lin(attention(lin(ln(x, h + "ln_1"), h + "attn.c_attn")), h + "attn.c_proj")
        x = x + lin(F.gelu(lin(ln(x, h + "ln_2"), h + "mlp.c_fc"), approximate="tanh"), h + "mlp.c_proj")
    logits = ln(x, "ln_f") @ P["wte.weight"].T                                          # N × V
    return logits, F.cross_entropy(logits, targets.reshape(-1), ignore_index=-1)


def main():
    torch.manual_seed(2031)
    P = {}
    for name, shape in shapes():
        u = torch.rand(*shape, dtype=torch.float32) * 2 - 1
        if name.startswith("ln_") or ".ln_" in name:
            u = 1 + 0.3 * u if name.endswith(".weight") else 0.2 * u
        else:
            u = 0.5 * u
        P[name] = u.double().requires_grad_()
    tokens = torch.randint(0, V, (B, T))
    targets = torch.cat([tokens[:, 1:], torch.randint(0, V, (B, 1))], dim=1)  # next tokens
    targets[1, 2] = -1                                                         # one that does not count

    s = ""
    for name, _ in shapes():
        s += fmt(name, P[name])
    s += fmt("tokens", tokens.double()) + fmt("targets", targets.double())
    logits, loss = forward(P, tokens, targets)
    loss.backward()
    s += fmt("logits", logits) + fmt("loss", loss.reshape(1))
    for name, _ in shapes():
        s += fmt("grad." + name, P[name].grad)

    params = [P[n] for n, _ in shapes()]
    opt = torch.optim.AdamW(params, lr=LR, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    losses = [loss.item()]
    for _ in range(STEPS):
        opt.zero_grad()
        _, loss = forward(P, tokens, targets)
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
