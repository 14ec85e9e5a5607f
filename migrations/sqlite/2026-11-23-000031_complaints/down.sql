-- Back to no complaints and the scopes without complaints:write (portals holding it must lose it first).

DROP TABLE complaints;

DROP TRIGGER service_clients_scopes_known_insert;

DROP TRIGGER service_clients_scopes_known_update;

CREATE TRIGGER service_clients_scopes_known_insert BEFORE INSERT ON service_clients
WHEN NEW.scopes NOT IN ('', 'employees:read', 'organization:read', 'rating_tickets:issue', 'reports:read', 'employees:read organization:read', 'employees:read rating_tickets:issue', 'employees:read reports:read', 'organization:read rating_tickets:issue', 'organization:read reports:read', 'rating_tickets:issue reports:read', 'employees:read organization:read rating_tickets:issue', 'employees:read organization:read reports:read', 'employees:read rating_tickets:issue reports:read', 'organization:read rating_tickets:issue reports:read', 'employees:read organization:read rating_tickets:issue reports:read')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: service_clients_scopes_known'); END;

CREATE TRIGGER service_clients_scopes_known_update BEFORE UPDATE OF scopes ON service_clients
WHEN NEW.scopes NOT IN ('', 'employees:read', 'organization:read', 'rating_tickets:issue', 'reports:read', 'employees:read organization:read', 'employees:read rating_tickets:issue', 'employees:read reports:read', 'organization:read rating_tickets:issue', 'organization:read reports:read', 'rating_tickets:issue reports:read', 'employees:read organization:read rating_tickets:issue', 'employees:read organization:read reports:read', 'employees:read rating_tickets:issue reports:read', 'organization:read rating_tickets:issue reports:read', 'employees:read organization:read rating_tickets:issue reports:read')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: service_clients_scopes_known'); END;
