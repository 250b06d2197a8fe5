#!/usr/bin/env bash
# Word2Vec through the REPL, on the small corpora we wrote: training (both architectures,
# both objectives), the queries, unknown words, files, evaluation, determinism, Ctrl-C.
. "$(dirname "$0")/lib.sh"

# skip-gram on the English mini corpus: the headline analogy and sensible neighbours
tz -c "train word2vec corpus=mini-en epochs=5 threads=2 seed=1; analogy king man woman k=3; similar paris k=5; odd cat dog horse car; similarity cat dog; similarity cat car; vector king; arith \"paris - france + italy\" k=3; models"
status_is "train + queries: exit 0" 0
match "training reports words/s and a loss" "w2v-mini-en trained: [0-9,]+ words × 100 dims, [0-9,]+ words/s, final loss [0-9.]+"
has "the analogy formula is printed" "king − man + woman ≈ ?"
match "king − man + woman → queen" "^ +1  queen +0\\.[0-9]{4}"
match "the best answer is explained" "best answer queen: cos\\(queen,king\\) = "
match "neighbours of paris are capitals" "nearest to paris: 5 words"
has "odd one out" "the odd one out: car"
cs=$(printf '%s\n' "$out" | sed -n 's/^cosine(cat, dog) = //p'); cc=$(printf '%s\n' "$out" | sed -n 's/^cosine(cat, car) = //p')
if awk -v a="$cs" -v b="$cc" 'BEGIN { exit !(a > b) }'; then ok "cat is nearer dog ($cs) than car ($cc)"; else bad "cat nearer dog than car" "$cs / $cc"; fi
match "vector prints 100 numbers" "king: 100 dimensions, length [0-9.]+"
match "arith: paris - france + italy → rome" "^ +1  rome "
match "models lists it" "^\\* w2v-mini-en +word2vec"

# CBOW, hierarchical softmax, Turkish
tz --lang tr -c "train word2vec corpus=mini-tr mode=cbow hs=1 neg=0 epochs=5 name=tr-cbow; analogy kral erkek kadın k=3; similar ankara k=5"
status_is "CBOW + HS in Turkish: exit 0" 0
match "Turkish training message" "tr-cbow eğitildi: [0-9.]+ sözcük × 100 boyut"
match "kral − erkek + kadın → kraliçe" "^ +1  kraliçe +0,[0-9]{4}"
has "Turkish decimal comma" "0,"

# Query words are lower-cased the Turkish way: KRAL, İSTANBUL
tz --lang tr -c "train word2vec corpus=tiny-tr min_count=1 epochs=1; similar İSTANBUL k=2; similar KRALİÇE k=2"
has "İSTANBUL found as istanbul" "istanbul sözcüğüne en yakın"

# unknown words: named, with the nearest spellings
tz -c "train word2vec corpus=mini-en epochs=1; similar kingg; analogy king man wman"
has "an unknown word is named with suggestions" "the word 'kingg' is not in the vocabulary of model w2v-mini-en. Nearest spellings: king"
has "the analogy names its unknown word" "the word 'wman' is not in the vocabulary"
status_is "unknown words: exit 1" 1
tz -c "similar king"
has "no model yet" "there is no model yet"
tz -c "train word2vec corpus=mini-en epochs=1; similar king model=nope"
has "an unknown model name" "there is no model 'nope'"

# bad training options
tz -c "train word2vec corpus=mini-en mode=glove"
has "bad mode" "mode=glove: must be 'cbow' or 'skipgram'"
tz -c "train word2vec corpus=mini-en dim=0"
has "dim out of range" "dim=0: must be between 1 and 2000"
tz -c "train word2vec corpus=mini-en neg=0 hs=0"
has "no output layer" "neg=0 with hs=0 leaves no output layer"
tz -c "train word2vec corpus=tiny-en min_count=100000"
has "min_count too high" "at least 2 are needed. Lower min_count."
tz -c "train word2vec"
has "no corpus" "which corpus?"
tz -c "train glove corpus=mini-en"
has "unknown model kind" "cannot train 'glove'"
tz -c "train word2vec corpus=mini-en colour=blue"
has "unknown option" "there is no option 'colour='"

# files: save in every format, load back, same answers; the projector pair
tz -c "train word2vec corpus=mini-en epochs=2 seed=3 threads=1; save w2v-mini-en $TMP/v.bin; save w2v-mini-en $TMP/v.txt; save w2v-mini-en $TMP/proj.tsv; similar king k=3"
status_is "save: exit 0" 0
sim1=$(printf '%s\n' "$out" | grep -A3 '^nearest to king')
has "projector files named" "$TMP/proj.vectors.tsv and $TMP/proj.metadata.tsv"
[ "$(wc -l < "$TMP/proj.metadata.tsv")" -eq "$(wc -l < "$TMP/proj.vectors.tsv")" ] && ok "projector: one metadata line per vector" || bad "projector line counts"
[ "$(head -n 1 "$TMP/proj.vectors.tsv" | awk -F'\t' '{print NF}')" -eq 100 ] && ok "projector: 100 tab-separated values a line" || bad "projector columns"
for f in v.bin v.txt; do
  tz -c "load $TMP/$f as back; similar king k=3"
  sim2=$(printf '%s\n' "$out" | grep -A3 '^nearest to king' | sed 's/model back/model w2v-mini-en/')
  [ "$sim1" = "$sim2" ] && ok "load $f: the same neighbours" || bad "load $f: the same neighbours" "$sim1 /// $sim2"
done
head -c 1000 "$TMP/v.bin" > "$TMP/trunc.bin"
tz -c "load $TMP/trunc.bin; models"
has "a truncated file is refused clearly" "trunc.bin"
has "the session goes on after a bad file" "no models yet"
tz -c "load $TMP/nope.bin"
status_is "a missing file: exit 1" 1

# determinism: threads=1 with a seed gives the same bytes
tz -c "train word2vec corpus=mini-tr threads=1 seed=11 epochs=1; save w2v-mini-tr $TMP/a.bin; train word2vec corpus=mini-tr threads=1 seed=11 epochs=1; save w2v-mini-tr $TMP/b.bin; train word2vec corpus=mini-tr threads=1 seed=12 epochs=1; save w2v-mini-tr $TMP/c.bin"
cmp -s "$TMP/a.bin" "$TMP/b.bin" && ok "threads=1 seed=11 twice: identical files" || bad "threads=1 seed=11 twice: identical files"
cmp -s "$TMP/a.bin" "$TMP/c.bin" && bad "another seed gives other vectors" || ok "another seed gives other vectors"

# evaluation with our own sets
tz -c "train word2vec corpus=mini-en epochs=5; eval analogies en; eval pairs en"
match "eval analogies: a total line" "total: [0-9]+ questions, [0-9]+ covered \\([0-9.]+%\\), accuracy [0-9.]+%"
has "eval analogies: per-section lines" "family-gender"
match "eval pairs: Spearman" "Spearman's rho = -?[0-9.]+ +\\([0-9]+ pairs, [0-9]+ covered"
tz -c "train word2vec corpus=mini-en epochs=1; eval analogies $TMP/none.txt"
status_is "eval of a missing file: exit 1" 1
printf ': s\na b c\n' > "$TMP/badq.txt"
tz -c "train word2vec corpus=mini-en epochs=1; eval analogies $TMP/badq.txt"
has "a question line with three words names its line" "line 2"

# plot analogy: the picture is a real PNG of the size we drew (ImageMagick reads it)
tz -c "train word2vec corpus=mini-en epochs=3 seed=1; plot analogy king man woman out=$TMP/an.png"
status_is "plot analogy: exit 0" 0
has "plot analogy names the arrows" "the arrows man → king and woman → queen on the PCA plane"
has "plot analogy says where the picture is" "Picture: $TMP/an.png"
[ "$(identify -format '%w %h' "$TMP/an.png" 2>/dev/null)" = "1280 800" ] && ok "the PNG is 1280×800 (identify)" || bad "the PNG is 1280×800"
tz --lang tr -c "train word2vec corpus=mini-tr epochs=3 seed=1; plot analogy kral erkek kadın out=$TMP/tr.png k=2"
has "plot analogy in Turkish" "erkek → kral ve kadın → kraliçe okları"
# PCA and t-SNE maps
tz -c "train word2vec corpus=mini-en epochs=3 seed=1; plot pca similar=paris k=12 out=$TMP/p.png; plot tsne top=60 iterations=300 out=$TMP/t.png; plot pca words king queen man woman out=$TMP/w.png"
status_is "plot pca/tsne: exit 0" 0
match "plot pca reports the explained variance" "PCA: 13 words; PC1 explains [0-9.]+% of the variance, PC2 [0-9.]+%."
has "plot pca says where the picture went" "Picture: $TMP/p.png  (no window: the view was written as PNG)"
match "plot tsne reports the final KL divergence" "t-SNE: 60 words, final KL divergence [0-9.]+ \(perplexity 19\.67, exact\)"
[ "$(identify -format '%w %h' "$TMP/t.png" 2>/dev/null)" = "1280 800" ] && ok "the t-SNE PNG is 1280×800" || bad "the t-SNE PNG"
tz --lang tr -c "train word2vec corpus=mini-tr epochs=3 seed=1; plot pca similar=ankara k=8 out=$TMP/tp.png"
match "plot pca in Turkish" "PCA: 9 sözcük; açıklanan varyans PC1 %[0-9,]+, PC2 %[0-9,]+"
tz -c "train word2vec corpus=mini-en epochs=1; plot umap; plot analogy king man; plot analogy king man wman; plot pca words king queen; plot tsne similar=kingg; plot tsne top=50 perplexity=80"
has "an unknown plot" "there is no 'plot umap'"
has "plot pca words needs three" "usage: plot pca words W1 W2 W3"
has "plot similar= names an unknown word" "the word 'kingg' is not in the vocabulary"
has "a perplexity too large for the points" "perplexity=80 is too large for 50 points: it must be below 16.33"
has "plot analogy needs three words" "usage: plot analogy A B C"
has "plot analogy names an unknown word" "the word 'wman' is not in the vocabulary"
tz -c "train word2vec corpus=mini-en epochs=1; plot analogy king man woman out=/nonexistent/dir/x.png"
has "an unwritable picture is reported" "cannot write '/nonexistent/dir/x.png'"

# Ctrl-C during training keeps the vectors trained so far
"$TEZGAH" --headless -c "train word2vec corpus=mini-en epochs=200; models; similar king k=2" > "$TMP/int.out" 2>&1 &
pid=$!
sleep 2
kill -INT $pid
wait $pid
out=$(cat "$TMP/int.out")
has "Ctrl-C stops training and keeps the vectors" "training stopped; the vectors trained so far are kept as w2v-mini-en"
has "the stopped model answers queries" "nearest to king"
finish
