#!/usr/bin/env bash
# The views without a window (--headless): every view goes to a PNG, `snap` and `export`
# write what is shown, `find` marks a word, `views`/`view` switch; and the bad input of the
# plotting commands gets clear messages while the PNG path keeps working.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
TRAIN="train word2vec corpus=mini-en epochs=3 seed=1"

tz -c "$TRAIN; plot pca top=40; views; snap $TMP/a.png; export $TMP/a.tsv; find the out=$TMP/f.png"
status_is "plot, views, snap, export, find: exit 0" 0
has "headless plot says where the picture went" "Picture: tezgah-scatter.png  (no window: the view was written as PNG)"
[ "$(identify -format '%w %h' "$TMP/tezgah-scatter.png" 2>/dev/null)" = "1280 800" ] && ok "the default picture is 1280×800" || bad "the default picture is 1280×800"
match "views marks the view shown and the empty ones" '\* scatter +words on a plane'
match "… the heatmap is empty" 'heatmap +a matrix as a heatmap \(plot similarity\)  \(empty\)'
has "snap writes the view" "the scatter view was written as 1280×800: $TMP/a.png"
has "export counts its rows" "the numbers behind the scatter view (40 rows, tab-separated) were written to: $TMP/a.tsv"
[ "$(head -n 1 "$TMP/a.tsv")" = "$(printf 'word\tx\ty\trole')" ] && ok "export: a header line" || bad "export: a header line" "$(head -n 2 "$TMP/a.tsv")"
[ "$(wc -l < "$TMP/a.tsv")" -eq 41 ] && ok "export: one line per point" || bad "export: one line per point" "$(wc -l < "$TMP/a.tsv")"
awk -F'\t' 'NR > 1 && (NF != 4 || $2 !~ /^-?[0-9.e+-]+$/) { bad = 1 } END { exit bad }' "$TMP/a.tsv" \
  && ok "export: word, x, y, role on every line" || bad "export: word, x, y, role on every line" "$(head -n 5 "$TMP/a.tsv")"
has "find marks a plotted word" "'the' is marked."
# snap wrote the same picture as plot; find's picture has the ring on top of it
[ "$(compare -metric AE "$TMP/a.png" "$TMP/tezgah-scatter.png" null: 2>&1)" = "0" ] && ok "snap = the plotted picture" || bad "snap = the plotted picture"
ring=$(compare -metric AE "$TMP/a.png" "$TMP/f.png" null: 2>&1 | cut -d' ' -f1)
[ "${ring:-0}" -gt 200 ] && ok "find draws a ring ($ring pixels changed)" || bad "find draws a ring ($ring pixels changed)"
orange=$(convert "$TMP/f.png" -fill black +opaque 'rgb(230,120,0)' -fill white -opaque 'rgb(230,120,0)' -format '%[fx:mean*w*h]' info: 2>/dev/null | cut -d. -f1)
[ "${orange:-0}" -gt 50 ] && ok "… in the find colour ($orange orange pixels)" || bad "… in the find colour ($orange orange pixels)"

tz -c "$TRAIN; plot similarity king queen man woman paris out=$TMP/h.png; export $TMP/h.tsv; view loss out=$TMP/l.png; export $TMP/l.tsv"
status_is "similarity heatmap and loss view: exit 0" 0
match "plot similarity names the most and least alike pair" 'most alike: [a-z]+–[a-z]+ \(0\.[0-9]+\); least alike: '
[ "$(head -n 1 "$TMP/h.tsv")" = "$(printf '\tking\tqueen\tman\twoman\tparis')" ] && ok "heatmap export: column labels" || bad "heatmap export: column labels" "$(head -n 2 "$TMP/h.tsv")"
awk -F'\t' 'NR > 1 { if ($(NR) + 0 < 0.9999) bad = 1 } END { exit bad }' "$TMP/h.tsv" && ok "heatmap export: 1 on the diagonal" || bad "heatmap export: 1 on the diagonal" "$(cat "$TMP/h.tsv")"
[ "$(head -n 1 "$TMP/l.tsv")" = "$(printf 'series\tstep\tloss')" ] && ok "loss export: header" || bad "loss export: header" "$(head -n 3 "$TMP/l.tsv")"
[ "$(wc -l < "$TMP/l.tsv")" -ge 2 ] && ok "loss export: the training's losses were recorded" || bad "loss export: losses recorded" "$(cat "$TMP/l.tsv")"
for f in h l; do
  [ "$(identify -format '%w %h' "$TMP/$f.png" 2>/dev/null)" = "1280 800" ] && ok "view picture $f.png is 1280×800" || bad "view picture $f.png"
done

# one series per training on the loss curve, named by its model, the last four kept (a job's
# memory reused by the next job must not merge two series)
tz -c "train word2vec corpus=tiny-en epochs=2 name=a; train word2vec corpus=tiny-en epochs=2 name=b; train word2vec corpus=tiny-en epochs=2 name=c; plot tsne top=20 iterations=100 out=$TMP/x.png; view loss out=$TMP/l4.png; export $TMP/l4.tsv"
series=$(cut -f1 "$TMP/l4.tsv" | tail -n +2 | sort -u | tr '\n' ' ')
[ "$series" = "a (skipgram, tiny-en) b (skipgram, tiny-en) c (skipgram, tiny-en) " ] && ok "three trainings, three series (t-SNE is not one)" \
  || bad "three trainings, three series (t-SNE is not one)" "$series"
awk -F'\t' 'NR > 1 { if ($1 == prev && $2 + 0 < step) bad = 1; prev = $1; step = $2 + 0 } END { exit bad }' "$TMP/l4.tsv" \
  && ok "… each series' steps go forward" || bad "… each series' steps go forward" "$(cat "$TMP/l4.tsv")"

# t-SNE as a job in a script: final KL, picture written
tz -c "$TRAIN; plot tsne top=80 iterations=300 out=$TMP/t.png; export $TMP/t.tsv"
match "t-SNE reports the final KL" 't-SNE: 80 words, final KL divergence [0-9.]+ \(perplexity 26\.33, exact\)'
has "t-SNE picture written" "Picture: $TMP/t.png"
[ "$(wc -l < "$TMP/t.tsv")" -eq 81 ] && ok "t-SNE export: 80 points" || bad "t-SNE export: 80 points"

# Barnes-Hut above 500 points (and on request), the knobs of t-SNE, and their bad values
tz -c "$TRAIN; plot tsne top=600 iterations=250 out=$TMP/bh.png; plot tsne top=60 iterations=250 method=bh perplexity=5 init=random seed=7 lr=50 exaggeration=8 theta=0.8 out=$TMP/bh2.png; plot tsne top=50 init=foo; plot tsne top=50 method=umap; plot tsne top=50 theta=9"
match "more than 500 points: Barnes-Hut" 't-SNE: 600 words, final KL divergence [0-9.]+ \(perplexity 30, Barnes-Hut\)'
match "method=bh with all the knobs" 't-SNE: 60 words, final KL divergence [0-9.]+ \(perplexity 5, Barnes-Hut\)'
has "a bad init=" "init=foo: must be 'pca' or 'random'."
has "a bad method=" "method=umap: must be 'auto', 'exact' or 'bh' (Barnes-Hut)."
has "a bad theta=" "theta=9: must be between 0 and 1.5."

# stop (here SIGINT) freezes a t-SNE where it is: the map so far is the picture
"$TEZGAH" --headless -c "$TRAIN; plot tsne top=1150 iterations=10000 out=$TMP/frozen.png" > "$TMP/frozen.out" 2>&1 &
pid=$!
for _ in $(seq 1200); do grep -q trained "$TMP/frozen.out" && break; sleep 0.1; done   # (slow under the sanitizers)
sleep 1.5
kill -INT $pid
wait $pid
out=$(cat "$TMP/frozen.out")
# (on a slow machine the signal may come while it still looks for neighbours: also fine)
if printf '%s' "$out" | grep -q 'during the neighbour search'; then
  ok "a t-SNE stopped during its neighbour search says so"
else
  match "a stopped t-SNE says where it stopped" 't-SNE was stopped at iteration [0-9]+ \(of 10000\); the map is frozen there.'
  has "… and the frozen map is the picture" "Picture: $TMP/frozen.png"
fi

# live, headless: the final state of the watched words is the picture
tz -c "train word2vec corpus=mini-en epochs=3 seed=1 name=a; plot pca words king queen man woman live"
has "live with no training running says what to do" "no training is running. First: train word2vec corpus=en ; then: plot pca words … live"

# --- bad input -----------------------------------------------------------------------------
tz -c "plot pca top=10; plot tsne top=10; find king; export $TMP/none.tsv; view heatmap out=$TMP/e.png"
has "plot with no model" "there is no model yet. Train one"
has "find with nothing plotted" "there are no words on the map yet; first 'plot pca …'"
has "export with nothing shown" "the scatter view has no data yet; plot something first."
has "an empty view still renders (what would fill it)" "Picture: $TMP/e.png"
tz -c "$TRAIN; plot pca words king queen zzqx man wman; plot pca top=100000 out=$TMP/big.png; plot tsne top=20 perplexity=10; find nothere; view bogus; snap $TMP/x.jpg; export $TMP/x.csv; window open; window sideways; snap /nonexistent/dir/s.png; export /nonexistent/dir/e.tsv"
has "unknown words in the list are skipped and named" "model w2v-mini-en: skipped 2 words that are not in its vocabulary: zzqx, wman"
match "N larger than the vocabulary: all words" "top=100000: model w2v-mini-en has only [0-9]+ words; plotting all of them."
has "perplexity too large for N" "perplexity=10 is too large for 20 points: it must be below 6.33"
has "find names a word that is not on the map" "'nothere' is not on the map"
has "an unknown view" "there is no view 'bogus'; the views are: scatter, loss, heatmap"
has "snap wants .png" "snap writes a PNG: the file name must end in .png"
has "export wants .tsv" "export writes tab-separated text: the file name must end in .tsv"
has "a window that cannot open (headless)" "no window (--headless or no display); views are written as PNG: 'snap FILE.png'."
has "an unknown window sub-command" "there is no 'window sideways'; window open | close"
has "an unwritable snap" "cannot write '/nonexistent/dir/s.png'"
has "an unwritable export" "cannot write '/nonexistent/dir/e.tsv'"
tz --lang tr -c "$TRAIN; plot pca words king queen zzqx man; window open; view bogus"
has "Turkish: skipped words" "w2v-mini-en modelinin sözlüğünde olmayan 1 sözcük atlandı: zzqx"
has "Turkish: no window" "pencere yok (--headless ya da ekran yok)"
has "Turkish: unknown view" "'bogus' diye bir görünüm yok"
# no display at all (not headless): the window cannot open, PNGs still work
out=$(env -u DISPLAY -u WAYLAND_DISPLAY "$TEZGAH" -c "$TRAIN; window open; plot pca top=10 out=$TMP/nd.png" 2>&1); status=$?
has "no display: window open explains" "views are written as PNG"
has "no display: the PNG path still works" "Picture: $TMP/nd.png"

finish
