-- Back to the scopes without reports:read (portals holding it must lose it first).

ALTER TABLE service_clients DROP CONSTRAINT service_clients_scopes_known;

ALTER TABLE service_clients ADD CONSTRAINT service_clients_scopes_known CHECK (scopes IN ('', 'employees:read', 'organization:read', 'rating_tickets:issue', 'employees:read organization:read', 'employees:read rating_tickets:issue', 'organization:read rating_tickets:issue', 'employees:read organization:read rating_tickets:issue'));
