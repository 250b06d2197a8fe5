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
    *) bash "$b" ;;
  esac
done
