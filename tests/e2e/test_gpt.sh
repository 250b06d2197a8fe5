#!/usr/bin/env bash
# GPT at the prompt (issue 7): `train gpt` on mini-tr (a tokenizer learnt first, then a tiny GPT
# — a second or so), its loss falling; `generate` reproducible for a seed, topk=1 the same as
# greedy temp=0; save/load round trips (tezgah-gpt, and safetensors with tokenizer=) give the same
# greedy text; `info` counts V·D + C·D + L·(12D² + 13D) + 2D; bad input; Ctrl-C in tmux.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

shape='layers=2 heads=2 dim=32 ctx=32 batch=8 steps=80 vocab=300 seed=1'
tz -c "train gpt corpus=mini-tr $shape; save gpt-mini-tr $TMP/g.tzgpt; info; models; save gpt-mini-tr $TMP/g.safetensors"
status_is "train gpt, save, info, models: exit 0" 0
match "the tokenizer is learnt on the text first" 'tokenizer: a byte-level BPE learnt on the text, 300 tokens'
match "the text is counted in bytes and tokens, 10% held out" 'text: 2,457,072 bytes → [0-9,]+ tokens .*held out \(the last 10%\)'
match "training reports parameters, steps, losses and tokens/s" 'gpt-mini-tr trained: [0-9,]+ parameters, 80 steps; loss [0-9.]+ → [0-9.]+ nats/token, held-out loss [0-9.]+; [0-9.]+ s, [0-9,]+ tokens/s'
first=$(printf '%s\n' "$out" | sed -n 's/.*; loss \([0-9.]*\) → .*/\1/p')
last=$(printf '%s\n' "$out" | sed -n 's/.*; loss [0-9.]* → \([0-9.]*\) nats.*/\1/p')
val=$(printf '%s\n' "$out" | sed -n 's/.*held-out loss \([0-9.]*\);.*/\1/p')
awk -v a="$first" -v b="$last" -v v="$val" 'BEGIN { exit !(a > 5.4 && a < 6.0 && b < a - 1 && v < a - 1) }' \
  && ok "the loss fell from ≈ ln 300 = 5.70 ($first) to $last, held out $val" || bad "loss fell" "$out"
# the evaluation table: 10 rows, the held-out loss going down
rows=$(printf '%s\n' "$out" | grep -cE '^ +[0-9]+ +[0-9.]+ +[0-9.]+$')
v1=$(printf '%s\n' "$out" | grep -E '^ +[0-9]+ +[0-9.]+ +[0-9.]+$' | head -1 | awk '{print $3}')
v9=$(printf '%s\n' "$out" | grep -E '^ +[0-9]+ +[0-9.]+ +[0-9.]+$' | tail -1 | awk '{print $3}')
[ "$rows" = 10 ] && awk -v a="$v1" -v b="$v9" 'BEGIN { exit !(b < a) }' && ok "held-out loss every 8 steps, falling ($v1 → $v9)" \
  || bad "evaluation table ($rows rows)" "$out"
has "saved as tezgah's checkpoint" "gpt-mini-tr saved: $TMP/g.tzgpt (tezgah-gpt: configuration, tokenizer, weights, CRC)"
has "saved as safetensors, the tokenizer said to be outside" "saved: $TMP/g.safetensors (safetensors, with Hugging Face's GPT-2 names; the weights only — the tokenizer is not inside"
match "models lists the GPT with its shape" 'gpt-mini-tr +gpt +300 tokens, 2 blocks × 2 heads, width 32, context 32; [0-9,]+ parameters'
# info: every component, and the total by the formula
V=$(printf '%s\n' "$out" | sed -n 's/.*vocabulary V = \([0-9,]*\).*/\1/p' | tr -d ,)
total=$(printf '%s\n' "$out" | grep -E '^  total ' | awk '{print $NF}' | tr -d ,)
want=$(awk -v V="$V" 'BEGIN { C = 32; D = 32; L = 2; printf "%d", V*D + C*D + L*(12*D*D + 13*D) + 2*D }')
[ -n "$V" ] && [ "$total" = "$want" ] && ok "info: total $total = V·D + C·D + L·(12D² + 13D) + 2D" || bad "info total ($total, want $want)" "$out"
match "info: wte and wpe" 'token embeddings \(wte\) +V×D +9,600'
match "info: a block's attention" 'attention: q k v \(c_attn\) +3D×D \+ 3D +3,168'
has "info: the output layer is tied, not counted twice" "output layer: tied to wte"
match "info: Adam's memory" 'Adam state for training \(m, v: 2×\) +[0-9.]+ kB'
match "info: one training step's activations at the training batch" 'activations of one training step +[0-9.]+ MB +\(batch 8 × ctx 32;'
match "info: the KV cache" 'KV cache for generation \(full ctx\) +[0-9.]+ kB'

# generate: the same seed the same text, another seed another; topk=1 is greedy
gen() { tz -c "load $TMP/g.tzgpt as g; generate \"Bir gün\" $*"; printf '%s\n' "$out" | sed '1d'; }
a=$(gen n=30 seed=5); b=$(gen n=30 seed=5); c=$(gen n=30 seed=6)
case "$a" in "Bir gün"*"(30 tokens)") ok "generate writes the prompt, then 30 tokens" ;; *) bad "generate output" "$a" ;; esac
[ "$a" = "$b" ] && ok "the same seed gives the same text" || bad "same seed" "$a
---
$b"
[ "$a" != "$c" ] && ok "another seed gives another text" || bad "another seed" "$a"
g0=$(gen n=25 temp=0); g1=$(gen n=25 topk=1 temp=1.5)
[ "$g0" = "$g1" ] && ok "topk=1 is greedy, the same as temp=0" || bad "topk=1 = temp=0" "$g0
---
$g1"
# the safetensors copy with the checkpoint's tokenizer: the same greedy text
tz -c "load $TMP/g.tzgpt as g; load $TMP/g.safetensors as s tokenizer=g; generate s \"Bir gün\" n=25 temp=0"
has "safetensors loads back with tokenizer=" "$TMP/g.safetensors loaded: GPT, 300 tokens, 2 blocks × 2 heads"
g2=$(printf '%s\n' "$out" | sed -n '/^Bir gün/,$p')
[ -n "$g2" ] && [ "$g0" = "$g2" ] && ok "…and writes the same greedy text" || bad "safetensors greedy" "$g0
---
$out"
tz -c "load $TMP/g.tzgpt as g; generate \"$(printf 'kitap %.0s' $(seq 1 40))\" n=3 temp=0"
match "a prompt longer than the context: the front is cut, and said" 'note: the prompt is [0-9]+ tokens, the model sees only the last 32 \(its context\): the first [0-9]+ tokens were cut'
has "…and it still generates" "(3 tokens)"
tz -c "load $TMP/g.tzgpt as g; generate \"\" n=5 seed=2"
has "an empty prompt starts from a line end" "(5 tokens)"

# --- bad input ---------------------------------------------------------------------------
head -c 200 "$TMP/g.tzgpt" > "$TMP/cut.tzgpt"
cp "$TMP/g.tzgpt" "$TMP/flip.tzgpt"; printf 'X' | dd of="$TMP/flip.tzgpt" bs=1 seek=3000 conv=notrunc 2>/dev/null
printf 'TZGPX\0\0\0 not a model at all' > "$TMP/magic.tzgpt"
tz -c "generate \"a\"; train gpt corpus=mini-tr hidden=5; train gpt corpus=mini-tr dim=30 heads=4; train gpt corpus=mini-tr dim=100000; train gpt corpus=mini-tr layers=48 dim=4096 ctx=4096 batch=1024; train gpt corpus=mini-tr vocab=5; train gpt corpus=nothere; train gpt corpus=mini-tr ctx=64 steps=3 tokenizer=nope; load $TMP/none.tzgpt; load $TMP/cut.tzgpt; load $TMP/flip.tzgpt; load $TMP/magic.tzgpt; train bpe corpus=tiny-en vocab=300; generate \"a\"; train gpt corpus=tiny-tr ctx=2048 steps=2"
has "generate with no model" "there is no model yet"
has "an option of another trainer is named" "train gpt: there is no option 'hidden='; options: corpus lang layers heads"
has "heads must divide dim" "heads=4 does not divide dim=30"
match "an absurd width" 'dim=100000: must be between 8 and 4096'
match "a model too big for memory is refused with the estimate" 'training with these settings needs about [0-9.]+ (TB|GB|MB) of memory .* this machine has [0-9.]+ GB'
match "a vocabulary below the 256 bytes" 'vocab=5: must be between 256 and'
has "an unknown corpus" "there is no corpus or file 'nothere'"
has "an unknown tokenizer" "there is no model 'nope'"
match "a missing checkpoint" "none.tzgpt"
match "a truncated checkpoint" "cut.tzgpt', byte [0-9]+: (the file ends inside the header|CRC mismatch)"
has "a damaged checkpoint fails its CRC" "flip.tzgpt', byte"
has "a file with the wrong magic" "magic.tzgpt' is not a tezgah GPT file"
has "generate with a tokenizer, not a language model" "bpe-tiny-en is not a language model (bpe)"
match "a text shorter than the context" 'the text is too short for this context: the training part has [0-9,]+ tokens, a window needs ctx\+1 = 2049'
status_is "every one of them failed: exit status 1" 1
tz --lang tr -c "train gpt corpus=mini-tr dim=30 heads=4; train gpt corpus=mini-tr layers=2 dim=32 ctx=32 batch=4 steps=4 vocab=260 epochs=3"
has "Turkish: heads must divide dim" "heads=4, dim=30 değerini tam bölmüyor"
has "Turkish: an option of another trainer" "train gpt: 'epochs=' diye bir seçenek yok"
tz -c "train gpt corpus=mini-tr layers=2 dim=32 ctx=32 batch=4 steps=20 vocab=260 lr=1000 warmup=0 clip=0; generate \"a\" n=3"
match "an absurd learning rate: divergence caught, lr and clip named" 'training diverged at step [0-9]+ .* Lower the learning rate \(e.g. lr=100\) and clip the gradient \(clip=1\)'
match "the last sane model is kept, and generates" 'the last sane model, after [0-9]+ steps, is kept as gpt-mini-tr'
has "…and generates" "(3 tokens)"

# --- Ctrl-C during training, in tmux: the session and the model trained so far stay ---------
if command -v tmux >/dev/null; then
  SOCK=$TMP/tmux.sock
  T new-session -d -s tz -x 160 -y 40 "env HOME=$HOME LANG=C.UTF-8 TERM=xterm $TEZGAH; echo TEZGAH-EXIT=\$?; sleep 30"
  wait_for "the prompt appears" '^tezgah> $'
  T send-keys -t tz 'train gpt corpus=mini-tr layers=2 heads=2 dim=32 ctx=32 batch=8 steps=100000 vocab=300' Enter
  wait_for "the progress line shows tokens/s, the loss, the held-out loss and the step" 'token/s +loss [0-9.]+ +val [0-9.]+ +step [0-9]+/100000' 20
  T send-keys -t tz C-c
  wait_for "Ctrl-C stops training and keeps the model" 'training stopped at step [0-9]+ of 100000; the model trained so far is kept as gpt-mini-tr' 10
  T send-keys -t tz 'generate "Bir" n=5 seed=1' Enter
  wait_for "the model trained so far generates" '\(5 tokens, [0-9.]+ tokens/s\)'
  T send-keys -t tz 'info gpt-m' Tab
  wait_for "Tab completes a model name after info" '^tezgah> info gpt-mini-tr $'
  T send-keys -t tz C-u 'train gpt corpus=mini-tr tokeni' Tab
  wait_for "Tab completes train gpt's new options" '^tezgah> train gpt corpus=mini-tr tokenizer=$'
  T send-keys -t tz 'gpt-m' Tab
  wait_for "…and a tokenizer's name after tokenizer=" '^tezgah> train gpt corpus=mini-tr tokenizer=gpt-mini-tr $'
  T send-keys -t tz C-u 'quit' Enter
  wait_for "the session ends normally" 'TEZGAH-EXIT=0'
  T kill-server
else
  bad "tmux is installed (make deps installs it)"
fi

finish
