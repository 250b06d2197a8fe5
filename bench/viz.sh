#!/usr/bin/env bash
# bench/viz.sh — what the embedding plots cost: tezgah's t-SNE and PCA beside scikit-learn's
# and numpy's (Debian python3-sklearn, python3-numpy), in one run, on the same numbers.
#
# 1. t-SNE of word vectors. Vectors: Word2Vec on the `en` corpus (dim 100, trained once with
#    our REPL and kept in datasets/cache/bench-en100.bin). For N = 2,000, 5,000 and 10,000
#    the N most frequent words' unit vectors are written to one float32 file, and both
#    programs read that file: our Barnes-Hut t-SNE (bench/tsne_bench.c → tsne_run) and
#    sklearn.manifold.TSNE(method="barnes_hut"), both with perplexity 30, 1,000 iterations,
#    PCA initialisation, learning rate "auto", θ (sklearn: angle) 0.5, early exaggeration 12,
#    all cores (sklearn's gradient uses OpenMP on all cores; its neighbour search is the
#    default NearestNeighbors). Time: the t-SNE call alone (neighbours, affinities, init and
#    the iterations), in the process, best of REPEAT runs (default 1). Memory: peak resident
#    set of the process (/usr/bin/time), the Python interpreter and its imports included.
#    KL: what each program reports for its own final map — ours with the quad-tree's Z,
#    sklearn's with its own — and, as one yardstick for both, the KL of both maps for our
#    sparse P with the exact Z ("KL same P").
# 2. PCA (2 components) of a 50,000 × 300 random matrix: our pca_fit (mean, covariance with
#    one ssyrk, LAPACK ssyevr) beside numpy's mean + Xcᵀ Xc + np.linalg.eigh, and
#    sklearn.decomposition.PCA(2), on the same matrix; best of 3.
# 3. Frame time of the window's views (20,000 labelled points; bench/render_bench.c).
#
# Usage: bench/viz.sh [N ...]   (default: 2000 5000 10000).  TSNE_BENCH=path of the driver
# (make bench-viz builds build/tsne_bench and passes it).
set -u
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
TSNE_BENCH=${TSNE_BENCH:-build/tsne_bench}
REPEAT=${REPEAT:-1}
sizes=("$@"); [ ${#sizes[@]} -eq 0 ] && sizes=(2000 5000 10000)
./scripts/need-pkgs.sh time python3-sklearn >/dev/null 2>&1 || { echo "needs: time python3-sklearn"; exit 0; }
[ -x "$TSNE_BENCH" ] || make --no-print-directory "$TSNE_BENCH" >/dev/null || { echo "cannot build $TSNE_BENCH"; exit 0; }
T=$(mktemp -d /tmp/tezgah-bench-viz.XXXXXX)
trap 'rm -rf "$T"' EXIT

# best (smallest) of a list of numbers
best() { tr ' ' '\n' | awk 'NF { if (b == "" || $1 < b) b = $1 } END { print b }'; }

cat > "$T/vectors.py" <<'PY'
# the first N rows of a word2vec binary file (most frequent words first), as unit vectors
import sys, numpy as np
path, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "rb") as f:
    rows, dim = map(int, f.readline().split())
    if rows < n:
        sys.exit("only %d words in %s" % (rows, path))
    X = np.empty((n, dim), dtype=np.float32)
    for i in range(n):
        while f.read(1) not in (b" ", b""):   # the word, up to its space
            pass
        X[i] = np.frombuffer(f.read(4 * dim), dtype=np.float32)
X /= np.linalg.norm(X, axis=1, keepdims=True)
X.tofile(out)
print(dim)
PY

cat > "$T/sk_tsne.py" <<'PY'
import sys, time, numpy as np
from sklearn.manifold import TSNE
path, n, d, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
X = np.fromfile(path, dtype=np.float32).reshape(n, d)
kw = dict(n_components=2, perplexity=30.0, early_exaggeration=12.0, learning_rate="auto", init="pca",
          method="barnes_hut", angle=0.5, random_state=0)
try:
    ts = TSNE(max_iter=1000, **kw)      # scikit-learn >= 1.5
except TypeError:
    ts = TSNE(n_iter=1000, **kw)
t0 = time.time()
Y = ts.fit_transform(X)
t = time.time() - t0
Y.astype(np.float32).tofile(out)
print("time %.3f kl %.6f iters %d" % (t, ts.kl_divergence_, ts.n_iter_ + 1))
PY

cat > "$T/np_pca.py" <<'PY'
import sys, time, numpy as np
from sklearn.decomposition import PCA
path, n, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
X = np.fromfile(path, dtype=np.float32).reshape(n, d)
te, ts = [], []
for _ in range(3):
    t0 = time.time()
    Xc = X - X.mean(axis=0)
    w, V = np.linalg.eigh(Xc.T @ Xc / (n - 1))
    te.append(time.time() - t0)
    t0 = time.time()
    p = PCA(n_components=2, random_state=0).fit(X)
    ts.append(time.time() - t0)
print("eigh %.3f sklearn %.3f var1 %.6f var2 %.6f" % (min(te), min(ts), w[-1], w[-2]))
PY

# --- 1. t-SNE -------------------------------------------------------------------------------
vec=datasets/cache/bench-en100.bin
if [ ! -s "$vec" ]; then
  if [ -s datasets/cache/en.txt ] && [ -x ./tezgah ]; then
    echo "training the benchmark's word vectors once: word2vec on en, dim 100 → $vec"
    ./tezgah --headless -c "train word2vec corpus=en dim=100 threads=2 seed=1 name=benchen; save benchen $vec" \
      > "$T/train.out" 2>&1 || { cat "$T/train.out"; }
  fi
fi
if [ ! -s "$vec" ]; then
  echo "t-SNE: no word vectors (the en corpus is not prepared: run 'make datasets'); skipped"
else
  echo "t-SNE, Barnes-Hut, perplexity 30, 1000 iterations, PCA init, unit word vectors (en, dim 100)"
  printf '%6s %9s %9s %7s %9s %9s %8s %8s %8s %11s %11s\n' N "ours s" "sklearn s" speed "ours KL" "skl KL" "KL ratio" \
    "ours MB" "skl MB" "same-P ours" "same-P skl"
  for n in "${sizes[@]}"; do
    d=$($PY "$T/vectors.py" "$vec" "$n" "$T/x.f32") || { echo "$n: cannot extract vectors"; continue; }
    tz_ts=""; sk_ts=""
    for run in $(seq "$REPEAT"); do
      /usr/bin/time -f '%M' -o "$T/tz.mem" "$TSNE_BENCH" tsne "$T/x.f32" "$n" "$d" iterations=1000 perplexity=30 \
        method=bh out="$T/tz.map" > "$T/tz.out" || { echo "$n: our t-SNE failed"; continue 2; }
      read -r _ t _ tz_kl _ < "$T/tz.out"
      tz_ts="$tz_ts $t"; tz_mb=$(( $(cat "$T/tz.mem") / 1024 ))
      /usr/bin/time -f '%M' -o "$T/sk.mem" $PY "$T/sk_tsne.py" "$T/x.f32" "$n" "$d" "$T/sk.map" > "$T/sk.out" 2> "$T/sk.err" \
        || { echo "$n: sklearn failed:"; tail -3 "$T/sk.err"; continue 2; }
      read -r _ t _ sk_kl _ sk_it < "$T/sk.out"
      sk_ts="$sk_ts $t"; sk_mb=$(( $(cat "$T/sk.mem") / 1024 ))
    done
    tz_t=$(echo "$tz_ts" | best); sk_t=$(echo "$sk_ts" | best)
    tz_same=$("$TSNE_BENCH" kl "$T/x.f32" "$n" "$d" "$T/tz.map" | awk '{ print $2 }')
    sk_same=$("$TSNE_BENCH" kl "$T/x.f32" "$n" "$d" "$T/sk.map" | awk '{ print $2 }')
    awk -v n="$n" -v a="$tz_t" -v b="$sk_t" -v ka="$tz_kl" -v kb="$sk_kl" -v ma="$tz_mb" -v mb="$sk_mb" \
        -v sa="$tz_same" -v sb="$sk_same" -v it="$sk_it" 'BEGIN {
      printf "%6d %9.2f %9.2f %6.1fx %9.4f %9.4f %8.3f %8d %8d %11.4f %11.4f%s\n", n, a, b, b / a, ka, kb, ka / kb, ma, mb,
        sa, sb, it < 1000 ? sprintf("   (sklearn stopped after %d iterations)", it) : "" }'
  done
  echo "speed = sklearn time / ours; KL ratio = ours / sklearn (each as its program reports it);"
  echo "same-P = both final maps scored by one yardstick: our sparse P (k = 90 neighbours), exact Z."
fi

# --- 2. PCA -----------------------------------------------------------------------------------
echo
echo "PCA, 2 components of a 50,000 × 300 random matrix (uniform in [-1, 1)), best of 3"
pca_ts=""
for run in 1 2 3; do
  save=""; [ "$run" = 1 ] && save="save=$T/pca.f32"
  "$TSNE_BENCH" pca 50000 300 seed=1 $save > "$T/pca.out" || { echo "our PCA failed"; break; }
  read -r _ t _ v1 _ v2 < "$T/pca.out"
  pca_ts="$pca_ts $t"
done
if [ -s "$T/pca.f32" ]; then
  $PY "$T/np_pca.py" "$T/pca.f32" 50000 300 > "$T/np.out" || echo "numpy PCA failed"
  read -r _ te _ tsk _ nv1 _ nv2 < "$T/np.out"
  tp=$(echo "$pca_ts" | best)
  printf '%-34s %8s %12s %12s\n' "" "time s" "variance 1" "variance 2"
  printf '%-34s %8.3f %12.6f %12.6f\n' "ours (pca_fit)" "$tp" "$v1" "$v2"
  printf '%-34s %8.3f %12.6f %12.6f\n' "numpy (mean, Xc'Xc, eigh)" "$te" "$nv1" "$nv2"
  printf '%-34s %8.3f\n' "sklearn PCA(2) (randomized SVD)" "$tsk"
  awk -v a="$tp" -v b="$te" 'BEGIN { printf "ours: %.2f s (target: under 1 s), %.1fx numpy eigh speed\n", a, b / a }'
fi

# --- 3. frame time -----------------------------------------------------------------------
# One frame of the window's views drawn on the software canvas, one core: the embedding
# scatter with 20,000 labelled points at 1280×800 (target: under 16 ms, 60 frames a second),
# the same zoomed in 4× with a hovered word, a 50×50 labelled heatmap, a 100,000-point loss
# curve. bench/render_bench.c, median and worst of 40 frames. No peer: the anchor is the
# 16 ms frame budget.
echo
echo "== frame time (one core, 1280x800) =="
RENDER_BENCH=${RENDER_BENCH:-build/render_bench}
if [ -x "$RENDER_BENCH" ]; then
  "$RENDER_BENCH" 20000
else
  echo "$RENDER_BENCH is missing: make bench-viz builds it"
fi
