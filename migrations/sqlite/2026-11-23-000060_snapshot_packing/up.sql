-- Frozen scores packed by the service: a close now stores each score's inputs and result as
-- zstd with a fixed dictionary (`src/scores/packing.rs`), about a tenth of the JSON, instead of
-- the JSON text (12 kB a row, which PostgreSQL compressed and moved out of line: more than half
-- of a 20,000-employee close). Rows stored before keep their text; a row holds one form or the
-- other. The text columns become nullable, which SQLite can only do by rebuilding the table; both
-- backends rebuild it alike.
CREATE TABLE score_snapshots_packed (
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
    inputs TEXT,
    result TEXT,
    packed_inputs BLOB,
    packed_result BLOB,
    CHECK ((inputs IS NOT NULL AND result IS NOT NULL) OR (packed_inputs IS NOT NULL AND packed_result IS NOT NULL))
);
INSERT INTO score_snapshots_packed (id, organization_id, period_id, snapshot, frozen_at, employee_id, scope, employee_name, nip, unit_id, skp_id, skp_revision, policy_version, inputs, result, packed_inputs, packed_result)
SELECT id, organization_id, period_id, snapshot, frozen_at, employee_id, scope, employee_name, nip, unit_id, skp_id, skp_revision, policy_version, inputs, result, NULL, NULL FROM score_snapshots;
DROP TABLE score_snapshots;
ALTER TABLE score_snapshots_packed RENAME TO score_snapshots;
CREATE UNIQUE INDEX score_snapshots_one ON score_snapshots (period_id, snapshot, scope, employee_id);
CREATE INDEX score_snapshots_employee ON score_snapshots (employee_id, period_id, scope, snapshot);
