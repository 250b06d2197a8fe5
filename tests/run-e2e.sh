#!/usr/bin/env bash
# Runs every end-to-end test script in tests/e2e (or the ones named), summing their counts.
set -u
cd "$(dirname "$0")/.."
export TZ_RESULTS=${TZ_RESULTS:-$(mktemp /tmp/tezgah-results.XXXXXX)}
scripts=("$@")
[ ${#scripts[@]} -eq 0 ] && scripts=(tests/e2e/test_*.sh)
rc=0
for s in "${scripts[@]}"; do
  echo "== $s"
  bash "$s" || rc=1
done
exit $rc
