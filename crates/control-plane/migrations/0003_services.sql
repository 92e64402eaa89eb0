-- Database services in project VPCs. A service being deleted keeps its row (deleting = 1) until
-- the compute backend has removed its server, so the name stays taken until then.
CREATE TABLE services (
    id TEXT PRIMARY KEY,
    project TEXT NOT NULL REFERENCES projects(name),
    name TEXT NOT NULL,
    service_type TEXT NOT NULL,
    plan TEXT NOT NULL,
    cloud_name TEXT NOT NULL,
    vpc_id TEXT NOT NULL REFERENCES vpcs(id),
    state TEXT NOT NULL,
    admin_password TEXT NOT NULL,
    host TEXT,
    port BIGINT,
    placement_error TEXT,
    disk_space_mb BIGINT NOT NULL,
    termination_protection BIGINT NOT NULL,
    tags TEXT NOT NULL,
    deleting BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE UNIQUE INDEX services_by_name ON services (project, name);
CREATE INDEX services_by_vpc ON services (vpc_id);
