#!/usr/bin/env bash
# Corpus loading: tezgah's `corpus NAME` against a Python Counter doing the same work
# (split on spaces, count, assign ids, keep the id stream), on the same prepared file.
set -u
cd "$(dirname "$0")/.."
NAME=${1:-en}
F=datasets/cache/$NAME.txt
[ -s "$F" ] || { echo "corpus $NAME is not prepared: run 'make datasets' first"; exit 0; }
./scripts/need-pkgs.sh time >/dev/null 2>&1
command -v python3 >/dev/null || { echo "python3 is missing: no anchor"; exit 0; }

best() {  # best() CMD...: best wall time of 3 runs (s) and the peak RSS (MB) of the last
  local t best_t=999999 rss=0
  for _ in 1 2 3; do
    /usr/bin/time -f '%e %M' -o /tmp/tezgah-bench.time "$@" > /dev/null 2>&1
    read -r t rss < /tmp/tezgah-bench.time
    best_t=$(awk -v a="$t" -v b="$best_t" 'BEGIN { print (a < b) ? a : b }')
  done
  echo "$best_t $((rss / 1024))"
}

read -r tz_t tz_m < <(best ./tezgah --headless -c "corpus $NAME")
read -r py_t py_m < <(best python3 -c '
import sys, collections
ids, vocab, counts = [], {}, collections.Counter()
for line in open(sys.argv[1], encoding="utf-8"):
    for w in line.split():
        i = vocab.setdefault(w, len(vocab)); ids.append(i); counts[w] += 1
' "$F")
tokens=$(wc -w < "$F")
printf '%-28s %10s %12s %10s\n' "corpus $NAME ($tokens tokens)" "time (s)" "Mtokens/s" "peak MB"
printf '%-28s %10s %12.2f %10s\n' "tezgah" "$tz_t" "$(awk -v n="$tokens" -v t="$tz_t" 'BEGIN{print n/t/1e6}')" "$tz_m"
printf '%-28s %10s %12.2f %10s\n' "python3 Counter (anchor)" "$py_t" "$(awk -v n="$tokens" -v t="$py_t" 'BEGIN{print n/t/1e6}')" "$py_m"
awk -v a="$tz_t" -v b="$py_t" -v c="$tz_m" -v d="$py_m" 'BEGIN { printf "ratio: tezgah is %.1fx faster, uses %.2fx the memory\n", b/a, c/d }'
