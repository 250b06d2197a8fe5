#!/usr/bin/env bash
# `compare bert gpt llama`: the chapter's BERT–GPT–LLaMA table computed from models in memory.
# Checked for what must hold whatever the weights: BERT's attention puts weight above the
# diagonal, GPT's and LLaMA's none (the table's direction row and its numbers agree with the
# CSV), the parameter counts equal the formulas of the configurations printed, every row is
# there, the CSV reads back with a real parser, the note on the chapter's LLaMA row appears with
# the measured 0.000; subsets and names work; bad input is refused and the session goes on.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

# --- the default: three random-weight models of one shape -----------------------------------------
tz -c "compare bert gpt llama csv=$TMP/t.csv"
status_is "compare bert gpt llama csv=: exit 0" 0
has "says the three are built now in one shape" "building 3 models now, in one shape, with random weights (V 8,000, context 128, width 128, 2 layers, 2 heads; LLaMA 1 K/V head)"
match "the header names the three kinds" '^ +BERT +GPT +LLaMA$'
for row in "attention direction (measured)" "weight above the diagonal" "future cells with weight" "mask (the code's rule)" \
  "token 0 sees the last one?" "architecture" "training objective" "normalisation" "position encoding" "activation" \
  "attention kind" "parameters" "forward tokens/s" "generation tokens/s (KV cache)"; do
  match "row: $row" "^  +$(printf '%s' "$row" | sed 's/[()?]/\\&/g') "
done
match "direction: BERT both ways, GPT and LLaMA left to right" 'attention direction \(measured\) +bidirectional +left-to-right +left-to-right$'
match "architecture from the mask: encoder-only, decoder-only ×2" 'architecture +encoder-only +decoder-only +decoder-only$'
match "objective" 'training objective +MLM \+ NSP +next token +next token$'
match "normalisation read per kind" 'normalisation +LayerNorm, after \(post\) +LayerNorm, before \(pre\) +RMSNorm, before \(pre\)$'
match "positions: learned tables vs RoPE" 'position encoding +learned, 128 × 128 +learned, 128 × 128 +RoPE'
match "activation and FFN width (LLaMA's 2/3·4D rounded to 32: 352)" 'activation +GELU \(erf\) · FFN 512 +GELU \(tanh\) · FFN 512 +SwiGLU · FFN 352$'
match "attention kind: MHA, MHA, GQA" 'attention kind +MHA: 2 heads +MHA: 2 heads +GQA: 2 query, 1 K/V heads$'
match "token 0 moves with the last token only in BERT" 'token 0 sees the last one\? +yes \(Δ [0-9.]+\) +no \(Δ 0\) +no \(Δ 0\)$'
match "BERT does not generate" 'generation tokens/s \(KV cache\) +— \(does not generate\) +[0-9,]+ +[0-9,]+$'
match "forward speeds measured for all three" 'forward tokens/s +[0-9,]+ +[0-9,]+ +[0-9,]+$'
has "the note on the chapter's table" "The chapter's table lists LLaMA as “bidirectional” and “Encoder + Decoder”. Measured here, LLaMA is decoder-only and reads left to right (0.000 weight above the diagonal;"
has "the note points at the evidence" "To see the evidence: attention compare"
# the CSV: parsed, recomputed against the printed table and the configurations' formulas
r=$(python3 - "$TMP/t.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
head, body = rows[0], {r[0]: r[1:] for r in rows[1:]}
V, C, D, L, H, Hkv, types = 8000, 128, 128, 2, 2, 1, 2
F = 4 * D
bert = V*D + C*D + types*D + 2*D + L*(4*D*D + 2*D*F + 9*D + F) + (D*D + D) + V + (D*D + 3*D) + (2*D + 2)
gpt = V*D + C*D + L*(12*D*D + 13*D) + 2*D
KV, FL = Hkv * (D // H), ((2 * 4 * D // 3) + 31) // 32 * 32
llama = V*D + L*(2*D + 2*D*D + 2*KV*D + 3*FL*D) + D + V*D
fut = [float(x) for x in body['weight_above_diagonal']]
cells = [tuple(map(int, x.split('/'))) for x in body['future_cells_with_weight']]
checks = [
    head == ['row', 'bert', 'gpt', 'llama'],
    len(body) == 15,
    [int(x) for x in body['parameters']] == [bert, gpt, llama],
    fut[0] > 0 and fut[1] == 0 and fut[2] == 0,
    cells[0][0] == cells[0][1] > 0 and cells[1][0] == 0 and cells[2][0] == 0,
    body['direction_measured'] == ['bidirectional', 'left-to-right', 'left-to-right'],
    body['mask_rule'] == ['none', 'causal', 'causal'],
    body['architecture'] == ['encoder-only', 'decoder-only', 'decoder-only'],
    all(float(x) > 0 for x in body['forward_tokens_per_s']),
    body['generate_tokens_per_s'][0] == '' and all(float(x) > 0 for x in body['generate_tokens_per_s'][1:]),
]
print(' '.join('ok' if c else 'bad%d' % i for i, c in enumerate(checks)), fut[0], bert, gpt, llama)
EOF
)
case "$r" in "ok ok ok ok ok ok ok ok ok ok "*) ok "csv=: 15 rows × 3, parameters = the formulas, future weight BERT > 0 = GPT = LLaMA = 0 ($r)" ;;
  *) bad "csv: $r" "$(cat "$TMP/t.csv")" ;; esac
fb=$(printf '%s\n' "$r" | awk '{ printf "%.3f", $11 }')
p=$(printf '%s\n' "$r" | awk '{ printf "%\047d %\047d %\047d", $12, $13, $14 }' 2>/dev/null)
match "the printed weight above the diagonal is the CSV's ($fb)" "weight above the diagonal +$fb +0\.000 +0\.000$"
match "parameters printed as computed" "parameters +$(printf '%s\n' "$r" | awk '{ print $12 }' | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta') +$(printf '%s\n' "$r" | awk '{ print $13 }' | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta') +$(printf '%s\n' "$r" | awk '{ print $14 }' | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')$"

# --- a subset, another order, Turkish, a named model, keep= ---------------------------------------
python3 - "$TMP/tok17.bin" <<'EOF'
import struct, sys
pieces = ["<unk>", "\n<s>\n", "\n</s>\n", " ", "a", "b", "c", "d", "e", " a", " b", "ab", "cd", "de", " ab", "ba", "ed"]
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<i", max(len(p.encode()) for p in pieces)))
    for i, p in enumerate(pieces):
        b = p.encode()
        f.write(struct.pack("<fi", -float(i), len(b)) + b)
EOF
LOADT="load $ROOT/tests/ref/llama/tiny.llama2c.bin tokenizer=$TMP/tok17.bin as t"
tz -c "compare gpt bert keep=yes; models; $LOADT; compare llama gpt llama=t gpt=gpt-rand text=\"ab cd ab\"; lang tr; compare llama bert"
status_is "subsets, names, keep=, Turkish: exit 0" 0
match "compare gpt bert: two columns in that order" '^ +GPT +BERT$'
has "kept in the session" "kept in the session: gpt-rand, bert-rand"
match "models lists the kept stand-ins" '^[* ] bert-rand +bert '
match "a named LLaMA and a named GPT: no model built" '^ +LLaMA +GPT$'
match "the loaded LLaMA's parameters (4,464)" 'parameters +4,464 +1,437,184$'
match "its attention: GQA 4 query, 2 K/V heads" 'attention kind +GQA: 4 query, 2 K/V heads +MHA: 2 heads$'
has "different sizes are said" "The models differ in size: the speeds measure different sizes."
match "its context (8) bounds the timed input" 'speed: the same 8-token input'
match "the loaded LLaMA is left-to-right too" 'weight above the diagonal +0\.000 +0\.000$'
has "Turkish: the note" "Bölümün tablosu LLaMA'yı “iki yönlü” ve “Kodlayıcı + Kod çözücü” olarak gösteriyor."
match "Turkish: the direction row" 'dikkat yönü \(ölçülen\) +soldan sağa +iki yönlü$'
n=$(printf '%s\n' "$out" | grep -c "A note on the chapter's table")
[ "$n" = 1 ] && ok "the note only where LLaMA is compared (once of the two English tables)" || bad "notes: $n" "$out"

# --- bad input ---------------------------------------------------------------------------------------
tz -c "$LOADT; compare bert lstm; compare bert bert; compare bert; compare bert gpt bert=nothere; compare bert gpt bert=t; compare gpt llama bert=t; compare bert gpt text=\"  \"; compare bert gpt csv=x.txt; compare bert gpt llama extra; compare bert gpt keep=perhaps; compare bert gpt csv=/nonexistent/dir/t.csv; models"
has "a recurrent kind mixed in" "compare compares either rnn lstm gru or bert gpt llama; 'lstm' is not one of these."
has "a kind twice" "bert is given twice: each kind once."
has "one kind is no comparison" "compare compares at least two kinds: compare bert gpt llama (or two of them)."
has "an unknown model" "there is no model 'nothere'"
has "a model of the wrong kind for bert=" "bert=t: t is not a BERT (llama)."
has "a name for a kind not compared" "bert= is given but bert is not in the comparison"
has "an empty test sentence" "text= is empty: the models' attention is read off a test sentence."
has "csv= must be .csv" "csv= writes a CSV file: the name must end in .csv ('x.txt')"
has "four words: too many" "compare: too many arguments."
has "keep= must be yes or no" "keep=perhaps: must be yes or no"
has "an unwritable csv path" "/nonexistent/dir/t.csv"
match "the session goes on" '^\* t +llama'
[ "$status" -ne 0 ] && ok "the failures show in the exit status ($status)" || bad "exit status 0 after errors"
# the RNN table is still compare's without those words
tz -c "compare rnn lstm seconds=x"
has "compare rnn lstm still reads its own options" "seconds"
hasnt "and is not taken for the Transformer table" "bert gpt llama"

finish
