# bench/lib/torch.sh — sourced by the benchmarks that run PyTorch beside tezgah (bench/rnn.sh,
# bench/gpt.sh): PyTorch in its fastest configurations here, and the helpers to pick the best.
#
# Set before sourcing: TORCH_PY (the Python side, e.g. bench/rnn_torch.py; it takes "threads=N"
# and prints "key value" pairs, ms_median among them). Reads THREADS (default 2) and REPEAT
# (default 1). Defines:
#   PY, TH, REPEAT, OMPDIR
#   CONFIGS             the configurations tried, fastest kept per measurement:
#     omp-T  OpenBLAS's OpenMP build (libopenblas0-openmp, put first on LD_LIBRARY_PATH so that
#            torch's libblas.so.3 resolves to it instead of the reference BLAS or the pthread
#            build), which shares torch's OpenMP pool: torch.set_num_threads(T), one pool;
#     omp-1  the same with 1 thread;
#     pth-1  Debian's default OpenBLAS (the pthread build, libblas.so.3's alternative here) with
#            its own T threads under a 1-thread torch (two pools, never both busy at once).
#     (torch with T threads on the pthread OpenBLAS runs two pools of T threads at once and is far
#     slower: the naive setting the issues warn about; it is not tried.)
#   torch_run CFG ARGS… run TORCH_PY in that configuration
#   field KEY           the value after KEY in a "key value …" line on stdin
#   best_of CMD…        the output line of REPEAT runs of CMD with the smallest ms_median
#   torch_best ARGS…    every configuration in turn; prints "ms cfg all" for the fastest (all:
#                       "cfg:ms" of each, "cfg:failed" for one that printed nothing), then on a
#                       second line that run's own output line
#   torch_info          one line per configuration: which BLAS it mapped and its thread settings
./scripts/need-pkgs.sh python3-torch libopenblas0-openmp >/dev/null 2>&1 ||
  { echo "needs: python3-torch libopenblas0-openmp"; exit 0; }
PY=/usr/bin/python3
TH=${THREADS:-2}
REPEAT=${REPEAT:-1}
OMPDIR=/usr/lib/x86_64-linux-gnu/openblas-openmp
[ -e "$OMPDIR/libblas.so.3" ] || OMPDIR=$(dirname "$(dpkg -L libopenblas0-openmp 2>/dev/null | grep '/libblas.so.3$' | head -1)")

torch_run() {
  local cfg=$1; shift
  case $cfg in
    omp-1) LD_LIBRARY_PATH=$OMPDIR OMP_NUM_THREADS=1 $PY "$TORCH_PY" "$@" threads=1 ;;
    omp-*) LD_LIBRARY_PATH=$OMPDIR OMP_NUM_THREADS=$TH $PY "$TORCH_PY" "$@" threads="$TH" ;;
    pth-1) OPENBLAS_NUM_THREADS=$TH OMP_NUM_THREADS=1 $PY "$TORCH_PY" "$@" threads=1 ;;
  esac
}
CONFIGS=("omp-$TH" omp-1 pth-1)
[ "$TH" = 1 ] && CONFIGS=(omp-1 pth-1)

field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }'; }

best_of() {
  local best="" line ms
  for _ in $(seq "$REPEAT"); do
    line=$("$@")
    ms=$(field ms_median <<< "$line")
    [ -n "$ms" ] || continue
    if [ -z "$best" ] || awk -v a="$ms" -v b="$(field ms_median <<< "$best")" 'BEGIN { exit !(a < b) }'; then best=$line; fi
  done
  printf '%s\n' "$best"
}

torch_best() {
  local best="" bestcfg="" bestline="" all="" out ms cfg
  for cfg in "${CONFIGS[@]}"; do
    out=$(best_of torch_run "$cfg" "$@")
    ms=$(field ms_median <<< "$out")
    [ -n "$ms" ] || { all="$all $cfg:failed"; continue; }
    all="$all $cfg:$ms"
    if [ -z "$best" ] || awk -v a="$ms" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$ms; bestcfg=$cfg; bestline=$out
    fi
  done
  echo "${best:-0} ${bestcfg:-none}$all"
  echo "$bestline"
}

torch_info() {
  local cfg
  for cfg in "${CONFIGS[@]}"; do echo "  torch $cfg: $(torch_run "$cfg" info)"; done
}
