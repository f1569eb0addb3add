//! Versioned migrations, one list per backend, applied in order inside a
//! transaction. The number of applied steps is the schema version. Never edit
//! a released step: add a new one.

/// Migration 7's statements that both backends spell the same: the
/// handles into `people` (the counterparts split into `counterpart_handles`
/// before), the items' other people into `item_people`, and the table renamed
/// for the view `items` to take its name.
macro_rules! people_once_moves {
    () => {
        "INSERT INTO people (network, handle)
            SELECT network, author FROM items UNION SELECT network, handle FROM counterpart_handles ORDER BY 1, 2;
        INSERT INTO item_people (item_id, seq, person_id)
            SELECT c.item_id, c.seq, p.id FROM counterpart_handles c
            JOIN people p ON p.network = c.network AND p.handle = c.handle;
        DROP TABLE counterpart_handles;
        ALTER TABLE items RENAME TO stored_items;"
    };
}

/// The view `items` of migration 7: the stored items with their people's
/// handles, the other people joined by [`SEP`] in their order.
macro_rules! items_view {
    () => {
        "CREATE VIEW items AS
            SELECT i.id, i.fingerprint, i.network, i.kind, i.external_id, a.handle AS author, i.by_owner,
                COALESCE((SELECT string_agg(p.handle, '\u{1f}' ORDER BY ip.seq) FROM item_people ip
                    JOIN people p ON p.id = ip.person_id WHERE ip.item_id = i.id), '') AS counterparts,
                i.thread, i.parent, i.at, i.text, i.source_file, i.source_position
            FROM stored_items i JOIN people a ON a.id = i.author_id;"
    };
}

/// Migration 7 for the derived `interactions`: the person by id instead of
/// the handle. Emptied, to be derived again.
macro_rules! interactions_by_person {
    () => {
        "DELETE FROM interactions;
        ALTER TABLE interactions DROP COLUMN handle;
        ALTER TABLE interactions ADD COLUMN person BIGINT NOT NULL DEFAULT 0;
        DELETE FROM settings WHERE key = 'derived';"
    };
}

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
    // 7: people once. Each (network, handle) is stored once, in `people`;
    // an item refers to its author by id and to its other people through
    // `item_people`, in order; an interaction to its person (the lower-case
    // handle) by id. The view `items` shows the items with their handles, as
    // the table did. (One long name in a Messenger thread was copied into
    // every message of it, and every interaction.) The derived tables are
    // derived again.
    concat!(
    "CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        network TEXT NOT NULL,
        handle TEXT NOT NULL,
        UNIQUE (network, handle)
    );
    CREATE TABLE item_people (
        item_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        person_id INTEGER NOT NULL,
        PRIMARY KEY (item_id, seq)
    ) WITHOUT ROWID;
    CREATE TEMP TABLE counterpart_handles AS
        WITH RECURSIVE split(item_id, network, seq, handle, rest) AS (
            SELECT id, network, -1, NULL, counterparts || char(31) FROM items WHERE counterparts <> ''
            UNION ALL
            SELECT item_id, network, seq + 1, substr(rest, 1, instr(rest, char(31)) - 1),
                substr(rest, instr(rest, char(31)) + 1)
            FROM split WHERE rest <> ''
        )
        SELECT item_id, network, seq, handle FROM split WHERE seq >= 0;
    ",
    people_once_moves!(),
    "
    ALTER TABLE stored_items ADD COLUMN author_id INTEGER NOT NULL DEFAULT 0;
    UPDATE stored_items SET author_id =
        (SELECT p.id FROM people p WHERE p.network = stored_items.network AND p.handle = stored_items.author);
    ALTER TABLE stored_items DROP COLUMN author;
    ALTER TABLE stored_items DROP COLUMN counterparts;
    ",
    items_view!(),
    interactions_by_person!()
    ),
    // 8: what the seller did about things: a waiting message answered
    // elsewhere or snoozed, a past post fixed or a finding dismissed (with
    // the reason), notes on a contact, and how often to stay in touch.
    "CREATE TABLE item_actions (
        item_id INTEGER PRIMARY KEY,
        action TEXT NOT NULL,
        until_at INTEGER,
        reason TEXT,
        at INTEGER NOT NULL
    );
    CREATE TABLE contact_notes (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL,
        at INTEGER NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX contact_notes_by_contact ON contact_notes (contact_id, at);
    ALTER TABLE contacts ADD COLUMN keep_in_touch_days INTEGER;",
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
    concat!(
    "CREATE TABLE people (
        id BIGSERIAL PRIMARY KEY,
        network TEXT NOT NULL,
        handle TEXT NOT NULL,
        UNIQUE (network, handle)
    );
    CREATE TABLE item_people (
        item_id BIGINT NOT NULL,
        seq BIGINT NOT NULL,
        person_id BIGINT NOT NULL,
        PRIMARY KEY (item_id, seq)
    );
    CREATE TEMP TABLE counterpart_handles AS
        SELECT i.id AS item_id, i.network, c.seq - 1 AS seq, c.handle
        FROM items i CROSS JOIN LATERAL unnest(string_to_array(i.counterparts, chr(31))) WITH ORDINALITY AS c(handle, seq)
        WHERE i.counterparts <> '';
    ",
    people_once_moves!(),
    "
    ALTER TABLE stored_items ADD COLUMN author_id BIGINT NOT NULL DEFAULT 0;
    UPDATE stored_items SET author_id = p.id FROM people p
        WHERE p.network = stored_items.network AND p.handle = stored_items.author;
    ALTER TABLE stored_items DROP COLUMN author, DROP COLUMN counterparts;
    ",
    items_view!(),
    interactions_by_person!()
    ),
    "CREATE TABLE item_actions (
        item_id BIGINT PRIMARY KEY,
        action TEXT NOT NULL,
        until_at BIGINT,
        reason TEXT,
        at BIGINT NOT NULL
    );
    CREATE TABLE contact_notes (
        id BIGSERIAL PRIMARY KEY,
        contact_id BIGINT NOT NULL,
        at BIGINT NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX contact_notes_by_contact ON contact_notes (contact_id, at);
    ALTER TABLE contacts ADD COLUMN keep_in_touch_days BIGINT;",
];
/// Counterpart handles are stored joined by this separator (a control
/// character no handle contains).
pub const SEP: char = '\u{1f}';

/// Handles stored joined by [`SEP`], apart again.
pub fn handles(joined: &str) -> Vec<String> {
    if joined.is_empty() { Vec::new() } else { joined.split(SEP).map(str::to_string).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FNV-1a (32 bits): a fingerprint of a migration's exact text.
    fn fingerprint(text: &str) -> String {
        let h = text.bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
        format!("{h:08x}")
    }

    /// Every released migration, as it was released: a database migrated by
    /// one build must be the same as one migrated by the next. A new
    /// migration adds its fingerprints here.
    #[test]
    fn released_migrations_are_never_edited() {
        for (steps, released) in [
            (SQLITE, "97741a14 8d414444 fd0d0944 29c5141f 75832789 ed4241d0 986aa329 a64e29af"),
            (POSTGRES, "66922716 3afa5fc3 d1c937a2 6eff9ee9 b7cc235b 4fd0c061 e9e8093a cdc735e1"),
        ] {
            let released: Vec<&str> = released.split(' ').collect();
            assert!(steps.len() >= released.len(), "a released migration was removed");
            for (i, (step, want)) in steps.iter().zip(released).enumerate() {
                assert_eq!(fingerprint(step), want, "migration {} changed:\n{step}", i + 1);
            }
        }
    }
}
