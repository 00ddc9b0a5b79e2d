"""Sentences for the lmplz comparison, from the `fortunes` package (Debian: fortunes, fortunes-min).

Each fortune (the entries between `%` lines of the files in /usr/share/games/fortunes, without the .dat/.u8
indexes) is cut into sentences at . ! ? and blank lines, lower-cased and normalised to the tokenizer's alphabet
(a-z, apostrophe; everything else becomes a space). Every tenth sentence goes to the held-out file.
Run: python3 tools/lm_corpus.py OUT_DIR   (writes OUT_DIR/train.txt and OUT_DIR/heldout.txt)
"""
import os
import re
import sys

SOURCE = "/usr/share/games/fortunes"


def sentences():
    for name in sorted(os.listdir(SOURCE)):
        path = os.path.join(SOURCE, name)
        if not os.path.isfile(path) or "." in name:
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for fortune in re.split(r"^%$", text, flags=re.M):
            for piece in re.split(r"[.!?]+|\n\s*\n", fortune):
                words = re.sub(r"[^a-z']+", " ", piece.lower()).split()
                words = [w.strip("'") for w in words]
                words = [w for w in words if w]
                if words:
                    yield " ".join(words)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "train.txt"), "w") as train, open(os.path.join(out, "heldout.txt"), "w") as held:
        for i, s in enumerate(sentences()):
            (held if i % 10 == 9 else train).write(s + "\n")


if __name__ == "__main__":
    main()
