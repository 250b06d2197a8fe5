# lib.sh — a few helpers shared by the end-to-end tests (sourced, not run).
# Each test script counts its own checks and appends "PASS FAIL" to $TZ_RESULTS.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TEZGAH=${TEZGAH:-$ROOT/tezgah}
case "$TEZGAH" in /*) ;; *) TEZGAH=$ROOT/$TEZGAH ;; esac
TMP=$(mktemp -d /tmp/tezgah-e2e.XXXXXX)
export HOME=$TMP/home TEZGAH_HISTORY=$TMP/home/.tezgah_history LANG=C.UTF-8 LC_ALL= NO_COLOR=1
mkdir -p "$HOME"
PASS=0
FAIL=0

ok()  { PASS=$((PASS + 1)); printf '  ok    %s\n' "$1"; }
bad() {
  FAIL=$((FAIL + 1)); printf '  FAIL  %s\n' "$1"
  if [ -n "${2:-}" ]; then printf '%s\n' "$2" | head -n 25 | sed 's/^/        | /'; fi
}

# tz ARGS... : run tezgah headless; sets $out (stdout+stderr) and $status.
tz() { out=$("$TEZGAH" --headless "$@" 2>&1); status=$?; }
# tz_in TEXT ARGS... : the same with TEXT piped on standard input.
tz_in() { local input=$1; shift; out=$(printf '%s' "$input" | "$TEZGAH" --headless "$@" 2>&1); status=$?; }

has()    { case "$out" in *"$2"*) ok "$1" ;; *) bad "$1 (wanted: $2)" "$out" ;; esac; }
hasnt()  { case "$out" in *"$2"*) bad "$1 (did not want: $2)" "$out" ;; *) ok "$1" ;; esac; }
match()  { if printf '%s' "$out" | grep -Eq -- "$2"; then ok "$1"; else bad "$1 (wanted /$2/)" "$out"; fi; }
status_is() { if [ "$status" -eq "$2" ]; then ok "$1"; else bad "$1 (exit status $status, wanted $2)" "$out"; fi; }

# Driving a tmux session named tz on socket $SOCK (test_tmux.sh, test_window.sh):
# T runs tmux; screen prints the pane (from line $SCREEN_START: negative reaches into the
# scrollback); wait_for NAME PATTERN [SECONDS] polls it until the ERE matches
# (default $WAIT_SECS, else 10 s).
T() { tmux -S "$SOCK" "$@" 2>/dev/null; }
screen() { T capture-pane -t tz -p -J -S "${SCREEN_START:-0}"; }
wait_for() {
  local name=$1 pat=$2 secs=${3:-${WAIT_SECS:-10}} i=0
  while [ $i -lt $((secs * 10)) ]; do
    if screen | grep -Eq -- "$pat"; then ok "$name"; return 0; fi
    sleep 0.1; i=$((i + 1))
  done
  bad "$name (screen never showed /$pat/)" "$(screen | grep -v '^$' | tail -n 15)"
  return 1
}

finish() {
  rm -rf "$TMP"
  printf '%s: %d passed, %d failed\n' "$(basename "$0" .sh)" "$PASS" "$FAIL"
  [ -n "${TZ_RESULTS:-}" ] && echo "$PASS $FAIL" >> "$TZ_RESULTS"
  [ "$FAIL" -eq 0 ]
}
