// The Lucene peer for tools/peers/peers.py: Debian's liblucene8-java, BM25 (Lucene's default similarity).
//
//   java -cp CLASSPATH LucenePeer LANG DOCS.tsv INDEX_DIR K WARMUP [MODE QUERIES.tsv OUT.tsv]...
//
// LANG zh uses SmartChineseAnalyzer (Lucene's own HMM word segmenter), en uses EnglishAnalyzer (Porter
// stemming, stop words). DOCS.tsv is id<TAB>text, QUERIES.tsv qid<TAB>text (tabs and newlines already
// replaced by spaces). MODE full ORs the query's terms; prefix ORs them too but makes the last one a
// PrefixQuery, since an as-you-type box holds an unfinished word. OUT.tsv gets
// qid<TAB>nanoseconds<TAB>id,id,... per query. The first line printed is "indexed N docs in S s".
// Everything runs in one JVM, so each query set is searched once untimed first (the first WARMUP queries),
// as the Python peers are, to keep JIT compilation out of the percentiles.

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.FSDirectory;

public class LucenePeer {
  public static void main(String[] args) throws Exception {
    String lang = args[0];
    Path docs = Paths.get(args[1]);
    Path dir = Paths.get(args[2]);
    int k = Integer.parseInt(args[3]);
    int warmup = Integer.parseInt(args[4]);
    Analyzer analyzer = lang.equals("zh") ? new SmartChineseAnalyzer() : new EnglishAnalyzer();
    BooleanQuery.setMaxClauseCount(4096);

    long started = System.nanoTime();
    int count = 0;
    try (FSDirectory directory = FSDirectory.open(dir);
        IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(analyzer));
        BufferedReader reader = Files.newBufferedReader(docs, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        int tab = line.indexOf('\t');
        if (tab < 0) continue;
        Document doc = new Document();
        doc.add(new StoredField("id", line.substring(0, tab)));
        doc.add(new TextField("text", line.substring(tab + 1), Field.Store.NO));
        writer.addDocument(doc);
        count++;
      }
      writer.forceMerge(1);
      writer.commit();
    }
    System.out.printf("indexed %d docs in %.3f s%n", count, (System.nanoTime() - started) / 1e9);

    try (FSDirectory directory = FSDirectory.open(dir);
        DirectoryReader reader = DirectoryReader.open(directory)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      for (int i = 5; i + 2 < args.length; i += 3) {
        boolean prefix = args[i].equals("prefix");
        List<String[]> queries = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get(args[i + 1]), StandardCharsets.UTF_8)) {
          int tab = line.indexOf('\t');
          if (tab >= 0) queries.add(new String[] {line.substring(0, tab), line.substring(tab + 1)});
        }
        for (int w = 0; w < Math.min(warmup, queries.size()); w++) {
          search(searcher, analyzer, queries.get(w)[1], prefix, k);
        }
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Paths.get(args[i + 2]), StandardCharsets.UTF_8))) {
          for (String[] q : queries) {
            long t0 = System.nanoTime();
            List<String> ids = search(searcher, analyzer, q[1], prefix, k);
            long ns = System.nanoTime() - t0;
            out.print(q[0] + "\t" + ns + "\t" + String.join(",", ids) + "\n");
          }
        }
      }
    }
  }

  static List<String> search(IndexSearcher searcher, Analyzer analyzer, String text, boolean prefix, int k)
      throws IOException {
    List<String> terms = new ArrayList<>();
    try (TokenStream stream = analyzer.tokenStream("text", text)) {
      CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
      stream.reset();
      while (stream.incrementToken()) terms.add(term.toString());
      stream.end();
    }
    List<String> ids = new ArrayList<>();
    if (terms.isEmpty()) return ids;
    BooleanQuery.Builder builder = new BooleanQuery.Builder();
    for (int i = 0; i < terms.size(); i++) {
      Term t = new Term("text", terms.get(i));
      Query q = prefix && i == terms.size() - 1 ? new PrefixQuery(t) : new TermQuery(t);
      builder.add(q, BooleanClause.Occur.SHOULD);
    }
    for (ScoreDoc hit : searcher.search(builder.build(), k).scoreDocs) {
      ids.add(searcher.doc(hit.doc).get("id"));
    }
    return ids;
  }
}
