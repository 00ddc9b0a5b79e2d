#!/usr/bin/env python3
"""Golden WER/CER counts from NIST sclite for `wer` (Tests/CTCTests/ErrorRateGoldenTests.swift).

Writes the small reference/hypothesis files of every case under fixtures/golden/sclite/<case>/ and the counts
sclite gives for them to fixtures/golden/sclite/sclite_counts.json. Needs Debian's `sctk` package (installed by
scripts/setup); the Swift tests read only the committed files.

    python3 tools/golden_sclite.py            # from the repository root

Words: trn files are given to sclite as they are (`sctk sclite -r ref.trn trn -h hyp.trn trn -i rm -o pra
stdout`); LibriSpeech `trans.txt` and plain-text files are first written as trn (`TEXT (ID)`, plain-text lines
getting ids utt_0001, ... by position). Characters: sclite's own character mode (`-c DH`) drops the spaces and
`-c NOASCII` does not split ASCII words at all, while Trellis's CER counts the space as a character (as the
notebook's `cer`); so each utterance is written as words of one character, whitespace runs collapsed to one
`<sp>` word, and scored by the same word alignment.

Counts are summed from the per-utterance "Scores: (#C #S #D #I)" lines of the `pra` report (exact integers,
where the summary's percentages are rounded and read 0.0 % for insertions against an empty reference).
A case sclite refuses (exit status != 0) is recorded with its message.
"""
import json
import os
import random
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fixtures", "golden", "sclite")

SENTENCES = [
    "he hoped there would be stew for dinner turnips and carrots and bruised potatoes",
    "stuff it into you his belly counselled him",
    "after early nightfall the yellow lamps would light up here and there",
    "hello bertie any good in your mind",
    "number ten fresh nelly is waiting on you good night husband",
    "the music came nearer and he recalled the words",
]


def random_case(seed, n, vocab):
    """Many near-ties for the alignment's order of preference: short utterances over a tiny vocabulary."""
    rng = random.Random(seed)
    refs, hyps = [], []
    for i in range(n):
        r = [rng.choice(vocab) for _ in range(rng.randint(0, 7))]
        h = [rng.choice(vocab) for _ in range(rng.randint(0, 7))]
        refs.append(" ".join(r) + f" (r_{i:03d})")
        hyps.append(" ".join(h) + f" (r_{i:03d})")
    return "\n".join(refs) + "\n", "\n".join(hyps) + "\n"


def cases():
    """name -> (reference file name, contents, hypothesis file name, contents, what it checks)."""
    c = {}
    c["basic"] = ("ref.trn", "the cat sat on the mat (a_1)\nhello world (a_2)\none two three (b_1)\n",
                  "hyp.trn", "the bat sat the mat now (a_1)\nhelo world (a_2)\none two three (b_1)\n",
                  "substitutions, a deletion and an insertion, ids in the same order")
    c["out_of_order"] = ("ref.trn", "the cat sat (a_1)\nhello world (a_2)\none two three (b_1)\nit is fine (b_2)\n",
                         "hyp.trn", "its fine (b_2)\nhelo world (a_2)\none two three four (b_1)\nthe bat sat down (a_1)\n",
                         "hypotheses in another order than the references: pairing is by id")
    c["unpaired_reference"] = ("ref.trn", "the cat sat (a_1)\nhello world (a_2)\nfoo bar baz (a_3)\none two three (b_1)\n",
                               "hyp.trn", "helo world (a_2)\nthe bat sat down (a_1)\n",
                               "reference ids a_3 and b_1 have no hypothesis: sclite leaves them out")
    c["unpaired_hypothesis"] = ("ref.trn", "the cat sat (a_1)\nhello world (a_2)\n",
                                "hyp.trn", "the cat sat (a_1)\nhello world (a_2)\nextra words (a_9)\n",
                                "hypothesis id a_9 has no reference: sclite stops")
    c["duplicate_id"] = ("ref.trn", "the cat sat (a_1)\nhello world (a_1)\n",
                         "hyp.trn", "the cat sat (a_1)\n",
                         "an id twice in the reference: sclite stops")
    c["empty_hypotheses"] = ("ref.trn", "the cat sat (a_1)\nhello world (a_2)\nsomething (a_3)\n",
                             "hyp.trn", "(a_1)\nhello world (a_2)\n(a_3)\n",
                             "empty hypotheses are all deletions")
    c["insertions_only"] = ("ref.trn", "a b (a_1)\n(a_2)\nc (a_3)\n",
                            "hyp.trn", "x a y b z (a_1)\nnew words here (a_2)\nc c (a_3)\n",
                            "only insertions, one against an empty reference")
    c["crlf"] = ("ref.trn", "the cat sat (a_1)\r\nhello world (a_2)\r\n",
                 "hyp.trn", "the bat sat (a_1)\r\nhello (a_2)\r\n",
                 "CRLF line ends")
    ids = [f"1089-134686-{i:04d}" for i in range(len(SENTENCES))]
    c["demo_all_empty"] = ("ref.trn", "".join(f"{s} ({i})\n" for s, i in zip(SENTENCES, ids)),
                           "hyp.trn", "".join(f"({i})\n" for i in ids),
                           "the demo's early epochs: every hypothesis empty (WER 100 %)")
    c["not_levenshtein"] = ("ref.trn", "a b c d e (a_1)\nx y (a_2)\nab cd ef (a_3)\n",
                            "hyp.trn", "d e x y z (a_1)\ny x (a_2)\ncd ab (a_3)\n",
                            "sclite's weights (sub 4, ins/del 3) choose D+I over substitutions: 6 errors, not 5")
    c["case_and_spaces"] = ("ref.trn", "Hello   World (a_1)\nthe\tCat sat (a_2)\n",
                            "hyp.trn", "hello WORLD (a_1)\n  The cat  sad   (a_2)\n",
                            "case-insensitive words, whitespace runs and tabs")
    c["trans"] = ("ref.trans.txt", "".join(f"{i} {s.upper()}\n" for s, i in zip(SENTENCES[:3], ids)),
                  "hyp.trans.txt", f"{ids[2]} AFTER EARLY NIGHT FALL THE YELLOW LAMPS WOULD LIGHT HERE AND THERE\n"
                                   f"{ids[0]} HE HOPED THERE WOULD BE STEW FOR DINNER TURNIPS AND CARROTS AND BRUISED POTATOES\n"
                                   f"{ids[1]}\n",
                  "LibriSpeech trans.txt, out of order, one empty hypothesis")
    c["text"] = ("ref.txt", "the cat sat\n\nhello world\n",
                 "hyp.txt", "the bat sat down\nsomething\nhelo world\n",
                 "plain text pairs by line; an empty reference line")
    r, h = random_case(7, 60, ["a", "b", "c", "ab"])
    c["random_small_vocabulary"] = ("ref.trn", r, "hyp.trn", h,
                                    "60 random utterances over 4 words: many equal-weight alignments")
    return c


def parse(name, text):
    """[(id, text)] of a case file, by its name's format (trn, trans.txt, txt)."""
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out = []
    for n, line in enumerate(lines, 1):
        if name.endswith(".trn"):
            if not line.strip():
                continue
            m = re.fullmatch(r"\s*(.*?)\s*\((\S+)\)\s*", line)
            out.append((m.group(2), m.group(1)))
        elif name.endswith(".trans.txt"):
            if not line.strip():
                continue
            parts = line.strip().split(None, 1)
            out.append((parts[0], parts[1] if len(parts) > 1 else ""))
        else:
            out.append((f"utt_{n:04d}", line))
    return out


def as_trn(entries, characters):
    def tokens(text):
        if not characters:
            return text.split()
        return ["<sp>" if ch == " " else ch for ch in " ".join(text.split())]
    return "".join(" ".join(tokens(t) + [f"({i})"]) + "\n" for i, t in entries)


def sclite(ref_path, hyp_path):
    """(status, stdout+stderr) of sclite's pra report."""
    p = subprocess.run(["sctk", "sclite", "-r", ref_path, "trn", "-h", hyp_path, "trn", "-i", "rm",
                        "-o", "pra", "stdout"], capture_output=True, text=True, cwd=os.path.dirname(ref_path))
    return p.returncode, p.stdout + p.stderr


def counts(output):
    """Per-utterance [C, S, D, I] by id, from the pra report."""
    per, current = {}, None
    for line in output.splitlines():
        m = re.match(r"id: \((\S+)\)", line)
        if m:
            current = m.group(1)
        m = re.match(r"Scores: \(#C #S #D #I\)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", line)
        if m:
            per[current] = [int(x) for x in m.groups()]
    return per


def totals(per):
    c, s, d, i = (sum(v[k] for v in per.values()) for k in range(4))
    return {"C": c, "S": s, "D": d, "I": i, "N": c + s + d}


def score(tmp, ref_name, ref_text, hyp_name, hyp_text, characters):
    """sclite on the case as words (trn given as they are) or as words of one character."""
    if ref_name.endswith(".trn") and not characters:
        r_path, h_path = os.path.join(tmp, ref_name), os.path.join(tmp, hyp_name)
        for path, text in ((r_path, ref_text), (h_path, hyp_text)):
            with open(path, "w", newline="") as f:
                f.write(text)
    else:
        kind = "chars" if characters else "words"
        r_path, h_path = os.path.join(tmp, f"ref.{kind}.trn"), os.path.join(tmp, f"hyp.{kind}.trn")
        with open(r_path, "w") as f:
            f.write(as_trn(parse(ref_name, ref_text), characters))
        with open(h_path, "w") as f:
            f.write(as_trn(parse(hyp_name, hyp_text), characters))
    return sclite(r_path, h_path)


def main():
    version = subprocess.run(["sctk", "sclite"], capture_output=True, text=True)
    m = re.search(r"sclite Version: ([^,\s]+), SCTK Version: (\S+)", version.stdout + version.stderr)
    golden = {"sclite": f"sclite {m.group(1)} (SCTK {m.group(2)})" if m else "unknown",
              "command": "sctk sclite -r REF trn -h HYP trn -i rm -o pra stdout",
              "cases": {}}
    for name, (ref_name, ref_text, hyp_name, hyp_text, what) in cases().items():
        folder = os.path.join(OUT, name)
        os.makedirs(folder, exist_ok=True)
        for fname, text in ((ref_name, ref_text), (hyp_name, hyp_text)):
            with open(os.path.join(folder, fname), "w", newline="") as f:
                f.write(text)
        entry = {"what": what, "reference": ref_name, "hypothesis": hyp_name}
        with tempfile.TemporaryDirectory() as tmp:
            status, out = score(tmp, ref_name, ref_text, hyp_name, hyp_text, characters=False)
            if status != 0:
                entry["status"] = "error"
                entry["sclite_message"] = " ".join(l.strip() for l in out.splitlines() if l.startswith("Error"))
            else:
                words = counts(out)
                _, out_c = score(tmp, ref_name, ref_text, hyp_name, hyp_text, characters=True)
                chars = counts(out_c)
                assert set(words) == set(chars), name
                entry["status"] = "ok"
                entry["words"] = totals(words)
                entry["characters"] = totals(chars)
                entry["utterances"] = {i: {"words": words[i], "characters": chars[i]} for i in sorted(words)}
        golden["cases"][name] = entry
        print(f"{name:26s} {entry['status']:5s} " + (f"words {entry['words']} characters {entry['characters']}"
                                                     if entry["status"] == "ok" else entry["sclite_message"]))
    text = json.dumps(golden, indent=1, sort_keys=True)
    # Lists of counts and {"C": .., "D": ..} objects on one line each, so the file reads as a table.
    text = re.sub(r"\[\s*([\d,\s]*?)\s*\]", lambda m: "[" + " ".join(m.group(1).split()) + "]", text)
    text = re.sub(r"\{(\s*\"[CDINS]\": \d+,?)+\s*\}", lambda m: " ".join(m.group(0).split()), text)
    with open(os.path.join(OUT, "sclite_counts.json"), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
