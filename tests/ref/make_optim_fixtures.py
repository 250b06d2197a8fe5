#!/usr/bin/python3
"""make_optim_fixtures.py — the optimisers of src/engine/nn/optim.c against PyTorch's
torch.optim.Adam, torch.optim.AdamW and torch.optim.SGD (momentum), and gradient clipping
against torch.nn.utils.clip_grad_norm_, for tests/unit/test_optim_torch.c.

Re-run (from the repository root; needs Debian's PyTorch, the package index is not used):

    scripts/need-pkgs.sh python3-torch   # once
    /usr/bin/python3 tests/ref/make_optim_fixtures.py

Two parameter tensors, a (7 values) and b (5), and for each of STEPS steps a gradient for each,
all drawn in float32 (so the values written are exact float32 numbers the C side reads back
without rounding); PyTorch then runs its optimiser on float64 copies, with the same gradients,
and the parameters after every step are written. One file per case, tests/ref/optim/NAME.txt,
one tensor a line: "name count v1 v2 …" (%.17g):

    cfg 8     kind (0 SGD, 1 Adam, 2 AdamW) lr beta1 beta2 eps weight_decay momentum clip
    a0 7  b0 5                 the parameters before the first step
    ga1 7 gb1 5 … gaK gbK      the gradient of each step
    a1 7 b1 5 … aK bK          the parameters after each step
    n1 1 … nK 1                (cases with clip > 0) the global norm before clipping

A step with clip > 0 first calls clip_grad_norm_(max_norm=clip) on the gradients, then the
optimiser's step. The gradients are scaled up in the clip case so that clipping really bites.
"""
import os

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim")
STEPS = 5
NA, NB = 7, 5

# name: (kind, lr, beta1, beta2, eps, weight_decay, momentum, clip, seed)
CASES = {
    "adam":      (1, 0.01, 0.9, 0.999, 1e-8, 0.0, 0.0, 0.0, 11),
    "adam_l2":   (1, 0.01, 0.8, 0.99, 1e-6, 0.1, 0.0, 0.0, 12),
    "adamw":     (2, 0.01, 0.9, 0.999, 1e-8, 0.01, 0.0, 0.0, 13),
    "adamw_big": (2, 0.05, 0.9, 0.95, 1e-8, 0.1, 0.0, 0.0, 14),
    "sgd_mom":   (0, 0.1, 0.9, 0.999, 1e-8, 0.0, 0.9, 0.0, 15),
    "sgd_mom_wd": (0, 0.05, 0.9, 0.999, 1e-8, 0.01, 0.5, 0.0, 16),
    "adam_clip": (1, 0.01, 0.9, 0.999, 1e-8, 0.0, 0.0, 1.0, 17),
}


def fmt(name, t):
    v = t.detach().reshape(-1).tolist()
    return name + " " + str(len(v)) + "".join(" %.17g" % x for x in v) + "\n"


def make(name, kind, lr, b1, b2, eps, wd, mom, clip, seed):
    g = torch.Generator().manual_seed(seed)

    def r32(n, scale=1.0):
        return (torch.rand(n, generator=g, dtype=torch.float32) * 2 - 1) * scale

    a0, b0 = r32(NA), r32(NB)
    gscale = 3.0 if clip > 0 else 1.0
    grads = [(r32(NA, gscale), r32(NB, gscale)) for _ in range(STEPS)]

    a = a0.double().clone().requires_grad_()
    b = b0.double().clone().requires_grad_()
    if kind == 0:
        opt = torch.optim.SGD([a, b], lr=lr, momentum=mom, weight_decay=wd)
    elif kind == 1:
        opt = torch.optim.Adam([a, b], lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd)
    else:
        opt = torch.optim.AdamW([a, b], lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd)

    s = fmt("cfg", torch.tensor([kind, lr, b1, b2, eps, wd, mom, clip], dtype=torch.float64))
    s += fmt("a0", a0) + fmt("b0", b0)
    for k, (ga, gb) in enumerate(grads, 1):
        s += fmt("ga%d" % k, ga) + fmt("gb%d" % k, gb)
    after, norms = "", ""
    for k, (ga, gb) in enumerate(grads, 1):
        a.grad = ga.double().clone()
        b.grad = gb.double().clone()
        if clip > 0:
            n = torch.nn.utils.clip_grad_norm_([a, b], clip)
            norms += fmt("n%d" % k, n.reshape(1))
        opt.step()
        after += fmt("a%d" % k, a) + fmt("b%d" % k, b)
    with open(os.path.join(OUT, name + ".txt"), "w") as f:
        f.write(s + after + norms)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, c in CASES.items():
        make(name, *c)


if __name__ == "__main__":
    main()
