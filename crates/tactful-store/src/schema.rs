//! Versioned migrations, one list for both backends (the types spelled for
//! each), applied in order inside a transaction. The number of applied steps
//! is the schema version. Never edit a released step: add a new one.

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

/// Migration 7's new tables, `people` and `item_people` (types as
/// placeholders, see [`spell`]).
macro_rules! people_tables {
    () => {
        "CREATE TABLE people (
        id $id,
        network TEXT NOT NULL,
        handle TEXT NOT NULL,
        UNIQUE (network, handle)
    );
    CREATE TABLE item_people (
        item_id $int NOT NULL,
        seq $int NOT NULL,
        person_id $int NOT NULL,
        PRIMARY KEY (item_id, seq)
    )$without_rowid;"
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

/// One migration: a text for both backends, its types written as
/// placeholders that [`spell`] fills in, or a text for each where the SQL
/// differs.
enum Step {
    Both(&'static str),
    Each { sqlite: &'static str, postgres: &'static str },
}

use Step::{Both, Each};

/// Which database a migration is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The placeholders of a migration's text, as SQLite and PostgreSQL spell them.
const TYPES: &[(&str, &str, &str)] = &[
    ("$id", "INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY"),
    ("$int", "INTEGER", "BIGINT"),
    ("$bool", "INTEGER", "BOOLEAN"),
    ("$bytes", "BLOB", "BYTEA"),
    // SQLite keeps a table by its primary key only when told.
    ("$without_rowid", " WITHOUT ROWID", ""),
];

/// `text` with its placeholders spelled for `backend`.
fn spell(text: &str, backend: Backend) -> String {
    TYPES.iter().fold(text.to_string(), |t, (placeholder, sqlite, postgres)| {
        t.replace(placeholder, if backend == Backend::Sqlite { sqlite } else { postgres })
    })
}

/// The migrations for `backend`, in order: the schema version is how many
/// have been applied.
pub fn migrations(backend: Backend) -> Vec<String> {
    STEPS
        .iter()
        .map(|step| match (step, backend) {
            (Both(text), _) => spell(text, backend),
            (Each { sqlite, .. }, Backend::Sqlite) => spell(sqlite, backend),
            (Each { postgres, .. }, Backend::Postgres) => spell(postgres, backend),
        })
        .collect()
}

/// The migrations, in order.
const STEPS: &[Step] = &[
    // 1: accounts, people, items.
    Both("CREATE TABLE owners (
        network TEXT NOT NULL PRIMARY KEY,
        handle TEXT NOT NULL,
        name TEXT,
        source_file TEXT NOT NULL,
        source_position TEXT NOT NULL
    );
    CREATE TABLE contacts (
        id $id,
        display_name TEXT NOT NULL
    );
    CREATE TABLE handles (
        network TEXT NOT NULL,
        handle TEXT NOT NULL,
        contact_id $int NOT NULL REFERENCES contacts(id),
        name TEXT,
        profile_url TEXT,
        email TEXT,
        PRIMARY KEY (network, handle)
    );
    CREATE TABLE items (
        id $id,
        fingerprint $bytes NOT NULL UNIQUE,
        network TEXT NOT NULL,
        kind TEXT NOT NULL,
        external_id TEXT,
        author TEXT NOT NULL,
        by_owner $bool NOT NULL,
        counterparts TEXT NOT NULL,
        thread TEXT,
        parent TEXT,
        at $int NOT NULL,
        text TEXT NOT NULL,
        source_file TEXT NOT NULL,
        source_position TEXT NOT NULL
    );
    CREATE INDEX items_at ON items(at);
    CREATE INDEX items_thread ON items(thread);"),
    // 2: what the user marked a contact as, and the consent ledger.
    Both("ALTER TABLE contacts ADD COLUMN mark TEXT;
    CREATE TABLE consents (
        id $id,
        contact_id $int NOT NULL REFERENCES contacts(id),
        purpose TEXT NOT NULL,
        status TEXT NOT NULL,
        source TEXT NOT NULL,
        evidence TEXT NOT NULL,
        evidence_item $int,
        token TEXT NOT NULL UNIQUE,
        recorded_at $int NOT NULL,
        confirmed_at $int,
        withdrawn_at $int,
        withdrawal_note TEXT
    );
    CREATE INDEX consents_contact ON consents(contact_id, purpose);"),
    // 3: the seller's plan (one JSON document) and work sessions.
    Both("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE sessions (
        id $id,
        started_at $int NOT NULL,
        stopped_at $int
    );"),
    // 4: dated marks, and the tables derived from the items (see `derived`):
    // interactions, the contact each handle counts for, each contact's tally
    // per month, the owner's handles, customer requests and your replies.
    Both("ALTER TABLE contacts ADD COLUMN marked_at $int;
    CREATE TABLE interactions (
        at $int NOT NULL,
        item_id $int NOT NULL,
        seq $int NOT NULL,
        network TEXT NOT NULL,
        handle TEXT NOT NULL,
        direction $int NOT NULL,
        act $int NOT NULL,
        private $bool NOT NULL,
        pitch $bool NOT NULL,
        PRIMARY KEY (at, item_id, seq)
    )$without_rowid;
    CREATE TABLE handle_contacts (
        network TEXT NOT NULL,
        handle TEXT NOT NULL,
        contact_id $int NOT NULL,
        PRIMARY KEY (network, handle)
    )$without_rowid;
    CREATE TABLE contact_tallies (
        contact_id $int NOT NULL,
        month $int NOT NULL,
        tally TEXT NOT NULL,
        PRIMARY KEY (contact_id, month)
    )$without_rowid;
    CREATE TABLE owner_authors (
        network TEXT NOT NULL,
        handle TEXT NOT NULL,
        PRIMARY KEY (network, handle)
    )$without_rowid;
    CREATE TABLE requests (
        network TEXT NOT NULL,
        kind TEXT NOT NULL,
        conv TEXT NOT NULL,
        at $int NOT NULL,
        item_id $int NOT NULL,
        sender TEXT NOT NULL,
        request TEXT NOT NULL,
        cue TEXT NOT NULL,
        answer_at $int,
        PRIMARY KEY (network, kind, conv, at, item_id)
    )$without_rowid;
    CREATE TABLE replies (
        network TEXT NOT NULL,
        kind TEXT NOT NULL,
        conv TEXT NOT NULL,
        at $int NOT NULL,
        item_id $int NOT NULL,
        addressed TEXT NOT NULL,
        PRIMARY KEY (network, kind, conv, at, item_id)
    )$without_rowid;"),
    // 5: how many items there are per network and kind (the History page's
    // total), kept by the writers: counting them read every item. Not an
    // index on items: it would draw SQLite's planner (no statistics) away
    // from better indexes, e.g. by thread.
    Both("CREATE TABLE item_counts (
        network TEXT NOT NULL,
        kind TEXT NOT NULL,
        items $int NOT NULL,
        PRIMARY KEY (network, kind)
    )$without_rowid;
    INSERT INTO item_counts (network, kind, items) SELECT network, kind, COUNT(*) FROM items GROUP BY network, kind;"),
    // 6: response tracking, derived (see `derived`): each direct-message
    // conversation's last message and people, its starts with the first
    // answer, and the messages of conversations without a thread (those
    // with one are found again from the items by their indexed thread).
    Both("CREATE TABLE conversations (
        network TEXT NOT NULL,
        conv TEXT NOT NULL,
        last_at $int NOT NULL,
        last_item $int NOT NULL,
        waiting $bool NOT NULL,
        people TEXT NOT NULL,
        PRIMARY KEY (network, conv)
    )$without_rowid;
    CREATE TABLE starts (
        network TEXT NOT NULL,
        conv TEXT NOT NULL,
        at $int NOT NULL,
        item_id $int NOT NULL,
        sender TEXT NOT NULL,
        answer_item $int,
        answer_at $int,
        PRIMARY KEY (network, conv, at, item_id)
    )$without_rowid;
    CREATE TABLE unthreaded_messages (
        network TEXT NOT NULL,
        conv TEXT NOT NULL,
        at $int NOT NULL,
        item_id $int NOT NULL,
        by_owner $bool NOT NULL,
        sender TEXT NOT NULL,
        people TEXT NOT NULL,
        PRIMARY KEY (network, conv, at, item_id)
    )$without_rowid;"),
    // 7: people once. Each (network, handle) is stored once, in `people`;
    // an item refers to its author by id and to its other people through
    // `item_people`, in order; an interaction to its person (the lower-case
    // handle) by id. The view `items` shows the items with their handles, as
    // the table did. (One long name in a Messenger thread was copied into
    // every message of it, and every interaction.) The derived tables are
    // derived again.
    Each {
        sqlite: concat!(
    people_tables!(),
    "
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
        postgres: concat!(
    people_tables!(),
    "
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
    },
    // 8: what the seller did about things: a waiting message answered
    // elsewhere or snoozed, a past post fixed or a finding dismissed (with
    // the reason), notes on a contact, and how often to stay in touch.
    Both("CREATE TABLE item_actions (
        item_id $int PRIMARY KEY,
        action TEXT NOT NULL,
        until_at $int,
        reason TEXT,
        at $int NOT NULL
    );
    CREATE TABLE contact_notes (
        id $id,
        contact_id $int NOT NULL,
        at $int NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX contact_notes_by_contact ON contact_notes (contact_id, at);
    ALTER TABLE contacts ADD COLUMN keep_in_touch_days $int;"),
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
        for (backend, released) in [
            (Backend::Sqlite, "97741a14 8d414444 fd0d0944 29c5141f 75832789 ed4241d0 986aa329 a64e29af"),
            (Backend::Postgres, "66922716 3afa5fc3 d1c937a2 6eff9ee9 b7cc235b 4fd0c061 e9e8093a cdc735e1"),
        ] {
            let steps = migrations(backend);
            let released: Vec<&str> = released.split(' ').collect();
            assert!(steps.len() >= released.len(), "a released migration was removed");
            for (i, (step, want)) in steps.iter().zip(released).enumerate() {
                assert_eq!(fingerprint(step), want, "migration {} changed:\n{step}", i + 1);
                assert!(!step.contains('$'), "a placeholder left in migration {}:\n{step}", i + 1);
            }
        }
    }
}
