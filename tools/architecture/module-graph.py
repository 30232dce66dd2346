#!/usr/bin/env python3
"""Prints the module graph of a Swift package: each target's dependencies on other targets of the package.

Usage:
    tools/architecture/module-graph.py [--package-path DIR] [--tests] [--products] [--no-check] [--strict]

It runs `swift package dump-package` (the `swift` on PATH) and prints one line `A -> B` for each dependency of a
target A on a target B of the same package, targets in the order Package.swift declares them. Test targets (and
the helper targets under Tests/) are left out unless --tests; dependencies on other packages' products are left
out unless --products (then printed as `A -> package:Product`).

It then checks the layers below (top first): a target may depend only on targets of lower layers. A dependency
on a target of its own layer or of a layer above it, or a target no layer names, is printed as a warning on
standard error. --layers replaces the declared layers ("A B | C | D", top first); --no-check skips the check;
--strict makes any warning exit with status 1. ARCHITECTURE.md shows this script's output.

It also reads the `import` lines of each target's Swift sources (Sources/NAME, or the target's path): a module
of the package imported by a target that does not declare it is a warning too (SwiftPM lets a target import a
module it only reaches through another, which would hide an arrow from the graph above).

Python 3 standard library only.
"""

import argparse
import json
import os
import re
import subprocess
import sys

# ReplyKit's layers, top first. A target depends only on targets of the layers below its own. A name the package
# does not have is ignored, so a target can be placed here before it lands.
DEFAULT_LAYERS = (
    "replykit replykit-bench"
    " | ReplyServer CommandLineSupport"
    " | Evaluation"
    " | Workbench"
    " | Ranking Sessions RequestInput"
    " | QuestionVectors"
    " | Index"
    " | Knowledge TextAnalysis CXapian RankingModels Embeddings WebAssets LoopbackHTTP"
    " | CICU CStemmer CBLAS"
)


def dump_package(package_path):
    """The package's manifest as `swift package dump-package` prints it (JSON)."""
    command = ["swift", "package", "--package-path", package_path, "dump-package"]
    try:
        result = subprocess.run(command, check=True, capture_output=True, text=True)
    except FileNotFoundError:
        sys.exit("module-graph: `swift` is not on PATH (the toolchain: PATH=/opt/swift/usr/bin:$PATH)")
    except subprocess.CalledProcessError as error:
        sys.exit(f"module-graph: {' '.join(command)} failed:\n{error.stderr}")
    return json.loads(result.stdout)


def dependencies(target, names, products):
    """The target's dependencies as printed names, in declared order: targets of the package (by name), and
    with `products` other packages' products as `package:Product`."""
    found = []
    for dependency in target.get("dependencies", []):
        # Each dependency is one of {"byName": [name, condition]}, {"target": [name, condition]} or
        # {"product": [name, package, moduleAliases, condition]}.
        if "byName" in dependency or "target" in dependency:
            name = (dependency.get("byName") or dependency.get("target"))[0]
            if name in names:
                found.append(name)
            elif products:
                found.append(name)  # a product named like its package's target
        elif "product" in dependency and products:
            name, package = dependency["product"][0], dependency["product"][1]
            found.append(f"{package}:{name}")
    return found


IMPORT = re.compile(r"^\s*(?:@testable\s+|@_exported\s+|@preconcurrency\s+)*import\s+(?:(?:struct|class|enum|func|var|protocol|typealias)\s+)?(\w+)")


def imported_modules(package_path, target):
    """Modules the target's Swift sources import, each with the first file that does."""
    folder = os.path.join(package_path, target.get("path") or os.path.join(
        "Tests" if target.get("type") == "test" else "Sources", target["name"]))
    found = {}
    for root, _, files in os.walk(folder):
        for name in sorted(files):
            if not name.endswith(".swift"):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as source:
                for line in source:
                    match = IMPORT.match(line)
                    if match:
                        found.setdefault(match.group(1), os.path.relpath(path, package_path))
    return found


def is_test_code(target):
    """A test target, or a helper target the tests share (it lives under Tests/)."""
    return target.get("type") == "test" or (target.get("path") or "").startswith("Tests/")


def parse_layers(text):
    """Layer of each target (0 is the top) from "A B | C | D"."""
    layers = {}
    for level, group in enumerate(text.split("|")):
        for name in group.split():
            layers[name] = level
    return layers


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package-path", default=os.path.join(os.path.dirname(__file__), "..", ".."),
                        help="the package's folder (default: this repository)")
    parser.add_argument("--tests", action="store_true", help="include test targets")
    parser.add_argument("--products", action="store_true", help="include dependencies on other packages' products")
    parser.add_argument("--layers", default=DEFAULT_LAYERS, help='layers, top first: "A B | C | D"')
    parser.add_argument("--no-check", action="store_true", help="do not check the layers")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when there is a warning")
    arguments = parser.parse_args()

    package_path = os.path.normpath(arguments.package_path)
    package = dump_package(package_path)
    targets = [t for t in package["targets"] if arguments.tests or not is_test_code(t)]
    names = {t["name"] for t in package["targets"]}

    graph = []
    for target in targets:
        for dependency in dependencies(target, names, arguments.products):
            graph.append((target["name"], dependency))
            print(f"{target['name']} -> {dependency}")

    warnings = []
    if not arguments.no_check:
        layers = parse_layers(arguments.layers)
        for target in targets:
            if not is_test_code(target) and target["name"] not in layers:
                warnings.append(f"{target['name']} is in no declared layer")
        for source, dependency in graph:
            if source not in layers or dependency not in layers:
                continue
            if layers[dependency] <= layers[source]:
                where = "its own layer" if layers[dependency] == layers[source] else "a layer above it"
                warnings.append(f"{source} -> {dependency}: depends on a target of {where}")
        for target in targets:
            declared = set(dependencies(target, names, False))
            for module, path in sorted(imported_modules(package_path, target).items()):
                if module in names and module != target["name"] and module not in declared:
                    warnings.append(f"{target['name']} imports {module} ({path}) without depending on it")
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 1 if warnings and arguments.strict else 0


if __name__ == "__main__":
    sys.exit(main())
