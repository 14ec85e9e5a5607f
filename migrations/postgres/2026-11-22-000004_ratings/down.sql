DROP TABLE rate_limits;
DROP TABLE citizen_ratings;
DROP TABLE rating_tickets;
DROP TABLE peer_ratings;
DROP TABLE peer_assignments;
