#!/usr/bin/env python3
"""Compares regenerated model files with the shipped ones (tools/models/make-models.sh), one line a model:
"identical" (byte for byte), or how it differs: for a linear model the largest absolute weight difference
(bias included) and which weight; for trees the count of trees, whether their structure (split features and
children) is the same, and the largest absolute threshold and leaf differences over the trees whose
structure is the same; and for both, which of "features", "featureSchema" and "fitted" differ.

Usage: compare-models.py SHIPPED_DIR NEW_DIR [NAME ...]   (all of SHIPPED_DIR's *.json by default; exit 1 if
any file differs or is missing)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import modelfile  # noqa: E402


def linear(old, new):
    if len(old["weights"]) != len(new["weights"]):
        return f"{len(new['weights'])} weights, shipped {len(old['weights'])}", False
    pairs = [("bias", old["bias"], new["bias"])] + list(zip(old["features"], old["weights"], new["weights"]))
    name, a, b = max(pairs, key=lambda p: abs(p[1] - p[2]))
    differ = sum(1 for _, x, y in pairs if x != y)
    return f"{differ} of {len(pairs)} weights differ, max |diff| {abs(a - b):.3f} ({name}: shipped {a}, now {b})", not differ


def trees(old, new):
    a, b = old["trees"], new["trees"]
    same = [i for i, (x, y) in enumerate(zip(a, b))
            if all(x[k] == y[k] for k in ("feature", "left", "right")) and len(x["leaf"]) == len(y["leaf"])]
    count = f"{len(b)} trees" + ("" if len(a) == len(b) else f" (shipped {len(a)})")
    if len(same) == min(len(a), len(b)):
        structure = "structure identical"
    else:
        first = next(i for i in range(min(len(a), len(b))) if i not in set(same))
        structure = f"structure differs in {min(len(a), len(b)) - len(same)} trees (first: tree {first})"
    threshold = max((abs(p - q) for i in same for p, q in zip(a[i]["threshold"], b[i]["threshold"])), default=0.0)
    leaf = max((abs(p - q) for i in same for p, q in zip(a[i]["leaf"], b[i]["leaf"])), default=0.0)
    over = "" if len(same) == min(len(a), len(b)) else f" over the {len(same)} alike"
    alike = len(a) == len(b) == len(same) and threshold == leaf == 0
    return f"{count}, {structure}; max |diff| threshold {threshold:.3g}, leaf {leaf:.3g}{over}", alike


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    shipped, regenerated = sys.argv[1], sys.argv[2]
    names = sys.argv[3:] or sorted(f[: -len(".json")] for f in os.listdir(shipped) if f.endswith(".json"))
    width = max(len(n) for n in names)
    differing = 0
    for name in names:
        old_path, new_path = (os.path.join(d, name + ".json") for d in (shipped, regenerated))
        label = name.ljust(width)
        if not os.path.exists(new_path) and modelfile.read(old_path).get("fitted", {}).get("by") == "hand":
            print(f"{label}  set by hand, nothing to regenerate")
            continue
        if not os.path.exists(new_path):
            print(f"{label}  missing (not regenerated)")
            differing += 1
            continue
        with open(old_path, "rb") as f, open(new_path, "rb") as g:
            if f.read() == g.read():
                print(f"{label}  identical")
                continue
        differing += 1
        old, new = modelfile.read(old_path), modelfile.read(new_path)
        notes = [key for key in ("model", "featureSchema", "features", "fitted") if old.get(key) != new.get(key)]
        if old["model"] != new["model"]:
            detail = f"model {new['model']}, shipped {old['model']}"
        else:
            detail, alike = linear(old, new) if old["model"] == "linear" else trees(old, new)
            if alike:
                detail = "the same values" + ("" if notes else ", written otherwise")
        print(f"{label}  differs: {detail}" + (f"; also {', '.join(notes)} differ" if notes else ""))
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
