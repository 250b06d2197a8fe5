#!/usr/bin/env bash
# bench/w2v_load.sh [WORDS] [DIM] — loading a large word2vec binary file, the size of the
# GoogleNews vectors by default (3,000,000 words × 300 floats, 3.6 GB), written here with
# synthetic words and random values. tezgah's `load` + one `analogy` against gensim's
# KeyedVectors.load_word2vec_format + most_similar (Debian python3-gensim) on the same file.
# Needs about 2 × the file size of free disk in /tmp and as much free memory.
set -u
cd "$(dirname "$0")/.."
V=${1:-3000000}
D=${2:-300}
./scripts/need-pkgs.sh time python3-gensim >/dev/null 2>&1 || { echo "needs: time python3-gensim"; exit 0; }
T=$(mktemp -d /tmp/tezgah-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT
echo "writing a synthetic $V × $D binary file…"
/usr/bin/python3 - "$T/big.bin" "$V" "$D" <<'PY'
import sys, numpy as np
path, V, D = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(1)
with open(path, "wb") as f:
    f.write(b"%d %d\n" % (V, D))
    step = 100000
    for s in range(0, V, step):
        n = min(step, V - s)
        rows = rng.standard_normal((n, D), dtype=np.float32)
        f.write(b"".join(b"w%d " % (s + i) + rows[i].tobytes() + b"\n" for i in range(n)))
PY
ls -la "$T/big.bin" | awk '{printf "file: %.2f GB\n", $5 / 1e9}'
sync; cat "$T/big.bin" > /dev/null     # both sides read a warm page cache
./tezgah --headless -c "load $T/big.bin as big" > /dev/null 2>&1     # and a warmed-up allocator
/usr/bin/time -f '%e %M' -o "$T/tz0.time" ./tezgah --headless -c "load $T/big.bin as big" > /dev/null 2>&1
/usr/bin/time -f '%e %M' -o "$T/tz.time" ./tezgah --headless -c "load $T/big.bin as big; analogy w1 w2 w3 k=3; analogy w4 w5 w6 k=3; analogy w7 w8 w9 k=3" > "$T/tz.out" 2>&1
/usr/bin/time -f '%e %M' -o "$T/gs.time" /usr/bin/python3 -c '
import sys, time
from gensim.models import KeyedVectors
t0 = time.time(); kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True); t1 = time.time()
kv.most_similar(positive=["w1", "w3"], negative=["w2"], topn=3); t2 = time.time()
print("gensim: load %.2f s, analogy %.2f s (the first computes the norms)" % (t1 - t0, t2 - t1))' "$T/big.bin" > "$T/gs.out" 2>&1
read -r tz_t tz_m < "$T/tz.time"; read -r gs_t gs_m < "$T/gs.time"; read -r tz0_t _ < "$T/tz0.time"
awk -v a="$tz0_t" -v b="$tz_t" 'BEGIN { printf "tezgah: load %.2f s, one analogy %.2f s (three analogies after the load, averaged)\n", a, (b - a) / 3 }'
grep -E "loaded|≈|^ +1 " "$T/tz.out" | head -n 3
cat "$T/gs.out"
printf '%-22s %12s %10s\n' "" "total (s)" "peak MB"
printf '%-22s %12s %10s\n' "tezgah load+3 analogies" "$tz_t" "$((tz_m / 1024))"
printf '%-22s %12s %10s\n' "gensim load+analogy" "$gs_t" "$((gs_m / 1024))"
awk -v a="$tz_t" -v b="$gs_t" 'BEGIN { printf "ratio: tezgah %.1fx faster\n", b / a }'
