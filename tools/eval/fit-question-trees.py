#!/usr/bin/env python3
"""Fits a tree model for the question ranking (the shipped *-trees.json model files) from feature dumps.

Each input is written by `replykit eval --mode prefix --features OUT ...` on a training split: one line per
candidate, `qid docid grade f1 f2 ...` (see fit-question-model.py). The shipped model comes from the seven
disjoint AFQMC train parts, each its own index the size of afqmc_dev:
  for k in 0 1 2 3 4 5 6; do
    tools/eval/afqmc-fit-split.py /tmp/part$k --parts 7 --part $k
    replykit eval --corpus /tmp/part$k/corpus.jsonl --queries /tmp/part$k/queries_prefix.tsv \\
      --qrels /tmp/part$k/qrels_prefix.txt --as bot --mode prefix --features /tmp/part$k/typed.tsv
  done
  tools/eval/fit-question-trees.py /tmp/part?/typed.tsv --rounds 300 --rate 0.08 \\
    --out typed-han-trees.json --on "7 disjoint AFQMC train parts ..."
A dump lists each query's candidates in the ranking model's order, and LightGBM's bagging depends on the rows'
order: the dumps are written with the models that ranked when the shipped trees were fitted, the tree models
off (`--weights` with them null, or [] in the flat weights files before the grouped ones) for the lexical
trees and the whole-question learned trees, only the learned typed trees off for those (the lexical typed trees
ranked for tenants with evidence then); with the trees that rank now, the same rows come in another order and
the trees differ.
With --validate F (a dump left out of the inputs) it prints that file's MRR@10 under the model too, which is
how the settings below were chosen (parts 0 to 5 in, part 6 out); afqmc_dev is the check, never the input.

The model is LightGBM's LambdaRank (gradient-boosted regression trees whose gradients are the change in
nDCG@10 from swapping two candidates of a query): it ranks the candidates of one query against each other,
which is what suggest does with them, and it weighs features beside each other (how many characters were
typed changes what a shared word is worth), which a linear model cannot. Needs `pip install lightgbm numpy`
(PyPI; `make models` pins the version in .venv-models). Prints `{"typedQuestionTrees": [...]}` (the field's
trees; a weights file takes the model file `--out` writes, under "models"); `--out` also writes the model file through tools/models/modelfile.py: "features" are
the dump header's names, "fitted" the command (with --field), `--on` (the data; "; N queries" is added) and the
settings. `tools/models/make-models.sh` runs the recipes of all four shipped tree models (the files' "settings":
typed 300 rounds at rate 0.08, whole 800 at 0.03).
`--field` names the model: `typedQuestionTrees` (the default; dumps of `--mode prefix`), `questionTrees`
(smart reply's, from dumps of `--mode full` over each part's queries.tsv), and `learnedTypedQuestionTrees` /
`learnedQuestionTrees` for tenants with learned evidence, from dumps written with `--word-evidence E` (E
learned by `replykit learn` from the part's rest_queries.tsv / rest_qrels.txt over the whole train corpus:
the other parts' questions).

Usage: fit-question-trees.py FEATURES.tsv [...] [--validate F.tsv] [--rounds N] [--leaves N] [--rate R]
       [--min-leaf N] [--seed N] [--threads N] [--field NAME] [--out FILE.json [--name NAME] --on TEXT]
"""
import argparse
import json
import os
import sys

import lightgbm
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))
import modelfile  # noqa: E402

# The RankingWeights fields, for the printed JSON and the model file's "by".
FIELDS = ("typedQuestionTrees", "learnedTypedQuestionTrees", "questionTrees", "learnedQuestionTrees")


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
    parser.add_argument("--threads", type=int, default=0, help="LightGBM's num_threads (0: OpenMP's default)")
    parser.add_argument("--out", help="also write the model file (tools/models/modelfile.py)")
    parser.add_argument("--name", help="the model's name (default: --out's file name without .json)")
    parser.add_argument("--on", help="with --out: the data it was fitted on, for the file's \"fitted\"")
    parser.add_argument("--field", choices=sorted(FIELDS), default="typedQuestionTrees",
                        help="which RankingWeights model: typed text or whole questions (dumps written with --mode "
                             "prefix or full), for tenants with learned word evidence or not (dumps written with "
                             "--word-evidence or not)")
    args = parser.parse_args()
    if args.out and not args.on:
        parser.error("--out needs --on (what the model is fitted on)")
    names = modelfile.dump_features(args.features)

    loaded = [load(path) for path in args.features]
    qids = np.concatenate([q for q, _, _ in loaded])
    labels = np.concatenate([y for _, y, _ in loaded])
    x = np.vstack([f for _, _, f in loaded])
    params = {
        "objective": "lambdarank", "num_leaves": args.leaves, "learning_rate": args.rate,
        "min_data_in_leaf": args.min_leaf, "bagging_fraction": 0.8, "bagging_freq": 1, "feature_fraction": 0.8,
        "lambdarank_truncation_level": 10, "seed": args.seed, "deterministic": True, "verbose": -1,
    }
    if args.threads:
        params["num_threads"] = args.threads
    model = lightgbm.train(params, lightgbm.Dataset(x, labels, group=group_sizes(qids)), num_boost_round=args.rounds)
    print(f"{len(group_sizes(qids))} queries, {len(labels)} candidates, {x.shape[1]} features; "
          f"MRR@10 of the queries with candidates: fitted {mrr(qids, labels, model.predict(x)):.4f}", file=sys.stderr)
    if args.validate:
        vq, vy, vx = load(args.validate)
        print(f"validation {args.validate}: {mrr(vq, vy, model.predict(vx)):.4f}", file=sys.stderr)

    trees = [as_arrays(tree) for tree in model.dump_model()["tree_info"]]
    print(json.dumps({args.field: trees}, separators=(",", ":")))
    if args.out:
        name = args.name or os.path.splitext(os.path.basename(args.out))[0]
        settings = (f"rounds {args.rounds}, leaves {args.leaves}, rate {args.rate}, min-leaf {args.min_leaf}, "
                    f"seed {args.seed}")
        modelfile.write(args.out, {
            "model": "trees", "name": name, "featureSchema": 1, "features": names,
            "fitted": {"by": f"tools/eval/fit-question-trees.py --field {args.field}",
                       "on": f"{args.on}; {len(group_sizes(qids))} queries", "settings": settings},
            "trees": trees,
        })


if __name__ == "__main__":
    main()
