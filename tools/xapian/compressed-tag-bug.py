#!/usr/bin/python3
"""Can this machine's Xapian read back a compressed tag that inflates past 8 KB? (Xapian 1.4.22: not always.)

`replykit import` of 170,000 quick replies whose titles each carried a numbered token (`kx000000` ...) ended
with `DatabaseCorruptError: Too few chunks of compressed data`, and xapian-check then found the postlist
freelist damaged. This reproduces the first error with Xapian alone, and shows where it comes from.

Glass compresses the tags of its term list, document data, spelling and synonym tables with zlib. Reading one
back (CompressionStream::decompress_chunk) inflates each chunk into an 8 KB buffer and stops as soon as the
chunk's input is used up: when the last 8 KB of output leaves zlib with its input consumed but output still
to give, the reader concludes the stream is unfinished and read_tag throws "Too few chunks of compressed
data". The data on disk is whole; the reader gives up on it. Ordinary text almost never compresses well
enough for that (20,000 random documents read back clean here); the spelling table's fragment lists of
numbered words do: the list of words ending in "00" is 8,435 bytes at 165,000 words and deflates to 138.

The spelling table rewrites those lists at every commit, reading them first, so the failure lands inside
commit(), after some tables were written: keep using or closing that WritableDatabase (its destructor commits)
and the postlist freelist is damaged for good. ReplyKit therefore writes no spelling data (see
docs/decisions/0001-no-xapian-spelling-table.md).

    /usr/bin/python3 tools/xapian/compressed-tag-bug.py /tmp/spelling-bug    # needs Debian's python3-xapian

It prints "reads back" and exits 0 when every fragment list reads back (a fixed Xapian), or names the error
and exits 1.
"""
import sys
import zlib

import xapian

path = sys.argv[1]
db = xapian.WritableDatabase(path, xapian.DB_CREATE_OR_OVERWRITE)
for start in range(0, 165_000, 5_000):
    for i in range(start, start + 5_000):
        db.add_spelling("kx%06d" % i)
    db.commit()
db.close()

# The mechanism, with zlib alone: the whole compressed list in one chunk, inflated 8 KB at a time.
words = [b"kx%06d" % i for i in range(0, 165_000, 100)]
packed, last = bytearray(), b""
for word in words:  # Xapian's prefix-compressed string list (PrefixCompressedStringWriter, XOR 96)
    if last:
        shared = next((k for k in range(min(len(last), len(word))) if word[k] != last[k]), min(len(last), len(word)))
        packed += bytes([shared ^ 96, (len(word) - shared) ^ 96]) + word[shared:]
    else:
        packed += bytes([len(word) ^ 96]) + word
    last = word
compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15, 9)
deflated = compressor.compress(bytes(packed)) + compressor.flush()
inflater = zlib.decompressobj(-15)
first = inflater.decompress(deflated, 8192)
print("T00: %d bytes, deflated to %d; the first 8 KB call leaves %d input bytes, stream finished: %s"
      % (len(packed), len(deflated), len(inflater.unconsumed_tail), inflater.eof))

try:
    reader = xapian.Database(path)
    reader.get_spelling_suggestion("zz000", 1)  # looks up the fragment list T00
    reader.get_spelling_suggestion("kx1649x9", 1)
except xapian.Error as error:
    print("Xapian %s: %s" % (xapian.version_string(), error))
    sys.exit(1)
print("Xapian %s reads back every fragment list" % xapian.version_string())
