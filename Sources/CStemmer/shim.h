// Snowball's stemmers (Debian libstemmer-dev), as Lucene and Xapian use them.
#include <libstemmer.h>
