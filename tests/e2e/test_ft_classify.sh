#!/usr/bin/env bash
# FastText's classifier at the prompt: `train fasttext-sup` on our sentiment sets, `predict`
# (the chapter's example), `test` (P@k, R@k), .bin both ways with Debian's `fasttext` as the
# real peer, and the bad input around them.
. "$(dirname "$0")/lib.sh"
command -v fasttext >/dev/null || { bad "Debian's fasttext is installed (make deps installs it)"; finish; exit 1; }
cd "$TMP"
EX='There is nothing to like in this movie.'

tz -c "train fasttext-sup file=sentiment-en epoch=25 wordNgrams=2 bucket=200000; predict \"$EX\" k=2; test sentiment-en; save sup-en $TMP/sup.bin; models"
status_is "train, predict, test, save: exit 0" 0
match "training reports examples, words, labels" 'sup-en trained: 544 examples, [0-9,]+ words, 2 labels'
match "the chapter's example comes out negative" '^  neg +0\.[6-9][0-9]+ +█+'
match "… with the other label second" '^  pos +0\.[0-3][0-9]+'
has "test uses the held-out part, and says so" "(test set: $ROOT/datasets/sentiment/en.test.txt)"
match "test prints N (136 held-out lines)" 'N	136'
p1=$(printf '%s\n' "$out" | sed -n 's/^  P@1	//p')
awk -v p="$p1" 'BEGIN { exit !(p >= 0.60 && p <= 0.80) }' && ok "P@1 on held-out English is what fastText gets (0.60–0.80: $p1)" || bad "P@1 0.60–0.80" "$out"
match "per-label precision, recall, F1" '^  neg +68 +[0-9]+ +[0-9]+ +0\.[0-9]+ +0\.[0-9]+ +0\.[0-9]+'
match "models lists the classifier" 'sup-en +fasttext-sup .*wordNgrams=2 loss=softmax bucket=200000'

# the peer reads our .bin: same label and probability for the example, same P@1 on the test set
theirs=$(printf '%s\n' "$EX" | fasttext predict-prob "$TMP/sup.bin" - 1)
ours=$(printf '%s\n' "$out" | sed -n 's/^  neg  *\(0\.[0-9]*\).*/\1/p' | head -1)
awk -v t="$theirs" -v o="$ours" 'BEGIN { split(t, a, " "); d = a[2] - o; if (d < 0) d = -d;
  exit !(a[1] == "__label__neg" && d < 0.0011) }' && ok "fasttext predict-prob on our .bin: __label__neg with our probability ($ours)" \
  || bad "fasttext predict-prob on our .bin" "theirs: $theirs; ours: $ours"
ftp1=$(fasttext test "$TMP/sup.bin" "$ROOT/datasets/sentiment/en.test.txt" 1 | sed -n 's/^P@1	//p')
[ "$ftp1" = "$p1" ] && ok "fasttext test on our .bin gives our P@1 ($p1)" || bad "fasttext test on our .bin = our P@1" "theirs $ftp1, ours $p1"

# a classifier fastText trained loads and predicts as fastText does
fasttext supervised -input "$ROOT/datasets/sentiment/tr.txt" -output "$TMP/ft-tr" -epoch 25 -wordNgrams 2 -bucket 100000 -thread 1 -verbose 0
theirs=$(printf 'Yemekler soğuktu ve garson çok kabaydı.\n' | fasttext predict-prob "$TMP/ft-tr.bin" - 2)
tz --lang tr -c "load $TMP/ft-tr.bin; predict \"Yemekler soğuktu ve garson çok kabaydı.\" k=2; test sentiment-tr"
has "a fastText classifier loads" "ft-tr.bin yüklendi: 1.635 sözcük"
lab=$(printf '%s' "$theirs" | cut -d' ' -f1 | sed 's/__label__//')
p=$(printf '%s' "$theirs" | cut -d' ' -f2)
match "… and predicts fastText's label ($lab) first" "^  $lab +0,[0-9]+"
ours=$(printf '%s\n' "$out" | sed -n "s/^  $lab  *\(0,[0-9]*\).*/\1/p" | head -1 | tr , .)
awk -v a="$p" -v b="$ours" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 0.0011) }' \
  && ok "… with fastText's probability ($p vs $ours)" || bad "same probability" "theirs $theirs; ours $ours"
ftp1=$(fasttext test "$TMP/ft-tr.bin" "$ROOT/datasets/sentiment/tr.test.txt" 1 | sed -n 's/^P@1	//p' | tr . ,)
has "our test of fastText's model = fasttext test ($ftp1)" "P@1	$ftp1"

# one thread, one seed: one model (a class sees the same numbers)
tz -c "train fasttext-sup file=sentiment-tr seed=3; predict Harika bir kitaptı; train fasttext-sup file=sentiment-tr seed=3 name=again; predict Harika bir kitaptı"
n=$(printf '%s\n' "$out" | grep -E '^  (pos|neg) ' | sort -u | wc -l)
[ "$n" = 1 ] && ok "the same seed gives the same prediction, to the last digit" || bad "same seed, same prediction" "$out"

# --- bad input ---------------------------------------------------------------------------
printf 'just words here\nno labels at all\n' > "$TMP/plain.txt"
printf '__label__a \xff\xfe broken\n' > "$TMP/bad.txt"
tz -c "predict hello; train fasttext-sup; train fasttext-sup file=$TMP/plain.txt; train fasttext-sup file=$TMP/bad.txt; train fasttext-sup file=nothere.txt; train fasttext-sup file=sentiment-en loss=ns; train fasttext-sup file=sentiment-en minn=4 maxn=2; train fasttext-sup file=sentiment-en epoch=0"
has "predict with no model" "there is no model yet"
has "no file given" "which file? give file=FILE"
has "a file without labels says what a label line looks like" "has no labels: the classifier expects each line to start with '__label__LABEL'"
match "invalid UTF-8 names the place" 'bad.txt.*(UTF-8)'
has "a missing file" "there is no file 'nothere.txt'"
has "an unknown loss" "loss=ns: must be softmax, hs (hierarchical softmax) or ova (one-vs-all)."
has "minn above maxn" "minn=4 maxn=2: need 1 ≤ minn ≤ maxn"
match "epoch=0" 'epoch=0: must be between 1 and'
tz -c "train word2vec corpus=tiny-en epochs=1; predict hello; test sentiment-en; train fasttext-sup file=sentiment-en; test $TMP/plain.txt; test nothere; models"
has "predict on a word2vec model" "w2v-tiny-en is not a classifier (word2vec)"
has "test on a file without labels" "has no labels"
has "test on a missing file" "there is no file 'nothere'"
has "the session goes on: both models are there" "sup-en"
tz -c "predict \"$(printf 'a \xff b')\""
has "predict with invalid UTF-8 is refused before it runs" "the line is not valid UTF-8"
tz -c "datasets; corpus sentiment-en; corpus $ROOT/datasets/sentiment/en.txt"
has "datasets names the labelled sets" "Labelled sets for the classifier (datasets/sentiment, written for tezgah): sentiment-tr, sentiment-en"
has "a labelled set is not a corpus" "sentiment-en is not a corpus but a labelled set for the classifier"
has "a labelled file loaded as a corpus is allowed, with a note" "starts with labelled lines (__label__…)"
tz --lang tr -c "train fasttext-sup file=$TMP/plain.txt"
has "the same in Turkish" "içinde hiç etiket yok"

finish
