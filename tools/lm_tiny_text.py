"""The tiny text of the lmplz golden fixtures (fixtures/lm/kn-tiny.txt): 240 sentences from a small grammar,
seeded, so that every order up to 4 has n-grams seen once, twice and three times (the closed-form discounts
need them) while the ARPA files stay a few kilobytes.
Run: python3 tools/lm_tiny_text.py > fixtures/lm/kn-tiny.txt
"""
import random

SUBJECTS = ["the cat", "the dog", "a bird", "my friend", "the old man", "she", "he"]
VERBS = ["sees", "likes", "finds", "wants", "hears"]
OBJECTS = ["the cat", "a fish", "the ball", "a red ball", "the old house", "it"]
ENDINGS = ["", "", "", "today", "again", "in the house", "at night"]
EXTRA = ["green", "small", "runs", "jumps", "tree", "door", "window", "quickly", "and", "then", "sun", "rain"]


def main():
    rng = random.Random(20)
    for _ in range(240):
        words = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(ENDINGS)]
        if rng.random() < 0.15:
            words = [rng.choice(SUBJECTS), "sleeps"]
        if rng.random() < 0.2:
            words += [rng.choice(EXTRA) for _ in range(rng.randint(1, 4))]
        print(" ".join(w for w in words if w))
    # a word with exactly three distinct left neighbours, so that the unigrams have adjusted count 3
    print("a green zebra")
    print("the small zebra runs")
    print("zebra")


if __name__ == "__main__":
    main()
