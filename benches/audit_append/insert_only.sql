-- After: the write only inserts its event with its content hash; the sealer links it later.
BEGIN;
SELECT pg_sleep(0.001);
INSERT INTO events (id, organization_id, occurred_at, action, after_state, content_hash) VALUES (gen_random_uuid()::text, 'org', now(), 'citizen_rating.submit', '{}', md5(random()::text));
COMMIT;
