#!/usr/bin/env python3
"""Means of trec_eval measures over a run, with pytrec_eval, for the Swift metrics to be checked against.

Usage: trec_measures.py QRELS RUN  ->  JSON {"ndcg10": ..., "mrr10": ..., "recall1": ..., ...}
Queries judged but missing from the run count as 0 (as `trec_eval -c`). Run from the virtual environment
that `make test` sets up (.venv-eval, with pytrec-eval-terrier).
"""
import json
import sys

import pytrec_eval


def read_qrels(path):
    qrels = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                qid, _, doc, grade = line.split()
                qrels.setdefault(qid, {})[doc] = int(grade)
    return qrels


def read_run(path):
    run = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                qid, _, doc, _, score, _ = line.split()
                run.setdefault(qid, {})[doc] = float(score)
    return run


def main():
    qrels = {q: d for q, d in read_qrels(sys.argv[1]).items() if any(g > 0 for g in d.values())}
    run = read_run(sys.argv[2])
    measures = {"ndcg_cut_10", "recip_rank", "recall_1", "recall_3", "recall_5", "recall_10", "P_1", "map"}
    results = pytrec_eval.RelevanceEvaluator(qrels, measures).evaluate(run)
    names = {"ndcg_cut_10": "ndcg10", "recip_rank": "mrr10", "recall_1": "recall1", "recall_3": "recall3",
             "recall_5": "recall5", "recall_10": "recall10", "P_1": "precision1", "map": "map"}
    means = {}
    for measure, name in names.items():
        means[name] = sum(results.get(q, {}).get(measure, 0.0) for q in qrels) / len(qrels)
    json.dump(means, sys.stdout)


if __name__ == "__main__":
    main()
