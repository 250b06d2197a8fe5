#!/usr/bin/env bash
# `attention` and `next "…"`: looking inside a small GPT trained here (and, at the end, inside a
# BERT and a LLaMA, and the three side by side: `attention compare`). The numbers printed are
# checked for what they must be whatever the weights: every attention row sums to 1 and is 0
# on the future (the causal mask), the CSV export holds T × T rows per head and reads back
# with a real CSV parser (tokens holding commas, quotes and spaces), the head summaries cover
# every layer × head, the next-token distribution sums to 1 over the whole vocabulary, top-k
# keeps k, top-p keeps the smallest set reaching p, a lower temperature sharpens; the views
# are selected; and every bad input is refused with a message while the session goes on.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

# one tiny GPT for the whole test (2 blocks × 4 heads, context 32), saved and loaded each time
tz -c "train gpt corpus=mini-tr layers=2 heads=4 dim=32 ctx=32 steps=30 name=g; save g $TMP/g.tzgpt"
status_is "a tiny GPT trains and saves" 0
G="load $TMP/g.tzgpt"
TEXT='Ben, \"kahve\" içiyorum; sen çay.'

# --- one head: the compact text, row=, export= --------------------------------------------------
tz -c "$G; attention \"$TEXT\" layer=1 head=2 row=4 export=$TMP/h.csv; views; export $TMP/h.tsv"
status_is "attention layer=1 head=2 row=4 export=: exit 0" 0
has "the head is named, counted from 0" "g, layer 1, head 2 (counted from 0):"
has "the row is announced" "row 4: query 4"
match "a leading space is shown as ␣ (the text's words after a space)" '^ +[0-9]+ +␣'
# the row: "key weight token …" lines between the header and "sum"
row=$(printf '%s\n' "$out" | awk '/^ +key +weight/ { on = 1; next } /^ +sum / { on = 0 } on && $1 ~ /^[0-9]+$/ { print $1, $2 }')
n=$(printf '%s\n' "$row" | grep -c .)
[ "$n" -ge 6 ] && ok "row= prints a weight for every key ($n keys)" || bad "row= keys: $n" "$out"
r=$(printf '%s\n' "$row" | awk '{ s += $2 } END { printf "%.3f", s }')
[ "$r" = "1.000" ] && ok "row 4 sums to 1 ($r)" || bad "row 4 sums to $r" "$row"
r=$(printf '%s\n' "$row" | awk '$1 > 4 && $2 != "0.0000" { bad++ } $1 <= 4 && $2 + 0 <= 0 { pos++ } END { print bad + 0, pos + 0 }')
[ "$r" = "0 0" ] && ok "row 4: 0 on every later key (causal), > 0 on keys 0…4" || bad "causal row: $r" "$row"
has "the future is marked" "(the future: masked)"
match "the window view is the heatmap" '^\* heatmap '
r=$(awk -F'\t' 'NR > 1 { q = NR - 2; for (k = 2; k <= NF; k++) { if (k - 2 > q && $k != "") bad++; if (k - 2 <= q && $k == "") bad++ } n++ }
  END { print n, bad + 0 }' "$TMP/h.tsv")
case "$r" in *" 0") ok "the heatmap's own export: one row per query, the future left empty ($r)" ;; *) bad "heatmap TSV: $r" "$(head -3 "$TMP/h.tsv")" ;; esac
# the export: T × T rows, each query's weights sum to 1, 0 above the diagonal, tokens read back
r=$(python3 - "$TMP/h.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
T = 1 + max(int(r['query']) for r in rows)
sums = {}
future = 0
for r in rows:
    q, k, w = int(r['query']), int(r['key']), float(r['weight'])
    sums[q] = sums.get(q, 0) + w
    if k > q and w != 0: future += 1
heads = {(r['layer'], r['head']) for r in rows}
text = ''.join(r['key_token'] for r in rows if r['query'] == '0')
ok = len(rows) == T * T and all(abs(s - 1) < 1e-4 for s in sums.values()) and future == 0 and heads == {('1', '2')}
print('ok' if ok else 'bad', len(rows), T, future, sorted(heads), repr(text))
EOF
)
case "$r" in "ok "*) ok "export=: T×T rows, rows sum to 1, 0 above the diagonal, layer 1 head 2 ($r)" ;; *) bad "export: $r" "$(head -5 "$TMP/h.csv")" ;; esac
case "$r" in *"'Ben, \"kahve\" içiyorum; sen çay.'") ok "the CSV's tokens (commas, quotes, spaces) read back to the text" ;;
  *) bad "CSV tokens read back as: $r" "$(head -5 "$TMP/h.csv")" ;; esac
T=$(printf '%s\n' "$r" | awk '{ print $3 }')
match "every query gets a line with its most-attended token" "^ +$((T - 1)) +\S+ +[0-9]+ .* [01]\.[0-9]{3}"

# --- every head: the summaries, the grid, its export --------------------------------------------
tz -c "$G; attention \"$TEXT\" all export=$TMP/all.csv; views; export $TMP/all.tsv; snap $TMP/all.png"
status_is "attention … all: exit 0" 0
n=$(printf '%s\n' "$out" | grep -cE '^  L[01] H[0-3] +[0-9]\.[0-9]{2} +[0-9]\.[0-9]{2} +[0-9]\.[0-9]{2} +[0-9]\.[0-9]{2} +[0-9]+\.[0-9] ')
[ "$n" = 8 ] && ok "all: a measured summary line for each of the 2 × 4 heads" || bad "all: $n summary lines" "$out"
has "all: what the columns mean" "prev/first/self: the mean weight a query puts on the token just before it"
match "the window view is the heads grid" '^\* heads +every attention head'
r=$(python3 -c "
import csv,sys
rows=list(csv.DictReader(open('$TMP/all.csv',newline='',encoding='utf-8')))
print(len(rows), len({(r['layer'],r['head']) for r in rows}))")
[ "$r" = "$((8 * T * T)) 8" ] && ok "all export=: every layer × head, T×T rows each ($r)" || bad "all export: $r (T=$T)"
has "the heads view exports its numbers" "the numbers behind the heads view ($(python3 -c "print(f'{8 * $T * $T:,}')") rows"
[ "$(identify -format '%w×%h' "$TMP/all.png" 2>/dev/null)" = "1280×800" ] && ok "snap draws the grid as a PNG" || bad "grid PNG" "$out"

# --- next: the distribution and how temp, top-k, top-p reshape it --------------------------------
tz -c "$G; next \"Ben kahve\" k=5; views"
status_is "next \"…\": exit 0" 0
has "the whole distribution sums to 1" "sum over all 1,000 tokens: raw 1.0000, reshaped 1.0000"
n=$(printf '%s\n' "$out" | grep -cE '^ +[1-5] +\S+ +0\.[0-9]{4} ')
[ "$n" = 5 ] && ok "k=5: five rows" || bad "k=5 rows: $n" "$out"
match "the window view is the bar chart" '^\* bars '
top1=$(printf '%s\n' "$out" | awk '$1 == "1" && $3 ~ /^0\./ { print $3; exit }')

tz -c "$G; next \"Ben kahve\" topk=3 k=6"
has "topk=3 keeps 3" "3 of 1,000 tokens kept"
n=$(printf '%s\n' "$out" | grep -cE '^ +[4-6] .* 0\.0000 ✂ top-k$')
[ "$n" = 3 ] && ok "ranks 4…6 are cut by top-k, reshaped to 0" || bad "top-k cuts: $n" "$out"
# the reshaped p: the last 0.dddd on the line (the raw one comes first)
r=$(printf '%s\n' "$out" | awk '$1 ~ /^[1-3]$/ { v = ""; for (i = 3; i <= NF; i++) if ($i ~ /^[01]\.[0-9][0-9][0-9][0-9]$/) v = $i; s += v }
  END { printf "%.3f", s }')
[ "$r" = "1.000" ] && ok "the 3 kept carry all the reshaped mass ($r)" || bad "top-k kept mass $r" "$out"

tz -c "$G; next \"Ben kahve\" topp=0.05 k=100; export $TMP/p.tsv"
r=$(awk -F'\t' 'NR > 1 && $6 == 1 { s += $4; n++; last = $4 } NR > 1 && $6 == 0 { cut++ }
  END { printf "%d %d %s", n, cut, (s >= 0.05 - 1e-6 && s - last < 0.05) ? "ok" : "bad s=" s " last=" last }' "$TMP/p.tsv")
case "$r" in *" ok") ok "topp=0.05 keeps the smallest set of most likely tokens reaching 0.05 (kept, cut: $r)" ;;
  *) bad "top-p: $r" "$(head -5 "$TMP/p.tsv")" ;; esac
has "the cut ones are marked top-p" "✂ top-p"
# a very low temperature: most weights underflow to 0 — that, not top-p, is what cuts them
tz -c "$G; next \"Ben kahve\" temp=0.002 topp=0.9 k=30; export $TMP/q.tsv"
r=$(awk -F'\t' 'NR > 1 && $6 == 0 && $5 + 0 == 0 { z++ } END { print z + 0 }' "$TMP/q.tsv")
if [ "$r" -gt 0 ]; then has "tokens whose weight underflows are marked as such ($r of 30)" "✂ rounds to 0"
else bad "temp=0.002 left no weight at 0 among 30 (cannot check the label)" "$(head -5 "$TMP/q.tsv")"; fi

tz -c "$G; next \"Ben kahve\" temp=0.5 k=1"
t05=$(printf '%s\n' "$out" | awk '$1 == "1" { for (i = 3; i <= NF; i++) if ($i ~ /^0\.[0-9][0-9][0-9][0-9]$/) v = $i } END { print v }')
[ -n "$top1" ] && awk -v a="$t05" -v b="$top1" 'BEGIN { exit !(a > b) }' && ok "temp=0.5 raises the top probability ($top1 → $t05)" \
  || bad "temp=0.5: top $t05 vs temp=1 $top1" "$out"
tz -c "$G; next \"Ben kahve\" temp=0 k=2"
match "temp=0 is greedy: one token with all the mass" '^ +1 .* 1\.0000 '
has "temp=0: the rest cut" "✂ greedy (temp=0)"

# --- a text longer than the context (32) -----------------------------------------------------------
LONG="bir iki üç dört beş altı yedi sekiz dokuz on on bir on iki on üç on dört on beş on altı on yedi on sekiz"
tz -c "$G; attention \"$LONG\" row=31; next \"$LONG\" k=1"
match "attention: a long text is cut to the first 32 tokens" 'note: the text is [0-9]+ tokens, the model.s context 32; using the first 32 tokens'
match "next: the last 32 tokens" 'using the last 32 tokens'
has "row 31 exists after the cut" "row 31: query 31"

# --- Turkish ------------------------------------------------------------------------------------------
tz -c "$G; lang tr; attention \"Ben kahve\" all; next \"Ben\" k=2"
has "Turkish: the heads' table" "2 × 4 (katman × kafa)"
match "Turkish: the decimal comma" '^  L0 H0 +[0-9],[0-9]{2} '
has "Turkish: next" "toplam, 1.000 belirtecin hepsi üzerinde: ham 1,0000"

# --- bad input ----------------------------------------------------------------------------------------
tz -c "attention \"Ben\"; next \"Ben\"; views"
has "no model: attention says how to get one" "there is no GPT yet. Train one (train gpt"
match "the session goes on after it" '^  heads '
tz -c "train bpe corpus=tiny-en vocab=300 name=b; attention \"x\" model=b; attention \"x\" model=nothere"
has "not a Transformer" "b is not a Transformer (bpe): attention looks inside a BERT, a GPT or a LLaMA."
has "unknown model" "there is no model 'nothere'"
tz -c "$G; attention \"Ben kahve\" layer=2; attention \"Ben kahve\" head=4; attention \"Ben kahve\" head=-1; attention \"Ben kahve\" row=99; attention \"\"; attention \"Ben\" export=/nonexistent/dir/x.csv; attention \"Ben\" export=x.tsv; attention \"Ben\" layer=x; next \"Ben\" topp=0; next \"Ben\" k=0; next \"Ben\" topk=5000; next \"Ben\" temp=-1; attention \"Ben\" out=x.jpg; next \"\" k=1"
has "layer out of range, with the valid range" "there is no layer=2: g has 2 layers, numbered 0 to 1"
has "head out of range" "there is no head=4: g has 4 heads per layer, numbered 0 to 3"
has "a negative head" "there is no head=-1"
match "row out of range" "there is no row=99: the text is [0-9]+ tokens, rows 0 to [0-9]+"
has "an empty text" "an empty text: there are no tokens to look at"
has "an unwritable export path" "/nonexistent/dir/x.csv"
has "export= must be .csv" "export= writes a CSV file: the name must end in .csv ('x.tsv')"
match "a layer that is not a number" 'layer.*x'
has "topp=0" "topp=0 would keep no token"
has "k=0" "k=0: must be between 1 and 100"
match "topk beyond the vocabulary" 'topk=5000: must be between 0 and 1000'
match "a negative temperature" 'temp=-1: must be between 0 and 100'
has "out= must be .png" "out= writes a PNG: the name must end in .png ('x.jpg')"
has "an empty prompt starts a line" "an empty prompt: what comes at the start of a line"
[ "$status" -ne 0 ] && ok "the failures show in the exit status ($status)" || bad "exit status 0 after errors"
# `next` alone is still the lesson/step navigation
tz -c "next"
hasnt "plain next does not ask for a GPT" "there is no GPT"

# --- BERT and LLaMA, and the three side by side (attention compare) ---------------------------------
# The session has no BERT or LLaMA: `attention compare` builds small random-weight stand-ins of the
# GPT's width, layers and heads (keep=yes leaves them in the session as bert-rand, llama-rand).
# Whatever the weights, a BERT row spreads over every key (weight above the diagonal > 0) and a
# GPT or LLaMA row is exactly 0 after its query: recomputed here from the exported numbers.
tz -c "$G; attention compare \"Ben kahve içiyorum\" keep=yes out=$TMP/cmp.png; export $TMP/cmp.tsv; attention \"Ben kahve içiyorum\" model=bert-rand all export=$TMP/b.csv; attention \"Ben kahve içiyorum\" model=llama-rand layer=1 head=3 row=2 export=$TMP/l.csv; attention \"Ben kahve\" model=llama-rand all"
status_is "attention compare, then BERT's and LLaMA's views: exit 0" 0
match "compare: BERT measured bidirectional" 'BERT +bert-rand \(random weights\): [0-9]+ tokens'
match "BERT: every future cell holds weight → bidirectional" 'future cells holding weight: ([0-9,]+) of \1 → bidirectional'
n=$(printf '%s\n' "$out" | grep -c 'future cells holding weight: 0 of [0-9,]* → left-to-right (causal)')
[ "$n" = 2 ] && ok "GPT and LLaMA: no future cell holds weight → left-to-right (2 models)" || bad "causal lines: $n" "$out"
has "the stand-ins take the GPT's shape (2 layers × 4 heads: 8 heads)" "mean of the 8 heads"
has "LLaMA's GQA said" "GQA: head 0 reads K/V head 0 (query heads: 4, K/V heads: 2)"
has "the stand-ins stay when asked" "kept in the session: bert-rand, llama-rand"
r=$(python3 - "$TMP/cmp.tsv" <<'EOF2'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8'), delimiter='\t'))
out = []
for p in sorted({r['panel'] for r in rows}):
    pr = [r for r in rows if r['panel'] == p]
    T = 1 + max(int(r['query']) for r in pr)
    sums, above = {}, 0.0
    for r in pr:
        q, k, w = int(r['query']), int(r['key']), float(r['weight'])
        sums[q] = sums.get(q, 0) + w
        if k > q: above += w
    first = [r['key_token'] for r in pr if r['query'] == '0']
    ok = len(pr) == T * T and all(abs(s - 1) < 1e-4 for s in sums.values())
    out.append('%s:%s:%s:%.3f:%s:%s' % (p, pr[0]['model'], 'ok' if ok else 'bad', above / T, first[0], first[-1]))
print(' '.join(out))
EOF2
)
case "$r" in "0:bert-rand:ok:"*":[CLS]:[SEP] 1:g:ok:0.000:"*" 2:llama-rand:ok:0.000:<s>:"*) ok "compare's export: three T×T panels, rows sum to 1, 0 above the diagonal for GPT and LLaMA, [CLS]…[SEP] and <s> ($r)" ;;
  *) bad "compare export: $r" "$(head -3 "$TMP/cmp.tsv")" ;; esac
fb=$(printf '%s\n' "$r" | awk '{ split($1, a, ":"); print a[4] }')
match "BERT's printed weight above the diagonal equals the exported pattern's ($fb)" "this head $fb, mean of the 8 heads"
awk -v v="$fb" 'BEGIN { exit !(v > 0) }' && ok "BERT's weight above the diagonal is > 0 ($fb)" || bad "BERT above-diagonal $fb"
[ "$(identify -format '%w×%h' "$TMP/cmp.png" 2>/dev/null)" = "1280×800" ] && ok "out= writes the side-by-side PNG" || bad "compare PNG" "$out"
# BERT's every head: the summaries' future column > 0, the export's rows and tokens
n=$(printf '%s\n' "$out" | awk '/^bert-rand: 2 × 4/ { on = 1; next } on && /^  L[01] H[0-3] / { if ($8 + 0 > 0) pos++; n++ } /^  prev\/first/ { on = 0 } END { print n + 0, pos + 0 }')
[ "$n" = "8 8" ] && ok "BERT all: 8 heads, each with weight above the diagonal (future > 0)" || bad "BERT all future column: $n" "$out"
has "BERT is introduced as an encoder without a mask" "BERT: an encoder, no mask — every token looks at every token"
r=$(python3 - "$TMP/b.csv" "$TMP/l.csv" <<'EOF2'
import csv, sys
def load(p): return list(csv.DictReader(open(p, newline='', encoding='utf-8')))
b, l = load(sys.argv[1]), load(sys.argv[2])
T = 1 + max(int(r['query']) for r in b)
heads = {(r['layer'], r['head']) for r in b}
bfut = min(sum(float(r['weight']) for r in b if (r['layer'], r['head']) == h and int(r['key']) > int(r['query'])) for h in heads)
lfut = sum(float(r['weight']) for r in l if int(r['key']) > int(r['query']))
print(len(b) == 8 * T * T, len(heads), bfut > 0, b[0]['query_token'], [r['key_token'] for r in b if r['query'] == '0'][-1],
      {(r['layer'], r['head']) for r in l} == {('1', '3')}, lfut, l[0]['query_token'])
EOF2
)
[ "$r" = "True 8 True [CLS] [SEP] True 0.0 <s>" ] && ok "exports: BERT 8 heads × T², every head looks ahead, [CLS]…[SEP]; LLaMA layer 1 head 3, 0 ahead, <s> first" \
  || bad "BERT/LLaMA exports: $r"
has "LLaMA: which K/V head a query head reads" "GQA: head 3 reads K/V head 1 (shared by query heads 2–3)"
has "LLaMA's row: the future masked" "(the future: masked)"
n=$(printf '%s\n' "$out" | awk '/^llama-rand: 2 × 4/ { on = 1; next } on && /^  L[01] H[0-3] / { print $8 "/" $9 } /^  prev\/first/ { on = 0 }' | tr '\n' ' ')
[ "$n" = "0.00/0 0.00/0 0.00/1 0.00/1 0.00/0 0.00/0 0.00/1 0.00/1 " ] && ok "LLaMA all: future 0.00 for every head, K/V heads 0 0 1 1" || bad "LLaMA all: $n" "$out"

# a LLaMA loaded from a file (the fixture of tests/ref/llama, its 17-piece tokenizer written here):
# 2 blocks × 4 heads sharing 2 K/V heads, context 8; a text longer than that is cut, said
python3 - "$TMP/tok17.bin" <<'EOF2'
import struct, sys
pieces = ["<unk>", "\n<s>\n", "\n</s>\n", " ", "a", "b", "c", "d", "e", " a", " b", "ab", "cd", "de", " ab", "ba", "ed"]
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<i", max(len(p.encode()) for p in pieces)))
    for i, p in enumerate(pieces):
        b = p.encode()
        f.write(struct.pack("<fi", -float(i), len(b)) + b)
EOF2
tz -c "load $ROOT/tests/ref/llama/tiny.llama2c.bin tokenizer=$TMP/tok17.bin as t; attention \"ab cd\" all; attention compare \"ab cd ab cd ab cd ab\" llama=t head=3 out=$TMP/cmp2.png"
status_is "a loaded LLaMA: attention all and compare, exit 0" 0
n=$(printf '%s\n' "$out" | grep -cE '^  L[01] H[0-3] +[0-9]\.[0-9]{2} .* 0\.00 +[01]  ')
[ "$n" = 8 ] && ok "the loaded LLaMA: 8 head summaries, future 0.00, a K/V column" || bad "loaded LLaMA all: $n" "$out"
has "its heads named" "t: 2 × 4 (layers × heads)"
match "compare: a text longer than the LLaMA's context is cut, said" 'note: the text is [0-9]+ tokens, the model.s context 8; using the first 8 tokens'
match "compare names the loaded LLaMA, not random" 'LLaMA +t: 8 tokens'
has "its head 3 reads K/V head 1" "GQA: head 3 reads K/V head 1 (query heads: 4, K/V heads: 2)"

# bad input: unknown names, a model of the wrong kind, empty text, wrong arguments
tz -c "load $ROOT/tests/ref/llama/tiny.llama2c.bin tokenizer=$TMP/tok17.bin as t; load $ROOT/tests/ref/llama/tiny.llama2c.bin as nt; attention compare \"ab\" bert=nothere; attention compare \"ab\" bert=t; attention compare \"\"; attention compare; attention compare \"ab\" layer=2; attention compare \"ab\" head=9; attention compare \"ab\" keep=maybe; attention compare \"ab\" out=x.jpg; attention compare \"ab\" model=t; attention \"ab\" gpt=t; attention \"ab\" model=nt; attention \"\" model=t; models"
has "compare: an unknown model" "there is no model 'nothere'"
has "compare: a model of the wrong kind for bert=" "bert=t: t is not a BERT (llama)."
n=$(printf '%s\n' "$out" | grep -c "an empty text: there are no tokens to look at. For example: attention compare")
[ "$n" = 2 ] && ok "compare: an empty text and no text, both refused" || bad "empty compare text: $n" "$out"
has "compare: a layer every model must have" "there is no layer=2: "
has "compare: a head every model must have" "there is no head=9: "
has "keep= must be yes or no" "keep=maybe: must be yes or no"
has "compare: out= must be .png" "out= writes a PNG: the name must end in .png ('x.jpg')"
has "compare takes bert= gpt= llama=, not model=" "attention compare takes no model=: give bert=NAME gpt=NAME llama=NAME by kind."
has "gpt= outside compare" "gpt= is for 'attention compare \"…\"'; to look at one model, model=NAME."
has "a LLaMA without a tokenizer" "nt has no tokenizer: the text cannot be turned into tokens."
has "LLaMA: an empty text" "an empty text: there are no tokens to look at. For example: attention \""
match "the session goes on: models still listed" '^\* nt +llama'
n=$(printf '%s\n' "$out" | grep -cE '^[* ] (bert|gpt|llama)-rand ')
[ "$n" = 0 ] && ok "no stand-in is left in the session without keep=yes" || bad "stand-ins listed: $n" "$out"

finish
