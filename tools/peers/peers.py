#!/usr/bin/env python3
"""ReplyKit beside the engines a user would pick instead, on the same corpus and queries.

Run through tools/peers/run.sh, which makes the virtual environment this needs (python3-xapian is Debian's,
so the environment is made from /usr/bin/python3 with the system site packages). See tools/peers/README.md
for each peer's configuration.

Every peer indexes the same text (an entry's title and body, one field), answers the same queries with its
top 10, and is scored here by one implementation of MRR@10 and nDCG@10 (binary judgments, as trec_eval).
ReplyKit's relevance and latency come from `replykit eval --json` itself, its index size and rate from
`replykit-bench import --corpus`. Latency is measured around each search call in the peer's own process
(Python for SQLite, Xapian and tantivy, the JVM for Lucene), after an untimed warm-up of the first queries.
"""

import argparse
import json
import math
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ENGINES = ["replykit", "fts5-trigram", "fts5-unicode61", "xapian-ngram", "tantivy", "lucene"]
DATASETS = {
    # name: (language, extra flags for replykit eval: banking77's bodies are ten example questions each)
    "afqmc_dev": ("zh", []),
    "lcqmc_dev": ("zh", []),
    "oppo_dev": ("zh", []),
    "banking77": ("en", ["--similar-from-body"]),
    "clinc150": ("en", ["--similar-from-body"]),
    # Typo-heavy copies (tools/eval/typo-queries.py writes them).
    "banking77_typos": ("en", ["--similar-from-body"]),
    "clinc150_typos": ("en", ["--similar-from-body"]),
    # Training splits (tools/models/make-models.sh writes them), for comparing on data a setting may be chosen on.
    "afqmc_train": ("zh", []),
    "banking77_train": ("en", ["--similar-from-body"]),
    "clinc150_train": ("en", ["--similar-from-body"]),
}
# Run when --datasets is not given: the tuning check and the two out-of-domain sets (Chinese), Banking77 (English).
DEFAULT_DATASETS = ["afqmc_dev", "lcqmc_dev", "oppo_dev", "banking77"]
WARMUP = 200
LUCENE_JARS = ["lucene-core", "lucene-analyzers-common", "lucene-analyzers-smartcn"]


# ---------------------------------------------------------------------------------------------- data


def read_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if "\t" in line:
                qid, text = line.split("\t", 1)
                rows.append((qid, text))
    return rows


def read_qrels(path):
    qrels = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 4 and int(parts[3]) > 0:
                qrels.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    return qrels


def read_corpus(path):
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                entry = json.loads(line)
                docs.append((entry["id"], (entry["title"] + "\n" + (entry.get("body") or "")).strip()))
    return docs


# ------------------------------------------------------------------------------------------- metrics


def score(run, qrels):
    """MRR@10 and nDCG@10 over every judged query (a query without results scores 0), as trec_eval."""
    mrr = ndcg = 0.0
    judged = [qid for qid in qrels if qrels[qid]]
    for qid in judged:
        relevant = qrels[qid]
        ranking = run.get(qid, [])[:10]
        for rank, doc in enumerate(ranking):
            if doc in relevant:
                mrr += 1 / (rank + 1)
                break
        dcg = sum(relevant.get(doc, 0) / math.log2(rank + 2) for rank, doc in enumerate(ranking))
        ideal = sorted(relevant.values(), reverse=True)[:10]
        idcg = sum(grade / math.log2(rank + 2) for rank, grade in enumerate(ideal))
        ndcg += dcg / idcg if idcg else 0
    n = len(judged) or 1
    return mrr / n, ndcg / n


def percentile(values, p):
    """Nearest-rank percentile, in the unit of the values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def folder_bytes(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


# --------------------------------------------------------------------------------------------- peers

WORD = re.compile(r"\w+", re.UNICODE)
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class Segmenter:
    """jieba (precise mode) for Chinese: the segmenter a Python user reaches for. Text without Han passes
    through unchanged. The words come back joined by spaces, for engines that split on whitespace."""

    def __init__(self):
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
        self.jieba = jieba

    def words(self, text):
        if not HAN.search(text):
            return [w.lower() for w in WORD.findall(text)]
        return [w.lower() for token in self.jieba.cut(text) for w in WORD.findall(token)]

    def joined(self, text):
        return " ".join(self.words(text))


class Peer:
    name = ""
    config = ""

    def __init__(self, lang, work, segmenter):
        self.lang, self.work, self.segmenter = lang, work, segmenter

    def build(self, docs):
        """Indexes docs [(id, text)]; returns the index's path."""
        raise NotImplementedError

    def search(self, text, prefix, k):
        raise NotImplementedError

    def close(self):
        pass


class FTS5Trigram(Peer):
    name = "fts5-trigram"

    def build(self, docs):
        self.config = "SQLite %s FTS5 tokenize=trigram, OR of the query's 3-character substrings, bm25()" % (
            sqlite3.sqlite_version)
        path = os.path.join(self.work, "fts5-trigram.sqlite")
        db = sqlite3.connect(path)
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, text, tokenize='trigram')")
        db.executemany("INSERT INTO docs(id, text) VALUES (?, ?)", docs)
        db.commit()
        db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
        db.commit()
        self.db = db
        return path

    def search(self, text, prefix, k):
        # The trigram tokenizer matches substrings, so a prefix needs nothing special. Shorter runs than 3
        # characters cannot be asked at all (FTS5's documented limit).
        grams = set()
        for run in WORD.findall(text.lower()):
            grams.update(run[i : i + 3] for i in range(len(run) - 2))
        if not grams:
            return []
        query = " OR ".join('"%s"' % g.replace('"', '""') for g in sorted(grams))
        rows = self.db.execute(
            "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?", (query, k)).fetchall()
        return [r[0] for r in rows]


class FTS5Unicode61(Peer):
    name = "fts5-unicode61"

    def build(self, docs):
        tokenizer = "unicode61 remove_diacritics 2" if self.lang == "zh" else "porter unicode61 remove_diacritics 2"
        self.config = "SQLite FTS5 tokenize='%s' over %s text, OR of terms, last one a prefix in prefix mode" % (
            tokenizer, "jieba-segmented" if self.lang == "zh" else "plain")
        path = os.path.join(self.work, "fts5-unicode61.sqlite")
        db = sqlite3.connect(path)
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, text, tokenize='%s', prefix='1 2 3')" % tokenizer)
        rows = ((doc_id, self.segmenter.joined(text) if self.lang == "zh" else text) for doc_id, text in docs)
        db.executemany("INSERT INTO docs(id, text) VALUES (?, ?)", rows)
        db.commit()
        db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
        db.commit()
        self.db = db
        return path

    def search(self, text, prefix, k):
        words = self.segmenter.words(text)
        if not words:
            return []
        terms = ['"%s"' % w.replace('"', '""') for w in words]
        if prefix:
            terms[-1] += "*"
        rows = self.db.execute(
            "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?", (" OR ".join(terms), k)).fetchall()
        return [r[0] for r in rows]


class XapianNgram(Peer):
    name = "xapian-ngram"

    def build(self, docs):
        import xapian

        self.xapian = xapian
        self.config = "Xapian %s, BM25, %s" % (xapian.version_string(), (
            "TermGenerator FLAG_CJK_NGRAM (unigrams and bigrams), the query's n-grams ORed" if self.lang == "zh" else
            "TermGenerator + QueryParser with the English stemmer (STEM_SOME), default OR, FLAG_PARTIAL in prefix mode"))
        path = os.path.join(self.work, "xapian-ngram")
        db = xapian.WritableDatabase(path, xapian.DB_CREATE_OR_OVERWRITE)
        generator = xapian.TermGenerator()
        if self.lang == "zh":
            generator.set_flags(xapian.TermGenerator.FLAG_CJK_NGRAM)
        else:
            generator.set_stemmer(xapian.Stem("english"))
        for doc_id, text in docs:
            doc = xapian.Document()
            generator.set_document(doc)
            generator.index_text(text)
            doc.set_data(doc_id)
            db.add_document(doc)
        db.commit()
        db.close()
        self.db = xapian.Database(path)
        self.enquire = xapian.Enquire(self.db)
        self.parser = xapian.QueryParser()
        self.parser.set_database(self.db)
        self.parser.set_default_op(xapian.Query.OP_OR)
        self.query_generator = xapian.TermGenerator()
        self.query_generator.set_flags(xapian.TermGenerator.FLAG_CJK_NGRAM)
        if self.lang == "en":
            self.parser.set_stemmer(xapian.Stem("english"))
            self.parser.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
        return path

    def search(self, text, prefix, k):
        xapian = self.xapian
        if self.lang == "zh":
            # The QueryParser's CJK n-gram mode ANDs every n-gram of a run, so a whole customer question
            # matches almost nothing (MRR@10 0.009 on afqmc_dev). What a user does instead: the same
            # TermGenerator as at index time, its unigrams and bigrams ORed and ranked by BM25. A prefix needs
            # nothing more, since its n-grams are those of the words it starts.
            doc = xapian.Document()
            self.query_generator.set_document(doc)
            self.query_generator.index_text(text)
            terms = [t.term for t in doc.termlist()]
            query = xapian.Query(xapian.Query.OP_OR, terms) if terms else xapian.Query()
        else:
            flags = xapian.QueryParser.FLAG_DEFAULT
            if prefix:
                flags |= xapian.QueryParser.FLAG_PARTIAL
            try:
                query = self.parser.parse_query(text, flags)
            except xapian.QueryParserError:
                query = self.parser.parse_query(" ".join(WORD.findall(text)), flags)
        self.enquire.set_query(query)
        return [m.document.get_data().decode() for m in self.enquire.get_mset(0, k)]


class Tantivy(Peer):
    name = "tantivy"

    def build(self, docs):
        import tantivy

        self.tantivy = tantivy
        builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.lowercase())
        if self.lang == "en":
            builder = builder.filter(tantivy.Filter.stemmer("english"))
        self.analyzer = builder.build()
        self.config = "tantivy-py %s, BM25, %s, OR of term queries, regex prefix on the last term in prefix mode" % (
            getattr(tantivy, "__version__", ""), "simple tokenizer over jieba-segmented text" if self.lang == "zh"
            else "simple tokenizer + lowercase + English stemmer")
        schema_builder = tantivy.SchemaBuilder()
        schema_builder.add_text_field("id", stored=True, tokenizer_name="raw")
        schema_builder.add_text_field("text", stored=False, tokenizer_name="peer")
        self.schema = schema_builder.build()
        path = os.path.join(self.work, "tantivy")
        os.makedirs(path, exist_ok=True)
        self.index = tantivy.Index(self.schema, path=path)
        self.index.register_tokenizer("peer", self.analyzer)
        writer = self.index.writer(heap_size=200_000_000, num_threads=1)
        for doc_id, text in docs:
            body = self.segmenter.joined(text) if self.lang == "zh" else text
            writer.add_document(tantivy.Document(id=doc_id, text=body))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        return path

    def search(self, text, prefix, k):
        tantivy = self.tantivy
        body = self.segmenter.joined(text) if self.lang == "zh" else text
        terms = self.analyzer.analyze(body)
        if not terms:
            return []
        clauses = []
        for i, term in enumerate(terms):
            if prefix and i == len(terms) - 1:
                # The unfinished word: analysed as typed (not stemmed, which would cut it again).
                raw = (self.segmenter.words(text) or [term])[-1]
                query = tantivy.Query.regex_query(self.schema, "text", re.escape(raw) + ".*")
            else:
                query = tantivy.Query.term_query(self.schema, "text", term)
            clauses.append((tantivy.Occur.Should, query))
        result = self.searcher.search(tantivy.Query.boolean_query(clauses), k)
        return [self.searcher.doc(address)["id"][0] for _, address in result.hits]


class Lucene(Peer):
    """Runs LucenePeer.java in one JVM per corpus; build() does the indexing and every query set."""

    name = "lucene"

    def __init__(self, lang, work, segmenter):
        super().__init__(lang, work, segmenter)
        self.classes = os.path.join(HERE, ".venv", "java")
        jars = [os.path.join("/usr/share/java", f) for f in os.listdir("/usr/share/java")
                if any(f.startswith(j + "-8") for j in LUCENE_JARS)]
        self.classpath = ":".join(sorted(jars) + [self.classes])
        version = re.search(r"lucene-core-([\d.]+)\.jar", " ".join(jars))
        self.config = "Lucene %s (Debian liblucene8-java), BM25, %s, OR of terms, PrefixQuery on the last in prefix mode" % (
            version.group(1) if version else "?", "SmartChineseAnalyzer" if lang == "zh" else "EnglishAnalyzer")

    def run_all(self, docs, query_sets, k):
        """query_sets: [(mode, [(qid, text)])]. Returns (seconds, path, [{qid: (ns, ids)}])."""
        docs_path = os.path.join(self.work, "lucene-docs.tsv")
        with open(docs_path, "w", encoding="utf-8") as f:
            for doc_id, text in docs:
                f.write(doc_id + "\t" + re.sub(r"\s+", " ", text) + "\n")
        path = os.path.join(self.work, "lucene")
        args = ["java", "-Xmx2g", "-cp", self.classpath, "LucenePeer", self.lang, docs_path, path, str(k), str(WARMUP)]
        outs = []
        for n, (mode, queries) in enumerate(query_sets):
            qpath = os.path.join(self.work, "lucene-q%d.tsv" % n)
            with open(qpath, "w", encoding="utf-8") as f:
                for qid, text in queries:
                    f.write(qid + "\t" + re.sub(r"\s+", " ", text) + "\n")
            outs.append(os.path.join(self.work, "lucene-out%d.tsv" % n))
            args += [mode, qpath, outs[-1]]
        done = subprocess.run(args, check=True, capture_output=True, text=True)
        seconds = float(re.search(r"in ([\d.]+) s", done.stdout).group(1))
        results = []
        for out in outs:
            table = {}
            with open(out, encoding="utf-8") as f:
                for line in f:
                    qid, ns, ids = line.rstrip("\n").split("\t")
                    table[qid] = (int(ns), [i for i in ids.split(",") if i])
            results.append(table)
        return seconds, path, results


PEERS = {p.name: p for p in [FTS5Trigram, FTS5Unicode61, XapianNgram, Tantivy, Lucene]}


def run_peer(cls, lang, work, segmenter, docs, query_sets, k, passes=1):
    """Builds the peer's index over docs and runs each query set `passes` times (p50 and p99 are the medians
    of the passes'). Returns a row of figures."""
    peer = cls(lang, work, segmenter)
    row = {"engine": peer.name}
    timed = [query_set for query_set in query_sets for _ in range(passes)]
    if isinstance(peer, Lucene):
        seconds, path, results = peer.run_all(docs, [(mode, queries) for mode, queries, _ in timed], k)
    else:
        started = time.perf_counter()
        path = peer.build(docs)
        seconds = time.perf_counter() - started
        results = []
        for mode, queries, _ in timed:
            for _, text in queries[:WARMUP]:
                peer.search(text, mode == "prefix", k)
            table = {}
            for qid, text in queries:
                t0 = time.perf_counter_ns()
                ids = peer.search(text, mode == "prefix", k)
                table[qid] = (time.perf_counter_ns() - t0, ids)
            results.append(table)
    row["config"] = peer.config
    row["index_mb"] = folder_bytes(path) / 1e6
    row["docs_per_s"] = len(docs) / seconds if seconds > 0 else float("nan")
    for n, (mode, _, qrels) in enumerate(query_sets):
        tables = results[n * passes:(n + 1) * passes]
        p50s = [percentile([ns / 1e6 for ns, _ in t.values()], 50) for t in tables]
        p99s = [percentile([ns / 1e6 for ns, _ in t.values()], 99) for t in tables]
        table = tables[-1]
        row[mode] = {"p50_ms": median(p50s), "p99_ms": median(p99s), "p99_passes_ms": p99s,
                     "no_result": sum(1 for _, ids in table.values() if not ids) / max(1, len(table))}
        if qrels is not None:
            mrr, ndcg = score({qid: ids for qid, (_, ids) in table.items()}, qrels)
            row[mode].update(mrr10=mrr, ndcg10=ndcg)
    peer.close()
    return row


# ------------------------------------------------------------------------------------------ ReplyKit


def replykit_version(binary):
    try:
        # The checkout the binary was built in (.build/release/replykit sits inside it).
        return subprocess.run(["git", "-C", os.path.dirname(binary), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip() or "?"
    except OSError:
        return "?"


def bench_binary(binary):
    """The replykit-bench built beside the replykit binary (the benchmarks are an executable of their own)."""
    return os.path.join(os.path.dirname(binary), "replykit-bench")


def run_replykit(binary, dataset_dir, extra, modes, work, ranking="standard"):
    """ReplyKit's row: the standard ranking, or (ranking "lexical") the lexical base, no learned model."""
    corpus = os.path.join(dataset_dir, "corpus.jsonl")
    lexical = ranking == "lexical"
    row = {"engine": "replykit-lexical" if lexical else "replykit",
           "config": "replykit eval --as bot %s%s(smart reply in full mode, # suggest in prefix mode)"
           % (" ".join(extra) + " " if extra else "", "--ranking lexical " if lexical else "")}
    if lexical:
        extra = [*extra, "--ranking", "lexical"]
    imported = subprocess.CompletedProcess([], 1, "", "the lexical row's index is the standard row's")
    if not lexical:
        imported = subprocess.run([bench_binary(binary), "import", "--corpus", corpus, "--as", "bot", *extra, "--runs",
                                   "1", "--json"], capture_output=True, text=True)
    if imported.returncode == 0:
        report = json.loads(imported.stdout.strip().splitlines()[-1])
        row["index_mb"] = report["indexBytes"] / 1e6
        row["docs_per_s"] = report["itemsPerSecondMedian"]
    elif not lexical:
        # A replykit older than `bench import --corpus`: relevance and latency still come from eval.
        print("replykit-bench import --corpus failed, index size and rate left out: %s" % imported.stderr.strip(),
              file=sys.stderr)
    for mode in modes:
        suffix = "" if mode == "full" else "_prefix"
        done = subprocess.run([binary, "eval", "--corpus", corpus, "--queries",
                               os.path.join(dataset_dir, "queries%s.tsv" % suffix), "--qrels",
                               os.path.join(dataset_dir, "qrels%s.txt" % suffix), "--as", "bot", *extra,
                               "--mode", mode, "--json"], check=True, capture_output=True, text=True, cwd=work)
        result = json.loads(done.stdout)
        row[mode] = {"mrr10": result["metrics"]["mrr10"], "ndcg10": result["metrics"]["ndcg10"],
                     "p50_ms": result["latencyP50Ms"], "p99_ms": result["latencyP99Ms"]}
    return row


# ------------------------------------------------------------------------------------------ 100k run


def scale_run(binary, items, engines, work, segmenter, passes):
    """The generated help desk of `replykit-bench suggest`: ReplyKit's suggest latency in-process, and each
    peer's prefix-query latency on the same entries (title and content) and the same typed prefixes. Every
    engine times the prefixes `passes` times; p50 and p99 are the medians of the passes', since one pass's p99
    on a shared machine moves by a factor of two."""
    data = os.path.join(work, "bench-%d" % items)
    corpus = os.path.join(work, "bench-corpus.jsonl")
    queries_path = os.path.join(work, "bench-queries.txt")
    rows = []
    outputs = []
    for n in range(passes):
        # The first pass imports; the next reuse the data folder (bench suggest skips an import it holds).
        extra = ["--write-queries", queries_path, "--write-corpus", corpus] if n == 0 else []
        done = subprocess.run([bench_binary(binary), "suggest", "--items", str(items), "--queries", "5000", "--data", data,
                               *extra], capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            sys.exit("replykit-bench suggest failed (it needs --write-corpus, from the peers branch): " + done.stderr)
        print(done.stdout, file=sys.stderr)
        outputs.append(done.stdout)
    text = outputs[0]
    suggests = [re.search(r"suggest: (\d+) requests, p50 ([\d.]+) ms, p99 ([\d.]+) ms", o) for o in outputs]
    empty = re.search(r"(\d+) with no suggestion", text)
    imported = re.search(r"= (\d+) items/s", text)
    index = re.search(r"index: \d+ documents, ([\d.]+) MB", text)
    rows.append({"engine": "replykit", "config": "replykit-bench suggest (agent-7, limit 5)",
                 "docs_per_s": float(imported.group(1)) if imported else float("nan"),
                 "index_mb": float(index.group(1)) if index else float("nan"),
                 "prefix": {"p50_ms": median([float(m.group(2)) for m in suggests]),
                            "p99_ms": median([float(m.group(3)) for m in suggests]),
                            "p99_passes_ms": [float(m.group(3)) for m in suggests],
                            "no_result": int(empty.group(1)) / int(suggests[0].group(1)) if empty else float("nan")}})
    docs = read_corpus(corpus)
    with open(queries_path, encoding="utf-8") as f:
        typed = [("b%d" % n, urllib.parse.unquote(line.strip())) for n, line in enumerate(f) if line.strip()]
    shutil.rmtree(data, ignore_errors=True)
    for name in engines:
        if name == "replykit":
            continue
        peer_work = tempfile.mkdtemp(dir=work, prefix=name + "-")
        print("100k: %s" % name, file=sys.stderr)
        rows.append(run_peer(PEERS[name], "zh", peer_work, segmenter, docs, [("prefix", typed, None)], 5, passes))
        shutil.rmtree(peer_work, ignore_errors=True)
    return rows, len(docs), len(typed)


# -------------------------------------------------------------------------------------------- output


def fmt(value, digits):
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else ("%." + str(digits) + "f") % value


def relevance_table(dataset, rows, modes):
    head = "| engine |"
    rule = "|---|"
    for mode in modes:
        head += " MRR@10 %s | nDCG@10 %s | p50 ms %s | p99 ms %s |" % (mode, mode, mode, mode)
        rule += "---:|---:|---:|---:|"
    head += " index MB | docs/s |"
    rule += "---:|---:|"
    lines = ["### %s" % dataset, "", head, rule]
    for row in rows:
        line = "| %s |" % row["engine"]
        for mode in modes:
            m = row.get(mode, {})
            line += " %s | %s | %s | %s |" % (fmt(m.get("mrr10"), 4), fmt(m.get("ndcg10"), 4), fmt(m.get("p50_ms"), 3),
                                             fmt(m.get("p99_ms"), 3))
        line += " %s | %s |" % (fmt(row.get("index_mb"), 2), fmt(row.get("docs_per_s"), 0))
        lines.append(line)
    return "\n".join(lines)


def scale_table(rows, docs, queries):
    lines = ["### generated help desk, %d entries, %d typed prefixes (1-6 characters, a fifth pinyin initials)" % (
        docs, queries), "", "| engine | p50 ms | p99 ms | p99 of each pass | no result | index MB | docs/s |",
        "|---|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            row["engine"], fmt(row["prefix"]["p50_ms"], 3), fmt(row["prefix"]["p99_ms"], 3),
            " ".join(fmt(v, 2) for v in row["prefix"].get("p99_passes_ms", [])),
            fmt(100 * row["prefix"].get("no_result", float("nan")), 1) + " %", fmt(row.get("index_mb"), 1),
            fmt(row.get("docs_per_s"), 0)))
    peers = [r for r in rows if r["engine"] != "replykit"]
    if peers and rows[0]["engine"] == "replykit":
        fastest = min(peers, key=lambda r: r["prefix"]["p99_ms"])
        ours = rows[0]["prefix"]["p99_ms"]
        lines += ["", "Target (ReplyKit suggest p99 no higher than the fastest peer's): fastest peer %s p99 %.3f ms, "
                  "ReplyKit %.3f ms: %s." % (fastest["engine"], fastest["prefix"]["p99_ms"], ours,
                                             "met" if ours <= fastest["prefix"]["p99_ms"] else "not met")]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replykit", default=os.path.join(ROOT, ".build", "release", "replykit"),
                        help="the replykit binary (default: this checkout's release build)")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated, of: " + ",".join(ENGINES))
    parser.add_argument("--datasets", default=",".join(DEFAULT_DATASETS), help="comma-separated, of: " + ",".join(DATASETS))
    parser.add_argument("--modes", default="full,prefix", help="full, prefix or both")
    parser.add_argument("--scale", type=int, default=100_000,
                        help="entries in the generated latency corpus (0 skips the latency run)")
    parser.add_argument("--passes", type=int, default=3,
                        help="timed passes over the generated corpus's prefixes (p50 and p99: the passes' medians)")
    parser.add_argument("--evaldata", default=os.path.join(os.path.dirname(ROOT), "shared", "evaldata"))
    parser.add_argument("--out", help="also write the markdown table to this file")
    parser.add_argument("--json", help="also write every figure as JSON to this file")
    args = parser.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    for e in engines:
        if e not in ENGINES:
            parser.error("unknown engine %s" % e)
    modes = [m for m in args.modes.split(",") if m]
    datasets = [d for d in args.datasets.split(",") if d]
    for d in datasets:
        if d not in DATASETS:
            parser.error("unknown dataset %s" % d)
    binary = os.path.abspath(args.replykit)
    if ("replykit" in engines or args.scale > 0) and not os.access(binary, os.X_OK):
        parser.error("%s is not an executable: build it (swift build -c release) or pass --replykit" % binary)

    work = tempfile.mkdtemp(prefix="replykit-peers-")
    started = time.time()
    load_before = os.getloadavg()[0]
    segmenter = Segmenter() if any(e in engines for e in ("fts5-unicode61", "tantivy")) else None
    sections = []
    everything = {"replykit_binary": binary, "replykit_commit": replykit_version(binary), "datasets": {}}
    configs = {}
    try:
        for dataset in datasets:
            lang, extra = DATASETS[dataset]
            folder = os.path.join(args.evaldata, dataset)
            docs = read_corpus(os.path.join(folder, "corpus.jsonl"))
            query_sets = []
            for mode in modes:
                suffix = "" if mode == "full" else "_prefix"
                query_sets.append((mode, read_tsv(os.path.join(folder, "queries%s.tsv" % suffix)),
                                   read_qrels(os.path.join(folder, "qrels%s.txt" % suffix))))
            rows = []
            for name in engines:
                print("%s: %s (%.0f s so far)" % (dataset, name, time.time() - started), file=sys.stderr)
                if name == "replykit":
                    rows.append(run_replykit(binary, folder, extra, modes, work, "lexical"))
                    configs.setdefault("%s (%s)" % (rows[-1]["engine"], lang), rows[-1]["config"])
                    rows.append(run_replykit(binary, folder, extra, modes, work))
                else:
                    peer_work = tempfile.mkdtemp(dir=work, prefix=name + "-")
                    rows.append(run_peer(PEERS[name], lang, peer_work, segmenter, docs, query_sets, 10))
                    shutil.rmtree(peer_work, ignore_errors=True)
                configs.setdefault("%s (%s)" % (rows[-1]["engine"], lang), rows[-1]["config"])
            everything["datasets"][dataset] = rows
            sections.append(relevance_table("%s (%d entries)" % (dataset, len(docs)), rows, modes))
        if args.scale > 0:
            print("generated corpus: %d entries (%.0f s so far)" % (args.scale, time.time() - started), file=sys.stderr)
            rows, docs, queries = scale_run(binary, args.scale, engines, work, segmenter, args.passes)
            everything["scale"] = rows
            sections.append(scale_table(rows, docs, queries))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    header = ["## ReplyKit and its peers", "",
              "replykit %s (commit %s); %d cores; %s; %.0f s in all; load average %.1f before, %.1f after "
              "(above 1, other work shared the cores and the tails are noisier)." % (
                  binary, everything["replykit_commit"], os.cpu_count(),
                  time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), time.time() - started, load_before,
                  os.getloadavg()[0]), "", ""]
    notes = ["", "Configurations:", ""] + ["- %s: %s" % (k, v) for k, v in configs.items()]
    table = "\n".join(header) + "\n\n".join(sections) + "\n" + "\n".join(notes) + "\n"
    print(table)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(table)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(everything, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
