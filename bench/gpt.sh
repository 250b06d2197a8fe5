#!/usr/bin/env bash
# bench/gpt.sh — tezgah's GPT against PyTorch (Debian python3-torch 1.13), in one run, same shapes
# (issue 7):
#
#   training: V = 512, C = T = 128, D = 128, L = 4 blocks, H = 4 heads, batch B = 16; one step =
#     forward (embeddings, 4 pre-LN blocks, tied output layer, mean cross-entropy) → backward →
#     clip the global gradient norm to 1 → AdamW (lr 3e-4, weight decay 0.1); without dropout, and
#     again with dropout 0.1 in GPT-2's places;
#   generation at batch 1: a prompt of 16 random ids fed at once, then one token at a time with a
#     key/value cache (softmax at temperature 1 and one draw per token), for the same model and for
#     GPT-2 small's shape (V 50257, C 1024, D 768, L 12, H 12), random weights.
#
# tezgah: bench/gpt_bench.c, a driver that links only the engine: gpt_forward, gpt_backward,
# optim_clip, optim_step for training; gpt_kv_feed, gpt_kv_step, sample_dist + sample_pick for
# generation (models/gpt_gen.h). PyTorch: bench/gpt_torch.py, the same model written out with
# torch.nn (no Hugging Face; attention as matrix products and a masked softmax, torch 1.13 having
# no scaled_dot_product_attention), torch.optim.AdamW; generation a plain loop with a KV cache
# under torch.no_grad(), torch.multinomial. Training: median ms of STEPS timed steps (default
# 20) after 3 untimed ones; tokens/s = 16 × 128 / median; peak resident memory of the process
# (PyTorch's includes the interpreter and libtorch); cpu = the median CPU time of a step, every
# thread together (≈ threads × ms when nothing waits). Generation: tokens/s over the generated
# tokens (NGEN, default 100; NGEN_BIG, default 32, for GPT-2 small), after an untimed warm-up
# run; "prompt ms" is feeding the prompt and drawing the first token.
#
# Threads: THREADS (default 2) for both. PyTorch runs in each configuration of bench/lib/torch.sh
# (OpenBLAS's OpenMP build sharing torch's pool with T threads, the same with 1, the pthread build
# under a 1-thread torch) and the fastest per row is compared (all are printed). tezgah: the
# engine's one team of T threads (gpt.c splits rows, (sequence, head) pairs and gradient rows
# between them), OpenBLAS 1 thread inside it; generation runs what gpt_gen.c runs.
#
# Targets (issue 7): at least 2× PyTorch's training tokens/s and 5× its generation tokens/s.
# REPEAT=N runs every measurement N times and keeps the best (on a machine shared with other work
# the two threads of either side wait for the neighbours: see the cpu column).
#
# Usage: bench/gpt.sh     STEPS=20 THREADS=2 REPEAT=1 NGEN=100 NGEN_BIG=32 BIG=1 TRAIN=1 GPT_BENCH=build/gpt_bench
#        (make bench-gpt); BIG=0 leaves out GPT-2 small, TRAIN=0 the training rows.
set -u
cd "$(dirname "$0")/.."
TORCH_PY=bench/gpt_torch.py
. bench/lib/torch.sh
GB=${GPT_BENCH:-build/gpt_bench}
STEPS=${STEPS:-20}
NGEN=${NGEN:-100}
NGEN_BIG=${NGEN_BIG:-32}
BIG=${BIG:-1}
TRAIN=${TRAIN:-1}
[ -x "$GB" ] || make --no-print-directory "$GB" >/dev/null || { echo "cannot build $GB"; exit 0; }

echo "GPT, tezgah vs PyTorch: training V=512 C=T=128 D=128 L=4 H=4 B=16 (forward + backward + clip + AdamW),"
echo "median of $STEPS steps after 3 (best of $REPEAT); generation at batch 1 after a 16-token prompt. $TH threads."
echo "$(nproc) cores: $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); load average now $(cut -d' ' -f1-3 /proc/loadavg)"
tzblas=$(readlink -f "$(ldd "$GB" | awk '/libopenblas/ { print $3; exit }')")
echo "  tezgah: OpenBLAS $(basename "$(dirname "$tzblas")") ($tzblas), $TH threads: one team for the passes"
echo "          (OpenBLAS 1 thread inside it: one pool)"
torch_info
echo

# training rows: name, extra arguments for both sides
printf '%-22s %9s %9s %-6s %9s %9s %7s %8s  %s\n' row "tz ms" "torch ms" cfg "tz tok/s" "torch tok/s" ratio target \
  "peak MB tz/torch; cpu ms tz/torch; torch ms per config"
drops=(0 0.1)
[ "$TRAIN" = 0 ] && drops=()
for drop in "${drops[@]}"; do
  name="train"
  [ "$drop" = 0 ] || name="train, dropout $drop"
  tz=$(best_of "$GB" train steps="$STEPS" dropout="$drop" threads="$TH")
  tzms=$(field ms_median <<< "$tz"); tzmb=$(field rss_mb <<< "$tz"); tzcpu=$(field cpu_ms <<< "$tz")
  out=$(torch_best train steps="$STEPS" dropout="$drop")
  read -r best bestcfg all <<< "$(head -1 <<< "$out")"
  line=$(sed -n 2p <<< "$out"); bestmb=$(field rss_mb <<< "$line"); tcpu=$(field cpu_ms <<< "$line")
  awk -v n="$name" -v a="$tzms" -v b="$best" -v c="$bestcfg" -v tm="$tzmb" -v bm="${bestmb:-0}" -v all="$all" \
      -v tc="$tzcpu" -v bc="${tcpu:-?}" 'BEGIN {
    ta = (a > 0) ? 2048 / (a / 1000) : 0; tb = (b > 0) ? 2048 / (b / 1000) : 0; r = (tb > 0) ? ta / tb : 0
    printf "%-22s %9.1f %9.1f %-6s %9.0f %9.0f %6.2fx %8s  %.0f/%.0f; %s/%s;%s\n", n, a, b, c, ta, tb, r,
           (r >= 2 ? ">=2x ok" : "<2x NO"), tm, bm, tc, bc, all }'
done

# generation rows: name, model arguments, tokens
gen_rows=("gen, same model|V=512 C=128 D=128 L=4 H=4|$NGEN")
[ "$BIG" = 0 ] || gen_rows+=("gen, GPT-2 small shape|V=50257 C=1024 D=768 L=12 H=12|$NGEN_BIG")
echo
printf '%-22s %9s %9s %-6s %9s %9s %7s %8s  %s\n' row "tz ms/tok" "torch" cfg "tz tok/s" "torch tok/s" ratio target \
  "peak MB tz/torch; prompt ms tz/torch; torch ms/token per config"
for row in "${gen_rows[@]}"; do
  IFS='|' read -r name model n <<< "$row"
  # shellcheck disable=SC2086
  tz=$(best_of "$GB" gen $model n="$n" threads="$TH")
  tzms=$(field ms_median <<< "$tz"); tzmb=$(field rss_mb <<< "$tz"); tzp=$(field prompt_ms <<< "$tz")
  # shellcheck disable=SC2086
  out=$(torch_best gen $model n="$n")
  read -r best bestcfg all <<< "$(head -1 <<< "$out")"
  line=$(sed -n 2p <<< "$out"); bestmb=$(field rss_mb <<< "$line"); tp=$(field prompt_ms <<< "$line")
  awk -v n="$name" -v a="$tzms" -v b="$best" -v c="$bestcfg" -v tm="$tzmb" -v bm="${bestmb:-0}" -v all="$all" \
      -v tp="$tzp" -v bp="${tp:-?}" 'BEGIN {
    ta = (a > 0) ? 1000 / a : 0; tb = (b > 0) ? 1000 / b : 0; r = (tb > 0) ? ta / tb : 0
    printf "%-22s %9.3f %9.3f %-6s %9.1f %9.1f %6.2fx %8s  %.0f/%.0f; %s/%s;%s\n", n, a, b, c, ta, tb, r,
           (r >= 5 ? ">=5x ok" : "<5x NO"), tm, bm, tp, bp, all }'
done
echo "(ratio = tezgah tokens/s / torch's, torch in its fastest configuration of those tried)"
