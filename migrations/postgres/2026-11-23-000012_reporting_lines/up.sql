-- Mutasi: the dated history of each employee's reporting line (unit and supervisor). The
-- employee row keeps the current line (what pending work and authorization follow); every change
-- of unit or supervisor closes the open history row and opens a new one in the same transaction.
-- A line holds from `effective_from` (inclusive) until `effective_to` (exclusive, the day the
-- next line took effect); the open line has no `effective_to`.

CREATE TABLE reporting_lines (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    unit_id TEXT NOT NULL REFERENCES units (id),
    supervisor_id TEXT REFERENCES employees (id),
    effective_from DATE NOT NULL,
    effective_to DATE,
    reason TEXT NOT NULL,
    changed_by_kind TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (effective_to IS NULL OR effective_to >= effective_from)
);
CREATE INDEX reporting_lines_employee ON reporting_lines (employee_id, created_at, id);
CREATE INDEX reporting_lines_supervisor ON reporting_lines (supervisor_id, effective_from);
-- At most one open line per employee.
CREATE UNIQUE INDEX reporting_lines_open ON reporting_lines (employee_id) WHERE effective_to IS NULL;

-- Every existing employee's current line, from the day they were added.
INSERT INTO reporting_lines (id, organization_id, employee_id, unit_id, supervisor_id, effective_from,
    effective_to, reason, changed_by_kind, changed_by, created_at)
SELECT 'rl-' || id, organization_id, id, unit_id, supervisor_id, date(created_at),
    NULL, 'recorded when the history began', 'migration', '2026-11-23-000012_reporting_lines', created_at
FROM employees;
