-- Each organisation's time zone (deadlines and "today" count in it); assessments of a sub-period
-- or of the year (the employee's self-assessment and the supervisor's, on the same criteria);
-- objections (keberatan, PP 30/2019) to published supervisor assessments.

ALTER TABLE organizations ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Asia/Jakarta'
    CHECK (time_zone IN ('Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'));

CREATE TABLE assessments (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    period_id TEXT NOT NULL REFERENCES periods (id),
    -- NULL: the assessment of the whole year (the period).
    sub_period_id TEXT REFERENCES sub_periods (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    -- The employee (self) or the supervisor who wrote it; stays theirs after a change of supervisor.
    author_id TEXT NOT NULL REFERENCES employees (id),
    kind TEXT NOT NULL CHECK (kind IN ('self', 'supervisor')),
    status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    results_rating TEXT
        CHECK (results_rating IN ('di_bawah_ekspektasi', 'sesuai_ekspektasi', 'di_atas_ekspektasi')),
    behaviour_rating TEXT
        CHECK (behaviour_rating IN ('di_bawah_ekspektasi', 'sesuai_ekspektasi', 'di_atas_ekspektasi')),
    comment TEXT NOT NULL,
    -- Why the given rating differs from the suggested one, where it does.
    reason TEXT,
    coaching TEXT,
    recognition TEXT,
    published_at TIMESTAMP,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- One of each kind per employee and sub-period, and per employee and year.
CREATE UNIQUE INDEX assessments_one_per_sub_period ON assessments (employee_id, sub_period_id, kind)
    WHERE sub_period_id IS NOT NULL;
CREATE UNIQUE INDEX assessments_one_per_year ON assessments (employee_id, period_id, kind)
    WHERE sub_period_id IS NULL;
CREATE INDEX assessments_author ON assessments (author_id, status, id);
CREATE INDEX assessments_employee ON assessments (employee_id, period_id, status);

-- The 1-5 score per BerAKHLAK value: one row per value, so that a score reads them in one query.
CREATE TABLE assessment_scores (
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    berakhlak_value TEXT NOT NULL CHECK (berakhlak_value IN ('berorientasi_pelayanan', 'akuntabel', 'kompeten',
        'harmonis', 'loyal', 'adaptif', 'kolaboratif')),
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    PRIMARY KEY (assessment_id, berakhlak_value)
);

-- The follow-up plan's training needs, by topic so that the training unit can group them.
CREATE TABLE assessment_training_needs (
    id TEXT PRIMARY KEY,
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    position INTEGER NOT NULL,
    topic TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX assessment_training_needs_assessment ON assessment_training_needs (assessment_id, position);
CREATE INDEX assessment_training_needs_topic ON assessment_training_needs (topic);

CREATE TABLE objections (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    -- UNIQUE: an employee objects once to an assessment.
    assessment_id TEXT NOT NULL UNIQUE REFERENCES assessments (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    assessor_id TEXT NOT NULL REFERENCES employees (id),
    -- The assessor's own supervisor when the objection was filed; NULL when nobody sat above the
    -- assessor and the policy's fallback (decider_kind) decides.
    decider_id TEXT REFERENCES employees (id),
    decider_kind TEXT NOT NULL CHECK (decider_kind IN ('superior', 'admin')),
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'decided')),
    outcome TEXT CHECK (outcome IN ('upheld', 'changed')),
    decision_reason TEXT,
    -- The ratings that stand after the decision; the assessment keeps the original.
    final_results_rating TEXT
        CHECK (final_results_rating IN ('di_bawah_ekspektasi', 'sesuai_ekspektasi', 'di_atas_ekspektasi')),
    final_behaviour_rating TEXT
        CHECK (final_behaviour_rating IN ('di_bawah_ekspektasi', 'sesuai_ekspektasi', 'di_atas_ekspektasi')),
    decided_by TEXT REFERENCES employees (id),
    filed_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    version INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX objections_decider ON objections (decider_id, status, id);
CREATE INDEX objections_employee ON objections (employee_id, status, id);
CREATE INDEX objections_waiting ON objections (organization_id, status, decider_kind, id);
