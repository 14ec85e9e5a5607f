#!/usr/bin/env python3
"""How the score report's yearly CSV scales: time to the last byte and the server's peak memory.

  clone  adds N clones of the demo's Dewi Lestari to last year's period (benches/freeze_scale.py's
         SQL, each clone with its reporting line), straight into the database;
  csv    downloads the organisation's yearly score table as CSV (and, with --xlsx, as XLSX) from
         the running server, timing the first and the last byte, and reads the server's peak
         resident memory (VmHWM of /proc/PID/status, reset before the download through
         /proc/PID/clear_refs), then exports the same rows (employee, unit, supervisor and, once
         frozen, the stored score) with the database's own client (`psql \\copy`, `sqlite3 -csv`)
         as a floor to compare with;
  close  closes last year's period (freezing every score), so that `csv` then reads frozen scores.

Load the demo (`kinerja seed --demo`), start the release server on the same database, then e.g.
  python3 benches/report_scale.py --password '…' --database-url sqlite://kinerja.db clone --employees 20000
  python3 benches/report_scale.py --password '…' --database-url sqlite://kinerja.db csv --pid $(pgrep -n kinerja)
Standard library only (and the psql / sqlite3 clients). Never point it at real data.
"""

import argparse
import os
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from freeze_scale import ALLOWED_HOSTS, STAF2, call, clone_sql, run_sql  # noqa: E402

ADMIN, AUDITOR = "197801152003121001", "198511112010011007"


def token(base, nip, password):
    body = {"grant_type": "password", "nip": nip, "password": password}
    return call(base, "POST", "/api/v1/auth/token", body=body)["access_token"]


def memory(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # MiB
    raise SystemExit(f"no {field} for {pid}")


def reset_peak(pid):
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the current resident size


def download(base, path, token, out, accept=None):
    req = urllib.request.Request(base + path)
    req.add_header("authorization", f"Bearer {token}")
    if accept:
        req.add_header("accept", accept)
    started = time.monotonic()
    size = 0
    with urllib.request.urlopen(req, timeout=3600) as resp, open(out, "wb") as f:
        first = None
        while True:
            chunk = resp.read(1 << 16)
            if first is None:
                first = time.monotonic() - started
            if not chunk:
                break
            size += len(chunk)
            f.write(chunk)
    return first, time.monotonic() - started, size


def copy_rows(url, period_id, out):
    """The same rows by the database's own client: employee, unit, supervisor, stored score."""
    select = f"""SELECT e.nip, e.name, e.position, u.code, u.name, s.nip, s.name, x.state, x.policy_version, x.result
FROM employees e JOIN units u ON u.id = e.unit_id LEFT JOIN employees s ON s.id = e.supervisor_id
LEFT JOIN (SELECT employee_id, 'frozen' AS state, policy_version, result FROM score_snapshots
  WHERE period_id = '{period_id}' AND scope = 'year'
  AND snapshot = (SELECT max(snapshot) FROM score_snapshots WHERE period_id = '{period_id}')) x
  ON x.employee_id = e.id
WHERE e.organization_id = (SELECT organization_id FROM employees WHERE nip = '{STAF2}') ORDER BY e.nip"""
    select = " ".join(select.split())
    started = time.monotonic()
    if url.startswith("sqlite://"):
        with open(out, "wb") as f:
            subprocess.run(["sqlite3", "-csv", "-header", url[len("sqlite://"):], select], check=True, stdout=f)
    else:
        subprocess.run(["psql", "-q", url, "-c", f"\\copy ({select}) TO '{out}' CSV HEADER"], check=True)
    return time.monotonic() - started


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default="http://127.0.0.1:8080")
    ap.add_argument("--password", required=True)
    ap.add_argument("--database-url", required=True)
    sub = ap.add_subparsers(dest="command", required=True)
    clone = sub.add_parser("clone")
    clone.add_argument("--employees", type=int, default=20000)
    csv = sub.add_parser("csv")
    csv.add_argument("--pid", type=int, required=True, help="the server's process id")
    csv.add_argument("--out", default="/tmp/kinerja-report-scale")
    csv.add_argument("--xlsx", action="store_true")
    sub.add_parser("close")
    args = ap.parse_args()
    if not any(f"//{h}" in args.base for h in ALLOWED_HOSTS):
        raise SystemExit("only a server on this machine")
    admin = token(args.base, ADMIN, args.password)
    period = call(args.base, "GET", "/api/v1/periods?limit=200", admin)["items"]
    period = [p for p in period if p["status"] in ("evaluating", "closed")][0]
    dialect = "sqlite" if args.database_url.startswith("sqlite://") else "postgres"

    if args.command == "clone":
        started = time.monotonic()
        lines = f"""
INSERT INTO reporting_lines (id, organization_id, employee_id, unit_id, supervisor_id, effective_from,
  effective_to, reason, changed_by_kind, changed_by, created_at)
SELECT 'rl-' || e.id, e.organization_id, e.id, e.unit_id, e.supervisor_id, date(e.created_at), NULL,
  'bench clone', 'cli', 'benches/report_scale.py', e.created_at FROM employees e WHERE e.id LIKE 'bench-%';
"""
        run_sql(args.database_url, clone_sql(dialect, args.employees, period["id"]) + lines)
        print(f"cloned {args.employees} employees with their reporting lines in {time.monotonic() - started:.1f} s")
    elif args.command == "close":
        started = time.monotonic()
        closed = call(args.base, "POST", f"/api/v1/periods/{period['id']}/status", admin, {"status": "closed"},
                      {"if-match": f"\"{period['version']}\""})
        print(f"closed {period['year']} ({closed['status']}) in {time.monotonic() - started:.1f} s")
    else:
        auditor = token(args.base, AUDITOR, args.password)
        me = call(args.base, "GET", "/api/v1/me", auditor)
        org = me["organization"]["id"]
        path = f"/api/v1/organizations/{org}/reports/scores?period_id={period['id']}"
        call(args.base, "GET", path + "&limit=1", auditor)  # warm: the pool's connections, the caches
        formats = [("csv", "text/csv")] + ([("xlsx", None)] if args.xlsx else [])
        for name, accept in formats:
            rss = memory(args.pid, "VmRSS")
            reset_peak(args.pid)
            suffix = "" if accept else f"&format={name}"
            out = f"{args.out}.{name}"
            first, last, size = download(args.base, path + suffix, auditor, out, accept)
            peak = memory(args.pid, "VmHWM")
            rows = sum(1 for _ in open(out, "rb")) - 1 if name == "csv" else None
            print(f"{dialect} {period['status']} {name}: {size / 1e6:.1f} MB"
                  + (f", {rows} rows" if rows is not None else "")
                  + f", first byte {first:.2f} s, last byte {last:.2f} s; server RSS {rss:.0f} MiB before,"
                  f" peak {peak:.0f} MiB during (+{max(peak - rss, 0):.0f})")
        took = copy_rows(args.database_url, period["id"], f"{args.out}.copy.csv")
        size = os.path.getsize(f"{args.out}.copy.csv")
        print(f"{dialect} {period['status']} the same rows by the database client: {size / 1e6:.1f} MB in {took:.2f} s")


if __name__ == "__main__":
    main()
