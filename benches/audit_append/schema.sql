-- The audit append alone, before and after sealing moved off the write path, for pgbench:
--   createdb audit_append && psql -d audit_append -f benches/audit_append/schema.sql
--   pgbench -n -c 16 -j 2 -T 10 -f benches/audit_append/head_row.sql audit_append
--   pgbench -n -c 16 -j 2 -T 10 -f benches/audit_append/insert_only.sql audit_append
-- Every client writes for the same organisation, as a province's citizen ratings do.
CREATE TABLE heads (organization_id TEXT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL);
INSERT INTO heads VALUES ('org', 0, 'genesis');
CREATE TABLE events (
    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, seq BIGINT, occurred_at TIMESTAMP NOT NULL,
    action TEXT NOT NULL, after_state TEXT, content_hash TEXT, prev_hash TEXT, hash TEXT, sealed_at TIMESTAMP,
    UNIQUE (organization_id, seq)
);
CREATE INDEX events_unsealed ON events (organization_id, occurred_at) WHERE seq IS NULL;
