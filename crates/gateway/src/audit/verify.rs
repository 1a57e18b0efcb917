//! `audit verify`: re-reads the whole trail in id order and checks, for every event, that its
//! body hashes to its stored hash (edits), that its id follows the previous one (deletions),
//! that its body is its own (reordering), that it chains onto the previous event's hash, and
//! that the searchable columns agree with the body. The chain starts at the newest signed
//! checkpoint (retention) or at the genesis. Sink cursors past the newest event reveal events
//! deleted from the end, which a hash chain alone cannot see.

use super::event::{self, AuditEvent, GENESIS_HASH};
use crate::store::{AuditRow, Store, StoreError};

/// Problems listed at most (the count still counts all).
const MAX_LISTED: usize = 100;

/// One place where the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The event id where verification noticed it.
    pub id: i64,
    pub what: String,
}

/// What `audit verify` found.
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    pub events: u64,
    pub first_id: Option<i64>,
    pub last_id: Option<i64>,
    /// The newest event's hash: record it elsewhere to detect later truncation.
    pub head_hash: String,
    /// The checkpoint the chain starts from (id), if the trail was pruned.
    pub checkpoint: Option<i64>,
    pub problems: Vec<Problem>,
    pub problem_count: usize,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problem_count == 0
    }

    fn problem(&mut self, id: i64, what: String) {
        self.problem_count += 1;
        if self.problems.len() < MAX_LISTED {
            self.problems.push(Problem { id, what });
        }
    }
}

/// Verifies the trail in `store`; `key` checks the checkpoint's signature (without it an
/// existing checkpoint is reported as unverifiable).
pub async fn verify(store: &Store, key: Option<&[u8]>) -> Result<VerifyReport, StoreError> {
    let mut report = VerifyReport::default();
    let (mut expected_id, mut expected_prev) = match store.audit_checkpoint().await? {
        Some(c) => {
            report.checkpoint = Some(c.through_id);
            match key {
                Some(key) if super::retention::checkpoint_valid(key, &c) => {}
                Some(_) => report.problem(
                    c.through_id,
                    format!(
                        "the checkpoint for events through {} has an invalid signature: it was forged or edited",
                        c.through_id
                    ),
                ),
                None => report.problem(
                    c.through_id,
                    "the checkpoint's signature cannot be checked without the key secret (pass --config)".to_owned(),
                ),
            }
            (c.through_id + 1, c.through_hash)
        }
        None => (1, GENESIS_HASH.to_owned()),
    };
    let mut after = 0i64;
    loop {
        let rows = store.audit_after(after, 1000).await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for row in &rows {
            check_row(&mut report, row, expected_id, &expected_prev);
            report.events += 1;
            report.first_id.get_or_insert(row.id);
            report.last_id = Some(row.id);
            report.head_hash = row.hash.clone();
            expected_id = row.id + 1;
            expected_prev = row.hash.clone();
        }
    }
    let newest = report.last_id.unwrap_or(expected_id - 1);
    for (sink, delivered) in store.sink_cursors().await? {
        if delivered > newest {
            report.problem(
                newest + 1,
                format!(
                    "sink '{sink}' delivered events through {delivered}, but the trail ends at {newest}: events {}..={delivered} were deleted from the end",
                    newest + 1
                ),
            );
        }
    }
    Ok(report)
}

fn check_row(report: &mut VerifyReport, row: &AuditRow, expected_id: i64, expected_prev: &str) {
    let id = row.id;
    let gap = id != expected_id;
    if gap {
        report.problem(
            id,
            if id == expected_id + 1 {
                format!("event {expected_id} is missing (deleted) before event {id}")
            } else {
                format!(
                    "events {expected_id}..={} are missing (deleted) before event {id}",
                    id - 1
                )
            },
        );
    }
    if event::hash_body(&row.body) != row.hash {
        report.problem(
            id,
            format!("event {id} was edited: its content does not match its hash"),
        );
    }
    let body: AuditEvent = match serde_json::from_str(&row.body) {
        Ok(body) => body,
        Err(_) => {
            report.problem(
                id,
                format!("event {id} was edited: its body is not an audit event"),
            );
            return;
        }
    };
    if body.id != id {
        report.problem(
            id,
            format!(
                "the row at id {id} holds event {}'s content: events were reordered or moved",
                body.id
            ),
        );
    }
    if body.prev_hash != row.prev_hash {
        report.problem(
            id,
            format!("event {id} was edited: its prev_hash column differs from its body"),
        );
    } else if !gap && body.id == id && row.prev_hash != expected_prev {
        report.problem(
            id,
            format!(
                "event {id} does not chain onto event {}: that event was edited, replaced or reordered",
                id - 1
            ),
        );
    }
    let spaces = serde_json::to_string(&body.resources.space_keys).unwrap_or_default();
    for (column, stored, recorded) in [
        ("time", Some(row.time.as_str()), Some(body.time.as_str())),
        ("kind", Some(row.kind.as_str()), Some(body.kind.as_str())),
        ("agent", Some(row.agent.as_str()), Some(body.agent.as_str())),
        (
            "server",
            Some(row.server.as_str()),
            Some(body.server.as_str()),
        ),
        ("tool", row.tool.as_deref(), body.tool.as_deref()),
        (
            "decision",
            Some(row.decision.as_str()),
            Some(body.decision.as_str()),
        ),
        (
            "outcome",
            Some(row.outcome.as_str()),
            Some(body.outcome.as_str()),
        ),
        ("spaces", Some(row.spaces.as_str()), Some(spaces.as_str())),
    ] {
        if stored != recorded {
            report.problem(
                id,
                format!(
                    "event {id} was edited: its `{column}` column differs from its hashed body"
                ),
            );
        }
    }
}
