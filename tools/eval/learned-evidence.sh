#!/usr/bin/env bash
# What `replykit learn` learns from training questions, checked on held-out ones (the README's "learned
# evidence" and "learned phrasings" figures): for each collection, `replykit learn` on its training split, then
# `replykit eval` on its test queries without anything learned, with the word evidence, and (where the training
# questions are judged by the same entries as the test queries) with the evidence and the learned phrasings;
# each compared with the first by a paired randomization test.
#   AFQMC: learned from afqmc_train's 10,572 judged questions over its 57,213 entries; checked on afqmc_dev
#   (whose entries are others: no phrasings carry over).
#   Banking77, CLINC150: learned from the training examples (corpus_exemplars.jsonl) that are neither among
#   the corpus's ten per intent nor test queries; checked on the test queries.
# Usage: tools/eval/learned-evidence.sh [afqmc|banking77|clinc150 ...]   (all three by default; ~20 minutes)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
data=${EVALDATA:-$here/../shared/evaldata}
bin=${REPLYKIT:-$here/.build/release/replykit}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -x "$bin" ] || (cd "$here" && swift build -c release >/dev/null)

compare() {  # name, eval arguments...
  local name=$1; shift
  for mode in full prefix; do
    local q=queries r=qrels
    [ "$mode" = prefix ] && q=queries_prefix r=qrels_prefix
    "$bin" eval "$@" --queries "$dir/$q.tsv" --qrels "$dir/$r.txt" --mode "$mode" --json --data "$work/$name-plain" \
      > "$work/$name-$mode-plain.json"
    "$bin" eval "$@" --queries "$dir/$q.tsv" --qrels "$dir/$r.txt" --mode "$mode" --json --data "$work/$name-learned" \
      --word-evidence "$work/$name.evidence.tsv" > "$work/$name-$mode-learned.json"
    echo "== $name, $mode: A without, B with the learned evidence"
    "$bin" eval --compare "$work/$name-$mode-plain.json" "$work/$name-$mode-learned.json" | grep -E "^(metric|ndcg10|mrr10|recall10) "
    if [ -s "$work/$name.phrasings.tsv" ]; then
      "$bin" eval "$@" --queries "$dir/$q.tsv" --qrels "$dir/$r.txt" --mode "$mode" --json --data "$work/$name-phrased" \
        --word-evidence "$work/$name.evidence.tsv" --learned-questions "$work/$name.phrasings.tsv" \
        > "$work/$name-$mode-phrased.json" 2>/dev/null
      echo "== $name, $mode: A without, B with the learned evidence and phrasings"
      "$bin" eval --compare "$work/$name-$mode-plain.json" "$work/$name-$mode-phrased.json" | grep -E "^(metric|ndcg10|mrr10|recall10) "
    fi
  done
}

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(afqmc banking77 clinc150)
for name in "${names[@]}"; do
  case $name in
    afqmc)
      dir=$data/afqmc_train
      "$bin" learn --corpus "$dir/corpus.jsonl" --queries "$dir/queries.tsv" --qrels "$dir/qrels.txt" \
        --out "$work/afqmc.evidence.tsv" | head -2
      dir=$data/afqmc_dev
      compare afqmc --corpus "$dir/corpus.jsonl" --as bot
      ;;
    banking77|clinc150)
      dir=$data/$name
      python3 - "$dir" "$work/$name" <<'PY'
import json, sys
folder, out = sys.argv[1], sys.argv[2]
seen = {line.strip() for entry in map(json.loads, open(f"{folder}/corpus.jsonl")) for line in entry["body"].split("\n")}
seen |= {line.rstrip("\n").split("\t", 1)[1].strip() for line in open(f"{folder}/queries.tsv")}
with open(out + ".train.tsv", "w") as queries, open(out + ".train.qrels", "w") as qrels:
    for n, entry in enumerate(map(json.loads, open(f"{folder}/corpus_exemplars.jsonl"))):
        if entry["title"].strip() not in seen:
            queries.write(f"x{n:05d}\t{entry['title'].strip()}\n")
            qrels.write(f"x{n:05d} 0 {entry['id'].split('#')[0]} 1\n")
PY
      "$bin" learn --corpus "$dir/corpus.jsonl" --as bot --similar-from-body --queries "$work/$name.train.tsv" \
        --qrels "$work/$name.train.qrels" --out "$work/$name.evidence.tsv" --out-questions "$work/$name.phrasings.tsv" \
        | grep -v "^wrote"
      compare "$name" --corpus "$dir/corpus.jsonl" --as bot --similar-from-body
      ;;
    *) echo "unknown collection: $name" >&2; exit 2 ;;
  esac
done
