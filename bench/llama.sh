#!/usr/bin/env bash
# bench/llama.sh — tezgah's LLaMA against PyTorch (Debian python3-torch 1.13), in one run, at
# llama2.c's stories15M shape (V 32000, C 256, D 288, L 6, H 6, Hkv 6, F 768, output tied to the
# embeddings; random weights: speed does not depend on what they say) (issue 8):
#
#   generation at batch 1: a prompt of 16 random ids fed at once, then NGEN tokens (default 200)
#     one at a time with the key/value cache, softmax at temperature 1 and one draw per token —
#     tezgah's with float32 weights and with Q8_0 weights (llama_quantize: every matrix in 8 bits,
#     int8 products; the ratio to our own float32 is printed), PyTorch's float32;
#   training: one step over B 8 × T 256 random tokens = forward (mean cross-entropy over the
#     32000-token vocabulary) → backward → clip the global gradient norm to 1 → AdamW (lr 3e-4,
#     weight decay 0.1); median of STEPS steps (default 5) after 1.
#
# tezgah: bench/llama_bench.c, a driver that links only the engine (llama_kv_feed, llama_kv_step,
# sample_dist + sample_pick — what `generate` runs; llama_forward, llama_backward, optim_clip,
# optim_step). PyTorch: bench/llama_torch.py, the same model written with torch.nn (RMSNorm and
# rotary embeddings written out: torch 1.13 has neither nn.RMSNorm nor a fused attention), a plain
# generation loop with a KV cache under torch.no_grad(), torch.multinomial; torch.optim.AdamW.
#
# Threads: THREADS (default 2) for both. PyTorch runs in each configuration of bench/lib/torch.sh
# (OpenBLAS's OpenMP build sharing torch's pool with T threads, the same with 1 thread, the
# pthread build under a 1-thread torch); every configuration is printed and the fastest compared.
# tezgah: the engine's one team of T threads (a token's products split by output rows; training
# split by rows, (sequence, head) pairs and gradient rows), OpenBLAS 1 thread inside it.
#
# Targets (issue 8): generation ≥ 6× PyTorch's tokens/s; Q8_0 ≥ 1.5× our float32.
# REPEAT=N runs every measurement N times and keeps the best (a machine shared with other work
# makes single runs noisy).
#
# Usage: bench/llama.sh     NGEN=200 STEPS=5 B=8 T=256 THREADS=2 REPEAT=1 TRAIN=1 LLAMA_BENCH=build/llama_bench
#        (make bench-llama); TRAIN=0 leaves out the training row.
set -u
cd "$(dirname "$0")/.."
TORCH_PY=bench/llama_torch.py
. bench/lib/torch.sh
LB=${LLAMA_BENCH:-build/llama_bench}
NGEN=${NGEN:-200}
STEPS=${STEPS:-5}
BATCH=${B:-8}
SEQ=${T:-256}
TRAIN=${TRAIN:-1}
[ -x "$LB" ] || make --no-print-directory "$LB" >/dev/null || { echo "cannot build $LB"; exit 0; }

echo "LLaMA, tezgah vs PyTorch at stories15M's shape (V 32000, C 256, D 288, L 6, H 6, F 768, tied): generation at"
echo "batch 1 after a 16-token prompt ($NGEN tokens, best of $REPEAT); training B=$BATCH × T=$SEQ (forward + backward +"
echo "clip + AdamW), median of $STEPS steps after 1. $TH threads."
echo "$(nproc) cores: $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); load average now $(cut -d' ' -f1-3 /proc/loadavg)"
tzblas=$(readlink -f "$(ldd "$LB" | awk '/libopenblas/ { print $3; exit }')")
echo "  tezgah: OpenBLAS $(basename "$(dirname "$tzblas")") ($tzblas), $TH threads: one team for the passes"
echo "          (OpenBLAS 1 thread inside it: one pool)"
torch_info
echo

printf '%-20s %9s %9s %-6s %9s %9s %7s %10s  %s\n' row "tz ms/tok" "torch" cfg "tz tok/s" "torch tok/s" ratio target \
  "weights MB; peak MB tz/torch; prompt ms tz/torch; torch ms/token per config"
out=$(torch_best gen n="$NGEN")
read -r tbest tcfg tall <<< "$(head -1 <<< "$out")"
tline=$(sed -n 2p <<< "$out"); tmb=$(field rss_mb <<< "$tline"); tp=$(field prompt_ms <<< "$tline")
f32ms=0
for q in 0 1; do
  tz=$(best_of "$LB" gen n="$NGEN" q8="$q" threads="$TH")
  ms=$(field ms_median <<< "$tz"); mb=$(field rss_mb <<< "$tz"); wmb=$(field weights_mb <<< "$tz")
  pr=$(field prompt_ms <<< "$tz")
  [ "$q" = 0 ] && f32ms=$ms
  name="gen, float32"
  [ "$q" = 1 ] && name="gen, Q8_0"
  awk -v n="$name" -v a="${ms:-0}" -v b="$tbest" -v c="$tcfg" -v tm="${mb:-0}" -v bm="${tmb:-0}" -v all="$tall" \
      -v w="${wmb:-0}" -v tp="${pr:-?}" -v bp="${tp:-?}" -v q="$q" -v f="$f32ms" 'BEGIN {
    ta = (a > 0) ? 1000 / a : 0; tb = (b > 0) ? 1000 / b : 0; r = (tb > 0) ? ta / tb : 0
    tgt = (r >= 6 ? ">=6x ok" : "<6x NO")
    if (q == 1) { rf = (a > 0) ? f / a : 0; tgt = sprintf("%.2fx f32 %s", rf, rf >= 1.5 ? "ok" : "NO") }
    printf "%-20s %9.3f %9.3f %-6s %9.1f %9.1f %6.2fx %10s  %.1f; %.0f/%.0f; %s/%s;%s\n", n, a, b, c, ta, tb, r, tgt,
           w, tm, bm, tp, bp, all }'
done

if [ "$TRAIN" != 0 ]; then
  echo
  printf '%-20s %9s %9s %-6s %9s %9s %7s %10s  %s\n' row "tz ms" "torch ms" cfg "tz tok/s" "torch tok/s" ratio "" \
    "peak MB tz/torch; cpu ms tz/torch; torch ms per config"
  tz=$(best_of "$LB" train steps="$STEPS" B="$BATCH" T="$SEQ" threads="$TH")
  tzms=$(field ms_median <<< "$tz"); tzmb=$(field rss_mb <<< "$tz"); tzcpu=$(field cpu_ms <<< "$tz")
  out=$(torch_best train steps="$STEPS" B="$BATCH" T="$SEQ")
  read -r best bestcfg all <<< "$(head -1 <<< "$out")"
  line=$(sed -n 2p <<< "$out"); bestmb=$(field rss_mb <<< "$line"); tcpu=$(field cpu_ms <<< "$line")
  awk -v n="train step" -v a="${tzms:-0}" -v b="$best" -v c="$bestcfg" -v tm="${tzmb:-0}" -v bm="${bestmb:-0}" \
      -v all="$all" -v tc="${tzcpu:-?}" -v bc="${tcpu:-?}" -v N="$((BATCH * SEQ))" 'BEGIN {
    ta = (a > 0) ? N / (a / 1000) : 0; tb = (b > 0) ? N / (b / 1000) : 0; r = (tb > 0) ? ta / tb : 0
    printf "%-20s %9.1f %9.1f %-6s %9.0f %9.0f %6.2fx %10s  %.0f/%.0f; %s/%s;%s\n", n, a, b, c, ta, tb, r, "",
           tm, bm, tc, bc, all }'
fi
echo "(ratio = tezgah tokens/s / torch's, torch in its fastest configuration of those tried)"
