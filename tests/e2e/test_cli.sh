#!/usr/bin/env bash
# Non-interactive use: -c, script files, pipes; help; languages; the command grammar.
. "$(dirname "$0")/lib.sh"

# -c with several commands, exit status 0
tz -c "lang en; tokenize \"Hello, world\""
status_is "-c runs several commands" 0
has "-c output" "[hello] [,] [world]"

# piped commands: same results, no prompt echoed
tz_in $'lang en\ntokenize "a b"\n'
status_is "pipe: exit 0" 0
has "pipe: result" "[a] [b]"
hasnt "pipe: no prompt echo" "tezgah>"

# a script: an error on line 3 names the line, the rest still runs, exit status 1
printf 'lang en\n# a comment\ncorpsu tiny-en\ntokenize "still here"\n' > "$TMP/s.tz"
tz "$TMP/s.tz"
status_is "script with an error: exit 1" 1
has "script error names the line" "s.tz, line 3: error: unknown command 'corpsu' — did you mean 'corpus'?"
has "script continues after the error" "[still] [here]"

# the same in Turkish
printf 'lang tr\n# yorum\ncorpsu tiny-tr\ntokenize "hâlâ buradayım"\n' > "$TMP/s.tz"
tz "$TMP/s.tz"
has "Turkish: the line and the suggestion" "s.tz, satır 3: hata: bilinmeyen komut 'corpsu' — 'corpus' mı demek istediniz?"

# the language follows the locale by default
out=$(LANG=tr_TR.UTF-8 "$TEZGAH" --headless -c "lang" 2>&1)
has "tr_TR locale → Turkish" "dil: tr"
out=$(LANG=en_US.UTF-8 "$TEZGAH" --headless -c "lang" 2>&1)
has "en_US locale → English" "language: en"
out=$(LANG=en_US.UTF-8 LC_ALL=tr_TR.UTF-8 "$TEZGAH" --headless -c "lang" 2>&1)
has "LC_ALL wins over LANG" "dil: tr"
tz -c "lang tr; lang"
has "lang tr switches" "dil: tr"
tz -c "lang de"
status_is "lang de fails" 1
has "lang de explains" "'de' is not a language I know"

# help: every command has help in both languages, and usage is printed
tz -c "help"
cmds=$(printf '%s\n' "$out" | sed -n 's/^  \([a-z]*\) .*/\1/p' | sort -u)
n=$(printf '%s\n' "$cmds" | grep -c .)
[ "$n" -ge 10 ] && ok "help lists $n commands" || bad "help lists commands" "$out"
for c in $cmds; do
  en=$("$TEZGAH" --headless --lang en -c "help $c" 2>&1)
  tr=$("$TEZGAH" --headless --lang tr -c "help $c" 2>&1)
  if [ -n "$en" ] && [ -n "$tr" ] && [ "$en" != "$tr" ] && printf '%s' "$en" | grep -q "^$c"; then
    ok "help $c in both languages"
  else
    bad "help $c in both languages" "$en / $tr"
  fi
done
tz -c "help anlogy"
status_is "help of an unknown command fails" 1

# argument counts, options, quotes
tz -c "lang tr en"
has "too many arguments: usage" "lang: too many arguments. Usage: lang [tr|en]"
tz -c "tokenize"
has "too few arguments: usage" "tokenize: too few arguments. Usage: tokenize"
tz -c "datasets extra"
has "datasets takes no argument" "datasets: too many arguments"
tz -c "corpus tiny-en colour=red"
has "unknown option named, options listed" "corpus: there is no option 'colour='; options: lang top"
tz -c "corpus info top=abc"
has "bad number explained" "top=abc: expected a whole number"
tz -c 'tokenize "unterminated'
has "unterminated quote" "the quote (\") opened at character 10 is never closed"
tz -c 'tokenize "a;b" ; tokenize c'
has "; inside quotes is kept" "[a] [;] [b]"
has "; outside quotes separates" "[c]"
tz -c "lesson"
has "lesson needs an argument" "lesson: too few arguments"
tz -c "lesson 42"
has "a lesson that does not exist" "there is no lesson 42"
tz -c "next"
has "next outside a lesson" "no lesson is running"
tz -c "top=3"
has "an option without a command" "missing command name"

# a line that is not UTF-8 is refused whole, naming the byte, and the session goes on
out=$(printf 'similar \xff\xfe\nlang\n' | "$TEZGAH" --headless 2>&1); status=$?
has "invalid UTF-8 line: named byte" "stdin, line 1: error: the line is not valid UTF-8 (byte 9 = 0xFF)"
has "invalid UTF-8 line: session goes on" "language: en"
status_is "invalid UTF-8 line: exit 1" 1

# options of the program itself
out=$("$TEZGAH" --bogus 2>&1); status=$?
status_is "unknown program option: exit 2" 2
has "unknown program option named" "unknown option '--bogus'"
out=$("$TEZGAH" --headless /nonexistent/script.tz 2>&1); status=$?
has "missing script file" "cannot open the script '/nonexistent/script.tz'"

# tokenizer rules through the REPL
tz -c "tokenize \"İSTANBUL'da IRMAK\" lang=tr"
has "Turkish case folding" "[istanbul] ['da] [ırmak]"
tz -c "tokenize \"İSTANBUL'da IRMAK\" lang=en"
has "English case folding" "[irmak]"
tz -c "tokenize \"Türkiye'de\" split=0 lang=tr"
has "apostrophe kept with split=0" "[türkiye'de]"
tz -c "tokenize \"Hello... World!\" punct=0 lower=0"
has "punct=0 lower=0" "[Hello] [World]"

finish
