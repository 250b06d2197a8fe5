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

# the tokens view: out= writes it as a PNG, 'view tokens' shows it again, export writes one row
# per token (index, id, bytes, hex, text), a piece of a character written <0xF0> as in the picture
txt="kitaplarımızdan geliyorum 🙂"
tz -c "train bpe corpus=mini-tr vocab=1000; tokens \"$txt\" out=t.png; export t.tsv; view tokens out=v.png; tokens \"ağaç\"; snap s.png; views"
status_is "tokens out=, export, view tokens: exit 0" 0
has "out= says where the picture went" "Picture: t.png"
[ "$(head -c 8 t.png | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] && ok "t.png is a PNG" || bad "t.png is not a PNG" "$(ls -l t.png 2>&1)"
has "view tokens draws the view again" "Picture: v.png"
[ -s v.png ] && ok "v.png written" || bad "v.png missing"
ids=$(printf '%s\n' "$out" | sed -n 's/^ids: //p' | head -n 1)
ntok=$(printf '%s\n' "$out" | sed -n 's/^bpe-mini-tr: 32 bytes → \([0-9]*\) tokens$/\1/p')
[ "$(head -n 1 t.tsv)" = "$(printf 'index\tid\tbytes\thex\ttext')" ] && ok "export: the header" || bad "export header" "$(head -n 2 t.tsv)"
rows=$(($(wc -l < t.tsv) - 1))
[ -n "$ntok" ] && [ "$rows" = "$ntok" ] && ok "export: one row per token ($rows)" || bad "export has $rows rows for $ntok tokens" "$(cat t.tsv)"
tsv_ids=$(tail -n +2 t.tsv | cut -f2 | tr '\n' ' ' | sed 's/ $//')
[ "$tsv_ids" = "$ids" ] && ok "export: the ids, in order, are the ids printed" || bad "export ids '$tsv_ids', printed '$ids'"
[ "$(tail -n +2 t.tsv | cut -f1 | tr '\n' ' ')" = "$(seq 0 $((rows - 1)) | tr '\n' ' ')" ] && ok "export: index 0, 1, 2, …" || bad "export index" "$(cat t.tsv)"
back=$(tail -n +2 t.tsv | cut -f4 | perl -ne 'chomp; print pack("H*", join "", split / /)')
[ "$back" = "$txt" ] && ok "export: the hex bytes of the tokens put the text back together" || bad "hex joined: '$back'"
sum=$(awk -F'\t' 'NR > 1 { s += $3 } END { print s }' t.tsv)
[ "$sum" = 32 ] && ok "export: the byte counts add up to the text's 32 bytes" || bad "byte counts add up to $sum"
grep -q $'\t<0xF0>' t.tsv && ok "export: the emoji's first byte, a piece of a character, is <0xF0>" || bad "no <0xF0> row" "$(cat t.tsv)"
tail -n +2 t.tsv | cut -f5 | grep -q 'ı' && ok "export: a whole Turkish letter is text" || bad "no row with ı as text" "$(cat t.tsv)"
has "snap draws the tokens view (selected, headless)" "the tokens view was written as 1280×800: s.png"
match "views marks tokens as shown" '^\* tokens +'
[ ! -e tezgah-tokens.png ] && ok "without out=, a headless run writes no picture" || bad "tezgah-tokens.png written"
tz -c "view tokens out=e.png; export e.tsv"
has "an empty tokens view says how to fill it" "the tokens view has no data yet"
tz --lang tr -c "train bpe corpus=tiny-tr vocab=300; tokens \"ağaç\" out=tr.png"
has "Turkish: the picture" "Resim: tr.png"

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
