-- Portable between SQLite and PostgreSQL: ids and JSON as TEXT, times as epoch milliseconds.
CREATE TABLE projects (
    name TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    created_at BIGINT NOT NULL
);

-- Access tokens are stored as SHA-256 hashes; the token itself is shown once.
CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    description TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE project_members (
    project TEXT NOT NULL REFERENCES projects(name),
    user_id TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (project, user_id)
);

CREATE TABLE vpcs (
    id TEXT PRIMARY KEY,
    project TEXT NOT NULL REFERENCES projects(name),
    cloud_name TEXT NOT NULL,
    network_cidr TEXT NOT NULL,
    state TEXT NOT NULL,
    provider_vnet_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    next_check_at BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT
);

CREATE TABLE peering_connections (
    id TEXT PRIMARY KEY,
    vpc_id TEXT NOT NULL REFERENCES vpcs(id),
    project TEXT NOT NULL,
    peer_cloud_account TEXT NOT NULL,
    peer_resource_group TEXT NOT NULL,
    peer_vpc TEXT NOT NULL,
    peer_azure_app_id TEXT NOT NULL,
    peer_azure_tenant_id TEXT NOT NULL,
    user_peer_network_cidrs TEXT NOT NULL,
    -- lower(account/group/vnet): Azure names are case-insensitive, so is uniqueness
    match_key TEXT NOT NULL,
    state TEXT NOT NULL,
    state_info TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    next_check_at BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT
);

CREATE UNIQUE INDEX peering_live_key ON peering_connections (vpc_id, match_key)
    WHERE state <> 'DELETED' AND state <> 'DELETED_BY_PEER';
CREATE INDEX peering_due ON peering_connections (next_check_at);
CREATE INDEX peering_by_vpc ON peering_connections (vpc_id);

CREATE TABLE connection_events (
    connection_id TEXT NOT NULL REFERENCES peering_connections(id),
    seq BIGINT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    reason TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (connection_id, seq)
);
