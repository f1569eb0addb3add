//! A company's cases written fast, in SQL (no ingest, no scan): the table a
//! bench over a million cases needs in seconds. Shared by this crate's
//! `cases` bench and the console's `queue` bench (by `#[path]`).

use tactful_company::case::priority;
use tactful_company::schema;
use tactful_core::Severity;
use tactful_store::people::Db;

/// N cases: 20,000 distributors, 5,000 groups, a status mix as a busy queue
/// has it (most closed), one case in a thousand with a rare rule.
pub fn fill(db: &mut dyn Db, n: usize) {
    schema::migrate(db).unwrap();
    let series = if db.postgres() {
        format!("SELECT i FROM generate_series(1, {n}) AS s(i)")
    } else {
        format!(
            "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) SELECT i FROM s"
        )
    };
    let groups = if db.postgres() {
        "SELECT i FROM generate_series(1, 5000) AS s(i)".to_string()
    } else {
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 5000) SELECT i FROM s"
            .to_string()
    };
    let (error, warning) = (priority(Severity::Error, 1, 0).score, priority(Severity::Warning, 1, 0).score);
    db.atomically(&mut |db| {
        db.exec(
            &format!(
                "INSERT INTO company_case_groups (company_id, sample_text, first_post_id, posts, distributors, created_at)
                 SELECT 1, 'sample ' || i, i, 1, 1, 0 FROM ({groups}) AS g"
            ),
            &[],
        )?;
        db.exec(
            &format!(
                "INSERT INTO company_cases (company_id, post_id, version, distributor_id, category, severity, codes, findings,
                   group_id, earlier_cases, priority, status, opened_at, updated_at)
                 SELECT 1, i, 1, 'D' || (i % 20000), CASE WHEN i % 3 = 0 THEN 'health' ELSE 'income' END,
                   CASE WHEN i % 4 = 0 THEN 'error' ELSE 'warning' END,
                   CASE WHEN i % 1000 = 0 THEN ',FIN009,' ELSE ',HLT001,' END, '[]',
                   i % 5000 + 1, 0, CASE WHEN i % 4 = 0 THEN {error} ELSE {warning} END,
                   CASE i % 20 WHEN 0 THEN 'new' WHEN 1 THEN 'in_review' WHEN 2 THEN 'notice_sent'
                     WHEN 3 THEN 'escalated' WHEN 4 THEN 'dismissed' WHEN 5 THEN 'fixed' ELSE 'closed' END,
                   1763715600 + i, 1763715600 + i
                 FROM ({series}) AS s"
            ),
            &[],
        )?;
        Ok(())
    })
    .unwrap();
    db.exec("ANALYZE", &[]).unwrap();
}
