#!/usr/bin/env bash
# ReplyKit beside SQLite FTS5, Xapian's CJK n-grams, tantivy and Lucene on the same corpus and queries, in
# one go: one markdown table on standard output (progress on standard error). See tools/peers/README.md.
#
#   tools/peers/run.sh [--replykit BIN] [--engines a,b] [--datasets afqmc_dev,banking77] [--modes full,prefix]
#                      [--scale 100000|0] [--out FILE.md] [--json FILE.json]
#
# Sets up what it needs when it is missing: Debian's python3-xapian and liblucene8-java (apt-get), and a
# virtual environment tools/peers/.venv (made from /usr/bin/python3, whose site packages hold
# python3-xapian) with tantivy and jieba from PyPI. LucenePeer.java is compiled into .venv/java.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VENV="$HERE/.venv"

missing=()
/usr/bin/python3 -c 'import xapian' 2>/dev/null || missing+=(python3-xapian)
ls /usr/share/java/lucene-analyzers-smartcn-*.jar >/dev/null 2>&1 || missing+=(liblucene8-java)
command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
/usr/bin/python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
if ((${#missing[@]})); then
  echo "installing ${missing[*]} (apt-get)" >&2
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >&2
fi

if [[ ! -x "$VENV/bin/python" ]]; then
  /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi
"$VENV/bin/python" -c 'import tantivy, jieba' 2>/dev/null || "$VENV/bin/pip" install -q 'tantivy==0.27.0' 'jieba==0.42.1' >&2

if [[ ! "$VENV/java/LucenePeer.class" -nt "$HERE/LucenePeer.java" ]]; then
  mkdir -p "$VENV/java"
  classpath=$(ls /usr/share/java/lucene-{core,analyzers-common,analyzers-smartcn}-8*.jar | tr '\n' ':')
  javac -nowarn -cp "$classpath" -d "$VENV/java" "$HERE/LucenePeer.java"
fi

exec "$VENV/bin/python" "$HERE/peers.py" "$@"
