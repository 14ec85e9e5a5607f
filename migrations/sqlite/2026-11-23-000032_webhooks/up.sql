-- Portals may be given `webhooks:manage`: the scopes' value list grows by it.

DROP TRIGGER service_clients_scopes_known_insert;

DROP TRIGGER service_clients_scopes_known_update;

CREATE TRIGGER service_clients_scopes_known_insert BEFORE INSERT ON service_clients
WHEN NEW.scopes NOT IN ('', 'employees:read', 'organization:read', 'rating_tickets:issue', 'reports:read', 'webhooks:manage', 'employees:read organization:read', 'employees:read rating_tickets:issue', 'employees:read reports:read', 'employees:read webhooks:manage', 'organization:read rating_tickets:issue', 'organization:read reports:read', 'organization:read webhooks:manage', 'rating_tickets:issue reports:read', 'rating_tickets:issue webhooks:manage', 'reports:read webhooks:manage', 'employees:read organization:read rating_tickets:issue', 'employees:read organization:read reports:read', 'employees:read organization:read webhooks:manage', 'employees:read rating_tickets:issue reports:read', 'employees:read rating_tickets:issue webhooks:manage', 'employees:read reports:read webhooks:manage', 'organization:read rating_tickets:issue reports:read', 'organization:read rating_tickets:issue webhooks:manage', 'organization:read reports:read webhooks:manage', 'rating_tickets:issue reports:read webhooks:manage', 'employees:read organization:read rating_tickets:issue reports:read', 'employees:read organization:read rating_tickets:issue webhooks:manage', 'employees:read organization:read reports:read webhooks:manage', 'employees:read rating_tickets:issue reports:read webhooks:manage', 'organization:read rating_tickets:issue reports:read webhooks:manage', 'employees:read organization:read rating_tickets:issue reports:read webhooks:manage')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: service_clients_scopes_known'); END;

CREATE TRIGGER service_clients_scopes_known_update BEFORE UPDATE OF scopes ON service_clients
WHEN NEW.scopes NOT IN ('', 'employees:read', 'organization:read', 'rating_tickets:issue', 'reports:read', 'webhooks:manage', 'employees:read organization:read', 'employees:read rating_tickets:issue', 'employees:read reports:read', 'employees:read webhooks:manage', 'organization:read rating_tickets:issue', 'organization:read reports:read', 'organization:read webhooks:manage', 'rating_tickets:issue reports:read', 'rating_tickets:issue webhooks:manage', 'reports:read webhooks:manage', 'employees:read organization:read rating_tickets:issue', 'employees:read organization:read reports:read', 'employees:read organization:read webhooks:manage', 'employees:read rating_tickets:issue reports:read', 'employees:read rating_tickets:issue webhooks:manage', 'employees:read reports:read webhooks:manage', 'organization:read rating_tickets:issue reports:read', 'organization:read rating_tickets:issue webhooks:manage', 'organization:read reports:read webhooks:manage', 'rating_tickets:issue reports:read webhooks:manage', 'employees:read organization:read rating_tickets:issue reports:read', 'employees:read organization:read rating_tickets:issue webhooks:manage', 'employees:read organization:read reports:read webhooks:manage', 'employees:read rating_tickets:issue reports:read webhooks:manage', 'organization:read rating_tickets:issue reports:read webhooks:manage', 'employees:read organization:read rating_tickets:issue reports:read webhooks:manage')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: service_clients_scopes_known'); END;

-- Webhooks: a portal (a service client with `webhooks:manage`) registers endpoints for event
-- types. The audit trail is the outbox: a dispatcher turns sealed audit events past the
-- organisation's cursor into deliveries, in one transaction, so a rolled-back write sends nothing
-- and a crash loses nothing.
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    service_client_id TEXT NOT NULL REFERENCES service_clients (id),
    url TEXT NOT NULL,
    -- The signing secret (`whsec_` and base64); it must be kept to sign, so it is not hashed.
    secret TEXT NOT NULL,
    event_types TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhooks_organization ON webhooks (organization_id, active);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    last_attempt_at TIMESTAMP,
    last_status_code INTEGER,
    last_error TEXT,
    delivered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (webhook_id, event_id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, id);

-- How far each organisation's sealed audit events have been turned into deliveries.
CREATE TABLE webhook_cursors (
    organization_id TEXT PRIMARY KEY REFERENCES organizations (id),
    seq BIGINT NOT NULL
);

CREATE TRIGGER webhook_deliveries_status_known_insert BEFORE INSERT ON webhook_deliveries
WHEN NEW.status NOT IN ('pending', 'delivered', 'failed')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: webhook_deliveries_status_known'); END;

CREATE TRIGGER webhook_deliveries_status_known_update BEFORE UPDATE OF status ON webhook_deliveries
WHEN NEW.status NOT IN ('pending', 'delivered', 'failed')
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: webhook_deliveries_status_known'); END;
