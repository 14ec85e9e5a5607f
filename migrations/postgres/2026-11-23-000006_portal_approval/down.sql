DROP INDEX rating_tickets_issued_by;
ALTER TABLE service_clients DROP COLUMN approved_at;
ALTER TABLE service_clients DROP COLUMN approved_by;
ALTER TABLE service_clients DROP COLUMN created_by;
