#!/usr/bin/python3
"""make_ft_sup_fixtures.py — small fastText classifiers written by the real peer (Debian's
`fasttext` 0.9.2 binary), and what that peer predicts with them, for tests/unit/test_ft_sup.c:
`make test` checks that a .bin made by `fasttext supervised` predicts here with fastText's own
labels and probabilities, and that our `test` counts what `fasttext test` counts.

Re-run (from the repository root; needs Debian's fasttext):

    scripts/need-pkgs.sh fasttext        # once
    /usr/bin/python3 tests/ref/make_ft_sup_fixtures.py

It writes, in tests/ref/fasttext/:
  sup_train.txt   ~600 generated labelled lines (fixed seed): five topics (spor, yemek, hava,
                  music, tech) in Turkish and English words, some lines with two labels
  sup_test.txt    ~120 more, with words the training set never had, a line with no label and
                  one with a label the model does not know
  sup_softmax.bin `fasttext supervised -dim 8 -epoch 15 -lr 0.5 -wordNgrams 2 -bucket 1000
                  -thread 1` (softmax; words and word bigrams)
  sup_hs.bin      the same with `-loss hs -minn 2 -maxn 4` (hierarchical softmax over the five
                  labels; character n-grams of the words too)
  sup_*.pred      `fasttext predict-prob MODEL sup_test.txt 3` verbatim: the top 3 labels and
                  their probabilities per line. fastText prints exp(log(p + 1e-5)) for softmax
                  (so p + 1e-5) and the product of (σ + 1e-5) along the tree for hs, with 6
                  significant digits.
  sup_*.test1, sup_*.test2   `fasttext test MODEL sup_test.txt 1` and `… 2` verbatim
"""
import os
import random
import subprocess

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fasttext")

TOPICS = {
    "spor": ["maç", "gol", "takım", "hakem", "futbol", "basketbol", "kaleci", "şampiyon", "match", "goal", "team"],
    "yemek": ["çorba", "pilav", "börek", "tatlı", "lokanta", "aşçı", "baklava", "soup", "bread", "cheese"],
    "hava": ["yağmur", "kar", "rüzgâr", "güneş", "bulut", "fırtına", "sıcaklık", "rain", "snow", "wind"],
    "music": ["şarkı", "gitar", "konser", "nota", "davul", "song", "guitar", "concert", "piano", "band"],
    "tech": ["bilgisayar", "yazılım", "telefon", "ekran", "işlemci", "computer", "software", "phone", "screen"],
}
COMMON = ["bugün", "çok", "bir", "ve", "ile", "the", "a", "is", "very", "today", "güzel", "kötü", "yeni"]
UNSEEN = ["zeplin", "ığdır", "xylofon", "kuantum", "ördek"]


def line(rng, labels, extra_unseen=False):
    words = []
    for lab in labels:
        words += rng.sample(TOPICS[lab], 3)
    words += rng.sample(COMMON, 3)
    if extra_unseen:
        words.append(rng.choice(UNSEEN))
    rng.shuffle(words)
    return " ".join("__label__" + l for l in labels) + " " + " ".join(words)


def main():
    rng = random.Random(11)
    names = list(TOPICS)
    # unequal label counts, so the Huffman tree of -loss hs is not a balanced one
    weights = [5, 4, 3, 2, 1]
    train, test = [], []
    for i in range(600):
        labs = rng.choices(names, weights)
        if i % 7 == 0:
            labs = rng.sample(names, 2)
        train.append(line(rng, labs))
    for i in range(120):
        labs = rng.choices(names, weights)
        if i % 9 == 0:
            labs = rng.sample(names, 2)
        test.append(line(rng, labs, extra_unseen=(i % 3 == 0)))
    test.append("bugün çok güzel bir gün")                        # no label: not counted by test
    test.append("__label__bilinmeyen maç gol takım")              # a label the model lacks
    test.append("__label__spor zeplin ığdır")                     # only unseen words (+ </s>)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "sup_train.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(train) + "\n")
    with open(os.path.join(OUT, "sup_test.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(test) + "\n")
    common = ["-input", os.path.join(OUT, "sup_train.txt"), "-dim", "8", "-epoch", "15", "-lr", "0.5",
              "-wordNgrams", "2", "-bucket", "1000", "-thread", "1", "-verbose", "0"]
    models = {"softmax": [], "hs": ["-loss", "hs", "-minn", "2", "-maxn", "4"]}
    for name, extra in models.items():
        stem = os.path.join(OUT, "sup_" + name)
        subprocess.run(["fasttext", "supervised", *common, *extra, "-output", stem], check=True)
        os.remove(stem + ".vec")
        pred = subprocess.run(["fasttext", "predict-prob", stem + ".bin", os.path.join(OUT, "sup_test.txt"), "3"],
                              check=True, capture_output=True, text=True).stdout
        with open(stem + ".pred", "w", encoding="utf-8") as f:
            f.write(pred)
        for k in (1, 2):
            res = subprocess.run(["fasttext", "test", stem + ".bin", os.path.join(OUT, "sup_test.txt"), str(k)],
                                 check=True, capture_output=True, text=True).stdout
            with open(stem + ".test%d" % k, "w", encoding="utf-8") as f:
                f.write(res)
        print(name, os.path.getsize(stem + ".bin"), "bytes;", res.split())


if __name__ == "__main__":
    main()
