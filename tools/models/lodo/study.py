#!/usr/bin/env python3
"""The leave-one-domain-out (LODO) study of the whole-question models (tools/models/lodo/README.md): does a
re-ranking model fitted on some domains transfer to another? run.sh writes its inputs into WORK.

  fit:   reads the dumps (WORK/dumps/afqmc-std.tsv, banking77-select.tsv, clinc150-select.tsv: replykit eval
         --mode full --features, candidates in engine order) and the fitting queries (WORK/<domain>/queries.tsv),
         and fits two models in three ways, each training domain weighted equally (a query weighs 1/#queries of
         its domain):
           cl20   conditional logit (softmax over a query's candidates, the target uniform over its relevant
                  ones; ridge 1e-3 on standardized features) on the 20 features of the shipped linear models
           trAll  LightGBM lambdarank (200 rounds, 8 leaves, rate 0.05, min_data_in_leaf 200, seed 1) on every
                  feature but the learned-evidence ones
         LODO: fitted on the two other domains; half/half: fitted on one crc32-half of the domain's queries,
         scored on the other, the mean of both directions; all-3: cl20 fitted on all three, scored in-sample.
         Writes WORK/study.json (the MRR@10s) and WORK/weights-all3-cl20.json (a weights file: that model as
         wholeHan and wholeLatin, the whole-question trees off) for run.sh to score in the system.
  table: prints the markdown table from WORK/study.json and the eval reports WORK/runs/<domain>-shipped.json
         (no --weights) and WORK/runs/<domain>-system.json (--weights WORK/weights-all3-cl20.json).

MRR@10's denominator is every query of the domain's queries file (a query without candidates scores 0); ties
keep the dump's order, so the lexical order is the dump's.

Usage: study.py fit WORK | study.py table WORK
"""
import argparse
import json
import os
import zlib

import numpy as np

DOMAINS = {"afqmc": ("AFQMC train", "std"), "banking77": ("Banking77", "select"), "clinc150": ("CLINC150", "select")}
LINEAR20 = ["engine", "queryCoverage", "questionCoverage", "wordDice", "pairDice", "queryPairCoverage",
            "questionPairCoverage", "queryLCS", "questionLCS", "lengthRatio", "exact", "missingInQuestion",
            "missingInQuery", "queryPairWeightedCoverage", "questionPairWeightedCoverage", "support", "engineRank",
            "stemCoverage", "itemStemCoverage", "itemBM25"]
EVIDENCE = {"differsInQuery", "differsInQuestion", "differsSum", "sharesStrongest", "sharesSum"}


class Dump:
    """A domain's dump: rows grouped by query (contiguous, in engine order), labels 1 for a relevant entry."""

    def __init__(self, path, queries):
        qids, labels, rows = [], [], []
        with open(path) as f:
            self.names = f.readline().rstrip("\n").split("\t")[3:]
            for line in f:
                if line.startswith("#"):
                    continue
                p = line.rstrip("\n").split("\t")
                qids.append(p[0]); labels.append(1 if int(p[2]) > 0 else 0); rows.append([float(v) for v in p[3:]])
        self.qid, self.y, self.x = np.array(qids), np.array(labels), np.array(rows)
        change = np.flatnonzero(self.qid[1:] != self.qid[:-1]) + 1
        self.starts, self.ends = np.r_[0, change], np.r_[change, len(self.qid)]
        self.gq = self.qid[self.starts]
        assert len(set(self.gq)) == len(self.gq), f"{path}: a query's rows are not contiguous"
        self.gid = np.repeat(np.arange(len(self.starts)), self.ends - self.starts)
        self.pos = np.arange(len(self.y)) - self.starts[self.gid]
        with open(queries, encoding="utf-8") as f:
            self.allq = [line.split("\t", 1)[0] for line in f if line.strip()]

    def cols(self, feats):
        return self.x[:, [self.names.index(f) for f in feats]]

    def everything(self):
        return np.arange(len(self.y))

    def subset(self, keep):
        """The rows and the group indexes of the queries in the set `keep`."""
        g = np.array([q in keep for q in self.gq])
        rows = np.concatenate([np.arange(s, e) for s, e, k in zip(self.starts, self.ends, g) if k]) if g.any() else np.array([], int)
        return rows, np.flatnonzero(g)

    def halves(self):
        a = {q for q in self.allq if zlib.crc32(q.encode()) % 2 == 0}
        return a, set(self.allq) - a


def mrr(d, scores, groups=None, denominator=None):
    """MRR@10 of the queries `groups` (all by default) under `scores`, ties in dump order."""
    keep = np.zeros(len(d.starts), bool)
    keep[np.arange(len(d.starts)) if groups is None else groups] = True
    rows = keep[d.gid]
    g, y, pos, s = d.gid[rows], d.y[rows], d.pos[rows], scores[rows]
    order = np.lexsort((pos, -s, g))
    g, y = g[order], y[order]
    first = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    rank = np.arange(len(g)) - np.repeat(first, np.diff(np.r_[first, len(g)]))
    hit = (y > 0) & (rank < 10)
    best = np.full(len(d.starts), 99)
    np.minimum.at(best, g[hit], rank[hit])
    return float((1.0 / (best[best < 99] + 1)).sum() / (denominator or len(d.allq)))


def fit_clogit(parts, feats, ridge=1e-3):
    """Conditional logit by Newton steps; parts: [(dump, rows)]. Queries without a relevant candidate are left
    out. Returns the weights in raw feature units (no bias: a softmax per query has none)."""
    zs, ts, ws, gs, gbase = [], [], [], [], 0
    for d, r in parts:
        X, y = d.cols(feats)[r], d.y[r].astype(float)
        _, g = np.unique(np.searchsorted(d.starts, r, side="right") - 1, return_inverse=True)
        ok = np.bincount(g, weights=y)[g] > 0
        X, y = X[ok], y[ok]
        _, g = np.unique(g[ok], return_inverse=True)
        nq = g.max() + 1
        zs.append(X); ts.append(y / np.bincount(g, weights=y)[g]); ws.append(np.full(nq, 1.0 / nq)); gs.append(g + gbase)
        gbase += nq
    x, t, qw, g = np.vstack(zs), np.concatenate(ts), np.concatenate(ws), np.concatenate(gs)
    qw *= len(qw) / qw.sum()
    mu, sd = x.mean(0), x.std(0); sd[sd == 0] = 1
    z = (x - mu) / sd
    k, nq, b = z.shape[1], len(qw), np.zeros(z.shape[1])
    starts = np.r_[0, np.flatnonzero(np.diff(g)) + 1]

    def probabilities(b):
        s = z @ b
        s = s - np.maximum.reduceat(s, starts)[g]
        e = np.exp(s); total = np.bincount(g, weights=e)
        return e / total[g], s - np.log(total)[g]

    def loss(b):
        return -(qw[g] * t * probabilities(b)[1]).sum() + 0.5 * ridge * nq * b @ b

    current = loss(b)
    for _ in range(100):
        p, _ = probabilities(b)
        rw = qw[g]
        grad = z.T @ (rw * (p - t)) + ridge * nq * b
        m = np.vstack([np.bincount(g, weights=p * z[:, j]) for j in range(k)]).T  # per-query means
        H = (z * (rw * p)[:, None]).T @ z - (m * qw[:, None]).T @ m + ridge * nq * np.eye(k)
        step, scale = np.linalg.solve(H, grad), 1.0
        while scale > 1e-6:
            value = loss(b - scale * step)
            if value <= current:
                break
            scale /= 2
        b = b - scale * step
        done = current - value < 1e-10 * abs(current)
        current = value
        if done:
            break
    return b / sd


def fit_trees(parts, feats, rounds=200, leaves=8, rate=0.05, min_leaf=200, seed=1):
    import lightgbm
    xs, ys, ws, groups = [], [], [], []
    for d, r in parts:
        X = d.cols(feats)
        gids = sorted(set(np.searchsorted(d.starts, r, side="right") - 1))
        for gi in gids:
            s, e = d.starts[gi], d.ends[gi]
            xs.append(X[s:e]); ys.append(d.y[s:e]); ws.append(np.full(e - s, 1.0 / len(gids))); groups.append(e - s)
    x, y, w = np.vstack(xs), np.concatenate(ys), np.concatenate(ws)
    w *= len(groups) / (w[np.cumsum([0] + groups[:-1])].sum())
    params = {"objective": "lambdarank", "num_leaves": leaves, "learning_rate": rate, "min_data_in_leaf": min_leaf,
              "bagging_fraction": 0.8, "bagging_freq": 1, "feature_fraction": 0.8, "lambdarank_truncation_level": 10,
              "seed": seed, "deterministic": True, "verbose": -1, "num_threads": 1}
    return lightgbm.train(params, lightgbm.Dataset(x, y, weight=w, group=groups), num_boost_round=rounds)


def fit(work):
    data = {dn: Dump(os.path.join(work, "dumps", f"{dn}-{variant}.tsv"), os.path.join(work, dn, "queries.tsv"))
            for dn, (_, variant) in DOMAINS.items()}
    names = data["afqmc"].names
    assert all(d.names == names for d in data.values()), "the dumps' feature columns differ"
    models = {"cl20": LINEAR20, "trAll": [f for f in names if f not in EVIDENCE]}

    def scorer(key, parts):
        if key.startswith("cl"):
            w = fit_clogit(parts, models[key])
            return lambda d: d.cols(models[key]) @ w
        m = fit_trees(parts, models[key])
        return lambda d: m.predict(d.cols(models[key]), num_threads=1)

    results = {}
    for dn, d in data.items():
        results[f"lexical|{dn}"] = mrr(d, -d.everything().astype(float))
        for key in models:
            score = scorer(key, [(data[o], data[o].everything()) for o in DOMAINS if o != dn])
            results[f"lodo {key}|{dn}"] = mrr(d, score(d))
            vals = []
            for train, test in (d.halves(), d.halves()[::-1]):
                score = scorer(key, [(d, d.subset(train)[0])])
                vals.append(mrr(d, score(d), d.subset(test)[1], len(test)))
            results[f"half {key}|{dn}"] = float(np.mean(vals))
            print(f"{key:6s} {dn:10s} lodo {results[f'lodo {key}|{dn}']:.4f} half {results[f'half {key}|{dn}']:.4f}",
                  flush=True)
    w = fit_clogit([(d, d.everything()) for d in data.values()], LINEAR20)
    for dn, d in data.items():
        results[f"all-3 cl20|{dn}"] = mrr(d, d.cols(LINEAR20) @ w)
        results[f"queries|{dn}"] = len(d.allq)
    print("cl20   all-3 in-sample " + " ".join(f"{dn} {results[f'all-3 cl20|{dn}']:.4f}" for dn in DOMAINS))
    model = {"model": "linear", "name": "all3-cl20", "featureSchema": 1, "features": LINEAR20,
             "fitted": {"by": "tools/models/lodo/study.py", "on": "the LODO study's dumps: AFQMC train 1,400, Banking77"
                        " 3,000, CLINC150 3,000 training examples, --mode full, engine order",
                        "settings": "conditional logit (softmax per query) on standardized features, domains weighted equally"},
             "bias": 0.0, "weights": [round(float(v), 6) + 0.0 for v in w]}
    with open(os.path.join(work, "weights-all3-cl20.json"), "w") as f:
        json.dump({"models": {"wholeHan": model, "wholeLatin": model, "wholeHanTrees": None}}, f)
    with open(os.path.join(work, "study.json"), "w") as f:
        json.dump(results, f, indent=1)


def table(work):
    with open(os.path.join(work, "study.json")) as f:
        r = json.load(f)

    def system(dn, run):
        with open(os.path.join(work, "runs", f"{dn}-{run}.json")) as f:
            return json.load(f)["metrics"]["mrr10"]

    print("| domain | lexical | shipped (no --weights) | LODO cl20 | LODO trAll | half/half cl20 / trAll "
          "| all-3 cl20 offline / system |")
    print("|---|---|---|---|---|---|---|")
    for dn, (label, _) in DOMAINS.items():
        v = lambda key: f"{r[f'{key}|{dn}']:.4f}"
        print(f"| {label} {r[f'queries|{dn}']:,} | {v('lexical')} | {system(dn, 'shipped'):.4f} | {v('lodo cl20')} "
              f"| {v('lodo trAll')} | {v('half cl20')} / {v('half trAll')} | {v('all-3 cl20')} / "
              f"{system(dn, 'system'):.4f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["fit", "table"])
    parser.add_argument("work")
    args = parser.parse_args()
    (fit if args.what == "fit" else table)(args.work)


if __name__ == "__main__":
    main()
