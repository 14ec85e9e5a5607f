#!/usr/bin/env bash
# The auditors' story end to end, against a server loaded with the demo data (`kinerja seed --demo`):
#   docs/reports.sh BASE_URL PASSWORD DATABASE_URL [PYTHON_WITH_OPENPYXL]
# As the demo auditor: download last year's score table as CSV and XLSX and read them back with
# Python's csv module and openpyxl (a demo name made hard first: a comma, quotes, an apostrophe,
# an é); close the year as the admin and re-derive every frozen score from the export alone
# (docs/rederive.py); verify the audit chain, alter one event straight in the database and see the
# range verification name it (then put it back); and be refused as an auditor of another
# organisation. Needs curl, jq, python3 (openpyxl for the XLSX: pass a python that has it), and
# sqlite3 or psql for DATABASE_URL. It changes the demo data: never on real data.
set -euo pipefail
BASE=${1:?BASE_URL}; PASSWORD=${2:?PASSWORD}; DB=${3:?DATABASE_URL}; PY=${4:-python3}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
sql() { if [[ $DB == sqlite://* ]]; then sqlite3 "${DB#sqlite://}" "$1"; else psql -qtA "$DB" -c "$1"; fi; }
login() { curl -sf "$BASE/api/v1/auth/token" -H 'content-type: application/json' \
  -d "{\"grant_type\":\"password\",\"nip\":\"$1\",\"password\":\"$2\"}" | jq -r .access_token; }
ADMIN=$(login 197801152003121001 "$PASSWORD")
AUDITOR=$(login 198511112010011007 "$PASSWORD")
ORG=$(curl -sf "$BASE/api/v1/me" -H "authorization: Bearer $AUDITOR" | jq -r .organization.id)
PERIOD=$(curl -sf "$BASE/api/v1/periods?status=evaluating" -H "authorization: Bearer $AUDITOR" | jq -r '.items[0].id')
echo "== organisation $ORG, last year's period $PERIOD"

# A name every spreadsheet import must survive: the admin renames staf3 through the API.
HARD='Yusuf "Ucok" D'"'"'Arcy, Ré'
STAF3=$(curl -sf "$BASE/api/v1/employees?limit=200" -H "authorization: Bearer $ADMIN" | jq -r '.items[] | select(.nip=="199405052020121006")')
ID=$(jq -r .id <<<"$STAF3"); VERSION=$(jq -r .version <<<"$STAF3")
jq -c --arg name "$HARD" '{name: $name, position, job_level, unit_id, supervisor_id}' <<<"$STAF3" >rename.json
curl -sf -X PUT "$BASE/api/v1/employees/$ID" -H "authorization: Bearer $ADMIN" -H "if-match: \"$VERSION\"" \
  -H 'content-type: application/json' -d @rename.json | jq -r '"renamed staf3: " + .name'

REPORT="$BASE/api/v1/organizations/$ORG/reports/scores?period_id=$PERIOD"
curl -sf -OJ "$REPORT" -H "authorization: Bearer $AUDITOR" -H 'accept: text/csv'
curl -sf -OJ "$REPORT&format=xlsx" -H "authorization: Bearer $AUDITOR"
ls -l ./*.csv ./*.xlsx
echo "== the CSV through Python's csv module"
python3 - ./*.csv "$HARD" <<'EOF'
import csv, sys
raw = open(sys.argv[1], "rb").read()
print("starts with a byte-order mark:", raw.startswith(b"\xef\xbb\xbf"))
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
print(len(rows), "rows; columns:", ", ".join(list(rows[0])[:8]), "…")
for r in rows:
    print(f"  {r['nip']}  {r['name']!r:34} supervisor {r['supervisor_name'] or '-':20} nk {r['nilai_kinerja'] or '-':>20} {r['predikat'] or '-':15} {r['state']}")
assert any(r["name"] == sys.argv[2] for r in rows), "the hard name round-trips"
print("the hard name reads back exactly:", sys.argv[2])
EOF
echo "== the XLSX through openpyxl"
"$PY" - ./*.xlsx "$HARD" <<'EOF'
import sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
sheet = book.active
rows = list(sheet.iter_rows(values_only=True))
header = rows[0]
col = {name: i for i, name in enumerate(header)}
print("sheet", sheet.title, "frozen at", sheet.freeze_panes, f"{len(rows) - 1} rows")
hard = [r for r in rows[1:] if r[col["name"]] == sys.argv[2]]
print("hard name found:", bool(hard))
for r in rows[1:]:
    nk = r[col["nilai_kinerja"]]
    print(f"  {r[col['nip']]}  nilai_kinerja {nk!r} ({type(nk).__name__})  {r[col['predikat']]}")
assert hard and sheet.freeze_panes == "A2"
EOF

echo "== the admin closes the year; the auditor re-derives every frozen score from the export"
P=$(curl -sf "$BASE/api/v1/periods/$PERIOD" -H "authorization: Bearer $ADMIN")
curl -sf "$BASE/api/v1/periods/$PERIOD/status" -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' \
  -H "if-match: \"$(jq -r .version <<<"$P")\"" -d '{"status":"closed"}' | jq -r '"period " + .status'
curl -sf -o skor.jsonl "$REPORT&include=inputs&format=jsonl" -H "authorization: Bearer $AUDITOR"
python3 "$HERE/rederive.py" skor.jsonl

echo "== the audit chain, then one event altered straight in the database"
FROM=$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ); TO=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
curl -sf "$BASE/api/v1/audit-events/verify" -H "authorization: Bearer $AUDITOR" | jq -c "{intact, events_checked, head_seq, head_hash}"
curl -sf -OJ "$BASE/api/v1/audit-events/export?from=$FROM&to=$TO&format=csv" -H "authorization: Bearer $AUDITOR"
ls -l ./audit*.csv
EVENT=$(sql "SELECT id FROM audit_events WHERE organization_id = '$ORG' AND action = 'employee.update' ORDER BY seq DESC LIMIT 1")
BEFORE=$(sql "SELECT after_state FROM audit_events WHERE id = '$EVENT'")
sql "UPDATE audit_events SET after_state = replace(after_state, 'Ucok', 'Budi') WHERE id = '$EVENT'"
echo "altered event $EVENT"
curl -sf "$BASE/api/v1/audit-events/verify?from=$FROM&to=$TO" -H "authorization: Bearer $AUDITOR" | jq -c .
sql "UPDATE audit_events SET after_state = '$(sed "s/'/''/g" <<<"$BEFORE")' WHERE id = '$EVENT'"
curl -sf "$BASE/api/v1/audit-events/verify?from=$FROM&to=$TO" -H "authorization: Bearer $AUDITOR" | jq -c '{intact}'

echo "== an auditor of another organisation"
CODE="lain-$RANDOM"
OTHER_ADMIN_PASSWORD='another-admin-password-1'
KINERJA_ADMIN_PASSWORD=$OTHER_ADMIN_PASSWORD "${KINERJA_BIN:-kinerja}" admin create --org-code "$CODE" \
  --org-name "Pemerintah Kabupaten Lain" --nip 198001012005011099 --name "Admin Lain" >/dev/null
OTHER=$(login 198001012005011099 "$OTHER_ADMIN_PASSWORD")
UNIT=$(curl -sf "$BASE/api/v1/organizations/$(curl -sf "$BASE/api/v1/me" -H "authorization: Bearer $OTHER" | jq -r .organization.id)/units" \
  -H "authorization: Bearer $OTHER" -H 'content-type: application/json' -d '{"code":"inspektorat","name":"Inspektorat","kind":"badan"}' | jq -r .id)
curl -sf "$BASE/api/v1/employees" -H "authorization: Bearer $OTHER" -H 'content-type: application/json' \
  -d "{\"nip\":\"198001012005011098\",\"name\":\"Auditor Lain\",\"position\":\"Auditor\",\"job_level\":\"fungsional\",\"unit_id\":\"$UNIT\",\"roles\":[\"auditor\"],\"password\":\"$OTHER_ADMIN_PASSWORD\"}" >/dev/null
STRANGER=$(login 198001012005011098 "$OTHER_ADMIN_PASSWORD")
for f in csv xlsx jsonl json; do
  printf '%s: ' "$f"; curl -s -o /dev/null -w '%{http_code}\n' "$REPORT&format=$f" -H "authorization: Bearer $STRANGER"
done
