#!/usr/bin/env bash
# Runs every benchmark in bench/.
set -u
cd "$(dirname "$0")/.."
for b in bench/*.sh; do
  [ "$b" = bench/run.sh ] && continue
  echo "== $b"
  case $b in
    bench/viz.sh) make --no-print-directory bench-viz ;;   # builds its C driver first
    bench/rnn.sh) make --no-print-directory bench-rnn ;;   # the same
    bench/gpt.sh) make --no-print-directory bench-gpt ;;   # the same
    bench/transformers.sh) make --no-print-directory bench-transformers ;;   # BERT, then llama.sh's rows
    bench/llama.sh) ;;                                      # run inside transformers.sh
    *) bash "$b" ;;
  esac
done
