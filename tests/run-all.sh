#!/usr/bin/env bash
# run-all.sh — every test: the C unit tests (Criterion), the i18n check, then the
# end-to-end tests (pipe, script, tmux, lessons, datasets, window). The last line is the
# sum: "N passed, M failed".
set -u
cd "$(dirname "$0")/.."
export TEZGAH=${TEZGAH:-./tezgah}
UNIT=${UNIT:-build/unit_tests}
export TZ_RESULTS=$(mktemp /tmp/tezgah-results.XXXXXX)
rc=0

echo "== unit tests (Criterion)"
"$UNIT" --jobs 2 2>&1 | tee /tmp/tezgah-unit.log | grep -vE '^\[----\]|^\[RUN |^\[PASS\]' | tail -n 40
[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
syn=$(grep -a 'Synthesis:' /tmp/tezgah-unit.log | tail -n 1)
tested=$(printf '%s' "$syn" | sed -n 's/.*Tested: \([0-9]*\).*/\1/p')
passing=$(printf '%s' "$syn" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
if [ -z "$tested" ]; then echo "unit tests did not report a synthesis"; echo "0 1" >> "$TZ_RESULTS"; rc=1
else echo "$passing $((tested - passing))" >> "$TZ_RESULTS"; fi

echo "== i18n: every message pair takes the same arguments"
if bash tests/i18n-check.sh; then echo "1 0" >> "$TZ_RESULTS"; else echo "0 1" >> "$TZ_RESULTS"; rc=1; fi

bash tests/run-e2e.sh || rc=1

read -r p f < <(awk '{p += $1; f += $2} END {print p + 0, f + 0}' "$TZ_RESULTS")
rm -f "$TZ_RESULTS"
echo
echo "$p passed, $f failed"
[ "$f" -eq 0 ] || rc=1
exit $rc
