#!/usr/bin/env python3
"""Writes SQL that inserts unused rating tickets with known tokens, for the load runs:
token `bench-{set}-{client}-{n}` (n from 1) for each client (a wrk thread or a pgbench client),
stored as the service stores it (the SHA-256 of the token, hex). Issued long ago, so the
per-portal issuance limit does not count them. Standard library only.

  python3 tickets.py --set r16a --clients 2 --per-client 15000 --org ORG --unit UNIT --portal PORTAL > t.sql
"""
import argparse
import hashlib

p = argparse.ArgumentParser()
p.add_argument("--set", required=True)
p.add_argument("--clients", type=int, required=True)
p.add_argument("--per-client", type=int, required=True)
p.add_argument("--org", required=True)
p.add_argument("--unit", required=True)
p.add_argument("--officer", default=None)
p.add_argument("--portal", required=True)
a = p.parse_args()

officer = f"'{a.officer}'" if a.officer else "NULL"
rows = []


def flush():
    if rows:
        print("INSERT INTO rating_tickets (id, organization_id, unit_id, officer_id, issued_by, reference, token_hash, "
              "expires_at, used_at, created_at) VALUES " + ", ".join(rows) + ";")
        rows.clear()


print("BEGIN;")
for c in range(a.clients):
    for n in range(1, a.per_client + 1):
        token = f"bench-{a.set}-{c}-{n}"
        digest = hashlib.sha256(token.encode()).hexdigest()
        rows.append(f"('{token}', '{a.org}', '{a.unit}', {officer}, '{a.portal}', NULL, '{digest}', "
                    f"'2099-01-01 00:00:00', NULL, '2000-01-01 00:00:00')")
        if len(rows) == 1000:
            flush()
flush()
print("COMMIT;")
