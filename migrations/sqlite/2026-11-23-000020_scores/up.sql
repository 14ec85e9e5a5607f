-- Frozen scores: closing a period stores every employee's score in it (each sub-period and the
-- year) with everything it was computed from, so that a closed period's scores never change and
-- can be recomputed, bit for bit, from what is stored. Each close makes a new snapshot (1, 2, ...:
-- a reopened period closed again); the earlier ones stay.
-- `inputs` and `result` are JSON text, not a JSON column type: kept byte for byte as written.

CREATE TABLE score_snapshots (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    period_id TEXT NOT NULL REFERENCES periods (id),
    snapshot INTEGER NOT NULL CHECK (snapshot >= 1),
    frozen_at TIMESTAMP NOT NULL,
    employee_id TEXT NOT NULL REFERENCES employees (id),
    -- The sub-period's id, or 'year'.
    scope TEXT NOT NULL,
    employee_name TEXT NOT NULL,
    nip TEXT NOT NULL,
    unit_id TEXT NOT NULL,
    skp_id TEXT,
    skp_revision INTEGER,
    policy_version INTEGER NOT NULL,
    inputs TEXT NOT NULL,
    result TEXT NOT NULL
);
CREATE UNIQUE INDEX score_snapshots_one ON score_snapshots (period_id, snapshot, scope, employee_id);
CREATE INDEX score_snapshots_employee ON score_snapshots (employee_id, period_id, scope, snapshot);
