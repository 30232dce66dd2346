#!/usr/bin/env bash
# Xapian's own writing rate for ReplyKit's documents (see xapian-replay.cpp): builds the replayer with g++
# and libxapian-dev, then replays the first N documents of INDEX_DIR (default: the index of the 100k-item
# folder `replykit-bench suggest --data DIR` leaves, DIR/index) ROUNDS times, adding as IndexWriter
# does and replacing by a term no document holds (as it did before), in turn.
#
#   tools/bench/xapian-replay.sh [INDEX_DIR] [N] [BATCH] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")"
INDEX=${1:-/tmp/replykit-bench-http/index}
N=${2:-30000}
BATCH=${3:-1000}
ROUNDS=${4:-3}
[ -d "$INDEX" ] || { echo "no index at $INDEX: run replykit-bench suggest --data DIR first" >&2; exit 2; }
BUILD=$(mktemp -d)
trap 'rm -rf "$BUILD"' EXIT
g++ -std=c++17 -O2 -o "$BUILD/xapian-replay" xapian-replay.cpp -lxapian
for _ in $(seq 1 "$ROUNDS"); do
  for MODE in add replace; do "$BUILD/xapian-replay" "$INDEX" "$N" "$BATCH" "$MODE"; done
done
