#!/usr/bin/env bash
# What a tenant gains by learning from its own judged questions, on collections the project never fits on:
# each collection's judged queries split by query id (tools/eval/tenant-split.py: per entry, the 2nd, 4th, ...
# taught, the others checked), then on the checked half, both modes, each compared with A by `eval --compare`:
#   A  the collection as it is, nothing learned
#   B  the taught questions added to their entries as similar questions (knowledge, no learning)
#   S  the ranking `replykit learn` chooses from the taught half (standard or lexical, per mode), alone
#   P  `replykit learn` from the taught half: its ranking choice and learned phrasings
#   C  `replykit learn` from the taught half: its ranking choice, phrasings, and word evidence if its
#      cross-fitted check kept it (what the tenant then has)
# Nothing the project ships is fitted here: the tenant learns at run time, as a customer's would.
# Usage: tools/eval/tenant-learning.sh [lcqmc_dev oppo_dev ...]   (REPLYKIT=binary, EVALDATA=folder; ~6 minutes)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
data=${EVALDATA:-$here/../shared/evaldata}
bin=${REPLYKIT:-$here/.build/release/replykit}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -x "$bin" ] || (cd "$here" && swift build -c release --product replykit >/dev/null)

for name in "${@:-lcqmc_dev oppo_dev}"; do
  for ds in $name; do
    s=$work/$ds
    python3 "$here/tools/eval/tenant-split.py" "$data/$ds" "$s"
    "$bin" learn --corpus "$data/$ds/corpus.jsonl" --queries "$s/teach.tsv" --qrels "$s/teach.qrels" \
      --out "$s/evidence.tsv" --out-questions "$s/phrasings.tsv" --out-ranking "$s/ranking.json" | grep -E '^(learned [0-9]+ words|ranking|word evidence)'
    for mode in full prefix; do
      q=check kind=whole
      [ "$mode" = prefix ] && q=check_prefix kind=typed
      chosen=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]["choice"])' "$s/ranking.json" $kind)
      run() { "$bin" eval --queries "$s/$q.tsv" --qrels "$s/$q.qrels" --mode "$mode" --json "$@" 2>/dev/null; }
      run --corpus "$data/$ds/corpus.jsonl" > "$s/A-$mode.json"
      run --corpus "$s/corpus_taught.jsonl" --similar-from-body > "$s/B-$mode.json"
      run --corpus "$data/$ds/corpus.jsonl" --ranking "$chosen" > "$s/S-$mode.json"
      run --corpus "$data/$ds/corpus.jsonl" --ranking "$chosen" --learned-questions "$s/phrasings.tsv" > "$s/P-$mode.json"
      evidence=()
      python3 -c 'import json,sys; sys.exit(0 if (json.load(open(sys.argv[1])).get("evidence") or {}).get("kept") else 1)' \
        "$s/ranking.json" && evidence=(--word-evidence "$s/evidence.tsv")
      run --corpus "$data/$ds/corpus.jsonl" --ranking "$chosen" --learned-questions "$s/phrasings.tsv" \
        "${evidence[@]}" > "$s/C-$mode.json"
      for x in B S P C; do
        printf '%s %-6s A vs %s: %s\n' "$ds" "$mode" "$x" \
          "$("$bin" eval --compare "$s/A-$mode.json" "$s/$x-$mode.json" | grep -E '^mrr10' | tr -s ' ')"
      done
    done
  done
done
