-- The organisation's own rating for a period (SE MenPANRB 3/2023), given by the level above and
-- recorded by whoever the policy names; it decides the curve its employees' predicates must fit.
CREATE TABLE organization_ratings (
    period_id TEXT PRIMARY KEY REFERENCES periods (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    rating TEXT NOT NULL CHECK (rating IN ('istimewa', 'baik', 'butuh_perbaikan', 'kurang', 'sangat_kurang')),
    -- Who gave the rating and on what basis (a decree, a letter), as recorded.
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES employees (id),
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- What people decided on the service's recommendations (tindak lanjut): one decision per
-- employee, scope (a sub-period, or the year), kind and training topic.
CREATE TABLE recommendation_decisions (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    period_id TEXT NOT NULL REFERENCES periods (id),
    -- NULL: the recommendation of the whole year.
    sub_period_id TEXT REFERENCES sub_periods (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    kind TEXT NOT NULL CHECK (kind IN ('recognition', 'training', 'coaching', 'warning')),
    -- The training topic as grouped (lower case, single spaces); empty for the other kinds.
    topic TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('accepted', 'declined')),
    note TEXT NOT NULL,
    decided_by TEXT NOT NULL REFERENCES employees (id),
    decided_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX recommendation_decisions_one_per_sub_period
    ON recommendation_decisions (employee_id, sub_period_id, kind, topic) WHERE sub_period_id IS NOT NULL;
CREATE UNIQUE INDEX recommendation_decisions_one_per_year
    ON recommendation_decisions (employee_id, period_id, kind, topic) WHERE sub_period_id IS NULL;
CREATE INDEX recommendation_decisions_period ON recommendation_decisions (period_id, employee_id);
