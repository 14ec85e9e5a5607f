DROP TABLE idempotency_keys;
DROP TABLE audit_heads;
DROP TABLE audit_events;
DROP TABLE refresh_tokens;
DROP TABLE service_clients;
DROP TABLE employees;
DROP TABLE units;
DROP TABLE organizations;
