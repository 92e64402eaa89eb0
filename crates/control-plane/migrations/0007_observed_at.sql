-- When the last sweep of the VPC's provider VNet began its read (epoch ms; 0 = never): a refresh
-- asked after it is not honoured yet, so the next sweep reads that VNet at once, on its own.
ALTER TABLE vpcs ADD COLUMN observed_at BIGINT NOT NULL DEFAULT 0;
