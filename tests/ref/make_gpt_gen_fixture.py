#!/usr/bin/python3
"""make_gpt_gen_fixture.py — greedy generation in PyTorch, for tests/unit/test_gpt_gen.c: the C
generator (src/engine/models/gpt_gen.c, with its key/value cache) must pick the same tokens.

Re-run (from the repository root; needs Debian's PyTorch):

    scripts/need-pkgs.sh python3-torch   # once
    /usr/bin/python3 tests/ref/make_gpt_gen_fixture.py

The model is the tiny one of tests/ref/gpt/tiny.txt (V=13, C=8, D=8, L=2, H=2, written by
make_gpt_fixtures.py; read back from there, not drawn again). Here there is NO cache: every step
runs the whole window through GPT-2's forward pass (float64) and takes the argmax of the last
row, the definition the cache must reproduce. The rules of gpt_generate are written out again:

  - a prompt longer than the context C keeps its last C tokens ("cut" = how many were dropped);
  - when the window is full (C tokens) and one more must be fed, it keeps its last C // 2 tokens
    and the new one (positions count from 0 again).

Three cases: a prompt whose generation just fills the context; one that generates 3·C tokens,
sliding the window several times (its prompt is chosen so that keeping C // 2 − 1 or C − 1 tokens
instead would give other tokens, and so that it does not just repeat one token); one whose prompt
is longer than the context. A greedy choice
is only a fair test when the winner is clearly ahead: every step's margin (best logit minus the
second best) is printed, and the prompts are drawn (fixed seed) until every margin of a case
exceeds MIN_MARGIN, far above the float32 rounding of the C side (~1e-6 here).

It writes tests/ref/gpt/greedy.txt in the fixture format ("name count v1 v2 …"):
<case>.prompt, <case>.tokens (the generated ones), <case>.cut, <case>.margin (the smallest);
tiny.sum, the sum of every parameter of tiny.txt, so that a stale pair of fixtures is told apart
from a wrong generator (re-run this script after make_gpt_fixtures.py).
"""
import math
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
V, C, D, L, H = 13, 8, 8, 2, 2
HS = D // H
MIN_MARGIN = 1e-3

BLOCK = ["ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias", "attn.c_proj.weight",
         "attn.c_proj.bias", "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight", "mlp.c_fc.bias",
         "mlp.c_proj.weight", "mlp.c_proj.bias"]
SHAPES = {"wte.weight": (V, D), "wpe.weight": (C, D), "attn.c_attn.weight": (3 * D, D),
          "attn.c_proj.weight": (D, D), "mlp.c_fc.weight": (4 * D, D), "mlp.c_proj.weight": (D, 4 * D)}


def load():
    """The parameters of tiny.txt, by name, as float64 tensors of their shapes."""
    P = {}
    names = ["wte.weight", "wpe.weight"] + ["h.%d.%s" % (l, n) for l in range(L) for n in BLOCK] + \
            ["ln_f.weight", "ln_f.bias"]
    with open(os.path.join(HERE, "gpt", "tiny.txt")) as f:
        rows = {line.split(" ", 1)[0]: line.split()[2:] for line in f}
    for name in names:
        vals = torch.tensor([float(v) for v in rows[name]], dtype=torch.float64)
        short = name.split(".", 2)[2] if name.startswith("h.") else name
        P[name] = vals.reshape(SHAPES.get(short, (-1,)))
    return P


def forward(P, ids):
    """GPT-2 over one sequence of T ≤ C tokens: the logits of every position, T × V."""
    T = len(ids)
    ln = lambda x, n: F.layer_norm(x, (D,), P[n + ".weight"], P[n + ".bias"], eps=1e-5)
    lin = lambda x, n: x @ P[n + ".weight"].T + P[n + ".bias"]

    def attention(qkv):
        q, k, v = (t.view(T, H, HS).transpose(0, 1) for t in qkv.split(D, dim=1))   # H × T × hs
        s = q @ k.transpose(-2, -1) / math.sqrt(HS)
        mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
        p = torch.softmax(s.masked_fill(~mask, float("-inf")), dim=-1)
        return (p @ v).transpose(0, 1).reshape(T, D)

    x = P["wte.weight"][torch.tensor(ids)] + P["wpe.weight"][:T]
    for l in range(L):
        h = "h.%d." % l
        x = x + lin(attention(lin(ln(x, h + "ln_1"), h + "attn.c_attn")), h + "attn.c_proj")
        x = x + lin(F.gelu(lin(ln(x, h + "ln_2"), h + "mlp.c_fc"), approximate="tanh"), h + "mlp.c_proj")
    return ln(x, "ln_f") @ P["wte.weight"].T


def generate(P, prompt, n, keep=C // 2):
    """Greedy, no cache, gpt_generate's window rules (keep: how many tokens a full window keeps;
    C // 2 is the rule, others are only used to make sure the fixture tells them apart).
    Returns (tokens, cut, smallest margin)."""
    cut = max(0, len(prompt) - C)
    window = list(prompt[cut:])
    out, margin = [], math.inf
    for i in range(n):
        logits = forward(P, window)[-1]
        top2 = torch.topk(logits, 2).values
        margin = min(margin, (top2[0] - top2[1]).item())
        tok = int(torch.argmax(logits))
        out.append(tok)
        if i == n - 1:
            break
        if len(window) == C:            # full: keep the last C // 2, then the new token
            window = window[len(window) - keep:]
        window.append(tok)
    return out, cut, margin


def fmt(name, vals):
    return name + " " + str(len(vals)) + "".join(" %.10g" % v for v in vals) + "\n"


def check(P):
    """The forward pass above must give tiny.txt's own logits (its two sequences of 6 tokens)."""
    with open(os.path.join(HERE, "gpt", "tiny.txt")) as f:
        rows = {line.split(" ", 1)[0]: [float(v) for v in line.split()[2:]] for line in f}
    tokens = [int(t) for t in rows["tokens"]]
    want = torch.tensor(rows["logits"], dtype=torch.float64).reshape(2, 6, V)
    for b in range(2):
        got = forward(P, tokens[6 * b:6 * b + 6])
        assert torch.allclose(got, want[b], rtol=0, atol=1e-8), "forward() disagrees with tiny.txt"


def main():
    P = load()
    check(P)
    gen = torch.Generator().manual_seed(7)
    cases = [("fill", 3, C - 3), ("slide", 5, 3 * C), ("long", C + 3, 6)]
    s = ""
    with torch.no_grad():
        for name, np_, n in cases:
            for attempt in range(1000):
                prompt = torch.randint(0, V, (np_,), generator=gen).tolist()
                toks, cut, margin = generate(P, prompt, n)
                if name == "slide" and (len(set(toks)) < 4 or toks == generate(P, prompt, n, C // 2 - 1)[0]
                                        or toks == generate(P, prompt, n, C - 1)[0]):
                    continue
                if margin > MIN_MARGIN:
                    break
            else:
                raise SystemExit("%s: no prompt with every margin above %g" % (name, MIN_MARGIN))
            print("%-5s prompt %s -> %s  cut %d  smallest margin %.4g (attempt %d)"
                  % (name, prompt, toks, cut, margin, attempt + 1))
            s += fmt(name + ".prompt", prompt) + fmt(name + ".tokens", toks)
            s += fmt(name + ".cut", [cut]) + fmt(name + ".margin", [margin])
    # which weights these tokens belong to: if tiny.txt is ever written anew, the C test says so
    s += fmt("tiny.sum", [sum(t.sum().item() for t in P.values())])
    with open(os.path.join(HERE, "gpt", "greedy.txt"), "w") as f:
        f.write(s)


if __name__ == "__main__":
    main()
