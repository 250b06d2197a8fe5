#!/usr/bin/env bash
# Recurrent language models at the prompt (the first part of issue 6): train a character-level
# LSTM/GRU/RNN on a tiny corpus, generate from it (a fixed seed gives the same text in every
# run: the golden test), and the bad input around them.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

run='train lstm corpus=tiny-en hidden=48 embed=16 seq=32 batch=8 epochs=15 lr=0.01 seed=2; generate "the " n=120 seed=5; models'
tz -c "$run"
status_is "train lstm and generate: exit 0" 0
match "training reports characters, parameters, loss and held-out perplexity" 'lstm-tiny-en trained: [0-9]+ characters, [0-9,]+ parameters; final loss [0-9.]+ nats/character, held-out perplexity [0-9.]+'
match "models lists it with its size" 'lstm-tiny-en +lstm +[0-9]+ characters, [0-9,]+ parameters'
first=$(printf '%s\n' "$out" | sed -n '/^the /,/^\* /p' | sed '$d')
[ "$(printf '%s' "$first" | wc -m)" -ge 100 ] && ok "generate wrote the prompt and 120 characters" || bad "generated text" "$out"
tz -c "$run"
second=$(printf '%s\n' "$out" | sed -n '/^the /,/^\* /p' | sed '$d')
[ -n "$first" ] && [ "$first" = "$second" ] && ok "golden: the same seed and corpus give the same text in a second run" \
  || bad "golden: same text twice" "first:
$first
second:
$second"
l1=$(printf '%s\n' "$out" | sed -n 's/.*final loss \([0-9.]*\).*/\1/p')
awk -v l="$l1" 'BEGIN { exit !(l < 2.5) }' && ok "the loss fell below log(26) ≈ 3.26 (to $l1)" || bad "loss fell" "$out"

tz -c "train gru corpus=tiny-en hidden=32 embed=8 seq=16 batch=4 epochs=2; generate \"a\" n=20 temp=0; train rnn corpus=tiny-en hidden=32 embed=8 seq=16 batch=4 epochs=2 name=elman; generate elman \"a\" n=20 topk=3"
match "a GRU trains" 'gru-tiny-en trained'
match "an Elman RNN trains, under its own name" 'elman trained'

# a checkpoint: saved, loaded back, the same text from the same seed
tz -c "train lstm corpus=tiny-en hidden=32 embed=8 seq=16 batch=4 epochs=3; generate \"the \" n=50 seed=4; save lstm-tiny-en $TMP/m.tzm; load $TMP/m.tzm as back; generate back \"the \" n=50 seed=4"
has "saved as a tezgah checkpoint" "lstm-tiny-en saved: $TMP/m.tzm (tezgah-lm)"
has "loads back as a language model" "loaded: lstm language model, 26 characters"
n=$(printf '%s\n' "$out" | grep -c '^the ')
g=$(printf '%s\n' "$out" | grep '^the ' | sort -u | wc -l)
[ "$n" -ge 2 ] && [ "$g" = 1 ] && ok "the loaded model generates the same text" || bad "same text after load" "$out"
head -c 100 "$TMP/m.tzm" > "$TMP/cut.tzm"
cp "$TMP/m.tzm" "$TMP/flip.tzm"; printf 'X' | dd of="$TMP/flip.tzm" bs=1 seek=500 conv=notrunc 2>/dev/null
tz -c "load $TMP/cut.tzm; load $TMP/flip.tzm; train word2vec corpus=tiny-en epochs=1; save w2v-tiny-en $TMP/w.tzm format=tezgah-lm"
match "a truncated checkpoint names the byte" "cut.tzm', byte 84: the tensors should take [0-9]+ bytes"
has "a damaged checkpoint fails its CRC" "CRC mismatch"
has "tezgah-lm is only for language models" "w2v-tiny-en is not a language model; format tezgah-lm"

# --- bad input ---------------------------------------------------------------------------
tz -c "generate \"a\"; train word2vec corpus=tiny-en epochs=1; generate \"a\"; train lstm corpus=tiny-en level=word; train lstm corpus=tiny-en batch=4000 seq=100; train lstm corpus=tiny-en hidden=0; train lstm corpus=tiny-en layers=9"
has "generate with no language model" "w2v-tiny-en is not a language model (word2vec)"
has "level=word is not there yet, and says so" "level=word: only level=char (characters) for now."
has "a corpus too short for batch × seq" "the text is too short for these settings"
match "hidden=0" 'hidden=0: must be between 1 and'
match "too many layers" 'layers=9: must be between 1 and 4'
tz -c "train lstm corpus=tiny-en hidden=16 embed=8 seq=8 batch=4 epochs=1; generate \"ğ\"; generate \"ağa\" n=5; generate nothere \"a\"; generate \"a\" n=0"
has "a character the model never saw is named" "model lstm-tiny-en has never seen these characters, they are left out: 'ğ'"
has "a prompt of only unknown characters is refused" "the text has no character model lstm-tiny-en knows"
match "the prompt is printed as typed, then 5 generated characters" "^ağa[a-z ]{5}$"
has "an unknown model" "there is no model 'nothere'"
match "n=0" 'n=0: must be between 1 and'
tz --lang tr -c "train lstm corpus=tiny-en hidden=16 embed=8 seq=8 batch=4 epochs=1; generate \"ğ\""
has "the same in Turkish" "lstm-tiny-en modeli şu karakterleri hiç görmedi, atlandılar: 'ğ'"

finish
