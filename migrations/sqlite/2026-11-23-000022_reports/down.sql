-- Back to the scopes without reports:read (portals holding it must lose it first).

DROP TRIGGER service_clients_scopes_known_insert;

DROP TRIGGER service_clients_scopes_known_update;

CREATE TRIGGER service_clients_scopes_known_insert BEFORE INSERT ON service_clients
WHEN NEW.scopes NOT IN ('', 'employees:read', 'organization:read', 'rating_tickets:issue', 'employees:read organization:read', 'employees:read rating_tickets:issue', 'organization:read rating_tickets:issue', 'employees:read organization:read rating_tickets:issue')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: service_clients_scopes_known'); END;

CREATE TRIGGER service_clients_scopes_known_update BEFORE UPDATE OF scopes ON service_clients
WHEN NEW.scopes NOT IN ('', 'employees:read', 'organization:read', 'rating_tickets:issue', 'employees:read organization:read', 'employees:read rating_tickets:issue', 'organization:read rating_tickets:issue', 'employees:read organization:read rating_tickets:issue')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: service_clients_scopes_known'); END;
