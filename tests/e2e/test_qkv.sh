#!/usr/bin/env bash
# `qkv`: self-attention by hand. Every matrix it prints is recomputed here with awk from the
# printed X and W's alone (Q = X W_Q, S = Q Kᵀ/√d, softmax by rows, the causal mask, O = P V),
# so the engine's attention (nn/layers.c, GPT's own) is checked against the chapter's equations.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

# check OUT D CAUSAL -> "ok" or the first disagreement
check() {
  printf '%s\n' "$out" | awk -v D="$1" -v causal="$2" '
    function blk(line) {
      if (line ~ /^X /) return "X"; if (line ~ /^W_Q /) return "WQ"; if (line ~ /^W_K /) return "WK"
      if (line ~ /^W_V /) return "WV"; if (line ~ /^Q = /) return "Q"; if (line ~ /^K = /) return "K"
      if (line ~ /^V = /) return "V"; if (line ~ /^S = /) return "S"; if (line ~ /^P = /) return "P"
      if (line ~ /^O = /) return "O"; return "" }
    { b = blk($0) }
    b != "" { cur = b; r = 0; next }
    /^ / && cur != "" {
      n = split($0, f, " ")
      if (cur ~ /^W/) { for (j = 1; j <= n; j++) M[cur, r, j - 1] = f[j] + 0; r++; next }
      if ((cur == "S" || cur == "P") && substr($0, 1, 10) == "          ") next    # the header line of words
      for (j = 2; j <= n; j++) M[cur, r, j - 2] = (f[j] == "-inf") ? "-inf" : f[j] + 0
      if (cur == "X") rows = r + 1
      r++; next }
    { cur = "" }
    END {
      bad = ""
      if (rows < 1) { print "no X printed"; exit }
      for (t = 0; t < rows; t++) for (j = 0; j < D; j++) {
        q = 0; k = 0; v = 0
        for (i = 0; i < D; i++) { q += M["X", t, i] * M["WQ", i, j]; k += M["X", t, i] * M["WK", i, j]; v += M["X", t, i] * M["WV", i, j] }
        Q[t, j] = q; K[t, j] = k; V[t, j] = v
        if ((q - M["Q", t, j])^2 > 3e-5 || (k - M["K", t, j])^2 > 3e-5 || (v - M["V", t, j])^2 > 3e-5) bad = bad " QKV[" t "," j "]"
      }
      for (t = 0; t < rows; t++) {
        mx = -1e30
        for (j = 0; j < rows; j++) {
          s = 0; for (i = 0; i < D; i++) s += Q[t, i] * K[j, i]; s /= sqrt(D); S[j] = s
          if (causal && j > t) { if (M["S", t, j] != "-inf") bad = bad " mask S[" t "," j "]"; continue }
          if ((s - M["S", t, j])^2 > 1e-8) bad = bad " S[" t "," j "]"
          if (s > mx) mx = s }
        z = 0; for (j = 0; j < rows; j++) if (!(causal && j > t)) z += exp(S[j] - mx)
        for (j = 0; j < rows; j++) { p = (causal && j > t) ? 0 : exp(S[j] - mx) / z; P[j] = p
          if ((p - M["P", t, j])^2 > 1e-8) bad = bad " P[" t "," j "]" }
        for (i = 0; i < D; i++) { o = 0; for (j = 0; j < rows; j++) o += P[j] * V[j, i]
          if ((o - M["O", t, i])^2 > 1e-8) bad = bad " O[" t "," i "]" }
      }
      print (bad == "" ? "ok " rows : "differs:" bad) }'
}

tz -c 'qkv "Ben kahve içiyorum"'
status_is "qkv runs" 0
r=$(check 4 0)
[ "$r" = "ok 3" ] && ok "no mask: Q, K, V, S, P, O all agree with awk's ($r)" || bad "no mask: awk disagrees: $r" "$out"
hasnt "no mask: no -inf" "-inf"

tz -c 'qkv "Ben sabah sıcak bir kahve içiyorum" causal=1 dim=3 seed=7'
r=$(check 3 1)
[ "$r" = "ok 6" ] && ok "causal, d=3: every number agrees, -inf above the diagonal ($r)" || bad "causal: awk disagrees: $r" "$out"
has "the first word can only look at itself" "'Ben' looks most at 'Ben' (100%)."

# the same word keeps its embedding in another sentence (a lookup table, not the context)
tz -c 'qkv "kahve sıcak"'
x1=$(printf '%s\n' "$out" | awk '/^X /{f=1; next} f && $1 == "kahve" {$1 = ""; print; exit}')
tz -c 'qkv "Ben kahve içiyorum"'
x2=$(printf '%s\n' "$out" | awk '/^X /{f=1; next} f && $1 == "kahve" {$1 = ""; print; exit}')
[ -n "$x1" ] && [ "$x1" = "$x2" ] && ok "'kahve' has the same embedding in both sentences ($x1)" || bad "embedding of kahve: '$x1' vs '$x2'"

tz -c 'lang tr; qkv "Ben kahve içiyorum" causal=1'
has "Turkish: the score line" "S = Q Kᵀ / √d — puanlar"
has "Turkish: who looks at whom" "'kahve' en çok 'Ben' sözcüğüne bakıyor (%75)."

# the heatmap of P as a picture
tz -c 'qkv "Ben kahve içiyorum" causal=1 out=p.png'
if [ "$(head -c 8 p.png 2>/dev/null | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; then ok "out= writes a PNG of the heatmap"
else bad "out= writes a PNG of the heatmap" "$out"; fi

# bad input: the session goes on, each says what was wrong
tz -c 'qkv; qkv "a b" dim=9; qkv "a b" causal=2; qkv ""; qkv "1 2 3 4 5 6 7 8 9 10 11"; qkv "a b" foo=1; lang tr; qkv "1 2 3 4 5 6 7 8 9 10 11"'
has "no text" "qkv: too few arguments"
has "dim out of range" "dim=9: must be between 1 and 8."
has "causal must be 0 or 1" "causal=2: must be between 0 and 1."
has "empty text" "empty text: type a short sentence in quotes"
has "too many words" "qkv takes at most 10 words"
has "unknown key" "foo"
has "Turkish: too many words" "qkv en çok 10 sözcük alır"
tz -c 'qkv "a ççççççççççççççççççççççççççççççççççççççççççççç"'
has "a word too long, cut between letters" "'çççççççççç…' is too long a word (at most 63 bytes)."
printf 'qkv "a \xff b"\n' > bad.tz
tz bad.tz
has "invalid UTF-8 is refused with the byte named" "not valid UTF-8 (byte"
finish
