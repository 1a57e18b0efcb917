-- The gateway's first schema: tenants, agents, and change versions.
--
-- Conventions for every table that follows (audit events, the credential vault, ...):
--   * every row carries tenant_id (only 'default' is exposed for now);
--   * times are RFC 3339 UTC text, lists are JSON text, flags are BOOLEAN, so the same SQL runs
--     on SQLite and, later, PostgreSQL (migrations/postgres will mirror these versions);
--   * a change that a running gateway must notice bumps its topic in state_versions in the same
--     transaction; gateways poll that one row instead of re-reading the table.

CREATE TABLE tenants (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL
);

INSERT INTO tenants (id, created_at) VALUES ('default', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

CREATE TABLE state_versions (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    topic TEXT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, topic)
);

INSERT INTO state_versions (tenant_id, topic, version) VALUES ('default', 'agents', 0);

-- Agents (MCP clients) managed with `confluence-gateway agents`. The key itself is never
-- stored: key_hash is HMAC-SHA256 keyed with the gateway's secret, which is not in this database.
CREATE TABLE agents (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    -- JSON array of role names (keys of [roles] in the configuration).
    roles TEXT NOT NULL,
    -- The configured connection this agent's calls go through.
    connection TEXT NOT NULL,
    -- JSON array of space keys (interim scoping; empty: every space).
    spaces TEXT NOT NULL,
    dlp_profile TEXT,
    enabled BOOLEAN NOT NULL,
    expires_at TEXT,
    key_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (tenant_id, name),
    UNIQUE (key_hash)
);
