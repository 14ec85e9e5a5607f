-- SKP (Sasaran Kinerja Pegawai): one per employee per period, in revisions; its targets (RHK),
-- their indicators, and each indicator's aspects with target values.

CREATE TABLE skps (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    period_id TEXT NOT NULL REFERENCES periods (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    revision INTEGER NOT NULL,
    status TEXT NOT NULL,
    resources TEXT NOT NULL DEFAULT '',
    accountability TEXT NOT NULL DEFAULT '',
    consequences TEXT NOT NULL DEFAULT '',
    approver_id TEXT REFERENCES employees (id),
    return_comment TEXT,
    submitted_at TIMESTAMP,
    decided_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (employee_id, period_id, revision)
);
CREATE INDEX skps_org_period ON skps (organization_id, period_id, updated_at);
CREATE INDEX skps_approver_status ON skps (approver_id, status);

CREATE TABLE skp_targets (
    id TEXT PRIMARY KEY,
    skp_id TEXT NOT NULL REFERENCES skps (id),
    lineage_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    description TEXT NOT NULL,
    kind TEXT NOT NULL,
    perspective TEXT,
    weight DOUBLE NOT NULL,
    supports_lineage_id TEXT
);
CREATE INDEX skp_targets_skp ON skp_targets (skp_id);
CREATE INDEX skp_targets_supports ON skp_targets (supports_lineage_id);

CREATE TABLE skp_indicators (
    id TEXT PRIMARY KEY,
    target_id TEXT NOT NULL REFERENCES skp_targets (id),
    position INTEGER NOT NULL,
    description TEXT NOT NULL
);
CREATE INDEX skp_indicators_target ON skp_indicators (target_id);

CREATE TABLE skp_aspects (
    id TEXT PRIMARY KEY,
    indicator_id TEXT NOT NULL REFERENCES skp_indicators (id),
    aspect TEXT NOT NULL,
    target_value DOUBLE NOT NULL,
    unit TEXT NOT NULL,
    UNIQUE (indicator_id, aspect)
);
