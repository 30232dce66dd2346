#!/usr/bin/env python3
"""Writes the Banking77 split that the Latin question models are fitted on (see tools/eval/fit-question-model.py).

Banking77's training examples (corpus_exemplars.jsonl) that are neither among the ten per intent in its corpus
nor test queries (queries.tsv): 9,226, the same rule as tools/eval/learned-evidence.sh (qid `x<line number>`,
judged by the example's intent). 3,000 of them, a sample by the seed, are the fitting questions; the other
6,226 are kept apart, for learning word evidence (`replykit learn`). The test queries are never read but to
leave them out.

Writes into OUT: queries.tsv / qrels.txt (the 3,000), queries_prefix.tsv / qrels_prefix.txt (their prefixes at
30, 50 and 70 % of their words, 9,000), rest_queries.tsv / rest_qrels.txt (the others).

Not recorded with the shipped Latin models, so chosen here: which 3,000 (`random.Random(SEED).sample` of the
9,226 in file order, seed 7 as in afqmc-fit-split.py), and how the prefixes were cut. The cut is the shared
collections' (banking77/queries_prefix.tsv: Python's round of the word count, one word at least), without
dropping a prefix equal to another of the same question (the fit made "9,000 prefixes" of 3,000); it fits the
recorded training-split figure (typed MRR@10 0.4516 when typed-latin was fitted) better than `replykit eval
--cut`'s rule (rounded up): the shipped typed-latin scores 0.455 on these prefixes and 0.480 on those.

Usage: banking77-fit-split.py OUT [--evaldata DIR] [--seed N] [--queries N] [--collection clinc150]
(the data is read in place; --collection splits another intent set, with its own corpus_exemplars.jsonl, by the
same rule: tools/models/lodo/ splits CLINC150 so)
"""
import argparse
import json
import os
import random


def cut(text, percent):
    """The prefix of banking77/queries_prefix.tsv's rule: the first round(n * percent / 100) words, one at least."""
    words = text.split()
    return " ".join(words[: max(1, round(len(words) * percent / 100))])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--evaldata", default=os.path.join(here, "..", "..", "..", "shared", "evaldata"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--queries", type=int, default=3000)
    parser.add_argument("--collection", default="banking77",
                        help="another intent set split the same way (clinc150, for tools/models/lodo)")
    args = parser.parse_args()
    folder = os.path.join(args.evaldata, args.collection)
    os.makedirs(args.out, exist_ok=True)

    with open(os.path.join(folder, "corpus.jsonl"), encoding="utf-8") as f:
        seen = {line.strip() for entry in map(json.loads, f) for line in entry["body"].split("\n")}
    with open(os.path.join(folder, "queries.tsv"), encoding="utf-8") as f:
        seen |= {line.rstrip("\n").split("\t", 1)[1].strip() for line in f}
    examples = []
    with open(os.path.join(folder, "corpus_exemplars.jsonl"), encoding="utf-8") as f:
        for n, entry in enumerate(map(json.loads, f)):
            if entry["title"].strip() not in seen:
                examples.append((f"x{n:05d}", entry["title"].strip(), entry["id"].split("#")[0]))
    chosen = set(random.Random(args.seed).sample([qid for qid, _, _ in examples], args.queries))

    def write(name, rows):
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            f.writelines(rows)

    fitting = [e for e in examples if e[0] in chosen]
    rest = [e for e in examples if e[0] not in chosen]
    write("queries.tsv", [f"{qid}\t{text}\n" for qid, text, _ in fitting])
    write("qrels.txt", [f"{qid} 0 {intent} 1\n" for qid, _, intent in fitting])
    write("queries_prefix.tsv", [f"{qid}__p{p}\t{cut(text, p)}\n" for qid, text, _ in fitting for p in (30, 50, 70)])
    write("qrels_prefix.txt", [f"{qid}__p{p} 0 {intent} 1\n" for qid, _, intent in fitting for p in (30, 50, 70)])
    write("rest_queries.tsv", [f"{qid}\t{text}\n" for qid, text, _ in rest])
    write("rest_qrels.txt", [f"{qid} 0 {intent} 1\n" for qid, _, intent in rest])
    print(f"{len(examples)} training examples outside the corpus and the test queries: {len(fitting)} fitting "
          f"questions ({3 * len(fitting)} prefixes), {len(rest)} kept apart -> {args.out}")


if __name__ == "__main__":
    main()
