-- A portal that issues citizen rating tickets works only once a second admin of the organisation
-- (not its creator) has approved it, or when the operator made it on the command line.
-- created_by: the admin who made it (NULL: the operator's command line).
-- approved_by: the admin who approved it (NULL with approved_at set: the operator).
ALTER TABLE service_clients ADD COLUMN created_by TEXT;
ALTER TABLE service_clients ADD COLUMN approved_by TEXT;
ALTER TABLE service_clients ADD COLUMN approved_at TIMESTAMP;

-- Who made the existing clients, from the audit trail; an existing ticket-issuing portal waits for
-- a second admin like a new one.
UPDATE service_clients SET created_by = (
    SELECT e.id FROM audit_events a JOIN employees e ON e.id = a.actor_id
    WHERE a.action = 'service_client.create' AND a.resource_id = service_clients.id
    LIMIT 1
);

-- Public figures count ratings per issuing portal.
CREATE INDEX rating_tickets_issued_by ON rating_tickets (issued_by);
