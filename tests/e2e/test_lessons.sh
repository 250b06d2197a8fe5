#!/usr/bin/env bash
# Every lesson, in both languages, runs headless and its expect lines hold.
# A lesson whose prose and commands drift from the program fails here.
. "$(dirname "$0")/lib.sh"

# Lessons may train on the fetched corpora: make sure they are there (quick when they are).
bash "$ROOT/datasets/fetch.sh" "${TEZGAH_CACHE:-$ROOT/datasets/cache}" "$TEZGAH" > /dev/null 2>&1

n=0
for f in "$ROOT"/lessons/tr/[0-9][0-9]-*.md "$ROOT"/lessons/en/[0-9][0-9]-*.md; do
  [ -e "$f" ] || continue
  lang=$(basename "$(dirname "$f")")
  num=$((10#$(basename "$f" | cut -c1-2)))
  tz --lang "$lang" -c "lesson run $num"
  summary=$(printf '%s\n' "$out" | grep -E '^(ders|lesson) [0-9]+: ' | tail -n 1)
  if [ "$status" -eq 0 ] && printf '%s' "$summary" | grep -Eq ': ([0-9]+)/\1 .*, 0 '; then
    ok "$lang lesson $num: $summary"
  else
    bad "$lang lesson $num: $summary" "$(printf '%s\n' "$out" | grep -E '✗|error|hata' | head -n 20)"
  fi
  n=$((n + 1))
done
[ "$n" -ge 2 ] && ok "found $n lesson files" || bad "found lesson files ($n)"

# Both languages have the same lessons, with the same number of steps.
for f in "$ROOT"/lessons/tr/[0-9][0-9]-*.md; do
  num=$(basename "$f" | cut -c1-2)
  e=$(ls "$ROOT"/lessons/en/"$num"-*.md 2>/dev/null | head -n 1)
  if [ -z "$e" ]; then bad "lesson $num exists in English too"; continue; fi
  st=$(grep -c '^## ' "$f"); se=$(grep -c '^## ' "$e")
  [ "$st" -eq "$se" ] && ok "lesson $num: $st steps in both languages" || bad "lesson $num steps tr=$st en=$se"
done

# A broken lesson is reported with its file and line, not run silently.
mkdir -p "$TMP/root/lessons/en" "$TMP/root/lessons/tr"
printf '# Broken\n## Step\n$ tokenize "a b"\nexpect: [zzz]\n$ corpsu\n' > "$TMP/root/lessons/en/00-broken.md"
out=$(TEZGAH_HOME=$TMP/root "$TEZGAH" --headless --lang en -c "lesson run 0" 2>&1); status=$?
status_is "a failing lesson fails" 1
has "a failed expect names file and line" "00-broken.md:4"
has "a failed command names file and line" "00-broken.md:5"
printf '# Bad regex\n## Step\n$ lang\nexpect~ ([unclosed\n' > "$TMP/root/lessons/en/01-badre.md"
out=$(TEZGAH_HOME=$TMP/root "$TEZGAH" --headless --lang en -c "lesson 1" 2>&1)
has "a bad regular expression is reported at load time" "01-badre.md, line 4: the regular expression does not compile"
out=$(TEZGAH_HOME=$TMP/root "$TEZGAH" --headless --lang tr -c "lesson list" 2>&1)
has "a lesson only in English is listed in Turkish mode too" "Broken"

# Stepping through a lesson from a pipe: empty lines are "next".
tz_in $'lesson 0\n\n\n' --lang en
has "empty lines step through a lesson" "Lesson 0 · Step 3/"
finish
