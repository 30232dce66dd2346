#!/usr/bin/env python3
"""Fits smart reply's confidence with a sentence-embedding model (`RankingWeights.smartReply.meaningConfidence`):
the probability that the first answer is right, from what the first answer's features say.

Input: feature dumps of `replykit eval --mode full --model DIR --features OUT` on a training split (the shipped
values: Banking77's 3,000 training examples outside its corpus, `tools/models/banking77-fit-split.py`, the same
dump `whole-latin-semantic` is fitted on), and the question model file that ranks them. For each query, the
candidate the model ranks first gives one example: right (its grade is above 0) or not, described by the item's
best cosine (`itemCosine`) and the word overlap smart reply reported as confidence before (1 for the same text,
else the mean of the word and pair Dice overlaps). A logistic regression over the two (and a bias) is the
confidence: a probability, so that "no good answer" below 0.5 means "more likely wrong than right" in any tenant,
and nothing is chosen on a collection it is checked on.

Usage: fit-confidence.py FEATURES.tsv --model MODEL.json
Prints the fitted {"bias", "cosine", "overlap"} as JSON, and on stderr how well they are calibrated on the input.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))
import modelfile  # noqa: E402


def first_answers(path, model):
    names = modelfile.dump_features([path])
    columns = [names.index(f) for f in model["features"]]
    at = {n: names.index(n) for n in ("exact", "wordDice", "pairDice", "itemCosine")}
    weights = np.array(model["weights"])
    best = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            values = [float(x) for x in parts[3:]]
            score = model["bias"] + float(np.dot(weights, [values[c] for c in columns]))
            qid = parts[0]
            if qid not in best or score > best[qid][0]:
                overlap = 1.0 if values[at["exact"]] == 1 else (values[at["wordDice"]] + values[at["pairDice"]]) / 2
                best[qid] = (score, int(parts[2]) > 0, values[at["itemCosine"]], overlap)
    return best.values()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("features")
    parser.add_argument("--model", required=True, help="the question model file that ranks the dump")
    args = parser.parse_args()
    with open(args.model) as f:
        model = json.load(f)
    rows = list(first_answers(args.features, model))
    y = np.array([1.0 if right else 0.0 for _, right, _, _ in rows])
    x = np.array([[1.0, cosine, overlap] for _, _, cosine, overlap in rows])
    w = np.zeros(3)
    for _ in range(50):
        p = 1 / (1 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + 1e-3 * w * len(y)
        hessian = (x * (p * (1 - p))[:, None]).T @ x + 1e-3 * np.eye(3) * len(y)
        w -= np.linalg.solve(hessian, gradient)
    p = 1 / (1 + np.exp(-(x @ w)))
    print(f"{len(y)} first answers, {y.mean():.3f} right", file=sys.stderr)
    for low, high in ((0, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)):
        inside = (p >= low) & (p < high)
        if inside.any():
            print(f"  confidence {low:.1f}-{min(high, 1):.1f}: {inside.sum()} answers, mean {p[inside].mean():.3f},"
                  f" right {y[inside].mean():.3f}", file=sys.stderr)
    print(json.dumps({"bias": round(float(w[0]), 3), "cosine": round(float(w[1]), 3), "overlap": round(float(w[2]), 3)}))


if __name__ == "__main__":
    main()
