import GRDB

extension KnowledgeStore {
  /// The schema, one named migration per change; a shipped migration is never edited.
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1-knowledge") { db in
      try db.create(table: "knowledge_item") { t in
        t.column("tenant", .text).notNull()
        t.column("source", .text).notNull()
        t.column("id", .text).notNull()
        t.column("scope", .text).notNull()
        t.column("folder", .text)
        t.column("title", .text).notNull()
        t.column("similar", .jsonText).notNull()
        t.column("body", .text).notNull()
        t.column("category", .text)
        t.column("tags", .jsonText).notNull()
        t.column("language", .text)
        t.column("enabled", .boolean).notNull()
        t.column("variants", .jsonText).notNull()
        t.column("created_at", .datetime).notNull()
        t.column("updated_at", .datetime).notNull()
        t.column("usage_count", .integer).notNull().defaults(to: 0)
        t.column("last_used_at", .datetime)
        t.primaryKey(["tenant", "source", "id"])
      }
      try db.create(index: "knowledge_item_folder", on: "knowledge_item", columns: ["tenant", "folder"])
      try db.create(table: "change_log") { t in
        t.autoIncrementedPrimaryKey("seq")
        t.column("tenant", .text).notNull()
        t.column("source", .text)
        t.column("item_id", .text)
        t.column("kind", .text).notNull()
        t.column("at", .datetime).notNull()
      }
      try db.create(table: "agent") { t in
        t.column("tenant", .text).notNull()
        t.column("id", .text).notNull()
        t.column("name", .text)
        t.column("groups", .jsonText).notNull()
        t.primaryKey(["tenant", "id"])
      }
      try db.create(table: "synonym_term") { t in
        t.column("tenant", .text).notNull()
        t.column("set_id", .integer).notNull()
        t.column("term", .text).notNull()
        t.primaryKey(["tenant", "term"])
      }
      try db.create(table: "user_word") { t in
        t.column("tenant", .text).notNull()
        t.column("word", .text).notNull()
        t.column("added_at", .datetime).notNull()
        t.primaryKey(["tenant", "word"])
      }
      try db.create(table: "tenant_settings") { t in
        t.primaryKey("tenant", .text)
        t.column("default_language", .text).notNull()
        t.column("pinyin_enabled", .boolean).notNull()
      }
    }
    migrator.registerMigration("v2-usage-index") { db in
      // What the reply box shows right after `#`: a tenant's most used quick replies.
      try db.create(
        index: "knowledge_item_usage", on: "knowledge_item",
        columns: ["tenant", "source", "usage_count", "last_used_at"])
    }
    migrator.registerMigration("v3-keys-and-picks") { db in
      // API keys, stored as SHA-256 hashes: a key is shown once, when it is made.
      try db.create(table: "api_key") { t in
        t.primaryKey("hash", .text)
        t.column("tenant", .text).notNull()
        t.column("agent", .text)
        t.column("admin", .boolean).notNull()
        t.column("created_at", .datetime).notNull()
      }
      // What agents picked from which suggestions: usage ranking and offline evaluation read it.
      try db.create(table: "pick_log") { t in
        t.autoIncrementedPrimaryKey("seq")
        t.column("tenant", .text).notNull()
        t.column("agent", .text)
        t.column("input", .text).notNull()
        t.column("source", .text).notNull()
        t.column("item_id", .text).notNull()
        t.column("position", .integer)
        t.column("shown", .jsonText).notNull()
        t.column("at", .datetime).notNull()
      }
      try db.create(index: "pick_log_tenant", on: "pick_log", columns: ["tenant", "seq"])
    }
    migrator.registerMigration("v4-import-jobs") { db in
      try db.create(table: "import_job") { t in
        t.column("tenant", .text).notNull()
        t.column("id", .text).notNull()
        t.column("job", .jsonText).notNull()
        t.column("state", .text).notNull()
        t.primaryKey(["tenant", "id"])
      }
    }
    migrator.registerMigration("v5-word-evidence") { db in
      try db.create(table: "word_evidence") { t in
        t.column("tenant", .text).notNull()
        t.column("word", .text).notNull()
        t.column("differs", .double).notNull()
        t.column("shares", .double).notNull()
        t.primaryKey(["tenant", "word"])
      }
    }
    migrator.registerMigration("v6-learned-questions") { db in
      try db.create(table: "learned_question") { t in
        t.column("tenant", .text).notNull()
        t.column("source", .text).notNull()
        t.column("item_id", .text).notNull()
        t.column("text", .text).notNull()
        t.column("count", .integer).notNull()
        t.primaryKey(["tenant", "source", "item_id", "text"])
      }
    }
    migrator.registerMigration("v7-pick-message") { db in
      // The message a pick was sent in: a pick is logged once per message, however often the message is retried.
      try db.alter(table: "pick_log") { t in t.add(column: "message", .text) }
      try db.execute(
        sql: "CREATE UNIQUE INDEX pick_log_message ON pick_log (tenant, message) WHERE message IS NOT NULL")
    }
    migrator.registerMigration("v8-meaning-choice") { db in
      // none, standard or own (`MeaningChoice`).
      try db.alter(table: "tenant_settings") { t in
        t.add(column: "meaning", .text).notNull().defaults(to: "standard")
      }
    }
    migrator.registerMigration("v9-ranking-choice") { db in
      // standard or lexical (`RankingChoice`), for whole questions and for typed text.
      try db.alter(table: "tenant_settings") { t in
        t.add(column: "whole_ranking", .text).notNull().defaults(to: "standard")
        t.add(column: "typed_ranking", .text).notNull().defaults(to: "standard")
      }
    }
    migrator.registerMigration("v10-sign-in") { db in
      // An agent's password, as a salted slow hash (`replykit agents password`), for signing in to the page.
      try db.create(table: "agent_password") { t in
        t.column("tenant", .text).notNull()
        t.column("agent", .text).notNull()
        t.column("hash", .text).notNull()
        t.column("updated_at", .datetime).notNull()
        t.primaryKey(["tenant", "agent"])
      }
      // Signed-in browsers: the cookie's SHA-256 (never the cookie), who it is, the token that state-changing
      // requests must echo, and when it lapses.
      try db.create(table: "web_session") { t in
        t.primaryKey("hash", .text)
        t.column("tenant", .text).notNull()
        t.column("agent", .text)
        t.column("admin", .boolean).notNull()
        t.column("csrf", .text).notNull()
        t.column("created_at", .datetime).notNull()
        t.column("expires_at", .datetime).notNull()
      }
    }
    migrator.registerMigration("v11-confidence-calibration") { db in
      // A tenant's fitted smart-reply confidence (`ConfidenceCalibration`, JSON), or none.
      try db.alter(table: "tenant_settings") { t in t.add(column: "confidence", .jsonText) }
    }
    return migrator
  }
}
