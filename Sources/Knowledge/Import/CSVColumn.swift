import Foundation

/// A column of the CSV import format; each carries the JSON Lines field of the same name.
enum CSVColumn: String, CaseIterable, Sendable {
  case id, source, scope, folder, title, question, similar, content, answer, body, category, tags, language, enabled

  /// The column a header cell names, matched after trimming and case-insensitively; nil for columns the import
  /// ignores.
  init?(header: String) {
    let name = header.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    guard let column = CSVColumn(rawValue: name) ?? Self.chineseNames[name] else { return nil }
    self = column
  }

  /// The headers Chinese help desks export.
  private static let chineseNames: [String: CSVColumn] = [
    "编号": .id, "来源": .source, "范围": .scope, "文件夹": .folder, "标题": .title, "标准问题": .question,
    "相似问题": .similar, "内容": .content, "答案": .answer, "正文": .body, "分类": .category, "标签": .tags,
    "语言": .language, "启用": .enabled,
  ]

  /// Columns whose cells hold several values separated by `|`.
  var isList: Bool { self == .similar || self == .tags }

  /// Columns whose cell, when empty, is passed on as an empty text (so the error says "must not be empty") rather
  /// than left out.
  var isRequiredText: Bool { [.id, .title, .question, .content, .answer, .body].contains(self) }
}
