-- Indicator templates per position (jabatan) and unit, designed with staff: proposals accepted as
-- new versions, assigned to a position's employees as pre-filled draft SKPs, and flagged where an
-- indicator proved hard to measure.

CREATE TABLE indicator_templates (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    -- NULL: for the position anywhere in the organisation (kept by admins).
    unit_id TEXT REFERENCES units (id),
    position TEXT NOT NULL,
    name TEXT NOT NULL,
    current_version INTEGER NOT NULL,
    -- The current version's targets as JSON (each version is kept in template_versions).
    content TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX indicator_templates_position ON indicator_templates (organization_id, position, id);

CREATE TABLE template_versions (
    template_id TEXT NOT NULL REFERENCES indicator_templates (id),
    version INTEGER NOT NULL,
    content TEXT NOT NULL,
    -- The staff proposal it came from, if any.
    proposal_id TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (template_id, version)
);

CREATE TABLE template_proposals (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    -- NULL: a proposal for a new template.
    template_id TEXT REFERENCES indicator_templates (id),
    unit_id TEXT REFERENCES units (id),
    position TEXT NOT NULL,
    name TEXT NOT NULL,
    content TEXT NOT NULL,
    reason TEXT NOT NULL,
    proposed_by TEXT NOT NULL REFERENCES employees (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined')),
    decision_reason TEXT,
    decided_by TEXT,
    decided_at TIMESTAMP,
    -- The template and version an accepted proposal made.
    resulting_template_id TEXT,
    resulting_version INTEGER,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX template_proposals_org ON template_proposals (organization_id, status, id);

-- Which SKP target came from which template target: the cascade proposal and the flag report
-- follow it. Keyed by the target's lineage, which revisions keep.
CREATE TABLE template_uses (
    target_lineage_id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    period_id TEXT NOT NULL REFERENCES periods (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    template_id TEXT NOT NULL REFERENCES indicator_templates (id),
    template_version INTEGER NOT NULL,
    target_index INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX template_uses_employee ON template_uses (period_id, employee_id);

-- An indicator found hard to measure, with a note: the next cycle revises its template.
CREATE TABLE indicator_flags (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    period_id TEXT NOT NULL REFERENCES periods (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    skp_id TEXT NOT NULL REFERENCES skps (id),
    -- Indicator rows are replaced when a draft is edited: the flag keeps what it was about.
    indicator_id TEXT NOT NULL,
    indicator_description TEXT NOT NULL,
    target_lineage_id TEXT NOT NULL,
    template_id TEXT REFERENCES indicator_templates (id),
    indicator_index INTEGER NOT NULL,
    note TEXT NOT NULL,
    flagged_by TEXT NOT NULL REFERENCES employees (id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX indicator_flags_once ON indicator_flags (indicator_id, flagged_by);
CREATE INDEX indicator_flags_template ON indicator_flags (organization_id, template_id);
