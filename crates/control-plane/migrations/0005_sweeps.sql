-- VNet-driven detection: a VPC's next_check_at / lease_owner / lease_until now schedule and lease
-- the sweep of its provider VNet (one ARM read observes every connection of the VPC).
CREATE INDEX vpc_sweep_due ON vpcs (next_check_at);
CREATE INDEX peering_by_vpc_state ON peering_connections (vpc_id, state);

-- Live reconciler replicas, so each takes its share of the provider subscription's ARM budget.
CREATE TABLE replicas (
    name TEXT PRIMARY KEY,
    seen_at BIGINT NOT NULL
);

-- The peer-role grant of a customer app on a provider VNet, made once whichever replica needs it:
-- a replica claims the row (owner, lease_until) before the Azure writes, marks it made after.
CREATE TABLE grants (
    app_id TEXT NOT NULL,
    vnet_id TEXT NOT NULL,
    owner TEXT NOT NULL,
    lease_until BIGINT NOT NULL,
    made_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, vnet_id)
);
