#!/usr/bin/env bash
# `step` and `watch` (issue 6, "Seeing inside"): a tiny LSTM/GRU/RNN walked through a text one
# token at a time — the gates printed per token, next/prev/step N, watched units, the predicted
# next token, the bad input around them, Turkish, word level, layers, lessons keeping their
# next/prev, and the gates view: as PNG and TSV headless, and in a real window under Xvfb where
# the arrow keys move the step.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

LSTM='train lstm corpus=tiny-tr hidden=16 embed=8 seq=8 batch=4 epochs=1 seed=3'
# the lines of $out longer than 80 columns (characters, not bytes), leaving out what other
# commands print (training, notes, errors)
wide() {
  printf '%s\n' "$out" | grep -Ev 'trained:|eğitildi:|^(note|not):|(error|hata):' | perl -CS -ne 'print if length($_) > 81'
}

# --- an LSTM, token by token ---------------------------------------------------------------
tz -c "$LSTM; step \"Ben kahve içiyorum\"; next; next; prev"
status_is "step, next, next, prev: exit 0" 0
has "the first token, counted" "lstm-tiny-tr · layer 1/1 · token 1/18: 'b'"
has "the text with the current token in brackets" "  [b]en kahve içiyorum"
has "next moves to token 2" "token 2/18: 'e'"
has "… and 3" "  be[n] kahve içiyorum"
[ "$(printf '%s\n' "$out" | grep -c "token 2/18: 'e'")" = 2 ] && ok "prev goes back to token 2" || bad "prev went back" "$out"
for g in 'f forget' 'i input' 'g candidate' 'o output' 'c cell' 'h hidden'; do
  n=$(printf '%s\n' "$out" | grep -Ec "^  $g +-?[0-9]+\.[0-9]{2}( +[0-9]+:-?[0-9]+\.[0-9]{2}){5}$")
  [ "$n" = 4 ] && ok "each token prints '$g': the mean and the 5 most active units" || bad "'$g' lines ($n of 4)" "$out"
done
# σ gates are in 0..1; the most active unit is listed first (the largest value)
f1=$(printf '%s\n' "$out" | grep -E '^  f forget' | head -1)
printf '%s\n' "$f1" | perl -ne '@v = /:(-?[0-9.]+)/g; exit !(@v == 5 && $v[0] >= $v[1] && $v[1] >= $v[4] && $v[4] >= 0 && $v[0] <= 1)' \
  && ok "the forget gate's top units are in 0..1, largest first ($f1)" || bad "forget gate values" "$f1"
match "the model's three guesses and the real next token" "^  predicted next: '.' 0\.[0-9]+  '.' 0\.[0-9]+  '.' 0\.[0-9]+   · actual: 'e' \(0\.[0-9]+\)$"
[ -z "$(wide)" ] && ok "every line fits in 80 columns" || bad "lines wider than 80 columns" "$(wide)"

# step N, watch, past the end, the numbers behind the view
tz -c "$LSTM; step \"Ben kahve içiyorum\"; step 5; watch 3 12; watch; step next; step 18; next; step 0; step 19; watch 16; watch x; watch clear; watch; step 4; export $TMP/g.tsv; snap $TMP/g.png"
status_is "errors in a script: exit 1" 1
has "step 5 goes to the fifth token" "  ben [k]ahve içiyorum"
has "watch pins units" "watched units: 3 12"
match "a watched unit's value in every gate" '^  #3 +f [0-9.]+ i [0-9.]+ g -?[0-9.]+ o [0-9.]+ c -?[0-9.]+ h -?[0-9.]+$'
[ "$(printf '%s\n' "$out" | grep -c '^  #12 ')" -ge 3 ] && ok "watched units are printed at every step after" || bad "watched at each step" "$out"
has "step 18: the last token" "token 18/18: 'm'"
has "next past the end" "this is the end of the text (18/18); 'step 1' goes back to the start."
has "step 0" "there is no token 0: the text has 18 (1–18)."
has "step 19" "there is no token 19: the text has 18 (1–18)."
has "a unit out of range" "there is no unit 16: model lstm-tiny-tr has 16 hidden units (0–15)."
has "watch with a word" "'x' is not a unit number; for example: watch 12 40 (units count from 0)."
has "watch clear" "no units are watched now."
has "export writes the gates" "the numbers behind the gates view (1,728 rows, tab-separated)"
has "snap writes the gates view (step made it current)" "the gates view was written as 1280×800: $TMP/g.png"
[ "$(identify -format '%w×%h' "$TMP/g.png" 2>/dev/null)" = "1280×800" ] && ok "… a 1280×800 PNG" || bad "the PNG is there"
# The window's numbers are the terminal's: unit 3's forget gate at token 5 (printed under
# `watch`) is the exported value rounded to two decimals.
printed=$(printf '%s\n' "$out" | sed -n '/^watched units: 3 12$/,$p' | sed -n 's/^  #3 *f \([0-9.]*\) .*/\1/p' | head -1)
exported=$(awk -F'\t' '$2 == "f" && $3 == 3 && $4 == 5 { printf "%.2f", $6 }' "$TMP/g.tsv")
[ -n "$printed" ] && [ "$printed" = "$exported" ] && ok "the printed gate value is the exported one (f, unit 3, token 5: $printed)" \
  || bad "printed $printed vs exported $exported" "$(head -3 "$TMP/g.tsv")"
head -1 "$TMP/g.tsv" | grep -q $'^layer\tgate\tunit\tt\ttoken\tvalue$' && ok "the TSV's header" || bad "TSV header" "$(head -2 "$TMP/g.tsv")"

# --- Turkish ----------------------------------------------------------------------------------
tz --lang tr -c "$LSTM; step \"Ben kahve içiyorum\"; step 18; next; watch 99"
has "Turkish: the token line" "lstm-tiny-tr · katman 1/1 · belirteç 1/18: 'b'"
match "Turkish: gate names and the decimal comma" '^  f unutma +[0-9]+,[0-9]{2}( +[0-9]+:[0-9]+,[0-9]{2}){5}$'
match "Turkish: the cell state" '^  c hücre '
match "Turkish: the prediction" "^  sonraki tahmini: '.' 0,[0-9]+"
has "Turkish: past the end" "metnin sonundasınız (18/18); 'step 1' başa döner."
has "Turkish: a unit out of range" "99 numaralı birim yok: lstm-tiny-tr modelinin 16 gizli birimi var (0–15)."
[ -z "$(wide)" ] && ok "Turkish lines fit in 80 columns too" || bad "Turkish lines wider than 80 columns" "$(wide)"

# --- GRU, RNN, two layers, words --------------------------------------------------------------
tz -c "train gru corpus=tiny-tr hidden=12 embed=8 seq=8 batch=4 epochs=1; step \"kahve\"; train rnn corpus=tiny-tr hidden=12 embed=8 seq=8 batch=4 epochs=1; step \"kahve\"; watch 2; step 2"
status_is "GRU and RNN: exit 0" 0
for g in 'r reset' 'z update' 'n candidate'; do match "a GRU shows '$g'" "^  $g "; done
[ "$(printf '%s\n' "$out" | sed -n '/gru-tiny-tr · layer/,/predicted/p' | grep -Ec '^  (c cell|f forget)')" = 0 ] \
  && ok "a GRU has no cell state or forget gate" || bad "GRU lines" "$out"
rnn=$(printf '%s\n' "$out" | sed -n '/rnn-tiny-tr · layer 1\/1 · token 2\/5/,/predicted/p')
[ "$(printf '%s\n' "$rnn" | grep -Ec '^  [a-z] [a-z]+ ')" = 1 ] && printf '%s' "$rnn" | grep -q '^  h hidden' \
  && ok "an Elman RNN shows only h" || bad "RNN lines" "$rnn"
match "an RNN's watched unit: one value" '^  #2 +h -?[0-9.]+$'

tz -c "train lstm corpus=tiny-tr hidden=8 embed=8 seq=8 batch=4 epochs=1 layers=2; step \"ev\"; step \"ev\" layer=1; step layer=2; step \"ev\" layer=3"
has "the top layer by default" "lstm-tiny-tr · layer 2/2 · token 1/2"
has "layer=1" "lstm-tiny-tr · layer 1/2 · token 1/2"
has "layer=3 of two" "layer=3: model lstm-tiny-tr has 2 layers (1–2)."
tz -c "train lstm corpus=tiny-tr level=word hidden=8 embed=8 seq=8 batch=4 epochs=1; step \"kral sarayda yaşar\"; next"
has "word level: words are the tokens" "token 1/3: 'kral'"
has "word level: the text in words" "  kral [sarayda] yaşar"

# --- bad input --------------------------------------------------------------------------------
tz -c "step \"abc\"; step next; step; train word2vec corpus=tiny-tr epochs=1 min_count=1; step \"abc\"; $LSTM; step \"\"; step \"@#\"; step \"a\" model=nothere; step \"ab\" out=x.jpg"
has "no model" "there is no model yet."
has "step next with no text" "no text is being stepped through; start with: step \"the cat sat\""
has "step alone" "usage: step \"TEXT\" [layer=N] · step next|prev|N · watch UNIT…"
has "not a recurrent model" "w2v-tiny-tr is not a recurrent language model (word2vec). Train one first"
has "an empty text" "the text is empty; for example: step \"the cat sat\""
has "a text of unknown characters" "the text has no character model lstm-tiny-tr knows"
has "an unknown model" "there is no model 'nothere'"
has "out= must be a PNG" "out= must name a PNG file (ending in .png): 'x.jpg'"
tz -c "train word2vec corpus=tiny-tr epochs=1 min_count=1; $LSTM; train word2vec corpus=tiny-tr epochs=1 min_count=1 name=w2; step \"ab\""
has "a word-vector model current, a language model loaded: named in the hint" "try: step \"...\" model=lstm-tiny-tr"

# --- lessons keep next/prev; plain next goes to what started last ------------------------------
tz -c "$LSTM; lesson 0; step \"kahve\"; next; lesson next; lesson 0; next"
has "a step started in a lesson says where next goes" "(a lesson is on: next/prev now move along the tokens; Enter or 'lesson next' goes on with the lesson)"
has "next after step (in a lesson) moves the step" "token 2/5: 'a'"
n=$(printf '%s\n' "$out" | grep -c 'Step 2/9: Commands and help')
[ "$n" = 2 ] && ok "lesson next goes on with the lesson; after 'lesson 0' plain next is the lesson's again" || bad "lesson steps shown $n times, wanted 2" "$out"
tz -c "next"
has "next with neither a lesson nor a step" "no lesson is running"

# --- views, PNG ------------------------------------------------------------------------------
tz -c "views; view gates; $LSTM; step \"kahve\" out=$TMP/k.png; views"
match "views lists gates, empty at first" '^  gates +a recurrent network.s gates, units × time \(step\)  \(empty\)$'
has "an empty gates view says how to fill it" "Picture: tezgah-gates.png"
has "out= writes the picture" "Picture: $TMP/k.png"
match "views marks gates as shown" '^\* gates '

# --- the window (Xvfb): the view opens on its own, arrows move the step ---------------------------
if command -v Xvfb >/dev/null && command -v tmux >/dev/null && command -v xdotool >/dev/null && command -v import >/dev/null; then
  D=90
  while [ -e /tmp/.X11-unix/X$D ] || [ -e /tmp/.X$D-lock ]; do D=$((D + 1)); done
  Xvfb :$D -screen 0 1400x1000x24 -nolisten tcp >"$TMP/xvfb.log" 2>&1 &
  XPID=$!
  for _ in $(seq 50); do [ -e /tmp/.X11-unix/X$D ] && break; sleep 0.1; done
  SOCK=$TMP/tmux.sock
  cleanup() { tmux -S "$SOCK" kill-server 2>/dev/null; kill $XPID 2>/dev/null; }
  trap cleanup EXIT
  SCREEN_START=-200 WAIT_SECS=20
  send() { T send-keys -t tz "$1" Enter; }
  mkdir -p "$TMP/work"
  T new-session -d -s tz -x 150 -y 50 -c "$TMP/work" "env HOME=$HOME TEZGAH_HISTORY=$TEZGAH_HISTORY LANG=C.UTF-8 TERM=xterm DISPLAY=:$D $TEZGAH; echo TEZGAH-EXIT=\$?; sleep 60"
  wait_for "the prompt appears" '^tezgah> '
  send "$LSTM"
  wait_for "an LSTM trains" 'lstm-tiny-tr trained'
  send 'step "Ben kahve içiyorum"'
  wait_for "step in an interactive session" 'token 1/18'
  wid() { DISPLAY=:$D xwininfo -name tezgah 2>/dev/null | awk '/Window id:/ { print $4; exit }'; }
  for _ in $(seq 30); do W=$(wid); [ -n "$W" ] && break; sleep 0.1; done
  [ -n "$W" ] && ok "the first view opens the window" || bad "a window named tezgah" "$(screen | tail -5)"
  if [ -n "$W" ]; then
    # the window takes keys once it is mapped: press s (save a picture, harmless) until it answers
    for _ in $(seq 20); do
      DISPLAY=:$D xdotool key --window "$W" s
      sleep 0.5
      screen | grep -q 'window saved: tezgah-snap-' && break
    done
    wait_for "the window answers keys" 'window saved: tezgah-snap-001.png' 1
    DISPLAY=:$D timeout 10 import -window "$W" "$TMP/shot1.png" 2>/dev/null
    DISPLAY=:$D xdotool key --window "$W" Right
    wait_for "Right in the window: the next token, printed in the terminal" 'token 2/18'
    DISPLAY=:$D xdotool key --window "$W" Right Right Left
    wait_for "Right Right Left: token 3" 'token 3/18'
    sleep 0.5
    DISPLAY=:$D timeout 10 import -window "$W" "$TMP/shot2.png" 2>/dev/null
    send "snap $TMP/snap.png"
    wait_for "snap" "the gates view was written as [0-9]+×[0-9]+: $TMP/snap.png"
    moved=$(compare -metric AE "$TMP/shot1.png" "$TMP/shot2.png" null: 2>&1 | cut -d' ' -f1)
    [ "${moved:-0}" -gt 500 ] && ok "the highlighted column moved in the window ($moved pixels changed)" || bad "the window changed ($moved)"
    diff=$(compare -metric AE -fuzz 3% "$TMP/shot2.png" "$TMP/snap.png" null: 2>&1 | cut -d' ' -f1)
    total=$(identify -format '%[fx:w*h]' "$TMP/shot2.png")
    awk -v d="${diff:-x}" -v t="$total" 'BEGIN { exit !(d ~ /^[0-9]+$/ && d < t * 0.01) }' \
      && ok "the window shows what snap writes ($diff of $total pixels differ)" || bad "window vs snap ($diff of $total)"
    # the current token's band (light orange, 255 226 204) sits under the third column: find it
    band=$(convert "$TMP/shot2.png" -depth 8 txt:- | grep -c '#FFE2CC')
    [ "${band:-0}" -gt 50 ] && ok "the current token is highlighted ($band band pixels)" || bad "the current token's band ($band)"
    [ -n "${TEZGAH_KEEP_SHOTS:-}" ] && cp "$TMP/shot2.png" "$TEZGAH_KEEP_SHOTS"
    send "next"
    wait_for "plain next after step moves the step too" 'token 4/18'
  fi
  send "quit"
  wait_for "quit" 'TEZGAH-EXIT=0'
else
  bad "Xvfb, tmux, xdotool and ImageMagick are installed (make deps installs them)"
fi

finish
