-- pgbench: the minimal durable work of one citizen rating, in one transaction: claim the ticket
-- (by the hash of its token, only if unused), insert the rating, insert one audit event. The
-- tickets are tickets.py's bench-{set}-{client}-{n}; run with -D set=N -D n=0 (a numeric set) so each client
-- counts its own tickets.
\set n :n + 1
BEGIN;
UPDATE rating_tickets SET used_at = now()
  WHERE token_hash = encode(sha256(('bench-' || :set || '-' || :client_id || '-' || :n)::bytea), 'hex')
    AND used_at IS NULL;
INSERT INTO citizen_ratings (id, organization_id, unit_id, officer_id, ticket_id, persyaratan, prosedur,
    waktu_penyelesaian, biaya_tarif, produk_layanan, kompetensi_pelaksana, perilaku_pelaksana,
    penanganan_pengaduan, sarana_prasarana, comment, submitted_at)
  SELECT 'r-' || id, organization_id, unit_id, officer_id, id, 4, 4, 3, 4, 4, 4, 4, 3, 4, NULL, now()
  FROM rating_tickets WHERE id = 'bench-' || :set || '-' || :client_id || '-' || :n;
INSERT INTO audit_events (id, organization_id, seq, occurred_at, actor_kind, actor_id, action, resource_type,
    resource_id, before_state, after_state, request_id, content_hash, prev_hash, hash, sealed_at)
  SELECT 'a-' || id, organization_id, NULL, now(), 'citizen', id, 'citizen_rating.submit', 'citizen_rating',
    'r-' || id, NULL, '{"persyaratan":4}', NULL, repeat('0', 64), NULL, NULL, NULL
  FROM rating_tickets WHERE id = 'bench-' || :set || '-' || :client_id || '-' || :n;
COMMIT;
