-- Bumped in every transaction that changes what the API shows of a VPC's connections (a create, a
-- state change, a state_info or peer-CIDR update), so a VPC rendered at version N can be served
-- from memory while N is still the stored version, on every replica.
ALTER TABLE vpcs ADD COLUMN connections_version BIGINT NOT NULL DEFAULT 0;
