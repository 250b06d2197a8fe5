#!/usr/bin/env bash
# datasets/gen/make_mini.sh - regenerate datasets/mini/{tr,en}.txt and the analogy
# questions datasets/mini/analogies_{tr,en}.txt.
#
#   datasets/gen/make_mini.sh [--check]
#
# The generated files are committed; this script is only needed after editing the word
# lists and templates in tr.def / en.def. Output is deterministic: the same files on
# every machine and with every POSIX awk (the generator uses its own random numbers,
# see mini.awk). --check regenerates into a temporary folder and only compares (exit 1
# if the committed files differ).
#
# tiny_tr.txt and tiny_en.txt are written by hand and are not touched here.

set -u

here=$(cd "$(dirname "$0")" && pwd)
mini=$(dirname "$here")/mini

SEED=20240917
# sentences per language: about 320k (tr) and 400k (en) words
sentences() { case $1 in tr) echo 40000 ;; en) echo 35000 ;; esac; }

check=0
case ${1:-} in
    --check) check=1 ;;
    "") ;;
    *) echo "usage: datasets/gen/make_mini.sh [--check]" >&2; exit 2 ;;
esac

out=$mini
if [ "$check" = 1 ]; then
    out=$(mktemp -d "${TMPDIR:-/tmp}/tezgah-mini.XXXXXX") || exit 2
    trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out" || exit 2

status=0
for lang in tr en; do
    # LC_ALL=C: the definitions are UTF-8 but handled byte-wise, the same way in
    # mawk, gawk and busybox awk
    if ! LC_ALL=C awk -v lang="$lang" -v n="$(sentences "$lang")" -v seed="$SEED" \
            -f "$here/mini.awk" "$here/$lang.def" > "$out/$lang.txt.tmp"; then
        echo "make_mini: generating $lang.txt failed" >&2
        rm -f "$out/$lang.txt.tmp"
        exit 1
    fi
    mv -f "$out/$lang.txt.tmp" "$out/$lang.txt"
    # the analogy questions that go with it
    if ! LC_ALL=C awk -v lang="$lang" -f "$here/analogies.awk" "$here/$lang.def" \
            > "$out/analogies_$lang.txt.tmp"; then
        echo "make_mini: writing analogies_$lang.txt failed" >&2
        rm -f "$out/analogies_$lang.txt.tmp"
        exit 1
    fi
    mv -f "$out/analogies_$lang.txt.tmp" "$out/analogies_$lang.txt"
    for f in "$lang.txt" "analogies_$lang.txt"; do
        if [ "$check" = 1 ]; then
            if cmp -s "$out/$f" "$mini/$f"; then
                echo "$f: up to date"
            else
                echo "$f: differs from the generator output (run datasets/gen/make_mini.sh)"
                status=1
            fi
        else
            echo "$f: $(wc -l < "$out/$f") lines, $(wc -w < "$out/$f") words"
        fi
    done
done
exit $status
