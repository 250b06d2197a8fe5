#!/usr/bin/env bash
# Training a LLaMA at the prompt (issue 8): `train llama` learns a SentencePiece-style BPE on the
# text and trains a tiny LLaMA with grouped-query attention (summary, held-out loss, bits per
# character), `generate` and `info` on it; `save` as GGUF (the tokenizer inside) and as a llama2.c
# checkpoint + tokenizer.bin, `load` both back: the three give the same greedy text (the
# end-to-end test of a tokenizer stored inside a GGUF file); reusing its tokenizer; wrong
# arguments, unknown options, an unwritable path, a non-LLaMA model; Ctrl-C in tmux.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

TINY="layers=2 heads=4 dim=32 ctx=32 batch=8 vocab=300"
tz --lang en -c "train llama corpus=tiny-tr $TINY steps=40 name=t; generate \"Bugün\" model=t n=12 temp=0; info t; save t m.gguf; save t m.bin; load m.gguf as g; generate \"Bugün\" model=g n=12 temp=0; load m.bin as b; generate \"Bugün\" model=b n=12 temp=0; models"
status_is "train, generate, info, save, load, generate: exit 0" 0
has "the tokenizer is LLaMA's kind, learnt on the text" "tokenizer: a SentencePiece BPE learnt on the text (LLaMA's kind: ▁ for a space, byte fallback), 300 pieces"
match "the text in pieces, 10% held out" 'text: 1,330 bytes → [0-9,]+ pieces \([0-9.]+ bytes per piece\): [0-9,]+ for training, [0-9,]+ held out'
match "the summary: GQA, steps, held-out loss, bits per character" 't trained: [0-9,]+ parameters \(GQA: 4 query, 2 K/V heads\), 40 steps; loss [0-9.]+ → [0-9.]+ nats/piece, held-out loss [0-9.]+ \([0-9.]+ bits per character\)'
match "the curve in numbers" '^ +40 +[0-9.]+ +[0-9.]+$'
match "info: grouped-query attention, SwiGLU width 96" 'LLaMA \(train\) — 2 blocks, 4 query heads, 2 K/V heads \(8 per head\), D = 32, FFN F = 96, context C = 32, V = 300'
has "info: the tokenizer" "tokenizer: learnt on tiny-tr (300 pieces)"
has "saved as GGUF with the tokenizer inside" "t saved: m.gguf (GGUF 3, llama architecture, F32 tensors, the tokenizer inside)"
has "saved as llama2.c with tokenizer.bin beside" "t saved: m.bin (llama2.c legacy format) and beside it tokenizer.bin"
has "the GGUF loads with its own tokenizer" "tokenizer: inside the file (300 pieces)"
has "the llama2.c file loads with tokenizer.bin beside it" "tokenizer: tokenizer.bin (300 pieces)"
g1=$(printf '%s\n' "$out" | grep '^Bugün' | sed -n 1p)
g2=$(printf '%s\n' "$out" | grep '^Bugün' | sed -n 2p)
g3=$(printf '%s\n' "$out" | grep '^Bugün' | sed -n 3p)
[ -n "$g1" ] && [ "$g1" != "Bugün" ] && ok "the trained model generates ($g1)" || bad "generation after training" "$out"
[ "$g1" = "$g2" ] && ok "GGUF loaded back: the same greedy text" || bad "trained vs GGUF ('$g1' vs '$g2')" "$out"
[ "$g1" = "$g3" ] && ok "llama2.c loaded back: the same greedy text" || bad "trained vs llama2.c ('$g1' vs '$g3')" "$out"
match "models lists the three" 'b +llama .*300 tokens, 2 blocks × 4 heads \(2 K/V\)'
head -c 4 m.gguf | grep -q GGUF && ok "the GGUF file starts with its magic" || bad "GGUF magic"
python3 - <<'PY' && ok "GGUF: version 3, llama keys and the tokenizer arrays are in the file" || bad "GGUF keys"
import struct
d = open("m.gguf", "rb").read()
assert d[:4] == b"GGUF" and struct.unpack("<I", d[4:8])[0] == 3
for k in [b"general.architecture", b"llama.attention.head_count_kv", b"llama.context_length", b"tokenizer.ggml.model",
          b"tokenizer.ggml.tokens", b"tokenizer.ggml.scores", b"tokenizer.ggml.token_type", b"tokenizer.ggml.bos_token_id",
          b"\xe2\x96\x81"]:
    assert k in d, k
PY

# reusing the tokenizer of a LLaMA in the session; the options of train llama only
tz --lang en -c "train llama corpus=tiny-tr $TINY steps=3 name=t; train llama corpus=tiny-tr tokenizer=t layers=1 heads=2 dim=16 ctx=16 batch=4 steps=3 name=u; info u"
has "tokenizer= reuses a LLaMA's" "tokenizer: t's (300 pieces)"
has "…and the model trains on it" "u trained:"
match "kv_heads defaults to half the heads" 'u: LLaMA \(train\) — 1 blocks, 2 query heads, 1 K/V heads'

# wrong arguments and unknown options: each refused by name, the session goes on
tz --lang en -c "train llama corpus=tiny-tr dim=30 heads=4; train llama corpus=tiny-tr heads=4 kv_heads=3; train llama corpus=tiny-tr vocab=100; train llama corpus=tiny-tr hidden=5; train llama corpus=tiny-tr tokenizer=nope; train llama corpus=tiny-tr steps=10 warmup=10; train llama corpus=nosuch; train llama corpus=tiny-tr dim=4096 layers=48 batch=1024 ctx=4096; models"
status_is "bad arguments fail the script" 1
has "heads must divide dim into even slices" "heads=4 does not fit dim=30: each head takes a slice of dim/heads numbers and RoPE turns it in pairs"
has "kv_heads must divide heads" "kv_heads=3 must divide heads=4"
match "a vocabulary below the specials + bytes" 'vocab=100.*(260|between)'
has "an unknown option, with the list" "train llama: there is no option 'hidden='; options: corpus lang layers heads kv_heads"
has "an unknown tokenizer model" "there is no model 'nope'; tokenizer= takes the name of a LLaMA"
has "warmup too long" "warmup=10 must be smaller than steps=10."
match "too big refused with its size" 'training with these settings needs about [0-9.]+ [GT]B of memory'
has "nothing was installed" "no models yet"

# saving: unwritable path, unknown extension, a model that is not a LLaMA
tz --lang en -c "train llama corpus=tiny-tr $TINY steps=2 name=t; save t /nonexistent/dir/x.gguf; save t x.txt; train bpe corpus=tiny-tr vocab=300 name=bp; save bp x.gguf; save bp x.bin format=llama2c"
status_is "bad saves fail the script" 1
match "an unwritable path is named" "/nonexistent/dir/x.gguf"
has "an unknown extension: the two formats named" "t is a LLaMA: it is saved as FILE.gguf (GGUF, the tokenizer inside) or FILE.bin (llama2.c"
has "a BPE is not a LLaMA" "bp is not a LLaMA (bpe): the GGUF and llama2.c formats are for LLaMA models only"
[ ! -e x.gguf ] && [ ! -e x.txt ] && ok "no file was written by a refused save" || bad "files left behind" "$(ls)"

# Turkish messages
tz --lang tr -c "train llama corpus=tiny-tr heads=4 kv_heads=3"
has "Turkish: kv_heads" "kv_heads=3, heads=4 değerini tam bölmeli"

# --- Ctrl-C during train llama, in tmux: the session and the model trained so far stay ---------
if command -v tmux >/dev/null; then
  SOCK=$TMP/tmux.sock
  T new-session -d -s tz -x 160 -y 40 "env HOME=$HOME LANG=C.UTF-8 TERM=xterm $TEZGAH --lang en; echo TEZGAH-EXIT=\$?; sleep 30"
  wait_for "the prompt appears" '^tezgah> $'
  T send-keys -t tz "train llama corpus=tiny-tr $TINY steps=100000" Enter
  wait_for "the progress line shows pieces/s, the loss, the held-out loss and the step" 'piece/s +loss [0-9.]+ +val [0-9.]+ +step [0-9]+/100000' 20
  T send-keys -t tz C-c
  wait_for "Ctrl-C stops training and keeps the model" 'training stopped at step [0-9]+ of 100000; the model trained so far is kept as llama-tiny-tr' 10
  T send-keys -t tz 'generate "Bir" n=5 seed=1' Enter
  wait_for "the model trained so far generates" '\(5 tokens, [0-9.]+ tokens/s\)'
  T send-keys -t tz 'save llama-tiny-tr c.gguf' Enter
  wait_for "…and saves" 'llama-tiny-tr saved: c.gguf'
  T send-keys -t tz 'quit' Enter
  wait_for "the session ends normally" 'TEZGAH-EXIT=0'
  T kill-server
else
  bad "tmux is installed (make deps installs it)"
fi

finish
