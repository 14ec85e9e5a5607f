-- Back to text only: packed rows cannot be unpacked in SQL, so they are dropped (close the period
-- again after this to store its scores as text).
CREATE TABLE score_snapshots_text (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    period_id TEXT NOT NULL REFERENCES periods (id),
    snapshot INTEGER NOT NULL CHECK (snapshot >= 1),
    frozen_at TIMESTAMP NOT NULL,
    employee_id TEXT NOT NULL REFERENCES employees (id),
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
INSERT INTO score_snapshots_text (id, organization_id, period_id, snapshot, frozen_at, employee_id, scope, employee_name, nip, unit_id, skp_id, skp_revision, policy_version, inputs, result)
SELECT id, organization_id, period_id, snapshot, frozen_at, employee_id, scope, employee_name, nip, unit_id, skp_id, skp_revision, policy_version, inputs, result FROM score_snapshots WHERE inputs IS NOT NULL AND result IS NOT NULL;
DROP TABLE score_snapshots;
ALTER TABLE score_snapshots_text RENAME TO score_snapshots;
CREATE UNIQUE INDEX score_snapshots_one ON score_snapshots (period_id, snapshot, scope, employee_id);
CREATE INDEX score_snapshots_employee ON score_snapshots (employee_id, period_id, scope, snapshot);
