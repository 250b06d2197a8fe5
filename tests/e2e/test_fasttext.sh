#!/usr/bin/env bash
# FastText at the prompt: training with subwords, unseen words from their n-grams,
# `subwords`, fastText's .bin and .vec written and read — with Debian's `fasttext` as the
# real peer reading what we wrote — and the bad input around them.
. "$(dirname "$0")/lib.sh"
command -v fasttext >/dev/null || { bad "Debian's fasttext is installed (make deps installs it)"; finish; exit 1; }
cd "$TMP"

tz --lang tr -c "train fasttext corpus=mini-tr epochs=5 bucket=200000 seed=1; similar kitaplarımızdan k=5; subwords kitaplarımızdan; save ft-mini-tr $TMP/tr.bin; save ft-mini-tr $TMP/tr.vec"
status_is "train fasttext, similar on an unseen word, subwords, save: exit 0" 0
match "training reports words/s" 'ft-mini-tr eğitildi: [0-9.]+ sözcük × 100 boyut, [1-9][0-9.]* sözcük/sn'
has "an unseen word is answered from its n-grams, and says so" "'kitaplarımızdan' sözlükte yok: vektörü 54 karakter n-gram'ının ortalaması"
match "… its neighbours share its suffixes" '^ +[1-5]  [a-zçğıöşü]*(lar|ler|ımız|imiz|ları|leri)[a-zçğıöşü]* '
has "subwords lists the n-grams with hash and bucket" "<ki                1468299675"
match "… 54 parts" 'kitaplarımızdan: 54 parça \(minn=3 maxn=6, bucket=200000\)'
[ -s "$TMP/tr.bin" ] && ok "a .bin was written" || bad "a .bin was written"
[ "$(head -n 1 "$TMP/tr.vec")" = "1432 100" ] && ok ".vec header: words and dims" || bad ".vec header" "$(head -c 100 "$TMP/tr.vec")"

# unseen words in analogy, odd and arith: their vectors come from their n-grams, and it says so
tz -c "load $TMP/tr.bin as ftq; analogy kitaplarımızdan kitap ev k=3; odd kitaplarımızdan kitaplar evlerimizden kral; arith kitaplarımızdan - kitap + ev k=3; analogy qqqzzz kitap ev; arith qqq"
has "analogy on an unseen word uses its n-grams" "'kitaplarımızdan' is not in the vocabulary: its vector is the mean of its 54 character n-grams"
match "… and answers" 'kitaplarımızdan − kitap \+ ev ≈ \?'
match "odd with two unseen words answers (the odd one: kral)" 'the odd one out: kral'
has "arith with an unseen word" "('kitaplarımızdan' is not in the vocabulary: its vector comes from its character n-grams)"
match "… and answers three neighbours" '^ +3  [a-zçğıöşü]+ '
hasnt "no unknown-word error for FastText models" "is not in the vocabulary of model"

# the peer reads our .bin: the vector of an unseen word as Debian's fasttext computes it
# equals ours (both printed to ~6 digits)
theirs=$(printf 'kitaplarımızdan\n' | fasttext print-word-vectors "$TMP/tr.bin" | cut -d' ' -f2-)
tz -c "load $TMP/tr.bin as back; vector kitaplarımızdan"
ours=$(printf '%s\n' "$out" | sed -n '/dimensions, length/,$p' | tail -n +2 | tr -s ' \n' ' ' | sed 's/^ //')
if [ -n "$theirs" ] && awk -v a="$ours" -v b="$theirs" 'BEGIN { n = split(a, x, " "); m = split(b, y, " ");
     if (n != 100 || m != 100) exit 1; for (i = 1; i <= n; i++) { d = x[i] - y[i]; if (d < 0) d = -d; if (d > 1e-4) exit 1 } }'; then
  ok "fasttext print-word-vectors on our .bin = our vector of an unseen word (100 dims, 1e-4)"
else
  bad "fasttext print-word-vectors on our .bin = our vector" "ours: ${ours:0:200}
theirs: ${theirs:0:200}"
fi
has "a fastText .bin loads as a fasttext model" "loaded: 1,432 words × 100 dims (model name back)"

# fastText's own `nn` on our .bin finds our neighbours with our cosines
theirs=$(printf 'kitap\n' | fasttext nn "$TMP/tr.bin" 5 2>/dev/null | sed 's/^Query word? //' | awk 'NF == 2 { print $1, $2 }')
tz -c "load $TMP/tr.bin as nnq; similar kitap k=5"
ours=$(printf '%s\n' "$out" | awk '$1 ~ /^[1-5]$/ && NF == 3 { print $2, $3 }')
# the same words in the same order, cosines within 1e-3 (fastText prints 6 digits, we print 4)
if [ -n "$theirs" ] && paste -d' ' <(printf '%s\n' "$theirs") <(printf '%s\n' "$ours") |
     awk '{ d = $2 - $4; if (d < 0) d = -d; if ($1 != $3 || d > 1e-3) bad = 1; n++ } END { exit bad || n != 5 }'; then
  ok "fasttext nn on our .bin = our similar (5 words in order, cosines within 1e-3)"
else
  bad "fasttext nn on our .bin = our similar" "theirs:
$theirs
ours:
$ours"
fi

# a model Debian's fasttext trains now, on our mini corpus: our vectors of words in and out of
# its vocabulary are the ones its print-word-vectors prints — to 1e-5 beyond its printing
# (5 significant digits: half a unit of the 5th is up to 5e-5 of the value; we print 6)
fasttext skipgram -input "$ROOT/datasets/mini/tr.txt" -output "$TMP/peer" -dim 16 -epoch 2 -minCount 2 \
  -bucket 50000 -minn 3 -maxn 6 -thread 1 -verbose 0
words="kitap ev kitaplarımızdan ağaçlardaki İstanbul xq"
printf '%s\n' $words | fasttext print-word-vectors "$TMP/peer.bin" > "$TMP/peer.vec"
cmds="load $TMP/peer.bin as peer"
for w in $words; do cmds="$cmds; vector $w"; done
tz -c "$cmds"
ours=$(printf '%s\n' "$out" | awk '/dimensions, length/ { if (n) print ""; split($0, a, ":"); printf "%s", a[1]; n = 1; next }
  /^  -?[0-9]/ { for (i = 1; i <= NF; i++) printf " %s", $i } END { print "" }')
if [ "$(wc -l < "$TMP/peer.vec")" = 6 ] && paste -d'|' "$TMP/peer.vec" <(printf '%s\n' "$ours") | awk -F'|' '{
     n = split($1, x, " "); m = split($2, y, " ");
     if (n != 17 || m != 17 || x[1] != y[1]) bad = 1;
     for (i = 2; i <= n; i++) { d = x[i] - y[i]; if (d < 0) d = -d; if (d > 1e-5 + 5.5e-5 * (x[i] < 0 ? -x[i] : x[i])) bad = 1 } }
     END { exit bad }'; then
  ok "a model fastText trained now: our vectors = its print-word-vectors (6 words, 3 unseen; 1e-5 beyond its 5 printed digits)"
else
  bad "our vectors = fastText's print-word-vectors" "theirs:
$(cut -c1-120 "$TMP/peer.vec")
ours:
$(printf '%s\n' "$ours" | cut -c1-120)"
fi

# a model fastText trained (the committed fixture) answers too
tz -c "load $ROOT/tests/ref/fasttext/tiny.bin; models; similar xyzq k=2; subwords ağ"
match "models lists it as fasttext, with its n-gram settings" 'tiny +fasttext .*skipgram dim=10 minn=3 maxn=6 bucket=2000'
has "an unseen word in fastText's own model" "'xyzq' is not in the vocabulary"
has "subwords of a short Turkish word" "ağ: "

# --- bad input ---------------------------------------------------------------------------
tz -c "train word2vec corpus=tiny-en epochs=1; subwords the; save w2v-tiny-en $TMP/x.bin format=fasttext-bin; train fasttext corpus=tiny-en minn=5 maxn=3; train fasttext corpus=tiny-en neg=0 hs=1; train fasttext corpus=tiny-en bucket=0"
has "subwords on a word2vec model" "w2v-tiny-en is a word2vec model: it has no subwords"
has "fastText formats need a FastText model" "w2v-tiny-en is not a FastText model"
has "maxn below minn" "maxn=3 cannot be smaller than minn=5."
has "FastText needs negative sampling here" "FastText is trained here with negative sampling (neg > 0)."
has "bucket=0" "bucket=0: must be between 1 and"
head -c 200 "$TMP/tr.bin" > "$TMP/cut.bin"
printf 'garbage that is not a model\n' > "$TMP/junk.bin"
tz -c "load $TMP/cut.bin; load $TMP/junk.bin; models"
match "a truncated .bin names the field and the offset" 'cut.bin.*(offset|byte)'
has "the session goes on after a bad file" "no models"

finish
