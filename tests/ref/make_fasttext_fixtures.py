#!/usr/bin/python3
"""make_fasttext_fixtures.py — a tiny fastText model written by the real peer (Debian's
`fasttext` 0.9.2 binary), and what that peer says about it, for tests/unit/test_fasttext.c,
so that `make test` checks our reader and our subword vectors against fastText itself.

Re-run (from the repository root; needs Debian's fasttext and python3-numpy):

    scripts/need-pkgs.sh fasttext python3-numpy     # once
    /usr/bin/python3 tests/ref/make_fasttext_fixtures.py

It writes, in tests/ref/fasttext/:
  corpus.txt      ~2 000 generated sentences, Turkish and English words (fixed seed)
  tiny.bin        `fasttext skipgram -dim 10 -bucket 2000 -minCount 1 -minn 3 -maxn 6
                  -epoch 3 -thread 10` on it (~90 kB). thread 10, not 1: fastText 0.9.2
                  initialises only the first tenth of the input matrix per thread, so with one
                  thread most n-gram rows would start (and, if unseen, stay) at zero, and every
                  unseen n-gram would look alike.
  words.txt       the query words: in the vocabulary and not (OOV), Turkish and ASCII
  expected.vec    `fasttext print-word-vectors tiny.bin < words.txt` verbatim: 5 significant
                  digits per value (fastText prints with std::setprecision(5))
  ngrams.tsv      `fasttext print-ngrams tiny.bin WORD` for some words, each n-gram with the
                  input-matrix row it reads: "word<TAB>ngram<TAB>row". fastText prints the
                  n-gram's vector, not its hash, so the row is found by matching that vector
                  against the rows of the matrix in tiny.bin (each row is distinct: random
                  initial values, 5 digits are plenty to tell 2 000 rows apart; the script
                  stops if a match is ambiguous). row = nwords + FNV-1a(ngram) % bucket, or the
                  word's own id for the word itself.
"""
import os
import random
import struct
import subprocess
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fasttext")

NOUNS = ["kitap", "kitaplar", "kitaplarımızdan", "ağaç", "ağaçlar", "İstanbul", "Ankara",
         "öğrenci", "öğretmen", "çocuk", "ırmak", "şehir", "gün", "ev", "okul",
         "king", "queen", "man", "woman", "tree", "book", "city", "river"]
VERBS = ["okudu", "gördü", "sevdi", "aldı", "geldi", "gitti", "reads", "sees", "loves"]
ADJS = ["büyük", "küçük", "güzel", "eski", "yeni", "big", "small", "old"]
WORDS = ["kitaplarımızdan", "ağaç", "İstanbul", "kitap", "ev", "king", "öğrenci", "ırmak",
         "</s>",
         # out of the vocabulary
         "kitaplarımızdaki", "ağaçlarda", "İzmir", "istanbul", "ağ", "a", "xyzq",
         "kings", "şehirlerimizden", "ığdır", "çç"]
NGRAM_WORDS = ["ağaç", "kitaplarımızdan", "İstanbul", "king", "ağaçlarda", "İzmir", "a"]


def corpus(path):
    rng = random.Random(12)
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(2000):
            n = rng.randint(4, 9)
            s = []
            for _ in range(n):
                r = rng.random()
                s.append(rng.choice(ADJS if r < 0.25 else VERBS if r < 0.45 else NOUNS))
            f.write(" ".join(s) + "\n")


def read_input_matrix(path):
    b = open(path, "rb").read()
    o = 8 + 12 * 4 + 8                               # magic, version, 12 int32 args, double t
    size, nwords, nlabels, ntokens, prune = struct.unpack_from("<iiiqq", b, o)
    o += 4 * 3 + 8 * 2
    for _ in range(size):
        o = b.index(b"\0", o) + 1 + 8 + 1
    o += 8 * max(prune, 0) + 1                       # pruneidx pairs, quant flag
    m, n = struct.unpack_from("<qq", b, o)
    o += 16
    return nwords, np.frombuffer(b, dtype="<f4", count=m * n, offset=o).reshape(m, n)


def main():
    os.makedirs(OUT, exist_ok=True)
    corpus(os.path.join(OUT, "corpus.txt"))
    subprocess.run(["fasttext", "skipgram", "-input", os.path.join(OUT, "corpus.txt"),
                    "-output", os.path.join(OUT, "tiny"), "-dim", "10", "-bucket", "2000",
                    "-minCount", "1", "-minn", "3", "-maxn", "6", "-epoch", "3",
                    "-thread", "10", "-verbose", "0"], check=True)
    os.remove(os.path.join(OUT, "tiny.vec"))
    with open(os.path.join(OUT, "words.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(WORDS) + "\n")
    out = subprocess.run(["fasttext", "print-word-vectors", os.path.join(OUT, "tiny.bin")],
                         input="\n".join(WORDS) + "\n", capture_output=True, text=True,
                         check=True).stdout
    with open(os.path.join(OUT, "expected.vec"), "w", encoding="utf-8") as f:
        f.write(out)
    big = max(abs(float(x)) for line in out.splitlines() for x in line.split()[1:])
    if big >= 1.0:   # the test compares to 1e-5: 5 significant digits are enough below 1
        sys.exit("a vector value %g ≥ 1: retrain smaller" % big)

    nwords, mat = read_input_matrix(os.path.join(OUT, "tiny.bin"))
    rows = []
    for w in NGRAM_WORDS:
        out = subprocess.run(["fasttext", "print-ngrams", os.path.join(OUT, "tiny.bin"), w],
                             capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            vec = np.array([float(x) for x in parts[1:]], dtype=np.float64)
            err = np.abs(mat - vec).max(axis=1)
            hits = np.nonzero(err < 1e-5)[0]
            # identical rows (two n-grams in one bucket) are the same row: fine
            if len(hits) != 1:
                sys.exit("n-gram %s of %s matches rows %s" % (parts[0], w, list(hits)))
            rows.append("%s\t%s\t%d" % (w, parts[0], hits[0]))
    with open(os.path.join(OUT, "ngrams.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")
    print("wrote", OUT, "nwords", nwords)


if __name__ == "__main__":
    main()
