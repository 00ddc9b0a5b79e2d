#!/bin/sh
# Side-by-side check of `trellis lm build` / `lm perplexity` against KenLM's lmplz / query on the fortunes text
# (tools/lm_corpus.py): orders 2, 3, 4, count pruning, a vocabulary limit, and the disk sort. Prints, per model,
# both build times and peak memory, the n-gram-by-n-gram difference of the two ARPA files (tools/arpa_diff.py) and
# both held-out perplexities. KenLM is built outside the repository (docs/language-models.md).
# Run: sh tools/lm_compare.sh KENLM_BUILD/bin TRELLIS_BINARY WORK_DIR
set -eu
BIN=$1
TRELLIS=$2
WORK=$3
ROOT=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$WORK"
python3 "$ROOT/tools/lm_corpus.py" "$WORK"
wc -lw "$WORK/train.txt" "$WORK/heldout.txt"
python3 - "$WORK/train.txt" > "$WORK/vocab5000.txt" <<'PY'
import collections, sys
counts = collections.Counter(w for line in open(sys.argv[1]) for w in line.split())
print("\n".join(sorted(counts, key=lambda w: (-counts[w], w.encode()))[:5000]))
PY
run() {  # NAME "LMPLZ OPTIONS" "TRELLIS OPTIONS"
    /usr/bin/time -f "lmplz   %e s  %M KB" "$BIN/lmplz" -S 200M -T "$WORK" $2 < "$WORK/train.txt" > "$WORK/ken-$1.arpa" 2> "$WORK/ken-$1.log" \
        || { tail -3 "$WORK/ken-$1.log"; exit 1; }
    tail -1 "$WORK/ken-$1.log"
    /usr/bin/time -f "trellis %e s  %M KB" "$TRELLIS" lm build "$WORK/train.txt" --out "$WORK/trellis-$1.arpa" $3 > /dev/null
    echo "== $1"
    python3 "$ROOT/tools/arpa_diff.py" "$WORK/trellis-$1.arpa" "$WORK/ken-$1.arpa"
    printf 'query:   '; "$BIN/query" -v summary "$WORK/ken-$1.arpa" < "$WORK/heldout.txt" 2>/dev/null | head -1
    printf 'trellis: '; "$TRELLIS" lm perplexity "$WORK/trellis-$1.arpa" "$WORK/heldout.txt" --json
}
run o2 "-o 2" "--order 2"
run o3 "-o 3" "--order 3"
run o4 "-o 4" "--order 4"
run o3-prune012 "-o 3 --prune 0 1 2" "--order 3 --prune 0 1 2"
run o4-vocab5000 "-o 4 --limit_vocab_file $WORK/vocab5000.txt" "--order 4 --vocab-limit 5000"
run o4-disk "-o 4" "--order 4 --memory 2M"
