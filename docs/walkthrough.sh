#!/usr/bin/env bash
# The "Done means" stories of issues 2-4 and 8 through the documented API.
# Usage: walkthrough.sh BASE PASSWORD [DATABASE_URL]
# With DATABASE_URL (sqlite://FILE or postgres://...), a publication is backdated 15 days in the
# database to show a late objection refused (the API has no way to move time).
set -euo pipefail
B=$1; PW=$2; DB=${3:-}
j() { python3 -c "import sys,json; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }
tok() { curl -sf $B/api/v1/auth/token -H 'content-type: application/json' -d "{\"grant_type\":\"password\",\"nip\":\"$1\",\"password\":\"$PW\"}" | j 'd["access_token"]'; }
ADMIN=$(tok 197801152003121001); KADIS=$(tok 197005202000031002); KABID=$(tok 198203112006042003)
STAF1=$(tok 199002142015031004); STAF2=$(tok 199207302019022005); STAF3=$(tok 199405052020121006)
H() { echo "authorization: Bearer $1"; }
ORG=$(curl -s $B/api/v1/me -H "$(H $ADMIN)" | j 'd["organization"]["id"]')
echo "== issue 2: a unit and an employee, seen in the audit trail"
UNIT=$(curl -s $B/api/v1/organizations/$ORG/units -H "$(H $ADMIN)" -H 'content-type: application/json' -d '{"code":"diskominfo","name":"Dinas Komunikasi dan Informatika","kind":"dinas"}' | j 'd["id"]')
EMP=$(curl -s $B/api/v1/employees -H "$(H $ADMIN)" -H 'content-type: application/json' -d "{\"nip\":\"199001012015031001\",\"name\":\"Budi Santoso\",\"position\":\"Pranata Komputer\",\"job_level\":\"fungsional\",\"unit_id\":\"$UNIT\"}" | j 'd["id"]')
curl -s "$B/api/v1/audit-events?resource_id=$EMP" -H "$(H $ADMIN)" | j '[(e["action"], e["actor_kind"], e["after"]["name"]) for e in d["items"]]'
curl -s $B/api/v1/audit-events/verify -H "$(H $ADMIN)" | j '(d["intact"], d["events_checked"])'
echo "== issue 3: a supervisor and two staff plan a year"
PERIOD=$(curl -s $B/api/v1/periods -H "$(H $ADMIN)" | j 'd["items"][0]["id"]')
T() { echo "{\"description\":\"$1\",\"kind\":\"utama\",\"weight\":$2,$3\"indicators\":[{\"description\":\"Indikator $1\",\"aspects\":[{\"aspect\":\"kuantitas\",\"target\":12,\"unit\":\"laporan\"},{\"aspect\":\"waktu\",\"target\":12,\"unit\":\"bulan\"}]}]}"; }
plan() { # token, targets-json -> skp id (submitted)
  local id; id=$(curl -s $B/api/v1/skps -H "$(H $1)" -H 'content-type: application/json' -d "{\"period_id\":\"$PERIOD\"}" | j 'd["id"]')
  curl -s -X PUT $B/api/v1/skps/$id -H "$(H $1)" -H 'if-match: "1"' -H 'content-type: application/json' -d "{\"targets\":[$2]}" > /dev/null
  curl -s -X POST $B/api/v1/skps/$id/submit -H "$(H $1)" -H 'if-match: "2"' | j 'd["id"]'
}
KADIS_SKP=$(plan $KADIS "$(T 'Layanan adminduk prima' 100 '"perspective":"penerima_layanan",')")
curl -s -X POST $B/api/v1/skps/$KADIS_SKP/approve -H "$(H $ADMIN)" -H 'if-match: "3"' | j '("kadis", d["status"])'
KT=$(curl -s $B/api/v1/skps/$KADIS_SKP -H "$(H $ADMIN)" | j 'd["targets"][0]["lineage_id"]')
KABID_SKP=$(plan $KABID "$(T 'KTP-el tepat waktu' 100 "\"supports_target_id\":\"$KT\",")")
curl -s -X POST $B/api/v1/skps/$KABID_SKP/approve -H "$(H $KADIS)" -H 'if-match: "3"' | j '("kabid", d["status"])'
BT=$(curl -s $B/api/v1/skps/$KABID_SKP -H "$(H $KABID)" | j 'd["targets"][0]["lineage_id"]')
S1=$(plan $STAF1 "$(T 'Perekaman KTP-el' 100 "\"supports_target_id\":\"$BT\",")")
S2=$(plan $STAF2 "$(T 'Verifikasi data' 100 "\"supports_target_id\":\"$BT\",")")
curl -s $B/api/v1/skps/inbox -H "$(H $KABID)" | j '[s["employee_name"] for s in d["items"]]'
curl -s -X POST $B/api/v1/skps/$S1/return -H "$(H $KABID)" -H 'if-match: "3"' -H 'content-type: application/json' -d '{"comment":"Target terlalu rendah, naikkan"}' | j '("staf1", d["status"], d["return_comment"])'
curl -s -X PUT $B/api/v1/skps/$S1 -H "$(H $STAF1)" -H 'if-match: "4"' -H 'content-type: application/json' -d "{\"targets\":[$(T 'Perekaman KTP-el 600 dokumen' 100 "\"supports_target_id\":\"$BT\",")]}" | j '("staf1 fixed", d["version"])'
curl -s -X POST $B/api/v1/skps/$S1/submit -H "$(H $STAF1)" -H 'if-match: "5"' > /dev/null
curl -s -X POST $B/api/v1/skps/$S1/approve -H "$(H $KABID)" -H 'if-match: "6"' | j '("staf1", d["status"])'
curl -s -X POST $B/api/v1/skps/$S2/approve -H "$(H $KABID)" -H 'if-match: "3"' | j '("staf2", d["status"])'
curl -s -X POST $B/api/v1/skps/$S2/approve -H "$(H $STAF2)" -H 'if-match: "4"' | j '("staf2 approving own, refused:", d["status"], d["code"])'
curl -s $B/api/v1/periods/$PERIOD/cascade -H "$(H $ADMIN)" | j '[(r["employee_name"], [(t["description"], [(n["employee_name"], [(t2["description"], [m["employee_name"] for m in t2["supported_by"]]) for t2 in n["targets"]]) for n in t["supported_by"]]) for t in r["targets"]]) for r in d["roots"]]'
REV=$(curl -s -X POST $B/api/v1/skps/$S1/revisions -H "$(H $STAF1)" | j 'd["id"]')
curl -s $B/api/v1/skps/$REV/revisions -H "$(H $STAF1)" | j '[(s["revision"], s["status"]) for s in d["items"]]'
echo "== issue 4: four peers assigned, three answer"
curl -s "$B/api/v1/peer-assignments/proposals?period_id=$PERIOD&ratee_id=$(curl -s $B/api/v1/me -H "$(H $STAF1)" | j 'd["employee"]["id"]')" -H "$(H $KABID)" | j '[(p["name"], p["group"]) for p in d["items"]]'
STAF1_ID=$(curl -s $B/api/v1/me -H "$(H $STAF1)" | j 'd["employee"]["id"]')
KABID_ID=$(curl -s $B/api/v1/me -H "$(H $KABID)" | j 'd["employee"]["id"]')
BIDANG=$(curl -s "$B/api/v1/organizations/$ORG/units?limit=200" -H "$(H $ADMIN)" | j '[u["id"] for u in d["items"] if u["code"]=="bid-pelayanan"][0]')
PEERS=$(curl -s "$B/api/v1/employees?limit=200" -H "$(H $ADMIN)" | j '[e["id"] for e in d["items"] if e["nip"]=="199405052020121006"][0]')
for n in 1 2 3; do
  id=$(curl -s $B/api/v1/employees -H "$(H $ADMIN)" -H 'content-type: application/json' -d "{\"nip\":\"19950${n}012021011${n}00\",\"name\":\"Rekan $n\",\"position\":\"Pengadministrasi\",\"job_level\":\"pelaksana\",\"unit_id\":\"$BIDANG\",\"supervisor_id\":\"$KABID_ID\",\"password\":\"$PW\"}" | j 'd["id"]')
  PEERS="$PEERS $id"
done
RATERS=$(for p in $PEERS; do printf '{"rater_id":"%s","group":"peer"},' $p; done); RATERS="[${RATERS%,}]"
curl -s $B/api/v1/periods/$PERIOD/peer-assignments -H "$(H $KABID)" -H 'content-type: application/json' -d "{\"ratee_id\":\"$STAF1_ID\",\"raters\":$RATERS}" | j 'd'
i=0
for nip in 199405052020121006 199501012021011100 199502012021011200; do
  i=$((i+1)); T_=$(tok $nip)
  A=$(curl -s "$B/api/v1/me/peer-assignments?period_id=$PERIOD" -H "$(H $T_)" | j 'd["items"][0]["id"]')
  curl -s -X PUT $B/api/v1/peer-assignments/$A/rating -H "$(H $T_)" -H 'content-type: application/json' -d "{\"scores\":{\"berorientasi_pelayanan\":$((i+2)),\"akuntabel\":4,\"kompeten\":4,\"harmonis\":3,\"loyal\":5,\"adaptif\":3,\"kolaboratif\":4},\"comment\":\"catatan pribadi $i\"}" > /dev/null
done
curl -s "$B/api/v1/employees/$STAF1_ID/peer-feedback?period_id=$PERIOD" -H "$(H $STAF1)" | j '[(g["group"], g["respondents"], g["means"]) for g in d["groups"]]'
FOURTH=$(tok 199503012021011300)
curl -s "$B/api/v1/me/peer-assignments?period_id=$PERIOD" -H "$(H $FOURTH)" | j '[(a["ratee_name"], a["scores"]) for a in d["items"]]'
curl -s "$B/api/v1/employees/$STAF1_ID/peer-feedback?period_id=$PERIOD" -H "$(H $FOURTH)" | j '(d["status"], d["code"])'
echo "== issue 4: a portal issues tickets, citizens rate"
CLIENT=$(curl -s $B/api/v1/service-clients -H "$(H $ADMIN)" -H 'content-type: application/json' -d '{"name":"Portal Layanan","scopes":["rating_tickets:issue"]}')
CID=$(echo "$CLIENT" | j 'd["client"]["client_id"]'); CSEC=$(echo "$CLIENT" | j 'd["client_secret"]')
# A ticket-issuing portal works once a second admin approves it (the one who made it cannot).
ADMIN2_NIP=198001012005011009
curl -s $B/api/v1/employees -H "$(H $ADMIN)" -H 'content-type: application/json' -d "{\"nip\":\"$ADMIN2_NIP\",\"name\":\"Admin Kedua\",\"position\":\"Pranata Komputer\",\"job_level\":\"fungsional\",\"unit_id\":\"$UNIT\",\"roles\":[\"admin\"],\"password\":\"$PW\"}" > /dev/null
APPROVE=$B/api/v1/service-clients/$(echo "$CLIENT" | j 'd["client"]["id"]')/approve
curl -s -X POST $APPROVE -H "$(H $ADMIN)" | j '("creator approves own portal:", d["status"])'
curl -s -X POST $APPROVE -H "$(H $(tok $ADMIN2_NIP))" | j '("second admin:", d["approval"])'
PORTAL=$(curl -s $B/api/v1/auth/token -H 'content-type: application/json' -d "{\"grant_type\":\"client_credentials\",\"client_id\":\"$CID\",\"client_secret\":\"$CSEC\"}" | j 'd["access_token"]')
# Ten citizens: persyaratan 4,4,4,4,4,4,4,3,3,3; every other element 3 (by hand: IKM 3.0778, index 76.94, B).
for i in 0 1 2 3 4 5 6 7 8 9; do
  TK=$(curl -s $B/api/v1/rating-tickets -H "$(H $PORTAL)" -H 'content-type: application/json' -d "{\"unit_id\":\"$BIDANG\",\"reference\":\"LOKET-$i\"}" | j 'd["token"]')
  P=$([ $i -lt 7 ] && echo 4 || echo 3)
  curl -s $B/api/v1/public/citizen-ratings -H 'content-type: application/json' -d "{\"ticket\":\"$TK\",\"scores\":{\"persyaratan\":$P,\"prosedur\":3,\"waktu_penyelesaian\":3,\"biaya_tarif\":3,\"produk_layanan\":3,\"kompetensi_pelaksana\":3,\"perilaku_pelaksana\":3,\"penanganan_pengaduan\":3,\"sarana_prasarana\":3}}" > /dev/null
done
curl -s $B/api/v1/public/citizen-ratings -H 'content-type: application/json' -d "{\"ticket\":\"$TK\",\"scores\":{\"persyaratan\":1,\"prosedur\":1,\"waktu_penyelesaian\":1,\"biaya_tarif\":1,\"produk_layanan\":1,\"kompetensi_pelaksana\":1,\"perilaku_pelaksana\":1,\"penanganan_pengaduan\":1,\"sarana_prasarana\":1}}" | j '("reused ticket:", d["status"], d["code"])'
curl -s "$B/api/v1/units/$BIDANG/citizen-index?period_id=$PERIOD" -H "$(H $ADMIN)" | j '(d["result"]["respondents"], round(d["result"]["ikm"],4), round(d["result"]["converted"],2), d["result"]["mutu"], d["result"]["element_means"][0])'
curl -s $B/api/v1/public/organizations/demo/citizen-index | j '([(u["unit_name"], u["result"]["status"], u["result"].get("converted"), u["result"].get("mutu"), u["result"]["respondents"]) for u in d["units"]], [(p["portal_name"], p["ratings"]) for p in d["portals"]])'
curl -s $B/api/v1/audit-events/verify -H "$(H $ADMIN)" | j '("audit chain intact:", d["intact"], d["events_checked"])'
echo "== issue 8: mutasi: the supervisor changes mid-year; the new one finds the pending work in their inbox"
STAF3=$(tok 199405052020121006)
STAF3_ID=$(curl -s $B/api/v1/me -H "$(H $STAF3)" | j 'd["employee"]["id"]')
KADIS_ME=$(curl -s $B/api/v1/me -H "$(H $KADIS)"); KADIS_ID=$(echo "$KADIS_ME" | j 'd["employee"]["id"]'); KADIS_UNIT=$(echo "$KADIS_ME" | j 'd["employee"]["unit_id"]')
ADMIN_ID=$(curl -s $B/api/v1/me -H "$(H $ADMIN)" | j 'd["employee"]["id"]')
WHO="{'$ADMIN_ID':'admin','$KADIS_ID':'kadis','$KABID_ID':'kabid','$STAF3_ID':'staf3'}"
S3=$(plan $STAF3 "$(T 'Arsip digital kependudukan' 100 "\"supports_target_id\":\"$BT\",")")
curl -s $B/api/v1/skps/inbox -H "$(H $KABID)" | j '("kabid inbox before:", [s["employee_name"] for s in d["items"]])'
curl -s $B/api/v1/employees/$STAF3_ID/reporting-line -H "$(H $KABID)" -H 'content-type: application/json' -d "{\"unit_id\":\"$KADIS_UNIT\",\"supervisor_id\":\"$KABID_ID\",\"reason\":\"kembalikan\"}" | j '("kabid changing the line, refused:", d["status"], d["code"])'
curl -s $B/api/v1/employees/$STAF3_ID/reporting-line -H "$(H $ADMIN)" -H 'content-type: application/json' -d "{\"unit_id\":\"$KADIS_UNIT\",\"supervisor_id\":\"$KADIS_ID\",\"reason\":\"Mutasi ke Sekretariat, SK Kepala Dinas 800/45\"}" | j "('new line:', $WHO[d['supervisor_id']], d['effective_from'], d['reason'])"
curl -s $B/api/v1/skps/inbox -H "$(H $KABID)" | j '("kabid inbox after:", [s["employee_name"] for s in d["items"]])'
curl -s $B/api/v1/skps/inbox -H "$(H $KADIS)" | j '("kadis inbox after:", [s["employee_name"] for s in d["items"]])'
curl -s $B/api/v1/inbox -H "$(H $KADIS)" | j '("kadis GET /inbox:", [(i["kind"], i["employee_name"]) for i in d["items"] if i["employee_id"] == "'$STAF3_ID'"], d["counts"])'
curl -s "$B/api/v1/inbox?kinds=skp_to_decide" -H "$(H $KABID)" | j '("kabid GET /inbox?kinds=skp_to_decide:", [i["employee_name"] for i in d["items"]])'
curl -s -X POST $B/api/v1/skps/$S3/approve -H "$(H $KABID)" -H 'if-match: "3"' | j '("old supervisor approving, refused:", d["status"], d["code"])'
curl -s -X POST $B/api/v1/skps/$S3/approve -H "$(H $KADIS)" -H 'if-match: "3"' | j "('staf3 SKP', d['status'], 'by', $WHO[d['approver_id']])"
curl -s $B/api/v1/employees/$STAF3_ID/reporting-lines -H "$(H $STAF3)" | j "[($WHO.get(l['supervisor_id']), l['effective_from'], l['effective_to'], l['reason'], $WHO.get(l['changed_by'], l['changed_by'])) for l in d['items']]"
curl -s "$B/api/v1/audit-events?resource_id=$STAF3_ID" -H "$(H $ADMIN)" | j "[(e['action'], $WHO.get(e['actor_id'], e['actor_id'])) for e in d['items']]"
curl -s "$B/api/v1/audit-events?resource_id=$S3" -H "$(H $ADMIN)" | j "[(e['action'], $WHO.get(e['actor_id'], e['actor_id'])) for e in d['items']]"
echo "== issue 8: staf1 records a quarter's achievements with a PDF and a link; kabid rejects one and verifies the corrected one"
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
Q1=$(curl -s $B/api/v1/periods/$PERIOD -H "$(H $STAF1)" | j 'd["sub_periods"][0]["id"]')
IND=$(curl -s $B/api/v1/skps/$S1 -H "$(H $STAF1)" | j 'd["targets"][0]["indicators"][0]["id"]')
rec() { # aspect, realised, note, links-json -> the new achievement
  curl -s $B/api/v1/achievements -H "$(H $STAF1)" -H 'content-type: application/json' -H "idempotency-key: walk-$1" \
    -d "{\"indicator_id\":\"$IND\",\"aspect\":\"$1\",\"sub_period_id\":\"$Q1\",\"realised\":$2,\"note\":\"$3\",\"links\":$4}"
}
A1=$(rec kuantitas 140 "140 KTP-el terekam di Q1" '[{"url":"https://drive.kota.go.id/ktp/q1","title":"Rekap perekaman Q1"}]' | j 'd["id"]')
A2=$(rec waktu 3 "Selesai dalam 3 bulan" '[]' | j 'd["id"]')
rec kuantitas 140 "140 KTP-el terekam di Q1" '[{"url":"https://drive.kota.go.id/ktp/q1","title":"Rekap perekaman Q1"}]' | j '("repeated with the same Idempotency-Key, same achievement:", d["id"] == "'$A1'")'
printf '%%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n' > "$TMP/rekap-q1.pdf"
curl -s "$B/api/v1/achievements/$A1/evidence/files?filename=rekap-q1.pdf" -H "$(H $STAF1)" -H 'content-type: application/pdf' --data-binary @"$TMP/rekap-q1.pdf" \
  | j '("A1 evidence", d["version"], [(e["kind"], e["file_name"] or e["url"], e["sha256"]) for e in d["evidence"]])'
echo "sha256sum of the file sent: $(sha256sum "$TMP/rekap-q1.pdf" | cut -d' ' -f1)"
echo '<html>ini bukan PDF</html>' > "$TMP/palsu.pdf"
curl -s "$B/api/v1/achievements/$A1/evidence/files?filename=palsu.pdf" -H "$(H $STAF1)" -H 'content-type: application/pdf' --data-binary @"$TMP/palsu.pdf" | j '("fake PDF:", d["status"], d["code"], d["detail"])'
curl -s "$B/api/v1/achievements?status=submitted" -H "$(H $KABID)" | j '("kabid sees waiting:", [(a["aspect"], a["realised"], a["status"]) for a in d["items"]])'
FILE=$(curl -s $B/api/v1/achievements/$A1 -H "$(H $KABID)" | j 'd["evidence"][1]["download_path"]')
curl -s -D "$TMP/headers" -o "$TMP/downloaded.pdf" $B$FILE -H "$(H $KABID)"
grep -i -E '^(content-type|content-disposition|etag|repr-digest):' "$TMP/headers" | tr -d '\r'
cmp -s "$TMP/rekap-q1.pdf" "$TMP/downloaded.pdf" && echo "kabid downloaded the same bytes"
curl -s -o /dev/null -w 'staf2 downloading staf1 evidence: %{http_code}\n' $B$FILE -H "$(H $STAF2)"
curl -s -X POST $B/api/v1/achievements/$A2/reject -H "$(H $KABID)" -H 'if-match: "1"' -H 'content-type: application/json' -d '{"reason":"Waktu tidak sesuai laporan: Q1 adalah 3 bulan tetapi kegiatan selesai Februari"}' | j '("A2", d["status"], d["rejection_reason"])'
curl -s -X PUT $B/api/v1/achievements/$A2 -H "$(H $STAF1)" -H 'if-match: "2"' -H 'content-type: application/json' -d '{"realised":2,"note":"Dikoreksi: selesai dalam 2 bulan"}' | j '("A2 corrected", d["status"], d["realised"])'
curl -s -X POST $B/api/v1/achievements/$A2/resubmit -H "$(H $STAF1)" -H 'if-match: "3"' | j '("A2", d["status"])'
curl -s -X POST $B/api/v1/achievements/$A2/verify -H "$(H $KABID)" -H 'if-match: "4"' | j '("A2", d["status"], d["version"])'
curl -s -X POST $B/api/v1/achievements/$A1/verify -H "$(H $KABID)" -H 'if-match: "1"' | j '("A1 verify with the version before the PDF:", d["status"], d["code"])'
curl -s -X POST $B/api/v1/achievements/$A1/verify -H "$(H $KABID)" -H 'if-match: "2"' | j '("A1", d["status"])'
curl -s -X PUT $B/api/v1/achievements/$A2 -H "$(H $STAF1)" -H 'if-match: "5"' -H 'content-type: application/json' -d '{"realised":1}' | j '("A2 edit after verification:", d["status"], d["code"])'
curl -s "$B/api/v1/audit-events?resource_id=$A2" -H "$(H $ADMIN)" | j '[(e["action"], {"'$STAF1_ID'": "staf1", "'$KABID_ID'": "kabid"}.get(e["actor_id"], e["actor_id"])) for e in d["items"]]'
echo "== issue 8: kabid's feedback to staf1, a reply; kadis (second level) reads it, the admin may not"
TH=$(curl -s $B/api/v1/employees/$STAF1_ID/feedback -H "$(H $KABID)" -H 'content-type: application/json' -d "{\"body\":\"Capaian Q1 bagus; lampirkan rekap per kecamatan.\",\"achievement_id\":\"$A1\"}" | j 'd["id"]')
curl -s $B/api/v1/feedback/$TH/replies -H "$(H $STAF1)" -H 'content-type: application/json' -d '{"body":"Siap, Pak. Rekap per kecamatan menyusul."}' > /dev/null
curl -s $B/api/v1/feedback/$TH -H "$(H $KADIS)" | j '[("staf1" if m["by_employee"] else "kabid", m["body"]) for m in d["messages"]]'
curl -s $B/api/v1/feedback/$TH -H "$(H $ADMIN)" | j '("admin reading feedback:", d["status"], d["code"])'
echo "== issue 8: both assess the last ended quarter; the gap view shows the difference"
KADIS_ID=$(curl -s $B/api/v1/me -H "$(H $KADIS)" | j 'd["employee"]["id"]')
STAF2_ID=$(curl -s $B/api/v1/me -H "$(H $STAF2)" | j 'd["employee"]["id"]')
Q=$(curl -s $B/api/v1/periods/$PERIOD -H "$(H $ADMIN)" | j '[s["id"] for s in d["sub_periods"] if s["ends_on"] <= __import__("datetime").date.today().isoformat()][-1]')
backdate() { # assessment id, days: moves its publication back in the database (only with DATABASE_URL)
  local at; at=$(python3 -c "import datetime; print((datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=$2)).strftime('%Y-%m-%d %H:%M:%S.%f'))")
  local sql="UPDATE assessments SET published_at = '$at' WHERE id = '$1'"
  case "$DB" in sqlite://*) sqlite3 "${DB#sqlite://}" "$sql" ;; *) psql -q "$DB" -c "$sql" ;; esac
}
SC() { echo "{\"berorientasi_pelayanan\":$1,\"akuntabel\":$2,\"kompeten\":$3,\"harmonis\":$4,\"loyal\":$5,\"adaptif\":$6,\"kolaboratif\":$7}"; }
assess() { # token, employee id, results, behaviour, scores -> published assessment id
  local id; id=$(curl -s $B/api/v1/assessments -H "$(H $1)" -H 'content-type: application/json' -d "{\"period_id\":\"$PERIOD\",\"sub_period_id\":\"$Q\",\"employee_id\":\"$2\"}" | j 'd["id"]')
  curl -s -X PUT $B/api/v1/assessments/$id -H "$(H $1)" -H 'if-match: "1"' -H 'content-type: application/json' -d "{\"results_rating\":\"$3\",\"behaviour_rating\":\"$4\",\"behaviour_scores\":$5,\"comment\":\"Penilaian triwulan\",\"follow_up\":{\"training_needs\":[{\"topic\":\"Analisis data kependudukan\",\"note\":\"\"}],\"coaching\":null,\"recognition\":null}}" > /dev/null
  curl -s -X POST $B/api/v1/assessments/$id/publish -H "$(H $1)" -H 'if-match: "2"' | j 'd["id"]'
}
OWN=$(assess $STAF1 $STAF1_ID di_atas_ekspektasi di_atas_ekspektasi "$(SC 5 5 5 4 4 5 5)")
SUP=$(assess $KABID $STAF1_ID sesuai_ekspektasi di_atas_ekspektasi "$(SC 4 4 4 4 5 3 4)")
curl -s $B/api/v1/assessments/$SUP/comparison -H "$(H $KABID)" | j '[(g["criterion"], g["supervisor"], g["self_assessment"], g["gap"]) for g in d["gaps"]]'
curl -s $B/api/v1/assessments/$SUP -H "$(H $STAF1)" | j '("staf1 sees", d["status"], d["results_rating"], d["final_predikat"], "object until", d["objection_deadline"])'
echo "== issue 8: the employee objects (on day 13 with DATABASE_URL); a colleague's objection to it and a late one are refused"
[ -n "$DB" ] && backdate $SUP 13
OBJ=$(curl -s $B/api/v1/objections -H "$(H $STAF1)" -H 'content-type: application/json' -d "{\"assessment_id\":\"$SUP\",\"reason\":\"Capaian triwulan saya di atas target, bukti dukung lengkap\"}")
echo "$OBJ" | j '("staf1 objects:", d["status"], "decided by kadis:", d["decider_id"] == "'$KADIS_ID'")'
OBJ=$(echo "$OBJ" | j 'd["id"]')
curl -s $B/api/v1/objections -H "$(H $STAF1)" -H 'content-type: application/json' -d "{\"assessment_id\":\"$SUP\",\"reason\":\"Sekali lagi saya keberatan atas nilai ini\"}" | j '("again, refused:", d["status"], d["code"])'
curl -s $B/api/v1/objections -H "$(H $STAF2)" -H 'content-type: application/json' -d "{\"assessment_id\":\"$SUP\",\"reason\":\"Saya keberatan atas nilai rekan saya\"}" | j '("colleague, refused:", d["status"], d["code"])'
if [ -n "$DB" ]; then
  SUP2=$(assess $KABID $STAF2_ID sesuai_ekspektasi sesuai_ekspektasi "$(SC 3 3 3 3 3 3 3)")
  backdate $SUP2 15
  curl -s $B/api/v1/objections -H "$(H $STAF2)" -H 'content-type: application/json' -d "{\"assessment_id\":\"$SUP2\",\"reason\":\"Saya keberatan atas nilai triwulan ini\"}" | j '("staf2 on day 15, refused:", d["status"], d["code"], d["detail"])'
fi
echo "== issue 8: the second-level supervisor changes the rating; both see it"
curl -s "$B/api/v1/objections?status=pending" -H "$(H $KADIS)" | j '("kadis waiting:", [o["id"] for o in d["items"]] == ["'$OBJ'"])'
curl -s -X POST $B/api/v1/objections/$OBJ/decision -H "$(H $KABID)" -H 'if-match: "1"' -H 'content-type: application/json' -d '{"outcome":"upheld","reason":"Penilaian saya sudah tepat"}' | j '("kabid deciding own rating, refused:", d["status"], d["code"])'
curl -s -X POST $B/api/v1/objections/$OBJ/decision -H "$(H $KADIS)" -H 'if-match: "1"' -H 'content-type: application/json' -d '{"outcome":"changed","reason":"Bukti dukung menunjukkan capaian di atas target","results_rating":"di_atas_ekspektasi","behaviour_rating":"di_atas_ekspektasi"}' | j '("kadis:", d["outcome"], d["original_results_rating"], "->", d["final_results_rating"], d["final_predikat"])'
for who in STAF1 KABID; do
  curl -s $B/api/v1/assessments/$SUP -H "$(H ${!who})" | j '("'$who' sees", d["results_rating"], "final", d["final_results_rating"], d["final_predikat"], d["objection"]["outcome"])'
done
curl -s "$B/api/v1/audit-events?resource_type=objection" -H "$(H $ADMIN)" | j '[(e["action"], e["actor_id"] == "'$STAF1_ID'" and "staf1" or e["actor_id"] == "'$KADIS_ID'" and "kadis" or e["actor_id"]) for e in d["items"]]'
curl -s $B/api/v1/audit-events/verify -H "$(H $ADMIN)" | j '("audit chain intact:", d["intact"], d["events_checked"])'
