#!/usr/bin/env bash
# The real SDL window, on a virtual X display (Xvfb), driven as a person would: the REPL in
# tmux, keys and clicks sent to the window with xdotool, screenshots taken with ImageMagick's
# import and compared with what `snap` wrote. Checks: the window opens and shows the canvas;
# the REPL answers while the window is open and a job trains; live plots move; keys (Tab,
# s, r) and a click on a point do what the README says; closing the window never ends the
# session.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
for t in Xvfb tmux import xdotool xwininfo; do
  command -v $t >/dev/null || { bad "$t is installed (make deps installs it)"; finish; exit 1; }
done

# a free display number
D=90
while [ -e /tmp/.X11-unix/X$D ] || [ -e /tmp/.X$D-lock ]; do D=$((D + 1)); done
Xvfb :$D -screen 0 1400x1000x24 -nolisten tcp >"$TMP/xvfb.log" 2>&1 &
XPID=$!
for _ in $(seq 50); do [ -e /tmp/.X11-unix/X$D ] && break; sleep 0.1; done
export DISPLAY=:$D
cleanup() { tmux -S "$SOCK" kill-server 2>/dev/null; kill $XPID 2>/dev/null; }
trap cleanup EXIT

SOCK=$TMP/tmux.sock
SCREEN_START=-200 WAIT_SECS=15   # the whole scrollback; room for a slow machine
send() { T send-keys -t tz "$1" Enter; }
mkdir -p "$TMP/work"
T new-session -d -s tz -x 160 -y 50 -c "$TMP/work" "env HOME=$HOME TEZGAH_HISTORY=$TEZGAH_HISTORY LANG=C.UTF-8 TERM=xterm DISPLAY=$DISPLAY $TEZGAH; echo TEZGAH-EXIT=\$?; sleep 60"
wait_for "the prompt appears" '^tezgah> '

send "window open"
wait_for "window open" 'window open\. Keys:'
# (xdotool's --name search misses windows when no window manager runs: ask xwininfo)
wid() { xwininfo -name tezgah 2>/dev/null | awk '/Window id:/ { print $4; exit }'; }
W=$(wid)
[ -n "$W" ] && ok "an X window named tezgah exists" || bad "an X window named tezgah exists" "$(xwininfo -root -tree 2>&1 | head)"

send "train word2vec corpus=mini-en epochs=3 seed=1"
wait_for "a model trains with the window open" 'trained: [0-9,]+ words' 120
send "plot analogy king man woman"
wait_for "plot analogy goes to the window" 'the arrows man → king and woman → queen' 60
if screen | grep -q 'Picture:'; then bad "with a window, no PNG is written unasked" "$(screen | tail -5)"; else ok "with a window, no PNG is written unasked"; fi
sleep 0.5
send "snap $TMP/snap.png"
wait_for "snap writes the window's view" "the scatter view was written as [0-9]+×[0-9]+: $TMP/snap.png"

# The screenshot of the window must be the canvas that snap wrote (same pixels, within a
# little tolerance for the X server's colour handling).
[ -n "$W" ] && timeout 10 import -window "$W" "$TMP/shot.png" 2>"$TMP/import.err"
if [ -s "$TMP/shot.png" ]; then
  ws=$(identify -format '%w×%h' "$TMP/shot.png"); ss=$(identify -format '%w×%h' "$TMP/snap.png")
  [ "$ws" = "$ss" ] && ok "the window is as large as the snapped canvas ($ws)" || bad "window size $ws = snap size $ss"
  diff=$(compare -metric AE -fuzz 3% "$TMP/shot.png" "$TMP/snap.png" null: 2>&1 | cut -d' ' -f1)
  total=$(identify -format '%[fx:w*h]' "$TMP/shot.png")
  if [ -n "$diff" ] && awk -v d="$diff" -v t="$total" 'BEGIN { exit !(d < t * 0.01) }'; then
    ok "the screenshot shows the canvas ($diff of $total pixels differ)"
  else
    bad "the screenshot shows the canvas ($diff of $total pixels differ)"
  fi
else
  bad "a screenshot of the window can be taken" "$(cat "$TMP/import.err")"
fi

# Clicking the answer's red dot prints its neighbours in the REPL. Find the dot on the
# screenshot: the answer is drawn in (200, 40, 40).
pos=$(convert "$TMP/shot.png" -depth 8 rgb:- | "$PY" -c '
import sys, numpy as np
w, h = map(int, sys.argv[1:3])
a = np.frombuffer(sys.stdin.buffer.read(), np.uint8).reshape(h, w, 3).astype(int)
m = (abs(a[:, :, 0] - 200) < 6) & (abs(a[:, :, 1] - 40) < 6) & (abs(a[:, :, 2] - 40) < 6)
# keep the pixels whose 7×7 neighbourhood is all red: the disc, not the thin strokes of its label
core = m.copy()
for dy in range(-3, 4):
    for dx in range(-3, 4):
        core &= np.roll(np.roll(m, dy, 0), dx, 1)
ys, xs = np.nonzero(core)
print(int(np.median(xs)), int(np.median(ys)))' $(identify -format '%w %h' "$TMP/shot.png"))
if [ -n "$pos" ]; then
  xdotool mousemove --window "$W" $pos click 1
  wait_for "a click on a point prints its nearest neighbours" 'nearest to queen: 8 words' 5
else
  bad "the answer's red dot is on the screenshot"
fi

# Keys in the window: Tab switches the view, s saves a picture, r resets
xdotool key --window "$W" Tab
sleep 0.3
send "views"
wait_for "Tab in the window switched to the loss view" '^\* loss '
xdotool key --window "$W" s
wait_for "s in the window saves a PNG" 'window saved: tezgah-snap-001.png'
[ -s "$TMP/work/tezgah-snap-001.png" ] && ok "… the file is there" || bad "… the file is there"
send "view scatter"
sleep 0.3

# Live: a long training job with the window open; the REPL keeps answering and the picture moves
send "train word2vec corpus=mini-en epochs=300 seed=2 name=long"
sleep 0.5
send "plot pca words king queen man woman paris london france england live"
wait_for "plot … live follows the training" 'following 8 words while the model trains'
sleep 1
timeout 10 import -window "$W" "$TMP/live1.png" 2>/dev/null
t0=$(date +%s.%N)
send "status"
wait_for "the REPL answers while a job trains and the window is open" 'job: .*word2vec' 5
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 3) }' && ok "… within 3 s" || bad "… within 3 s"
sleep 1.5
timeout 10 import -window "$W" "$TMP/live2.png" 2>/dev/null
moved=$(compare -metric AE "$TMP/live1.png" "$TMP/live2.png" null: 2>&1 | cut -d' ' -f1)
[ "${moved:-0}" -gt 100 ] && ok "the live plot moves while training ($moved pixels changed in 1.5 s)" \
  || bad "the live plot moves while training ($moved pixels changed)"
T send-keys -t tz C-c
wait_for "Ctrl-C stops the training, the session goes on" 'training stopped'
send "window close"
wait_for "window close" 'the window is closed'
[ -z "$(wid)" ] && ok "the X window is gone" || bad "the X window is gone"
send "plot pca top=20"
wait_for "after window close, plotting in an interactive session opens it again" 'PCA: 20 words'
sleep 0.5
[ -n "$(wid)" ] && ok "… the window is back" || bad "… the window is back"
send "quit"
wait_for "quit ends the session normally" 'TEZGAH-EXIT=0'

finish
