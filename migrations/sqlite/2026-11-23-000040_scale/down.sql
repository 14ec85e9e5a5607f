DROP INDEX rating_tickets_issued_by_time;
CREATE INDEX rating_tickets_issued_by ON rating_tickets (issued_by);
