#!/usr/bin/env bash
# Byte-level BPE at the prompt (groundwork of issue 7): train bpe learns a tokenizer from a
# corpus as a job; tokens shows the pieces of a text and their ids. The pieces must put the
# text back together exactly, byte for byte.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

tz -c "train bpe corpus=mini-tr vocab=1000; tokens \"kitaplarımızdan geliyorum\"; tokens \"Ankara'da 2024 🙂\"; models"
status_is "train bpe and tokens: exit 0" 0
match "training reports tokens and merges" 'bpe-mini-tr trained: 1,000 tokens \(256 bytes \+ 744 merges\), from [0-9.]+ MB of text'
match "bytes against tokens" '^bpe-mini-tr: 27 bytes → [0-9]+ tokens$'
# the pieces of the first text, as text, joined: the text itself
pieces=$(printf '%s\n' "$out" | sed -n "/27 bytes/,/19 bytes/p" | sed -n "s/^ *[0-9]* *[^ ]* *'\(.*\)'$/\1/p" | tr -d '\n')
[ "$pieces" = "kitaplarımızdan geliyorum" ] && ok "the pieces put the text back together" || bad "pieces joined: '$pieces'" "$out"
n=$(printf '%s\n' "$out" | sed -n 's/^bpe-mini-tr: 27 bytes → \([0-9]*\) tokens$/\1/p')
[ -n "$n" ] && [ "$n" -lt 27 ] && [ "$n" -ge 2 ] && ok "merges make fewer tokens than bytes ($n < 27)" || bad "token count $n" "$out"
has "a space is written Ġ, as GPT-2 does" "Ġgel"
has "an emoji is bytes: parts of a character" "(part of a character)"
match "models lists the tokenizer" 'bpe-mini-tr +bpe +1,000 tokens \(744 merges\)'

# bad input
tz -c "tokens \"a\"; train bpe; train bpe corpus=nothere; train bpe corpus=mini-tr vocab=10; train word2vec corpus=tiny-en epochs=1; tokens \"a\" model=w2v-tiny-en; tokens \"a\" model=nothere"
has "no tokenizer yet" "there is no BPE tokenizer yet. Train one first"
has "train bpe needs a text" "which text? train bpe corpus=NAME"
has "an unknown corpus" "there is no corpus or file 'nothere'"
match "a vocabulary below the 256 bytes" "vocab=10: must be between 256 and"
has "a model that is not a tokenizer" "w2v-tiny-en is not a BPE tokenizer (word2vec)"
has "an unknown model" "there is no model 'nothere'"
tz --lang tr -c "train bpe corpus=tiny-tr vocab=300; tokens \"ağaç\""
match "Turkish" 'bpe-tiny-tr eğitildi: [0-9.]+ belirteç'
match "Turkish counts" '^bpe-tiny-tr: 6 bayt → [0-9]+ belirteç$'

finish
