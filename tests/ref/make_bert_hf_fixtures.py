#!/usr/bin/python3
"""make_bert_hf_fixtures.py — Hugging Face BERT folders for tests/unit/test_bert_io.c and
tests/e2e/test_bert_io.sh (models/bert_io.c reads them), with the logits PyTorch computes.

Re-run (from the repository root; needs Debian's PyTorch and numpy, no transformers package):

    scripts/need-pkgs.sh python3-torch   # once
    /usr/bin/python3 tests/ref/make_bert_hf_fixtures.py

The model is the tiny BertForPreTraining of make_bert_fixtures.py (V=19, C=10, D=16, L=2, H=2,
F=32, 2 types): its weights are read back from tests/ref/bert/tiny.txt and its forward pass is
that script's `forward`, so both fixtures describe one model. A 19-token vocab.txt is written for
it ([PAD] [UNK] [CLS] [MASK] [SEP] at the ids tiny.txt's tokens use, then lower-case words).

Three folders under tests/ref/bert/, each with model.safetensors (written here byte by byte from
the format's specification), config.json and vocab.txt:

  hf/                  BertForPreTraining's names ("bert." prefix, cls.predictions.*,
                       cls.seq_relationship.*), F32, plus the "bert.embeddings.position_ids" I64
                       buffer that older transformers saved (to be ignored) and a
                       tokenizer_config.json saying do_lower_case true;
  hf-uncased-gamma/    the OLD names LayerNorm.gamma / LayerNorm.beta, F16, with a
                       cls.predictions.decoder.weight equal to the word embeddings (tied) and a
                       cls.predictions.decoder.bias equal to cls.predictions.bias; no
                       tokenizer_config.json (the folder's name says "uncased");
  hf-base/             BertModel's names (no prefix, no heads), BF16.

The input: "the cat [MASK] mat" / "a dog" as [CLS] a [SEP] b [SEP] (9 tokens, segments 0 then
1). tests/ref/bert/hf_expected.txt, one tensor a line, "name count v1 v2 …" (%.10g):
  tokens, types                 the input's ids and segments
  f32.mlm_logits (9 × 19), f32.nsp_logits (2)     hf/'s model
  f16.mlm_logits, f16.nsp_logits                  hf-uncased-gamma/'s (weights rounded to F16)
  bf16.hidden (9 × 16)                            hf-base/'s last encoder layer (weights in BF16)
All computed in float64 from the (rounded) float32 weights.
"""
import json
import os
import struct
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_bert_fixtures as mbf  # noqa: E402  the same model and forward pass

OUT = os.path.join(HERE, "bert")
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[MASK]", "[SEP]", "the", "cat", "sat", "on", "mat", "dog", "ran", "a", "##s",
         "big", "red", ".", "house", "##es"]
assert len(VOCAB) == mbf.V
TOKENS = [2, 5, 6, 3, 9, 4, 12, 10, 4]   # [CLS] the cat [MASK] mat [SEP] a dog [SEP]
TYPES = [0, 0, 0, 0, 0, 0, 1, 1, 1]


def read_tiny():
    """The parameters of tiny.txt, name → float32 tensor of its shape."""
    shapes = dict(mbf.shapes())
    P = {}
    with open(os.path.join(OUT, "tiny.txt")) as f:
        for line in f:
            name, count, *vals = line.split()
            if name in shapes:
                P[name] = torch.tensor([float(v) for v in vals], dtype=torch.float32).reshape(shapes[name])
    assert len(P) == len(shapes)
    return P


def st_bytes(tensors, meta=None):
    """A safetensors file: [(name, dtype, shape, raw bytes)] in that order."""
    header, off, data = {}, 0, b""
    if meta:
        header["__metadata__"] = meta
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [off, off + len(raw)]}
        off += len(raw)
        data += raw
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + data


def raw(t, dtype):
    if dtype == "F32":
        return t.detach().numpy().astype("<f4").tobytes()
    if dtype == "F16":
        return t.detach().numpy().astype("<f2").tobytes()
    if dtype == "BF16":
        return t.detach().to(torch.bfloat16).view(torch.int16).numpy().astype("<i2").tobytes()
    raise ValueError(dtype)


def rounded(t, dtype):
    """What a reader gets back from the file: the weights rounded to the dtype, as float32."""
    if dtype == "F16":
        return t.half().float()
    if dtype == "BF16":
        return t.bfloat16().float()
    return t


def config():
    return {"architectures": ["BertForPreTraining"], "model_type": "bert", "vocab_size": mbf.V,
            "hidden_size": mbf.D, "num_hidden_layers": mbf.L, "num_attention_heads": mbf.H,
            "intermediate_size": mbf.FF, "hidden_act": "gelu", "max_position_embeddings": mbf.C,
            "type_vocab_size": mbf.TYPES, "layer_norm_eps": 1e-12, "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02, "pad_token_id": 0,
            "position_embedding_type": "absolute"}


def write_folder(name, tensors, cfg, tokconfig=None):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "model.safetensors"), "wb") as f:
        f.write(st_bytes(tensors, {"format": "pt"}))
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    with open(os.path.join(d, "vocab.txt"), "w") as f:
        f.write("".join(t + "\n" for t in VOCAB))
    if tokconfig is not None:
        with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
            json.dump(tokconfig, f, indent=2)
            f.write("\n")


def logits(P):
    """MLM logits (9 × V), NSP logits (2) and the last layer's hidden states (9 × D) of the input,
    in float64 with make_bert_fixtures' forward (B = 1, T = 9, every position real)."""
    mbf.B, mbf.T = 1, len(TOKENS)
    mbf.N = mbf.B * mbf.T
    Pd = {k: v.double() for k, v in P.items()}
    tok = torch.tensor([TOKENS])
    typ = torch.tensor([TYPES])
    valid = torch.ones(1, len(TOKENS), dtype=torch.long)
    tgt = torch.full((1, len(TOKENS)), -1, dtype=torch.long)
    tgt[0, 3] = 7
    mlm, nsp, _, _, _ = mbf.forward(Pd, tok, typ, valid, tgt, torch.tensor([0]))
    # the hidden states: run the encoder alone (BertModel), the same equations as forward's
    ln = lambda x, n: torch.nn.functional.layer_norm(x, (mbf.D,), Pd[n + ".weight"], Pd[n + ".bias"], eps=mbf.EPS)
    lin = lambda x, n: x @ Pd[n + ".weight"].T + Pd[n + ".bias"]
    e = "bert.embeddings."
    T = len(TOKENS)
    x = ln(Pd[e + "word_embeddings.weight"][tok[0]] + Pd[e + "position_embeddings.weight"][:T]
           + Pd[e + "token_type_embeddings.weight"][typ[0]], e + "LayerNorm")
    for l in range(mbf.L):
        h = "bert.encoder.layer.%d." % l
        q, k, v = (lin(x, h + "attention.self." + n).view(T, mbf.H, mbf.HS).transpose(0, 1)
                   for n in ("query", "key", "value"))
        p = torch.softmax(q @ k.transpose(-2, -1) / mbf.math.sqrt(mbf.HS), dim=-1)
        a = (p @ v).transpose(0, 1).reshape(T, mbf.D)
        x = ln(x + lin(a, h + "attention.output.dense"), h + "attention.output.LayerNorm")
        x = ln(x + lin(torch.nn.functional.gelu(lin(x, h + "intermediate.dense")), h + "output.dense"),
               h + "output.LayerNorm")
    return mlm, nsp, x


def main():
    P = read_tiny()
    names = [n for n, _ in mbf.shapes()]
    s = mbf.fmt("tokens", torch.tensor(TOKENS, dtype=torch.float64)) + mbf.fmt("types", torch.tensor(TYPES, dtype=torch.float64))

    # hf/: BertForPreTraining, F32, new names, the position_ids buffer
    t = [(n, "F32", P[n].shape, raw(P[n], "F32")) for n in names]
    pos_ids = np.arange(mbf.C, dtype="<i8").reshape(1, mbf.C)
    t.insert(3, ("bert.embeddings.position_ids", "I64", (1, mbf.C), pos_ids.tobytes()))
    write_folder("hf", t, config(), {"tokenizer_class": "BertTokenizer", "do_lower_case": True})
    mlm, nsp, _ = logits(P)
    s += mbf.fmt("f32.mlm_logits", mlm) + mbf.fmt("f32.nsp_logits", nsp)

    # hf-uncased-gamma/: old names, F16, a tied decoder and its bias
    def old(n):
        return n.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
    t = [(old(n), "F16", P[n].shape, raw(P[n], "F16")) for n in names]
    w = "bert.embeddings.word_embeddings.weight"
    t.append(("cls.predictions.decoder.weight", "F16", P[w].shape, raw(P[w], "F16")))
    t.append(("cls.predictions.decoder.bias", "F16", (mbf.V,), raw(P["cls.predictions.bias"], "F16")))
    write_folder("hf-uncased-gamma", t, config())
    R = {n: rounded(P[n], "F16") for n in names}
    mlm, nsp, _ = logits(R)
    s += mbf.fmt("f16.mlm_logits", mlm) + mbf.fmt("f16.nsp_logits", nsp)

    # hf-base/: BertModel, BF16 — no prefix, the pooler, no heads
    base = [n for n in names if n.startswith("bert.")]
    t = [(n[5:], "BF16", P[n].shape, raw(P[n], "BF16")) for n in base]
    cfg = config()
    cfg["architectures"] = ["BertModel"]
    write_folder("hf-base", t, cfg)
    R = {n: rounded(P[n], "BF16") for n in names}
    _, _, hidden = logits(R)
    s += mbf.fmt("bf16.hidden", hidden)

    with open(os.path.join(OUT, "hf_expected.txt"), "w") as f:
        f.write(s)


if __name__ == "__main__":
    main()
