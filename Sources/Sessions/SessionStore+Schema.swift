import GRDB

extension SessionStore {
  /// The schema, one named migration per change; a shipped migration is never edited.
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1-sessions") { db in
      try db.create(table: "customer") { t in
        t.column("tenant", .text).notNull()
        t.column("id", .text).notNull()
        t.column("name", .text)
        t.column("channel", .text).notNull()
        t.column("identity", .text)
        t.column("language", .text)
        t.column("level", .text)
        t.column("tags", .jsonText).notNull()
        t.column("attributes", .jsonText).notNull()
        t.column("blocked", .boolean).notNull().defaults(to: false)
        t.column("created_at", .double).notNull()
        t.primaryKey(["tenant", "id"])
      }
      try db.create(table: "session") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("tenant", .text).notNull()
        t.column("customer_id", .text).notNull()
        t.column("channel", .text).notNull()
        t.column("group_id", .text)
        t.column("agent_id", .text)
        t.column("state", .text).notNull()
        t.column("end_reason", .text)
        t.column("starred", .boolean).notNull().defaults(to: false)
        t.column("created_at", .double).notNull()
        t.column("assigned_at", .double)
        t.column("first_agent_reply_at", .double)
        t.column("last_message_at", .double)
        t.column("last_customer_message_at", .double)
        t.column("last_agent_message_at", .double)
        t.column("ended_at", .double)
        t.column("alarm_notified_at", .double)
        t.column("summary_status", .text)
        t.column("summary_category", .text)
        t.column("summary_notes", .text)
        t.column("summary_updated_at", .double)
        t.column("summary_updated_by", .text)
      }
      try db.create(index: "session_state", on: "session", columns: ["tenant", "state", "agent_id"])
      try db.create(index: "session_ended", on: "session", columns: ["tenant", "ended_at"])
      try db.create(index: "session_customer", on: "session", columns: ["tenant", "customer_id"])
      try db.create(table: "message") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("tenant", .text).notNull()
        t.column("session_id", .integer).notNull().references("session")
        t.column("sender", .text).notNull()
        t.column("sender_id", .text)
        t.column("kind", .text).notNull()
        t.column("body", .text).notNull()
        t.column("attachments", .jsonText).notNull()
        t.column("created_at", .double).notNull()
        t.column("recalled_at", .double)
        t.column("client_id", .text)
        t.column("origin", .jsonText)
        t.column("smart_replies", .blob)
        // A retried post with the same client id finds the stored message instead of adding a second one.
        t.uniqueKey(["session_id", "client_id"])
      }
      try db.create(index: "message_session", on: "message", columns: ["session_id", "id"])
      // The history search: the analyzer's terms of each message, space-separated (rowid = message id). The
      // analyzer already segmented and folded the text, so unicode61 only has to split on the spaces.
      try db.execute(sql: "CREATE VIRTUAL TABLE message_search USING fts5(terms, tokenize = 'unicode61')")
      try db.create(table: "session_event") { t in
        t.autoIncrementedPrimaryKey("seq")
        t.column("tenant", .text).notNull()
        t.column("session_id", .integer).notNull().references("session")
        t.column("kind", .text).notNull()
        t.column("actor", .text).notNull()
        t.column("from_agent", .text)
        t.column("to_agent", .text)
        t.column("to_group", .text)
        t.column("at", .double).notNull()
      }
      try db.create(index: "session_event_session", on: "session_event", columns: ["session_id", "seq"])
      try db.create(table: "outbox") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("tenant", .text).notNull()
        t.column("message_id", .integer).notNull().references("message")
        t.column("session_id", .integer).notNull()
        t.column("channel", .text).notNull()
        t.column("created_at", .double).notNull()
        t.column("sent_at", .double)
      }
      try db.create(index: "outbox_pending", on: "outbox", columns: ["tenant", "sent_at", "id"])
      try db.create(table: "saved_group") { t in
        t.autoIncrementedPrimaryKey("id")
        t.column("tenant", .text).notNull()
        t.column("owner", .text)
        t.column("name", .text).notNull()
        t.column("filter", .jsonText).notNull()
      }
      try db.create(table: "session_settings") { t in
        t.primaryKey("tenant", .text)
        t.column("alarm_after_seconds", .integer).notNull()
        t.column("idle_timeout_seconds", .integer).notNull()
      }
    }
    migrator.registerMigration("v2-routing") { db in
      try db.create(table: "agent_status") { t in
        t.column("tenant", .text).notNull()
        t.column("agent", .text).notNull()
        t.column("status", .text).notNull()
        t.column("since", .double).notNull()
        t.column("max_sessions", .integer)
        t.column("last_assigned_at", .double)
        t.primaryKey(["tenant", "agent"])
      }
      try db.create(table: "agent_status_change") { t in
        t.autoIncrementedPrimaryKey("seq")
        t.column("tenant", .text).notNull()
        t.column("agent", .text).notNull()
        t.column("status", .text).notNull()
        t.column("actor", .text).notNull()
        t.column("at", .double).notNull()
      }
      try db.create(index: "agent_status_change_at", on: "agent_status_change", columns: ["tenant", "at"])
      try db.create(table: "routing_settings") { t in
        t.primaryKey("tenant", .text)
        t.column("max_sessions", .integer).notNull()
        t.column("offline_after_seconds", .integer).notNull()
        t.column("priority_levels", .jsonText).notNull()
      }
      // Why an event happened beyond its kind: an administrator's assignment over the agent's limit.
      try db.alter(table: "session_event") { t in t.add(column: "note", .text) }
    }
    migrator.registerMigration("v3-auto-replies") { db in
      try db.create(table: "auto_reply_settings") { t in
        t.primaryKey("tenant", .text)
        t.column("settings", .jsonText).notNull()
      }
      // The queue position the customer was last told, and when the idle reminder went out.
      try db.alter(table: "session") { t in
        t.add(column: "queue_told_position", .integer)
        t.add(column: "idle_reminded_at", .double)
      }
    }
    migrator.registerMigration("v4-bot-answers") { db in
      try db.create(table: "bot_settings") { t in
        t.primaryKey("tenant", .text)
        t.column("settings", .jsonText).notNull()
      }
      // The customer asked for a person: the bot no longer answers in this session.
      try db.alter(table: "session") { t in t.add(column: "wants_person", .boolean).notNull().defaults(to: false) }
    }
    migrator.registerMigration("v5-left-messages") { db in
      try db.create(table: "business_hours") { t in
        t.primaryKey("tenant", .text)
        t.column("settings", .jsonText).notNull()
      }
      try db.create(table: "left_message") { t in
        t.primaryKey("id", .integer)
        t.column("tenant", .text).notNull()
        t.column("session_id", .integer).notNull().references("session")
        t.column("customer_id", .text).notNull()
        t.column("channel", .text).notNull()
        t.column("text", .text).notNull()
        t.column("contact", .jsonText).notNull()
        t.column("state", .text).notNull()
        t.column("claimed_by", .text)
        t.column("created_at", .double).notNull()
        t.column("closed_at", .double)
      }
      try db.create(index: "left_message_state", on: "left_message", columns: ["tenant", "state", "created_at"])
      try db.create(index: "left_message_customer", on: "left_message", columns: ["tenant", "customer_id"])
      try db.create(table: "left_message_step") { t in
        t.autoIncrementedPrimaryKey("seq")
        t.column("tenant", .text).notNull()
        t.column("left_message_id", .integer).notNull().references("left_message")
        t.column("kind", .text).notNull()
        t.column("actor", .text).notNull()
        t.column("body", .text)
        t.column("message_id", .integer)
        t.column("at", .double).notNull()
      }
    }
    return migrator
  }
}
