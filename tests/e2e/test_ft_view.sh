#!/usr/bin/env bash
# `plot subwords WORD`: the n-gram contributions of a FastText word vector, headless — the
# table in the terminal, the bars as a PNG, `export` (whose contributions add up to |v|),
# `views`/`view bars`, duplicates in fastText's own model, and the bad input around it.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
TRAIN="train fasttext corpus=mini-tr epochs=3 bucket=200000 threads=1 seed=1"

tz -c "$TRAIN; plot subwords kitaplarımızdan; export $TMP/k.tsv; views; plot subwords kitap k=5 out=$TMP/k5.png; export $TMP/k5.tsv"
status_is "train fasttext, plot subwords, export: exit 0" 0
has "an unseen word: its n-grams only, n and |v| said" "kitaplarımızdan (model ft-mini-tr): not in the vocabulary; its vector is the mean of its 54 n-gram rows (n = 54). |v| = "
has "the formula is explained" "each part's contribution c = (x · v̂) / n (x the part's row, v̂ = v / |v|); the contributions add up to |v|:"
has "the table's header" "pulls towards"
match "the top 20 shown, the rest summed up" '… and 34 more parts \(their contributions sum to [0-9.]+\); all of them: export FILE.tsv'
match "Σ c = |v| in the terminal" 'Σ c = ([0-9.]+) = \|v\| = \1'
match "a stem n-gram pulls towards kitap" '^  (<ki|<kit|kit|kita|<kita|ita|itap|tap) +[0-9]+ +[0-9.]+ +[0-9.]+  .*kitap'
has "headless: the picture goes to a PNG and it says where" "Picture: tezgah-bars.png  (no window: the view was written as PNG)"
[ "$(identify -format '%w %h' "$TMP/tezgah-bars.png" 2>/dev/null)" = "1280 800" ] && ok "the picture is 1280×800" || bad "the picture is 1280×800" "$(identify "$TMP/tezgah-bars.png" 2>&1)"
# the bars are the diverging map's red: many pixels of it
red=$(convert "$TMP/tezgah-bars.png" -fuzz 6% -fill black +opaque 'rgb(188,93,87)' -fill white -opaque 'rgb(188,93,87)' -format '%[fx:mean*w*h]' info: 2>/dev/null | cut -d. -f1)
[ "${red:-0}" -gt 20000 ] && ok "bars are drawn ($red red pixels)" || bad "bars are drawn ($red red pixels)"
match "views lists the bars view, shown" '\* bars +horizontal bars \(plot subwords\)'
has "export counts every part" "the numbers behind the bars view (54 rows, tab-separated) were written to: $TMP/k.tsv"
[ "$(head -n 1 "$TMP/k.tsv")" = "$(printf 'part\tkind\trow\tcount\tcontribution\tcosine\tnearest')" ] && ok "export: a header line" || bad "export: a header line" "$(head -n 2 "$TMP/k.tsv")"
norm=$(printf '%s\n' "$out" | sed -n 's/^kitaplarımızdan (model .*|v| = \([0-9.]*\)$/\1/p' | head -n 1)
sum=$(awk -F'\t' 'NR > 1 { s += $5; n += $4 } END { printf "%.6f %d", s, n }' "$TMP/k.tsv")
if [ -n "$norm" ] && awk -v s="${sum% *}" -v v="$norm" 'BEGIN { d = s - v; if (d < 0) d = -d; exit !(d < 6e-5) }'; then
  ok "export: the contributions add up to |v| ($sum vs $norm)"
else
  bad "export: the contributions add up to |v|" "sum ${sum% *}, |v| '$norm'"
fi
[ "${sum#* }" = "54" ] && ok "export: the counts add up to n = 54" || bad "export: the counts add up to n = 54" "${sum#* }"
awk -F'\t' 'NR > 1 && (NF != 7 || $2 != "ngram" || $3 !~ /^[0-9]+$/ || $5 !~ /^-?[0-9.e+-]+$/) { bad = 1 } END { exit bad }' "$TMP/k.tsv" \
  && ok "export: part, kind, row, count, contribution, cosine, nearest on every line" || bad "export: seven columns" "$(head -n 5 "$TMP/k.tsv")"
awk -F'\t' 'NR > 2 && $5 + 0 > prev + 1e-12 { bad = 1 } { prev = $5 + 0 } END { exit bad }' "$TMP/k.tsv" \
  && ok "export: largest contribution first" || bad "export: largest contribution first" "$(cut -f1,5 "$TMP/k.tsv" | head)"
# a word in the vocabulary has its own row, which the picture always shows
has "kitap is in the vocabulary" "kitap (model ft-mini-tr): in the vocabulary; its vector is the mean of its own row and 14 n-gram rows (n = 15)."
match "its own row is one of the 5 bars" '^  kitap \(own row\) +[0-9]+ '
has "k=5: the other 10 summed up" "… and 10 more parts"
[ "$(awk -F'\t' '$2 == "word"' "$TMP/k5.tsv" | wc -l)" -eq 1 ] && ok "export: one row is the word's own" || bad "export: one row is the word's own" "$(cat "$TMP/k5.tsv")"
has "out= names the picture" "Picture: $TMP/k5.png"
[ "$(identify -format '%w %h' "$TMP/k5.png" 2>/dev/null)" = "1280 800" ] && ok "out= picture is 1280×800" || bad "out= picture is 1280×800"

# the same in Turkish, with decimal commas
tz --lang tr -c "$TRAIN; plot subwords kitaplarımızdan k=10 out=$TMP/tr.png; view bars out=$TMP/tr2.png"
has "Turkish: the word and its n-grams" "kitaplarımızdan (model ft-mini-tr): sözlükte yok; vektörü 54 n-gram satırının ortalaması (n = 54). |v| = "
match "Turkish: Σ c = |v| with a decimal comma" 'Σ c = ([0-9]+,[0-9]{4}) = \|v\| = \1'
has "Turkish: the rest summed up" "… ve 44 parça daha"
has "view bars shows the view again" "Resim: $TMP/tr2.png"
[ "$(compare -metric AE "$TMP/tr.png" "$TMP/tr2.png" null: 2>&1)" = "0" ] && ok "view bars = the plotted picture" || bad "view bars = the plotted picture"

# fastText's own model (the committed fixture): a row read twice is one bar, counted twice
tz -c "load $ROOT/tests/ref/fasttext/tiny.bin; plot subwords anana out=$TMP/a.png; export $TMP/a.tsv"
match "a repeated n-gram is one part, ×2" '^  ana ×2 +[0-9]+ '
[ "$(awk -F'\t' '$1 == "ana" { print $4 }' "$TMP/a.tsv")" = "2" ] && ok "export: its count is 2" || bad "export: its count is 2" "$(cat "$TMP/a.tsv")"
match "small contributions get more decimals" 'Σ c = 0\.0601 = \|v\| = 0\.0601'

# --- bad input -----------------------------------------------------------------------------
tz -c "plot subwords kitap"
has "no model" "there is no model yet. Train one"
tz -c "train word2vec corpus=tiny-en epochs=1; plot subwords the; plot subwords; plot subwords iki sözcük; plot subwords the model=yok; views"
has "a word2vec model has no subwords: train FastText or load a .bin" \
  "w2v-tiny-en is a word2vec model: it has no subwords, so there are no n-gram contributions to draw. Train a FastText model with 'train fasttext corpus=…' or load a fastText .bin."
has "missing WORD: the usage" "usage: plot subwords WORD [k=20] [model=NAME] [out=FILE.png]"
[ "$(printf '%s\n' "$out" | grep -c 'usage: plot subwords WORD')" -eq 2 ] && ok "two words: the usage too" || bad "two words: the usage too"
has "an unknown model=" "there is no model 'yok'"
match "the session went on: views answers" 'bars +horizontal bars \(plot subwords\)  \(empty\)'
# (a script, one command a line: the line with a bad byte is refused alone)
printf 'load %s\nplot subwords kitap k=0\nplot subwords kitap k=1000\nplot subwords kitap k=çok\nplot subwords kit\377ap\nplot subwords kitap k=3 out=%s\n' \
  "$ROOT/tests/ref/fasttext/tiny.bin" "$TMP/after.png" > "$TMP/bad.tz"
tz "$TMP/bad.tz"
status_is "failed commands make the exit status non-zero" 1
has "k=0" "k=0: must be between 1 and 40."
has "k too large" "k=1000: must be between 1 and 40."
has "… and what k is" "(k is the number of bars in the picture; every part is summed up in the terminal and written by 'export FILE.tsv'.)"
has "k not a number" "k=çok: expected a whole number (for example k=20)."
has "invalid UTF-8 is refused" "the line is not valid UTF-8 (byte"
has "after all that, the session still plots" "Picture: $TMP/after.png"
tz --lang tr -c "load $ROOT/tests/ref/fasttext/tiny.bin; plot subwords; plot subwords kitap k=0; train word2vec corpus=tiny-en epochs=1; plot subwords the"
has "Turkish: usage" "kullanım: plot subwords SÖZCÜK [k=20] [model=AD] [out=DOSYA.png]"
has "Turkish: bad k" "k=0: 1 ile 40 arasında olmalı."
has "Turkish: not a FastText model" "w2v-tiny-en bir word2vec modeli: alt sözcükleri yok, çizilecek n-gram katkısı da yok."
tz -c "help plot"
has "help plot mentions plot subwords" "plot subwords WORD [k=20]"

finish
