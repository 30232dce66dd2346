#!/usr/bin/env bash
# The HTTP benchmark of the issue: GET /v1/suggest at 50 concurrent connections on loopback, over the
# 100k-item generated corpus of `replykit-bench suggest`. Bounded: one wrk run of DURATION seconds.
#
#   tools/bench/http.sh [DATA_DIR] [DURATION]
#
# WARMUP=seconds of an unshown warm-up run first (default 5; 0 for none).
# SUGGEST_CACHE=0 turns off the service's cache of answers of the current index commit, so that every request
# runs the engine (the default, 20000, is what `replykit serve` does).
#
# Needs a release build (make release) and wrk (apt-get install wrk). Prints wrk's report (requests/s and
# the latency distribution with p50 and p99).
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${1:-/tmp/replykit-bench-http}
DURATION=${2:-30}
PORT=${PORT:-18089}
BIN=.build/release/replykit
BENCH=.build/release/replykit-bench
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }

# The corpus (imported once; reused when the folder already holds it) and the typed prefixes.
"$BENCH" suggest --items 100000 --queries 5000 --data "$DATA" --write-queries "$DATA/queries.txt" >/dev/null
"$BIN" agents set --data "$DATA" --tenant bench agent-7 --groups g1,g2 >/dev/null
KEY=$("$BIN" keys create --data "$DATA" --tenant bench --agent agent-7 | tail -1)

"$BIN" serve --data "$DATA" --host 127.0.0.1 --port "$PORT" --suggest-cache "${SUGGEST_CACHE:-20000}" 2>/dev/null &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

# A warm-up run first (its figures are not shown): the OS page cache, Xapian's blocks, and the service's cache.
WARMUP=${WARMUP:-5}
if [ "$WARMUP" -gt 0 ]; then
  wrk -t2 -c50 -d"${WARMUP}s" -s tools/bench/suggest.lua "http://127.0.0.1:$PORT" -- "$KEY" "$DATA/queries.txt" >/dev/null
fi

echo "cores: $(nproc)  corpus: 100000 items  connections: 50  duration: ${DURATION}s  suggest cache: ${SUGGEST_CACHE:-20000}  warm-up: ${WARMUP}s"
wrk -t2 -c50 -d"${DURATION}s" --latency -s tools/bench/suggest.lua "http://127.0.0.1:$PORT" -- "$KEY" "$DATA/queries.txt"
