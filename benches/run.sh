#!/usr/bin/env bash
# The scale benchmark (docs/PERFORMANCE.md): from a clean checkout, on PostgreSQL and SQLite,
# each figure of the release build beside its baseline measured in the same run, as a ratio.
#
#   benches/run.sh                       # 20,000 employees, 3 rounds of 10 s, both databases
#   BENCH_EMPLOYEES=2000 BENCH_ROUNDS=1 BENCH_BACKENDS=sqlite benches/run.sh    # a quick look
#
# Needs: cargo, wrk (apt-get install wrk), curl, jq, python3, sqlite3, and for PostgreSQL psql and
# pgbench with a server at BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres) on
# which it may create and drop the databases kinerja_bench and kinerja_pgbench. Never point it at
# a server holding real data.
set -euo pipefail
cd "$(dirname "$0")/.."

EMPLOYEES=${BENCH_EMPLOYEES:-20000}
ROUNDS=${BENCH_ROUNDS:-3}
DURATION=${BENCH_DURATION:-10}
BACKENDS=${BENCH_BACKENDS:-"postgres sqlite"}
PG_ADMIN=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
PORT=${BENCH_PORT:-18080}
PASSWORD='bench password 123'
SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
METRICS_TOKEN=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
WORK=$(mktemp -d /tmp/kinerja-bench.XXXXXX)
BASE="http://127.0.0.1:$PORT"
HERE=benches/scale
# Rating tickets per wrk thread and run (2 threads): above what the service can do in a run.
PER_THREAD=$((DURATION * 4000))
# Transactions per baseline run: 16,000 whatever the number of clients.
BASELINE_TX=16000

# BENCH_NO_BUILD=1: use the release binary already built.
[ -n "${BENCH_NO_BUILD:-}" ] || cargo build --release -q
BIN=${CARGO_TARGET_DIR:-target}/release/kinerja
RESULTS=$WORK/results.tsv
: > "$RESULTS"
echo "working in $WORK" >&2

load() { cut -d' ' -f1 /proc/loadavg; }
rss_mb() { awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$SERVER/status"; }
hwm_mb() { awk '/VmHWM/{printf "%.0f", $2/1024}' "/proc/$SERVER/status"; }
row() { (IFS=$'\t'; echo "$*") >> "$RESULTS"; }
ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.2f}' if b else '-')" "$1" "$2"; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" | head -1; }

sql() {
  if [ "$BACKEND" = postgres ]; then psql -qAt "$DB_URL" -c "$1"; else sqlite3 "$DB_FILE" "$1"; fi
}
vacuum() {
  if [ "$BACKEND" = postgres ]; then
    # Autovacuum is off on the benchmark machines: the hot tables are vacuumed between runs. Then
    # a checkpoint, so that each run (service or baseline) starts from one and none pays for the
    # one before's dirty pages or a checkpoint that falls in it.
    psql -q "$DB_URL" -c "VACUUM ANALYZE rating_tickets, citizen_ratings, audit_events, audit_heads, skps" -c "CHECKPOINT" >/dev/null
  else
    sqlite3 "$DB_FILE" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  fi
}
env_for_server() {
  echo "DATABASE_URL=$DATABASE_URL KINERJA_JWT_SECRET=$SECRET KINERJA_BIND=127.0.0.1:$PORT RUST_LOG=warn"
}

# Samples the server's resident memory while a load runs; prints the largest (MB).
sample_rss() {
  local max=0 now
  while kill -0 "$1" 2>/dev/null; do
    now=$(rss_mb); [ "${now:-0}" -gt "$max" ] && max=$now
    sleep 0.5
  done
  echo "$max"
}

# Statements the server's pool has sent (its /metrics counter).
statements() { curl -sf "$BASE/metrics" -H "authorization: Bearer $METRICS_TOKEN" | sed -n 's/^kinerja_db_statements_total //p'; }

run_wrk() { # connections script set|path → RESULT line, with the statements sent per request
  local c=$1 script=$2
  local before; before=$(statements)
  wrk -t2 -c"$c" -d"${DURATION}s" --latency -s "$HERE/$script" "$BASE" > "$WORK/wrk.out" 2>&1 &
  local pid=$!
  local peak; peak=$(sample_rss "$pid")
  wait "$pid" || true
  local sent=$(( $(statements) - before ))
  local requests; requests=$(grep RESULT "$WORK/wrk.out" | field requests)
  echo "$(grep RESULT "$WORK/wrk.out") rss_mb=$peak per_request=$(ratio "$sent" "${requests:-0}")"
}

# An employee's read of PATH at 16 connections beside a primary-key SELECT at the same
# concurrency, measured right after it: one row of the table.
read_row() { # label path
  local out base tps rps
  out=$(BENCH_PATH="$2" BENCH_TOKEN="$STAFF" run_wrk 16 read.lua)
  if [ "$BACKEND" = postgres ]; then
    rm -f "$WORK"/pgb*
    base=$(cd "$WORK" && pgbench -n -S -M prepared -c 16 -j 2 -T "$DURATION" --log --log-prefix=pgb \
      "${PG_ADMIN%/*}/kinerja_pgbench" 2>&1)
    tps=$(printf '%.1f' "$(echo "$base" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)")
    base="tps=$tps $(python3 $HERE/pgbench_percentiles.py "$WORK"/pgb*)"
  else
    base=$(python3 $HERE/sqlite_baseline.py --db "$DB_FILE" --clients 16 --seconds "$DURATION" select)
  fi
  rps=$(echo "$out" | field rps)
  row "$BACKEND" "$1" "$rps/s" "$(echo "$out" | field p50_ms) ms" \
    "$(echo "$out" | field p99_ms) ms" "$(echo "$base" | field tps)/s" "$(echo "$base" | field p50_ms) ms" \
    "$(echo "$base" | field p99_ms) ms" "$(ratio "$rps" "$(echo "$base" | field tps)")" \
    "$(echo "$out" | field per_request) (non-2xx $(echo "$out" | field non2xx), RSS $(echo "$out" | field rss_mb) MB)" "$(load)"
}

for BACKEND in $BACKENDS; do
  echo "== $BACKEND: $EMPLOYEES employees" >&2
  if [ "$BACKEND" = postgres ]; then
    psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS kinerja_bench" -c "CREATE DATABASE kinerja_bench" >/dev/null
    DB_URL="${PG_ADMIN%/*}/kinerja_bench"
    DATABASE_URL=$DB_URL
  else
    DB_FILE=$WORK/bench.db
    DATABASE_URL="sqlite://$DB_FILE"
  fi
  export DATABASE_URL KINERJA_JWT_SECRET=$SECRET KINERJA_DEMO_PASSWORD=$PASSWORD

  # The organisation.
  start=$(date +%s.%N)
  "$BIN" seed --synthetic "$EMPLOYEES" > "$WORK/seed.txt"
  seeded=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$start" "$(date +%s.%N)")
  row "$BACKEND" "seed --synthetic $EMPLOYEES" "${seeded} s" "" "" "" "" "" "" "" "$(load)"
  ADMIN_NIP=$(sed -n 's/^admin: NIP \([0-9]*\).*/\1/p' "$WORK/seed.txt")
  STAFF_NIP=$(sed -n 's/.*a staff member: NIP \([0-9]*\).*/\1/p' "$WORK/seed.txt")
  ORG=$(sql "SELECT id FROM organizations WHERE code = 'sintetis'")
  UNIT=$(sql "SELECT id FROM units WHERE organization_id = '$ORG' AND is_service_unit ORDER BY code LIMIT 1")
  "$BIN" client create --org-code sintetis --name bench-desk --scope rating_tickets:issue > "$WORK/client.txt"
  PORTAL=$(sql "SELECT id FROM service_clients WHERE client_id = '$(sed -n 's/^client_id=//p' "$WORK/client.txt")'")
  SKP=$(sql "SELECT s.id FROM skps s JOIN employees e ON e.id = s.employee_id WHERE e.nip = '$STAFF_NIP'")
  PERIOD=$(sql "SELECT id FROM periods WHERE organization_id = '$ORG'")
  STAFF_ID=$(sql "SELECT id FROM employees WHERE nip = '$STAFF_NIP'")
  SCORE_PATH="/api/v1/employees/$STAFF_ID/score?period_id=$PERIOD"

  # Tickets with known tokens for every run: wrk (2 threads) and the baseline (one per client).
  for r in $(seq 1 "$ROUNDS"); do
    for c in 16 64; do
      python3 $HERE/tickets.py --set "1${c}${r}" --clients 2 --per-client "$PER_THREAD" --org "$ORG" --unit "$UNIT" --portal "$PORTAL"
      python3 $HERE/tickets.py --set "2${c}${r}" --clients "$c" --per-client $((BASELINE_TX / c)) --org "$ORG" --unit "$UNIT" --portal "$PORTAL"
    done
  done > "$WORK/tickets.sql"
  if [ "$BACKEND" = postgres ]; then psql -q "$DB_URL" -f "$WORK/tickets.sql" >/dev/null; else sqlite3 "$DB_FILE" < "$WORK/tickets.sql"; fi
  # Planner statistics of everything just loaded (the seed analyses too; the tickets came after).
  if [ "$BACKEND" = postgres ]; then psql -q "$DB_URL" -c "VACUUM ANALYZE" >/dev/null; else sqlite3 "$DB_FILE" "ANALYZE;"; fi
  if [ "$BACKEND" = postgres ]; then
    psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS kinerja_pgbench" -c "CREATE DATABASE kinerja_pgbench" >/dev/null
    pgbench -q -i -s 10 "${PG_ADMIN%/*}/kinerja_pgbench" >/dev/null 2>&1
  fi
  vacuum

  # The server, idle.
  env KINERJA_METRICS_TOKEN=$METRICS_TOKEN KINERJA_TICKET_RATE_LIMIT=1000000 KINERJA_PUBLIC_RATE_LIMIT=100000 KINERJA_BIND=127.0.0.1:$PORT RUST_LOG=warn \
    "$BIN" serve > "$WORK/server.log" 2>&1 &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.2; done
  sleep 2
  row "$BACKEND" "server memory, idle" "$(rss_mb) MB" "" "" "" "" "" "" "" "$(load)"
  token() { curl -sf "$BASE/api/v1/auth/token" -H 'content-type: application/json' \
    -d "{\"grant_type\":\"password\",\"nip\":\"$1\",\"password\":\"$PASSWORD\"}" | jq -r .access_token; }
  ADMIN=$(token "$ADMIN_NIP")
  STAFF=$(token "$STAFF_NIP")

  # Citizen ratings beside the minimal durable work, then own-SKP reads beside a primary-key SELECT.
  for r in $(seq 1 "$ROUNDS"); do
    for c in 16 64; do
      vacuum
      out=$(BENCH_SET="1${c}${r}" run_wrk "$c" rating.lua)
      vacuum
      if [ "$BACKEND" = postgres ]; then
        rm -f "$WORK"/pgb*
        base=$(cd "$WORK" && pgbench -n -M prepared -c "$c" -j 2 -t $((BASELINE_TX / c)) -D "set=2${c}${r}" -D n=0 \
          --log --log-prefix=pgb -f "$OLDPWD/$HERE/rating_minimal.pg.sql" "$DB_URL" 2>&1)
        tps=$(printf '%.1f' "$(echo "$base" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)")
        base="tps=$tps $(python3 $HERE/pgbench_percentiles.py "$WORK"/pgb*)"
      else
        base=$(python3 $HERE/sqlite_baseline.py --db "$DB_FILE" --clients "$c" --transactions $((BASELINE_TX / c)) --set "2${c}${r}" rating)
      fi
      rps=$(echo "$out" | field rps)
      row "$BACKEND" "citizen rating, $c connections (round $r)" "$rps/s" "$(echo "$out" | field p50_ms) ms" \
        "$(echo "$out" | field p99_ms) ms" "$(echo "$base" | field tps)/s" "$(echo "$base" | field p50_ms) ms" \
        "$(echo "$base" | field p99_ms) ms" "$(ratio "$rps" "$(echo "$base" | field tps)")" \
        "$(echo "$out" | field per_request) (non-2xx $(echo "$out" | field non2xx), RSS $(echo "$out" | field rss_mb) MB)" "$(load)"
    done
    read_row "own SKP read, 16 connections (round $r)" "/api/v1/skps/$SKP"
    read_row "own score (live, with explanation), 16 connections (round $r)" "$SCORE_PATH"
  done
  vacuum

  # Closing the period (every score frozen), while an employee keeps reading their SKP.
  (while :; do curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$BASE/api/v1/skps/$SKP" \
     -H "authorization: Bearer $STAFF"; sleep 0.1; done) > "$WORK/reads-during-close.txt" &
  READER=$!
  version=$(sql "SELECT version FROM periods WHERE id = '$PERIOD'")
  closed=$(curl -s -o "$WORK/close.json" -w '%{http_code} %{time_total}' -X POST "$BASE/api/v1/periods/$PERIOD/status" \
    -H "authorization: Bearer $ADMIN" -H "if-match: \"$version\"" -H 'content-type: application/json' -d '{"status":"closed"}')
  kill "$READER"; wait "$READER" 2>/dev/null || true
  reads=$(awk '{n++; if ($1 != 200) bad++; if ($2 > max) max = $2} END {printf "%d reads meanwhile, %d not 200, slowest %.2f s", n, bad, max}' "$WORK/reads-during-close.txt")
  scores=$(sql "SELECT count(*) FROM score_snapshots WHERE period_id = '$PERIOD'")
  row "$BACKEND" "close the period ($scores scores frozen; HTTP ${closed% *})" "$(printf '%.2f' "${closed#* }") s" "" "" "" "" "" "" "$reads" "$(load)"
  # The close wrote 100,000 rows: the frozen read, like every other run, starts from a checkpoint.
  vacuum
  read_row "own score (frozen, with explanation), 16 connections" "$SCORE_PATH"

  # The year's score report as CSV, beside the database writing the same rows itself: the report's
  # query (score_report.*.sql) from the same stored rows, dumped as CSV, checked record by record.
  csv=$(curl -s -o "$WORK/scores.csv" -w '%{time_total}' \
    "$BASE/api/v1/organizations/$ORG/reports/scores?period_id=$PERIOD&format=csv" -H "authorization: Bearer $ADMIN")
  lines=$(($(wc -l < "$WORK/scores.csv") - 1))
  # The report names each supervisor as on the period's last day, or today while it runs.
  day=$(python3 -c "import sys, datetime; print(min(sys.argv[1], datetime.date.today().isoformat()))" "$(sql "SELECT ends_on FROM periods WHERE id = '$PERIOD'")")
  year=$(sql "SELECT year FROM periods WHERE id = '$PERIOD'")
  start=$(date +%s.%N)
  if [ "$BACKEND" = postgres ]; then
    dump=$(grep -v '^ *--' "$HERE/score_report.pg.sql" | sed -e "s/:period/'$PERIOD'/g; s/:label/'$year'/g; s/:day/DATE '$day'/g" | tr '\n' ' ')
    psql -q "$DB_URL" -c "\\copy ($dump) TO '$WORK/dumped.csv' CSV HEADER"
  else
    dump=$(grep -v '^ *--' "$HERE/score_report.sqlite.sql" | sed -e "s/:period/'$PERIOD'/g; s/:label/'$year'/g; s/:day/'$day'/g")
    sqlite3 -csv -header "$DB_FILE" "$dump" > "$WORK/dumped.csv"
  fi
  copied=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$start" "$(date +%s.%N)")
  same=$(python3 "$HERE/same_rows.py" "$WORK/scores.csv" "$WORK/dumped.csv")
  row "$BACKEND" "yearly score CSV ($lines rows), time to last byte" "$(printf '%.2f' "$csv") s" "" "" "$copied s (\\copy)" "" "" \
    "$(ratio "$csv" "$copied")" "$same; peak server memory $(hwm_mb) MB" "$(load)"
  # The close once more (reopened with a reason, then closed into snapshot 2): a second sample of
  # the figure the noise of these machines moves most, on a database that now holds snapshot 1.
  version=$(sql "SELECT version FROM periods WHERE id = '$PERIOD'")
  curl -sf -o /dev/null -X POST "$BASE/api/v1/periods/$PERIOD/status" -H "authorization: Bearer $ADMIN" \
    -H "if-match: \"$version\"" -H 'content-type: application/json' -d '{"status":"evaluating","reason":"Benchmark: close again"}'
  vacuum
  version=$(sql "SELECT version FROM periods WHERE id = '$PERIOD'")
  closed=$(curl -s -o "$WORK/close2.json" -w '%{http_code} %{time_total}' -X POST "$BASE/api/v1/periods/$PERIOD/status" \
    -H "authorization: Bearer $ADMIN" -H "if-match: \"$version\"" -H 'content-type: application/json' -d '{"status":"closed"}')
  scores=$(sql "SELECT count(*) FROM score_snapshots WHERE period_id = '$PERIOD' AND snapshot = 2")
  row "$BACKEND" "close again, reopened ($scores scores frozen as snapshot 2; HTTP ${closed% *})" "$(printf '%.2f' "${closed#* }") s" "" "" "" "" "" "" "" "$(load)"
  row "$BACKEND" "server memory after the runs (peak)" "$(rss_mb) MB ($(hwm_mb) MB)" "" "" "" "" "" "" "" "$(load)"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  trap - EXIT
done

echo
echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo), $EMPLOYEES employees, $ROUNDS round(s) of ${DURATION} s"
echo
echo "| backend | measure | service | p50 | p99 | baseline | p50 | p99 | ratio | queries per request / notes | load |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
# awk, not `read -a`: a tab is whitespace to read, so empty cells would vanish and shift the row.
awk -F'\t' '{ line = "|"; for (i = 1; i <= NF; i++) line = line " " $i " |"; print line }' "$RESULTS"
