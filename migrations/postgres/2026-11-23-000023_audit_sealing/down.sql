-- Back to events chained as they are written. Unsealed events cannot be kept: seal first
-- (`kinerja audit seal`).
CREATE TABLE audit_events_chained (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    seq BIGINT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    before_state TEXT,
    after_state TEXT,
    request_id TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (organization_id, seq)
);
INSERT INTO audit_events_chained (id, organization_id, seq, occurred_at, actor_kind, actor_id, action, resource_type, resource_id, before_state, after_state, request_id, prev_hash, hash)
SELECT id, organization_id, seq, occurred_at, actor_kind, actor_id, action, resource_type, resource_id, before_state, after_state, request_id, prev_hash, hash FROM audit_events WHERE seq IS NOT NULL;
DROP TABLE audit_events;
ALTER TABLE audit_events_chained RENAME TO audit_events;
CREATE INDEX audit_events_resource ON audit_events (organization_id, resource_type, resource_id);

ALTER TABLE audit_events ADD CONSTRAINT audit_events_actor_kind_known CHECK (actor_kind IN ('employee', 'service_client', 'cli', 'citizen'));
