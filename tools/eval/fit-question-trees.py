#!/usr/bin/env python3
"""Fits a tree model for the question ranking (RankingWeights.typedQuestionTrees) from feature dumps.

Each input is written by `replykit eval --mode prefix --features OUT ...` on a training split: one line per
candidate, `qid docid grade f1 f2 ...` (see fit-question-model.py). The shipped model comes from the seven
disjoint AFQMC train parts, each its own index the size of afqmc_dev:
  for k in 0 1 2 3 4 5 6; do
    tools/eval/afqmc-fit-split.py /tmp/part$k --parts 7 --part $k
    replykit eval --corpus /tmp/part$k/corpus.jsonl --queries /tmp/part$k/queries_prefix.tsv \\
      --qrels /tmp/part$k/qrels_prefix.txt --as bot --mode prefix --features /tmp/part$k/typed.tsv
  done
  tools/eval/fit-question-trees.py /tmp/part?/typed.tsv --swift Sources/SearchIndex/QuestionTrees+Standard.swift
With --validate F (a dump left out of the inputs) it prints that file's MRR@10 under the model too, which is
how the settings below were chosen (parts 0 to 5 in, part 6 out); afqmc_dev is the check, never the input.

The model is LightGBM's LambdaRank (gradient-boosted regression trees whose gradients are the change in
nDCG@10 from swapping two candidates of a query): it ranks the candidates of one query against each other,
which is what suggest does with them, and it weighs features beside each other (how many characters were
typed changes what a shared word is worth), which a linear model cannot. Needs `pip install lightgbm numpy`
(PyPI). Prints `{"typedQuestionTrees": [...]}`, ready for `replykit eval --weights`.
`--field` names the model: `typedQuestionTrees` (the default; dumps of `--mode prefix`), `questionTrees`
(smart reply's, from dumps of `--mode full` over each part's queries.tsv), and `learnedTypedQuestionTrees` /
`learnedQuestionTrees` for tenants with learned evidence, from dumps written with `--word-evidence E` (E
learned by `replykit learn` from the part's rest_queries.tsv / rest_qrels.txt over the whole train corpus:
the other parts' questions).

Usage: fit-question-trees.py FEATURES.tsv [...] [--validate F.tsv] [--rounds N] [--leaves N] [--rate R]
       [--min-leaf N] [--seed N] [--field NAME] [--swift OUT.swift]
"""
import argparse
import json
import sys

import lightgbm
import numpy as np


# RankingWeights field -> the generated standard value's name in QuestionTrees+Standard*.swift.
FIELDS = {
    "typedQuestionTrees": "standardTyped",
    "learnedTypedQuestionTrees": "standardLearnedTyped",
    "questionTrees": "standardWhole",
    "learnedQuestionTrees": "standardLearnedWhole",
}


def load(path):
    """The candidates of one dump: query ids, relevance (0 or 1), features; rows of a query stay together."""
    qids, labels, rows = [], [], []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4:
                sys.exit(f"{path}:{number}: expected qid, docid, grade and features")
            qids.append(f"{path}:{parts[0]}")
            labels.append(1 if int(parts[2]) > 0 else 0)
            rows.append([float(v) for v in parts[3:]])
    return np.array(qids), np.array(labels), np.array(rows)


def group_sizes(qids):
    sizes, last = [], None
    for qid in qids:
        if qid != last:
            sizes.append(0)
            last = qid
        sizes[-1] += 1
    return sizes


def mrr(qids, labels, scores):
    """MRR@10 over the queries with candidates (the dump has no line for a query without any)."""
    total, start = 0.0, 0
    for size in group_sizes(qids):
        block = slice(start, start + size)
        order = np.argsort(-scores[block], kind="stable")[:10]
        hits = np.flatnonzero(labels[block][order])
        total += 1 / (hits[0] + 1) if len(hits) else 0
        start += size
    return total / max(len(group_sizes(qids)), 1)


def as_arrays(tree):
    """One LightGBM tree (its dump's nested nodes) as QuestionTrees.Tree's arrays, the root as node 0."""
    root = tree["tree_structure"]
    if "leaf_value" in root:
        return {"feature": [], "threshold": [], "left": [], "right": [], "leaf": [float(f"{root['leaf_value']:.6g}")]}
    feature, threshold, left, right, leaf = [], [], [], [], []
    nodes = [root]
    index = 0
    while index < len(nodes):
        node = nodes[index]
        if node["decision_type"] != "<=":
            sys.exit(f"unexpected split {node['decision_type']} (only numeric <= splits are read)")
        feature.append(node["split_feature"])
        # Nine digits: the dumps print features with five decimals, and thresholds fall between such values.
        threshold.append(float(f"{node['threshold']:.9g}"))
        children = []
        for child in (node["left_child"], node["right_child"]):
            if "leaf_value" in child:
                leaf.append(float(f"{child['leaf_value']:.6g}"))
                children.append(-len(leaf))
            else:
                nodes.append(child)
                children.append(len(nodes) - 1)
        left.append(children[0])
        right.append(children[1])
        index += 1
    return {"feature": feature, "threshold": threshold, "left": left, "right": right, "leaf": leaf}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("features", nargs="+")
    parser.add_argument("--validate")
    parser.add_argument("--rounds", type=int, default=800)
    parser.add_argument("--leaves", type=int, default=7)
    parser.add_argument("--rate", type=float, default=0.03)
    parser.add_argument("--min-leaf", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--swift", help="also write the model as this generated Swift file (the standard)")
    parser.add_argument("--field", choices=sorted(FIELDS), default="typedQuestionTrees",
                        help="which RankingWeights model: typed text or whole questions (dumps written with --mode "
                             "prefix or full), for tenants with learned word evidence or not (dumps written with "
                             "--word-evidence or not)")
    args = parser.parse_args()

    loaded = [load(path) for path in args.features]
    qids = np.concatenate([q for q, _, _ in loaded])
    labels = np.concatenate([y for _, y, _ in loaded])
    x = np.vstack([f for _, _, f in loaded])
    params = {
        "objective": "lambdarank", "num_leaves": args.leaves, "learning_rate": args.rate,
        "min_data_in_leaf": args.min_leaf, "bagging_fraction": 0.8, "bagging_freq": 1, "feature_fraction": 0.8,
        "lambdarank_truncation_level": 10, "seed": args.seed, "deterministic": True, "verbose": -1,
    }
    model = lightgbm.train(params, lightgbm.Dataset(x, labels, group=group_sizes(qids)), num_boost_round=args.rounds)
    print(f"{len(group_sizes(qids))} queries, {len(labels)} candidates, {x.shape[1]} features; "
          f"MRR@10 of the queries with candidates: fitted {mrr(qids, labels, model.predict(x)):.4f}", file=sys.stderr)
    if args.validate:
        vq, vy, vx = load(args.validate)
        print(f"validation {args.validate}: {mrr(vq, vy, model.predict(vx)):.4f}", file=sys.stderr)

    trees = [as_arrays(tree) for tree in model.dump_model()["tree_info"]]
    encoded = json.dumps(trees, separators=(",", ":"))
    field, name = args.field, FIELDS[args.field]
    print(json.dumps({field: trees}, separators=(",", ":")))
    if args.swift:
        with open(args.swift, "w") as f:
            f.write("// Generated by tools/eval/fit-question-trees.py --swift: do not edit by hand.\n")
            f.write(f"// {len(args.features)} dumps, {len(group_sizes(qids))} queries; rounds {args.rounds}, leaves {args.leaves}, "
                    f"rate {args.rate}, min-leaf {args.min_leaf}, seed {args.seed}\n\n")
            f.write("extension QuestionTrees {\n")
            f.write(f"  /// `RankingWeights.{field}`' standard value.\n")
            f.write(f"  static let {name} = QuestionTrees(json: #\"{encoded}\"#)\n")
            f.write("}\n")


if __name__ == "__main__":
    main()
