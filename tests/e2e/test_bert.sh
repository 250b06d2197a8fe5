#!/usr/bin/env bash
# BERT at the prompt (issue 8): `train bert` on mini-tr (a WordPiece vocabulary learnt first,
# then a tiny BERT pre-trained on sentence pairs with MLM and NSP — a second or so), its held-out
# MLM loss falling; `fillmask` prints the top k pieces per [MASK] ([mask] typed in lower case
# too), sorted, each a probability, their sum at most 1, and draws them; `tokens` with a BERT
# shows the ## pieces and [UNK], in the table, the PNG and the export; `info` counts the
# parameters by the formula; bad input of every kind; Ctrl-C during training in tmux keeps a
# usable model.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

shape='vocab=500 dim=32 layers=1 heads=2 ctx=32 batch=16 steps=60 seed=1'
tz -c "train bert corpus=mini-tr $shape; models; info bert-mini-tr"
status_is "train bert, models, info: exit 0" 0
match "the vocabulary is learnt on the text first" 'vocabulary: a WordPiece learnt on the text, 500 pieces \(Turkish lower case'
match "the text is read as sentences, 5% held out" 'text: 40,000 lines → 40,000 sentences, [0-9,]+ pieces .* 37,999 training pairs, 1,999 held-out pairs \(the last 2,000 sentences\)'
match "the sequence is described" 'sequence: \[CLS\] A \[SEP\] B \[SEP\], 32 positions; padding [0-9]+%; masked: 1[0-9.]+% of the real pieces'
match "training reports both losses and the NSP accuracy" 'bert-mini-tr trained: [0-9,]+ parameters, 60 steps; MLM loss [0-9.]+ → [0-9.]+ \(held out [0-9.]+\), NSP loss [0-9.]+ → [0-9.]+, held-out NSP accuracy [0-9.]+ \(512 examples; chance 0.5\)'
first=$(printf '%s\n' "$out" | sed -n 's/.*; MLM loss \([0-9.]*\) → .*/\1/p')
val=$(printf '%s\n' "$out" | sed -n 's/.*(held out \([0-9.]*\)), NSP.*/\1/p')
awk -v a="$first" -v v="$val" 'BEGIN { exit !(a > 5.9 && a < 6.5 && v < a - 0.2) }' \
  && ok "the MLM loss starts at ≈ ln 500 = 6.21 ($first), held out it falls to $val" || bad "MLM loss fell" "$out"
rows=$(printf '%s\n' "$out" | grep -cE '^ +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+$')
v1=$(printf '%s\n' "$out" | grep -E '^ +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+$' | head -1 | awk '{print $4}')
v9=$(printf '%s\n' "$out" | grep -E '^ +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+$' | tail -1 | awk '{print $4}')
[ "$rows" = 10 ] && awk -v a="$v1" -v b="$v9" 'BEGIN { exit !(b < a) }' && ok "an evaluation table of 10 rows, the held-out MLM loss falling ($v1 → $v9)" \
  || bad "evaluation table ($rows rows)" "$out"
match "models lists the BERT" 'bert-mini-tr +bert +V500 C32 D32 L1 H2, [0-9]+ parameters'
total=$(printf '%s\n' "$out" | grep -E '^  total ' | awk '{print $NF}' | tr -d ,)
want=$(awk 'BEGIN { V = 500; C = 32; D = 32; F = 128; L = 1; printf "%d", V*D + C*D + 2*D + 2*D + L*(4*D*D + 2*D*F + 9*D + F) + D*D + D + V + D*D + 3*D + 2*D + 2 }')
[ "$total" = "$want" ] && ok "info: total $total = V·D + C·D + 2D + 2D + L·(4D² + 2DF + 9D + F) + D² + D + V + D² + 3D + 2D + 2" \
  || bad "info total ($total, want $want)" "$out"
match "info: the word embeddings, tied to the MLM output" 'word embeddings \(tied to the MLM output\) +V×D +16,000'
match "info: a layer's feed-forward" 'feed-forward: expand +F×D \+ F +4,224'
match "info: the pre-training's held-out numbers" 'pre-training: 60 steps, held-out MLM loss [0-9.]+ \(perplexity [0-9.]+\), held-out NSP accuracy [0-9.]+'

# --- fillmask ------------------------------------------------------------------------------------
cmd="train bert corpus=mini-tr $shape"
tz -c "$cmd; fillmask \"Kral sarayda [MASK] .\"; fillmask \"[mask] ve [MASK] geldi\" k=3 out=$TMP/fm.png; export $TMP/fm.tsv"
status_is "fillmask: exit 0" 0
match "the pieces as BERT reads them" 'bert-mini-tr: [0-9]+ pieces: \[CLS\] kral saray ##da \[MASK\] \. \[SEP\]'
match "one [MASK]: its position" '^\[MASK\] \(position 4\):$'
one=$(printf '%s\n' "$out" | sed -n '/^\[MASK\] (position 4):$/,/the top 5 together/p')
probs=$(printf '%s\n' "$one" | grep -E '^  [^ ].* [0-9]\.[0-9]{3}' | grep -v together | awk '{ for (i = NF; i > 0; i--) if ($i ~ /^[0-9]\.[0-9]+$/) { print $i; break } }')
n=$(printf '%s\n' "$probs" | grep -c .)
[ "$n" = 5 ] && ok "k=5 by default: five fillers" || bad "five fillers ($n)" "$one"
printf '%s\n' "$probs" | sort -rn -c 2>/dev/null && ok "the fillers are sorted, most likely first" || bad "sorted" "$probs"
sum=$(printf '%s\n' "$probs" | awk '{ s += $1 } END { print s }')
told=$(printf '%s\n' "$one" | sed -n 's/.*the top 5 together: \([0-9.]*\) .*/\1/p')
awk -v s="$sum" -v t="$told" 'BEGIN { exit !(s > 0 && s <= 1.0005 && t <= 1 && (s - t < 0.003 && t - s < 0.003)) }' \
  && ok "their probabilities sum to $sum ≤ 1, as said ($told)" || bad "sum of probabilities ($sum, said $told)" "$one"
match "the sentence with the best guesses" 'with the best guesses: kral sarayda .+ \.$'
match "[mask] in lower case counts: two masks" '^\[MASK\] 1 \(position 1\):$'
match "…the second one" '^\[MASK\] 2 \(position 3\):$'
k3=$(printf '%s\n' "$out" | sed -n '/^\[MASK\] 2 (position 3):$/,/the top 3 together/p' | grep -v together | grep -cE ' [0-9]\.[0-9]{3}')
[ "$k3" = 3 ] && ok "k=3: three fillers per mask" || bad "k=3 ($k3)" "$out"
has "the bar chart was written" "Picture: $TMP/fm.png"
[ "$(head -c 8 "$TMP/fm.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] && ok "…as a PNG" || bad "fm.png is a PNG"
[ "$(head -n 1 "$TMP/fm.tsv")" = "$(printf 'mask\tposition\trank\tid\tpiece\tp')" ] && [ "$(grep -c . "$TMP/fm.tsv")" = 7 ] \
  && ok "export: the numbers behind the bars, a row per filler" || bad "fm.tsv" "$(cat "$TMP/fm.tsv")"

# --- tokens with a BERT --------------------------------------------------------------------------
tz -c "$cmd; tokens \"Kitaplarımızdan geliyorum ☃☃ dedi\" out=$TMP/tk.png; export $TMP/tk.tsv; tokens ids=\"2 474 15 359 3\""
status_is "tokens with a BERT: exit 0" 0
match "the header counts words, pieces, cut words and [UNK]" 'bert-mini-tr \(WordPiece, a vocabulary of 500 pieces\): 39 bytes → 4 words, [0-9]+ pieces; [0-9]+ words cut into pieces, 1 unknown \(\[UNK\]\)'
match "a continuation piece is written with ##, the text it came from beside it" "^ +[0-9]+  ##[^ ]+ +'[^']+'$"
match "the first piece of a word has no ##" "^ +[0-9]+  ki[^#]* +'Ki[^']*'$"
match "an unknown word is [UNK], marked" "^ +1  \[UNK\] +'☃☃'  ← not in the vocabulary$"
match "the ids, then [CLS] and [SEP]" 'as BERT reads it: \[CLS\] = 2 … \[SEP\] = 3'
has "the tokens view was written" "Picture: $TMP/tk.png"
grep -qP '\t##' "$TMP/tk.tsv" && grep -qP '\t1\t6\te2 98 83 e2 98 83\t☃☃$' "$TMP/tk.tsv" \
  && ok "export: ## pieces marked, the [UNK] with its bytes" || bad "tk.tsv" "$(cat "$TMP/tk.tsv")"
match "ids back to text, ## pieces glued" '"\[CLS\] geliyorum \[SEP\]"'

# --- bad input -----------------------------------------------------------------------------------
printf 'tek bir satır\n' > "$TMP/one.txt"
tz -c "fillmask \"a [MASK]\"; fillmask; train bpe corpus=tiny-tr vocab=300; fillmask \"a [MASK]\" model=bpe-tiny-tr; fillmask \"a [MASK]\" model=nope; tokens \"x\" model=nope; info nope; train bert corpus=mini-tr hidden=3; train bert corpus=mini-tr dim=30 heads=4; train bert corpus=mini-tr decay=step; train bert corpus=mini-tr vocab=5; train bert corpus=mini-tr dim=100000; train bert corpus=mini-tr layers=48 dim=4096 ctx=4096 batch=1024; train bert corpus=nothere; train bert corpus=mini-tr tokenizer=nope; train bert corpus=mini-tr tokenizer=bpe-tiny-tr; train bert corpus=mini-tr steps=10 warmup=10; train bert corpus=$TMP/one.txt vocab=100 steps=2"
has "fillmask with no BERT in the session" "there is no BERT in this session. Train one first"
has "fillmask without a text: the usage" 'fillmask: too few arguments. Usage: fillmask "… [MASK] …"'
has "fillmask with a model that is not a BERT" "bpe-tiny-tr is not a BERT (bpe): fillmask wants a BERT"
has "fillmask with an unknown model" "there is no model 'nope'"
has "info with an unknown model" "there is no model 'nope'; 'models' lists the loaded ones"
has "an option of another trainer is named" "train bert: there is no option 'hidden='; options: corpus lang vocab tokenizer"
has "heads must divide dim" "heads=4 does not divide dim=30"
has "an unknown decay" "decay=step is unknown: decay=linear"
match "a vocabulary too small" 'vocab=5: must be between 100 and'
match "an absurd width" 'dim=100000: must be between 8 and 4096'
match "a model too big for memory is refused with the estimate" 'training with these settings needs about [0-9.]+ (TB|GB|MB) of memory .* this machine has [0-9.]+ GB'
has "an unknown corpus" "there is no corpus or file 'nothere'"
has "an unknown tokenizer" "there is no model 'nope'; tokenizer= takes the name of a loaded BERT"
has "a tokenizer that is not a BERT's" "bpe-tiny-tr is not a BERT (bpe); tokenizer= takes a BERT's WordPiece vocabulary"
has "warmup must be below steps" "warmup=10 must be smaller than steps=10"
has "a text without two consecutive sentences" "the text has no two consecutive sentences (1 lines, 1 sentences)"
status_is "every one of them failed: exit status 1" 1
tz -c "$cmd; fillmask \"hiç maske yok\"; fillmask \"$(printf 'kitap %.0s' $(seq 1 40)) [MASK]\"; fillmask \"a [MASK]\" k=0; fillmask \"a [MASK]\" out=x.jpg; tokens \"a\" out=x.jpg; tokens ids=\"2 99999\""
has "fillmask without [MASK]" "there is no [MASK] in the text: write [MASK] where a word should go"
match "a text longer than the context is refused, the counts named" 'the text is [0-9]+ pieces; with \[CLS\] and \[SEP\] that is [0-9]+ positions, but bert-mini-tr reads at most 32 \(its context, ctx\)'
has "k=0" "k=0: must be between 1 and 50"
has "out= must be a PNG" "out= writes a PNG: the name must end in .png ('x.jpg')"
has "tokens: an id outside the vocabulary" "ids: '99999' is not a piece id of bert-mini-tr (0..499)"
status_is "…failed: exit status 1" 1
tz --lang tr -c "fillmask \"a [MASK]\"; train bert corpus=mini-tr dim=30 heads=4; train bert corpus=mini-tr epochs=3"
has "Turkish: no BERT" "oturumda bir BERT yok"
has "Turkish: heads must divide dim" "heads=4, dim=30 değerini tam bölmüyor"
has "Turkish: an option of another trainer" "train bert: 'epochs=' diye bir seçenek yok"
tz -c "train bert corpus=mini-tr vocab=300 dim=32 layers=1 heads=2 ctx=32 batch=8 steps=20 lr=1000 warmup=0 clip=0; fillmask \"kral [MASK]\" k=2"
match "an absurd learning rate: divergence caught, a lower lr named" 'training diverged at step [0-9]+ .* Lower the learning rate \(e.g. lr=100\)'
match "the last sane model is kept" 'the last sane model, after [0-9]+ steps, is kept as bert-mini-tr'
has "…and fills masks" "the top 2 together"

# --- Ctrl-C during training, in tmux: the session and the model trained so far stay --------------
if command -v tmux >/dev/null; then
  SOCK=$TMP/tmux.sock
  T new-session -d -s tz -x 200 -y 45 "env HOME=$HOME LANG=C.UTF-8 TERM=xterm $TEZGAH --headless; echo TEZGAH-EXIT=\$?; sleep 30"
  wait_for "the prompt appears" '^tezgah> $'
  T send-keys -t tz 'train bert corpus=mini-tr vocab=300 dim=32 layers=1 heads=2 ctx=32 batch=8 steps=100000' Enter
  wait_for "the progress line shows the MLM loss, its held-out value, the NSP loss and the step" 'pair/s +loss [0-9.]+ +val [0-9.]+ +NSP [0-9.]+ \(val [0-9.]+\) +step [0-9]+/100000' 30
  T send-keys -t tz C-c
  wait_for "Ctrl-C stops training and keeps the model" 'training stopped at step [0-9]+ of 100000; the model trained so far is kept as bert-mini-tr' 15
  T send-keys -t tz 'fillmask "kral [MASK] yaşar" k=2' Enter
  wait_for "the model trained so far fills a mask" 'the top 2 together'
  T send-keys -t tz 'train bert corpus=mini-tr dec' Tab
  wait_for "Tab completes decay=" '^tezgah> train bert corpus=mini-tr decay=$'
  T send-keys -t tz 'co' Tab
  wait_for "…and its values" '^tezgah> train bert corpus=mini-tr decay=cosine $'
  T send-keys -t tz C-u 'quit' Enter
  wait_for "the session ends normally" 'TEZGAH-EXIT=0'
  T kill-server
else
  bad "tmux is installed (make deps installs it)"
fi

finish
