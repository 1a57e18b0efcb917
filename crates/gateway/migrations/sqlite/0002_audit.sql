-- The audit trail: one row per recorded call, chained by hash (see crates/gateway/src/audit/).
--
-- `body` is the event's canonical JSON (everything recorded, including its id and the previous
-- event's hash); `hash` = SHA-256("cgw-audit-v1\n" || body). The other columns repeat fields of
-- the body for searching; `audit verify` checks that they agree with it.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    time TEXT NOT NULL,
    kind TEXT NOT NULL,
    agent TEXT NOT NULL,
    server TEXT NOT NULL,
    tool TEXT,
    decision TEXT NOT NULL,
    outcome TEXT NOT NULL,
    -- JSON array of the space keys the call touched.
    spaces TEXT NOT NULL,
    body TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE INDEX audit_events_time ON audit_events (tenant_id, time);
CREATE INDEX audit_events_agent ON audit_events (tenant_id, agent, id);

-- Pruning (retention) deletes a prefix of the chain; the checkpoint keeps the last pruned
-- event's id and hash, HMAC-signed with a key derived from the gateway's key secret, so the
-- remaining chain still verifies from a trusted starting point.
CREATE TABLE audit_checkpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    through_id BIGINT NOT NULL,
    through_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    mac TEXT NOT NULL
);

-- Each sink's last delivered event.
CREATE TABLE audit_sink_cursors (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    sink TEXT NOT NULL,
    last_id BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, sink)
);

-- Append-only: no update ever, and deletes only of events a checkpoint covers (pruning).
-- Someone with the file can drop these triggers; the hash chain is what catches that.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TRIGGER audit_events_prune_only BEFORE DELETE ON audit_events
WHEN NOT EXISTS (
    SELECT 1 FROM audit_checkpoints c
    WHERE c.tenant_id = OLD.tenant_id AND c.through_id >= OLD.id
)
BEGIN
    SELECT RAISE(ABORT, 'audit events are deleted only by pruning behind a checkpoint');
END;

CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit checkpoints are append-only');
END;
