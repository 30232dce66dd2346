import TextAnalysis

/// The plain-text table `replykit analyze` prints.
enum TokenTable {
  static func render(text: String, tokens: [Token], header: String?) -> String {
    var lines: [String] = []
    if let header { lines.append("# \(header)") }
    lines.append("input: \(text)")
    let rows = tokens.map { token -> [String] in
      let original = String(text[token.range(in: text)])
      return [
        "\(token.position)", "[\(token.range.lowerBound),\(token.range.upperBound))", original, token.term,
        token.script.rawValue, token.pinyin?.full ?? "", token.pinyin?.initials ?? "",
        token.parts.isEmpty ? "" : token.parts.joined(separator: "+"),
        token.isUnfinished ? "unfinished" : "",
      ]
    }
    let titles = ["pos", "range", "input", "term", "script", "pinyin", "initials", "parts", ""]
    let table = [titles] + rows
    let widths = titles.indices.map { column in table.map { displayWidth($0[column]) }.max() ?? 0 }
    for row in table {
      let cells = row.indices.map { column in
        row[column] + String(repeating: " ", count: widths[column] - displayWidth(row[column]))
      }
      var line = cells.joined(separator: "  ")
      while line.last == " " { line.removeLast() }
      lines.append(line)
    }
    if tokens.isEmpty { lines.append("(no tokens)") }
    return lines.joined(separator: "\n")
  }

  /// Columns a terminal gives the text: East Asian wide characters take two.
  static func displayWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { width, scalar in
      let v = scalar.value
      let wide =
        (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
        || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
        || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v)
      let zero = scalar.properties.generalCategory == .nonspacingMark || v == 0x200D || (0xFE00...0xFE0F).contains(v)
      return width + (zero ? 0 : wide ? 2 : 1)
    }
  }
}
