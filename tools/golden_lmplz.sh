#!/bin/sh
# Golden ARPA files from KenLM's lmplz for Tests/LanguageModelTests/KneserNeyGoldenTests: the tiny text of
# tools/lm_tiny_text.py estimated at order 3; at order 4 with --prune 0 1 1 (and lmplz's fallback discounts
# for the orders whose closed form fails on so little text); at order 3 limited to the 15 most frequent words.
# KenLM is never a dependency of Trellis: bring kpu/kenlm, build it outside the repository
# (cmake -DCMAKE_BUILD_TYPE=Release .. && make -j2 lmplz query), then
# Run: sh tools/golden_lmplz.sh KENLM_BUILD/bin
set -eu
BIN=$1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/fixtures/lm
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 "$ROOT/tools/lm_tiny_text.py" > "$OUT/kn-tiny.txt"
"$BIN/lmplz" -o 3 -S 64M -T "$TMP" < "$OUT/kn-tiny.txt" > "$OUT/kn-tiny-o3.arpa"
"$BIN/lmplz" -o 4 -S 64M -T "$TMP" --prune 0 1 1 --discount_fallback < "$OUT/kn-tiny.txt" > "$OUT/kn-tiny-o4-prune011.arpa"
# The vocabulary limit: the 15 most frequent words, ties by spelling (what `trellis lm build --vocab-limit 15` keeps).
python3 - "$OUT/kn-tiny.txt" > "$TMP/vocab.txt" <<'PY'
import collections, sys
counts = collections.Counter(w for line in open(sys.argv[1]) for w in line.split())
print("\n".join(sorted(counts, key=lambda w: (-counts[w], w.encode()))[:15]))
PY
"$BIN/lmplz" -o 3 -S 64M -T "$TMP" --limit_vocab_file "$TMP/vocab.txt" < "$OUT/kn-tiny.txt" > "$OUT/kn-tiny-o3-vocab15.arpa"
