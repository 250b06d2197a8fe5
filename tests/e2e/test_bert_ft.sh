#!/usr/bin/env bash
# Fine-tuning BERT at the prompt (issue 8): finetune bert task=sentiment file=sentiment-tr
# from=scratch (a WordPiece vocabulary learnt on the sentences, random weights — the baseline
# without pre-training) with small settings; the held-out accuracy and the epochs' table; predict
# (labels sorted, probabilities summing to 1, the WordPiece tokens read); test (accuracy and the
# per-label table); a labelled file of one's own; the bad input around them.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

small='from=scratch dim=32 layers=1 heads=2 vocab=2000 maxlen=48 lr=5e-3'
tz -c "finetune bert task=sentiment file=sentiment-tr $small epochs=4; predict \"Bu kitabı çok beğendim, herkese tavsiye ederim.\"; test; models; save bert-scratch-sentiment-tr $TMP/ft.tzb; load $TMP/ft.tzb as back; test model=back"
status_is "finetune from scratch, predict, test: exit 0" 0
match "the vocabulary is learnt on the sentences" 'no pre-training: a WordPiece vocabulary of [0-9,]+ pieces was learnt on the training sentences \([0-9.]+ s\); the weights are random \(D32 L1 H2\)'
match "the training set and its labels" '^544 training sentences \([0-9,]+ WordPiece pieces, [0-9.]+% \[UNK\]\), 2 labels: neg pos$'
match "a row per epoch" '^      4 +[0-9.]+ +[0-9.]+ +[0-9.]+$'
match "held-out accuracy on the test part, with the time" 'bert-scratch-sentiment-tr is ready: held-out accuracy [0-9.]+ \(136 sentences: .*datasets/sentiment/tr.test.txt\); training [0-9.]+ s \(136 steps'
acc=$(printf '%s\n' "$out" | sed -n 's/.*held-out accuracy \([0-9.]*\).*/\1/p' | head -n 1)
awk -v a="$acc" 'BEGIN { exit !(a >= 0.6) }' && ok "it learns something (held-out accuracy $acc ≥ 0.6)" || bad "learns" "$out"
# predict: both labels, most probable first, summing to 1, with bars
probs=$(printf '%s\n' "$out" | grep -E '^  (pos|neg) +[01]\.[0-9]{3}  ' | awk '{print $2}')
[ "$(printf '%s\n' "$probs" | wc -l)" = 2 ] && ok "predict lists both labels" || bad "two labels" "$out"
printf '%s\n' "$probs" | awk 'NR==1{a=$1} NR==2{b=$1} END{exit !(a >= b && a+b > 0.998 && a+b < 1.002)}' \
  && ok "sorted, summing to 1 ($(echo $probs))" || bad "sorted probabilities summing to 1" "$out"
match "predict shows the tokens it read" '^  \([0-9]+ tokens: \[CLS\] bu kitabı çok .* herkese tavsiye ederim \. \[SEP\]\)$'
has "test alone uses the held-out part" "(test set: $ROOT/datasets/sentiment/tr.test.txt)"
match "test: accuracy" '^  accuracy.[0-9.]+$'
match "test: the per-label table" '^  neg +68 +[0-9]+ +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+$'
tacc=$(printf '%s\n' "$out" | sed -n 's/^  accuracy.\([0-9.]*\)$/\1/p' | head -n 1)
[ "$tacc" = "$acc" ] && ok "test measures what the training reported ($tacc)" || bad "same accuracy ($acc vs $tacc)" "$out"
match "models lists it as a classifier" 'bert-scratch-sentiment-tr +bert +V[0-9]+ C48 D32 L1 H2, [0-9]+ parameters, a 2-label classifier \(sentiment-tr\)'
n=$(printf '%s\n' "$out" | grep -c '^  accuracy'); u=$(printf '%s\n' "$out" | grep '^  accuracy' | sort -u | wc -l)
[ "$n" = 2 ] && [ "$u" = 1 ] && ok "saved and loaded back (bertio.c), it tests the same" || bad "same accuracy after save/load" "$out"

# a labelled file of one's own, three labels, lines without a label; k=1
{ for i in 1 2 3 4 5 6 7 8; do
    echo "__label__sports the team won the match $i"; echo "__label__food a tasty soup with bread $i"
    echo "__label__tech the new phone has a fast chip $i"; done; echo "a line with no label"; } > "$TMP/three.txt"
tz -c "finetune bert file=$TMP/three.txt $small epochs=3 name=three; predict \"the match\" k=1; test $TMP/three.txt; test"
match "three labels in byte order" '^2[0-9] training sentences .*3 labels: food sports tech$'
has "the line without a label is named" "note: 1 lines without a label (the first: line 25)"
match "a tenth held out" 'held-out accuracy [0-9.]+ \(2 sentences: the held-out tenth of the file\)'
[ "$(printf '%s\n' "$out" | grep -cE '^  (sports|food|tech) +[01]\.[0-9]{3}  ')" = 1 ] && ok "k=1 shows one label" || bad "k=1" "$out"
match "test FILE" "three on $TMP/three.txt \\(24 examples\\)"
has "test alone needs a file for a file model" "which file? test FILE (three was fine-tuned on a file"

# from a pre-trained BERT (train bert, tiny): a new model, the pre-trained one kept as it was
pre='train bert corpus=mini-tr dim=32 layers=1 heads=2 ctx=32 vocab=500 steps=10 batch=8'
tz -c "$pre; predict \"güzel\"; finetune bert task=sentiment file=sentiment-tr epochs=1 maxlen=32 lr=1e-3; finetune bert file=sentiment-tr epochs=1 maxlen=32 seed=2 name=again; fillmask \"bu kitap çok [MASK] .\" model=bert-mini-tr; models; finetune bert file=sentiment-tr maxlen=100 model=bert-mini-tr; finetune bert file=sentiment-tr epochs=1 maxlen=32 model=again name=t2"
has "predict with a pre-trained BERT says what to do" "bert-mini-tr is a pre-trained BERT without a classifier. Fine-tune it first"
match "it starts from the pre-trained model" '^starting from: bert-mini-tr \(train bert corpus=mini-tr steps=10; D32 L1 H2, [0-9,]+ parameters\)\.$'
match "into a new model named after it" 'bert-mini-tr-sentiment-tr is ready: held-out accuracy [0-9.]+ \(136 sentences'
match "a second run starts from the pre-trained one again, not from the first result" 'again +bert +V500 C32 D32 L1 H2, [0-9]+ parameters, a 2-label classifier.*finetune model=bert-mini-tr '
match "the pre-trained one still fills in a [MASK]" '^bert-mini-tr: [0-9]+ pieces: \[CLS\] bu'
match "and is listed without a classifier" '^  bert-mini-tr +bert +V500 C32 D32 L1 H2, [0-9]+ parameters  '
has "maxlen beyond the model's context" "maxlen=100: bert-mini-tr knows at most 32 positions (its context); give maxlen=32 or less."
match "a fine-tuned BERT can be tuned again when named" '^starting from: again \(.*; fine-tuned: sentiment-tr, 34 steps; D32'
match "into another new model" 't2 is ready: held-out accuracy [0-9.]+' 


# --- bad input ---------------------------------------------------------------------------
printf '' > "$TMP/empty.txt"
printf 'just a sentence\nanother one\n' > "$TMP/nolabel.txt"
printf '__label__pos good\n__label__pos fine\n' > "$TMP/one.txt"
tz -c "finetune bert task=sentiment file=nothere.txt from=scratch; finetune bert task=sentiment file=$TMP/empty.txt from=scratch; finetune bert file=$TMP/nolabel.txt from=scratch; finetune bert file=$TMP/one.txt from=scratch"
has "no such file" "there is no file 'nothere.txt'"
has "an empty file" "is empty: give a file whose lines are '__label__LABEL text'"
has "no line has a label" "has no labelled lines (none of its 2 lines starts with '__label__')"
has "one label only" "has one label only (pos): classifying needs at least two"
status_is "each counts as a failure" 1
tz -c "predict \"iyi\"; finetune bert task=sentiment file=sentiment-tr; finetune bert file=sentiment-tr model=nobody; finetune gpt file=sentiment-tr; finetune bert task=ner file=sentiment-tr; finetune bert task=sentiment; finetune bert file=sentiment-tr from=nowhere; finetune bert file=sentiment-tr from=scratch model=x; finetune bert file=sentiment-tr dim=64; finetune bert file=sentiment-tr.test from=scratch; finetune bert file=sentiment-tr from=scratch dim=30 heads=4; finetune bert file=sentiment-tr from=scratch epochs=0; finetune; finetune bert extra"
hasnt "nothing crashes" "Segmentation"
has "predict before any model" "no model"
has "no BERT in the session" "there is no BERT in this session"
has "an unknown model" "there is no model 'nobody'"
has "only BERT is fine-tuned" "'gpt' cannot be fine-tuned"
has "an unknown task" "task=ner: the one task so far is sentence classification"
has "no file" "which file? give file=FILE|sentiment-tr|sentiment-en"
has "from= takes scratch only" "from=nowhere: only from=scratch"
has "model= and from=scratch" "model= and from=scratch do not go together"
has "shape options need from=scratch" "dim= goes with from=scratch only"
has "the held-out part is not for training" "sentiment-tr.test is the held-out test part, not for training"
has "heads must divide dim" "heads=4 does not divide dim=30"
match "epochs out of range" 'epochs.*1'
match "finetune without arguments" 'finetune: too few'
match "too many arguments" 'finetune: too many'
# a model that is not a BERT is not taken by predict/test of a BERT, and a pre-trained BERT
# without a classifier says what to do (once a model exists that is a BERT without a head)
tz -c "finetune bert file=sentiment-tr $small epochs=1 name=b1; predict b1 \"güzel\" k=0; predict b1 \"güzel\" k=1; test nothere.txt; predict"
match "predict MODEL TEXT" '^  (pos|neg) +[01]\.[0-9]{3}  '
match "predict without a text" 'predict: too few' 
match "k=0 refused" 'k.*1'
has "test with a missing file" "there is no file 'nothere.txt'"
finish
