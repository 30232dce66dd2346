#!/usr/bin/env python3
"""Fits smart reply's question model (RankingWeights.questionModel) from feature dumps.

Each input is written by `replykit eval --mode full|prefix --features OUT ...` on a training split: one line
per candidate, `qid docid grade f1 f2 ...`. The shipped weights come from two splits, fitted apart (Han text:
`questionModel`, `typedQuestionModel`; Latin text: `latinQuestionModel`, `latinTypedQuestionModel`):
- AFQMC train, on an index the size of afqmc_dev (7,300 entries: the judged entries of 1,400 train queries and
  random others), because features such as the engine score depend on how crowded the index is
  (`tools/eval/afqmc-fit-split.py OUT` writes such a split, with the other 9,172 queries kept apart);
- Banking77's training examples (`corpus_exemplars.jsonl`) that are not among the ten in its corpus, 3,000 of
  them as queries against `corpus.jsonl` (prefixes cut at 30, 50 and 70 % of their words), with the
  shipped candidate counts (60 for whole questions, `latinTypedQuestionCandidates` 40 for typed text): the
  engine-rank features depend on the pool size, so a model is refitted when that changes
  (`tools/models/banking77-fit-split.py OUT` writes such a split, with a seeded sample of the 3,000).
The learned models (`learnedQuestionModel`, `learnedTypedQuestionModel`, `learnedLatinQuestionModel`,
`learnedLatinTypedQuestionModel`), for tenants with word evidence from `replykit learn`, come from the same
fitting questions dumped with `replykit eval --word-evidence E.tsv --features OUT`, where E was learned from
the other training questions only (AFQMC: the 9,172 train questions outside the 1,400, over the whole train
corpus; Banking77: the 6,226 training examples outside the 3,000, the corpus's ten per intent and the test
queries), so that the evidence features are as new to the model as a tenant's next questions.
afqmc_dev and Banking77's test queries are the check, never the input.
The model is a logistic regression (L2 of 1e-2 per example, Newton steps) on "is this candidate relevant", each file weighted
equally however many lines it has, then refined by coordinate search on the mean MRR@10 of the files, the
measure the issue targets. Prints the weights as JSON (bias first); with `--out` it also
writes the model file (the shipped models' format, through tools/models/modelfile.py), whose "features"
are the dump header's names of the columns fitted and whose "fitted" says how: `--on` describes the data.
The linear models read the first 20 features (`--columns 20`), or 25 with learned evidence: the later ones
are the trees'. `tools/models/make-models.sh` runs every recipe above.

Usage: fit-question-model.py FEATURES.tsv [FEATURES.tsv ...] [--columns N] [--also NAME,NAME] [--out FILE.json [--name NAME] --on TEXT]
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))
import modelfile  # noqa: E402

SETTINGS = "logistic regression (L2 1e-2 per example), then coordinate search on mean MRR@10"


def load(path, columns=None):
    """The dump's rows: a bias column, then the features at `columns` (indexes into the features; all by default)."""
    qids, labels, rows = [], [], []
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            qids.append(parts[0])
            labels.append(1.0 if int(parts[2]) > 0 else 0.0)
            values = parts[3:] if columns is None else [parts[3 + c] for c in columns]
            rows.append([1.0] + [float(x) for x in values])
    x = np.array(rows)
    y = np.array(labels)
    _, group = np.unique(np.array(qids), return_inverse=True)
    return x, y, group


def mrr(w, x, y, group, queries):
    """Mean reciprocal rank at 10 over `queries` judged queries (queries with no relevant candidate score 0)."""
    score = x @ w
    order = np.lexsort((-score, group))
    g, lab = group[order], y[order]
    starts = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
    rank = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)]))
    hit = (lab > 0) & (rank < 10)
    first = {}
    for gi, r in zip(g[hit], rank[hit]):
        if gi not in first:
            first[gi] = r
    return sum(1.0 / (r + 1) for r in first.values()) / queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("features", nargs="+", help="dumps of replykit eval --features")
    parser.add_argument("--columns", type=int, help="fit on the dumps' first N features (default: all)")
    parser.add_argument("--also", default="",
                        help="comma-separated feature names fitted beside the first --columns (e.g. cosine,itemCosine)")
    parser.add_argument("--out", help="also write the model file (tools/models/modelfile.py)")
    parser.add_argument("--name", help="the model's name (default: --out's file name without .json)")
    parser.add_argument("--on", help="with --out: the data it was fitted on, for the file's \"fitted\"")
    args = parser.parse_args()
    if args.out and not args.on:
        parser.error("--out needs --on (what the model is fitted on)")
    names = modelfile.dump_features(args.features)
    if args.columns is not None and not 1 <= args.columns <= len(names):
        parser.error(f"--columns must be from 1 to {len(names)}")
    also = [n for n in args.also.split(",") if n]
    unknown = [n for n in also if n not in names]
    if unknown:
        parser.error(f"--also: the dumps have no feature {', '.join(unknown)}")
    columns = None
    if args.columns is not None or also:
        columns = list(range(args.columns if args.columns is not None else 0)) + [names.index(n) for n in also]
    sets = [load(p, columns) for p in args.features]
    queries = [len(np.unique(g)) for _, _, g in sets]
    x = np.vstack([s[0] for s in sets])
    y = np.concatenate([s[1] for s in sets])
    sample = np.concatenate([np.full(len(s[1]), 1.0 / len(s[1])) for s in sets])
    sample *= len(y) / sample.sum()
    w = np.zeros(x.shape[1])
    ridge = 1e-2 * np.eye(x.shape[1])
    ridge[0, 0] = 0
    for _ in range(30):
        p = 1 / (1 + np.exp(-(x @ w)))
        gradient = x.T @ (sample * (p - y)) + ridge @ w * len(y)
        hessian = (x * (sample * p * (1 - p))[:, None]).T @ x + ridge * len(y)
        w -= np.linalg.solve(hessian, gradient)

    def objective(v):
        return np.mean([mrr(v, sx, sy, sg, q) for (sx, sy, sg), q in zip(sets, queries)])

    best = objective(w)
    print(f"logistic regression: mean MRR@10 {best:.4f}", file=sys.stderr)
    for step in (0.5, 0.25, 0.1, 0.05):
        improved = True
        while improved:
            improved = False
            for i in range(1, len(w)):
                for delta in (step, -step):
                    v = w.copy()
                    v[i] += delta * max(1.0, abs(w[i]))
                    value = objective(v)
                    if value > best + 1e-5:
                        w, best, improved = v, value, True
    print(f"after coordinate search: mean MRR@10 {best:.4f} " +
          " ".join(f"{mrr(w, *s, q):.4f}" for s, q in zip(sets, queries)), file=sys.stderr)
    # + 0.0: a weight rounded to -0.0 is written 0.0.
    weights = [round(float(v), 3) + 0.0 for v in w]
    print(json.dumps({"questionModel": weights}))
    if args.out:
        name = args.name or os.path.splitext(os.path.basename(args.out))[0]
        modelfile.write(args.out, {
            "model": "linear", "name": name, "featureSchema": 1, "features": [names[c] for c in columns] if columns is not None else names,
            "fitted": {"by": "tools/eval/fit-question-model.py", "on": args.on, "settings": SETTINGS},
            "bias": weights[0], "weights": weights[1:],
        })


if __name__ == "__main__":
    main()
