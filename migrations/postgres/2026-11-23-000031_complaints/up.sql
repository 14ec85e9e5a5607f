-- Citizen complaints (pengaduan): received with a rating ticket or from a portal, assigned by the
-- unit's head, answered by an officer, closed or rejected. Portals may be given
-- `complaints:write`: the scopes' value list grows by it.

CREATE TABLE complaints (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    -- The service unit complained about, and the officer the ticket or portal named.
    unit_id TEXT NOT NULL REFERENCES units (id),
    officer_id TEXT REFERENCES employees (id),
    channel TEXT NOT NULL CHECK (channel IN ('ticket', 'portal')),
    ticket_id TEXT REFERENCES rating_tickets (id),
    client_id TEXT,
    -- The complaint's reference in the channel it came from (e.g. SP4N-LAPOR!).
    external_reference TEXT,
    -- The citizen's tracking code, hashed: it reads the status and the answer.
    tracking_hash TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('received', 'assigned', 'answered', 'closed', 'rejected')),
    assigned_to TEXT REFERENCES employees (id),
    assigned_by TEXT,
    assigned_at TIMESTAMP,
    answer TEXT,
    answered_by TEXT,
    -- The first answer: time to first answer and whether it was in time count from it.
    answered_at TIMESTAMP,
    rejection_reason TEXT,
    closed_by TEXT,
    closed_at TIMESTAMP,
    received_at TIMESTAMP NOT NULL,
    -- The policy's deadlines in working days, fixed at receipt.
    answer_due_at TIMESTAMP NOT NULL,
    close_due_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX complaints_tracking ON complaints (tracking_hash);
CREATE UNIQUE INDEX complaints_one_per_ticket ON complaints (ticket_id);
CREATE INDEX complaints_unit ON complaints (unit_id, received_at);
CREATE INDEX complaints_assigned ON complaints (assigned_to, received_at);
CREATE INDEX complaints_organization ON complaints (organization_id, status, id);

ALTER TABLE service_clients DROP CONSTRAINT service_clients_scopes_known;

ALTER TABLE service_clients ADD CONSTRAINT service_clients_scopes_known CHECK (scopes IN ('', 'complaints:write', 'employees:read', 'organization:read', 'rating_tickets:issue', 'reports:read', 'complaints:write employees:read', 'complaints:write organization:read', 'complaints:write rating_tickets:issue', 'complaints:write reports:read', 'employees:read organization:read', 'employees:read rating_tickets:issue', 'employees:read reports:read', 'organization:read rating_tickets:issue', 'organization:read reports:read', 'rating_tickets:issue reports:read', 'complaints:write employees:read organization:read', 'complaints:write employees:read rating_tickets:issue', 'complaints:write employees:read reports:read', 'complaints:write organization:read rating_tickets:issue', 'complaints:write organization:read reports:read', 'complaints:write rating_tickets:issue reports:read', 'employees:read organization:read rating_tickets:issue', 'employees:read organization:read reports:read', 'employees:read rating_tickets:issue reports:read', 'organization:read rating_tickets:issue reports:read', 'complaints:write employees:read organization:read rating_tickets:issue', 'complaints:write employees:read organization:read reports:read', 'complaints:write employees:read rating_tickets:issue reports:read', 'complaints:write organization:read rating_tickets:issue reports:read', 'employees:read organization:read rating_tickets:issue reports:read', 'complaints:write employees:read organization:read rating_tickets:issue reports:read'));
