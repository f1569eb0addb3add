//! Versioned migrations, one list per backend, applied in order inside a
//! transaction. The number of applied steps is the schema version. Never edit
//! a released step: add a new one.

/// SQLite migrations.
pub const SQLITE: &[&str] = &[
    // 1: accounts, people, items.
    "CREATE TABLE owners (
        network TEXT NOT NULL PRIMARY KEY,
        handle TEXT NOT NULL,
        name TEXT,
        source_file TEXT NOT NULL,
        source_position TEXT NOT NULL
    );
    CREATE TABLE contacts (
        id INTEGER PRIMARY KEY,
        display_name TEXT NOT NULL
    );
    CREATE TABLE handles (
        network TEXT NOT NULL,
        handle TEXT NOT NULL,
        contact_id INTEGER NOT NULL REFERENCES contacts(id),
        name TEXT,
        profile_url TEXT,
        email TEXT,
        PRIMARY KEY (network, handle)
    );
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        fingerprint BLOB NOT NULL UNIQUE,
        network TEXT NOT NULL,
        kind TEXT NOT NULL,
        external_id TEXT,
        author TEXT NOT NULL,
        by_owner INTEGER NOT NULL,
        counterparts TEXT NOT NULL,
        thread TEXT,
        parent TEXT,
        at INTEGER NOT NULL,
        text TEXT NOT NULL,
        source_file TEXT NOT NULL,
        source_position TEXT NOT NULL
    );
    CREATE INDEX items_at ON items(at);
    CREATE INDEX items_thread ON items(thread);",
    // 2: what the user marked a contact as, and the consent ledger.
    "ALTER TABLE contacts ADD COLUMN mark TEXT;
    CREATE TABLE consents (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts(id),
        purpose TEXT NOT NULL,
        status TEXT NOT NULL,
        source TEXT NOT NULL,
        evidence TEXT NOT NULL,
        evidence_item INTEGER,
        token TEXT NOT NULL UNIQUE,
        recorded_at INTEGER NOT NULL,
        confirmed_at INTEGER,
        withdrawn_at INTEGER,
        withdrawal_note TEXT
    );
    CREATE INDEX consents_contact ON consents(contact_id, purpose);",
    // 3: the seller's plan (one JSON document) and work sessions.
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        started_at INTEGER NOT NULL,
        stopped_at INTEGER
    );",
    // 4: dated marks, and the tables derived from the items (see `derived`):
    // interactions, the contact each handle counts for, each contact's tally
    // per month, the owner's handles, customer requests and your replies.
    "ALTER TABLE contacts ADD COLUMN marked_at INTEGER;
    CREATE TABLE interactions (
        at INTEGER NOT NULL,
        item_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        network TEXT NOT NULL,
        handle TEXT NOT NULL,
        direction INTEGER NOT NULL,
        act INTEGER NOT NULL,
        private INTEGER NOT NULL,
        pitch INTEGER NOT NULL,
        PRIMARY KEY (at, item_id, seq)
    ) WITHOUT ROWID;
    CREATE TABLE handle_contacts (
        network TEXT NOT NULL,
        handle TEXT NOT NULL,
        contact_id INTEGER NOT NULL,
        PRIMARY KEY (network, handle)
    ) WITHOUT ROWID;
    CREATE TABLE contact_tallies (
        contact_id INTEGER NOT NULL,
        month INTEGER NOT NULL,
        tally TEXT NOT NULL,
        PRIMARY KEY (contact_id, month)
    ) WITHOUT ROWID;
    CREATE TABLE owner_authors (
        network TEXT NOT NULL,
        handle TEXT NOT NULL,
        PRIMARY KEY (network, handle)
    ) WITHOUT ROWID;
    CREATE TABLE requests (
        network TEXT NOT NULL,
        kind TEXT NOT NULL,
        conv TEXT NOT NULL,
        at INTEGER NOT NULL,
        item_id INTEGER NOT NULL,
        sender TEXT NOT NULL,
        request TEXT NOT NULL,
        cue TEXT NOT NULL,
        answer_at INTEGER,
        PRIMARY KEY (network, kind, conv, at, item_id)
    ) WITHOUT ROWID;
    CREATE TABLE replies (
        network TEXT NOT NULL,
        kind TEXT NOT NULL,
        conv TEXT NOT NULL,
        at INTEGER NOT NULL,
        item_id INTEGER NOT NULL,
        addressed TEXT NOT NULL,
        PRIMARY KEY (network, kind, conv, at, item_id)
    ) WITHOUT ROWID;",
    // 5: how many items there are per network and kind (the History page's
    // total), kept by the writers: counting them read every item. Not an
    // index on items: it would draw SQLite's planner (no statistics) away
    // from better indexes, e.g. by thread.
    "CREATE TABLE item_counts (
        network TEXT NOT NULL,
        kind TEXT NOT NULL,
        items INTEGER NOT NULL,
        PRIMARY KEY (network, kind)
    ) WITHOUT ROWID;
    INSERT INTO item_counts (network, kind, items) SELECT network, kind, COUNT(*) FROM items GROUP BY network, kind;",
    // 6: response tracking, derived (see `derived`): each direct-message
    // conversation's last message and people, its starts with the first
    // answer, and the messages of conversations without a thread (those
    // with one are found again from the items by their indexed thread).
    "CREATE TABLE conversations (
        network TEXT NOT NULL,
        conv TEXT NOT NULL,
        last_at INTEGER NOT NULL,
        last_item INTEGER NOT NULL,
        waiting INTEGER NOT NULL,
        people TEXT NOT NULL,
        PRIMARY KEY (network, conv)
    ) WITHOUT ROWID;
    CREATE TABLE starts (
        network TEXT NOT NULL,
        conv TEXT NOT NULL,
        at INTEGER NOT NULL,
        item_id INTEGER NOT NULL,
        sender TEXT NOT NULL,
        answer_item INTEGER,
        answer_at INTEGER,
        PRIMARY KEY (network, conv, at, item_id)
    ) WITHOUT ROWID;
    CREATE TABLE unthreaded_messages (
        network TEXT NOT NULL,
        conv TEXT NOT NULL,
        at INTEGER NOT NULL,
        item_id INTEGER NOT NULL,
        by_owner INTEGER NOT NULL,
        sender TEXT NOT NULL,
        people TEXT NOT NULL,
        PRIMARY KEY (network, conv, at, item_id)
    ) WITHOUT ROWID;",
];
/// PostgreSQL migrations (same shape; types spelled for PostgreSQL).
pub const POSTGRES: &[&str] = &[
    "CREATE TABLE owners (
        network TEXT NOT NULL PRIMARY KEY,
        handle TEXT NOT NULL,
        name TEXT,
        source_file TEXT NOT NULL,
        source_position TEXT NOT NULL
    );
    CREATE TABLE contacts (
        id BIGSERIAL PRIMARY KEY,
        display_name TEXT NOT NULL
    );
    CREATE TABLE handles (
        network TEXT NOT NULL,
        handle TEXT NOT NULL,
        contact_id BIGINT NOT NULL REFERENCES contacts(id),
        name TEXT,
        profile_url TEXT,
        email TEXT,
        PRIMARY KEY (network, handle)
    );
    CREATE TABLE items (
        id BIGSERIAL PRIMARY KEY,
        fingerprint BYTEA NOT NULL UNIQUE,
        network TEXT NOT NULL,
        kind TEXT NOT NULL,
        external_id TEXT,
        author TEXT NOT NULL,
        by_owner BOOLEAN NOT NULL,
        counterparts TEXT NOT NULL,
        thread TEXT,
        parent TEXT,
        at BIGINT NOT NULL,
        text TEXT NOT NULL,
        source_file TEXT NOT NULL,
        source_position TEXT NOT NULL
    );
    CREATE INDEX items_at ON items(at);
    CREATE INDEX items_thread ON items(thread);",
    "ALTER TABLE contacts ADD COLUMN mark TEXT;
    CREATE TABLE consents (
        id BIGSERIAL PRIMARY KEY,
        contact_id BIGINT NOT NULL REFERENCES contacts(id),
        purpose TEXT NOT NULL,
        status TEXT NOT NULL,
        source TEXT NOT NULL,
        evidence TEXT NOT NULL,
        evidence_item BIGINT,
        token TEXT NOT NULL UNIQUE,
        recorded_at BIGINT NOT NULL,
        confirmed_at BIGINT,
        withdrawn_at BIGINT,
        withdrawal_note TEXT
    );
    CREATE INDEX consents_contact ON consents(contact_id, purpose);",
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE sessions (
        id BIGSERIAL PRIMARY KEY,
        started_at BIGINT NOT NULL,
        stopped_at BIGINT
    );",
    "ALTER TABLE contacts ADD COLUMN marked_at BIGINT;
    CREATE TABLE interactions (
        at BIGINT NOT NULL,
        item_id BIGINT NOT NULL,
        seq BIGINT NOT NULL,
        network TEXT NOT NULL,
        handle TEXT NOT NULL,
        direction BIGINT NOT NULL,
        act BIGINT NOT NULL,
        private BOOLEAN NOT NULL,
        pitch BOOLEAN NOT NULL,
        PRIMARY KEY (at, item_id, seq)
    );
    CREATE TABLE handle_contacts (
        network TEXT NOT NULL,
        handle TEXT NOT NULL,
        contact_id BIGINT NOT NULL,
        PRIMARY KEY (network, handle)
    );
    CREATE TABLE contact_tallies (
        contact_id BIGINT NOT NULL,
        month BIGINT NOT NULL,
        tally TEXT NOT NULL,
        PRIMARY KEY (contact_id, month)
    );
    CREATE TABLE owner_authors (
        network TEXT NOT NULL,
        handle TEXT NOT NULL,
        PRIMARY KEY (network, handle)
    );
    CREATE TABLE requests (
        network TEXT NOT NULL,
        kind TEXT NOT NULL,
        conv TEXT NOT NULL,
        at BIGINT NOT NULL,
        item_id BIGINT NOT NULL,
        sender TEXT NOT NULL,
        request TEXT NOT NULL,
        cue TEXT NOT NULL,
        answer_at BIGINT,
        PRIMARY KEY (network, kind, conv, at, item_id)
    );
    CREATE TABLE replies (
        network TEXT NOT NULL,
        kind TEXT NOT NULL,
        conv TEXT NOT NULL,
        at BIGINT NOT NULL,
        item_id BIGINT NOT NULL,
        addressed TEXT NOT NULL,
        PRIMARY KEY (network, kind, conv, at, item_id)
    );",
    "CREATE TABLE item_counts (
        network TEXT NOT NULL,
        kind TEXT NOT NULL,
        items BIGINT NOT NULL,
        PRIMARY KEY (network, kind)
    );
    INSERT INTO item_counts (network, kind, items) SELECT network, kind, COUNT(*) FROM items GROUP BY network, kind;",
    "CREATE TABLE conversations (
        network TEXT NOT NULL,
        conv TEXT NOT NULL,
        last_at BIGINT NOT NULL,
        last_item BIGINT NOT NULL,
        waiting BOOLEAN NOT NULL,
        people TEXT NOT NULL,
        PRIMARY KEY (network, conv)
    );
    CREATE TABLE starts (
        network TEXT NOT NULL,
        conv TEXT NOT NULL,
        at BIGINT NOT NULL,
        item_id BIGINT NOT NULL,
        sender TEXT NOT NULL,
        answer_item BIGINT,
        answer_at BIGINT,
        PRIMARY KEY (network, conv, at, item_id)
    );
    CREATE TABLE unthreaded_messages (
        network TEXT NOT NULL,
        conv TEXT NOT NULL,
        at BIGINT NOT NULL,
        item_id BIGINT NOT NULL,
        by_owner BOOLEAN NOT NULL,
        sender TEXT NOT NULL,
        people TEXT NOT NULL,
        PRIMARY KEY (network, conv, at, item_id)
    );",
];
/// Counterpart handles are stored joined by this separator (a control
/// character no handle contains).
pub const SEP: char = '\u{1f}';

/// Handles stored joined by [`SEP`], apart again.
pub fn handles(joined: &str) -> Vec<String> {
    if joined.is_empty() { Vec::new() } else { joined.split(SEP).map(str::to_string).collect() }
}
