#!/usr/bin/env bash
# Bad input on purpose: each gets a clear message naming what was wrong, the session goes
# on (the next command still runs), and the exit status of the script says it failed.
. "$(dirname "$0")/lib.sh"

# check NAME FILE-OR-ARG EXPECTED-EN EXPECTED-TR
check() {
  local name=$1 arg=$2 en=$3 trmsg=$4
  tz -c "corpus $arg; status"
  has "$name: message" "$en"
  has "$name: session goes on" "job: none"
  status_is "$name: exit status 1" 1
  tz --lang tr -c "corpus $arg; status"
  has "$name: Turkish message" "$trmsg"
}

check "missing file" "$TMP/nope.txt" "there is no file '$TMP/nope.txt'" "'$TMP/nope.txt' diye bir dosya yok"
mkdir -p "$TMP/adir"
check "a directory as corpus" "$TMP/adir" "is a directory, not a file" "bir klasör, dosya değil"
: > "$TMP/empty.txt"
check "an empty file" "$TMP/empty.txt" "is empty: there is no text in it" "boş: içinde hiç metin yok"
head -c 4096 "$TEZGAH" > "$TMP/binary.bin"
check "a binary file" "$TMP/binary.bin" "looks like a binary file" "ikili (binary) bir dosya"
printf 'good line\nbad \xff byte\n' > "$TMP/bad.txt"
check "invalid UTF-8" "$TMP/bad.txt" "is not valid UTF-8: line 2, column 5" "geçerli UTF-8 değil: satır 2, sütun 5"
printf 'T\xfcrkiye\x27de ya\xfeam\n' > "$TMP/latin5.txt"      # ISO-8859-9 bytes
check "Latin-5 text gets an iconv hint" "$TMP/latin5.txt" "iconv -f ISO-8859-9 -t UTF-8" "iconv -f ISO-8859-9 -t UTF-8"
printf '... !!! ,,, ???\n' > "$TMP/punct.txt"
check "only punctuation" "$TMP/punct.txt" "holds no words" "hiç sözcük yok"
check "an unknown corpus name" "brwon" "there is no corpus or file 'brwon' — did you mean 'brown'?" "'brwon' diye bir derlem ya da dosya yok — 'brown' mı demek istediniz?"
check "an unknown name, no suggestion" "zzzzzz" "there is no corpus or file 'zzzzzz'" "'zzzzzz' diye bir derlem ya da dosya yok"
tz -c "corpus a b"
has "too many arguments" "corpus: too many arguments. Usage: corpus NAME|FILE|info"
tz -c "corpus info"
has "info without a corpus" "no corpus is loaded"
tz -c "corpus x lang=fr"
has "a bad lang=" "lang=fr: must be 'tr' or 'en'"

# A corpus that is not fetched yet says how to get it (a cache folder with nothing in it).
out=$(TEZGAH_CACHE=$TMP/nocache "$TEZGAH" --headless -c "corpus tr" 2>&1); status=$?
has "not fetched: says make datasets" "Run 'make datasets'"
has "not fetched: offers the mini corpus" "corpus mini-tr"

# A 10 MB single line loads (and is counted right).
yes 'kelime' | head -c 10485760 | tr '\n' ' ' > "$TMP/long.txt"
tz -c "corpus $TMP/long.txt"
status_is "a 10 MB single line loads" 0
# wc and sort count the same tokens and types independently
want_tok=$(wc -w < "$TMP/long.txt" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')
want_typ=$(tr ' ' '\n' < "$TMP/long.txt" | grep . | sort -u | wc -l)
has "10 MB line: tokens and types as wc and sort count them" "1 sentences, $want_tok tokens, $want_typ types"

# A line of 10 MB without any space is a single (huge) token, still no crash.
head -c 10485760 /dev/zero | tr '\0' 'a' > "$TMP/oneword.txt"
tz -c "corpus $TMP/oneword.txt"
status_is "a 10 MB word loads" 0
has "10 MB word: one token" "1 sentences, 1 tokens, 1 types"

# A good file after bad ones in the same session works: no state is lost.
printf 'Bir iki üç.\nİki üç!\nÜç.\n' > "$TMP/good.txt"
tz -c "corpus $TMP/good.txt; corpus $TMP/bad.txt; corpus info"
has "a failed load keeps the previous corpus" "corpus good.txt: 3 sentences, 6 tokens, 3 types"
has "the language is guessed (Turkish letters)" "Turkish"

finish
