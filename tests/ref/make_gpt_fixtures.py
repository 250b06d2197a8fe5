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

It also writes the same (initial) weights as tiny.safetensors + config.json (Hugging Face's
layout) and tiny_llmc.bin (llm.c's), for tests/unit/test_gpt_io.c: see the end of this file.
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
    W = {n: P[n].detach().float().clone() for n, _ in shapes()}   # the float32 weights, before AdamW
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
    write_safetensors(os.path.join(OUT, "tiny.safetensors"), W)
    write_llmc(os.path.join(OUT, "tiny_llmc.bin"), W)
    write_config(os.path.join(OUT, "config.json"))


# ---- the same weights as Hugging Face's model.safetensors and llm.c's gpt2_124M.bin ---------------
# For tests/unit/test_gpt_io.c (src/engine/models/gpt_io.c reads both, and must get the logits
# above). Written by hand from the formats' specifications (no safetensors package needed):
#
# tiny.safetensors: 8-byte little-endian header length, a JSON header, the raw float32 data.
#   Named as the Hugging Face hub's gpt2/model.safetensors (no "transformer." prefix); the four
#   Conv1D weights of a block (attn.c_attn, attn.c_proj, mlp.c_fc, mlp.c_proj) stored In × Out,
#   the transpose of nn.Linear's Out × In above. Like the hub's file it also holds each block's
#   causal-mask buffer h.N.attn.bias ([1, 1, C, C]) and a scalar h.N.attn.masked_bias, which a
#   loader must ignore; the data is laid out in the reverse order of the header, and the header
#   is padded with spaces to a multiple of 8 bytes, as Hugging Face's writer does.
# config.json: beside it, as in a Hugging Face folder (GPT2Config's keys): the number of heads
#   is the one thing no tensor's shape tells.
# tiny_llmc.bin: llm.c's train_gpt2.py write_model, version 3: 256 int32 (magic 20240326,
#   version 3, maxT, V, L, NH, C, Vp) then float32 wte (Vp × C: padded with zero rows to Vp = 16),
#   wpe, and each block tensor for all layers in a row (ln1w, ln1b, qkvw, qkvb, attprojw,
#   attprojb, ln2w, ln2b, fcw, fcb, fcprojw, fcprojb), then lnfw, lnfb; weights Out × In.
#
#   /usr/bin/python3 tests/ref/make_gpt_fixtures.py --check FILE.safetensors
# reads a safetensors file (one that tezgah saved from tiny.safetensors, say) with the reader
# below and checks that it holds exactly these weights under Hugging Face's names and layout;
# it needs neither torch nor this script's other outputs beyond tiny.txt.

CONV1D = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")
VP = 16


def hf_tensors(W):
    """(name, float32 tensor) in Hugging Face's layout, plus the buffers a loader ignores."""
    out = []
    for name, _ in shapes():
        t = W[name]
        if name.endswith(CONV1D):
            t = t.t().contiguous()                      # Out × In → In × Out
        out.append((name, t))
    for l in range(L):
        mask = torch.tril(torch.ones(C, C, dtype=torch.float32)).view(1, 1, C, C)
        out.append(("h.%d.attn.bias" % l, mask))
        out.append(("h.%d.attn.masked_bias" % l, torch.tensor(-1e4, dtype=torch.float32)))
    return out


def write_safetensors(path, W):
    import json
    import struct
    tensors = hf_tensors(W)
    header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in reversed(tensors):                   # data in the reverse order of the header
        b = t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps({k: header[k] for k in ["__metadata__"] + [n for n, _ in tensors]},
                   separators=(",", ":")).encode()
    h += b" " * (-(8 + len(h)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def write_config(path):
    import json
    cfg = {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "layer_norm_epsilon": 1e-05,
           "model_type": "gpt2", "n_ctx": C, "n_embd": D, "n_head": H, "n_layer": L, "n_positions": C,
           "vocab_size": V}
    with open(path, "w") as f:
        f.write(json.dumps(cfg, indent=2, sort_keys=True) + "\n")


def write_llmc(path, W):
    import struct
    hdr = [0] * 256
    hdr[:8] = [20240326, 3, C, V, L, H, D, VP]
    wte = torch.zeros(VP, D, dtype=torch.float32)
    wte[:V] = W["wte.weight"]
    parts = [wte, W["wpe.weight"]]
    for n, _ in BLOCK:
        parts += [W["h.%d.%s" % (l, n)] for l in range(L)]
    parts += [W["ln_f.weight"], W["ln_f.bias"]]
    with open(path, "wb") as f:
        f.write(struct.pack("<256i", *hdr))
        f.write(b"".join(p.numpy().astype("<f4").tobytes() for p in parts))


def read_safetensors(path):
    """{name: (dtype, shape, raw bytes)} and the metadata, checking the ranges."""
    import json
    import struct
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    assert 2 <= n <= len(data) - 8, "header length %d beyond the file" % n
    header = json.loads(data[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    body, out, ranges = data[8 + n:], {}, []
    for name, t in header.items():
        b, e = t["data_offsets"]
        count = 1
        for d in t["shape"]:
            count *= d
        assert t["dtype"] == "F32" and 0 <= b <= e <= len(body) and e - b == 4 * count, name
        out[name] = (t["dtype"], t["shape"], body[b:e])
        ranges.append((b, e))
    ranges.sort()
    assert all(ranges[i][1] <= ranges[i + 1][0] for i in range(len(ranges) - 1)), "overlapping tensors"
    return out, meta


def check(path):
    import struct
    with open(os.path.join(OUT, "tiny.txt")) as f:
        ref = {ln.split(" ", 1)[0]: [float(x) for x in ln.split()[2:]] for ln in f}
    got, meta = read_safetensors(path)
    assert meta.get("format") == "pt", "__metadata__ lacks format: pt (transformers asks for it)"
    for name, shape in shapes():
        dtype, fshape, raw = got[name]
        vals = struct.unpack("<%df" % (len(raw) // 4), raw)
        want = ref[name]                                 # Out × In, C order, 10 digits: round to float32
        want = struct.unpack("<%df" % len(want), struct.pack("<%df" % len(want), *want))
        if name.endswith(CONV1D):
            rows, cols = shape
            assert fshape == [cols, rows], "%s: shape %s, Hugging Face's In × Out is %s" % (name, fshape, [cols, rows])
            want = [want[o * cols + i] for i in range(cols) for o in range(rows)]
        else:
            assert fshape == list(shape), "%s: shape %s, expected %s" % (name, fshape, list(shape))
        bad = [i for i, (a, b) in enumerate(zip(vals, want)) if a != b]
        assert not bad, "%s: element %d is %r, expected %r" % (name, bad[0], vals[bad[0]], want[bad[0]])
    print("%s: the %d tensors of tiny.txt, Hugging Face's names and layout, bit-exact (metadata %s)"
          % (path, len(shapes()), meta))


if __name__ == "__main__":
    import sys
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    else:
        main()
