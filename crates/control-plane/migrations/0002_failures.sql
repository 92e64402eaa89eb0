-- Consecutive transient failures per connection, for backoff: kept with the connection so every
-- replica (and a restarted one) backs off alike.
ALTER TABLE peering_connections ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
