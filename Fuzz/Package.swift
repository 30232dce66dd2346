// swift-tools-version: 6.1
// libFuzzer targets over ReplyKit's parsers, built apart from the package so that a plain `swift build` never
// needs the fuzzer runtime: `make fuzz` builds them with -sanitize=fuzzer,address and runs each for a while.
import PackageDescription

let fuzzer: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
  name: "ReplyKitFuzz",
  dependencies: [.package(path: "ReplyKit")],
  targets: [
    .target(name: "FuzzSupport"),
    // The analyzer: any bytes as text, with and without pinyin keys and as typed input.
    .executableTarget(
      name: "FuzzAnalyzer", dependencies: ["FuzzSupport", .product(name: "TextAnalysis", package: "ReplyKit")], swiftSettings: fuzzer),
    // The import parsers: any bytes as JSON Lines and as CSV, whole and cut into chunks.
    .executableTarget(
      name: "FuzzImport", dependencies: ["FuzzSupport", .product(name: "Knowledge", package: "ReplyKit")], swiftSettings: fuzzer),
    // What the server checks of a request's text: JSON bodies, query strings, path parameters.
    .executableTarget(
      name: "FuzzRequestInput", dependencies: ["FuzzSupport", .product(name: "RequestInput", package: "ReplyKit")],
      swiftSettings: fuzzer),
    // The reply template: any text, filled with every variable it names and with none.
    .executableTarget(
      name: "FuzzTemplate", dependencies: ["FuzzSupport", .product(name: "Sessions", package: "ReplyKit")],
      swiftSettings: fuzzer),
  ]
)
