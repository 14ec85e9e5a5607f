-- Evaluation periods (a year, with monthly or quarterly sub-periods) and the versioned scoring policy.

CREATE TABLE periods (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    year INTEGER NOT NULL,
    frequency TEXT NOT NULL,
    status TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (organization_id, year)
);

CREATE TABLE sub_periods (
    id TEXT PRIMARY KEY,
    period_id TEXT NOT NULL REFERENCES periods (id),
    seq INTEGER NOT NULL,
    label TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    UNIQUE (period_id, seq)
);

CREATE TABLE scoring_policies (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    version INTEGER NOT NULL,
    policy TEXT NOT NULL,
    note TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (organization_id, version)
);
