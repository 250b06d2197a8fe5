#!/usr/bin/python3
"""make_w2v_fixtures.py — word2vec files written by the real peer (gensim), for
tests/unit/test_w2v.c, so that `make test` needs no gensim.

Re-run (from the repository root; needs Debian's python3-gensim, i.e. /usr/bin/python3, not a
pyenv/venv python without numpy):

    scripts/need-pkgs.sh python3-gensim     # once
    /usr/bin/python3 tests/ref/make_w2v_fixtures.py

It writes, in tests/ref/w2v/:
  gensim.txt       KeyedVectors.save_word2vec_format(binary=False)  (repr() of each float32)
  gensim.bin       KeyedVectors.save_word2vec_format(binary=True)   (no '\\n' after a record)
  w2vc.txt         the same vectors as word2vec.c writes text: "%lf " after each value
                   (6 decimals and a trailing space before '\\n')
  w2vc.bin         as word2vec.c writes binary: a '\\n' after each record
  expected.tsv     what gensim reads back from gensim.txt/.bin: "word<TAB>b1 b2 b3 b4", the
                   float32 bit patterns in hex, exact; then "# w2vc" and the values gensim reads
                   from w2vc.txt (which are not the original floats: 6 decimals lose bits)
The values are fixed (no randomness), so re-running gives the same files.
"""
import os
import struct

import numpy as np
from gensim.models import KeyedVectors

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "w2v")

WORDS = ["kral", "kraliçe", "adam", "kadın", "ığdır", "İstanbul"]
# Values chosen to need all 9 significant digits, and a few edge cases: -0, a tiny normal,
# a large value, 1/3, a denormal float32.
VALUES = np.array([
    [0.1, -0.2, 1.0 / 3.0, 2.5],
    [0.123456789, -1.5e-3, 7.0, -0.0],
    [-1.0, 3.4028e38, 1.17549435e-38, 0.5],
    [2.0 / 3.0, -2.0 / 7.0, 1e-5, 123456.789],
    [-0.999999, 0.000123, 42.0, 1.401298464e-45],
    [3.14159265, -2.71828183, 1.41421356, -1.73205081],
], dtype=np.float32)


def bits(x):
    return "%08x" % struct.unpack("<I", struct.pack("<f", float(x)))[0]


def main():
    os.makedirs(OUT, exist_ok=True)
    kv = KeyedVectors(vector_size=VALUES.shape[1])
    kv.add_vectors(WORDS, VALUES)
    kv.save_word2vec_format(os.path.join(OUT, "gensim.txt"), binary=False)
    kv.save_word2vec_format(os.path.join(OUT, "gensim.bin"), binary=True)

    # word2vec.c: fprintf(fo, "%s ", word); then "%lf " per value (text) or fwrite (binary);
    # then fprintf(fo, "\n").
    with open(os.path.join(OUT, "w2vc.txt"), "wb") as f:
        f.write(b"%d %d\n" % VALUES.shape)
        for w, row in zip(WORDS, VALUES):
            f.write(w.encode("utf-8") + b" " + b"".join(b"%f " % float(x) for x in row) + b"\n")
    with open(os.path.join(OUT, "w2vc.bin"), "wb") as f:
        f.write(b"%d %d\n" % VALUES.shape)
        for w, row in zip(WORDS, VALUES):
            f.write(w.encode("utf-8") + b" " + row.astype("<f4").tobytes() + b"\n")

    # What gensim itself reads back: the reference values for the C test.
    with open(os.path.join(OUT, "expected.tsv"), "w", encoding="utf-8") as f:
        f.write("# written by tests/ref/make_w2v_fixtures.py: word, then float32 bits (hex)\n")
        for name in ("gensim.txt", "gensim.bin", "w2vc.bin"):
            back = KeyedVectors.load_word2vec_format(os.path.join(OUT, name), binary=name.endswith(".bin"))
            assert list(back.index_to_key) == WORDS, name
            assert np.array_equal(back.vectors.view(np.uint32), VALUES.view(np.uint32)), name
        for w, row in zip(WORDS, VALUES):
            f.write(w + "\t" + " ".join(bits(x) for x in row) + "\n")
        f.write("# w2vc\n")
        back = KeyedVectors.load_word2vec_format(os.path.join(OUT, "w2vc.txt"), binary=False)
        assert list(back.index_to_key) == WORDS
        for w in WORDS:
            f.write(w + "\t" + " ".join(bits(x) for x in back[w]) + "\n")
    print("wrote", ", ".join(sorted(os.listdir(OUT))), "in", OUT)


if __name__ == "__main__":
    main()
