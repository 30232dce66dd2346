#!/usr/bin/env python3
"""Makes a typo-heavy copy of an English collection: every query with misspelt words, the way customers type
on a phone (a letter dropped, two swapped, one doubled, a neighbouring key hit), so that relevance on misspelt
English can be compared between ReplyKit and a trigram index on the same judgments.

Each word of four letters or more is misspelt with probability --rate (seeded, so the copy is the same on every
run); the corpus and the judgments are the collection's own (linked, not copied). Writes into OUT a collection
folder (corpus.jsonl, queries.tsv, qrels.txt, queries_prefix.tsv, qrels_prefix.txt, the prefixes cut at 30, 50
and 70 % of the words as the shared collections are) that `replykit eval` and `tools/peers/run.sh --evaldata`
read:
  tools/eval/typo-queries.py ../shared/evaldata/banking77 /tmp/typos/banking77_typos
  tools/peers/run.sh --datasets banking77_typos --evaldata /tmp/typos --scale 0

Usage: typo-queries.py COLLECTION_DIR OUT [--rate 0.3] [--seed 7]
"""
import argparse
import os
import random
import re

# Keys next to each other on a QWERTY keyboard.
ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
NEIGHBOURS = {}
for row in ROWS:
    for i, key in enumerate(row):
        NEIGHBOURS[key] = (row[i - 1] if i > 0 else "") + (row[i + 1] if i + 1 < len(row) else "")


def misspell(word, rng):
    i = rng.randrange(1, len(word) - 1)  # keep the first letter: people rarely miss it
    kind = rng.choice(["drop", "swap", "double", "neighbour"])
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    near = NEIGHBOURS.get(word[i].lower(), "")
    return word[:i] + (rng.choice(near) if near else word[i]) + word[i + 1:]


def cut(text, percent):
    words = text.split()
    return " ".join(words[: max(1, round(len(words) * percent / 100))])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("out")
    parser.add_argument("--rate", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    for name in ("corpus.jsonl", "qrels.txt"):
        target = os.path.join(args.out, name)
        if os.path.lexists(target):
            os.remove(target)
        os.symlink(os.path.abspath(os.path.join(args.source, name)), target)
    queries, changed, words = [], 0, 0
    for line in open(os.path.join(args.source, "queries.tsv"), encoding="utf-8"):
        if not line.strip():
            continue
        qid, text = line.rstrip("\r\n").split("\t", 1)

        def typo(match):
            nonlocal changed, words
            word = match.group(0)
            words += 1
            if len(word) >= 4 and rng.random() < args.rate:
                changed += 1
                return misspell(word, rng)
            return word

        queries.append((qid, re.sub(r"[A-Za-z]+", typo, text)))
    judged = {}
    for line in open(os.path.join(args.source, "qrels.txt"), encoding="utf-8"):
        if line.strip():
            qid, _, doc, grade = line.split()
            judged.setdefault(qid, []).append((doc, grade))
    with open(os.path.join(args.out, "queries.tsv"), "w", encoding="utf-8") as f:
        f.writelines("%s\t%s\n" % q for q in queries)
    with open(os.path.join(args.out, "queries_prefix.tsv"), "w", encoding="utf-8") as f, \
            open(os.path.join(args.out, "qrels_prefix.txt"), "w", encoding="utf-8") as g:
        for qid, text in queries:
            for p in (30, 50, 70):
                f.write("%s__p%d\t%s\n" % (qid, p, cut(text, p)))
                g.writelines("%s__p%d 0 %s %s\n" % (qid, p, doc, grade) for doc, grade in judged.get(qid, []))
    print("%d queries, %d of %d words misspelt -> %s" % (len(queries), changed, words, args.out))


if __name__ == "__main__":
    main()
