-- Each gateway process first appends its audit events to its own journal file (one line per
-- event, next to this database) and answers the call; its writer then chains the events into
-- `audit_events`. This row says how far a process's journal has been chained, and is updated in
-- the same transaction as the events, so after a crash exactly the journal lines past
-- `ingested_seq` are still to be chained (see crates/gateway/src/audit/journal.rs).
CREATE TABLE audit_journals (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    instance TEXT NOT NULL,
    ingested_seq BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, instance)
);
