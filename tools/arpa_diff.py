"""Compares two ARPA files n-gram by n-gram: the counts per order, the n-grams only one file lists, and the
largest absolute difference of the log10 probabilities and back-off weights (a missing back-off is 0).
Run: python3 tools/arpa_diff.py A.arpa[.gz] B.arpa[.gz]   (exit status 1 when the n-gram sets differ)
"""
import gzip
import sys


def read(path):
    opener = gzip.open if path.endswith(".gz") else open
    grams, order = {}, 0
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("\\") and line.endswith("-grams:"):
                order = int(line[1:-7])
                continue
            if not line or line.startswith("\\") or line.startswith("ngram ") or order == 0:
                continue
            fields = line.split("\t")
            prob = float(fields[0])
            backoff = float(fields[2]) if len(fields) > 2 else 0.0
            grams[fields[1]] = (order, prob, backoff)
    return grams


def main():
    a, b = read(sys.argv[1]), read(sys.argv[2])
    only_a = sorted(set(a) - set(b), key=lambda g: (a[g][0], g))
    only_b = sorted(set(b) - set(a), key=lambda g: (b[g][0], g))
    orders = sorted({v[0] for v in a.values()})
    print("n-grams per order:", [sum(1 for v in a.values() if v[0] == o) for o in orders], "vs",
          [sum(1 for v in b.values() if v[0] == o) for o in orders])
    print("only in the first:", len(only_a), only_a[:5], " only in the second:", len(only_b), only_b[:5])
    worst_p = max(((abs(a[g][1] - b[g][1]), g) for g in a if g in b), default=(0, ""))
    worst_b = max(((abs(a[g][2] - b[g][2]), g) for g in a if g in b), default=(0, ""))
    print("max |log10 p difference| %.3g at %r; max |log10 backoff difference| %.3g at %r"
          % (worst_p[0], worst_p[1], worst_b[0], worst_b[1]))
    sys.exit(1 if only_a or only_b else 0)


if __name__ == "__main__":
    main()
