-- A portal's tickets of the last minute are counted on every issuance (the per-portal limit):
-- by portal and time, so the count reads one minute of one portal's tickets.
DROP INDEX rating_tickets_issued_by;
CREATE INDEX rating_tickets_issued_by_time ON rating_tickets (issued_by, created_at);
