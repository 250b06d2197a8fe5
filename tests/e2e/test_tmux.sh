#!/usr/bin/env bash
# The interactive prompt as a person uses it, driven through tmux: prompt, Tab completion,
# history across sessions, Ctrl-C at an idle prompt and during a job, lessons with Enter,
# Ctrl-D to leave.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || { bad "tmux is installed (make deps installs it)"; finish; exit 1; }

NSOCK=0
SOCK=$TMP/tmux0.sock
# the line the cursor is on
cur_line() { local y; y=$(T display -p -t tz '#{cursor_y}'); screen | sed -n "$((y + 1))p"; }
start() {
  T kill-server
  NSOCK=$((NSOCK + 1)); SOCK=$TMP/tmux$NSOCK.sock   # a fresh server for each session
  T new-session -d -s tz -x 150 -y 40 "env HOME=$HOME TEZGAH_HISTORY=$TEZGAH_HISTORY LANG=C.UTF-8 TERM=xterm $TEZGAH $*; echo TEZGAH-EXIT=\$?; sleep 30"
}

start
wait_for "the prompt appears" '^tezgah> $'

# Tab completion
T send-keys -t tz 'hel' Tab
wait_for "Tab completes a command name" '^tezgah> help $'
T send-keys -t tz C-u 'corpus ti' Tab
wait_for "Tab completes a corpus name" '^tezgah> corpus tiny-$'
T send-keys -t tz C-u 'corpus in' Tab
wait_for "Tab completes a sub-command" '^tezgah> corpus info $'
T send-keys -t tz 't' Tab
wait_for "Tab completes an option name" '^tezgah> corpus info top=$'
T send-keys -t tz C-u 'lang e' Tab
wait_for "Tab completes a value" '^tezgah> lang en +$'
mkdir -p "$TMP/files" && printf 'Merhaba dünya.\n' > "$TMP/files/ornek-metin.txt"
T send-keys -t tz C-u "corpus $TMP/files/orn" Tab
wait_for "Tab completes a file path" "^tezgah> corpus $TMP/files/ornek-metin.txt \$"
T send-keys -t tz C-u 'corpus tiny-en' Enter
wait_for "a corpus loads" 'corpus tiny-en: [0-9,]+ sentences'
T send-keys -t tz 'tokenize th' Tab Tab
wait_for "Tab offers vocabulary words of the loaded corpus" '(^| )the( |$)'

# Ctrl-C at an idle prompt clears the line and the session goes on
T send-keys -t tz C-u 'some half-typed text' C-c
sleep 0.3
T send-keys -t tz 'status' Enter
wait_for "Ctrl-C at the prompt clears the line, session goes on" 'job: none'
if screen | grep -q 'some half-typed textstatus'; then bad "the half-typed text was cleared" "$(screen)"; else ok "the half-typed text was cleared"; fi

# a job: progress line above the prompt, the prompt stays usable, Ctrl-C cancels
T send-keys -t tz 'demo seconds=60' Enter
wait_for "the progress line shows the job" '\[#*\.+\] demo +[0-9.]+%'
T send-keys -t tz 'corpus tiny-tr' Enter
wait_for "a second job is refused while one runs" "a job is running \\('corpus' has to wait\\)"
T send-keys -t tz 'lang' Enter
wait_for "other commands work during a job" 'language: en'
T send-keys -t tz C-c
wait_for "Ctrl-C stops the job" 'demo stopped: step [0-9]+ of 1200'
T send-keys -t tz 'status' Enter
wait_for "after Ctrl-C the session goes on" 'job: none'

# a real job, cancelled: loading a large corpus
yes 'the quick brown fox jumps over the lazy dog and runs far away from home' | head -c 300000000 > "$TMP/big.txt"
T send-keys -t tz "corpus $TMP/big.txt" Enter
wait_for "loading a corpus shows progress" '\] corpus big.txt +[0-9.]+%.*MB/s'
T send-keys -t tz C-c
wait_for "Ctrl-C stops loading, the corpus stays" 'loading stopped; the previous corpus is still loaded'
rm -f "$TMP/big.txt"

# training: the progress line shows words/s, the running loss and the time left; Ctrl-C keeps
# the vectors trained so far, and Tab then completes words of the model
T send-keys -t tz 'train word2vec corpus=mini-en epochs=300' Enter
wait_for "training shows words/s, loss and ETA" '\] word2vec skipgram mini-en +[0-9.]+%.*word/s +loss [0-9.]+ +ETA'
T send-keys -t tz C-c
wait_for "Ctrl-C keeps the vectors trained so far" 'training stopped; the vectors trained so far are kept as w2v-mini-en'
T send-keys -t tz 'similar quee' Tab
wait_for "Tab completes a word of the model" '^tezgah> similar queen'
T send-keys -t tz Enter
wait_for "the stopped model answers" 'nearest to queen'

# a lesson: Enter on an empty line goes to the next step, the prompt shows where we are
T send-keys -t tz 'lesson 0' Enter
wait_for "a lesson starts" 'Lesson 0 · Step 1/'
wait_for "the prompt shows the lesson step" '^\[lesson 0 · 1/[0-9]+\] tezgah> $'
T send-keys -t tz Enter
wait_for "Enter goes to step 2" 'Lesson 0 · Step 2/'
T send-keys -t tz 'prev' Enter
wait_for "prev goes back" '^\[lesson 0 · 1/[0-9]+\] tezgah> $'
T send-keys -t tz 'lesson stop' Enter
wait_for "lesson stop ends it" 'lesson ended'

# history is saved, and is there in the next session (up arrow)
T send-keys -t tz 'lang tr' Enter
wait_for "lang tr" 'Dil: Türkçe'
T send-keys -t tz C-d
wait_for "Ctrl-D leaves with status 0" 'TEZGAH-EXIT=0'
if grep -qx 'lang tr' "$TEZGAH_HISTORY" 2>/dev/null; then ok "history file holds the commands"; else bad "history file holds the commands" "$(cat "$TEZGAH_HISTORY" 2>&1)"; fi
start
wait_for "second session: prompt" '^tezgah> $'
T send-keys -t tz Up
wait_for "the up arrow brings back the last command" '^tezgah> lang tr$'
T send-keys -t tz C-u 'quit' Enter
wait_for "quit leaves with status 0" 'TEZGAH-EXIT=0'

# the interface in Turkish: the greeting and an error
start --lang tr
wait_for "Turkish greeting" "dil modelleri tezgâhı"
T send-keys -t tz 'anlamsız' Enter
wait_for "Turkish error message" "hata: bilinmeyen komut 'anlamsız'"
T send-keys -t tz 'quit' Enter
wait_for "quit" 'TEZGAH-EXIT=0'
# live plots with no window (an interactive --headless session): train and plot on one
# line, the plot waits for the vocabulary, the final state becomes the picture
mkdir -p "$TMP/live" && cd "$TMP/live"
start --headless
wait_for "headless session: prompt" '^tezgah> $'
T send-keys -t tz 'train word2vec corpus=mini-en epochs=4 seed=1 name=canli; plot pca words king queen man woman paris london live' Enter
wait_for "plot … live right after train waits for the vocabulary" 'following 6 words while the model trains'
wait_for "… and says where the final state will go" 'no window: the final state is written to tezgah-live.png when training ends'
wait_for "the live plot's final state is written when training ends" "The live plot's final state: tezgah-live.png" 30
[ "$(identify -format '%w %h' "$TMP/live/tezgah-live.png" 2>/dev/null)" = "1280 800" ] && ok "… a 1280×800 PNG" || bad "… a 1280×800 PNG"
T send-keys -t tz 'view loss out=loss.png' Enter
wait_for "the loss view after a training" 'Picture: loss.png'
T send-keys -t tz 'export loss.tsv' Enter
wait_for "… its numbers" 'the numbers behind the loss view'
if grep -q '^canli (skipgram, mini-en)	' "$TMP/live/loss.tsv"; then ok "the loss series is named after the model"; else bad "the loss series is named after the model" "$(head -3 "$TMP/live/loss.tsv")"; fi
T send-keys -t tz 'quit' Enter
wait_for "quit" 'TEZGAH-EXIT=0'
cd "$TMP"
T kill-server 2>/dev/null
finish
