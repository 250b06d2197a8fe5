#!/usr/bin/env bash
# run.sh — build every libFuzzer harness tests/fuzz/fuzz_NAME.c with clang, AddressSanitizer
# and UndefinedBehaviorSanitizer against the engine sources, and run each for FUZZ_SECONDS.
#
#   bash tests/fuzz/run.sh              all harnesses, 60 s each
#   FUZZ_SECONDS=600 bash tests/fuzz/run.sh w2v      one harness, ten minutes
#
# Seeds: tests/fuzz/seeds/NAME/ and the fixtures in tests/ref/NAME/ (if any), copied into a
# working corpus build/fuzz/corpus/NAME that grows across runs (git-ignored, under build/).
# A dictionary tests/fuzz/NAME.dict is used if present. On a crash libFuzzer writes the input
# to build/fuzz/artifacts/NAME-crash-…; this script then prints how to replay it and exits 1.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
OUT=${FUZZ_OUT:-$ROOT/build/fuzz}
CC=${FUZZ_CC:-clang}

if ! command -v "$CC" >/dev/null 2>&1 || \
   ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  ./scripts/need-pkgs.sh clang libclang-rt-14-dev || exit 1
fi

BLAS_CFLAGS=$(pkg-config --cflags openblas 2>/dev/null)
BLAS_LIBS=$(pkg-config --libs openblas 2>/dev/null || echo -lopenblas)
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-std=c11 -D_GNU_SOURCE -fopenmp-simd -Wno-pass-failed -g -O1 $SAN $BLAS_CFLAGS -Isrc/engine"

# The engine, once, instrumented for coverage (fuzzer-no-link) and the sanitizers.
mkdir -p "$OUT/obj" "$OUT/artifacts"
objs=()
for src in $(find src/engine -name '*.c' | sort); do
  obj="$OUT/obj/$(echo "${src#src/engine/}" | tr / _).o"
  if [ ! -e "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find src/engine -name '*.h' -newer "$obj" | head -n 1)" ]; then
    "$CC" $CFLAGS -fsanitize=fuzzer-no-link -c "$src" -o "$obj" || { echo "fuzz: cannot compile $src"; exit 1; }
  fi
  objs+=("$obj")
done

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for h in tests/fuzz/fuzz_*.c; do n=${h#tests/fuzz/fuzz_}; names+=("${n%.c}"); done
fi

rc=0
for name in "${names[@]}"; do
  harness=tests/fuzz/fuzz_$name.c
  [ -f "$harness" ] || { echo "fuzz: no harness $harness"; rc=1; continue; }
  bin=$OUT/fuzz_$name
  "$CC" $CFLAGS -fsanitize=fuzzer "$harness" "${objs[@]}" $BLAS_LIBS -lpthread -lm -o "$bin" \
    || { echo "fuzz: cannot build $harness"; rc=1; continue; }
  corpus=$OUT/corpus/$name
  mkdir -p "$corpus"
  for d in tests/fuzz/seeds/$name tests/ref/$name; do
    [ -d "$d" ] && find "$d" -maxdepth 1 -type f ! -name '*.py' -exec cp -n {} "$corpus/" \;
  done
  dict=()
  [ -f tests/fuzz/$name.dict ] && dict=(-dict=tests/fuzz/$name.dict)
  echo "== fuzz $name: ${FUZZ_SECONDS}s, corpus $corpus ($(ls "$corpus" | wc -l) inputs)"
  # One thread for OpenBLAS: the harness is single-threaded and leak checks want no pool.
  OPENBLAS_NUM_THREADS=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$bin" "$corpus" "${dict[@]}" -max_total_time="$FUZZ_SECONDS" -max_len=16384 -timeout=20 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$OUT/artifacts/$name-" \
      > "$OUT/$name.log" 2>&1
  st=$?
  grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$OUT/$name.log" | sed 's/^/   /'
  if [ $st -ne 0 ]; then
    rc=1
    echo "fuzz $name: FAILED (exit $st); the end of $OUT/$name.log:"
    tail -n 40 "$OUT/$name.log" | sed 's/^/   | /'
    for a in "$OUT/artifacts/$name-"*; do
      [ -e "$a" ] && echo "   replay: $bin $a"
    done
  else
    echo "fuzz $name: ok, $(ls "$corpus" | wc -l) inputs in the corpus"
  fi
done
exit $rc
