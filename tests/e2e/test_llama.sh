#!/usr/bin/env bash
# LLaMA at the prompt (issue 8): `load` a llama2.c checkpoint with a tokenizer.bin (given, or
# beside it) or a GGUF file, `generate` (reproducible for a seed; greedy temp=0; a prompt longer
# than the context cut and said; stops at EOS), `models`, `info` (parameters per component), and
# bad input: a truncated checkpoint, a GGUF with bad magic, a tokenizer of another size, no tokenizer.
# The fixture model (tests/ref/llama, make_llama_gen_fixture.py) has V = 17 and no tokenizer;
# this test writes a 17-piece llama2.c tokenizer.bin of its own.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
REF=$ROOT/tests/ref/llama

# tokenizer.bin as llama2.c's run.c reads it: int32 max_token_length, then per token float32
# score, int32 len, len bytes (ids 0 <unk>, 1 <s>, 2 </s> as export.py writes them)
mktok() {
  python3 - "$1" "$2" <<'PY'
import struct, sys
out, n = sys.argv[1], int(sys.argv[2])
pieces = ["<unk>", "\n<s>\n", "\n</s>\n", " ", "a", "b", "c", "d", "e", " a", " b", "ab", "cd", "de",
          " ab", "ba", "ed", "x", "y", "z"][:n]
with open(out, "wb") as f:
    f.write(struct.pack("<i", max(len(p.encode()) for p in pieces)))
    for i, p in enumerate(pieces):
        b = p.encode()
        f.write(struct.pack("<fi", -float(i), len(b)) + b)
PY
}
mktok tok17.bin 17
mktok tok20.bin 20

tz -c "load $REF/tiny.llama2c.bin tokenizer=tok17.bin as t; models; generate \"ab cd\" n=20 seed=3; generate \"ab cd\" n=20 seed=3; generate \"ab\" temp=0 n=10; generate \"ab\" temp=0 n=10; info t"
status_is "load llama2.c + tokenizer, models, generate, info: exit 0" 0
has "load says the shape" "tiny.llama2c.bin loaded: LLaMA (llama2.c), 17 tokens, 2 blocks × 4 heads (2 K/V), width 16, FFN 24, context 8; 4,464 parameters"
has "load names the tokenizer" "tokenizer: tok17.bin (17 pieces)"
match "models lists kind llama with its shape" '\* t +llama +17 tokens, 2 blocks × 4 heads \(2 K/V\), width 16, FFN 24, context 8; 4,464 parameters'
s1=$(printf '%s\n' "$out" | grep -m1 -n '^ab cd' | cut -d: -f2-)
s2=$(printf '%s\n' "$out" | grep '^ab cd' | sed -n 2p)
[ -n "$s1" ] && [ "$s1" = "$s2" ] && [ "$s1" != "ab cd" ] && ok "seed=3 twice: the same text ($s1)" || bad "same seed, same text ('$s1' vs '$s2')" "$out"
g1=$(printf '%s\n' "$out" | grep -E '^ab[^ ]' | sed -n 1p)
g2=$(printf '%s\n' "$out" | grep -E '^ab[^ ]' | sed -n 2p)
[ -n "$g1" ] && [ "$g1" = "$g2" ] && ok "temp=0 greedy is deterministic ($g1)" || bad "greedy twice ('$g1' vs '$g2')" "$out"
has "greedy ran its 10 tokens" "(10 tokens)"
match "generation stops at EOS, said" '^ab cd.*</s>$'
match "info: tok_embeddings V×D" 'token embeddings \(tok_embeddings\) +V×D +272'
match "info: GQA's wk, wv (KV = 8)" 'attention: wk, wv \(GQA\) +2·KV×D +256'
match "info: SwiGLU 3·F×D" 'SwiGLU: w1, w3, w2 +3·F×D +1,152'
match "info: untied output layer" 'output layer \(output\) +V×D +272'
match "info: total = llama_nparams" 'total +4,464'

# the GGUF: the same weights (no tokenizer inside: said), generate refused clearly; with
# tokenizer= the same text as the llama2.c file for the same seed
tz -c "load $REF/tiny.gguf; generate tiny \"ab\"; load $REF/tiny.gguf tokenizer=tok17.bin as g; generate \"ab cd\" n=20 seed=3; models"
has "the GGUF loads" "tiny.gguf loaded: LLaMA (gguf), 17 tokens, 2 blocks × 4 heads (2 K/V)"
has "the GGUF holds no tokenizer: said, with how to give one" "the file holds no tokenizer (tokenizer.ggml.*): give one with tokenizer=tokenizer.bin"
has "generate without a tokenizer is refused clearly" "tiny has no tokenizer: the text cannot be turned into tokens. Load it again:"
gg=$(printf '%s\n' "$out" | grep '^ab cd' | sed -n 1p)
[ -n "$gg" ] && [ "$gg" = "$s1" ] && ok "GGUF and llama2.c give the same text for seed 3" || bad "GGUF vs llama2.c ('$gg' vs '$s1')" "$out"
match "models: the GGUF without a tokenizer says so" 'tiny +llama +17 tokens.*; no tokenizer'

# tokenizer.bin beside the checkpoint is found; a prompt longer than the context (8) is cut, said
mkdir -p d && cp "$REF/tiny.llama2c.bin" d/m.bin && cp tok17.bin d/tokenizer.bin
tz -c "load d/m.bin; generate \"ab cd ab cd ab cd ab\" n=3 temp=0"
status_is "tokenizer.bin beside: exit 0" 0
has "tokenizer.bin beside the checkpoint is used" "tokenizer: d/tokenizer.bin (17 pieces)"
has "a long prompt is cut, said" "note: the prompt is 11 tokens, the model sees only the last 8 (its context): the first 3 tokens were cut."
# without one: loaded all the same, and said how to give it
rm d/tokenizer.bin
tz -c "load d/m.bin; generate \"ab\""
has "no tokenizer beside: loaded, said how to give one" "no tokenizer (no tokenizer.bin beside it): give one with tokenizer=FILE to generate."
status_is "generate with no tokenizer fails the script" 1

# bad input
head -c 10000 "$REF/tiny.llama2c.bin" > trunc.bin
(printf 'GGUX'; tail -c +5 "$REF/tiny.gguf") > bad.gguf
tz -c "load trunc.bin; load bad.gguf; load $REF/tiny.llama2c.bin tokenizer=tok20.bin; load $REF/tiny.llama2c.bin tokenizer=nope.bin; models"
has "truncated checkpoint: both sizes named" "implies a file of 18012 bytes, the file has 10000: it is truncated"
has "a .gguf with bad magic" "'bad.gguf' is not a GGUF file"
has "a tokenizer of another size is refused" "the tokenizer (tok20.bin) has 20 tokens, the model's vocabulary 17: it is not this model's tokenizer."
has "a missing tokenizer file" "tokenizer=nope.bin: no such file"
has "nothing was installed" "no models yet"

# Turkish messages
tz -c "lang tr; load $REF/tiny.gguf; generate \"ab\""
has "Turkish: no tokenizer" "dosyada belirteçleyici yok"
has "Turkish: generate refused" "belirteçleyicisi yok"

finish
