#!/usr/bin/env bash
# LLaMA in Q8_0 at the prompt (issue 8): a GGUF whose matrices are Q8_0 stays Q8_0 (`models`,
# `info`: the storage and the memory it takes), q8=0 opens it as float32, q8=1 on a model whose
# widths are not multiples of 32 says it stays float32, and bad values of q8= are refused. The
# fixture: tests/ref/llama/q8.gguf (make_llama_q8_fixture.py; V 48, D 64, no tokenizer).
. "$(dirname "$0")/lib.sh"
cd "$TMP"
REF=$ROOT/tests/ref/llama

tz -c "load $REF/q8.gguf as q; models; info q; load $REF/q8.gguf as f q8=0; info f"
status_is "load Q8_0 GGUF, models, info, q8=0: exit 0" 0
has "load says it is held in Q8_0" "q8.gguf loaded: LLaMA (gguf), 48 tokens, 2 blocks × 4 heads (2 K/V), width 64, FFN 96, context 16; 67,904 parameters, 0.1 MB (Q8_0)"
match "models shows Q8_0" '\* q +llama +48 tokens.*0\.1 MB \(Q8_0\)'
has "info: the weights' memory and storage" "memory: weights 77.3 kB (Q8_0)"
match "info: what Q8_0 means, and the float32 size" 'Q8_0: 16 matrices in 8 bits, blocks of 32 \(one scale a block\); float32 would take 271\.6 kB'
has "q8=0: the same file as float32" "memory: weights 271.6 kB (float32)"

tz -c "load $REF/tiny.llama2c.bin as t q8=1; load $REF/q8.gguf q8=yes"
has "q8=1 on widths that are not multiples of 32: said, float32 kept" "q8=1: no matrix could be quantised to Q8_0 (rows not a multiple of 32 long); it stays float32."
has "q8=yes refused" "q8=yes: must be 0 (float32) or 1 (Q8_0, 8 bits)."
status_is "a refused q8= fails the script" 1

printf 'a 0.1 0.2\nb 0.3 0.4\n' > v.txt
tz -c "load v.txt q8=1"
has "q8= on word vectors is refused" "q8= is for LLaMA weights (GGUF, llama2.c); v.txt is not a LLaMA file."

# a trained model quantised at load (q8=1) writes the same greedy text as its float32 self
tz --lang en -c "train llama corpus=tiny-tr vocab=300 layers=2 heads=2 kv_heads=1 dim=64 ctx=64 batch=8 steps=60 name=t; generate \"Bugün\" model=t n=16 temp=0; save t m.gguf; load m.gguf as q q8=1; generate \"Bugün\" model=q n=16 temp=0; models"
status_is "train, save, load q8=1, generate: exit 0" 0
match "the quantised model is Q8_0" '\* q +llama +300 tokens.*\(Q8_0\)'
g1=$(printf '%s\n' "$out" | grep '^Bugün' | sed -n 1p)
g2=$(printf '%s\n' "$out" | grep '^Bugün' | sed -n 2p)
[ -n "$g1" ] && [ "$g1" = "$g2" ] && ok "Q8_0 and float32 write the same greedy text ($g1)" || bad "greedy float32 vs Q8_0 ('$g1' vs '$g2')" "$out"

tz -c "lang tr; load $REF/q8.gguf as q; info q"
has "in Turkish too" "bellek: ağırlıklar 77,3 kB (Q8_0)"
finish
