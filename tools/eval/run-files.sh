#!/usr/bin/env bash
# Writes TREC run files of `replykit eval` on afqmc_dev, lcqmc_dev, oppo_dev and banking77 (SETS="..." for
# others), whole questions (full) and typed prefixes (prefix), into OUT: the files a restructuring must leave
# byte-identical (compare two folders with `diff -r`). Uses the release build unless REPLYKIT names another
# binary.
#   tools/eval/run-files.sh OUT
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:?usage: tools/eval/run-files.sh OUT}"
replykit="${REPLYKIT:-$root/.build/release/replykit}"
data="${EVALDATA:-$root/../shared/evaldata}"
mkdir -p "$out"
for set in ${SETS:-afqmc_dev lcqmc_dev oppo_dev banking77}; do
  extra=()
  [[ "$set" == banking77 ]] && extra=(--similar-from-body)
  "$replykit" eval --corpus "$data/$set/corpus.jsonl" --as bot "${extra[@]}" --mode full \
    --queries "$data/$set/queries.tsv" --qrels "$data/$set/qrels.txt" --run "$out/$set.full.trec" | tail -3
  "$replykit" eval --corpus "$data/$set/corpus.jsonl" --as bot "${extra[@]}" --mode prefix \
    --queries "$data/$set/queries_prefix.tsv" --qrels "$data/$set/qrels_prefix.txt" \
    --run "$out/$set.prefix.trec" | tail -3
done
