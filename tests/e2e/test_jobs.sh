#!/usr/bin/env bash
# Jobs in non-interactive use: each job is waited for; SIGINT (Ctrl-C) cancels the running
# job, leaves the previous state in place, and the remaining commands still run.
. "$(dirname "$0")/lib.sh"

# The demo job runs to its end when nobody interrupts it.
tz -c "demo seconds=1"
has "demo runs to the end" "demo finished: 20 steps."

# SIGINT cancels it early.
"$TEZGAH" --headless -c "demo seconds=60; status" > "$TMP/demo.out" 2>&1 &
pid=$!
sleep 1
kill -INT $pid
wait $pid; status=$?
out=$(cat "$TMP/demo.out")
match "SIGINT stops the demo early" "demo stopped: step [0-9]+ of 1200"
has "the next command still runs" "job: none"
status_is "a cancelled job counts as a failure" 1

# A real job: loading a large corpus, cancelled half-way; the previous corpus stays.
printf 'Bir iki üç.\nİki üç!\n' > "$TMP/small.txt"
yes 'the quick brown fox jumps over the lazy dog and runs far away from home' | head -c 300000000 > "$TMP/big.txt"
"$TEZGAH" --headless -c "corpus $TMP/small.txt; corpus $TMP/big.txt; status" > "$TMP/load.out" 2>&1 &
pid=$!
sleep 1
kill -INT $pid
wait $pid; status=$?
out=$(cat "$TMP/load.out")
has "Ctrl-C stops loading" "loading stopped; the previous corpus is still loaded."
has "the previous corpus is still there" "corpus small.txt: 2 sentences, 5 tokens"
rm -f "$TMP/big.txt"

# A job cannot start while another runs (interactive use): tested in test_tmux.sh.
finish
