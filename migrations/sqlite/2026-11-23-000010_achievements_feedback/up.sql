-- Achievements (capaian/realisasi) per aspect of an approved SKP's indicator and per sub-period,
-- with their evidence (links, and files kept in the database so that every instance sees them);
-- and feedback threads between a supervisor and an employee.

CREATE TABLE achievements (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    period_id TEXT NOT NULL REFERENCES periods (id),
    sub_period_id TEXT NOT NULL REFERENCES sub_periods (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    skp_id TEXT NOT NULL REFERENCES skps (id),
    target_lineage_id TEXT NOT NULL,
    indicator_id TEXT NOT NULL REFERENCES skp_indicators (id),
    aspect_id TEXT NOT NULL REFERENCES skp_aspects (id),
    aspect TEXT NOT NULL,
    realised_value DOUBLE NOT NULL,
    unit TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    verifier_id TEXT REFERENCES employees (id),
    decided_at TIMESTAMP,
    rejection_reason TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (aspect_id, sub_period_id)
);
CREATE INDEX achievements_employee_status ON achievements (employee_id, status, id);
CREATE INDEX achievements_org_period ON achievements (organization_id, period_id, updated_at);

CREATE TABLE achievement_evidence (
    id TEXT PRIMARY KEY,
    achievement_id TEXT NOT NULL REFERENCES achievements (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    url TEXT,
    file_name TEXT,
    content_type TEXT,
    size_bytes BIGINT,
    sha256 TEXT,
    created_by TEXT NOT NULL REFERENCES employees (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX achievement_evidence_achievement ON achievement_evidence (achievement_id);

-- The bytes apart from the metadata, so that listing evidence never reads them.
CREATE TABLE evidence_files (
    evidence_id TEXT PRIMARY KEY REFERENCES achievement_evidence (id),
    content BLOB NOT NULL
);

CREATE TABLE feedback_threads (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    supervisor_id TEXT NOT NULL REFERENCES employees (id),
    target_lineage_id TEXT,
    achievement_id TEXT REFERENCES achievements (id),
    message_count INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX feedback_threads_employee ON feedback_threads (employee_id, updated_at);

CREATE TABLE feedback_messages (
    id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL REFERENCES feedback_threads (id),
    author_id TEXT NOT NULL REFERENCES employees (id),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX feedback_messages_thread ON feedback_messages (thread_id, id);
