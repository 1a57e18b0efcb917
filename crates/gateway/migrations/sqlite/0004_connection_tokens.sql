-- OAuth (3LO) sessions the gateway keeps alive for its connections (crates/gateway/src/vault/).
-- Tokens are sealed with XChaCha20-Poly1305 under a master key kept outside this database;
-- `key_id` names it. Times are Unix milliseconds.
CREATE TABLE connection_tokens (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    connection TEXT NOT NULL,
    -- `connected`, or `needs_reconsent` once Atlassian refused the refresh token.
    state TEXT NOT NULL,
    state_reason TEXT,
    key_id TEXT NOT NULL,
    access_token TEXT NOT NULL,
    refresh_token TEXT NOT NULL,
    access_expires_at BIGINT NOT NULL,
    access_lifetime_ms BIGINT NOT NULL,
    refresh_issued_at BIGINT NOT NULL,
    cloud_id TEXT NOT NULL,
    account TEXT,
    scope TEXT,
    refreshes BIGINT NOT NULL DEFAULT 0,
    -- Which process may refresh now, until when: replicas sharing the database never send the
    -- same refresh token twice.
    lease_holder TEXT,
    lease_until BIGINT NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, connection)
);

-- Authorizations started by `confluence-gateway connect`, waiting for `/oauth/callback`.
CREATE TABLE oauth_pending (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    state TEXT NOT NULL,
    connection TEXT NOT NULL,
    key_id TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, state)
);
