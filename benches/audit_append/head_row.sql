-- Before: the write bumps the organisation's head first and holds its lock until commit (the
-- 1 ms sleep stands for the rest of the write's work in the same transaction).
BEGIN;
UPDATE heads SET seq = seq + 1 WHERE organization_id = 'org' RETURNING seq, hash;
SELECT pg_sleep(0.001);
UPDATE heads SET hash = md5(random()::text) WHERE organization_id = 'org';
INSERT INTO events (id, organization_id, seq, occurred_at, action, after_state, prev_hash, hash) VALUES (gen_random_uuid()::text, 'org', (SELECT seq FROM heads WHERE organization_id = 'org'), now(), 'citizen_rating.submit', '{}', 'x', md5(random()::text));
COMMIT;
