#!/usr/bin/env python3
"""How the citizen index reads scale: a million ratings of one service unit.

The index is one SQL aggregate; this measures it at a volume no load test reaches in minutes:
  1. adds N synthetic, clearly labelled ratings (ids `bench-…`) of the demo's service unit straight
     into the database (psql for PostgreSQL, sqlite3 for SQLite), spread over the last 300 hours,
  2. times the unit's index and the public figures through the running server (median of 5),
  3. reports the server's resident memory, to show the ratings are not loaded into it.

Load the demo data, start the server on the same database, then run, e.g.
  python3 benches/citizen_index_scale.py --password 'the demo password' --database-url sqlite://kinerja.db
  python3 benches/citizen_index_scale.py --password '…' --database-url postgres://postgres@127.0.0.1/kinerja_bench
Standard library only (and the psql client for PostgreSQL). Never point it at real data.
"""

import argparse
import json
import sqlite3
import statistics
import subprocess
import time
import urllib.parse

from citizen_ratings_load import ALLOWED_HOSTS, call

ELEMENTS = ("persyaratan, prosedur, waktu_penyelesaian, biaya_tarif, produk_layanan, kompetensi_pelaksana, "
            "perilaku_pelaksana, penanganan_pengaduan, sarana_prasarana")


def insert_sql(dialect, n, org, unit):
    series = ("generate_series(1, {n}) AS g(n)" if dialect == "postgres" else "g").format(n=n)
    prefix = "" if dialect == "postgres" else (
        f"WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {n}) ")
    now = "now()::timestamp" if dialect == "postgres" else "datetime('now')"
    ago = ("now()::timestamp - (n % 300) * interval '1 hour'" if dialect == "postgres"
           else "datetime('now', '-' || (n % 300) || ' hours')")
    tickets = (f"{prefix}INSERT INTO rating_tickets (id, organization_id, unit_id, issued_by, token_hash, expires_at, "
               f"used_at, created_at) SELECT 'bench-t-' || n, '{org}', '{unit}', 'bench', 'bench-' || n, {now}, {now}, "
               f"{now} FROM {series}")
    ratings = (f"{prefix}INSERT INTO citizen_ratings (id, organization_id, unit_id, ticket_id, {ELEMENTS}, submitted_at) "
               f"SELECT 'bench-r-' || n, '{org}', '{unit}', 'bench-t-' || n, 1 + n % 4, 1 + (n / 4) % 4, 3, 3, 4, 4, "
               f"2, 3, 3, {ago} FROM {series}")
    return [tickets, ratings]


def run_sql(database_url, statements):
    if database_url.startswith(("postgres://", "postgresql://")):
        script = ";\n".join(statements + ["ANALYZE citizen_ratings"]) + ";"
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", database_url], input=script, text=True, check=True)
    else:
        db = sqlite3.connect(database_url.split("://", 1)[1] if "://" in database_url else database_url)
        db.execute("PRAGMA busy_timeout = 10000")
        for statement in statements:
            db.execute(statement)
        db.commit()
        db.close()


def timed(host, port, path, token=None, runs=5):
    seconds, body = [], None
    for _ in range(runs):
        start = time.perf_counter()
        status, body = call(host, port, "GET", path, token=token)
        seconds.append(time.perf_counter() - start)
        if status != 200:
            raise SystemExit(f"GET {path}: {status} {body}")
    return statistics.median(seconds) * 1000, body


def server_rss_kib(port):
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
    pid = out.split("pid=")[1].split(",")[0] if "pid=" in out else None
    if not pid:
        return None
    with open(f"/proc/{pid}/status") as status:
        return next((int(line.split()[1]) for line in status if line.startswith("VmRSS")), None)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--database-url", required=True, help="the server's DATABASE_URL")
    parser.add_argument("--nip", default="197801152003121001", help="an admin's NIP (the demo admin by default)")
    parser.add_argument("--password", required=True)
    parser.add_argument("--unit-code", default="bid-pelayanan", help="a service unit's code")
    parser.add_argument("--org-code", default="demo")
    parser.add_argument("--ratings", type=int, default=1_000_000)
    args = parser.parse_args()

    url = urllib.parse.urlparse(args.url)
    if url.hostname not in ALLOWED_HOSTS or not (1 <= args.ratings <= 5_000_000):
        raise SystemExit("only a server on this machine, and 1 to 5,000,000 ratings")
    host, port = url.hostname, url.port or 80
    status, tokens = call(host, port, "POST", "/api/v1/auth/token",
                          {"grant_type": "password", "nip": args.nip, "password": args.password})
    if status != 200:
        raise SystemExit(f"login failed: {status} {tokens}")
    token = tokens["access_token"]
    me = call(host, port, "GET", "/api/v1/me", token=token)[1]
    org = me["organization"]["id"]
    units = call(host, port, "GET", f"/api/v1/organizations/{org}/units?limit=200", token=token)[1]["items"]
    unit = next(u["id"] for u in units if u["code"] == args.unit_code)
    period = call(host, port, "GET", f"/api/v1/periods?year={time.gmtime().tm_year}", token=token)[1]["items"][0]["id"]

    dialect = "postgres" if args.database_url.startswith(("postgres://", "postgresql://")) else "sqlite"
    start = time.perf_counter()
    run_sql(args.database_url, insert_sql(dialect, args.ratings, org, unit))
    print(f"inserted {args.ratings} synthetic ratings in {time.perf_counter() - start:.1f} s ({dialect})")

    ms, body = timed(host, port, f"/api/v1/units/{unit}/citizen-index?period_id={period}", token)
    result = body["result"]
    print(f"unit index over {result['respondents']} ratings: {ms:.0f} ms (median of 5; "
          f"converted {result.get('converted', 0):.2f}, mutu {result.get('mutu')})")
    ms, body = timed(host, port, f"/api/v1/public/organizations/{args.org_code}/citizen-index")
    print(f"public figures of {len(body['units'])} service units: {ms:.0f} ms (median of 5)")
    rss = server_rss_kib(port)
    if rss:
        print(f"server resident memory: {rss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
