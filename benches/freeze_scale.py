#!/usr/bin/env python3
"""How closing a period scales: freezing every score of N employees in the close transaction.

  1. clones the demo's Dewi Lestari (staf2: two targets, three aspects each, verified achievements
     every quarter, published assessments) N times for last year's period, straight into the
     database (psql for PostgreSQL, sqlite3 for SQLite), with ids `bench-…`,
  2. closes last year's period through the running server and times the request (it stores
     (N + 7) × 5 scores: the year and four quarters of everyone),
  3. reads one clone's frozen score and a page of the unit's scores, timed.

Load the demo data (`kinerja seed --demo`), start the server on the same database, then run, e.g.
  python3 benches/freeze_scale.py --password 'the demo password' --employees 2000 --database-url sqlite://kinerja.db
Standard library only (and the psql client for PostgreSQL). Never point it at real data.
"""

import argparse
import json
import sqlite3
import subprocess
import time
import urllib.request

ALLOWED_HOSTS = ("127.0.0.1", "localhost", "[::1]")
STAF2 = "199207302019022005"


def call(base, method, path, token=None, body=None, headers=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    with urllib.request.urlopen(req, timeout=600) as resp:
        return json.loads(resp.read() or b"null")


def clone_sql(dialect, n, period):
    series = (
        f"(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) SELECT i FROM s) n"
        if dialect == "sqlite"
        else f"generate_series(1, {n}) AS n(i)"
    )
    nip = "printf('8%017d', n.i)" if dialect == "sqlite" else "'8' || lpad(n.i::text, 17, '0')"
    me = f"(SELECT id FROM employees WHERE nip = '{STAF2}')"
    skp = f"(SELECT id FROM skps WHERE employee_id = {me} AND period_id = '{period}')"
    targets = f"(SELECT id FROM skp_targets WHERE skp_id = {skp})"
    indicators = f"(SELECT id FROM skp_indicators WHERE target_id IN {targets})"
    p = "'bench-' || n.i || '-' || "
    return f"""
INSERT INTO employees (id, organization_id, unit_id, supervisor_id, nip, name, position, job_level, roles,
  password_hash, active, version, created_at, updated_at)
SELECT {p}e.id, e.organization_id, e.unit_id, e.supervisor_id, {nip}, 'Bench ' || n.i, e.position, e.job_level,
  e.roles, NULL, e.active, 1, e.created_at, e.updated_at FROM employees e, {series} WHERE e.nip = '{STAF2}';
INSERT INTO skps (id, organization_id, period_id, employee_id, revision, status, resources, accountability,
  consequences, approver_id, return_comment, submitted_at, decided_at, version, created_at, updated_at)
SELECT {p}s.id, s.organization_id, s.period_id, {p}s.employee_id, s.revision, s.status, s.resources,
  s.accountability, s.consequences, s.approver_id, s.return_comment, s.submitted_at, s.decided_at, s.version,
  s.created_at, s.updated_at FROM skps s, {series} WHERE s.id = {skp};
INSERT INTO skp_targets (id, skp_id, lineage_id, position, description, kind, perspective, weight, supports_lineage_id)
SELECT {p}t.id, {p}t.skp_id, {p}t.lineage_id, t.position, t.description, t.kind, t.perspective, t.weight,
  t.supports_lineage_id FROM skp_targets t, {series} WHERE t.skp_id = {skp};
INSERT INTO skp_indicators (id, target_id, position, description)
SELECT {p}i.id, {p}i.target_id, i.position, i.description FROM skp_indicators i, {series} WHERE i.target_id IN {targets};
INSERT INTO skp_aspects (id, indicator_id, aspect, target_value, unit)
SELECT {p}a.id, {p}a.indicator_id, a.aspect, a.target_value, a.unit FROM skp_aspects a, {series}
  WHERE a.indicator_id IN {indicators};
INSERT INTO achievements (id, organization_id, period_id, sub_period_id, employee_id, skp_id, target_lineage_id,
  indicator_id, aspect_id, aspect, realised_value, unit, note, status, submitted_at, verifier_id, decided_at,
  rejection_reason, version, created_at, updated_at)
SELECT {p}a.id, a.organization_id, a.period_id, a.sub_period_id, {p}a.employee_id, {p}a.skp_id,
  {p}a.target_lineage_id, {p}a.indicator_id, {p}a.aspect_id, a.aspect, a.realised_value, a.unit, a.note, a.status,
  a.submitted_at, a.verifier_id, a.decided_at, a.rejection_reason, a.version, a.created_at, a.updated_at
  FROM achievements a, {series} WHERE a.skp_id = {skp};
INSERT INTO assessments (id, organization_id, period_id, sub_period_id, employee_id, author_id, kind, status,
  results_rating, behaviour_rating, comment, reason, coaching, recognition, published_at, version, created_at, updated_at)
SELECT {p}a.id, a.organization_id, a.period_id, a.sub_period_id, {p}a.employee_id, a.author_id, a.kind, a.status,
  a.results_rating, a.behaviour_rating, a.comment, a.reason, a.coaching, a.recognition, a.published_at, a.version,
  a.created_at, a.updated_at FROM assessments a, {series} WHERE a.employee_id = {me} AND a.period_id = '{period}';
INSERT INTO assessment_scores (assessment_id, berakhlak_value, score)
SELECT {p}x.assessment_id, x.berakhlak_value, x.score FROM assessment_scores x, {series}
  WHERE x.assessment_id IN (SELECT id FROM assessments WHERE employee_id = {me} AND period_id = '{period}');
"""


def run_sql(url, sql):
    if url.startswith("sqlite://"):
        db = sqlite3.connect(url[len("sqlite://"):], timeout=60)
        db.executescript("BEGIN;" + sql + "COMMIT;")
        db.close()
    else:
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-1", "-c", sql], check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default="http://127.0.0.1:8080")
    ap.add_argument("--password", required=True)
    ap.add_argument("--employees", type=int, default=2000)
    ap.add_argument("--database-url", required=True)
    args = ap.parse_args()
    if not any(f"//{h}" in args.base for h in ALLOWED_HOSTS):
        raise SystemExit("only a server on this machine")
    token = call(args.base, "POST", "/api/v1/auth/token",
                 body={"grant_type": "password", "nip": "197801152003121001", "password": args.password})["access_token"]
    period = call(args.base, "GET", "/api/v1/periods?status=evaluating", token)["items"][0]
    dialect = "sqlite" if args.database_url.startswith("sqlite://") else "postgres"
    started = time.monotonic()
    run_sql(args.database_url, clone_sql(dialect, args.employees, period["id"]))
    print(f"cloned {args.employees} employees in {time.monotonic() - started:.1f} s ({dialect})")
    started = time.monotonic()
    closed = call(args.base, "POST", f"/api/v1/periods/{period['id']}/status", token, {"status": "closed"},
                  {"if-match": f"\"{period['version']}\""})
    took = time.monotonic() - started
    print(f"closed {period['year']} ({closed['status']}): {(args.employees + 7) * 5} scores frozen in {took:.2f} s")
    me = [e for e in call(args.base, "GET", "/api/v1/employees?limit=200", token)["items"] if e["nip"] == STAF2][0]
    started = time.monotonic()
    unit = call(args.base, "GET", f"/api/v1/units/{me['unit_id']}/scores?period_id={period['id']}&limit=200", token)
    print(f"a page of 200 frozen unit scores in {time.monotonic() - started:.3f} s "
          f"(states: {sorted(set(i['state'] for i in unit['items']))})")


if __name__ == "__main__":
    main()
