#!/usr/bin/python3
"""ft_bigbin.py OUT [WORDS] [DIM] [BUCKET] [DENSE] — a synthetic fastText .bin the size of
Facebook's cc.tr.300.bin, for bench/fasttext.sh: what loading a 7 GB model costs.

What is real: the header (magic 793712314, version 12), the args of the Common Crawl models
(dim 300, ws 5, epoch 5, minCount 5, neg 10, loss ns, model cbow, bucket 2,000,000, minn 5,
maxn 5, lrUpdateRate 100, t 1e-4), and the dictionary: WORDS (default 2,000,000) distinct
made-up Turkish-looking words (stems of two or three syllables with ç ğ ı ö ş ü, each with
up to 20 suffixes: kaşelar, kaşeımız, …), by decreasing count (Zipf), as fastText writes them.
The matrices have their true shapes — input (WORDS + BUCKET) × DIM, output WORDS × DIM,
7.2 GB with the defaults — but are written as holes (a sparse file: the disk holds only the
dictionary and the rows below), except:
  - the word rows of the first DENSE words (default 100,000): the stem's random vector plus
    noise, so that `similar` on one of them finds the other forms of its stem;
  - the n-gram rows of the unseen word OOV_WORD (printed), random, so that its vector is
    not zero and can be compared with `fasttext print-word-vectors`.
Reading a hole costs no disk I/O, so the loading times measured on this file are those of a
file already in the page cache; what it shows is how much of the file a loader touches.
Prints: "OOV_WORD DENSE_WORD SIZE", the unseen word, a word of the dense part, the file size.
"""
import random
import struct
import sys

import numpy as np

OOV_WORD = "kitaplaştıramadıklarımızdan"


def ft_hash(b):
    h = 2166136261
    for c in b:
        h ^= c if c < 128 else (c | 0xFFFFFF00)
        h = (h * 16777619) & 0xFFFFFFFF
    return h


def ngrams(word, minn, maxn):
    """fastText's character n-grams of "<word>" (UTF-8 characters, minn..maxn)."""
    s = "<" + word + ">"
    out = []
    for i in range(len(s)):
        for n in range(minn, maxn + 1):
            if i + n > len(s):
                break
            if n == 1 and (i == 0 or i + n == len(s)):
                continue
            out.append(s[i:i + n].encode())
    return out


def main():
    out = sys.argv[1]
    V = int(sys.argv[2]) if len(sys.argv) > 2 else 2000000
    D = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    B = int(sys.argv[4]) if len(sys.argv) > 4 else 2000000
    DENSE = min(V, int(sys.argv[5]) if len(sys.argv) > 5 else 100000)
    minn = maxn = 5
    rng = random.Random(1)
    cons = "b c ç d f g ğ h j k l m n p r s ş t v y z".split()
    vows = "a e ı i o ö u ü".split()
    sufs = ["", "lar", "ler", "ı", "i", "da", "de", "dan", "den", "ımız", "imiz", "ları",
            "leri", "lık", "lik", "ca", "ce", "sız", "siz", "cı"]
    words, stem_of, seen, stems = [], [], set(), set()
    while len(words) < V:
        stem = "".join(rng.choice(cons) + rng.choice(vows) + (rng.choice(cons) if rng.random() < 0.3 else "")
                       for _ in range(rng.choice((2, 2, 3))))
        if stem in stems:
            continue
        stems.add(stem)
        for s in sufs:
            w = stem + s
            if w not in seen and len(words) < V:
                seen.add(w)
                words.append(w)
                stem_of.append(len(stems) - 1)
    assert OOV_WORD not in seen
    counts = [max(5, int(2e9 / (i + 30))) for i in range(V)]     # Zipf, decreasing, ≥ minCount

    args = struct.pack("<12id", D, 5, 5, 5, 10, 1, 2, 1, B, minn, maxn, 100, 1e-4)
    with open(out, "wb") as f:
        f.write(struct.pack("<ii", 793712314, 12))
        f.write(args)
        f.write(struct.pack("<iiiqq", V, V, 0, sum(counts), -1))
        pack = struct.Struct("<qb").pack
        f.write(b"".join(w.encode() + b"\0" + pack(c, 0) for w, c in zip(words, counts)))
        f.write(b"\0")                                  # quant: no
        f.write(struct.pack("<qq", V + B, D))
        in_off = f.tell()
        out_hdr = in_off + (V + B) * D * 4
        # the word rows of the first DENSE words: their stem's vector + noise
        nrng = np.random.default_rng(1)
        nstems = stem_of[DENSE - 1] + 1 if DENSE else 0
        stem_vec = nrng.standard_normal((nstems, D), dtype=np.float32)
        for s in range(0, DENSE, 50000):
            e = min(DENSE, s + 50000)
            rows = stem_vec[stem_of[s:e]] + 0.3 * nrng.standard_normal((e - s, D), dtype=np.float32)
            f.seek(in_off + s * D * 4)
            f.write(rows.astype("<f4").tobytes())
        # the unseen word's n-gram rows
        for g in ngrams(OOV_WORD, minn, maxn):
            f.seek(in_off + (V + ft_hash(g) % B) * D * 4)
            f.write(nrng.standard_normal(D, dtype=np.float32).astype("<f4").tobytes())
        f.seek(out_hdr)
        f.write(b"\0")                                  # qout: no
        f.write(struct.pack("<qq", V, D))
        f.truncate(out_hdr + 1 + 16 + V * D * 4)        # the output matrix: a hole
        size = out_hdr + 1 + 16 + V * D * 4
    print(OOV_WORD, words[min(DENSE, V) // 2 // 20 * 20 + 1], size)


if __name__ == "__main__":
    main()
