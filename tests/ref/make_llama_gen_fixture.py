#!/usr/bin/python3
"""make_llama_gen_fixture.py — the tiny LLaMA of tests/ref/llama/tiny.txt written as files, and
greedy generation from it in PyTorch, for tests/unit/test_llama_gen.c and test_llama_io.c.

Re-run (from the repository root; needs Debian's PyTorch, after make_llama_fixtures.py):

    scripts/need-pkgs.sh python3-torch   # once
    /usr/bin/python3 tests/ref/make_llama_gen_fixture.py

The model (V=17, C=8, D=16, L=2, H=4 query heads sharing Hkv=2 key/value heads, F=24, output
not tied) is read back from tiny.txt, not drawn again; its forward pass is make_llama_fixtures.py's
(imported), run here on one sequence at a time. It writes, under tests/ref/llama/:

  tiny.llama2c.bin  llama2.c's legacy checkpoint (run.c, export.py legacy_export): 7 int32
                    (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len; the
                    vocabulary NEGATIVE because the classifier is not shared), then float32 in
                    llama2.c's order: token embeddings, every layer's rms_att, wq, wk, wv, wo,
                    rms_ffn, w1, w2, w3 (each kind for all layers in turn), rms_final, the old
                    RoPE tables freq_cis_real and freq_cis_imag (C × hs/2 each), and wcls.
  tiny.gguf         the same float32 weights in GGUF version 3 under llama.cpp's names
                    (token_embd, blk.N.attn_q, …, ffn_gate = w1, ffn_up = w3, ffn_down = w2,
                    output_norm, output), with the llama.* metadata gguf_llama_config reads.
                    Written with numpy and struct, using the string helpers of
                    make_gguf_fixtures.py (its own GGUF writer, independent of tezgah's).
  greedy.txt        greedy generation with NO cache: every step runs the whole window through
                    the forward pass (float64) and takes the argmax of the last row. The window
                    rules are llama_generate's (gpt_generate's): a prompt longer than C keeps its
                    last C tokens ("cut"); a full window keeps its last C // 2 and the new token.
                    Cases "fill" (the generation just fills the context), "slide" (3·C tokens,
                    several slides; a prompt for which keeping C//2 − 1 or C − 1 would give other
                    tokens) and "long" (a prompt longer than the context). Prompts are drawn (fixed
                    seed) until every step's margin (best logit minus the second) exceeds
                    MIN_MARGIN, far above the C side's float32 rounding. Lines: <case>.prompt,
                    <case>.tokens, <case>.cut, <case>.margin; tiny.sum, the sum of every
                    parameter, so that a stale pair of fixtures is told apart from a wrong
                    generator.
"""
import math
import os
import struct
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_gguf_fixtures as gg       # noqa: E402  (s(), kv(): GGUF strings and metadata pairs)
import make_llama_fixtures as ml      # noqa: E402  (the model: shapes, rmsnorm, attention maths)

V, C, D, L, H, HKV, FF = ml.V, ml.C, ml.D, ml.L, ml.H, ml.HKV, ml.FF
HS, KV = ml.HS, ml.KV
OUT = os.path.join(HERE, "llama")
MIN_MARGIN = 1e-3


def load():
    """tiny.txt's parameters, by Meta's name, as float64 tensors (holding float32 values) of their
    shapes."""
    with open(os.path.join(OUT, "tiny.txt")) as f:
        rows = {line.split(" ", 1)[0]: line.split()[2:] for line in f}
    P = {}
    for name, shape in ml.shapes():
        vals = np.array([float(v) for v in rows[name]], dtype=np.float64)
        # %.10g of a float32 read back: the nearest float32 is the value the C side uses
        v32 = vals.astype(np.float32).astype(np.float64)
        assert np.all(np.abs(v32 - vals) <= 1e-9 * np.abs(vals)), name + " is not float32"
        P[name] = torch.tensor(v32).reshape(shape)
    return P, rows


def rope(x, nh, T):
    """x: T × nh·hs at positions 0 … T−1; Meta's adjacent pairs (make_llama_fixtures.rope, for
    one sequence of any length)."""
    pos = torch.arange(T, dtype=torch.float64)
    freq = ml.THETA ** (-torch.arange(0, HS, 2, dtype=torch.float64) / HS)
    ang = pos[:, None] * freq[None, :]
    cos, sin = torch.cos(ang)[:, None, :], torch.sin(ang)[:, None, :]
    x = x.view(T, nh, HS // 2, 2)
    x0, x1 = x[..., 0], x[..., 1]
    return torch.stack((x0 * cos - x1 * sin, x0 * sin + x1 * cos), dim=-1).reshape(T, nh * HS)


def forward(P, ids):
    """LLaMA over one sequence of T ≤ C tokens: the logits of every position, T × V."""
    T = len(ids)
    lin = lambda x, n: x @ P[n + ".weight"].T

    def attention(q, k, v):
        q = q.view(T, H, HS).transpose(0, 1)
        k = k.view(T, HKV, HS).transpose(0, 1).repeat_interleave(H // HKV, dim=0)
        v = v.view(T, HKV, HS).transpose(0, 1).repeat_interleave(H // HKV, dim=0)
        s = q @ k.transpose(-2, -1) / math.sqrt(HS)
        mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
        p = torch.softmax(s.masked_fill(~mask, float("-inf")), dim=-1)
        return (p @ v).transpose(0, 1).reshape(T, D)

    x = P["tok_embeddings.weight"][torch.tensor(ids)]
    for l in range(L):
        h = "layers.%d." % l
        a = ml.rmsnorm(x, P[h + "attention_norm.weight"])
        q, k, v = rope(lin(a, h + "attention.wq"), H, T), rope(lin(a, h + "attention.wk"), HKV, T), \
            lin(a, h + "attention.wv")
        x = x + lin(attention(q, k, v), h + "attention.wo")
        f = ml.rmsnorm(x, P[h + "ffn_norm.weight"])
        x = x + lin(torch.nn.functional.silu(lin(f, h + "feed_forward.w1")) * lin(f, h + "feed_forward.w3"),
                    h + "feed_forward.w2")
    return lin(ml.rmsnorm(x, P["norm.weight"]), "output")


def check(P, rows):
    """forward() must give tiny.txt's own logits (its two sequences of 6 tokens)."""
    tokens = [int(float(t)) for t in rows["tokens"]]
    want = torch.tensor([float(v) for v in rows["logits"]], dtype=torch.float64).reshape(ml.B, ml.T, V)
    for b in range(ml.B):
        got = forward(P, tokens[ml.T * b:ml.T * b + ml.T])
        assert torch.allclose(got, want[b], rtol=0, atol=1e-8), "forward() disagrees with tiny.txt"


def f32(t):
    return t.numpy().astype("<f4").tobytes()


def write_llama2c(P):
    lay = lambda n: b"".join(f32(P["layers.%d.%s" % (l, n)]) for l in range(L))
    freq = 1.0 / (ml.THETA ** (np.arange(0, HS, 2, dtype=np.float64) / HS))
    ang = np.outer(np.arange(C, dtype=np.float64), freq)                        # C × hs/2
    body = f32(P["tok_embeddings.weight"])
    for n in ["attention_norm.weight", "attention.wq.weight", "attention.wk.weight", "attention.wv.weight",
              "attention.wo.weight", "ffn_norm.weight", "feed_forward.w1.weight", "feed_forward.w2.weight",
              "feed_forward.w3.weight"]:
        body += lay(n)
    body += f32(P["norm.weight"])
    body += np.cos(ang).astype("<f4").tobytes() + np.sin(ang).astype("<f4").tobytes()
    body += f32(P["output.weight"])
    head = struct.pack("<7i", D, FF, L, H, HKV, -V, C)                           # −V: wcls follows
    with open(os.path.join(OUT, "tiny.llama2c.bin"), "wb") as f:
        f.write(head + body)


GGUF_NAMES = [("attn_norm", "attention_norm"), ("attn_q", "attention.wq"), ("attn_k", "attention.wk"),
              ("attn_v", "attention.wv"), ("attn_output", "attention.wo"), ("ffn_norm", "ffn_norm"),
              ("ffn_gate", "feed_forward.w1"), ("ffn_up", "feed_forward.w3"), ("ffn_down", "feed_forward.w2")]


def write_gguf(P):
    UINT32, FLOAT32, STRING, F32T, ALIGN = 4, 6, 8, 0, 32
    tensors = [("token_embd.weight", P["tok_embeddings.weight"])]
    for l in range(L):
        tensors += [("blk.%d.%s.weight" % (l, g), P["layers.%d.%s.weight" % (l, m)]) for g, m in GGUF_NAMES]
    tensors += [("output_norm.weight", P["norm.weight"]), ("output.weight", P["output.weight"])]
    u32 = lambda k, v: gg.kv(k, UINT32, struct.pack("<I", v))
    meta = [gg.kv("general.architecture", STRING, gg.s("llama")),
            gg.kv("general.name", STRING, gg.s("tezgah tiny llama")),
            u32("llama.context_length", C), u32("llama.embedding_length", D), u32("llama.block_count", L),
            u32("llama.feed_forward_length", FF), u32("llama.attention.head_count", H),
            u32("llama.attention.head_count_kv", HKV), u32("llama.vocab_size", V),
            gg.kv("llama.rope.freq_base", FLOAT32, struct.pack("<f", ml.THETA)),
            gg.kv("llama.attention.layer_norm_rms_epsilon", FLOAT32, struct.pack("<f", ml.EPS))]
    head = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(meta)) + b"".join(meta)
    data = b""
    for name, t in tensors:
        ne = list(reversed(t.shape))                                           # innermost first
        head += gg.s(name) + struct.pack("<I", len(ne)) + b"".join(struct.pack("<Q", d) for d in ne)
        head += struct.pack("<IQ", F32T, len(data))
        raw = f32(t)
        data += raw + b"\0" * (-len(raw) % ALIGN)
    head += b"\0" * (-len(head) % ALIGN)
    with open(os.path.join(OUT, "tiny.gguf"), "wb") as f:
        f.write(head + data)


def generate(P, prompt, n, keep=C // 2):
    """Greedy, no cache, llama_generate's window rules. Returns (tokens, cut, smallest margin)."""
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


def main():
    P, rows = load()
    check(P, rows)
    write_llama2c(P)
    write_gguf(P)
    gen = torch.Generator().manual_seed(11)
    cases = [("fill", 3, C - 3), ("slide", 5, 3 * C), ("long", C + 3, 6)]
    s = ""
    with torch.no_grad():
        for name, np_, n in cases:
            for attempt in range(2000):
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
    s += fmt("tiny.sum", [sum(t.sum().item() for t in P.values())])
    with open(os.path.join(OUT, "greedy.txt"), "w") as f:
        f.write(s)


if __name__ == "__main__":
    main()
