-- Sealing off the write path: a write only inserts its event (with a hash of its content); a
-- sealer links events into the organisation's chain later (seq, prev_hash, hash, sealed_at), so
-- writers no longer queue on the organisation's chain head. The chain columns become nullable
-- (NULL until sealed), which SQLite can only do by rebuilding the table; both backends rebuild it
-- alike. Events written before this step keep their chain and have no content hash.
CREATE TABLE audit_events_sealed (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    seq BIGINT,
    occurred_at TIMESTAMP NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    before_state TEXT,
    after_state TEXT,
    request_id TEXT,
    content_hash TEXT,
    prev_hash TEXT,
    hash TEXT,
    sealed_at TIMESTAMP,
    UNIQUE (organization_id, seq)
);
INSERT INTO audit_events_sealed (id, organization_id, seq, occurred_at, actor_kind, actor_id, action, resource_type, resource_id, before_state, after_state, request_id, content_hash, prev_hash, hash, sealed_at)
SELECT id, organization_id, seq, occurred_at, actor_kind, actor_id, action, resource_type, resource_id, before_state, after_state, request_id, NULL, prev_hash, hash, NULL FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_sealed RENAME TO audit_events;
CREATE INDEX audit_events_resource ON audit_events (organization_id, resource_type, resource_id);
-- The sealer's work list: only the events not sealed yet.
CREATE INDEX audit_events_unsealed ON audit_events (organization_id, occurred_at) WHERE seq IS NULL;
-- Exports and range verification by time.
CREATE INDEX audit_events_time ON audit_events (organization_id, occurred_at, seq);

ALTER TABLE audit_events ADD CONSTRAINT audit_events_actor_kind_known CHECK (actor_kind IN ('employee', 'service_client', 'cli', 'citizen'));
