#!/usr/bin/env bash
# bench/fasttext.sh — tezgah's FastText against Debian's `fasttext` (0.9.2) and gensim's
# FastText (Debian python3-gensim), in one run, on the same prepared corpora, with the same
# hyper-parameters: dim 100, minn 3, maxn 6, bucket 2,000,000, window 5, neg 5, sample 1e-4,
# min_count 5, learning rate 0.05, 5 epochs, 2 threads; skip-gram and CBOW; seeds 1..REPEAT.
#
# Per row: the best training time of REPEAT runs (default 3), words/s = corpus words × 5 / that
# time (the same count for all three), peak resident memory of the training process
# (/usr/bin/time), and the quality of each system's model measured by one evaluator: each
# model is written as a fastText .bin (gensim's with save_facebook_model) and tezgah loads it
# and runs `eval analogies LANG` (accuracy, top 30,000 words) and `eval pairs LANG`
# (Spearman's rho) — the mean over the runs. Training time is each program's own, training
# only: tezgah's printed time (vocabulary, subword rows and training, after `corpus` has read
# the file); gensim's FastText(...) call (vocabulary and training; the sentences are already
# in memory); fastText from its start to the end of its last epoch (it builds its dictionary
# from the file and streams the file each epoch; saving its .bin and .vec is not counted).
# Then the ratio: tezgah against the faster peer (speed, memory) and against the better peer
# (analogy points, rho), and whether the target is met: ≥ 1.5× the faster peer's words/s with
# an analogy score no more than one point below the better peer's.
#
# Then the big-file check (BIG=0 skips it): a synthetic .bin the size of cc.tr.300.bin (2 M
# words + 2 M buckets × 300, 7.2 GB, bench/ft_bigbin.py; sparse, so it needs little disk) loaded
# with `load FILE limit=N`: time, peak memory, how much of it is private (copied) and how much
# mapped pages of the file, a query on a word and on an unseen word — against
# `fasttext print-word-vectors` on the same file, which reads all of it into memory.
#
# Usage: bench/fasttext.sh [CORPUS...]   (default: tr en; also mini-tr, mini-en)
#        REPEAT=3 bench/fasttext.sh tr;  BIG=0 …;  BIG_ONLY=1 bench/fasttext.sh
set -u
cd "$(dirname "$0")/.."
./scripts/need-pkgs.sh time python3-gensim fasttext >/dev/null 2>&1 || { echo "needs: time python3-gensim fasttext"; exit 0; }
PY=/usr/bin/python3
TZ=${TEZGAH:-./tezgah}
corpora=("$@"); [ ${#corpora[@]} -eq 0 ] && corpora=(tr en)
REPEAT=${REPEAT:-3}
T=$(mktemp -d /tmp/tezgah-bench-ft.XXXXXX)
trap 'rm -rf "$T"' EXIT
HP="dim=100 minn=3 maxn=6 bucket=2000000 window=5 neg=5 sample=1e-4 min_count=5 alpha=0.05 epochs=5 threads=2"

cat > "$T/gensim_ft.py" <<'PY'
import sys, time
from gensim.models import FastText
from gensim.models.fasttext import save_facebook_model
from gensim.models.word2vec import LineSentence
path, sg, out, seed = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
sents = list(LineSentence(path))          # in memory, as tezgah holds its corpus
t0 = time.time()
m = FastText(sents, vector_size=100, window=5, negative=5, hs=0, sample=1e-4, min_count=5,
             min_n=3, max_n=6, bucket=2000000, alpha=0.05, epochs=5, workers=2, sg=sg, seed=seed)
t = time.time() - t0
save_facebook_model(m, out)
print("time %.2f" % t)
PY

# fastText prints its progress on stderr ("\rProgress: …" lines) and ends the last epoch with
# a newline, then saves its files: the clock stops at that newline.
cat > "$T/fasttext_timed.py" <<'PY'
import os, subprocess, sys, time
mem, args = sys.argv[1], sys.argv[2:]
t0 = time.monotonic()
p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", mem] + args,
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
buf, t_end = b"", None
while True:
    chunk = os.read(p.stderr.fileno(), 65536)
    if not chunk:
        break
    if t_end is None:
        buf += chunk
        i = buf.find(b"Progress:")
        if i >= 0 and buf.find(b"\n", i) >= 0:
            t_end = time.monotonic()
p.wait()
print("time %.2f" % (t_end - t0) if t_end is not None and p.returncode == 0 else "time nan")
PY

# eval MODEL.bin ANALOGIES PAIRS → "accuracy rho" (tezgah's evaluator for every system's model)
evaluate() {
  "$TZ" --headless --lang en -c "load $1 as m; eval analogies $2; eval pairs $3" > "$T/eval.out" 2>&1
  local acc rho
  acc=$(sed -n 's/.*accuracy \([0-9.]*\)%.*/\1/p' "$T/eval.out")
  rho=$(sed -n "s/.*Spearman's rho = \([-0-9.]*\) .*/\1/p" "$T/eval.out")
  echo "${acc:-nan} ${rho:-nan}"
}
mean() { echo "$@" | awk '{ for (i = 1; i <= NF; i++) s += $i; printf "%.3f", s / NF }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a ~ /^-?[0-9.]+$/ && b ~ /^-?[0-9.]+$/ && a + 0 < b + 0) }'; }   # numbers only

train_bench() {
  printf '%-7s %-9s %-9s %9s %10s %8s %8s %7s\n' corpus mode system "best (s)" "words/s" "peak MB" "analogy" "rho"
  for c in "${corpora[@]}"; do
    case $c in
      mini-*) f=datasets/mini/${c#mini-}.txt; lang=${c#mini-}; an=$c ;;
      *) f=datasets/cache/$c.txt; lang=$c; an=$c ;;
    esac
    [ -s "$f" ] || { echo "$c: not prepared, run 'make datasets'"; continue; }
    [ -s "datasets/eval/similarity-$lang.txt" ] || { echo "$c: no evaluation set for '$lang'"; continue; }
    words=$(wc -w < "$f")
    for mode in skipgram cbow; do
      sg=1; [ $mode = cbow ] && sg=0
      declare -A best=() mem=() accs=() rhos=()
      for sys in tezgah fastText gensim; do best[$sys]=999999; accs[$sys]=""; rhos[$sys]=""; done
      for run in $(seq "$REPEAT"); do
        # tezgah
        /usr/bin/time -f '%M' -o "$T/tz.mem" "$TZ" --headless --lang en -c \
          "corpus $c; train fasttext mode=$mode $HP seed=$run; save ft-$c $T/m.bin" > "$T/tz.out" 2>&1
        t=$(sed -n 's/.*(\([0-9.]*\) s)\. Try.*/\1/p' "$T/tz.out")
        [ -n "$t" ] || { echo "tezgah failed:"; tail -n 5 "$T/tz.out"; t=nan; }
        if lt "$t" "${best[tezgah]}"; then best[tezgah]=$t; mem[tezgah]=$(( $(cat "$T/tz.mem") / 1024 )); fi
        read -r a r <<< "$(evaluate "$T/m.bin" "$an" "$lang")"; accs[tezgah]+=" $a"; rhos[tezgah]+=" $r"
        rm -f "$T/m.bin"
        # Debian's fastText
        $PY "$T/fasttext_timed.py" "$T/ft.mem" fasttext $mode -input "$f" -output "$T/m" -dim 100 -minn 3 -maxn 6 \
          -bucket 2000000 -ws 5 -neg 5 -t 1e-4 -minCount 5 -lr 0.05 -epoch 5 -thread 2 -seed "$run" > "$T/ft.out" 2>&1
        read -r _ t < "$T/ft.out"
        if lt "$t" "${best[fastText]}"; then best[fastText]=$t; mem[fastText]=$(( $(cat "$T/ft.mem") / 1024 )); fi
        read -r a r <<< "$(evaluate "$T/m.bin" "$an" "$lang")"; accs[fastText]+=" $a"; rhos[fastText]+=" $r"
        rm -f "$T/m.bin" "$T/m.vec"
        # gensim
        /usr/bin/time -f '%M' -o "$T/gs.mem" $PY "$T/gensim_ft.py" "$f" $sg "$T/m.bin" "$run" > "$T/gs.out" 2>/dev/null
        read -r _ t < "$T/gs.out"
        if lt "$t" "${best[gensim]}"; then best[gensim]=$t; mem[gensim]=$(( $(cat "$T/gs.mem") / 1024 )); fi
        read -r a r <<< "$(evaluate "$T/m.bin" "$an" "$lang")"; accs[gensim]+=" $a"; rhos[gensim]+=" $r"
        rm -f "$T/m.bin"
      done
      declare -A acc=() rho=() wps=()
      for sys in tezgah fastText gensim; do
        acc[$sys]=$(mean ${accs[$sys]}); rho[$sys]=$(mean ${rhos[$sys]})
        wps[$sys]=$(awk -v w="$words" -v t="${best[$sys]}" 'BEGIN { printf "%.0f", 5 * w / t }')
        printf '%-7s %-9s %-9s %9.2f %10s %8s %7.1f%% %7.3f   (runs:%s |%s)\n' "$c" $mode "$sys" "${best[$sys]}" \
          "${wps[$sys]}" "${mem[$sys]:-?}" "${acc[$sys]}" "${rho[$sys]}" "${accs[$sys]}" "${rhos[$sys]}"
      done
      fast=fastText; lt "${best[gensim]}" "${best[fastText]}" && fast=gensim
      good=fastText; lt "${acc[fastText]}" "${acc[gensim]}" && good=gensim
      goodr=fastText; lt "${rho[fastText]}" "${rho[gensim]}" && goodr=gensim
      awk -v a="${best[tezgah]}" -v b="${best[$fast]}" -v f=$fast -v c="${mem[tezgah]}" -v d="${mem[$fast]}" \
          -v e="${acc[tezgah]}" -v g="${acc[$good]}" -v gn=$good -v r="${rho[tezgah]}" -v rg="${rho[$goodr]}" -v rn=$goodr 'BEGIN {
        s = a > 0 ? b / a : 0; q = e - g
        printf "        ratio: tezgah %.2fx the speed of the faster peer (%s), %.2fx its memory; analogy %+.1f points vs the better peer (%s), rho %+.3f (%s)\n", s, f, (d > 0 ? c / d : 0), q, gn, r - rg, rn
        printf "        target (>= 1.5x at no more than 1 point below): %s\n", (s >= 1.5 && q >= -1) ? "met" : "NOT met" }'
      unset best mem accs rhos acc rho wps
    done
  done
}

# --- a cc.tr.300.bin-sized model: load with limit=, without reading it all or copying it ----
big_bench() {
  local avail need=$((8 * 1024 * 1024))   # KB: the file's 7.2 GB in case the file system cannot keep holes
  avail=$(df -Pk "$T" | awk 'NR == 2 { print $4 }')
  if [ "$avail" -lt "$need" ]; then
    echo "big .bin: skipped, $((avail / 1024)) MB free in $T, needs about 8 GB"; return
  fi
  echo "big .bin: writing a synthetic cc.tr.300-sized model (2,000,000 words + 2,000,000 buckets × 300)…"
  read -r oov word size < <($PY bench/ft_bigbin.py "$T/big.bin")
  local disk; disk=$(du -k "$T/big.bin" | cut -f1)
  awk -v s="$size" -v d="$disk" 'BEGIN { printf "big .bin: %.2f GB (%.0f MB on disk: the matrices are holes except %s rows)\n", s / 1e9, d / 1024, "the written" }'
  printf '%-46s %9s %9s %9s %9s\n' "" "time (s)" "peak MB" "anon MB" "file MB"
  local t m bt100 bm100
  for lim in 100000 1000000; do
    # the time and peak of the load alone (best of 2), then a session kept open to read how much
    # of its memory is private (RssAnon: the vectors table, the dictionary) and how much is
    # pages of the mapped file (RssFile: the rows that were read)
    local bt=999999 bm=0
    for _ in 1 2; do
      /usr/bin/time -f '%e %M' -o "$T/big.time" "$TZ" --headless --lang en -c "load $T/big.bin as big limit=$lim" > "$T/big.out" 2>&1
      read -r t m < "$T/big.time"
      if lt "$t" "$bt"; then bt=$t; bm=$m; fi
    done
    rm -f "$T/in"; mkfifo "$T/in"
    "$TZ" --headless --lang en < "$T/in" > "$T/sess.out" 2>&1 &
    local pid=$!
    exec 3> "$T/in"
    echo "load $T/big.bin as big limit=$lim" >&3
    for _ in $(seq 600); do grep -q "loaded\|error" "$T/sess.out" && break; sleep 0.1; done
    local anon file
    anon=$(awk '/^RssAnon/ { print int($2 / 1024) }' /proc/$pid/status)
    file=$(awk '/^RssFile/ { print int($2 / 1024) }' /proc/$pid/status)
    if [ "$lim" = 100000 ]; then
      echo "similar $word k=4" >&3
      echo "vector $oov" >&3
    fi
    echo "quit" >&3
    exec 3>&-
    wait $pid
    printf '%-46s %9.2f %9d %9s %9s\n' "tezgah: load big.bin limit=$lim" "$bt" $((bm / 1024)) "$anon" "$file"
    grep "loaded\|error" "$T/big.out" | sed "s|$T/||; s/^/    /"
    if [ "$lim" = 100000 ]; then cp "$T/sess.out" "$T/query.out"; bt100=$bt; bm100=$bm; fi
  done
  # fastText reads the whole file into memory: only if it fits
  local memav; memav=$(awk '/^MemAvailable/ { print $2 }' /proc/meminfo)
  if [ "$memav" -lt $((size / 1024 + 2 * 1024 * 1024)) ]; then
    echo "fasttext print-word-vectors: skipped, $((memav / 1024)) MB of memory available, it needs the file's $((size / 1048576)) MB and more"
  else
    printf '%s\n%s\n' "$oov" "$word" | /usr/bin/time -f '%e %M' -o "$T/ftbig.time" fasttext print-word-vectors "$T/big.bin" > "$T/ftbig.out" 2> /dev/null
    read -r t m < "$T/ftbig.time"
    printf '%-46s %9.2f %9d %9s %9s\n' "fasttext print-word-vectors big.bin (2 words)" "$t" $((m / 1024)) "" ""
    awk -v a="$bt100" -v b="$t" -v c="$bm100" -v d="$m" -v s="$size" 'BEGIN {
      printf "    ratio: tezgah limit=100000 %.1fx faster, %.2fx its peak memory (the file is %.0f MB)\n", b / a, c / d, s / 1048576 }'
  fi
  echo "queries after load limit=100000:"
  sed -n "/nearest to/,/^ *4 /p" "$T/query.out" | sed 's/^/  /'
  local ours theirs
  ours=$(sed -n '/dimensions, length/,$p' "$T/query.out" | tail -n +2 | tr -s ' \n' ' ' | sed 's/^ //')
  sed -n "/is not in the vocabulary/p; /dimensions, length/p" "$T/query.out" | cut -c1-110 | sed 's/^/  /'
  if [ -s "$T/ftbig.out" ]; then
    theirs=$(grep "^$oov " "$T/ftbig.out" | cut -d' ' -f2-)
    awk -v a="$ours" -v b="$theirs" 'BEGIN { n = split(a, x, " "); m = split(b, y, " "); d = 0
      for (i = 1; i <= n && i <= m; i++) { e = x[i] - y[i]; if (e < 0) e = -e; if (e > d) d = e }
      printf "  vector of the unseen word: %d dims here, %d from fasttext print-word-vectors, largest difference %.1g\n", n, m, d }'
  fi
  rm -f "$T/big.bin"
}

[ "${BIG_ONLY:-0}" = 1 ] || train_bench
[ "${BIG:-1}" = 0 ] || big_bench
