#!/usr/bin/python3
"""Does this machine's Xapian crash on OP_MAX under OR? (Xapian 1.4.22, Debian bookworm: it does.)

ReplyKit tried weighing each typed word as the best of its fields (OP_MAX) rather than their sum, to give
Xapian's pruning tighter bounds; `replykit-bench suggest` then died with a segfault under get_mset. This runs
one of the bench's any-word queries through python3-xapian alone, on the bench's data folder:

    .build/release/replykit-bench suggest --items 100000 --data /tmp/b100k   # makes the folder once
    /usr/bin/python3 tools/xapian/op-max-crash.py /tmp/b100k                 # exit 139: it crashed

It prints "no crash" and exits 0 when the query runs (a fixed Xapian: OP_MAX may then be worth timing again).
The same query with OP_OR in place of OP_MAX runs first, to show the data folder is fine.
"""
import sys

import xapian

db = xapian.Database(sys.argv[1] + "/index")


def term(text, scale):
    return xapian.Query(xapian.Query.OP_SCALE_WEIGHT, xapian.Query(text), scale)


def query(alternatives_op):
    # The typed text 规定美咲多扣: two finished words, an unfinished one, and the Han character pairs.
    first = xapian.Query(alternatives_op, [term("T规定", 3), term("S规定", 2)])
    wildcard = xapian.Query(xapian.Query.OP_WILDCARD, "S多扣", 30, xapian.Query.WILDCARD_LIMIT_MOST_FREQUENT)
    last = xapian.Query(
        alternatives_op,
        [term("T多扣", 3), term("S多扣", 2), xapian.Query(xapian.Query.OP_SCALE_WEIGHT, wildcard, 0.5)])
    pairs = xapian.Query(
        xapian.Query.OP_SCALE_WEIGHT,
        xapian.Query(xapian.Query.OP_OR, [xapian.Query("N" + p) for p in ["咲多", "多扣", "定美", "规定"]]), 1)
    return xapian.Query(xapian.Query.OP_OR, [first, last, pairs])


for name, op in [("OP_OR", xapian.Query.OP_OR), ("OP_MAX", xapian.Query.OP_MAX)]:
    enquire = xapian.Enquire(db)
    enquire.set_weighting_scheme(xapian.BM25Weight(1.2, 0, 1, 0.6, 0.5))
    enquire.set_query(query(op))
    print(f"{name}: {enquire.get_mset(0, 20).size()} hits", flush=True)
print("no crash")
