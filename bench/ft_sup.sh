#!/usr/bin/env bash
# bench/ft_sup.sh — tezgah's fastText classifier against Debian's `fasttext supervised`, in one
# run, on the same files with the same settings, threads as given (default 2):
#   1. language identification, Turkish against English: every sentence of the prepared `tr`
#      corpus (~50 k) and the first 50 k of `en`, labelled __label__tr / __label__en, shuffled
#      with a fixed seed, 90 % to train and 10 % to test (made here, in a temporary folder);
#      dim 100, 5 epochs, lr 0.1, wordNgrams 2, bucket 2 000 000 — big enough to time;
#   2. our sentiment sets (datasets/sentiment, EN and TR), epoch 25, wordNgrams 2 — small, so
#      this row is about accuracy, not speed.
# Prints wall time of the whole command (reading, training, nothing saved by tezgah; fastText
# also writes its model, so its training time is also given from its own progress rate),
# tokens/s of training, peak memory and P@1 on the held-out part, with ratios.
# Each side runs REPEAT times (default 3); the best time is kept, P@1 is the mean.
set -u
cd "$(dirname "$0")/.."
./scripts/need-pkgs.sh time fasttext >/dev/null 2>&1 || { echo "needs: time fasttext"; exit 0; }
REPEAT=${REPEAT:-3}
THREADS=${THREADS:-2}
T=$(mktemp -d /tmp/tezgah-bench-sup.XXXXXX)
trap 'rm -rf "$T"' EXIT

for c in tr en; do
  [ -s "datasets/cache/$c.txt" ] || { echo "corpus $c not prepared: run 'make datasets'"; exit 0; }
done
# the language-ID set: deterministic shuffle (sort by a hash of the line number)
{ sed 's/^/__label__tr /' datasets/cache/tr.txt; head -n 50000 datasets/cache/en.txt | sed 's/^/__label__en /'; } |
  awk 'BEGIN { srand(7) } { printf "%.8f\t%s\n", rand(), $0 }' | sort -k1,1 | cut -f2- > "$T/lid.all"
n=$(wc -l < "$T/lid.all")
head -n $((n * 9 / 10)) "$T/lid.all" > "$T/lid.train"
tail -n +$((n * 9 / 10 + 1)) "$T/lid.all" > "$T/lid.test"
tokens=$(awk '{ t += NF + 1 } END { print t }' "$T/lid.train")   # + "</s>" per line, as both count

best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b ? a : b) }'; }
mean() { echo "$@" | awk '{ for (i = 1; i <= NF; i++) s += $i; printf "%.3f", s / NF }'; }

run_case() {   # name train test epochs extra-tezgah extra-fasttext
  local name=$1 train=$2 test=$3 ep=$4
  local tz_t=999999 ft_t=999999 tz_p="" ft_p="" tz_m=0 ft_m=0 tz_train=999999 ft_train=999999
  for run in $(seq "$REPEAT"); do
    /usr/bin/time -f '%e %M' -o "$T/tz.tm" ./tezgah --headless --lang en -c \
      "train fasttext-sup file=$train epoch=$ep wordNgrams=2 bucket=2000000 dim=100 lr=0.1 threads=$THREADS seed=$run name=b; test $test" \
      > "$T/tz.out" 2>&1
    read -r w m < "$T/tz.tm"
    if awk -v a="$w" -v b="$tz_t" 'BEGIN { exit !(a < b) }'; then tz_t=$w; tz_m=$((m / 1024)); fi
    tr_s=$(sed -n 's/.*final loss [0-9.]* (\([0-9.]*\) s).*/\1/p' "$T/tz.out")
    [ -n "$tr_s" ] && tz_train=$(best "$tr_s" "$tz_train")
    tz_p="$tz_p $(sed -n 's/^  P@1	//p' "$T/tz.out")"
    /usr/bin/time -f '%e %M' -o "$T/ft.tm" fasttext supervised -input "$train" -output "$T/ft" -epoch "$ep" \
      -wordNgrams 2 -bucket 2000000 -dim 100 -lr 0.1 -thread "$THREADS" -seed "$run" -verbose 2 > "$T/ft.log" 2>&1
    read -r w m < "$T/ft.tm"
    if awk -v a="$w" -v b="$ft_t" 'BEGIN { exit !(a < b) }'; then ft_t=$w; ft_m=$((m / 1024)); fi
    # fastText's training time from its own rate: words/sec/thread × threads
    rate=$(tr '\r' '\n' < "$T/ft.log" | sed -n 's/.*words\/sec\/thread: *\([0-9]*\).*/\1/p' | tail -n 1)
    [ -n "$rate" ] && ft_train=$(best "$(awk -v t="$tokens_case" -v r="$rate" -v n="$THREADS" 'BEGIN { printf "%.2f", t / (r * n) }')" "$ft_train")
    ft_p="$ft_p $(fasttext test "$T/ft.bin" "$test" 1 | sed -n 's/^P@1	//p')"
  done
  printf '%-14s %-8s %9.2f %11.2f %12s %9s %7s   (runs:%s)\n' "$name" tezgah "$tz_t" "$tz_train" \
    "$(awk -v t="$tokens_case" -v s="$tz_train" 'BEGIN { printf "%.0f", t / s }')" "$tz_m" "$(mean $tz_p)" "$tz_p"
  printf '%-14s %-8s %9.2f %11.2f %12s %9s %7s   (runs:%s)\n' "$name" fasttext "$ft_t" "$ft_train" \
    "$(awk -v t="$tokens_case" -v s="$ft_train" 'BEGIN { printf "%.0f", t / s }')" "$ft_m" "$(mean $ft_p)" "$ft_p"
  awk -v a="$tz_t" -v b="$ft_t" -v c="$tz_train" -v d="$ft_train" -v e="$tz_m" -v f="$ft_m" -v g="$(mean $tz_p)" -v h="$(mean $ft_p)" \
    'BEGIN { printf "               ratio: tezgah %.2fx fastText wall time, %.2fx its training speed, %.2fx its memory, P@1 %+.3f\n", b / a, d / c, e / f, g - h }'
}

echo "fastText's classifier: tezgah vs Debian fasttext supervised, $THREADS threads, best of $REPEAT"
printf '%-14s %-8s %9s %11s %12s %9s %7s\n' set system "wall (s)" "train (s)" "tokens/s" "peak MB" "P@1"
tokens_case=$((tokens * 5))
run_case "lang-id tr/en" "$T/lid.train" "$T/lid.test" 5
for l in en tr; do
  f=datasets/sentiment/$l.txt
  tokens_case=$(( $(awk '{ t += NF + 1 } END { print t }' "$f") * 25 ))
  run_case "sentiment-$l" "$f" "datasets/sentiment/$l.test.txt" 25
done
echo "(lang-id: $(wc -l < "$T/lid.train") training lines, $tokens tokens; tokens/s = epochs × tokens / training time)"
