#!/usr/bin/env python3
"""Load test of the highest-volume write: citizens submitting SKM ratings.

Runs against a live server (only loopback addresses), bounded in count and time:
  1. logs in as an admin and as a ticket-issuing portal, and has the portal issue N one-time
     rating tickets for a service unit,
  2. submits the N ratings from C concurrent clients and reports throughput and latency,
  3. reads the unit's citizen index (one SQL aggregate over all ratings) and reports its latency.

Start the server with a ticket issuance limit above the load, e.g.
  KINERJA_TICKET_RATE_LIMIT=1000000 cargo run --release
load the demo data first (`kinerja seed --demo`) and create the portal
(`kinerja client create --org-code demo --name desk --scope rating_tickets:issue`). Standard library only.

  python3 benches/citizen_ratings_load.py --password 'the demo password' --client-id ID --client-secret S \
      --ratings 2000 --concurrency 16
"""

import argparse
import http.client
import json
import statistics
import threading
import time
import urllib.parse

ALLOWED_HOSTS = {"127.0.0.1", "localhost", "::1"}


def call(host, port, method, path, body=None, token=None):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, (json.loads(data) if data else None)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--nip", default="197801152003121001", help="an admin's NIP (the demo admin by default)")
    parser.add_argument("--password", required=True)
    parser.add_argument("--unit-code", default="bid-pelayanan", help="a service unit's code")
    parser.add_argument("--client-id", required=True, help="a ticket-issuing portal's id (kinerja client create)")
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--ratings", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=120.0, help="stop submitting after this long")
    args = parser.parse_args()

    url = urllib.parse.urlparse(args.url)
    if url.hostname not in ALLOWED_HOSTS:
        raise SystemExit("refusing to load anything but a server on this machine")
    host, port = url.hostname, url.port or 80
    if not (1 <= args.ratings <= 100_000 and 1 <= args.concurrency <= 64):
        raise SystemExit("keep --ratings within 1-100000 and --concurrency within 1-64")

    status, tokens = call(host, port, "POST", "/api/v1/auth/token", {"grant_type": "password", "nip": args.nip, "password": args.password})
    if status != 200:
        raise SystemExit(f"login failed: {status} {tokens}")
    token = tokens["access_token"]
    status, me = call(host, port, "GET", "/api/v1/me", token=token)
    org_id = me["organization"]["id"]
    status, units = call(host, port, "GET", f"/api/v1/organizations/{org_id}/units?limit=200", token=token)
    unit = next(u for u in units["items"] if u["code"] == args.unit_code)
    year = time.gmtime().tm_year
    status, periods = call(host, port, "GET", f"/api/v1/periods?year={year}", token=token)
    period_id = periods["items"][0]["id"] if periods["items"] else None

    # Tickets come from a portal (admins may not issue them, and a ticket-issuing portal an admin
    # registers waits for a second admin): pass one the operator made with
    # `kinerja client create --org-code demo --name desk --scope rating_tickets:issue`.
    status, desk = call(host, port, "POST", "/api/v1/auth/token", {
        "grant_type": "client_credentials", "client_id": args.client_id, "client_secret": args.client_secret})
    if status != 200:
        raise SystemExit(f"the portal's login failed: {status} {desk}")
    desk_token = desk["access_token"]

    started = time.perf_counter()
    tickets = []
    for _ in range(args.ratings):
        status, ticket = call(host, port, "POST", "/api/v1/rating-tickets", {"unit_id": unit["id"]}, desk_token)
        if status != 201:
            raise SystemExit(f"issuing a ticket failed: {status} {ticket}")
        tickets.append(ticket["token"])
    issue_seconds = time.perf_counter() - started

    latencies, failures, lock = [], [], threading.Lock()
    queue = list(enumerate(tickets))
    deadline = time.perf_counter() + args.max_seconds

    def worker():
        conn = http.client.HTTPConnection(host, port, timeout=30)
        while time.perf_counter() < deadline:
            with lock:
                if not queue:
                    break
                i, ticket = queue.pop()
            scores = {e: 1 + (i + k) % 4 for k, e in enumerate([
                "persyaratan", "prosedur", "waktu_penyelesaian", "biaya_tarif", "produk_layanan",
                "kompetensi_pelaksana", "perilaku_pelaksana", "penanganan_pengaduan", "sarana_prasarana"])}
            body = json.dumps({"ticket": ticket, "scores": scores})
            t0 = time.perf_counter()
            conn.request("POST", "/api/v1/public/citizen-ratings", body=body, headers={"content-type": "application/json"})
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - t0
            with lock:
                if response.status == 201:
                    latencies.append(elapsed)
                else:
                    failures.append(response.status)
        conn.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    submit_seconds = time.perf_counter() - t0

    index_ms = None
    if period_id:
        t1 = time.perf_counter()
        status, index = call(host, port, "GET", f"/api/v1/units/{unit['id']}/citizen-index?period_id={period_id}", token=token)
        index_ms = (time.perf_counter() - t1) * 1000

    ms = [x * 1000 for x in latencies]
    print(f"tickets issued: {len(tickets)} in {issue_seconds:.2f} s ({len(tickets) / issue_seconds:.0f}/s, one client)")
    print(f"ratings submitted: {len(latencies)} ok, {len(failures)} failed {sorted(set(failures))} "
          f"in {submit_seconds:.2f} s with {args.concurrency} clients")
    if ms:
        print(f"throughput: {len(ms) / submit_seconds:.0f} ratings/s")
        print(f"latency ms: p50 {statistics.median(ms):.1f}, p95 {percentile(ms, 95):.1f}, p99 {percentile(ms, 99):.1f}, max {max(ms):.1f}")
    if index_ms is not None:
        result = index["result"]
        print(f"unit index over {result.get('respondents')} ratings: {index_ms:.1f} ms "
              f"(converted {result.get('converted', 'n/a')}, mutu {result.get('mutu', 'n/a')})")


if __name__ == "__main__":
    main()
