#!/usr/bin/python3
"""make_bert_fixtures.py — the whole BERT of src/engine/models/bert.c against PyTorch, for
tests/unit/test_bert_torch.c: one tiny BertForPreTraining, its MLM and NSP logits, the attention
probabilities, both losses, the gradient of every parameter tensor, and the losses after three
AdamW steps.

Re-run (from the repository root; needs Debian's PyTorch, the package index is not used):

    scripts/need-pkgs.sh python3-torch   # once
    /usr/bin/python3 tests/ref/make_bert_fixtures.py

V=19 tokens, context C=10, width D=16, L=2 layers of H=2 heads (hs 8), feed-forward F=32, 2
segment types; a batch of B=2 sequences of T=8 tokens, the second one's last position padding
(valid 0). BERT's forward pass (Hugging Face's BertForPreTraining), written out with plain torch
ops:

    x = LN(word[tokens] + position[0..T-1] + token_type[types])       ε = 1e-12
    per layer (post-LN):
        x = LN(x + attention.output.dense(attention(query(x), key(x), value(x))))
        x = LN(x + output.dense(gelu(intermediate.dense(x))))          exact (erf) GELU
    attention: softmax(QKᵀ/√hs) with the padded keys at −∞ (no causal mask)
    pooled = tanh(pooler(x[:, 0]));  nsp = seq_relationship(pooled)
    mlm    = LN(gelu(transform.dense(x))) wordᵀ + cls.predictions.bias   (decoder tied to word)
    loss   = CE(mlm, targets, ignore -1) + CE(nsp, labels)

Weights are drawn in float32 (the C side reads them back exactly), much larger than BERT's 0.02
so that attention is far from uniform, and everything is computed in float64.

It writes tests/ref/bert/tiny.txt, one tensor a line, "name count v1 v2 …" (%.10g, C order):
every parameter under its Hugging Face name; tokens, types, valid, mlm_targets, nsp_labels;
mlm_logits, nsp_logits, att.0, att.1 (B × H × T × T), mlm_loss, nsp_loss, loss; "grad.<name>"
for every parameter; "adamw.loss": the loss before and after each of 3 torch.optim.AdamW steps
(lr 1e-2, β 0.9/0.999, ε 1e-8, weight decay 0.01 on every tensor, as nn/optim.c).
"""
import math
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bert")
V, C, D, L, H, FF, TYPES = 19, 10, 16, 2, 2, 32, 2
B, T = 2, 8
N, HS = B * T, D // H
LR, STEPS = 1e-2, 3
EPS = 1e-12

LAYER = [("attention.self.query.weight", (D, D)), ("attention.self.key.weight", (D, D)),
         ("attention.self.value.weight", (D, D)), ("attention.self.query.bias", (D,)),
         ("attention.self.key.bias", (D,)), ("attention.self.value.bias", (D,)),
         ("attention.output.dense.weight", (D, D)), ("attention.output.dense.bias", (D,)),
         ("attention.output.LayerNorm.weight", (D,)), ("attention.output.LayerNorm.bias", (D,)),
         ("intermediate.dense.weight", (FF, D)), ("intermediate.dense.bias", (FF,)),
         ("output.dense.weight", (D, FF)), ("output.dense.bias", (D,)),
         ("output.LayerNorm.weight", (D,)), ("output.LayerNorm.bias", (D,))]


def fmt(name, t):
    v = t.detach().reshape(-1).tolist()
    return name + " " + str(len(v)) + "".join(" %.10g" % x for x in v) + "\n"


def shapes():
    """(name, shape) in bert_tensor's order (the memory order of bert.c)."""
    e = "bert.embeddings."
    out = [(e + "word_embeddings.weight", (V, D)), (e + "position_embeddings.weight", (C, D)),
           (e + "token_type_embeddings.weight", (TYPES, D)), (e + "LayerNorm.weight", (D,)),
           (e + "LayerNorm.bias", (D,))]
    for l in range(L):
        out += [("bert.encoder.layer.%d.%s" % (l, n), s) for n, s in LAYER]
    return out + [("bert.pooler.dense.weight", (D, D)), ("bert.pooler.dense.bias", (D,)),
                  ("cls.predictions.bias", (V,)),
                  ("cls.predictions.transform.dense.weight", (D, D)), ("cls.predictions.transform.dense.bias", (D,)),
                  ("cls.predictions.transform.LayerNorm.weight", (D,)),
                  ("cls.predictions.transform.LayerNorm.bias", (D,)),
                  ("cls.seq_relationship.weight", (2, D)), ("cls.seq_relationship.bias", (2,))]


def forward(P, tokens, types, valid, targets, labels):
    ln = lambda x, n: F.layer_norm(x, (D,), P[n + ".weight"], P[n + ".bias"], eps=EPS)
    lin = lambda x, n: x @ P[n + ".weight"].T + P[n + ".bias"]
    e = "bert.embeddings."
    x = (P[e + "word_embeddings.weight"][tokens.reshape(-1)] + P[e + "position_embeddings.weight"][:T].repeat(B, 1)
         + P[e + "token_type_embeddings.weight"][types.reshape(-1)])
    x = ln(x, e + "LayerNorm")                                                        # N × D
    keymask = ~valid.bool().view(B, 1, 1, T)                                          # True: a padded key
    atts = []
    for l in range(L):
        h = "bert.encoder.layer.%d." % l
        q, k, v = (lin(x, h + "attention.self." + n).view(B, T, H, HS).transpose(1, 2) for n in ("query", "key", "value"))
        s = (q @ k.transpose(-2, -1) / math.sqrt(HS)).masked_fill(keymask, float("-inf"))
        p = torch.softmax(s, dim=-1)                                                  # B × H × T × T
        atts.append(p)
        a = (p @ v).transpose(1, 2).reshape(N, D)
        x = ln(x + lin(a, h + "attention.output.dense"), h + "attention.output.LayerNorm")
        x = ln(x + lin(F.gelu(lin(x, h + "intermediate.dense")), h + "output.dense"), h + "output.LayerNorm")
    pooled = torch.tanh(lin(x.view(B, T, D)[:, 0], "bert.pooler.dense"))
    nsp = lin(pooled, "cls.seq_relationship")                                         # B × 2
    t = ln(F.gelu(lin(x, "cls.predictions.transform.dense")), "cls.predictions.transform.LayerNorm")
    mlm = t @ P[e + "word_embeddings.weight"].T + P["cls.predictions.bias"]           # N × V
    lm = F.cross_entropy(mlm, targets.reshape(-1), ignore_index=-1)
    ln_ = F.cross_entropy(nsp, labels)
    return mlm, nsp, atts, lm, ln_


def main():
    torch.manual_seed(2032)
    P = {}
    for name, shape in shapes():
        u = torch.rand(*shape, dtype=torch.float32) * 2 - 1
        if "LayerNorm" in name:
            u = 1 + 0.3 * u if name.endswith(".weight") else 0.2 * u
        else:
            u = 0.5 * u
        P[name] = u.double().requires_grad_()
    tokens = torch.randint(4, V, (B, T))
    tokens[:, 0] = 2                                   # [CLS]
    types = torch.zeros(B, T, dtype=torch.long)
    types[:, 4:] = 1                                   # sentence B
    valid = torch.ones(B, T, dtype=torch.long)
    valid[1, T - 1] = 0                                # the second sequence is one token shorter
    tokens[1, T - 1] = 0                               # [PAD]
    targets = torch.full((B, T), -1, dtype=torch.long)
    for b, t in ((0, 1), (0, 3), (0, 6), (1, 2), (1, 5)):
        targets[b, t] = int(torch.randint(4, V, (1,)))
        tokens[b, t] = 3 if t != 6 else tokens[b, t]   # [MASK], and one left as it was
    labels = torch.tensor([0, 1])

    s = ""
    for name, _ in shapes():
        s += fmt(name, P[name])
    for n, t in (("tokens", tokens), ("types", types), ("valid", valid), ("mlm_targets", targets),
                 ("nsp_labels", labels)):
        s += fmt(n, t.double())
    mlm, nsp, atts, lm, ln_ = forward(P, tokens, types, valid, targets, labels)
    loss = lm + ln_
    loss.backward()
    s += fmt("mlm_logits", mlm) + fmt("nsp_logits", nsp)
    for l in range(L):
        s += fmt("att.%d" % l, atts[l])
    s += fmt("mlm_loss", lm.reshape(1)) + fmt("nsp_loss", ln_.reshape(1)) + fmt("loss", loss.reshape(1))
    for name, _ in shapes():
        s += fmt("grad." + name, P[name].grad)

    opt = torch.optim.AdamW([P[n] for n, _ in shapes()], lr=LR, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    losses = [loss.item()]
    for _ in range(STEPS):
        opt.zero_grad()
        _, _, _, lm, ln_ = forward(P, tokens, types, valid, targets, labels)
        (lm + ln_).backward()
        opt.step()
        with torch.no_grad():
            _, _, _, lm, ln_ = forward(P, tokens, types, valid, targets, labels)
            losses.append((lm + ln_).item())
    s += fmt("adamw.loss", torch.tensor(losses, dtype=torch.float64))

    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "tiny.txt"), "w") as f:
        f.write(s)


if __name__ == "__main__":
    main()
