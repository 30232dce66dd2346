// swift-tools-version: 6.1
import PackageDescription

// The analyzer, the index's terms and the ranking are compiled with optimisation in debug builds too: the tests,
// the browser tests and the soak in `make test` run them over hundreds of thousands of texts, which at -Onone
// took most of the time (the 200,000-item soak 305 s, 127 s so; the suite 185 s, 123 s, beside other work).
// Stepping through these three in a debugger shows optimised code; the rest of the package is as before.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
  name: "ReplyKit",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "replykit", targets: ["replykit"]),
    .executable(name: "replykit-bench", targets: ["replykit-bench"]),
    .library(name: "TextAnalysis", targets: ["TextAnalysis"]),
    // For the libFuzzer targets in Fuzz/, a package of their own.
    .library(name: "Knowledge", targets: ["Knowledge"]),
    .library(name: "Sessions", targets: ["Sessions"]),
    .library(name: "RequestInput", targets: ["RequestInput"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    // Without Hummingbird's default ConfigurationSupport trait, which only builds swift-configuration.
    .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
    .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"4.0.0"),
    .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
  ],
  targets: [
    // ICU's C API (break iterators, normalizers, transliterators) behind plain names.
    .systemLibrary(name: "CICU", pkgConfig: "icu-i18n", providers: [.apt(["libicu-dev"])]),
    // Normalization, word segmentation, lexicons and pinyin keys. Imports no Foundation module (see shim.h).
    // Snowball's stemmers (Debian libstemmer-dev): a C library with no pkg-config file.
    .systemLibrary(name: "CStemmer", providers: [.apt(["libstemmer-dev"])]),
    .target(name: "TextAnalysis", dependencies: ["CICU", "CStemmer"], swiftSettings: optimizedInDebug),
    // Xapian behind an extern "C" API: opaque handles, no C++ exception crosses into Swift.
    .target(
      name: "CXapian",
      linkerSettings: [.linkedLibrary("xapian")]
    ),
    // OpenBLAS's CBLAS (Debian libopenblas-dev), for the sentence encoder's matrix products.
    .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    // Sentence embeddings in process: a safetensors reader, BERT's WordPiece tokenizer and encoder over BLAS.
    // Knows nothing of knowledge, the index or ranking.
    .target(name: "Embeddings", dependencies: ["CBLAS"]),
    // Knowledge records, import parsers, and the SQLite store (the source of truth) with its change log.
    .target(
      name: "Knowledge",
      dependencies: [.product(name: "GRDB", package: "GRDB.swift")]
    ),
    // The Xapian index that follows the store's change log: documents and their terms, the one writer, the
    // pool of readers, term statistics. No ranking.
    .target(
      name: "Index",
      dependencies: ["CXapian", "TextAnalysis", "Knowledge"], swiftSettings: optimizedInDebug
    ),
    // The vectors of the stored questions, following the store like the index (`vectors.sqlite`), searched
    // exactly in memory: the semantic stage the ranking asks when a model is installed.
    .target(
      name: "QuestionVectors",
      dependencies: ["Embeddings", "CBLAS", "Index", "Knowledge", .product(name: "GRDB", package: "GRDB.swift")]
    ),
    // The shipped question models, JSON files embedded in the binary (`make models` writes them).
    .target(
      name: "RankingModels",
      resources: [.embedInCode("Models")]
    ),
    // The workbench page and the demo's customer simulator (HTML, CSS, JavaScript modules), embedded in code.
    .target(
      name: "WebAssets",
      resources: [.embedInCode("Assets")]
    ),
    // Ranked suggestions over the index: `#` suggest, smart reply, the question model, weights, learning.
    .target(
      name: "Ranking",
      dependencies: ["Index", "QuestionVectors", "RankingModels", "TextAnalysis", "Knowledge"],
      swiftSettings: optimizedInDebug
    ),
    // Conversations of the agent workbench: customers, sessions, messages, summaries, the outbox.
    .target(
      name: "Sessions",
      dependencies: ["Knowledge", .product(name: "GRDB", package: "GRDB.swift")]
    ),
    // The application layer: a data folder at work (store, index, ranking, conversations), the one write path
    // for knowledge, the conversation workflow, live events, history search and the sweeper.
    .target(
      name: "Workbench",
      dependencies: [
        "Index", "Ranking", "Knowledge", "Sessions", "TextAnalysis", "Embeddings", "QuestionVectors",
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "Metrics", package: "swift-metrics"),
      ]
    ),
    // What the HTTP layer checks of a request's text before any route reads it (query strings, path parameters,
    // JSON bodies): Foundation only, so that the fuzzers reach it without the server.
    .target(name: "RequestInput"),
    // The HTTP service: routes (parse, authorise, call the workbench), API keys, errors as JSON, event streams.
    .target(
      name: "ReplyServer",
      dependencies: [
        "Workbench", "Ranking", "Index", "Knowledge", "TextAnalysis", "Sessions", "RequestInput", "QuestionVectors",
        "Evaluation", "WebAssets", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "_CryptoExtras", package: "swift-crypto"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
      ]
    ),
    // An HTTP/1.1 client for a server on loopback, for the tests and the benchmarks' load generator: plain HTTP
    // over NIO with no TLS stack to build.
    .target(
      name: "LoopbackHTTP",
      dependencies: [
        .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
      ]
    ),
    // Offline relevance evaluation: judgments, runs, metrics.
    .target(
      name: "Evaluation",
      dependencies: ["Workbench", "Ranking", "Knowledge"]
    ),
    // What both executables print and parse alike (`--json` output, arguments naming a source, timings).
    .target(
      name: "CommandLineSupport",
      dependencies: ["Knowledge", .product(name: "ArgumentParser", package: "swift-argument-parser")]
    ),
    // What users run: serve, import, suggest, smart-reply, analyze, eval, learn, reindex, the tenant commands.
    .executableTarget(
      name: "replykit",
      dependencies: [
        "TextAnalysis", "Knowledge", "Ranking", "Workbench", "ReplyServer", "Evaluation", "Sessions",
        "CommandLineSupport", "Embeddings", "QuestionVectors",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Histogram", package: "hdrhistogram-swift"),
      ]
    ),
    // The lab: speed, load and soak benchmarks. `http` and `sessions` drive the `replykit serve` built beside it
    // over real loopback connections, so the load generator stays out of the shipping binary.
    .executableTarget(
      name: "replykit-bench",
      dependencies: [
        "TextAnalysis", "Knowledge", "Ranking", "Workbench", "ReplyServer", "Evaluation", "Sessions",
        "CommandLineSupport", "Embeddings", "QuestionVectors",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Histogram", package: "hdrhistogram-swift"), "LoopbackHTTP",
      ]
    ),
    // Test helpers shared by the test targets.
    .target(
      name: "TestSupport", dependencies: [.product(name: "NIOPosix", package: "swift-nio")], path: "Tests/TestSupport"),
    .testTarget(
      name: "KnowledgeTests",
      dependencies: ["Knowledge"]
    ),
    .testTarget(
      name: "SessionsTests",
      dependencies: ["Sessions", "Knowledge", .product(name: "GRDB", package: "GRDB.swift")]
    ),
    .testTarget(
      name: "EvaluationTests",
      dependencies: ["Evaluation", "Workbench", "Ranking", "Knowledge", "TestSupport"]
    ),
    .testTarget(
      name: "ReplyServerTests",
      dependencies: [
        "ReplyServer", "Workbench", "Ranking", "Knowledge", "Sessions",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), "LoopbackHTTP", "RequestInput",
        "TestSupport",
      ]
    ),
    .testTarget(
      name: "ReplyKitCLITests",
      dependencies: [
        // The executables the tests run, so that they are built before them.
        "replykit", "replykit-bench", "Workbench", "Ranking", "Knowledge", "TestSupport", "LoopbackHTTP",
      ]
    ),
    .testTarget(
      name: "RankingTests",
      dependencies: [
        "Index", "Ranking", "Workbench", "Knowledge", "TextAnalysis", "CXapian", "Embeddings", "QuestionVectors",
        "TestSupport",
      ]
    ),
    .testTarget(
      name: "EmbeddingsTests",
      dependencies: ["Embeddings", "TestSupport"],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(
      name: "CXapianTests",
      dependencies: ["CXapian"]
    ),
    .testTarget(
      name: "TextAnalysisTests",
      dependencies: [
        "TextAnalysis",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ]
    ),
  ],
  cxxLanguageStandard: .cxx17
)
