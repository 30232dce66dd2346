#!/usr/bin/env bash
# Regenerates the 13 shipped question models from the training data, by the recipes in the docstrings of
# tools/eval/fit-question-model.py and fit-question-trees.py, and compares each with the shipped file
# ("identical", or how it differs: tools/models/compare-models.py). `make models` runs it.
#   linear (fit-question-model.py; the first 20 features, 25 with learned evidence):
#     whole-han, typed-han          AFQMC train at the size of afqmc_dev (afqmc-fit-split.py), --mode full | prefix
#     whole-latin, typed-latin      3,000 Banking77 training examples (banking77-fit-split.py), --mode full | prefix
#     *-learned                     the same, dumped with --word-evidence learned (replykit learn) from the
#                                   split's other training questions
#     whole-latin-semantic          as whole-latin, dumped with --model (MODEL_DIR, make model): the lexical
#                                   features and the cosines, fitted together
#   trees (fit-question-trees.py, LightGBM; the settings are the shipped files'):
#     typed-han-trees, whole-han-trees, and their -learned-trees: the 7 disjoint AFQMC train parts
#     (afqmc-fit-split.py --parts 7), --mode prefix | full, each part's evidence learned from the other six's
# The dumps are written with the models that ranked when the shipped ones were fitted (no trees; for the learned
# typed trees, the lexical typed trees): a dump's rows come in the ranking model's order, which LightGBM sees, and
# so does the linear fit (candidates its weights tie keep that order), so a model comes back only from dumps of a
# build that ranks as the one it was fitted from did (docs/ranking.md, 2026-12-08: seven of the thirteen do not).
# One step at a time (a fit uses LGBM_THREADS threads, 2 by default). The nine `replykit learn` steps run with
# --no-comparison (the evidence does not depend on the rankings' comparison, which took 13 to 15 minutes a step):
# about 5 minutes each on 2 cores (a part on 2026-12-08: 286 s, two side by side).
#
# Usage: tools/models/make-models.sh [--out DIR] [--write] [--check] [--work DIR] [--models DIR]
#   --out DIR     where the regenerated files go (default: a new temporary folder, kept and named at the end)
#   --write       then copy them over the shipped files (--models)
#   --check       exit 1 when a regenerated file is not byte-identical to the shipped one
#   --work DIR    keep the splits, dumps and evidence there, and reuse the steps already done there
#   --models DIR  the shipped files (default: Sources/RankingModels/Models, or Sources/Ranking/Models)
# Environment: REPLYKIT (default .build/release/replykit), PYTHON (default .venv-models/bin/python, with
# lightgbm and numpy: `make models` makes it), EVALDATA (default ../shared/evaldata), LGBM_THREADS (2),
# MODEL_DIR (default models/all-MiniLM-L6-v2).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
script=$here/tools/models/$(basename "$0")
cd "$here"
data=${EVALDATA:-$here/../shared/evaldata}
bin=${REPLYKIT:-.build/release/replykit}
python=${PYTHON:-.venv-models/bin/python}
threads=${LGBM_THREADS:-2}
out="" work="" models="" write=0 check=0
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    --write) write=1; shift ;;
    --check) check=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$script" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ -z "$models" ]; then
  for dir in Sources/RankingModels/Models Sources/Ranking/Models; do [ -d "$dir" ] && { models=$dir; break; }; done
fi
[ -n "$models" ] && [ -d "$models" ] || { echo "no shipped models folder (--models)" >&2; exit 2; }
[ -x "$bin" ] || { echo "$bin: no replykit binary (make release, or REPLYKIT=...)" >&2; exit 2; }
"$python" -c "import lightgbm, numpy" 2>/dev/null || { echo "$python: needs lightgbm and numpy (make models)" >&2; exit 2; }
[ -d "$data/afqmc_train" ] && [ -d "$data/banking77" ] || { echo "$data: no afqmc_train or banking77" >&2; exit 2; }
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
[ -n "$out" ] || out=$(mktemp -d)
mkdir -p "$work/done" "$work/log" "$out"
work=$(cd "$work" && pwd) out=$(cd "$out" && pwd)
# A dump lists each query's candidates in the ranking model's order, and LightGBM's bagging depends on the rows'
# order (a linear fit does not): so the dumps are written with the models that ranked when the shipped ones were
# fitted. No tree model existed when the linear models and the lexical trees were fitted ($no_trees); the
# learned typed trees were fitted while the lexical typed trees ranked for tenants with evidence too
# ($no_learned_typed_trees). The weights file's format is the binary's: a grouped one ("models", null) or,
# before it, flat fields ([]), which a binary of the grouped kind refuses.
printf '{"id": "a", "title": "退款", "body": ""}\n' > "$work/probe.jsonl"
printf 'q\t退款\n' > "$work/probe.tsv"
printf 'q 0 a 1\n' > "$work/probe.qrels"
no_trees=$work/no-trees.json no_learned_typed_trees=$work/no-learned-typed-trees.json
echo '{"learnedTypedQuestionTrees": []}' > "$no_learned_typed_trees"
if "$bin" eval --corpus "$work/probe.jsonl" --queries "$work/probe.tsv" --qrels "$work/probe.qrels" \
  --weights "$no_learned_typed_trees" > /dev/null 2>&1; then
  echo '{"typedQuestionTrees": [], "learnedTypedQuestionTrees": [], "questionTrees": [], "learnedQuestionTrees": []}' \
    > "$no_trees"
else
  echo '{"models": {"typedHanTrees": null, "typedHanLearnedTrees": null, "wholeHanTrees": null,' \
    '"wholeHanLearnedTrees": null}}' > "$no_trees"
  echo '{"models": {"typedHanLearnedTrees": null}}' > "$no_learned_typed_trees"
fi
fit_model="$python tools/eval/fit-question-model.py"
model_dir=${MODEL_DIR:-models/all-MiniLM-L6-v2}
[ -f "$model_dir/model.safetensors" ] || { echo "$model_dir: no sentence-embedding model (make model)" >&2; exit 2; }
fit_trees="$python tools/eval/fit-question-trees.py"
started=$SECONDS

# step NAME COMMAND...: runs COMMAND (its output in $work/log/NAME.log) unless a kept --work has it done (a
# fit, fit-*, always runs: its file goes to --out).
step_always="fit-*"
# shellcheck source=tools/models/steps.sh
. "$here/tools/models/steps.sh"

# dump CORPUS DIR NAME MODE [eval arguments...]: DIR's questions (whole, or their prefixes) over CORPUS with
# their features, in DIR/NAME.tsv.
dump() {
  local corpus=$1 dir=$2 name=$3 mode=$4; shift 4
  local q=queries r=qrels
  [ "$mode" = prefix ] && q=queries_prefix r=qrels_prefix
  step "$(basename "$dir")-$name" "$bin" eval --corpus "$corpus" --queries "$dir/$q.tsv" \
    --qrels "$dir/$r.txt" --as bot --mode "$mode" --features "$dir/$name.tsv" "$@"
}

# fit_linear NAME COLUMNS DUMP ON
fit_linear() {
  step "fit-$1" $fit_model "$3" --columns "$2" --out "$out/$1.json" --on "$4"
  grep "after coordinate search" "$work/log/fit-$1.log" | sed 's/^/    /' || true
}

# fit_trees NAME FIELD ROUNDS RATE DUMP ON: the dumps are $work/part0..6/DUMP.tsv
fit_trees() {
  local name=$1 field=$2 rounds=$3 rate=$4 dump=$5 on=$6
  step "fit-$name" $fit_trees "$work"/part{0,1,2,3,4,5,6}/"$dump.tsv" --field "$field" --rounds "$rounds" \
    --rate "$rate" --leaves 7 --min-leaf 100 --seed 1 --threads "$threads" --out "$out/$name.json" --on "$on"
  grep "MRR@10" "$work/log/fit-$name.log" | sed 's/^/    /' || true
}

echo "== AFQMC train at the size of afqmc_dev: whole-han, typed-han and their learned models"
a=$work/afqmc
step afqmc-split "$python" tools/eval/afqmc-fit-split.py "$a" --evaldata "$data"
dump "$a/corpus.jsonl" "$a" whole full --weights "$no_trees"
dump "$a/corpus.jsonl" "$a" typed prefix --weights "$no_trees"
step afqmc-learn "$bin" learn --no-comparison --corpus "$data/afqmc_train/corpus.jsonl" --as bot \
  --queries "$a/rest_queries.tsv" --qrels "$a/rest_qrels.txt" --out "$a/evidence.tsv"
dump "$a/corpus.jsonl" "$a" whole-learned full --weights "$no_trees" --word-evidence "$a/evidence.tsv"
dump "$a/corpus.jsonl" "$a" typed-learned prefix --weights "$no_trees" --word-evidence "$a/evidence.tsv"
fit_linear whole-han 20 "$a/whole.tsv" \
  "AFQMC train, whole questions: an index the size of afqmc_dev (afqmc-fit-split.py), replykit eval --mode full --features"
fit_linear typed-han 20 "$a/typed.tsv" \
  "AFQMC train, typed prefixes: the same split, replykit eval --mode prefix --features"
fit_linear whole-han-learned 25 "$a/whole-learned.tsv" \
  "as whole-han, dumped with --word-evidence learned from the other AFQMC train questions"
fit_linear typed-han-learned 25 "$a/typed-learned.tsv" \
  "as typed-han, dumped with --word-evidence learned from the other AFQMC train questions"

echo "== Banking77's training examples: whole-latin, typed-latin and their learned models"
b=$work/banking77
step banking77-split "$python" tools/models/banking77-fit-split.py "$b" --evaldata "$data"
dump "$data/banking77/corpus.jsonl" "$b" whole full --similar-from-body
dump "$data/banking77/corpus.jsonl" "$b" typed prefix --similar-from-body
step banking77-learn "$bin" learn --no-comparison --corpus "$data/banking77/corpus.jsonl" --as bot \
  --similar-from-body --queries "$b/rest_queries.tsv" --qrels "$b/rest_qrels.txt" --out "$b/evidence.tsv"
dump "$data/banking77/corpus.jsonl" "$b" whole-learned full --similar-from-body --word-evidence "$b/evidence.tsv"
dump "$data/banking77/corpus.jsonl" "$b" typed-learned prefix --similar-from-body --word-evidence "$b/evidence.tsv"
fit_linear whole-latin 20 "$b/whole.tsv" \
  "Banking77's training examples outside its corpus (3,000 as queries), whole questions"
fit_linear typed-latin 20 "$b/typed.tsv" \
  "Banking77's training examples outside its corpus (3,000), prefixes at 30, 50 and 70 % of their words"
fit_linear whole-latin-learned 25 "$b/whole-learned.tsv" \
  "as whole-latin, dumped with --word-evidence learned from the other Banking77 training examples"
fit_linear typed-latin-learned 25 "$b/typed-learned.tsv" \
  "as typed-latin, dumped with --word-evidence learned from the other Banking77 training examples"
dump "$data/banking77/corpus.jsonl" "$b" whole-semantic full --similar-from-body --model "$model_dir"
step "fit-whole-latin-semantic" $fit_model "$b/whole-semantic.tsv" --columns 20 --also cosine,itemCosine \
  --out "$out/whole-latin-semantic.json" \
  --on "as whole-latin, dumped with --model all-MiniLM-L6-v2 (make model): the cosines beside the lexical features"
grep "after coordinate search" "$work/log/fit-whole-latin-semantic.log" | sed 's/^/    /' || true
# The confidence with the model is fitted on the same dump, ranked by the model just fitted; its three numbers
# are RankingWeights.SmartReply.meaningConfidence's (compare them by eye: they are not a file).
step "fit-meaning-confidence" "$python" tools/eval/fit-confidence.py "$b/whole-semantic.tsv" \
  --model "$out/whole-latin-semantic.json"
echo "    meaningConfidence: $(grep '^{' "$work/log/fit-meaning-confidence.log")"

echo "== The 7 disjoint AFQMC train parts: the four tree models"
for k in 0 1 2 3 4 5 6; do
  p=$work/part$k
  step "part$k-split" "$python" tools/eval/afqmc-fit-split.py "$p" --evaldata "$data" --parts 7 --part "$k"
  dump "$p/corpus.jsonl" "$p" whole full --weights "$no_trees"
  dump "$p/corpus.jsonl" "$p" typed prefix --weights "$no_trees"
  step "part$k-learn" "$bin" learn --no-comparison --corpus "$data/afqmc_train/corpus.jsonl" --as bot \
    --queries "$p/rest_queries.tsv" --qrels "$p/rest_qrels.txt" --out "$p/evidence.tsv"
  dump "$p/corpus.jsonl" "$p" whole-learned full --weights "$no_trees" --word-evidence "$p/evidence.tsv"
  dump "$p/corpus.jsonl" "$p" typed-learned prefix --weights "$no_learned_typed_trees" \
    --word-evidence "$p/evidence.tsv"
done
parts="7 disjoint AFQMC train parts (afqmc-fit-split.py --parts 7), replykit eval"
learned="--word-evidence (each part's evidence learned from the other six parts' questions)"
fit_trees typed-han-trees typedQuestionTrees 300 0.08 typed "$parts --mode prefix --features"
fit_trees typed-han-learned-trees learnedTypedQuestionTrees 300 0.08 typed-learned \
  "$parts --mode prefix $learned --features"
fit_trees whole-han-trees questionTrees 800 0.03 whole "$parts --mode full --features"
fit_trees whole-han-learned-trees learnedQuestionTrees 800 0.03 whole-learned "$parts --mode full $learned --features"

echo "== Regenerated in $out ($(( (SECONDS - started) / 60 )) min), compared with $models:"
status=0
"$python" tools/models/compare-models.py "$models" "$out" || status=$?
[ $status -le 1 ] || exit $status
if [ $write = 1 ]; then
  cp "$out"/*.json "$models"/
  echo "written into $models"
fi
[ $check = 0 ] || exit $status
