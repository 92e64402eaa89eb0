-- When a client last asked for a VPC's connections to be re-checked now (POST …/refresh): an
-- observation of the provider VNet older than this is not trusted (epoch ms; 0 = never).
ALTER TABLE vpcs ADD COLUMN refresh_requested_at BIGINT NOT NULL DEFAULT 0;
