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
match "a truncated checkpoint names the byte" "cut.tzm', byte 92: the tensors should take [0-9]+ bytes"
has "a damaged checkpoint fails its CRC" "CRC mismatch"
has "tezgah-lm is only for language models" "w2v-tiny-en is not a language model; format tezgah-lm"

# --- bad input ---------------------------------------------------------------------------
tz -c "generate \"a\"; train word2vec corpus=tiny-en epochs=1; generate \"a\"; train lstm corpus=tiny-en level=words; train lstm corpus=tiny-en vocab=50; train lstm corpus=tiny-en hidden=4096 batch=4096 seq=4096; train lstm corpus=tiny-en batch=4000 seq=100; train lstm corpus=tiny-en hidden=0; train lstm corpus=tiny-en layers=9"
has "generate with no language model" "w2v-tiny-en is not a language model (word2vec)"
has "an unknown level is named" "level=words: must be level=char (characters) or level=word (words)."
has "vocab= only at word level" "vocab= goes with level=word only"
match "a config too big for memory is refused with the estimate" "needs about [0-9.]+ GB of memory .* this machine has [0-9.]+ GB"
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

# an exploding gradient: no clipping, plain SGD at a huge rate — stopped at once, said, model kept
tz -c "train rnn corpus=tiny-en optim=sgd lr=10 clip=0 hidden=16 embed=8 seq=8 batch=4 epochs=3; generate \"the\" n=5; train rnn corpus=tiny-en optim=adagrad"
match "the exploded loss stops training with the cure named" "training diverged at step [0-9]+: the loss jumped to [0-9.]+ nats .* Clip the gradient \(e.g. clip=1\) or lower the learning rate"
match "the last finite model is kept and still generates" "the last finite model, after [0-9]+ steps, is kept as rnn-tiny-en"
match "…and generates" "^the.{5}$"
has "an unknown optimiser" "optim=adagrad: must be adam or sgd."
tz --lang tr -c "train rnn corpus=tiny-en optim=sgd lr=1e30 clip=0 hidden=16 embed=8 seq=8 batch=4 epochs=3"
match "the same in Turkish" "eğitim [0-9]+. adımda ıraksadı: .* Gradyanı kırpın"

# --- word level ------------------------------------------------------------------------------
run="train lstm corpus=tiny-en level=word hidden=32 embed=16 seq=8 batch=4 epochs=20 lr=0.01 seed=3; generate \"the cat\" n=12 seed=2; save lstm-tiny-en $TMP/w.tzm; load $TMP/w.tzm as wback; generate wback \"the cat\" n=12 seed=2; generate \"the zebra\" n=3; models"
tz -c "$run"
status_is "a word-level LSTM trains, generates, saves and loads: exit 0" 0
match "training counts words and nats per word" 'lstm-tiny-en trained: [0-9]+ words, [0-9,]+ parameters; final loss [0-9.]+ nats/word, held-out perplexity [0-9.]+'
# the generated text (prompt + 12 words, sentence ends as line ends) of the trained model and of the loaded one
gen1=$(printf '%s\n' "$out" | sed -n '/trained:/,/saved:/p' | sed '1d;$d')
gen2=$(printf '%s\n' "$out" | sed -n '/ loaded: /,/^note:/p' | sed '1d;$d')
w=$(printf '%s' "$gen1" | wc -w); nl=$(printf '%s\n' "$gen1" | wc -l)
# 12 tokens after the 2 of the prompt: each a word, or a sentence end (a line end)
[ -n "$gen1" ] && [ "$gen1" = "$gen2" ] && [ $((w + nl - 1)) -eq 14 ] && ok "12 tokens are generated after the prompt, and the loaded model writes the same" \
  || bad "word generation ($w words)" "$out"
has "loads back as a word model" "loaded: lstm language model"
has "an unknown word becomes <unk>, named" "words outside model wback's vocabulary are read as <unk>: 'zebra'"
match "models shows the vocabulary in words" 'lstm-tiny-en +lstm +[0-9]+ words'

finish
