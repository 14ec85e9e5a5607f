-- Back to no complaints and the scopes without complaints:write (portals holding it must lose it first).

DROP TABLE complaints;

ALTER TABLE service_clients DROP CONSTRAINT service_clients_scopes_known;

ALTER TABLE service_clients ADD CONSTRAINT service_clients_scopes_known CHECK (scopes IN ('', 'employees:read', 'organization:read', 'rating_tickets:issue', 'reports:read', 'employees:read organization:read', 'employees:read rating_tickets:issue', 'employees:read reports:read', 'organization:read rating_tickets:issue', 'organization:read reports:read', 'rating_tickets:issue reports:read', 'employees:read organization:read rating_tickets:issue', 'employees:read organization:read reports:read', 'employees:read rating_tickets:issue reports:read', 'organization:read rating_tickets:issue reports:read', 'employees:read organization:read rating_tickets:issue reports:read'));
