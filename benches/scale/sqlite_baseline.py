#!/usr/bin/env python3
"""The SQLite baselines (pgbench speaks only PostgreSQL): the same minimal durable work of a
citizen rating as rating_minimal.pg.sql (claim the ticket by its token's hash, insert the rating,
insert an audit event, in one write transaction), or a primary-key SELECT (as `pgbench -S`), from
C threads with a connection each, configured as the service configures its own (WAL,
synchronous=NORMAL, busy_timeout). Prints `RESULT tps=… p50_ms=… p99_ms=…`. Standard library only.

  python3 sqlite_baseline.py --db bench.db --clients 16 --transactions 1000 --set 2161 rating
  python3 sqlite_baseline.py --db bench.db --clients 16 --seconds 10 select
"""
import argparse
import hashlib
import random
import sqlite3
import threading
import time

p = argparse.ArgumentParser()
p.add_argument("--db", required=True)
p.add_argument("--clients", type=int, default=16)
p.add_argument("--transactions", type=int, default=1000)
p.add_argument("--seconds", type=float, default=10)
p.add_argument("--set", default="0")
p.add_argument("mode", choices=["rating", "select"])
a = p.parse_args()

latencies = []
lock = threading.Lock()


def connect():
    c = sqlite3.connect(a.db, timeout=30, isolation_level=None, check_same_thread=False)
    c.execute("PRAGMA journal_mode = WAL")
    c.execute("PRAGMA synchronous = NORMAL")
    c.execute("PRAGMA busy_timeout = 30000")
    return c


def rating(client):
    c = connect()
    mine = []
    for n in range(1, a.transactions + 1):
        token = f"bench-{a.set}-{client}-{n}"
        digest = hashlib.sha256(token.encode()).hexdigest()
        t0 = time.perf_counter()
        c.execute("BEGIN IMMEDIATE")
        now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
        c.execute("UPDATE rating_tickets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL", (now, digest))
        c.execute(
            "INSERT INTO citizen_ratings (id, organization_id, unit_id, officer_id, ticket_id, persyaratan, prosedur,"
            " waktu_penyelesaian, biaya_tarif, produk_layanan, kompetensi_pelaksana, perilaku_pelaksana,"
            " penanganan_pengaduan, sarana_prasarana, comment, submitted_at)"
            " SELECT 'r-' || id, organization_id, unit_id, officer_id, id, 4, 4, 3, 4, 4, 4, 4, 3, 4, NULL, ?"
            " FROM rating_tickets WHERE id = ?", (now, token))
        c.execute(
            "INSERT INTO audit_events (id, organization_id, seq, occurred_at, actor_kind, actor_id, action,"
            " resource_type, resource_id, before_state, after_state, request_id, content_hash, prev_hash, hash,"
            " sealed_at) SELECT 'a-' || id, organization_id, NULL, ?, 'citizen', id, 'citizen_rating.submit',"
            " 'citizen_rating', 'r-' || id, NULL, '{\"persyaratan\":4}', NULL, ?, NULL, NULL, NULL"
            " FROM rating_tickets WHERE id = ?", (now, "0" * 64, token))
        c.execute("COMMIT")
        mine.append(time.perf_counter() - t0)
    with lock:
        latencies.extend(mine)


def select(client, ids, until):
    c = connect()
    mine = []
    rnd = random.Random(client)
    while time.perf_counter() < until:
        t0 = time.perf_counter()
        c.execute("SELECT name FROM employees WHERE id = ?", (rnd.choice(ids),)).fetchone()
        mine.append(time.perf_counter() - t0)
    with lock:
        latencies.extend(mine)


start = time.perf_counter()
if a.mode == "rating":
    threads = [threading.Thread(target=rating, args=(i,)) for i in range(a.clients)]
else:
    ids = [r[0] for r in connect().execute("SELECT id FROM employees")]
    until = time.perf_counter() + a.seconds
    start = time.perf_counter()
    threads = [threading.Thread(target=select, args=(i, ids, until)) for i in range(a.clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.perf_counter() - start
latencies.sort()
pct = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
print(f"RESULT tps={len(latencies) / elapsed:.1f} p50_ms={pct(0.5):.2f} p99_ms={pct(0.99):.2f}")
