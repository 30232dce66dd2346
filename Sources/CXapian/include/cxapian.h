// ReplyKit's C API over Xapian 1.4.
//
// Opaque handles, and no C++ exception ever leaves this library: every entry point catches Xapian::Error,
// std::exception and anything else, and reports it through an rk_error (a stable code and a message).
// Handles are not thread-safe (nor is Xapian): use each from one thread at a time.
#ifndef REPLYKIT_CXAPIAN_H
#define REPLYKIT_CXAPIAN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Error codes: misuse (a logic error) apart from data or environment (runtime errors).
typedef enum {
  RK_OK = 0,
  RK_ERROR_INVALID_ARGUMENT = 1,   // Xapian::InvalidArgumentError, InvalidOperationError, other LogicError
  RK_ERROR_DATABASE_LOCKED = 2,    // another writer holds the database
  RK_ERROR_DATABASE_MODIFIED = 3,  // a reader fell too far behind: reopen and retry
  RK_ERROR_DATABASE_CORRUPT = 4,
  RK_ERROR_DATABASE_NOT_FOUND = 5, // DatabaseNotFoundError / DatabaseOpeningError
  RK_ERROR_DATABASE_VERSION = 6,
  RK_ERROR_RUNTIME = 7,            // any other Xapian::RuntimeError (I/O, ...)
  RK_ERROR_OUT_OF_MEMORY = 8,
  RK_ERROR_UNKNOWN = 9,
  RK_ERROR_DISK_FULL = 10,         // a write failed for want of space (ENOSPC, EDQUOT)
} rk_error_code;

typedef struct {
  int code;
  char message[480];
} rk_error;

/// Frees memory this library returned (strings, byte buffers).
void rk_free(void *pointer);

// MARK: Databases

typedef struct rk_database rk_database;

/// Opens (creating if needed) an on-disk database for writing; one writer at a time.
rk_database *rk_database_open_writable(const char *path, rk_error *error);
/// The same without fsync at commit (Xapian's DB_NO_SYNC): for a derived index that can be rebuilt.
rk_database *rk_database_open_writable_unsynced(const char *path, rk_error *error);
/// A writable database in memory (tests, temporary indexes).
rk_database *rk_database_open_in_memory(rk_error *error);
/// Opens an on-disk database for reading.
rk_database *rk_database_open_reader(const char *path, rk_error *error);
/// Moves a reader to the latest commit; returns 1 if it moved, 0 if not, -1 on error.
int rk_database_reopen(rk_database *db, rk_error *error);
/// Closes and frees. A writable database is not committed by this: call rk_database_commit first.
void rk_database_close(rk_database *db);

int rk_database_commit(rk_database *db, rk_error *error);
/// Writes a compact copy of the last commit to the new folder `output` (Xapian's full compaction: no spare
/// room in blocks). Returns 0 or -1.
int rk_database_compact(rk_database *db, const char *output, rk_error *error);
/// Document count, or -1 on error.
int64_t rk_database_document_count(rk_database *db, rk_error *error);
/// Average document length, or -1 on error.
double rk_database_average_length(rk_database *db, rk_error *error);
/// Number of documents holding the term, or -1 on error.
int64_t rk_database_term_frequency(rk_database *db, const char *term, rk_error *error);
/// 1 when some term starts with `prefix`, 0 when none does, -1 on error.
int rk_database_has_prefix(rk_database *db, const char *prefix, rk_error *error);
/// Every term that starts with `prefix`, with its frequency, in one pass: records of a 4-byte length, the
/// term's bytes after the prefix and a 4-byte frequency (native byte order), in term order; rk_free it.
/// *count is the number of terms. More than `max_terms` terms: NULL, *count max_terms + 1 and no error
/// (the caller looks terms up one by one instead). No terms, or an error: NULL with *count 0.
char *rk_database_prefix_terms(rk_database *db, const char *prefix, size_t max_terms, size_t *count,
                               size_t *length, rk_error *error);

/// Replaces the document whose unique id term is `id_term` (or adds it). Returns 0 or -1.
int rk_database_replace(rk_database *db, const char *id_term, const struct rk_document *document, rk_error *error);
/// Adds the document under a new document id. Returns 0 or -1.
int rk_database_add(rk_database *db, const struct rk_document *document, rk_error *error);
/// Deletes the documents holding `id_term`. Returns 0 or -1.
int rk_database_delete(rk_database *db, const char *id_term, rk_error *error);

int rk_database_set_metadata(rk_database *db, const char *key, const char *value, size_t length, rk_error *error);
/// The metadata value (rk_free it) and its length in *length; NULL with *length 0 when absent or on error.
char *rk_database_get_metadata(rk_database *db, const char *key, size_t *length, rk_error *error);

/// Xapian's spelling data. The index does not use it (docs/decisions/0001: Xapian 1.4 cannot always read back
/// its compressed fragment lists); SpellingVocabularyTests checks ReplyKit's corrections against it.
int rk_database_add_spelling(rk_database *db, const char *word, uint32_t frequency, rk_error *error);
int rk_database_remove_spelling(rk_database *db, const char *word, uint32_t frequency, rk_error *error);
/// The best correction of `word` within `max_edit_distance` (rk_free it), or NULL when none or on error.
char *rk_database_spelling_suggestion(rk_database *db, const char *word, uint32_t max_edit_distance,
                                      rk_error *error);

/// Synonyms (stored in the database, per term).
int rk_database_add_synonym(rk_database *db, const char *term, const char *synonym, rk_error *error);
int rk_database_clear_synonyms(rk_database *db, const char *term, rk_error *error);
/// The synonyms of `term`, '\n'-separated (rk_free it); NULL with *length 0 when none or on error.
char *rk_database_synonyms(rk_database *db, const char *term, size_t *length, rk_error *error);

// MARK: Documents

typedef struct rk_document rk_document;

rk_document *rk_document_new(rk_error *error);
void rk_document_free(rk_document *document);
int rk_document_add_posting(rk_document *document, const char *term, uint32_t position, uint32_t wdf_increment,
                            rk_error *error);
int rk_document_add_term(rk_document *document, const char *term, uint32_t wdf_increment, rk_error *error);
int rk_document_add_boolean_term(rk_document *document, const char *term, rk_error *error);
int rk_document_set_value(rk_document *document, uint32_t slot, const char *bytes, size_t length, rk_error *error);
int rk_document_set_data(rk_document *document, const char *bytes, size_t length, rk_error *error);

// MARK: Queries

typedef struct rk_query rk_query;

typedef enum {
  RK_QUERY_AND = 0,
  RK_QUERY_OR = 1,
  RK_QUERY_AND_NOT = 2,
  RK_QUERY_AND_MAYBE = 3,
  RK_QUERY_FILTER = 4,
  RK_QUERY_SYNONYM = 5,
  RK_QUERY_PHRASE = 6,
  RK_QUERY_NEAR = 7,
  /* Unused: Xapian 1.4.22 segfaults on OR queries with OP_MAX subqueries (tools/xapian/op-max-crash.py). */
  RK_QUERY_MAX = 8,
  RK_QUERY_ELITE_SET = 9,
} rk_query_op;

/// A term; `wqf` is its within-query frequency, `position` its place in the query (0 when not needed).
rk_query *rk_query_term(const char *term, uint32_t wqf, uint32_t position, rk_error *error);
/// Every term that starts with `prefix`, keeping the `max_expansion` most frequent (0: no limit).
rk_query *rk_query_prefix(const char *prefix, uint32_t max_expansion, rk_error *error);
/// Combines subqueries (which stay owned by the caller). `window` is for PHRASE and NEAR (0: the number of
/// subqueries), `elite` for ELITE_SET.
rk_query *rk_query_combine(rk_query_op op, rk_query *const *subqueries, size_t count, uint32_t parameter,
                           rk_error *error);
/// Multiplies the weight of `query` by `factor` (0 makes it a pure filter).
rk_query *rk_query_scale(const rk_query *query, double factor, rk_error *error);
/// A weight that is the value in `slot` (stored with sortable serialisation), for every document that has it.
rk_query *rk_query_value_weight(uint32_t slot, rk_error *error);
rk_query *rk_query_match_all(rk_error *error);
void rk_query_free(rk_query *query);
/// Xapian's description of the query (rk_free it), for logs and tests.
char *rk_query_describe(const rk_query *query, rk_error *error);

/// Encodes a number the way value slots sort and rk_query_value_weight reads (rk_free the result).
char *rk_sortable_serialise(double value, size_t *length);

// MARK: Search

typedef struct rk_results rk_results;

typedef struct {
  double k1;   // BM25 term frequency saturation (Xapian's default 1.0)
  double b;    // BM25 length normalisation (Xapian's default 0.5)
  int matching_terms;  // 1: collect each hit's matching terms
  uint32_t value_slots;  // collect value slots 0 ..< value_slots of each hit (at most 8)
} rk_search_options;

rk_results *rk_search(rk_database *db, const rk_query *query, uint32_t offset, uint32_t limit,
                      const rk_search_options *options, rk_error *error);
size_t rk_results_count(const rk_results *results);
/// Xapian's estimate of all matches.
uint64_t rk_results_estimated_total(const rk_results *results);
uint32_t rk_results_docid(const rk_results *results, size_t index);
double rk_results_weight(const rk_results *results, size_t index);
/// The hit's document data; the pointer lives as long as the results.
const char *rk_results_data(const rk_results *results, size_t index, size_t *length);
/// The number in value slot `slot` of the hit (sortable serialisation), or 0 when the slot is empty.
double rk_results_value(const rk_results *results, size_t index, uint32_t slot);
/// The hit's matching terms, '\n'-separated; the pointer lives as long as the results.
const char *rk_results_matching_terms(const rk_results *results, size_t index, size_t *length);
void rk_results_free(rk_results *results);
/// The documents `docids` as results (their data, weight 0), in the order asked; a document the database no
/// longer holds is left out, so that the caller can tell.
rk_results *rk_documents(rk_database *db, const uint32_t *docids, size_t count, rk_error *error);

#ifdef __cplusplus
}
#endif

#endif
