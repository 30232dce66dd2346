/// The term prefixes of the index (Xapian's convention: `X...` for filters). A document is found by its item
/// term (`item`); its key is in its data (`IndexedKey`).
///
/// Text fields carry analysed terms with positions; `A`, `H`, `P` and `I` carry prefixes of title words,
/// precomputed at index time, so that the one- and two-character prefixes an agent types are single term
/// look-ups rather than wildcard expansions (measured here: 17 ms median for a one-character wildcard).
package enum TermPrefix {
  /// Title: the quick reply's shortcut, the bot's standard question, the article's title.
  package static let title = "T"
  /// Bot knowledge's similar questions.
  package static let similar = "S"
  /// Quick reply content, bot answer, article body.
  package static let body = "B"
  /// Han character pairs of titles and questions, without positions: a fallback for words the segmenter
  /// split differently in the question and in what was asked.
  package static let bigram = "N"
  /// Han characters of titles and questions, without positions: with the pairs, the evidence of a plain
  /// character n-gram engine, kept under the segmenter's words so that a word split another way (or a
  /// character the segmenter joined to its neighbour) still counts.
  package static let character = "U"
  /// Stems of the Latin words of titles and questions, without positions: refund finds refunds and refunded.
  package static let stem = "Z"
  /// Character trigrams of the Latin words of titles and questions, without positions: the evidence a
  /// trigram index has for misspelt and transliterated words (pasword, acount, paisa wapas).
  package static let trigram = "G"
  /// Tags as text.
  package static let tag = "K"
  /// Proper prefixes (1 to 6 characters) of each title word; the whole word is its title term.
  package static let titleWordPrefix = "A"
  /// Prefixes (1 to `KnowledgeDocumentBuilder.titlePrefixLength` characters) of the whole folded title without
  /// spaces: the exact-prefix boost.
  package static let titlePrefix = "H"
  /// Prefixes of each title word's toneless pinyin (`jindu` finds 退款进度).
  package static let pinyin = "P"
  /// Prefixes of each title word's pinyin initials.
  package static let initials = "I"
  /// Prefixes of the whole title's pinyin (`tuikuanliu` finds 退款流程): the title starts with what was typed.
  package static let titlePinyin = "XP"
  /// Prefixes of the whole title's initials (`tklc`).
  package static let titleInitials = "XQ"

  package static let tenant = "XT"
  package static let source = "XS"
  package static let scope = "XC"
  /// On the documents of personal and group items (no suffix): what a visibility filter has to look at is
  /// these few, not the company-wide many (`Suggester.Visibility`).
  package static let restricted = "XR"
  package static let folder = "XF"
  package static let language = "XL"
  package static let enabled = "XE"
  package static let tagFilter = "XG"
  /// All documents (language variants) of one item, for deleting them together.
  package static let item = "XI"
  /// A tenant's Latin words of three letters or more, one boolean term per distinct word of a document: the
  /// typo vocabulary (`SpellingVocabulary`), with the number of documents that hold each word.
  package static func spelling(tenant: String) -> String { "XV" + tenant + "\u{1F}" }

  /// Xapian refuses terms over 245 bytes; longer ones are left out (a 60-character word matches nothing
  /// anyone types anyway).
  package static let maxTermBytes = 240

  package static func fits(_ term: String) -> Bool { term.utf8.count <= maxTermBytes }
}

/// Value slots.
package enum ValueSlot {
  /// How much agents use the item: log(1 + picks), decayed by the age of the last pick.
  package static let usage: UInt32 = 0
  /// Personal 2, group 1, company 0: breaks ties between quick replies.
  package static let scopeRank: UInt32 = 1
  /// Last update, seconds since 1970.
  package static let updated: UInt32 = 2
}
