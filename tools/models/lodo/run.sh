#!/usr/bin/env bash
# The leave-one-domain-out study of the whole-question models (tools/models/lodo/README.md), end to end:
#   1. the fitting splits: AFQMC train 1,400 (tools/eval/afqmc-fit-split.py), Banking77 3,000
#      (tools/models/banking77-fit-split.py), CLINC150 3,000 (the same script, --collection clinc150)
#   2. their feature dumps (replykit eval --mode full --features), written with engine-std.json (AFQMC) and
#      engine-select.json (Banking77, CLINC150): candidates in the engine's (lexical) order; and each domain's
#      eval with the shipped models (no --weights)
#   3. the fits (study.py fit), the system's score with the all-3 cl20 model (--weights
#      WORK/weights-all3-cl20.json), and the table (study.py table), printed as markdown
# One step at a time (a shared 2-core machine). About 5 minutes on 2 cores.
#
# Usage: tools/models/lodo/run.sh [--work DIR] [--bin REPLYKIT]
#   --work DIR     keep the splits, dumps, eval reports and logs there, and reuse the steps already done there
#                  (default: a new temporary folder, removed at the end)
#   --bin REPLYKIT the replykit binary (default .build/release/replykit)
# Environment: REPLYKIT (the --bin default), PYTHON (default .venv-models/bin/python, with lightgbm and numpy:
# `make models` makes it), EVALDATA (default ../shared/evaldata; read in place, never copied).
set -euo pipefail
here=$(cd "$(dirname "$0")/../../.." && pwd)
lodo=$here/tools/models/lodo
script=$lodo/$(basename "$0")
work="" bin=""
while [ $# -gt 0 ]; do
  case $1 in
    --work) work=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$script" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -z "$bin" ] || [[ $bin == /* ]] || bin=$PWD/$bin      # --bin and --work: from where run.sh was called
[ -z "$work" ] || { mkdir -p "$work"; work=$(cd "$work" && pwd); }
cd "$here"
data=${EVALDATA:-$here/../shared/evaldata}
bin=${bin:-${REPLYKIT:-.build/release/replykit}}
python=${PYTHON:-.venv-models/bin/python}
[ -x "$bin" ] || { echo "$bin: no replykit binary (make release, --bin or REPLYKIT=...)" >&2; exit 2; }
"$python" -c "import lightgbm, numpy" 2>/dev/null || { echo "$python: needs lightgbm and numpy (make models)" >&2; exit 2; }
for d in afqmc_train banking77 clinc150; do
  [ -d "$data/$d" ] || { echo "$data: no $d" >&2; exit 2; }
done
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/done" "$work/log" "$work/dumps" "$work/runs"
work=$(cd "$work" && pwd)
started=$SECONDS

# step NAME COMMAND...: runs COMMAND (its output in $work/log/NAME.log) unless a kept --work has it done.
# shellcheck source=tools/models/steps.sh
. "$here/tools/models/steps.sh"

# evaluate DOMAIN NAME [eval arguments...]: DOMAIN's fitting queries, --mode full, the report in runs/DOMAIN-NAME.json
evaluate() {
  local d=$1 name=$2 corpus=$data/$1/corpus.jsonl extra=--similar-from-body; shift 2
  [ "$d" = afqmc ] && corpus=$work/afqmc/corpus.jsonl extra=""
  step "$d-$name" sh -c '"$@" > "$0"' "$work/runs/$d-$name.json" "$bin" eval --corpus "$corpus" \
    --queries "$work/$d/queries.tsv" --qrels "$work/$d/qrels.txt" --as bot $extra --mode full --json "$@"
}

echo "== The fitting splits (in $work)"
step afqmc-split "$python" tools/eval/afqmc-fit-split.py "$work/afqmc" --evaldata "$data"
step banking77-split "$python" tools/models/banking77-fit-split.py "$work/banking77" --evaldata "$data"
step clinc150-split "$python" tools/models/banking77-fit-split.py "$work/clinc150" --evaldata "$data" \
  --collection clinc150

echo "== The dumps (engine order) and the shipped models' scores"
for d in afqmc banking77 clinc150; do
  variant=select
  [ $d = afqmc ] && variant=std
  evaluate $d $variant --weights "$lodo/engine-$variant.json" --features "$work/dumps/$d-$variant.tsv"
  evaluate $d shipped
done

echo "== The fits"
step fit "$python" "$lodo/study.py" fit "$work"
sed 's/^/    /' "$work/log/fit.log"

echo "== The all-3 cl20 model in the system"
for d in afqmc banking77 clinc150; do
  evaluate $d system --weights "$work/weights-all3-cl20.json"
done

echo "== MRR@10 ($(( (SECONDS - started) / 60 )) min)"
"$python" "$lodo/study.py" table "$work"
