#!/usr/bin/env bash
# `sizes llama`: the published LLaMA sizes computed from their configurations. The counts are
# recomputed here with awk from the same configurations (V·D embeddings, per block
# 2D² + 2D²·Hkv/H + 3DF + 2D, the final norm, an untied output layer), and the published
# totals are known facts: Llama 3.1 8B 8.03 B, 70B 70.55 B, 405B 405.85 B; stories15M 15.19 M.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

count() {  # V D L H Hkv F tied
  awk -v V="$1" -v D="$2" -v L="$3" -v H="$4" -v K="$5" -v F="$6" -v t="$7" 'BEGIN {
    blk = 2*D*D + 2*D*(D*K/H) + 3*D*F + 2*D
    printf "%.0f", V*D + L*blk + D + (t ? 0 : V*D) }'
}
tz -c "sizes llama"
status_is "sizes llama runs" 0
for spec in "stories15M 32000 288 6 6 6 768 1" "8B 128256 4096 32 32 8 14336 0" "70B 128256 8192 80 64 8 28672 0" \
            "405B 128256 16384 126 128 8 53248 0"; do
  set -- $spec
  want=$(count "$2" "$3" "$4" "$5" "$6" "$7" "$8")
  got=$(printf '%s\n' "$out" | awk -v k="$1" 'index($0, k) { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9,]+$/ && length($i) > 6) { gsub(",", "", $i); print $i; exit } }')
  [ "$got" = "$want" ] && ok "$1: $got parameters, as the formula gives" || bad "$1: $got parameters, the formula gives $want" "$out"
done
has "8B is the published 8.03 B" "8,030,261,248"
has "70B is the published 70.55 B" "70,553,706,496"
has "405B is the published 405.85 B" "405,853,388,800"
# memory: fp32 = 4 bytes a parameter, Q8_0 = 34 bytes per 32, KV cache of 8B: 2·32·8·128·2 bytes a token
match "8B: 32.12 GB in fp32, 16.06 GB in fp16, 8.53 GB in Q8_0, 4.52 GB in Q4_0, 131.1 kB of KV a token" \
  "Llama 3.1 8B .* 32\.12 GB +16\.06 GB +8\.53 GB +4\.52 GB +131\.1 kB"
match "405B does not fit this machine even at int4 (228 GB)" "405B .*228\.29 GB .*\(does not fit even at int4\)"
match "405B at fp32 is 1.62 TB" "405B .* 1\.62 TB"

# a GPT of the session appears beside them, with gpt's own count
tz -c "train gpt corpus=mini-tr layers=1 heads=2 dim=32 ctx=32 steps=3 name=g; sizes llama"
want=$(awk 'BEGIN { V = 1000; C = 32; D = 32; L = 1; printf "%d", V*D + C*D + L*(12*D*D + 13*D) + 2*D }')
wantc=$(printf '%s' "$want" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')
match "the session's GPT is listed with its $wantc parameters" "g \(this session, GPT\) +$wantc "

# a loaded LLaMA too, counted by the same formula from its own configuration: the total its
# `info` prints (component by component) is the one `sizes` lists
tz -c "load $ROOT/tests/ref/llama/tiny.llama2c.bin as tl; info tl; sizes llama"
lp=$(printf '%s\n' "$out" | awk '$1 == "total" { print $NF }')
[ -n "$lp" ] || lp=NOT-FOUND
match "the session's LLaMA is listed with its own count ($lp, as info says)" "tl \(this session, LLaMA\) +$lp "

tz -c "lang tr; sizes llama"
has "Turkish: the header" "LLaMA boyutları, yapılandırmalarından hesaplandı"
has "Turkish: thousands with dots" "8.030.261.248"

tz -c "sizes; sizes bert; sizes llama extra"
has "no argument" "sizes: too few arguments"
has "an unknown family" "sizes bert: only 'sizes llama' exists so far."
has "too many arguments" "too many arguments"
finish
