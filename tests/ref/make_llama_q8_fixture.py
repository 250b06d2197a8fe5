#!/usr/bin/python3
"""make_llama_q8_fixture.py — a small LLaMA whose matrices are stored in GGUF's Q8_0, for
tests/unit/test_q8.c: tests/ref/llama/q8.gguf and q8.txt.

Re-run (from the repository root): /usr/bin/python3 tests/ref/make_llama_q8_fixture.py

The model: V=48, C=16, D=64, L=2, H=4 query heads sharing Hkv=2 key/value heads, F=96, output not
tied (widths multiples of 32, as Q8_0's blocks need). Weights drawn from N(0, 0.3²) (seed 7; large
enough that the logits are far from uniform), RMSNorm gains 1 + N(0, 0.1²). Every matrix is
quantised with ggml's reference rule (quantize_row_q8_0_ref: per block of 32, d = max|x| / 127,
q = round(x / d) from the exact d, d stored as an IEEE half) and written as Q8_0; the gains as F32.
The GGUF layout is written here with numpy and struct (make_gguf_fixtures.py's string helpers),
independently of tezgah's writer.

q8.txt: the tokens of one sequence and the logits of the forward pass over it computed in float64
from the DEQUANTISED weights (d·q) with float activations — what a float32 model loaded from the
file computes, and what the int8 products approximate (they also quantise the activations).
Lines: "name count values…" (tests/unit/fixture.h).
"""
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_gguf_fixtures as gg  # noqa: E402

V, C, D, L, H, HKV, FF = 48, 16, 64, 2, 4, 2, 96
HS, KV = D // H, HKV * (D // H)
THETA, EPS = 10000.0, 1e-5
OUT = os.path.join(HERE, "llama")
NAMES = [("attn_norm", "attention_norm", (D,)), ("attn_q", "attention.wq", (D, D)), ("attn_k", "attention.wk", (KV, D)),
         ("attn_v", "attention.wv", (KV, D)), ("attn_output", "attention.wo", (D, D)),
         ("ffn_norm", "ffn_norm", (D,)), ("ffn_gate", "feed_forward.w1", (FF, D)),
         ("ffn_up", "feed_forward.w3", (FF, D)), ("ffn_down", "feed_forward.w2", (D, FF))]


def quant(x):
    """ggml's reference Q8_0 of a matrix (rows a multiple of 32 long): (bytes, dequantised)."""
    rows, cols = x.shape
    blocks = x.astype(np.float32).reshape(rows, cols // 32, 32)
    amax = np.abs(blocks).max(axis=2)
    d = (amax / np.float32(127)).astype(np.float32)
    idv = np.where(d != 0, np.float32(1) / np.where(d != 0, d, 1), 0).astype(np.float32)
    q = np.round(blocks * idv[..., None])            # numpy rounds half to even; ggml's roundf away
    # from zero: the same unless x/d is exactly k + 0.5, which random floats never are
    q = q.astype(np.int8)
    dh = d.astype(np.float16)
    raw = b"".join(dh[r, b].tobytes() + q[r, b].tobytes() for r in range(rows) for b in range(cols // 32))
    deq = (dh.astype(np.float64)[..., None] * q.astype(np.float64)).reshape(rows, cols)
    return raw, deq


def rmsnorm(x, w):
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + EPS) * w


def rope(x, nh):
    T = x.shape[0]
    x = x.reshape(T, nh, HS // 2, 2)
    freq = THETA ** (-np.arange(0, HS, 2) / HS)
    ang = np.arange(T)[:, None] * freq[None, :]
    c, s = np.cos(ang)[:, None, :], np.sin(ang)[:, None, :]
    x0, x1 = x[..., 0], x[..., 1]
    return np.stack((x0 * c - x1 * s, x0 * s + x1 * c), -1).reshape(T, nh * HS)


def forward(P, toks):
    T = len(toks)
    x = P["token_embd.weight"][toks]
    for l in range(L):
        g = lambda n: P["blk.%d.%s.weight" % (l, n)]
        a = rmsnorm(x, g("attn_norm"))
        q, k, v = rope(a @ g("attn_q").T, H), rope(a @ g("attn_k").T, HKV), a @ g("attn_v").T
        out = np.zeros((T, D))
        for h in range(H):
            kv = h // (H // HKV)
            qh, kh, vh = q[:, h * HS:(h + 1) * HS], k[:, kv * HS:(kv + 1) * HS], v[:, kv * HS:(kv + 1) * HS]
            s = qh @ kh.T / np.sqrt(HS) + np.triu(np.full((T, T), -np.inf), 1)
            p = np.exp(s - s.max(-1, keepdims=True))
            out[:, h * HS:(h + 1) * HS] = (p / p.sum(-1, keepdims=True)) @ vh
        x = x + out @ g("attn_output").T
        f = rmsnorm(x, g("ffn_norm"))
        h1, h3 = f @ g("ffn_gate").T, f @ g("ffn_up").T
        x = x + (h1 / (1 + np.exp(-h1)) * h3) @ g("ffn_down").T
    return rmsnorm(x, P["output_norm.weight"]) @ P["output.weight"].T


def main():
    rng = np.random.default_rng(7)
    tensors = [("token_embd.weight", (V, D))]
    for l in range(L):
        tensors += [("blk.%d.%s.weight" % (l, g), shp) for g, _, shp in NAMES]
    tensors += [("output_norm.weight", (D,)), ("output.weight", (V, D))]
    P, raws = {}, []
    for name, shp in tensors:
        if len(shp) == 1:
            w = (1 + 0.1 * rng.standard_normal(shp)).astype(np.float32)
            P[name] = w.astype(np.float64)
            raws.append((name, shp, gg.F32, w.tobytes()))
        else:
            raw, deq = quant(0.3 * rng.standard_normal(shp))
            P[name] = deq
            raws.append((name, shp, gg.Q8_0, raw))
    u32 = lambda k, v: gg.kv(k, gg.UINT32, struct.pack("<I", v))
    meta = [gg.kv("general.architecture", gg.STRING, gg.s("llama")),
            gg.kv("general.name", gg.STRING, gg.s("tezgah q8 llama")),
            u32("llama.context_length", C), u32("llama.embedding_length", D), u32("llama.block_count", L),
            u32("llama.feed_forward_length", FF), u32("llama.attention.head_count", H),
            u32("llama.attention.head_count_kv", HKV), u32("llama.vocab_size", V),
            gg.kv("llama.rope.freq_base", gg.FLOAT32, struct.pack("<f", THETA)),
            gg.kv("llama.attention.layer_norm_rms_epsilon", gg.FLOAT32, struct.pack("<f", EPS))]
    head = b"GGUF" + struct.pack("<IQQ", 3, len(raws), len(meta)) + b"".join(meta)
    data = b""
    for name, shp, typ, raw in raws:
        ne = list(reversed(shp))
        head += gg.s(name) + struct.pack("<I", len(ne)) + b"".join(struct.pack("<Q", d) for d in ne)
        head += struct.pack("<IQ", typ, len(data))
        data += raw + b"\0" * (-len(raw) % 32)
    head += b"\0" * (-len(head) % 32)
    with open(os.path.join(OUT, "q8.gguf"), "wb") as f:
        f.write(head + data)
    toks = rng.integers(0, V, C)
    logits = forward(P, toks)
    with open(os.path.join(OUT, "q8.txt"), "w") as f:
        f.write("tokens %d %s\n" % (C, " ".join(str(int(t)) for t in toks)))
        f.write("logits %d %s\n" % (C * V, " ".join("%.10g" % v for v in logits.reshape(-1))))


if __name__ == "__main__":
    main()
