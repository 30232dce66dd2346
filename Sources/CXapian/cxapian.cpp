// ReplyKit's C API over Xapian: see include/cxapian.h. Every entry point runs its body inside guard(), which
// turns any exception into an rk_error, so that none crosses into Swift.
#include "cxapian.h"

#include <xapian.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

struct rk_database {
  std::unique_ptr<Xapian::Database> reader;        // set for readers
  std::unique_ptr<Xapian::WritableDatabase> writer;  // set for writers
  Xapian::Database &database() { return writer ? static_cast<Xapian::Database &>(*writer) : *reader; }
};

struct rk_document {
  Xapian::Document document;
};

struct rk_query {
  Xapian::Query query;
};

struct rk_hit {
  Xapian::docid docid;
  double weight;
  std::string data;
  std::string matching_terms;
  double values[8];
};

struct rk_results {
  std::vector<rk_hit> hits;
  Xapian::doccount estimated_total = 0;
};

namespace {

void set_error(rk_error *error, int code, const std::string &message) {
  if (!error) return;
  error->code = code;
  size_t length = std::min(message.size(), sizeof(error->message) - 1);
  std::memcpy(error->message, message.data(), length);
  error->message[length] = '\0';
}

int code_of(const Xapian::Error &e) {
  const std::string type = e.get_type();
  // Xapian keeps the errno of a failed write only as its text, and a commit whose rollback failed too wraps
  // the first error's message, errno text included, in a new error without one.
  for (int full : {ENOSPC, EDQUOT}) {
    const char *cause = e.get_error_string();
    if ((cause && std::strcmp(cause, std::strerror(full)) == 0) ||
        e.get_msg().find(std::string("(") + std::strerror(full) + ")") != std::string::npos)
      return RK_ERROR_DISK_FULL;
  }
  if (type == "DatabaseLockError") return RK_ERROR_DATABASE_LOCKED;
  if (type == "DatabaseModifiedError") return RK_ERROR_DATABASE_MODIFIED;
  if (type == "DatabaseCorruptError") return RK_ERROR_DATABASE_CORRUPT;
  if (type == "DatabaseNotFoundError" || type == "DatabaseOpeningError") return RK_ERROR_DATABASE_NOT_FOUND;
  if (type == "DatabaseVersionError") return RK_ERROR_DATABASE_VERSION;
  // Xapian::Error is not polymorphic, so the LogicError family is told by name.
  if (type == "InvalidArgumentError" || type == "InvalidOperationError" || type == "UnimplementedError" ||
      type == "AssertionError" || type == "WildcardError")
    return RK_ERROR_INVALID_ARGUMENT;
  return RK_ERROR_RUNTIME;
}

/// Runs `body`; on any exception fills `error` and returns `failure`.
template <typename Result, typename Body>
Result guard(rk_error *error, Result failure, Body body) {
  if (error) {
    error->code = RK_OK;
    error->message[0] = '\0';
  }
  try {
    return body();
  } catch (const Xapian::Error &e) {
    set_error(error, code_of(e), std::string(e.get_type()) + ": " + e.get_msg());
  } catch (const std::bad_alloc &) {
    set_error(error, RK_ERROR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception &e) {
    set_error(error, RK_ERROR_UNKNOWN, e.what());
  } catch (...) {
    set_error(error, RK_ERROR_UNKNOWN, "unknown exception");
  }
  return failure;
}

char *copy_out(const std::string &text, size_t *length) {
  char *out = static_cast<char *>(std::malloc(text.size() + 1));
  if (!out) throw std::bad_alloc();
  std::memcpy(out, text.data(), text.size());
  out[text.size()] = '\0';
  if (length) *length = text.size();
  return out;
}

Xapian::WritableDatabase &writer_of(rk_database *db) {
  if (!db || !db->writer) throw Xapian::InvalidOperationError("the database is not open for writing");
  return *db->writer;
}

void require(const void *pointer, const char *what) {
  if (!pointer) throw Xapian::InvalidArgumentError(std::string(what) + " is NULL");
}

}  // namespace

extern "C" {

void rk_free(void *pointer) { std::free(pointer); }

// MARK: Databases

rk_database *rk_database_open_writable(const char *path, rk_error *error) {
  return guard<rk_database *>(error, nullptr, [&] {
    require(path, "path");
    auto db = std::make_unique<rk_database>();
    db->writer = std::make_unique<Xapian::WritableDatabase>(path, Xapian::DB_CREATE_OR_OPEN);
    return db.release();
  });
}

rk_database *rk_database_open_writable_unsynced(const char *path, rk_error *error) {
  return guard<rk_database *>(error, nullptr, [&] {
    require(path, "path");
    auto db = std::make_unique<rk_database>();
    db->writer = std::make_unique<Xapian::WritableDatabase>(path, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_NO_SYNC);
    return db.release();
  });
}

rk_database *rk_database_open_in_memory(rk_error *error) {
  return guard<rk_database *>(error, nullptr, [&] {
    auto db = std::make_unique<rk_database>();
    db->writer = std::make_unique<Xapian::WritableDatabase>(std::string(), Xapian::DB_BACKEND_INMEMORY);
    return db.release();
  });
}

rk_database *rk_database_open_reader(const char *path, rk_error *error) {
  return guard<rk_database *>(error, nullptr, [&] {
    require(path, "path");
    auto db = std::make_unique<rk_database>();
    db->reader = std::make_unique<Xapian::Database>(path);
    return db.release();
  });
}

int rk_database_reopen(rk_database *db, rk_error *error) {
  return guard<int>(error, -1, [&] {
    require(db, "database");
    return db->database().reopen() ? 1 : 0;
  });
}

void rk_database_close(rk_database *db) {
  rk_error ignored;
  guard<int>(&ignored, 0, [&] {
    delete db;
    return 0;
  });
}

int rk_database_commit(rk_database *db, rk_error *error) {
  return guard<int>(error, -1, [&] {
    writer_of(db).commit();
    return 0;
  });
}

int rk_database_compact(rk_database *db, const char *output, rk_error *error) {
  return guard<int>(error, -1, [&] {
    require(db, "database");
    require(output, "output");
    db->database().compact(output);
    return 0;
  });
}

int64_t rk_database_document_count(rk_database *db, rk_error *error) {
  return guard<int64_t>(error, -1, [&] {
    require(db, "database");
    return static_cast<int64_t>(db->database().get_doccount());
  });
}

double rk_database_average_length(rk_database *db, rk_error *error) {
  return guard<double>(error, -1, [&] {
    require(db, "database");
    return db->database().get_avlength();
  });
}

int64_t rk_database_term_frequency(rk_database *db, const char *term, rk_error *error) {
  return guard<int64_t>(error, -1, [&] {
    require(db, "database");
    require(term, "term");
    return static_cast<int64_t>(db->database().get_termfreq(term));
  });
}

int rk_database_has_prefix(rk_database *db, const char *prefix, rk_error *error) {
  return guard<int>(error, -1, [&] {
    require(db, "database");
    require(prefix, "prefix");
    Xapian::Database &database = db->database();
    return database.allterms_begin(prefix) != database.allterms_end(prefix) ? 1 : 0;
  });
}

char *rk_database_prefix_terms(rk_database *db, const char *prefix, size_t max_terms, size_t *count,
                               size_t *length, rk_error *error) {
  if (count) *count = 0;
  if (length) *length = 0;
  return guard<char *>(error, nullptr, [&]() -> char * {
    require(db, "database");
    require(prefix, "prefix");
    require(count, "count");
    Xapian::Database &database = db->database();
    const size_t skip = std::strlen(prefix);
    std::string records;
    size_t terms = 0;
    for (auto it = database.allterms_begin(prefix); it != database.allterms_end(prefix); ++it) {
      if (++terms > max_terms) {
        *count = terms;
        return nullptr;
      }
      const std::string term = *it;
      const uint32_t size = static_cast<uint32_t>(term.size() - skip);
      const uint32_t frequency = static_cast<uint32_t>(it.get_termfreq());
      records.append(reinterpret_cast<const char *>(&size), sizeof size);
      records.append(term, skip, std::string::npos);
      records.append(reinterpret_cast<const char *>(&frequency), sizeof frequency);
    }
    *count = terms;
    if (terms == 0) return nullptr;
    return copy_out(records, length);
  });
}

int rk_database_replace(rk_database *db, const char *id_term, const rk_document *document, rk_error *error) {
  return guard<int>(error, -1, [&] {
    require(id_term, "id term");
    require(document, "document");
    writer_of(db).replace_document(id_term, document->document);
    return 0;
  });
}

int rk_database_add(rk_database *db, const rk_document *document, rk_error *error) {
  return guard<int>(error, -1, [&] {
    require(document, "document");
    writer_of(db).add_document(document->document);
    return 0;
  });
}

int rk_database_delete(rk_database *db, const char *id_term, rk_error *error) {
  return guard<int>(error, -1, [&] {
    require(id_term, "id term");
    writer_of(db).delete_document(id_term);
    return 0;
  });
}

int rk_database_set_metadata(rk_database *db, const char *key, const char *value, size_t length, rk_error *error) {
  return guard<int>(error, -1, [&] {
    require(key, "key");
    writer_of(db).set_metadata(key, std::string(value ? value : "", value ? length : 0));
    return 0;
  });
}

char *rk_database_get_metadata(rk_database *db, const char *key, size_t *length, rk_error *error) {
  if (length) *length = 0;
  return guard<char *>(error, nullptr, [&]() -> char * {
    require(db, "database");
    require(key, "key");
    std::string value = db->database().get_metadata(key);
    if (value.empty()) return nullptr;
    return copy_out(value, length);
  });
}

int rk_database_add_spelling(rk_database *db, const char *word, uint32_t frequency, rk_error *error) {
  return guard<int>(error, -1, [&] {
    require(word, "word");
    writer_of(db).add_spelling(word, frequency);
    return 0;
  });
}

int rk_database_remove_spelling(rk_database *db, const char *word, uint32_t frequency, rk_error *error) {
  return guard<int>(error, -1, [&] {
    require(word, "word");
    writer_of(db).remove_spelling(word, frequency);
    return 0;
  });
}

char *rk_database_spelling_suggestion(rk_database *db, const char *word, uint32_t max_edit_distance,
                                      rk_error *error) {
  return guard<char *>(error, nullptr, [&]() -> char * {
    require(db, "database");
    require(word, "word");
    std::string suggestion = db->database().get_spelling_suggestion(word, max_edit_distance);
    if (suggestion.empty()) return nullptr;
    return copy_out(suggestion, nullptr);
  });
}

int rk_database_add_synonym(rk_database *db, const char *term, const char *synonym, rk_error *error) {
  return guard<int>(error, -1, [&] {
    require(term, "term");
    require(synonym, "synonym");
    writer_of(db).add_synonym(term, synonym);
    return 0;
  });
}

int rk_database_clear_synonyms(rk_database *db, const char *term, rk_error *error) {
  return guard<int>(error, -1, [&] {
    require(term, "term");
    writer_of(db).clear_synonyms(term);
    return 0;
  });
}

char *rk_database_synonyms(rk_database *db, const char *term, size_t *length, rk_error *error) {
  if (length) *length = 0;
  return guard<char *>(error, nullptr, [&]() -> char * {
    require(db, "database");
    require(term, "term");
    Xapian::Database &database = db->database();
    std::string joined;
    for (auto it = database.synonyms_begin(term); it != database.synonyms_end(term); ++it) {
      if (!joined.empty()) joined += '\n';
      joined += *it;
    }
    if (joined.empty()) return nullptr;
    return copy_out(joined, length);
  });
}

// MARK: Documents

rk_document *rk_document_new(rk_error *error) {
  return guard<rk_document *>(error, nullptr, [&] { return new rk_document(); });
}

void rk_document_free(rk_document *document) { delete document; }

int rk_document_add_posting(rk_document *document, const char *term, uint32_t position, uint32_t wdf_increment,
                            rk_error *error) {
  return guard<int>(error, -1, [&] {
    require(document, "document");
    require(term, "term");
    document->document.add_posting(term, position, wdf_increment);
    return 0;
  });
}

int rk_document_add_term(rk_document *document, const char *term, uint32_t wdf_increment, rk_error *error) {
  return guard<int>(error, -1, [&] {
    require(document, "document");
    require(term, "term");
    document->document.add_term(term, wdf_increment);
    return 0;
  });
}

int rk_document_add_boolean_term(rk_document *document, const char *term, rk_error *error) {
  return guard<int>(error, -1, [&] {
    require(document, "document");
    require(term, "term");
    document->document.add_boolean_term(term);
    return 0;
  });
}

int rk_document_set_value(rk_document *document, uint32_t slot, const char *bytes, size_t length, rk_error *error) {
  return guard<int>(error, -1, [&] {
    require(document, "document");
    document->document.add_value(slot, std::string(bytes ? bytes : "", bytes ? length : 0));
    return 0;
  });
}

int rk_document_set_data(rk_document *document, const char *bytes, size_t length, rk_error *error) {
  return guard<int>(error, -1, [&] {
    require(document, "document");
    document->document.set_data(std::string(bytes ? bytes : "", bytes ? length : 0));
    return 0;
  });
}

// MARK: Queries

rk_query *rk_query_term(const char *term, uint32_t wqf, uint32_t position, rk_error *error) {
  return guard<rk_query *>(error, nullptr, [&] {
    require(term, "term");
    return new rk_query{Xapian::Query(term, wqf == 0 ? 1 : wqf, position)};
  });
}

rk_query *rk_query_prefix(const char *prefix, uint32_t max_expansion, rk_error *error) {
  return guard<rk_query *>(error, nullptr, [&] {
    require(prefix, "prefix");
    return new rk_query{Xapian::Query(Xapian::Query::OP_WILDCARD, prefix, max_expansion,
                                      Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT)};
  });
}

rk_query *rk_query_combine(rk_query_op op, rk_query *const *subqueries, size_t count, uint32_t parameter,
                           rk_error *error) {
  return guard<rk_query *>(error, nullptr, [&] {
    if (count > 0) require(subqueries, "subqueries");
    std::vector<Xapian::Query> queries;
    queries.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      require(subqueries[i], "subquery");
      queries.push_back(subqueries[i]->query);
    }
    Xapian::Query::op xop;
    switch (op) {
      case RK_QUERY_AND: xop = Xapian::Query::OP_AND; break;
      case RK_QUERY_OR: xop = Xapian::Query::OP_OR; break;
      case RK_QUERY_AND_NOT: xop = Xapian::Query::OP_AND_NOT; break;
      case RK_QUERY_AND_MAYBE: xop = Xapian::Query::OP_AND_MAYBE; break;
      case RK_QUERY_FILTER: xop = Xapian::Query::OP_FILTER; break;
      case RK_QUERY_SYNONYM: xop = Xapian::Query::OP_SYNONYM; break;
      case RK_QUERY_PHRASE: xop = Xapian::Query::OP_PHRASE; break;
      case RK_QUERY_NEAR: xop = Xapian::Query::OP_NEAR; break;
      case RK_QUERY_MAX: xop = Xapian::Query::OP_MAX; break;
      case RK_QUERY_ELITE_SET: xop = Xapian::Query::OP_ELITE_SET; break;
      default: throw Xapian::InvalidArgumentError("unknown query operator " + std::to_string(op));
    }
    return new rk_query{Xapian::Query(xop, queries.begin(), queries.end(), parameter)};
  });
}

rk_query *rk_query_scale(const rk_query *query, double factor, rk_error *error) {
  return guard<rk_query *>(error, nullptr, [&] {
    require(query, "query");
    return new rk_query{Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, query->query, factor)};
  });
}

rk_query *rk_query_value_weight(uint32_t slot, rk_error *error) {
  return guard<rk_query *>(error, nullptr, [&] {
    auto *source = new Xapian::ValueWeightPostingSource(slot);
    return new rk_query{Xapian::Query(source->release())};
  });
}

rk_query *rk_query_match_all(rk_error *error) {
  return guard<rk_query *>(error, nullptr, [&] { return new rk_query{Xapian::Query::MatchAll}; });
}

void rk_query_free(rk_query *query) { delete query; }

char *rk_query_describe(const rk_query *query, rk_error *error) {
  return guard<char *>(error, nullptr, [&] {
    require(query, "query");
    return copy_out(query->query.get_description(), nullptr);
  });
}

char *rk_sortable_serialise(double value, size_t *length) {
  rk_error ignored;
  return guard<char *>(&ignored, nullptr, [&] { return copy_out(Xapian::sortable_serialise(value), length); });
}

// MARK: Search

rk_results *rk_search(rk_database *db, const rk_query *query, uint32_t offset, uint32_t limit,
                      const rk_search_options *options, rk_error *error) {
  return guard<rk_results *>(error, nullptr, [&] {
    require(db, "database");
    require(query, "query");
    Xapian::Database &database = db->database();
    Xapian::Enquire enquire(database);
    enquire.set_query(query->query);
    double k1 = options ? options->k1 : 1.0;
    double b = options ? options->b : 0.5;
    enquire.set_weighting_scheme(Xapian::BM25Weight(k1, 0, 1, b, 0.5));
    Xapian::MSet mset = enquire.get_mset(offset, limit);
    auto results = std::make_unique<rk_results>();
    results->estimated_total = mset.get_matches_estimated();
    results->hits.reserve(mset.size());
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      Xapian::Document document = it.get_document();
      rk_hit hit{*it, it.get_weight(), document.get_data(), std::string(), {0, 0, 0, 0, 0, 0, 0, 0}};
      uint32_t slots = options ? std::min<uint32_t>(options->value_slots, 8) : 0;
      for (uint32_t slot = 0; slot < slots; ++slot) {
        std::string value = document.get_value(slot);
        hit.values[slot] = value.empty() ? 0 : Xapian::sortable_unserialise(value);
      }
      if (options && options->matching_terms) {
        for (auto term = enquire.get_matching_terms_begin(it); term != enquire.get_matching_terms_end(it); ++term) {
          if (!hit.matching_terms.empty()) hit.matching_terms += '\n';
          hit.matching_terms += *term;
        }
      }
      results->hits.push_back(std::move(hit));
    }
    return results.release();
  });
}

size_t rk_results_count(const rk_results *results) { return results ? results->hits.size() : 0; }

uint64_t rk_results_estimated_total(const rk_results *results) { return results ? results->estimated_total : 0; }

// The accessors never throw: an index out of range gives 0 or an empty string.
static const rk_hit *hit_at(const rk_results *results, size_t index) {
  return results && index < results->hits.size() ? &results->hits[index] : nullptr;
}

uint32_t rk_results_docid(const rk_results *results, size_t index) {
  const rk_hit *hit = hit_at(results, index);
  return hit ? hit->docid : 0;
}

double rk_results_weight(const rk_results *results, size_t index) {
  const rk_hit *hit = hit_at(results, index);
  return hit ? hit->weight : 0;
}

const char *rk_results_data(const rk_results *results, size_t index, size_t *length) {
  const rk_hit *hit = hit_at(results, index);
  if (length) *length = hit ? hit->data.size() : 0;
  return hit ? hit->data.data() : "";
}

double rk_results_value(const rk_results *results, size_t index, uint32_t slot) {
  const rk_hit *hit = hit_at(results, index);
  return hit && slot < 8 ? hit->values[slot] : 0;
}

const char *rk_results_matching_terms(const rk_results *results, size_t index, size_t *length) {
  const rk_hit *hit = hit_at(results, index);
  if (length) *length = hit ? hit->matching_terms.size() : 0;
  return hit ? hit->matching_terms.data() : "";
}

void rk_results_free(rk_results *results) { delete results; }

rk_results *rk_documents(rk_database *db, const uint32_t *docids, size_t count, rk_error *error) {
  return guard<rk_results *>(error, nullptr, [&] {
    require(db, "database");
    if (count > 0) require(docids, "docids");
    Xapian::Database &database = db->database();
    auto results = std::make_unique<rk_results>();
    results->hits.reserve(count);
    for (size_t index = 0; index < count; ++index) {
      try {
        Xapian::Document document = database.get_document(docids[index]);
        results->hits.push_back(rk_hit{docids[index], 0, document.get_data(), std::string(), {0, 0, 0, 0, 0, 0, 0, 0}});
      } catch (const Xapian::DocNotFoundError &) {
        // Deleted since the caller saw it.
      }
    }
    results->estimated_total = results->hits.size();
    return results.release();
  });
}

}  // extern "C"
