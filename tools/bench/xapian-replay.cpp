// Xapian's own writing rate for ReplyKit's documents: the first N documents of an index ReplyKit wrote are
// read into memory, then written into a new database the way IndexWriter writes them (the item's old
// documents deleted by its item term, the document added, a commit every BATCH), with nothing else in the
// process. What `replykit-bench import` reaches beside this is what the rest of an
// import (analysis, the store, the pipeline between them) costs on top of Xapian.
//
// With `replace` as MODE, a document is replaced by a term no document holds (which adds it after a look-up),
// as IndexWriter wrote them before 2026-12-07.
//
//   xapian-replay INDEX_DIR [N] [BATCH] [MODE]      (see xapian-replay.sh)
#include <xapian.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

struct Term {
  std::string name;
  Xapian::termcount wdf;
  std::vector<Xapian::termpos> positions;
};

struct Copied {
  std::string data;
  std::vector<Term> terms;
  std::vector<std::pair<Xapian::valueno, std::string>> values;
  std::string itemTerm;  // XI...
};

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: xapian-replay INDEX_DIR [N] [BATCH] [add|replace]\n");
    return 2;
  }
  const std::string source = argv[1];
  const Xapian::docid wanted = argc > 2 ? std::atoi(argv[2]) : 30000;
  const int batch = argc > 3 ? std::atoi(argv[3]) : 1000;
  const bool add = !(argc > 4 && std::string(argv[4]) == "replace");
  try {
    Xapian::Database index(source);
    std::vector<Copied> documents;
    std::size_t termCount = 0;
    for (Xapian::PostingIterator it = index.postlist_begin(""); it != index.postlist_end("") && documents.size() < wanted;
         ++it) {
      const Xapian::docid id = *it;
      Xapian::Document document = index.get_document(id);
      Copied copied;
      copied.data = document.get_data();
      for (Xapian::TermIterator term = document.termlist_begin(); term != document.termlist_end(); ++term) {
        Term t{*term, term.get_wdf(), {}};
        for (Xapian::PositionIterator p = index.positionlist_begin(id, *term); p != index.positionlist_end(id, *term);
             ++p) {
          t.positions.push_back(*p);
        }
        if (t.name.rfind("XI", 0) == 0) copied.itemTerm = t.name;
        copied.terms.push_back(std::move(t));
      }
      for (Xapian::ValueIterator value = document.values_begin(); value != document.values_end(); ++value) {
        copied.values.emplace_back(value.get_valueno(), *value);
      }
      termCount += copied.terms.size();
      documents.push_back(std::move(copied));
    }
    if (documents.empty()) {
      std::fprintf(stderr, "%s holds no documents\n", source.c_str());
      return 1;
    }

    char folder[] = "/tmp/xapian-replay-XXXXXX";
    if (!mkdtemp(folder)) {
      std::perror("mkdtemp");
      return 1;
    }
    const std::string target = std::string(folder) + "/index";
    double building = 0, commits = 0;
    const auto start = std::chrono::steady_clock::now();
    {
      // The flags IndexWriter opens its writer with.
      Xapian::WritableDatabase database(target, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_NO_SYNC);
      int written = 0;
      for (const Copied &copied : documents) {
        const auto buildStart = std::chrono::steady_clock::now();
        Xapian::Document document;
        document.set_data(copied.data);
        // The same terms, within-document frequencies and positions as the document read.
        for (const Term &term : copied.terms) {
          if (term.wdf == 0) {
            document.add_boolean_term(term.name);
          } else {
            document.add_term(term.name, term.wdf);
          }
          for (Xapian::termpos position : term.positions) document.add_posting(term.name, position, 0);
        }
        for (const auto &value : copied.values) document.add_value(value.first, value.second);
        building += seconds(buildStart);
        if (!copied.itemTerm.empty()) database.delete_document(copied.itemTerm);
        if (add) {
          database.add_document(document);
        } else {
          database.replace_document("Q" + copied.itemTerm + "\x1f" + std::to_string(written), document);
        }
        if (++written % batch == 0) {
          const auto commitStart = std::chrono::steady_clock::now();
          database.commit();
          commits += seconds(commitStart);
        }
      }
      const auto commitStart = std::chrono::steady_clock::now();
      database.commit();
      commits += seconds(commitStart);
    }
    const double total = seconds(start);
    std::printf(
        "%s: %zu documents (%.1f terms each) in %.2f s = %.0f documents/s, a commit every %d: "
        "Document objects %.2f s, deletes and writes %.2f s, commits %.2f s\n",
        add ? "add" : "replace", documents.size(), double(termCount) / documents.size(), total,
        documents.size() / total, batch, building, total - building - commits, commits);
    const std::string remove = std::string("rm -rf '") + folder + "'";
    return std::system(remove.c_str()) == 0 ? 0 : 1;
  } catch (const Xapian::Error &error) {
    std::fprintf(stderr, "%s\n", error.get_description().c_str());
    return 1;
  }
}
