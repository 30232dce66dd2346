#!/usr/bin/env python3
"""Dense-only baseline: what the sentence encoder all-MiniLM-L6-v2 does alone on the shared evaluation collections.

An offline measurement, for documentation. It runs the reference implementation (sentence-transformers on torch,
CPU) over ../shared/evaldata and prints figures; nothing it computes is written into the repository, and nothing
of it is used by ReplyKit at run time (no words, no BM25, no learned evidence: the encoder alone).

What it measures, for each collection and mode (full: queries.tsv / qrels.txt; prefix: queries_prefix.tsv /
qrels_prefix.txt):
  - every entry's questions are encoded (normalised, model.encode(normalize_embeddings=True)):
      intent sets (banking77, clinc150): the title and each non-empty body line (the body's lines are example
        questions; the project evaluates these sets with --similar-from-body);
      Chinese sets (afqmc_*, lcqmc_dev, oppo_dev): the title only (the standard question);
  - an entry's score for a query is the best cosine over its questions; all entries are ranked (ties keep
    corpus order);
  - MRR@10: reciprocal rank of the first relevant entry within the top 10 (0 if none), averaged over the
    queries with at least one judgment of grade > 0 (a judged query missing from the query file counts 0, as
    trec_eval -c); recall@10: share of a query's relevant entries within the top 10, averaged the same way;
  - encoding time (corpus questions once per collection, and each mode's queries).
A prefix set of more than 20,000 queries is replaced by a fixed seeded sample of 5,000 (said in the output).
For clinc150 (full) it also reads queries_oos.tsv (out-of-scope questions) and, for top-cosine thresholds
0.35 .. 0.55, prints the share of in-scope queries answered (top cosine >= threshold), the precision of the first
answer among those answered, and the share of out-of-scope queries refused (top cosine < threshold).
With --unk N it tokenizes N corpus titles of each Chinese set (model.tokenizer) and prints the share of tokens
that are [UNK] ([CLS]/[SEP] not counted) and how many distinct Han characters of the sample are not in the
vocabulary.

How to run it (one collection at a time, on CPU; about 2 cores' worth):
  python3 -m venv /tmp/st-venv
  /tmp/st-venv/bin/pip install torch --index-url https://download.pytorch.org/whl/cpu
  /tmp/st-venv/bin/pip install sentence-transformers
  tools/embeddings/install-model.sh models/all-MiniLM-L6-v2   (if the model folder is not there yet)
  HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 /tmp/st-venv/bin/python tools/embeddings/dense-baseline.py \\
      --model models/all-MiniLM-L6-v2 [--evaldata ../shared/evaldata] [--unk 300] [banking77 clinc150 ...]

Usage: dense-baseline.py --model DIR [--evaldata DIR] [--threads 2] [--batch-size 64] [--seed 25]
       [--unk N] [COLLECTION ...]   (default: banking77 clinc150 afqmc_dev lcqmc_dev oppo_dev)
"""
import argparse
import json
import os
import random
import sys
import time

# The query and judgment files are read as tools/peers reads them: one reader for every engine measured.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers"))
import peers  # noqa: E402

DEFAULT_COLLECTIONS = ["banking77", "clinc150", "afqmc_dev", "lcqmc_dev", "oppo_dev"]
INTENT_SETS = {"banking77", "clinc150"}          # title + each body line; every other set: title only
OOS_THRESHOLDS = [0.35, 0.40, 0.45, 0.50, 0.55]
SAMPLE_ABOVE = 20000
SAMPLE_SIZE = 5000
CUTOFF = 10


def read_corpus(path, with_body):
    """Returns (entry ids, question texts, owner index of each question)."""
    ids, texts, owner = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            entry = json.loads(line)
            index = len(ids)
            ids.append(entry["id"])
            questions = [entry.get("title") or ""]
            if with_body:
                questions += [l.strip() for l in (entry.get("body") or "").split("\n") if l.strip()]
            questions = [q for q in questions if q.strip()] or [""]
            texts += questions
            owner += [index] * len(questions)
    return ids, texts, owner


def read_qrels(path):
    """The relevant entries of each judged query: peers.py's judgments, as sets."""
    return {qid: set(docs) for qid, docs in peers.read_qrels(path).items()}


def encode(model, texts, batch_size):
    start = time.time()
    vectors = model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
                           show_progress_bar=False)
    return vectors, time.time() - start


def entry_scores(np, query_vectors, question_vectors, starts):
    """Best cosine over each entry's questions (questions of an entry are contiguous, starting at starts)."""
    sims = query_vectors @ question_vectors.T
    if len(starts) == question_vectors.shape[0]:
        return sims
    return np.maximum.reduceat(sims, starts, axis=1)


def rank(np, model_vectors, question_vectors, starts, chunk=512):
    """Yields (top-10 entry indices, top score) for each query row, in order."""
    for begin in range(0, model_vectors.shape[0], chunk):
        scores = entry_scores(np, model_vectors[begin:begin + chunk], question_vectors, starts)
        # stable order by descending score: ties keep corpus order
        order = np.argsort(-scores, axis=1, kind="stable")[:, :CUTOFF]
        for row in range(scores.shape[0]):
            yield order[row], float(scores[row, order[row, 0]])


def evaluate(np, model, args, ids, question_vectors, starts, queries, relevant):
    vectors, seconds = encode(model, [t for _, t in queries], args.batch_size)
    tops = {}
    for (qid, _), (top, best) in zip(queries, rank(np, vectors, question_vectors, starts)):
        tops[qid] = ([ids[i] for i in top], best)
    mrr = recall = 0.0
    judged = [q for q in relevant]
    missing = 0
    for qid in judged:
        if qid not in tops:
            missing += 1
            continue
        top, _ = tops[qid]
        rel = relevant[qid]
        for position, doc in enumerate(top):
            if doc in rel:
                mrr += 1.0 / (position + 1)
                break
        recall += sum(1 for doc in top if doc in rel) / len(rel)
    n = len(judged)
    return {"queries": len(queries), "judged": n, "missing": missing, "mrr10": mrr / n if n else 0.0,
            "recall10": recall / n if n else 0.0, "encode_seconds": seconds, "tops": tops}


def oos_table(np, model, args, ids, question_vectors, starts, full, relevant, oos_queries):
    vectors, seconds = encode(model, [t for _, t in oos_queries], args.batch_size)
    oos_best = [best for _, best in rank(np, vectors, question_vectors, starts)]
    judged = [q for q in relevant if q in full["tops"]]
    rows = []
    for threshold in OOS_THRESHOLDS:
        answered = [q for q in judged if full["tops"][q][1] >= threshold]
        correct = sum(1 for q in answered if full["tops"][q][0][0] in relevant[q])
        refused = sum(1 for best in oos_best if best < threshold)
        rows.append((threshold, len(answered) / len(judged) if judged else 0.0,
                     correct / len(answered) if answered else float("nan"),
                     refused / len(oos_best) if oos_best else float("nan")))
    return rows, len(judged), len(oos_best), seconds


def unk_share(model, titles):
    tokenizer = model.tokenizer
    vocab = tokenizer.get_vocab()
    unk_id = tokenizer.unk_token_id
    tokens = unks = titles_with_unk = 0
    for title in titles:
        ids = tokenizer(title, add_special_tokens=False)["input_ids"]
        tokens += len(ids)
        u = sum(1 for i in ids if i == unk_id)
        unks += u
        titles_with_unk += 1 if u else 0
    han = {c for t in titles for c in t if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"}
    han_missing = {c for c in han if c not in vocab}
    return tokens, unks, titles_with_unk, len(han), len(han_missing)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--model", required=True)
    parser.add_argument("--evaldata", default=os.path.normpath(os.path.join(here, "../../../shared/evaldata")))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=25)
    parser.add_argument("--unk", type=int, default=0, help="titles per Chinese set to check for [UNK]")
    parser.add_argument("collections", nargs="*", default=DEFAULT_COLLECTIONS)
    args = parser.parse_args()

    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(args.threads)
    started = time.time()
    model = SentenceTransformer(args.model, device="cpu")
    log = lambda *a: print(*a, file=sys.stderr, flush=True)
    log("model %s, max_seq_length %d, threads %d, batch %d" % (args.model, model.max_seq_length, args.threads,
                                                             args.batch_size))
    rows, notes, timings, oos, unk = [], [], [], None, []
    for name in args.collections:
        folder = os.path.join(args.evaldata, name)
        with_body = name in INTENT_SETS
        ids, texts, owner = read_corpus(os.path.join(folder, "corpus.jsonl"), with_body)
        starts = np.array([i for i in range(len(owner)) if i == 0 or owner[i] != owner[i - 1]])
        question_vectors, corpus_seconds = encode(model, texts, args.batch_size)
        log("%s: %d entries, %d questions encoded in %.1f s" % (name, len(ids), len(texts), corpus_seconds))
        timing = {"collection": name, "entries": len(ids), "questions": len(texts), "corpus": corpus_seconds}
        for mode, qfile, rfile in (("full", "queries.tsv", "qrels.txt"),
                                   ("prefix", "queries_prefix.tsv", "qrels_prefix.txt")):
            queries = peers.read_tsv(os.path.join(folder, qfile))
            relevant = read_qrels(os.path.join(folder, rfile))
            if len(queries) > SAMPLE_ABOVE:
                queries = sorted(random.Random(args.seed).sample(queries, SAMPLE_SIZE))
                keep = {q for q, _ in queries}
                relevant = {q: d for q, d in relevant.items() if q in keep}
                notes.append("%s %s: %d of %s queries (seeded sample, seed %d)"
                             % (name, mode, SAMPLE_SIZE, "more than %d" % SAMPLE_ABOVE, args.seed))
            result = evaluate(np, model, args, ids, question_vectors, starts, queries, relevant)
            log("%s %s: %d queries, MRR@10 %.3f, recall@10 %.3f, queries encoded in %.1f s"
                % (name, mode, result["queries"], result["mrr10"], result["recall10"], result["encode_seconds"]))
            if result["missing"]:
                notes.append("%s %s: %d judged queries missing from the query file (counted 0)"
                             % (name, mode, result["missing"]))
            rows.append((name, mode, result))
            timing[mode] = result["encode_seconds"]
            if name == "clinc150" and mode == "full":
                oos_path = os.path.join(folder, "queries_oos.tsv")
                if os.path.exists(oos_path):
                    oos = oos_table(np, model, args, ids, question_vectors, starts, result, relevant,
                                    peers.read_tsv(oos_path))
        timings.append(timing)
        if args.unk and not with_body:
            sample = random.Random(args.seed).sample(texts, min(args.unk, len(texts)))
            unk.append((name, len(sample)) + unk_share(model, sample))

    print("| collection | mode | queries | MRR@10 | recall@10 |")
    print("|---|---|---:|---:|---:|")
    for name, mode, r in rows:
        print("| %s | %s | %d | %.3f | %.3f |" % (name, mode, r["judged"], r["mrr10"], r["recall10"]))
    print()
    print("| collection | entries | questions encoded | corpus encode s | full queries encode s | prefix queries encode s |")
    print("|---|---:|---:|---:|---:|---:|")
    for t in timings:
        print("| %s | %d | %d | %.1f | %.1f | %.1f |" % (t["collection"], t["entries"], t["questions"], t["corpus"],
                                                      t.get("full", 0.0), t.get("prefix", 0.0)))
    if oos:
        table, n_in, n_oos, seconds = oos
        print()
        print("clinc150 full, top cosine as the answer threshold (%d in-scope, %d out-of-scope queries):" % (n_in, n_oos))
        print()
        print("| threshold | in-scope answered | precision of first answer | out-of-scope refused |")
        print("|---:|---:|---:|---:|")
        for threshold, answered, precision, refused in table:
            print("| %.2f | %.3f | %.3f | %.3f |" % (threshold, answered, precision, refused))
    if unk:
        print()
        print("| collection | titles | tokens | [UNK] share | titles with [UNK] | distinct Han chars | not in vocab |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, n, tokens, unks, with_unk, han, missing in unk:
            print("| %s | %d | %d | %.3f | %d | %d | %d |" % (name, n, tokens, unks / tokens if tokens else 0.0,
                                                             with_unk, han, missing))
    for note in notes:
        print("note: " + note)
    print()
    print("total run time %.0f s" % (time.time() - started))


if __name__ == "__main__":
    main()
