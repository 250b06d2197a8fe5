#!/usr/bin/env python3
"""make_expected.py — the reference for tests/unit/test_spm.c (src/engine/text/spm.c).

An independent, deliberately plain Python implementation of llama2.c's tokenizer (run.c's
encode: dummy prefix, characters, byte fallback, then "merge the adjacent pair whose
concatenation is the best-scoring piece, leftmost on a tie" by rescanning every pair after
every merge — quadratic, no heap) and of SentencePiece's decoding.

It writes, next to itself:
  vocab.tsv     the vocabulary: one piece a line (id = line number, 0-based), as
                piece<TAB>score<TAB>type, spaces spelled "▁" (U+2581) as in SentencePiece and
                GGUF. Ids 0 <unk> (type 2), 1 <s> and 2 </s> (type 3, control), 3..258 the byte
                pieces <0x00>..<0xFF> (type 6), then the characters of a small Turkish and
                English corpus (type 1) and the pieces a tiny BPE learns on it (type 1), scored
                -(rank // 3) so that ties between different pairs are common (the leftmost
                wins) — the scores are integers, exact in float32.
  expected.txt  one case a line: text as hex ("-" when empty)<TAB>bos<TAB>eos<TAB>ids
                (space-separated; "-" when there are none).
Run: python3 tests/ref/spm/make_expected.py   (no third-party modules)
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SP = "\u2581"

CORPUS = [
    "Bir varmış, bir yokmuş. Evvel zaman içinde, kalbur saman içinde.",
    "Kitaplarımızdan biri masada duruyor. Kitaplar çok güzel.",
    "Bugün hava çok güzel, ağaçlar yeşil ve çiçekler açmış.",
    "Öğretmenimiz bize şiirler okudu; çocuklar dinledi.",
    "Once upon a time, there was a little girl named Lily.",
    "She liked to play in the park with her friends.",
    "The sun was shining and the birds were singing.",
    "aaaa bbbb abab",
]


def train(corpus, n_merges):
    """A tiny BPE on characters with '▁' for spaces (words carry their leading '▁').
    Returns the characters (sorted) and the merged pieces in the order learned."""
    words = {}
    for line in corpus:
        for w in line.split(" "):
            if w:
                key = tuple(SP + w)
                words[key] = words.get(key, 0) + 1
    chars = sorted({c for w in words for c in w})
    merges = []
    for _ in range(n_merges):
        counts = {}
        for w, f in words.items():
            for a, b in zip(w, w[1:]):
                counts[(a, b)] = counts.get((a, b), 0) + f
        if not counts:
            break
        best = max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
        merged = best[0] + best[1]
        merges.append(merged)
        new = {}
        for w, f in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(merged)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            new[tuple(out)] = new.get(tuple(out), 0) + f
        words = new
    return chars, merges


def make_vocab():
    vocab = [("<unk>", 0.0, 2), ("<s>", 0.0, 3), ("</s>", 0.0, 3)]
    vocab += [("<0x%02X>" % b, 0.0, 6) for b in range(256)]
    chars, merges = train(CORPUS, 160)
    seen = set()
    for rank, m in enumerate(merges):
        if m not in seen:
            seen.add(m)
            vocab.append((m, float(-(rank // 3)), 1))
    for i, c in enumerate(chars):
        if c not in seen:
            seen.add(c)
            vocab.append((c, float(-1000 - i), 1))
    return vocab


class Tokenizer:
    def __init__(self, vocab):
        self.pieces = [p.replace(SP, " ").encode("utf-8") for p, _, _ in vocab]
        self.scores = [s for _, s, _ in vocab]
        self.types = [t for _, _, t in vocab]
        self.lookup = {}
        for i, p in enumerate(self.pieces):
            if self.types[i] in (1, 4) and p and p not in self.lookup:
                self.lookup[p] = i
        self.byte_id = {}
        for i, p in enumerate(self.pieces):
            if self.types[i] == 6:
                self.byte_id[int(p[3:5], 16)] = i

    def encode(self, text, bos, eos):
        ids = [1] if bos else []
        if text:
            syms = []  # [bytes, id, frozen]
            # the dummy prefix first, as a character of its own (run.c pushes its token before
            # reading the text); then the text's characters: a byte and the continuation bytes
            # after it, at most 4 bytes
            chars = [b" "]
            i = 0
            while i < len(text):
                j = i + 1
                while j < len(text) and (text[j] & 0xC0) == 0x80 and j - i < 4:
                    j += 1
                chars.append(text[i:j])
                i = j
            for ch in chars:
                if ch in self.lookup:
                    syms.append([ch, self.lookup[ch], False])
                else:
                    for b in ch:
                        syms.append([bytes([b]), self.byte_id[b], True])
            while True:
                best = None
                for k in range(len(syms) - 1):
                    a, b = syms[k], syms[k + 1]
                    if a[2] or b[2]:
                        continue
                    pid = self.lookup.get(a[0] + b[0])
                    if pid is not None and (best is None or self.scores[pid] > best[0]):
                        best = (self.scores[pid], k, pid)
                if best is None:
                    break
                _, k, pid = best
                syms[k] = [syms[k][0] + syms[k + 1][0], pid, False]
                del syms[k + 1]
            ids += [s[1] for s in syms]
        if eos:
            ids.append(2)
        return ids

    def decode(self, ids):
        out = b""
        for i, t in enumerate(ids):
            ty = self.types[t]
            if ty in (3, 5):
                continue
            first = i == 0 or ids[i - 1] == 1
            if ty == 6:
                b = int(self.pieces[t][3:5], 16)
                if not (first and b == 0x20):  # <0x20> standing for the dummy prefix
                    out += bytes([b])
                continue
            p = self.pieces[t]
            if first and ty != 2 and p.startswith(b" "):
                p = p[1:]
            out += p
        return out


CASES = [
    ("Bir varmış, bir yokmuş.", 1, 0),
    ("Kitaplarımızdan biri masada duruyor.", 1, 1),
    ("Once upon a time, there was a little girl.", 1, 0),
    ("Şişli'de ağır çığ düştü; İstanbul ılık.", 1, 0),
    ("xylophone quiz", 1, 0),
    ("emoji: 🙂 ve 🚀!", 1, 0),
    ("çok    boşluk   var  ", 1, 0),
    ("satır bir\nsatır iki\n\nson", 1, 0),
    ("", 1, 0),
    ("", 0, 0),
    ("", 1, 1),
    (" baştaki boşluk", 1, 0),
    ("aaaa aaa abababab bbbbb", 0, 0),
    ("<s> denetim </s>", 1, 0),
    ("café naïve", 0, 1),
    (b"\xff\xc3( ge\xe2\x82 \x80\x80\x80\x80\x80 sonu", 1, 0),
    (b"\x80\xbf ilk bayt devam bayt\xc4\xb1", 0, 0),
]


def main():
    vocab = make_vocab()
    tok = Tokenizer(vocab)
    with open(os.path.join(HERE, "vocab.tsv"), "w", encoding="utf-8", newline="\n") as f:
        for p, s, t in vocab:
            assert "\t" not in p and "\n" not in p
            f.write("%s\t%g\t%d\n" % (p, s, t))
    with open(os.path.join(HERE, "expected.txt"), "w", newline="\n") as f:
        for text, bos, eos in CASES:
            b = text if isinstance(text, bytes) else text.encode("utf-8")
            ids = tok.encode(b, bos, eos)
            assert tok.decode(ids) == b, (text, ids)
            f.write("%s\t%d\t%d\t%s\n" % (b.hex() or "-", bos, eos, " ".join(map(str, ids)) or "-"))
    print("vocab.tsv: %d pieces; expected.txt: %d cases" % (len(vocab), len(CASES)))


if __name__ == "__main__":
    main()
