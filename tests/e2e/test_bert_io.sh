#!/usr/bin/env bash
# BERT's files at the prompt (issue 8): `load` a Hugging Face folder (model.safetensors +
# config.json + vocab.txt), its model.safetensors, or a tezgah-bert checkpoint; `models`, `info`,
# `fillmask`; `save NAME FILE [format=tezgah-bert|safetensors]` and loading both back (the same
# fill-mask numbers); and bad input, each refused by name while the session goes on: a missing
# vocab.txt or config.json, a duplicate token, a shape that does not match config.json, a
# truncated checkpoint, a wrong magic, invalid UTF-8.
# The fixtures are tests/ref/bert/hf* (make_bert_hf_fixtures.py): a tiny random BERT (V 19, D 16).
. "$(dirname "$0")/lib.sh"
cd "$TMP"
REF=$ROOT/tests/ref/bert

tz -c "load $REF/hf/; models; info hf; fillmask \"the cat [MASK] mat\" model=hf; save hf m.tzbert; save hf hfout format=safetensors; load m.tzbert as back; fillmask \"the cat [MASK] mat\" model=back; load hfout as back2; fillmask \"the cat [MASK] mat\" model=back2; models"
status_is "load, models, info, fillmask, save both ways, load both back: exit 0" 0
has "load names the folder's model" "$REF/hf/ loaded: BERT, V19 C10 D16 L2 H2, 5605 parameters (model name hf)."
has "load says which names and dtype" 'weights: F32, with BertForPreTraining'"'"'s names ("bert." prefix); tensors not used: 1'
has "load says where lower-casing came from" "tokenizer: vocab.txt, 19 tokens; lower-cased, accents stripped (from tokenizer_config.json)"
match "models lists it as a bert" '\* hf +bert +V19 C10 D16 L2 H2, 5605 parameters'
has "info counts its parameters" "total"
has "fillmask runs on the loaded weights" "[MASK] (position 3):"
has "tezgah-bert saved" "hf saved: m.tzbert (tezgah-bert"
has "Hugging Face folder saved" "hf saved: hfout (Hugging Face's layout"
has "the checkpoint loads back" "m.tzbert loaded: BERT, V19 C10 D16 L2 H2, 5605 parameters (model name back)."
has "the folder loads back" "hfout loaded: BERT, V19 C10 D16 L2 H2, 5605 parameters (model name back2)."
# the five guesses after each "[MASK] (position 3):" line: the same for the three models
blocks=$(printf '%s\n' "$out" | awk '/^\[MASK\] \(position 3\):/ { n = 5; k++; next } n > 0 { b[k] = b[k] $0 "|"; n-- }
  END { for (i = 1; i <= k; i++) print b[i] }')
nb=$(printf '%s\n' "$blocks" | grep -c .)
nu=$(printf '%s\n' "$blocks" | sort -u | grep -c .)
[ "$nb" -eq 3 ] && [ "$nu" -eq 1 ] && ok "the same fill-mask numbers from the original and both reloads" \
  || bad "fill-mask numbers differ after save/load ($nb blocks, $nu different)" "$blocks"
[ -f hfout/model.safetensors ] && [ -f hfout/config.json ] && [ -f hfout/vocab.txt ] && [ -f hfout/tokenizer_config.json ] \
  && ok "the folder holds model.safetensors, config.json, vocab.txt, tokenizer_config.json" \
  || bad "the saved folder is incomplete" "$(ls -la hfout)"
cmp -s hfout/vocab.txt "$REF/hf/vocab.txt" && ok "vocab.txt written back unchanged" || bad "vocab.txt differs" "$(diff hfout/vocab.txt "$REF/hf/vocab.txt")"

# the other layouts: old gamma/beta names in F16 by the .safetensors path; BertModel in BF16
tz -c "load $REF/hf-uncased-gamma/model.safetensors; load $REF/hf-base as base; models"
status_is "old names and BertModel load: exit 0" 0
has "the .safetensors path is named after its folder" "(model name hf-uncased-gamma)"
has "old names, F16 and the tied decoder said" "weights: F16, with BertForPreTraining's names (\"bert.\" prefix), the old LayerNorm.gamma/.beta names, the MLM decoder tied to the embeddings"
has "lower-casing from the folder's name" "(from the folder's name)"
has "BertModel in BF16 said" "weights: BF16, with BertModel's names (no prefix)"
has "missing heads initialised, said" "heads the file lacks were initialised at random (bert_init): MLM NSP"

# bad input: each refused by name, and the session goes on to the last command
for d in nov noc dup shape utf; do mkdir "$d"; cp "$REF"/hf/* "$d"/; done
rm nov/vocab.txt noc/config.json
sed -i 's/^dog$/cat/' dup/vocab.txt
sed -i 's/"intermediate_size": 32/"intermediate_size": 48/' shape/config.json
printf '[PAD]\n[UNK]\n\xc3\x28\n' > utf/vocab.txt
head -c 3000 m.tzbert > cut.tzbert
printf 'TZGPT\0\0\0 not a bert' > magic.tzbert
tz -c "load nov; load noc; load dup; load shape; load utf; load cut.tzbert; load magic.tzbert; load $REF/hf as ok; save ok x.bin format=w2v-bin; models"
status_is "bad files: exit status 1" 1
has "missing vocab.txt named" "'nov/vocab.txt' is missing: BERT's WordPiece vocabulary must be in a vocab.txt beside the weights"
has "missing config.json named" "'noc/config.json' is missing: BERT's configuration"
has "duplicate token named with both lines" "dup/vocab.txt: the token 'cat' is there twice: line 7 and line 11"
has "shape mismatch names the tensor, expected and found" "tensor 'bert.encoder.layer.0.intermediate.dense.weight' has shape [32, 16], expected [48, 16]"
has "invalid UTF-8 in vocab.txt named with its line" "utf/vocab.txt, line 3, byte 1: invalid UTF-8"
has "truncated checkpoint said" "'cut.tzbert', byte 2996: CRC mismatch"
has "wrong magic said" "'magic.tzbert' is not a tezgah BERT file (no TZBERT magic at the start)."
has "a format BERT has not refused" "ok is a BERT: it is saved as format=tezgah-bert"
match "the session went on" '\* ok +bert'

# a fine-tuned classifier (finetune, bertft.c) goes through both formats: the same predictions
printf '__label__pos a big red house\n__label__neg the dog ran\n__label__pos a red cat\n__label__neg the mat sat\n' > tiny.txt
tz -c "load $REF/hf as m; finetune bert task=sentiment file=tiny.txt model=m epochs=2 name=ft; predict \"a red house\" model=ft; save ft ftdir format=safetensors; load ftdir as o; predict \"a red house\" model=o; save o o.tzbert; load o.tzbert as p; predict \"a red house\" model=p"
status_is "fine-tune, save as a folder and as tezgah-bert, load both: exit 0" 0
has "the folder holds the classifier, said" "the fine-tuned classifier is in it too: 2 labels, with BertForSequenceClassification's names"
has "loading it back finds the classifier and its labels" "fine-tuned classifier: 2 labels (neg, …)"
has "the checkpoint keeps the classifier" "o.tzbert loaded: BERT, V19 C10 D16 L2 H2, 5605 parameters, a 2-label classifier"
grep -q '"id2label"' ftdir/config.json && grep -q '"BertForSequenceClassification"' ftdir/config.json \
  && ok "config.json has id2label and BertForSequenceClassification" || bad "config.json lacks the classifier" "$(cat ftdir/config.json)"
# (a block: a run of consecutive label lines)
blocks=$(printf '%s\n' "$out" | awk '/^  (pos|neg) +[0-9]/ { cur = cur $0 "|"; next } cur != "" { print cur; cur = "" }
  END { if (cur != "") print cur }')
nb=$(printf '%s\n' "$blocks" | grep -c .)
nu=$(printf '%s\n' "$blocks" | sort -u | grep -c .)
[ "$nb" -eq 3 ] && [ "$nu" -eq 1 ] && ok "the same predictions from the fine-tuned model and both reloads" \
  || bad "predictions differ after save/load ($nb blocks, $nu different)" "$blocks"

# a folder holding GPT-2's model.safetensors is handed to the GPT loader, not refused as a BERT
mkdir g2 && cp "$ROOT/tests/ref/gpt/tiny.safetensors" g2/model.safetensors && printf '{"n_head": 2}' > g2/config.json
tz -c "load g2/"
match "a GPT-2 folder goes to the GPT loader (which asks for its tokenizer)" "tokenizer"
hasnt "a GPT-2 folder is not called a BERT" "BERT"

# in Turkish
tz --lang tr -c "load dup"
has "Turkish message for the duplicate" "'cat' belirteci iki kez var: satır 7 ve satır 11"

finish
