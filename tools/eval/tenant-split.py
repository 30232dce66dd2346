#!/usr/bin/env python3
"""Splits a collection's judged queries into what a tenant is given and what it is checked on.

For each entry, its judged queries in qid order: the 2nd, 4th, ... go to the tenant ("teach"), the 1st, 3rd, ...
are kept for checking ("check"); an entry with one judged query keeps it for checking. The split is fixed by
the query ids alone, so every run of every binary sees the same halves. Written into OUT:

  teach.tsv / teach.qrels              the tenant's half (judged questions: `replykit learn --queries/--qrels`)
  check.tsv / check.qrels              the other half, whole questions (`replykit eval --mode full`)
  check_prefix.tsv / check_prefix.qrels  their prefixes from the collection's queries_prefix.tsv (--mode prefix)
  corpus_taught.jsonl                  the corpus with each entry's teach-half questions as its body's lines, which
                                       `--similar-from-body` makes its similar questions (the tenant's bot
                                       knowledge after its editors added them)

Nothing here is fitted: the tenant learns from its half at run time (tools/eval/tenant-learning.sh).
Usage: tenant-split.py COLLECTION_DIR OUT
"""
import json
import os
import sys
from collections import defaultdict


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    queries = dict(line.rstrip("\r\n").split("\t", 1) for line in open(os.path.join(source, "queries.tsv"), encoding="utf-8")
                   if line.strip())
    judged = defaultdict(list)  # entry -> qids
    grades = {}
    for line in open(os.path.join(source, "qrels.txt"), encoding="utf-8"):
        if not line.strip():
            continue
        qid, _, doc, grade = line.split()
        if int(grade) > 0 and qid in queries:
            judged[doc].append(qid)
            grades[(qid, doc)] = grade
    teach = set()
    for doc, qids in judged.items():
        for place, qid in enumerate(sorted(set(qids))):
            if place % 2 == 1:
                teach.add(qid)
    # A query judged for several entries is taught when any entry teaches it; checked only if none does (and
    # only if it is judged at all).
    check = {qid for qids in judged.values() for qid in qids} - teach

    def write(name, qids, qrels_lines):
        with open(os.path.join(out, name + ".tsv"), "w", encoding="utf-8") as f:
            for qid in sorted(qids):
                f.write("%s\t%s\n" % (qid, queries[qid]))
        with open(os.path.join(out, name + ".qrels"), "w", encoding="utf-8") as f:
            f.writelines(qrels_lines)

    qrels = [l for l in open(os.path.join(source, "qrels.txt"), encoding="utf-8") if l.strip()]
    write("teach", teach, [l for l in qrels if l.split()[0] in teach])
    write("check", check, [l for l in qrels if l.split()[0] in check])
    if not os.path.exists(os.path.join(source, "queries_prefix.tsv")):
        sys.exit("%s: no queries_prefix.tsv / qrels_prefix.txt" % source)
    with open(os.path.join(out, "check_prefix.tsv"), "w", encoding="utf-8") as f:
        for line in open(os.path.join(source, "queries_prefix.tsv"), encoding="utf-8"):
            if line.split("\t", 1)[0].split("__")[0] in check:
                f.write(line)
    with open(os.path.join(out, "check_prefix.qrels"), "w", encoding="utf-8") as f:
        for line in open(os.path.join(source, "qrels_prefix.txt"), encoding="utf-8"):
            if line.split()[0].split("__")[0] in check:
                f.write(line)
    taught = defaultdict(list)
    for doc, qids in judged.items():
        taught[doc] = [queries[q] for q in sorted(set(qids)) if q in teach]
    with open(os.path.join(out, "corpus_taught.jsonl"), "w", encoding="utf-8") as f:
        for line in open(os.path.join(source, "corpus.jsonl"), encoding="utf-8"):
            entry = json.loads(line)
            if entry.get("body"):
                sys.exit("%s: entry %s has a body; the split is made for question collections" % (source, entry["id"]))
            entry["body"] = "\n".join(taught.get(entry["id"], []))
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
    print("%s: %d queries to teach, %d to check (%d entries with judged queries)" % (
        os.path.basename(os.path.normpath(source)), len(teach), len(check), len(judged)), file=sys.stderr)


if __name__ == "__main__":
    main()
