"""Reads and writes ReplyKit's question-model files (Sources/Ranking/Models/*.json), byte for byte alike
whichever tool writes them, so that `make models` can check it reproduces the shipped files.

A model file is one JSON object:
  "model"          "linear" (a logistic regression: bias plus a weight per feature) or "trees" (LightGBM's
                   regression trees, summed)
  "name"           the file's name without .json (what RankingWeights calls it)
  "featureSchema"  the version of the feature schema the model was fitted on (QuestionFeature.schemaVersion)
  "features"       the names of the features it reads: the weights' order (linear), or what a tree's
                   "feature" indexes (trees)
  "fitted"         how it was made: "by" (the command), "on" (the data), "settings"
  "bias", "weights"  (linear)
  "trees"          (trees) each {"feature", "threshold", "left", "right", "leaf"} as QuestionTrees.Tree reads it

Python 3 standard library only.
"""
import json
import sys

KEYS = ("model", "name", "featureSchema", "features", "fitted")


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def dumps(model):
    """The file's text: one key a line, a tree a line (readable diffs of a refit), a newline at the end."""
    unknown = set(model) - set(KEYS) - {"bias", "weights", "trees"}
    if unknown:
        raise ValueError(f"unknown model keys: {sorted(unknown)}")
    lines = ["{"]
    entries = [(key, model[key]) for key in KEYS]
    if model["model"] == "linear":
        entries += [("bias", model["bias"]), ("weights", model["weights"])]
    elif model["model"] == "trees":
        entries += [("trees", model["trees"])]
    else:
        raise ValueError(f"unknown model kind {model['model']!r}")
    for index, (key, value) in enumerate(entries):
        comma = "," if index < len(entries) - 1 else ""
        if key == "trees":
            lines.append(f'  "trees": [')
            for number, tree in enumerate(value):
                lines.append("    " + compact(tree) + ("," if number < len(value) - 1 else ""))
            lines.append("  ]" + comma)
        elif key == "fitted":
            lines.append('  "fitted": {')
            items = list(value.items())
            for number, (name, text) in enumerate(items):
                lines.append(f"    {compact(name)}: {compact(text)}" + ("," if number < len(items) - 1 else ""))
            lines.append("  }" + comma)
        else:
            lines.append(f"  {compact(key)}: {compact(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write(path, model):
    with open(path, "w", encoding="utf-8") as f:
        f.write(dumps(model))


def read(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def dump_features(paths):
    """The feature names in the first line of `replykit eval --features` dumps, `# qid<TAB>docid<TAB>grade<TAB>
    name...`, in column order: what a model fitted on them reads. Every dump must name the same features."""
    names = None
    for path in paths:
        with open(path) as f:
            first = f.readline().rstrip("\n").split("\t")
        if first[:3] != ["# qid", "docid", "grade"]:
            sys.exit(f"{path}: no header line `# qid<TAB>docid<TAB>grade<TAB>features...`")
        if names is None:
            names = first[3:]
        elif first[3:] != names:
            sys.exit(f"{path}: other features than {paths[0]}")
    return names
