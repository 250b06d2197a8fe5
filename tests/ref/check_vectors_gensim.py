#!/usr/bin/python3
"""check_vectors_gensim.py — writes the gensim reference fixture for tests/unit/test_vectors.c.

gensim's KeyedVectors is the reference for src/engine/models/vectors.c: this script builds a
small random table (300 words, Turkish and English, dimension 16, fixed seed), writes it in
word2vec text format, reads it back (so that gensim and the C test see the very same
float32 values), and records what gensim answers:

  tests/ref/vectors/random.txt       the table (word2vec text format)
  tests/ref/vectors/expected.txt     the answers, one block per question:
      similar LIMIT K WORD           most_similar(WORD, topn=K, restrict_vocab=LIMIT or None)
      analogy LIMIT K A B C          most_similar(positive=[A, C], negative=[B], topn=K, ...)
      cosmul 0 K A B C               most_similar_cosmul(positive=[A, C], negative=[B], topn=K)
                                     (gensim 4 ignores restrict_vocab there, so LIMIT is 0)
    each followed by K lines "word score";
      odd N W1 … WN                  doesnt_match, followed by one line "word score" (its
                                     cosine to the normalised mean, from rank_by_centrality)
      sim A B SCORE                  similarity(A, B)

The fixture is committed (a few tens of KB), so `make test` needs no gensim. Run with
Debian's python3-gensim:  /usr/bin/python3 tests/ref/check_vectors_gensim.py
"""
import os
import numpy as np
from gensim.models import KeyedVectors

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "vectors")

REAL = ("kral kraliçe erkek kadın baba anne oğul kız ankara türkiye paris fransa berlin almanya "
        "kedi köpek çiçek ağaç şehir ülke öğretmen öğrenci ışık göz üzüm çocuk iğne şişe "
        "king queen man woman father mother son daughter cat dog tree city country teacher").split()


def main():
    rng = np.random.default_rng(20240531)
    words = list(REAL)
    i = 0
    while len(words) < 300:
        words.append("k%03dş" % i if i % 3 == 0 else ("ı%03d" % i if i % 3 == 1 else "w%03d" % i))
        i += 1
    dim = 16
    vecs = rng.standard_normal((len(words), dim)).astype(np.float32)
    kv = KeyedVectors(dim)
    kv.add_vectors(words, vecs)
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "random.txt")
    kv.save_word2vec_format(path, binary=False)
    kv = KeyedVectors.load_word2vec_format(path, binary=False)

    lines = []

    def block(head, result):
        lines.append(head)
        for w, s in result:
            lines.append("%s %.9g" % (w, s))

    for w, limit, k in [("kral", 0, 10), ("kedi", 0, 10), ("ışık", 0, 10), ("queen", 0, 10),
                        ("w254", 0, 5), ("kral", 50, 5), ("öğretmen", 120, 7)]:
        block("similar %d %d %s" % (limit, k, w), kv.most_similar(w, topn=k, restrict_vocab=limit or None))
    for a, b, c, limit, k in [("kral", "erkek", "kadın", 0, 10), ("paris", "fransa", "almanya", 0, 10),
                              ("king", "man", "woman", 0, 5), ("çiçek", "ağaç", "şehir", 0, 10),
                              ("kral", "erkek", "kadın", 40, 5), ("baba", "anne", "kız", 100, 3)]:
        block("analogy %d %d %s %s %s" % (limit, k, a, b, c),
              kv.most_similar(positive=[a, c], negative=[b], topn=k, restrict_vocab=limit or None))
    for a, b, c, k in [("kral", "erkek", "kadın", 10), ("paris", "fransa", "almanya", 10),
                       ("king", "man", "woman", 5), ("ışık", "göz", "üzüm", 10)]:
        block("cosmul 0 %d %s %s %s" % (k, a, b, c), kv.most_similar_cosmul(positive=[a, c], negative=[b], topn=k))
    for ws in [["kral", "kraliçe", "erkek", "kadın"], ["kedi", "köpek", "ağaç"],
               ["paris", "berlin", "ankara", "kedi", "çiçek"], ["w101", "w104", "ı100"]]:
        ranked = kv.rank_by_centrality(ws)
        assert ranked[-1][1] == kv.doesnt_match(ws)
        lines.append("odd %d %s" % (len(ws), " ".join(ws)))
        lines.append("%s %.9g" % (ranked[-1][1], ranked[-1][0]))
    for a, b in [("kral", "kraliçe"), ("kedi", "köpek"), ("ışık", "göz"), ("w005", "k000ş")]:
        lines.append("sim %s %s %.9g" % (a, b, kv.similarity(a, b)))
    with open(os.path.join(OUT, "expected.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %s and expected.txt (%d lines)" % (path, len(lines)))


if __name__ == "__main__":
    main()
