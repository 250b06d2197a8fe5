#!/usr/bin/env bash
# word2vec files against the real peer, both ways: gensim (Debian's python3-gensim) writes
# random vectors in text and binary (a few hundred words with Turkish letters), tezgah loads
# them and saves them again in both formats and as Embedding Projector TSV, gensim loads
# tezgah's files and compares every vector (binary: bit-exact; text: within 1e-6, and in
# fact exact, since tezgah writes "%.9g"), and `vector WORD` prints the numbers gensim has.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3   # Debian's python, the one with numpy and gensim (not a pyenv shim)

if ! "$ROOT/scripts/need-pkgs.sh" python3-gensim >/dev/null 2>&1 || ! "$PY" -c 'import gensim' 2>/dev/null; then
  bad "python3-gensim is installed (scripts/need-pkgs.sh python3-gensim)"
  finish; exit $?
fi
ok "gensim $("$PY" -c 'import gensim; print(gensim.__version__)')"

D=$TMP/w2v
mkdir -p "$D"

# --- gensim writes ----------------------------------------------------------------------
out=$("$PY" - "$D" <<'PY' 2>&1
import sys, numpy as np
from gensim.models import KeyedVectors
d = sys.argv[1]
rng = np.random.default_rng(2024)
stems = ["kral", "kraliçe", "ığdır", "şişe", "göğüs", "çocuk", "üzüm", "İstanbul", "ışık", "word"]
words = [f"{stems[i % len(stems)]}{i}" for i in range(400)]
V, D = len(words), 50
X = rng.standard_normal((V, D)).astype(np.float32)
X[:, :5] *= 1e-4                 # small values (more digits in text)
X[:, 5:10] *= 1e3                # large ones
X[0, 0], X[1, 1] = -0.0, np.float32(1e-40)   # -0 and a denormal
kv = KeyedVectors(vector_size=D)
kv.add_vectors(words, X)
kv.save_word2vec_format(f"{d}/g.txt", binary=False)
kv.save_word2vec_format(f"{d}/g.bin", binary=True)
np.save(f"{d}/X.npy", X)
with open(f"{d}/words.txt", "w", encoding="utf-8") as f:
    f.write("\n".join(words) + "\n")
print("gensim wrote", V, "x", D)
PY
); status=$?
status_is "gensim writes text and binary" 0
[ -s "$D/g.bin" ] && [ -s "$D/g.txt" ] || { bad "gensim files exist" "$out"; finish; exit $?; }

# --- tezgah reads and writes --------------------------------------------------------------
tz -c "load $D/g.bin as gb; load $D/g.txt as gt; load $D/g.bin as gl limit=10;
save gb $D/t_bin.bin format=w2v-bin; save gb $D/t_bin.txt format=w2v-txt;
save gt $D/t_txt.bin format=w2v-bin; save gt $D/t_txt.txt format=w2v-txt;
save gl $D/t_lim.bin format=w2v-bin; save gb $D/proj format=projector"
status_is "tezgah loads gensim's files and saves them in every format" 0
has "binary: 400 words × 50 dims" "400 words × 50 dims (model name gb)"
has "text: 400 words × 50 dims" "400 words × 50 dims (model name gt)"
has "limit=10 keeps 10 words" "10 words × 50 dims (model name gl)"
for f in t_bin.bin t_bin.txt t_txt.bin t_txt.txt t_lim.bin proj.vectors.tsv proj.metadata.tsv; do
  [ -s "$D/$f" ] && ok "tezgah wrote $f" || bad "tezgah wrote $f" "$out"
done

# --- gensim reads tezgah's files ----------------------------------------------------------
check() {  # check NAME FILE binary|text|limit|projector
  out=$("$PY" - "$D" "$2" "$3" <<'PY' 2>&1
import sys, numpy as np
from gensim.models import KeyedVectors
d, name, kind = sys.argv[1:4]
X = np.load(f"{d}/X.npy")
words = open(f"{d}/words.txt", encoding="utf-8").read().split("\n")[:-1]
if kind == "projector":
    Y = np.loadtxt(f"{d}/{name}.vectors.tsv", delimiter="\t", dtype=np.float64).astype(np.float32)
    meta = open(f"{d}/{name}.metadata.tsv", encoding="utf-8").read().split("\n")[:-1]
    assert meta == words, "metadata.tsv words differ"
else:
    kv = KeyedVectors.load_word2vec_format(f"{d}/{name}", binary=name.endswith(".bin"))
    n = 10 if kind == "limit" else len(words)
    assert list(kv.index_to_key) == words[:n], "words or their order differ"
    X = X[:n]
    Y = kv.vectors
assert Y.shape == X.shape, f"shape {Y.shape} vs {X.shape}"
if kind in ("binary", "limit"):
    same = np.array_equal(Y.view(np.uint32), X.view(np.uint32))
    assert same, f"{int((Y.view(np.uint32) != X.view(np.uint32)).sum())} floats differ"
    print("bit-exact")
else:
    err = np.abs(Y.astype(np.float64) - X) / np.maximum(1.0, np.abs(X))
    assert err.max() <= 1e-6, f"max relative error {err.max():.3g}"
    print("max error %.3g, %s" % (err.max(), "bit-exact" if np.array_equal(Y.view(np.uint32), X.view(np.uint32)) else "not bit-exact"))
PY
  ); status=$?
  if [ $status -eq 0 ]; then ok "$1 ($out)"; else bad "$1" "$out"; fi
}
check "gensim reads tezgah's binary from gensim's binary" t_bin.bin binary
check "gensim reads tezgah's binary from gensim's text" t_txt.bin binary
check "gensim reads tezgah's text from gensim's binary" t_bin.txt text
check "gensim reads tezgah's text from gensim's text" t_txt.txt text
check "gensim reads tezgah's limit=10 binary" t_lim.bin limit
check "projector TSV holds the same vectors and words" proj projector

# --- vector WORD prints gensim's numbers --------------------------------------------------
for w in kraliçe1 ığdır2 şişe3 word399; do
  tz -c "load $D/g.bin as gb; vector $w"
  printf '%s\n' "$out" > "$D/vector.out"
  res=$("$PY" - "$D" "$w" <<'PY' 2>&1
import sys, re, numpy as np
from gensim.models import KeyedVectors
d, w = sys.argv[1:3]
kv = KeyedVectors.load_word2vec_format(f"{d}/g.bin", binary=True)
x = kv[w].astype(np.float64)
text = open(f"{d}/vector.out", encoding="utf-8").read()
# the numbers after the line that names the word (its header line has counts, not values)
lines = text.splitlines()
start = next(i for i, l in enumerate(lines) if l.startswith(w))
toks = re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", " ".join(lines[start + 1:]))
vals = np.array([float(t) for t in toks])
assert len(vals) == len(x), f"{len(vals)} numbers printed, {len(x)} expected"
# printed with 6 significant digits
tol = 5e-6 * np.abs(x) + 1e-300
bad = np.where(np.abs(vals - x) > tol)[0]
assert len(bad) == 0, f"value {bad[0]}: printed {vals[bad[0]]!r}, gensim {x[bad[0]]!r}"
m = re.search(r"(?:length|uzunluk) ([0-9.]+)", lines[start])
if m: assert abs(float(m.group(1)) - np.linalg.norm(x)) < 1e-3, f"length {m.group(1)} vs {np.linalg.norm(x)}"
print(len(vals), "values match")
PY
  ); st=$?
  if [ $st -eq 0 ]; then ok "vector $w: $res"; else bad "vector $w" "$res
$out"; fi
done

# --- refusals name the place ----------------------------------------------------------------
head -c 2000 "$D/g.bin" > "$D/cut.bin"
{ echo "5 50"; tail -n +2 "$D/g.txt" | head -n 3; } > "$D/short.txt"
cp "$D/t_bin.bin" "$D/badword.bin"
off=$(grep -obUaF 'kraliçe1 ' "$D/badword.bin" | head -n 1 | cut -d: -f1)
printf '\xff' | dd of="$D/badword.bin" bs=1 seek=$((off + 2)) conv=notrunc status=none
tz -c "load $D/cut.bin"
status_is "a cut binary file fails" 1
match "a header the file cannot hold is refused with the size in GB" "400 words × 50 dimensions \(≈ [0-9.e+-]+ GB"
tz -c "load $D/short.txt"
has "a text file with fewer rows than its header: the line" "short.txt', line 5: the file ends after 3 words, but the header says 5"
tz -c "load $D/badword.bin"
has "invalid UTF-8 in a binary word: the byte offset and record" "byte $((off + 2)) (record 2): the word is not valid UTF-8"
tz --lang tr -c "load $D/badword.bin"
has "the same in Turkish" "bayt $((off + 2)) (2. kayıt): sözcük geçerli UTF-8 değil"
tz -c "load $D/g.bin as gb limit=3"
has "limit=3 on the intact file" "3 words × 50 dims"

finish
