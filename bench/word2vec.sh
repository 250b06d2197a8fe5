#!/usr/bin/env bash
# bench/word2vec.sh — tezgah's Word2Vec against gensim's (Debian python3-gensim), in one run,
# on the same prepared corpora, with the same hyper-parameters:
#   dim 100, window 5, neg 5, sample 1e-3, min_count 5, 5 epochs, 2 threads, seeds 1..REPEAT.
# Prints wall time, words/s (corpus words × epochs / time, counted the same way for both),
# peak memory, and analogy accuracy on our evaluation set (restricted to the top 30,000 words,
# gensim's evaluate_word_analogies and our `eval analogies` on the same file), with ratios.
# Each configuration runs REPEAT times (default 3) on both sides; the best time is kept.
# Usage: bench/word2vec.sh [CORPUS...]   (default: tr en)
set -u
cd "$(dirname "$0")/.."
./scripts/need-pkgs.sh time python3-gensim >/dev/null 2>&1 || { echo "needs: time python3-gensim"; exit 0; }
PY=/usr/bin/python3
corpora=("$@"); [ ${#corpora[@]} -eq 0 ] && corpora=(tr en)
REPEAT=${REPEAT:-3}
T=$(mktemp -d /tmp/tezgah-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT

cat > "$T/gensim_w2v.py" <<'PY'
import sys, time
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence
path, sg, qfile, seed = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
sents = list(LineSentence(path))          # in memory, as tezgah holds its corpus
words = sum(len(s) for s in sents)
t0 = time.time()
m = Word2Vec(sents, vector_size=100, window=5, negative=5, hs=0, sample=1e-3, min_count=5,
             epochs=5, workers=2, sg=sg, seed=seed)
t = time.time() - t0
acc, _ = m.wv.evaluate_word_analogies(qfile, restrict_vocab=30000)
print("time %.2f words %d acc %.4f" % (t, words, acc))
PY

printf '%-6s %-9s %-8s %9s %12s %9s %9s\n' corpus mode system "best (s)" "words/s" "peak MB" "analogy"
for c in "${corpora[@]}"; do
  f=datasets/cache/$c.txt
  [ -s "$f" ] || { echo "$c: not prepared, run 'make datasets'"; continue; }
  lang=en; [ "$c" = tr ] && lang=tr
  words=$(wc -w < "$f")
  for mode in skipgram cbow; do
    sg=1; [ $mode = cbow ] && sg=0
    # best of $REPEAT runs for each side: this machine's timings wander by tens of per cent
    tz_t=999999; gs_t=999999; tz_accs=""; gs_accs=""
    for run in $(seq "$REPEAT"); do   # seeds 1..REPEAT on both sides
      /usr/bin/time -f '%M' -o "$T/tz.mem" ./tezgah --headless -c \
        "corpus $c; train word2vec mode=$mode dim=100 window=5 neg=5 sample=1e-3 min_count=5 epochs=5 threads=2 seed=$run; eval analogies $lang" \
        > "$T/tz.out" 2>&1
      t=$(sed -n 's/.*(\([0-9.]*\) s)\. Try.*/\1/p' "$T/tz.out")
      tz_accs="$tz_accs $(sed -n 's/.*accuracy \([0-9.]*\)%.*/\1/p' "$T/tz.out")"
      if awk -v a="$t" -v b="$tz_t" 'BEGIN { exit !(a < b) }'; then
        tz_t=$t
        tz_m=$(( $(cat "$T/tz.mem") / 1024 ))
      fi
      /usr/bin/time -f '%M' -o "$T/gs.mem" $PY "$T/gensim_w2v.py" "$f" $sg "datasets/eval/analogies-$lang.txt" $run > "$T/gs.out" 2>/dev/null
      read -r _ t _ _ _ acc < "$T/gs.out"
      gs_accs="$gs_accs $(awk -v a="$acc" 'BEGIN { printf "%.1f", 100 * a }')"
      if awk -v a="$t" -v b="$gs_t" 'BEGIN { exit !(a < b) }'; then
        gs_t=$t; gs_m=$(( $(cat "$T/gs.mem") / 1024 ))
      fi
    done
    # accuracy: the mean over the runs (both tools vary by a point or two from run to run)
    tz_acc=$(echo $tz_accs | awk '{ for (i = 1; i <= NF; i++) s += $i; printf "%.1f", s / NF }')
    gs_acc=$(echo $gs_accs | awk '{ for (i = 1; i <= NF; i++) s += $i; printf "%.1f", s / NF }')
    tz_wps=$(awk -v w="$words" -v t="$tz_t" 'BEGIN { printf "%.0f", 5 * w / t }')
    gs_wps=$(awk -v w="$words" -v t="$gs_t" 'BEGIN { printf "%.0f", 5 * w / t }')
    printf '%-6s %-9s %-8s %9.2f %12s %9s %8s%%   (runs:%s)\n' "$c" $mode tezgah "$tz_t" "$tz_wps" "$tz_m" "$tz_acc" "$tz_accs"
    printf '%-6s %-9s %-8s %9.2f %12s %9s %8s%%   (runs:%s)\n' "$c" $mode gensim "$gs_t" "$gs_wps" "$gs_m" "$gs_acc" "$gs_accs"
    awk -v a="$tz_t" -v b="$gs_t" -v c="$tz_m" -v d="$gs_m" -v e="$tz_acc" -v f="$gs_acc" \
      'BEGIN { printf "       ratio: tezgah %.2fx gensim speed, %.2fx its memory, accuracy %+.1f points\n", b / a, c / d, e - f }'
  done
done
