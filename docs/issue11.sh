#!/usr/bin/env bash
# Issue 11's "Done means" through the documented API, against a server freshly loaded with
# `kinerja seed --demo` (this year's period open for planning, nobody's SKP made yet):
#  1. the head of the bidang builds a "Pranata Komputer" template from a staff proposal, assigns it
#     to the three Pranata Komputer (twice: nothing new), one flags an indicator, the flag report
#     shows it;
#  2. a citizen complains with a rating ticket, reads the status with the tracking code, the head
#     assigns it, the officer answers, the public figures show the unit's answered-in-time count.
# Usage: issue11.sh BASE PASSWORD      (needs curl and jq)
set -euo pipefail
B=$1; PW=$2
J='content-type: application/json'
H() { echo "authorization: Bearer $1"; }
tok() { curl -sf $B/api/v1/auth/token -H "$J" -d "{\"grant_type\":\"password\",\"nip\":\"$1\",\"password\":\"$PW\"}" | jq -r .access_token; }
ADMIN=$(tok 197801152003121001); KABID=$(tok 198203112006042003); STAF1=$(tok 199002142015031004)
PK1=$(tok 199508172019031008); PK2=$(tok 199611232020122009); PK3=$(tok 199703092021031010)
ORG=$(curl -sf $B/api/v1/me -H "$(H $ADMIN)" | jq -r .organization.id)
KABID_ME=$(curl -sf $B/api/v1/me -H "$(H $KABID)")
BIDANG=$(jq -r .employee.unit_id <<<"$KABID_ME"); KABID_POSITION=$(jq -r .employee.position <<<"$KABID_ME")
STAF1_ID=$(curl -sf $B/api/v1/me -H "$(H $STAF1)" | jq -r .employee.id)
PERIOD=$(curl -sf "$B/api/v1/periods?status=planning" -H "$(H $ADMIN)" | jq -r '.items[0].id')
TARGET() { # description, weight, supports-json -> a template target
  jq -nc --arg d "$1" --argjson w "$2" --argjson s "$3" '{description: $d, kind: "utama", weight: $w, supports: $s,
    indicators: [{description: ("Indikator " + $d), aspects: [{aspect: "kuantitas", target: 120, unit: "tiket"},
    {aspect: "waktu", target: 12, unit: "bulan"}]}]}'; }

echo "== 1. templates: the kabid's own template, then one proposed by a Pranata Komputer"
KT=$(curl -sf $B/api/v1/templates -H "$(H $KABID)" -H "$J" -d "$(jq -nc --arg u "$BIDANG" --arg p "$KABID_POSITION" \
  --argjson t "$(TARGET 'Layanan pendaftaran penduduk tepat waktu' 100 null)" '{unit_id: $u, position: $p, name: "Kinerja bidang pelayanan", content: {targets: [$t]}}')" | jq -r .id)
echo "kabid's template $KT for \"$KABID_POSITION\""
PROPOSAL=$(curl -sf $B/api/v1/template-proposals -H "$(H $PK1)" -H "$J" -d "$(jq -nc \
  --argjson t1 "$(TARGET 'Aplikasi layanan adminduk berjalan tanpa gangguan' 70 "{\"template_id\":\"$KT\",\"target\":0}")" \
  --argjson t2 "$(TARGET 'Dokumentasi sistem informasi' 30 null)" \
  '{position: "Pranata Komputer", name: "Layanan TIK adminduk", reason: "Tugas pranata komputer belum punya indikator baku", content: {targets: [$t1, $t2]}}')")
jq -c '{proposal: .id, status, unit_id, proposed_by}' <<<"$PROPOSAL"
PID=$(jq -r .id <<<"$PROPOSAL")
echo "-- a colleague cannot decide it:"
curl -s -X POST $B/api/v1/template-proposals/$PID/decision -H "$(H $PK2)" -H 'if-match: "1"' -H "$J" -d '{"outcome":"accepted","reason":"Setuju"}' | jq -c '{status, code}'
DECIDED=$(curl -sf -X POST $B/api/v1/template-proposals/$PID/decision -H "$(H $KABID)" -H 'if-match: "1"' -H "$J" -d '{"outcome":"accepted","reason":"Sesuai tugas pranata komputer"}')
jq -c '{status, resulting_template_id, resulting_version}' <<<"$DECIDED"
TPL=$(jq -r .resulting_template_id <<<"$DECIDED")
echo "-- assigned for this year: the kabid's position, then Pranata Komputer (twice)"
curl -sf $B/api/v1/template-assignments -H "$(H $KABID)" -H "$J" -d "$(jq -nc --arg p "$PERIOD" --arg u "$BIDANG" --arg pos "$KABID_POSITION" '{period_id: $p, position: $pos, unit_id: $u}')" \
  | jq -c '{created: [.created[] | .employee_name], existing: [.existing[] | .employee_name]}'
ASSIGN=$(jq -nc --arg p "$PERIOD" --arg u "$BIDANG" '{period_id: $p, position: "Pranata Komputer", unit_id: $u}')
curl -sf $B/api/v1/template-assignments -H "$(H $KABID)" -H "$J" -d "$ASSIGN" \
  | jq -c '{created: [.created[] | {name: .employee_name, targets, linked_to_supervisor}], existing: [.existing[] | .employee_name]}'
curl -sf $B/api/v1/template-assignments -H "$(H $KABID)" -H "$J" -d "$ASSIGN" \
  | jq -c '{again_created: [.created[] | .employee_name], existing: [.existing[] | {name: .employee_name, status}]}'
KABID_LINEAGE=$(curl -sf "$B/api/v1/me/skp?period_id=$PERIOD" -H "$(H $KABID)" | jq -r '.targets[0].lineage_id')
SKP=$(curl -sf "$B/api/v1/me/skp?period_id=$PERIOD" -H "$(H $PK1)")
jq -c --arg k "$KABID_LINEAGE" '{status, total_weight, targets: [.targets[] | {description, weight, supports_kabid: (.supports_target_id == $k)}]}' <<<"$SKP"
curl -sf "$B/api/v1/skps?period_id=$PERIOD" -H "$(H $ADMIN)" | jq -c '{skps_this_year: [.items[] | .employee_name]}'
echo "-- one flags an indicator as hard to measure; the flag report shows it"
INDICATOR=$(jq -r '.targets[0].indicators[0].id' <<<"$SKP")
curl -sf $B/api/v1/indicator-flags -H "$(H $PK1)" -H "$J" -d "{\"indicator_id\":\"$INDICATOR\",\"note\":\"Jumlah tiket tidak mencerminkan mutu layanan\"}" | jq -c '{flag: .id, template_id}'
curl -sf "$B/api/v1/template-flags?period_id=$PERIOD" -H "$(H $KABID)" | jq -c '.templates[] | {name, flags, indicators: [.indicators[] | {description, flags, notes}]}'

echo "== 2. complaints: a service desk (approved by a second admin) and a SP4N-LAPOR! portal"
NIP2=197905102005011011
curl -sf $B/api/v1/employees -H "$(H $ADMIN)" -H "$J" -d "$(jq -nc --arg u "$(curl -sf $B/api/v1/me -H "$(H $ADMIN)" | jq -r .employee.unit_id)" --arg pw "$PW" --arg nip $NIP2 \
  '{nip: $nip, name: "Admin Kedua Demo", position: "Pranata Komputer (admin kinerja)", job_level: "fungsional", unit_id: $u, roles: ["admin"], password: $pw}')" > /dev/null
ADMIN2=$(tok $NIP2)
DESK_NEW=$(curl -sf $B/api/v1/service-clients -H "$(H $ADMIN)" -H "$J" -d '{"name":"Loket Disdukcapil","scopes":["rating_tickets:issue"]}')
curl -sf -X POST $B/api/v1/service-clients/$(jq -r .client.id <<<"$DESK_NEW")/approve -H "$(H $ADMIN2)" -H "$J" -d '{}' > /dev/null
DESK=$(curl -sf $B/api/v1/auth/token -H "$J" -d "$(jq -c '{grant_type: "client_credentials", client_id: .client.client_id, client_secret: .client_secret}' <<<"$DESK_NEW")" | jq -r .access_token)
LAPOR_NEW=$(curl -sf $B/api/v1/service-clients -H "$(H $ADMIN)" -H "$J" -d '{"name":"Portal SP4N-LAPOR!","scopes":["complaints:write"]}')
LAPOR=$(curl -sf $B/api/v1/auth/token -H "$J" -d "$(jq -c '{grant_type: "client_credentials", client_id: .client.client_id, client_secret: .client_secret}' <<<"$LAPOR_NEW")" | jq -r .access_token)
TICKET=$(curl -sf $B/api/v1/rating-tickets -H "$(H $DESK)" -H "$J" -d "{\"unit_id\":\"$BIDANG\",\"officer_id\":\"$STAF1_ID\",\"reference\":\"LOKET-0042\"}" | jq -r .token)
echo "-- a citizen complains with the ticket (no account)"
RECEIVED=$(curl -sf $B/api/v1/public/complaints -H "$J" -d "{\"ticket\":\"$TICKET\",\"complaint\":\"Antrean perekaman KTP-el lebih dari tiga jam dan loket 2 kosong\"}")
jq -c . <<<"$RECEIVED"
CODE=$(jq -r .tracking_code <<<"$RECEIVED")
status() { curl -sf $B/api/v1/public/complaints/status -H "$J" -d "{\"tracking_code\":\"$CODE\"}"; }
echo "-- the tracking code shows the status and nothing else:"; status | jq -c .
echo "-- the same ticket again, and a portal's complaint with its SP4N-LAPOR! reference"
curl -s $B/api/v1/public/complaints -H "$J" -d "{\"ticket\":\"$TICKET\",\"complaint\":\"Antrean perekaman KTP-el lebih dari tiga jam\"}" | jq -c '{status, code}'
curl -sf $B/api/v1/complaints -H "$(H $LAPOR)" -H "$J" -d "{\"unit_id\":\"$BIDANG\",\"complaint\":\"Berkas akta kelahiran hilang setelah diserahkan\",\"external_reference\":\"LAPOR-2026-0042\"}" | jq -c '{status, answer_due_at}'
echo "-- the kabid sees both, assigns the citizen's to Agus (staf1), who answers; the kabid closes it"
LIST=$(curl -sf "$B/api/v1/complaints?unit_id=$BIDANG" -H "$(H $KABID)")
jq -c '[.items[] | {channel, external_reference, status, officer_id, answer_due_at}]' <<<"$LIST"
C=$(jq -r '.items[] | select(.channel == "ticket") | .id' <<<"$LIST")
curl -sf -X POST $B/api/v1/complaints/$C/assign -H "$(H $KABID)" -H 'if-match: "1"' -H "$J" -d "{\"officer_id\":\"$STAF1_ID\"}" | jq -c '{status, assigned_to}'
curl -s -X POST $B/api/v1/complaints/$C/answer -H "$(H $PK2)" -H 'if-match: "2"' -H "$J" -d '{"answer":"Bukan saya yang ditugasi"}' | jq -c '{status, code}'
curl -sf -X POST $B/api/v1/complaints/$C/answer -H "$(H $STAF1)" -H 'if-match: "2"' -H "$J" -d '{"answer":"Loket 2 kini dibuka pukul 08.00 dan antrean daring tersedia; mohon maaf atas ketidaknyamanannya"}' \
  | jq -c '{status, answered_in_time, seconds_to_first_answer}'
curl -sf -X POST $B/api/v1/complaints/$C/close -H "$(H $KABID)" -H 'if-match: "3"' | jq -c '{status, seconds_to_close}'
echo "-- the citizen reads the answer:"; status | jq -c .
echo "-- the public figures (no login, no text, no names): the bidang"
curl -sf "$B/api/v1/public/organizations/demo/citizen-index" | jq -c --arg u "$BIDANG" '.units[] | select(.unit_id == $u) | {unit_name, complaints}'
echo "-- the unit's and the officer's figures, and Agus's score explanation beside the citizen index"
curl -sf "$B/api/v1/units/$BIDANG/complaint-figures?period_id=$PERIOD" -H "$(H $KABID)" | jq -c '{answer_within_working_days, figures}'
curl -sf "$B/api/v1/employees/$STAF1_ID/score?period_id=$PERIOD" -H "$(H $ADMIN)" | jq -c '.explanation.citizen | {citizen_index: .index, complaints}'
echo "-- the audit trail names each step"
curl -sf "$B/api/v1/audit-events?resource_type=complaint" -H "$(H $ADMIN)" | jq -c '[.items[] | .action]'
curl -sf "$B/api/v1/audit-events?resource_type=template_proposal" -H "$(H $ADMIN)" | jq -c '[.items[] | .action]'
curl -sf $B/api/v1/audit-events/verify -H "$(H $ADMIN)" | jq -c '{intact}'
