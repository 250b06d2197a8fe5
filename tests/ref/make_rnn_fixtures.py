#!/usr/bin/python3
"""make_rnn_fixtures.py — the recurrent cells (src/engine/nn/recurrent.c) against PyTorch's
nn.RNN (tanh), nn.LSTM and nn.GRU, for tests/unit/test_recurrent_torch.c: forward outputs and
every gradient of one small loss, back through time.

Re-run (from the repository root; needs Debian's PyTorch, the package index is not used):

    scripts/need-pkgs.sh python3-torch   # once
    /usr/bin/python3 tests/ref/make_rnn_fixtures.py

Each cell: input_size I=3, hidden_size H=4, one layer, batch_first=False, T=5 steps, B=2
sequences. The weights (PyTorch's default init, fixed seed), h0, c0, x and the loss weights
P, Q, R are drawn in float32 — so the values written are exact float32 numbers the C side
reads back without rounding — and everything is then computed in float64:

    L = Σ_t Σ_b Σ_j P[t,b,j]·h_t[b,j] + Σ Q·h_T + Σ R·c_T   (the last term for the LSTM only)

so dL/dh_t = P (the `dh` of cell_backward), dhT = Q and dcT = R.

It writes tests/ref/rnn/{rnn,lstm,gru}.txt, one tensor a line: "name count v1 v2 …" (%.9g),
in C order: W U b bu (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0: G·H×I, G·H×H, G·H,
G·H with PyTorch's gate blocks, exactly recurrent.h's layout), h0 c0 (B×H), x (T×B×I),
P (T×B×H) Q R (B×H); then out (h_1..h_T, T×B×H), hT cT (B×H), L (1); then the gradients
dW dU db dbu dx dh0 dc0. For the RNN and GRU, c0, R, cT and dc0 are absent.
"""
import os

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rnn")
I, H, T, B = 3, 4, 5, 2


def fmt(name, t):
    v = t.detach().reshape(-1).tolist()
    return name + " " + str(len(v)) + "".join(" %.9g" % x for x in v) + "\n"


def make(kind, seed):
    torch.manual_seed(seed)
    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind]
    kw = {"nonlinearity": "tanh"} if kind == "rnn" else {}
    m = cls(I, H, num_layers=1, batch_first=False, **kw).float()   # float32 draws
    lstm = kind == "lstm"

    def r32(*shape, scale=1.0):
        return (torch.rand(*shape, dtype=torch.float32) * 2 - 1) * scale

    h0 = r32(1, B, H, scale=0.8)
    c0 = r32(1, B, H, scale=0.8)
    x = r32(T, B, I, scale=1.5)
    P = r32(T, B, H)
    Q = r32(1, B, H)
    R = r32(1, B, H)

    m = m.double()                     # float32-exact values, float64 arithmetic
    h0d, c0d, xd = (t.double().requires_grad_() for t in (h0, c0, x))
    Pd, Qd, Rd = P.double(), Q.double(), R.double()
    if lstm:
        out, (hT, cT) = m(xd, (h0d, c0d))
        L = (Pd * out).sum() + (Qd * hT).sum() + (Rd * cT).sum()
    else:
        out, hT = m(xd, h0d)
        cT = None
        L = (Pd * out).sum() + (Qd * hT).sum()
    L.backward()

    s = ""
    s += fmt("W", m.weight_ih_l0) + fmt("U", m.weight_hh_l0)
    s += fmt("b", m.bias_ih_l0) + fmt("bu", m.bias_hh_l0)
    s += fmt("h0", h0)
    if lstm:
        s += fmt("c0", c0)
    s += fmt("x", x) + fmt("P", P) + fmt("Q", Q)
    if lstm:
        s += fmt("R", R)
    s += fmt("out", out) + fmt("hT", hT)
    if lstm:
        s += fmt("cT", cT)
    s += fmt("L", L.reshape(1))
    s += fmt("dW", m.weight_ih_l0.grad) + fmt("dU", m.weight_hh_l0.grad)
    s += fmt("db", m.bias_ih_l0.grad) + fmt("dbu", m.bias_hh_l0.grad)
    s += fmt("dx", xd.grad) + fmt("dh0", h0d.grad)
    if lstm:
        s += fmt("dc0", c0d.grad)
    with open(os.path.join(OUT, kind + ".txt"), "w") as f:
        f.write(s)


def main():
    os.makedirs(OUT, exist_ok=True)
    for seed, kind in enumerate(("rnn", "lstm", "gru")):
        make(kind, 1234 + seed)


if __name__ == "__main__":
    main()
